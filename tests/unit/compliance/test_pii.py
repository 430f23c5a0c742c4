import pytest

from bot.compliance import pii


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("6222021234567890", "card"),  # 16 digits
        ("6222021234567890123", "card"),  # 19 digits
        ("6222-0212-3456-7890", "card"),
        ("110101199003071234", "id"),
        ("11010119900307123x", "id"),
    ],
)
def test_full_numbers_are_found(text: str, kind: str) -> None:
    hits = pii.find(text)
    assert [(hit.kind, hit.start, hit.end) for hit in hits] == [(kind, 0, len(text))]


@pytest.mark.parametrize(
    "text",
    [
        "622202123456789",  # 15 digits
        "62220212345678901234",  # 20 digits
        "13812345678",  # phone
        "6222 **** **** 7890",
        "尾号7890",
        "2024年06月20日",
    ],
)
def test_short_long_and_masked_numbers_are_not_pii(text: str) -> None:
    assert pii.find(text) == []


def test_eighteen_digits_without_a_birth_date_count_as_a_card() -> None:
    assert [hit.kind for hit in pii.find("622202123456789012")] == ["card"]


def test_mask_keeps_last_four() -> None:
    assert pii.mask("6222 0212 3456 7890") == "****7890"
    assert pii.mask("11010119900307123X") == "****123X"
