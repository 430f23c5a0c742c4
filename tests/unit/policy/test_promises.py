from datetime import date, timedelta
from decimal import Decimal

import pytest

from bot.policy.config import parse_policy
from bot.policy.errors import InvalidAmountError
from bot.policy.promises import PromiseReason, check_promise, minimum_promise_amount

D = Decimal
TODAY = date(2024, 6, 1)


def reasons(decision):
    return [reason.value for reason in decision.reasons]


@pytest.mark.parametrize(
    ("amount", "days"),
    [("1258.00", 0), ("1258.00", 30), ("12580.00", 15), ("5000.00", 7), ("1258", 1)],
)
def test_accepted(policy, zhang_wei, amount, days):
    decision = check_promise(D(amount), TODAY + timedelta(days=days), TODAY, zhang_wei, policy)
    assert decision.accepted
    assert decision.reasons == ()
    assert decision.reason is None


def test_limits_are_reported(policy, zhang_wei):
    decision = check_promise(D("1258.00"), TODAY, TODAY, zhang_wei, policy)
    assert decision.earliest_date == TODAY
    assert decision.latest_date == date(2024, 7, 1)
    assert decision.minimum_amount == D("1258.00")
    assert decision.total_due == D("12580.00")
    assert decision.is_full_payment is False
    full = check_promise(D("12580.00"), TODAY, TODAY, zhang_wei, policy)
    assert full.is_full_payment is True


@pytest.mark.parametrize(
    ("amount", "days", "expected"),
    [
        ("1258.00", -1, ["date_in_past"]),
        ("1258.00", 31, ["date_too_far"]),
        ("1257.99", 10, ["amount_below_minimum"]),
        ("0.00", 10, ["amount_below_minimum"]),
        ("-5.00", 10, ["amount_below_minimum"]),
        ("12580.01", 10, ["amount_above_total_due"]),
        ("100.00", 45, ["date_too_far", "amount_below_minimum"]),
    ],
)
def test_refused(policy, zhang_wei, amount, days, expected):
    decision = check_promise(D(amount), TODAY + timedelta(days=days), TODAY, zhang_wei, policy)
    assert not decision.accepted
    assert reasons(decision) == expected
    assert decision.reason.value == expected[0]


def test_missing_parts(policy, zhang_wei):
    assert reasons(check_promise(None, None, TODAY, zhang_wei, policy)) == [
        "date_missing",
        "amount_missing",
    ]
    assert check_promise(D("2000"), None, TODAY, zhang_wei, policy).reason is (
        PromiseReason.DATE_MISSING
    )
    assert check_promise(None, TODAY, TODAY, zhang_wei, policy).reason is (
        PromiseReason.AMOUNT_MISSING
    )


def test_reason_codes_compare_as_strings(policy, zhang_wei):
    decision = check_promise(None, TODAY, TODAY, zhang_wei, policy)
    assert decision.reason == "amount_missing"


@pytest.mark.parametrize(("customer", "minimum"), [("李娜", "326.05"), ("王强", "5800.00")])
def test_minimum_is_the_accounts_minimum_payment(policy, demo_accounts, customer, minimum):
    account = demo_accounts[customer]
    assert minimum_promise_amount(account, policy) == D(minimum)
    assert check_promise(D(minimum), TODAY, TODAY, account, policy).accepted
    below = D(minimum) - D("0.01")
    assert check_promise(below, TODAY, TODAY, account, policy).reason == "amount_below_minimum"


def test_total_due_only_policy(spec, zhang_wei):
    spec["promise_to_pay"]["minimum_amount"] = "total_due"
    strict = parse_policy(spec)
    assert minimum_promise_amount(zhang_wei, strict) == D("12580.00")
    assert check_promise(D("1258.00"), TODAY, TODAY, zhang_wei, strict).reason == (
        "amount_below_minimum"
    )
    assert check_promise(D("12580.00"), TODAY, TODAY, zhang_wei, strict).accepted


def test_window_comes_from_the_policy(spec, zhang_wei):
    spec["promise_to_pay"]["window_days"] = 3
    short = parse_policy(spec)
    assert check_promise(D("1258"), TODAY + timedelta(days=3), TODAY, zhang_wei, short).accepted
    late = check_promise(D("1258"), TODAY + timedelta(days=4), TODAY, zhang_wei, short)
    assert late.reason == "date_too_far"


def test_text_amount_and_sub_cent_amount(policy, zhang_wei):
    assert check_promise("1258.00", TODAY, TODAY, zhang_wei, policy).accepted
    with pytest.raises(InvalidAmountError, match="whole cents"):
        check_promise(D("1258.001"), TODAY, TODAY, zhang_wei, policy)
    with pytest.raises(TypeError):
        check_promise(1258.0, TODAY, TODAY, zhang_wei, policy)
