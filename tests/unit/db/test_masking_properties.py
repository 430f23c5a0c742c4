"""Property: whatever PII is written into a text, and however, masking leaves none of it."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.compliance.pii import find_pii
from bot.db.masking import mask_text

_FULL_WIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)} | {" ": "\u3000"})
_SEP = st.sampled_from([" ", "-", " - "])
_DIGIT = "0123456789"


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.text(_DIGIT, min_size=n, max_size=n)


def _grouped(value: str, sizes: tuple[int, ...], sep: str) -> str:
    parts, at = [], 0
    for size in sizes:
        parts.append(value[at : at + size])
        at += size
    return sep.join(parts)


@st.composite
def mobiles(draw: st.DrawFn) -> str:
    number = "1" + draw(st.sampled_from("3456789")) + draw(_digits(9))
    sep = draw(_SEP)
    body = draw(
        st.sampled_from([number, _grouped(number, (3, 4, 4), sep), number[:3] + sep + number[3:]])
    )
    prefix = draw(st.sampled_from(["", "+86", "+86 ", "86", "86-"]))
    return prefix + body


@st.composite
def cards(draw: st.DrawFn) -> str:
    number = draw(st.sampled_from(["62", "43", "52", "35", "9558"]))
    number += draw(_digits(draw(st.integers(16, 19)) - len(number)))
    sep = draw(_SEP)
    fours = (4,) * (len(number) // 4) + ((len(number) % 4,) if len(number) % 4 else ())
    shapes = [(len(number),), fours, (12, len(number) - 12)]
    if len(number) == 16:
        shapes.append((4, 8, 4))
    return _grouped(number, draw(st.sampled_from(shapes)), sep)


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(["110105", "310104", "440301", "510104", "650102"]))
    birth = draw(st.dates(dt.date(1930, 1, 1), dt.date(2010, 12, 31)))
    if draw(st.booleans()):  # the old 15-digit number
        return region + birth.strftime("%y%m%d") + draw(_digits(3))
    number = region + birth.strftime("%Y%m%d") + draw(_digits(3))
    number += draw(st.sampled_from([*_DIGIT, "X", "x"]))
    shapes = [(18,), (6, 8, 4), (4, 4, 4, 4, 2), (6, 4, 4, 4)]
    return _grouped(number, draw(st.sampled_from(shapes)), draw(_SEP))


@st.composite
def landlines(draw: st.DrawFn) -> str:
    area = draw(st.sampled_from(["010", "021", "020", "0755", "0571", "0311"]))
    local = draw(st.sampled_from("23456789")) + draw(_digits(draw(st.sampled_from([6, 7]))))
    sep = draw(_SEP)
    shapes = [
        area + local,
        area + sep + local,
        f"({area}){local}",
        f"({area}) {local}",
        area + sep + local[:-4] + sep + local[-4:],
    ]
    return draw(st.sampled_from(shapes))


@st.composite
def pii_values(draw: st.DrawFn) -> str:
    value = draw(st.one_of(mobiles(), cards(), id_numbers(), landlines()))
    return value.translate(_FULL_WIDTH) if draw(st.booleans()) else value


_FILLER_CHARS = "我的卡号是请核对手机身份证座机谢您好欠款元，。：、（）abcXYZ +-.:/"
# Filler never glues two numbers into one: it always holds a character that is neither a digit
# nor a separator numbers are written with.
_FILLER = st.builds(
    lambda before, middle, after: before + middle + after,
    st.text(_FILLER_CHARS, max_size=6),
    st.sampled_from(list("我号，。：、abXYZ.:/")),
    st.text(_FILLER_CHARS, max_size=6),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_FILLER, pii_values()), min_size=1, max_size=4), _FILLER)
def test_masked_text_holds_no_pii(pieces: list[tuple[str, str]], tail: str) -> None:
    text = "".join(filler + value for filler, value in pieces) + tail
    masked = mask_text(text)
    assert len(masked) == len(text)
    assert find_pii(masked) == []
    for _, value in pieces:
        assert value not in masked


@settings(max_examples=200, deadline=None)
@given(pii_values())
def test_every_generated_value_is_found_whole(value: str) -> None:
    spans = find_pii(value)
    assert len(spans) == 1
    assert (spans[0].start, spans[0].end) == (0, len(value))
