from datetime import date, timedelta
from decimal import Decimal

import pytest

from bot.policy.figures import AccountFigures
from bot.policy.waivers import WaiverOutcome, check_fee_waiver

D = Decimal
TODAY = date(2024, 6, 1)


@pytest.mark.parametrize("days", [0, 3, 7])
def test_full_payment_within_seven_days_waives_late_fees(policy, zhang_wei, days):
    decision = check_fee_waiver(zhang_wei, TODAY + timedelta(days=days), TODAY, policy)
    assert decision.outcome is WaiverOutcome.WAIVABLE
    assert decision.late_fees_waivable
    assert decision.late_fees == D("200.00")
    assert decision.pay_in_full_amount == D("12580.00")
    assert decision.deadline == date(2024, 6, 8)


def test_full_payment_after_seven_days_is_not_waivable(policy, zhang_wei):
    decision = check_fee_waiver(zhang_wei, TODAY + timedelta(days=8), TODAY, policy)
    assert decision.outcome is WaiverOutcome.DATE_TOO_LATE
    assert not decision.late_fees_waivable


def test_past_date(policy, zhang_wei):
    decision = check_fee_waiver(zhang_wei, TODAY - timedelta(days=1), TODAY, policy)
    assert decision.outcome == "date_in_past"
    assert not decision.late_fees_waivable


def test_no_date_yet_gives_the_condition(policy, demo_accounts):
    decision = check_fee_waiver(demo_accounts["李娜"], None, TODAY, policy)
    assert decision.outcome is WaiverOutcome.CONDITIONAL
    assert not decision.late_fees_waivable
    assert decision.late_fees == D("50.00")
    assert decision.pay_in_full_amount == D("3260.50")
    assert decision.deadline == date(2024, 6, 8)


@pytest.mark.parametrize(
    ("customer", "interest"), [("张伟", "380.00"), ("李娜", "110.50"), ("王强", "2400.00")]
)
def test_interest_only_by_a_human(policy, demo_accounts, customer, interest):
    decision = check_fee_waiver(demo_accounts[customer], TODAY, TODAY, policy)
    assert decision.late_fees_waivable
    assert decision.human_only == ("interest",)
    assert decision.human_only_amount == D(interest)


def test_other_charges_only_by_a_human(policy):
    account = AccountFigures(
        total_due=D("1100.00"),
        principal=D("1000.00"),
        interest=D("0"),
        late_fees=D("50.00"),
        minimum_payment=D("110.00"),
        days_past_due=5,
    )
    decision = check_fee_waiver(account, TODAY, TODAY, policy)
    assert decision.human_only == ("other_charges",)
    assert decision.human_only_amount == D("50.00")


def test_no_late_fees(policy):
    account = AccountFigures(
        total_due=D("1000.00"),
        principal=D("1000.00"),
        interest=D("0"),
        late_fees=D("0"),
        minimum_payment=D("100.00"),
        days_past_due=3,
    )
    decision = check_fee_waiver(account, TODAY, TODAY, policy)
    assert decision.outcome is WaiverOutcome.NO_LATE_FEES
    assert not decision.late_fees_waivable
    assert decision.human_only == ()


def test_window_comes_from_the_policy(spec, zhang_wei):
    from bot.policy.config import parse_policy

    spec["late_fee_waiver"]["pay_in_full_within_days"] = 0
    same_day = parse_policy(spec)
    assert check_fee_waiver(zhang_wei, TODAY, TODAY, same_day).late_fees_waivable
    tomorrow = TODAY + timedelta(days=1)
    assert not check_fee_waiver(zhang_wei, tomorrow, TODAY, same_day).late_fees_waivable
