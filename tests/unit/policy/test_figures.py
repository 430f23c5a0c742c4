from decimal import Decimal

import pytest

from bot.policy.errors import InvalidAmountError
from bot.policy.figures import AccountFigures

D = Decimal
GOOD = {
    "total_due": D("12580.00"),
    "principal": D("12000.00"),
    "interest": D("380.00"),
    "late_fees": D("200.00"),
    "minimum_payment": D("1258.00"),
    "days_past_due": 45,
}


def make(**changes):
    return AccountFigures(**{**GOOD, **changes})


def test_demo_accounts_add_up(demo_accounts):
    for account in demo_accounts.values():
        assert account.principal + account.interest + account.late_fees == account.total_due
        assert account.other_charges == 0


def test_other_charges():
    assert make(total_due=D("12600.00")).other_charges == D("20.00")


def test_frozen():
    with pytest.raises(AttributeError):
        make().total_due = D("1")


@pytest.mark.parametrize("field", ["total_due", "principal", "interest", "late_fees"])
def test_float_money_refused(field):
    with pytest.raises(TypeError, match=f"AccountFigures.{field} must be a finite Decimal"):
        make(**{field: 1.5})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"interest": D("-1")}, "interest must not be negative"),
        ({"days_past_due": -1}, "days_past_due must not be negative"),
        ({"minimum_payment": D("12580.01")}, "minimum_payment 12580.01 exceeds total_due"),
        ({"principal": D("12000.01")}, "exceeds total_due"),
    ],
)
def test_inconsistent_figures(changes, message):
    with pytest.raises(InvalidAmountError, match=message):
        make(**changes)


def test_days_past_due_must_be_int():
    with pytest.raises(TypeError):
        make(days_past_due=True)
    with pytest.raises(TypeError):
        make(total_due=D("NaN"))
