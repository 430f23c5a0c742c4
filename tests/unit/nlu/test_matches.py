import pytest

from bot.nlu.matches import MASK_CHAR, Match, mask, overlaps, select_longest


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((0, 2), (1, 3), True),
        ((0, 2), (2, 4), False),
        ((0, 5), (1, 2), True),
        ((3, 4), (0, 3), False),
    ],
)
def test_overlaps(a, b, expected):
    assert overlaps(a, b) is expected


def test_claimed_includes_context():
    assert Match(3, 5, 6, context_start=2).claimed == (2, 5)
    assert Match(0, 4, "1234", context_end=7).claimed == (0, 7)
    assert Match(1, 2, 0).claimed == (1, 2)


def test_select_longest_prefers_longer_then_earlier():
    short = Match(3, 5, "5号")
    long = Match(0, 5, "下个月5号")
    other = Match(6, 8, "x")
    tie_a, tie_b = Match(10, 12, "a"), Match(11, 13, "b")
    assert select_longest([short, other, long, tie_b, tie_a]) == [long, other, tie_a]


def test_mask_keeps_length():
    text = "分12期每期800"
    masked = mask(text, [Match(1, 4, 12, context_start=0)])
    assert masked == MASK_CHAR * 4 + "每期800"
    assert len(masked) == len(text)
