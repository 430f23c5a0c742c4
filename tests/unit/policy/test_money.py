from decimal import Decimal

import pytest

from bot.policy.errors import InvalidAmountError
from bot.policy.money import is_whole_cents, round_cents, to_money

D = Decimal


@pytest.mark.parametrize(
    ("value", "expected"), [(D("1.50"), D("1.50")), (12, D("12")), (" 605.94 ", D("605.94"))]
)
def test_to_money(value, expected):
    assert to_money(value) == expected


@pytest.mark.parametrize("value", [1.5, True, None, [1]])
def test_to_money_refuses_other_types(value):
    with pytest.raises(TypeError):
        to_money(value)


@pytest.mark.parametrize("value", ["abc", "NaN", "Infinity", D("-Infinity"), ""])
def test_to_money_refuses_non_numbers(value):
    with pytest.raises(InvalidAmountError):
        to_money(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.005", "0.01"),
        ("0.015", "0.02"),
        ("0.025", "0.03"),
        ("2.674999", "2.67"),
        ("-0.005", "-0.01"),
    ],
)
def test_round_cents_half_up(value, expected):
    assert round_cents(D(value)) == D(expected)


def test_is_whole_cents():
    assert is_whole_cents(D("1.20"))
    assert is_whole_cents(D("3"))
    assert not is_whole_cents(D("1.205"))
