import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from bot.db.models import (
    AccountStatus,
    Channel,
    ClaimStatus,
    DisputeStatus,
    HandoffReason,
    HandoffStatus,
    Outcome,
    PlanKind,
    PlanStatus,
    PromiseStatus,
    Urgency,
)
from bot.db.repositories import NotFoundError, Repositories

from .conftest import NOW

HOUR = dt.timedelta(hours=1)


@pytest.fixture
def repos(session: Session) -> Repositories:
    return Repositories(session)


@pytest.fixture
def customer_id(repos: Repositories) -> int:
    return repos.customers.add(name="张伟", mobile="13800001111", id_last4="1234").id


@pytest.fixture
def account_id(repos: Repositories, customer_id: int) -> int:
    account = repos.accounts.add(
        customer_id=customer_id,
        card_last4="6217",
        principal=Decimal("12000.00"),
        interest=Decimal("380.00"),
        late_fees=Decimal("200.00"),
        minimum_payment=Decimal("1258.00"),
        days_past_due=45,
    )
    return account.id


# --- customers and accounts ---------------------------------------------------------------


def test_customers_find_by_mobile_and_get(repos: Repositories, customer_id: int) -> None:
    assert repos.customers.find_by_mobile("13800001111").id == customer_id
    assert repos.customers.find_by_mobile("13800001112") is None
    assert repos.customers.get(customer_id).name == "张伟"
    assert repos.customers.get(customer_id + 100) is None
    assert repos.customers.count() == 1


def test_customer_id_last4_is_stored_upper_case(repos: Repositories) -> None:
    assert (
        repos.customers.add(name="李娜", mobile="13900002222", id_last4="567x").id_last4 == "567X"
    )


def test_customer_mobile_is_unique(repos: Repositories, customer_id: int) -> None:
    with pytest.raises(IntegrityError):
        repos.customers.add(name="冒名", mobile="13800001111", id_last4="0000")


def test_account_total_defaults_to_sum_and_lists_per_customer(
    repos: Repositories, customer_id: int, account_id: int
) -> None:
    account = repos.accounts.get(account_id)
    assert account.total_due == Decimal("12580.00")
    assert account.status == AccountStatus.ACTIVE == "active"
    second = repos.accounts.add(
        customer_id=customer_id,
        card_last4="0001",
        principal="10.00",
        interest="0",
        late_fees="0",
        total_due="10.00",
        minimum_payment="1.00",
        days_past_due=100,
    )
    other = repos.customers.add(name="王强", mobile="13700003333", id_last4="9012")
    assert [a.id for a in repos.accounts.for_customer(customer_id)] == [second.id, account_id]
    assert repos.accounts.for_customer(other.id) == []


def test_set_account_status(repos: Repositories, account_id: int) -> None:
    assert repos.accounts.set_status(account_id, "paused").status == AccountStatus.PAUSED
    assert repos.accounts.set_status(account_id, AccountStatus.DISPUTED).status == "disputed"
    with pytest.raises(ValueError):
        repos.accounts.set_status(account_id, "forgiven")
    with pytest.raises(NotFoundError):
        repos.accounts.set_status(account_id + 100, "paused")


def test_the_database_refuses_unknown_status_values(repos: Repositories, account_id: int) -> None:
    account = repos.accounts.get(account_id)
    account.status = "forgiven"
    with pytest.raises(StatementError):
        repos.session.flush()


# --- arrangements --------------------------------------------------------------------------


def test_repayment_plans(repos: Repositories, account_id: int) -> None:
    plan = repos.plans.add(
        account_id=account_id,
        kind=PlanKind.INSTALLMENT,
        tenor=12,
        monthly_amount=Decimal("1131.36"),
        total_fees=Decimal("996.34"),
        total_repaid=Decimal("13576.34"),
        conversation_id="conv-1",
    )
    hardship = repos.plans.add(
        account_id=account_id,
        kind="hardship",
        tenor=60,
        monthly_amount="209.67",
        total_fees="0",
        total_repaid="12580.00",
        status=PlanStatus.PENDING_APPROVAL,
    )
    assert plan.status == PlanStatus.PROPOSED
    assert repos.plans.get(plan.id).monthly_amount == Decimal("1131.36")
    assert [p.id for p in repos.plans.for_account(account_id)] == [plan.id, hardship.id]
    assert repos.plans.set_status(plan.id, "accepted").status == PlanStatus.ACCEPTED
    with pytest.raises(ValueError):
        repos.plans.add(
            account_id=account_id,
            kind="loan",
            tenor=1,
            monthly_amount="1",
            total_fees="0",
            total_repaid="1",
        )


def test_promises_to_pay(repos: Repositories, account_id: int) -> None:
    later = repos.promises.add(
        account_id=account_id, amount="12580.00", due_date=dt.date(2025, 4, 1)
    )
    sooner = repos.promises.add(
        account_id=account_id, amount="1258.00", due_date=dt.date(2025, 3, 20), conversation_id="c"
    )
    assert sooner.status == PromiseStatus.OPEN
    assert [p.id for p in repos.promises.for_account(account_id)] == [sooner.id, later.id]
    assert repos.promises.set_status(sooner.id, PromiseStatus.KEPT).status == "kept"
    with pytest.raises(NotFoundError):
        repos.promises.set_status(later.id + 100, "broken")


def test_payment_claims(repos: Repositories, account_id: int) -> None:
    vague = repos.payment_claims.add(account_id=account_id, conversation_id="c")
    precise = repos.payment_claims.add(
        account_id=account_id, claimed_amount="1258.00", claimed_date=dt.date(2025, 3, 8)
    )
    assert vague.status == ClaimStatus.TO_CHECK
    assert vague.claimed_amount is None and vague.claimed_date is None
    claims = repos.payment_claims.for_account(account_id)
    assert [(c.claimed_amount, c.claimed_date) for c in claims] == [
        (None, None),
        (Decimal("1258.00"), dt.date(2025, 3, 8)),
    ]
    assert repos.payment_claims.set_status(precise.id, "confirmed").status == ClaimStatus.CONFIRMED


def test_disputes(repos: Repositories, account_id: int) -> None:
    dispute = repos.disputes.add(
        account_id=account_id, reason="这笔消费不是我的", conversation_id="c"
    )
    assert dispute.status == DisputeStatus.OPEN
    assert [d.reason for d in repos.disputes.for_account(account_id)] == ["这笔消费不是我的"]
    assert repos.disputes.set_status(dispute.id, "resolved").status == DisputeStatus.RESOLVED


def test_records_need_an_existing_account(repos: Repositories) -> None:
    with pytest.raises(IntegrityError):
        repos.disputes.add(account_id=424242, reason="x")


# --- contact preferences ------------------------------------------------------------------


def test_contact_preferences(repos: Repositories, customer_id: int) -> None:
    repos.contact_preferences.add(
        mobile="13800001111", channel=Channel.SMS, stop_contact=True, customer_id=customer_id
    )
    repos.contact_preferences.add(mobile="13600000000", wrong_number=True, reason="打错了")
    assert [p.channel for p in repos.contact_preferences.for_customer(customer_id)] == [Channel.SMS]
    stranger = repos.contact_preferences.for_mobile("13600000000")
    assert [(p.channel, p.wrong_number, p.customer_id) for p in stranger] == [("all", True, None)]
    assert repos.contact_preferences.is_contact_stopped("13800001111", "sms")
    assert not repos.contact_preferences.is_contact_stopped("13800001111", "phone")
    assert repos.contact_preferences.is_contact_stopped("13600000000", Channel.PHONE)
    assert not repos.contact_preferences.is_contact_stopped("13700003333", "sms")


def test_a_preference_without_stop_or_wrong_number_does_not_stop(repos: Repositories) -> None:
    repos.contact_preferences.add(mobile="13800001111", channel="chat")
    assert not repos.contact_preferences.is_contact_stopped("13800001111", "chat")


# --- verification records -----------------------------------------------------------------


def test_record_verification_attempt_masks_the_mobile(
    repos: Repositories, customer_id: int
) -> None:
    attempt = repos.verification.record_verification_attempt(
        conversation_id="c1", mobile="13800001111", success=False, customer_id=customer_id, at=NOW
    )
    assert attempt.mobile_masked == "138****1111"
    assert attempt.at == NOW
    assert repos.verification.attempts_for_conversation("c1") == [attempt]


def test_failed_attempts_since(repos: Repositories, customer_id: int) -> None:
    record = repos.verification.record_verification_attempt
    record(
        conversation_id="c1", mobile="13800001111", success=False, customer_id=customer_id, at=NOW
    )
    record(
        conversation_id="c2",
        mobile="13800001111",
        success=False,
        customer_id=customer_id,
        at=NOW + HOUR,
    )
    record(
        conversation_id="c2",
        mobile="13800001111",
        success=True,
        customer_id=customer_id,
        at=NOW + HOUR,
    )
    record(
        conversation_id="c3",
        mobile="13800001111",
        success=False,
        customer_id=customer_id,
        during_lock=True,
        at=NOW + 2 * HOUR,
    )
    record(conversation_id="c2", mobile="13600000000", success=False, at=NOW + 2 * HOUR)
    failures = repos.verification.failed_attempts_since
    assert failures(customer_id, NOW - HOUR) == 2
    assert failures(customer_id, NOW) == 1  # strictly after ``since``
    assert repos.verification.conversation_failures_since("c2", NOW - HOUR) == 2
    assert repos.verification.last_success_at(customer_id=customer_id) == NOW + HOUR
    assert repos.verification.last_success_at(conversation_id="c1") is None


def test_locks(repos: Repositories, customer_id: int) -> None:
    assert repos.verification.active_lock(customer_id, NOW) is None
    short = repos.verification.lock(customer_id, NOW + HOUR, conversation_id="c1")
    long = repos.verification.lock(customer_id, NOW + 24 * HOUR)
    assert repos.verification.active_lock(customer_id, NOW) == long
    assert repos.verification.active_lock(customer_id, NOW + 24 * HOUR) is None
    assert repos.verification.active_conversation_lock("c1", NOW) == short
    assert repos.verification.active_conversation_lock("c1", NOW + HOUR) is None
    assert short.reason == "verification_failures"
    with pytest.raises(ValueError):
        repos.verification.lock(None, NOW + HOUR)


# --- hand-offs, outcomes, compliance events ----------------------------------------------


def test_handoffs(repos: Repositories, customer_id: int, account_id: int) -> None:
    normal = repos.handoffs.add(conversation_id="c1", reason="request")
    urgent = repos.handoffs.add(
        conversation_id="c2",
        reason=HandoffReason.DISTRESS,
        urgency=Urgency.URGENT,
        account_id=account_id,
        customer_id=customer_id,
        detail="来电号码13800001111",
    )
    assert normal.status == HandoffStatus.OPEN and normal.urgency == Urgency.NORMAL
    assert urgent.detail == "来电号码138****1111"
    assert [h.id for h in repos.handoffs.open_queue()] == [urgent.id, normal.id]
    assert repos.handoffs.for_conversation("c2") == [urgent]
    repos.handoffs.set_status(urgent.id, "closed")
    assert [h.id for h in repos.handoffs.open_queue()] == [normal.id]
    with pytest.raises(ValueError):
        repos.handoffs.add(conversation_id="c3", reason="boredom")


def test_outcomes_by_conversation(repos: Repositories, account_id: int) -> None:
    repos.outcomes.add(conversation_id="c1", outcome=Outcome.HANDOFF, at=NOW + HOUR)
    repos.outcomes.add(
        conversation_id="c1", outcome="plan", account_id=account_id, detail="plan 1", at=NOW
    )
    repos.outcomes.add(conversation_id="c2", outcome="none")
    outcomes = repos.outcomes.for_conversation("c1")
    assert [(o.outcome, o.account_id) for o in outcomes] == [
        ("plan", account_id),
        ("handoff", None),
    ]
    several = repos.outcomes.for_conversations(["c2", "c1"])
    assert [o.conversation_id for o in several] == ["c1", "c1", "c2"]
    assert repos.outcomes.for_conversations([]) == []
    assert repos.outcomes.for_conversation("c3") == []


def test_compliance_events(repos: Repositories) -> None:
    first = repos.compliance_events.add(
        conversation_id="c1",
        rule="no-threat",
        blocked_text="不还就让你坐牢，你的卡6217000012345678",
        script_id="consequences.credit_report",
        at=NOW,
    )
    second = repos.compliance_events.add(rule="no-insult", blocked_text="老赖")
    assert first.blocked_text == "不还就让你坐牢，你的卡6217********5678"
    assert first.reviewed is False
    assert repos.compliance_events.for_conversation("c1") == [first]
    assert repos.compliance_events.unreviewed() == [first, second]
    repos.compliance_events.mark_reviewed(first.id)
    assert repos.compliance_events.unreviewed() == [second]
    with pytest.raises(NotFoundError):
        repos.compliance_events.mark_reviewed(second.id + 100)


def test_repositories_never_commit(engine, repos: Repositories, customer_id: int) -> None:
    from sqlalchemy import select

    from bot.db.models import Customer
    from bot.db.settings import make_session_factory

    repos.session.rollback()
    other = make_session_factory(engine)()
    try:
        assert other.scalars(select(Customer)).all() == []
    finally:
        other.close()
