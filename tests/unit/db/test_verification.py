import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.demo import seed_demo
from bot.db.models import AccountStatus, VerificationAttempt, VerificationLock
from bot.db.repositories import Repositories
from bot.db.verification import normalize_mobile, verify_identity

from .conftest import NOW

ZHANG_MOBILE, ZHANG_ID = "13800001111", "1234"
LI_MOBILE, LI_ID = "13900002222", "567X"
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def repos(session: Session) -> Repositories:
    seed_demo(session)
    session.commit()
    return Repositories(session)


def _verify(session: Session, conversation: str, mobile: str, id_last4: str, at: dt.datetime):
    result = verify_identity(session, conversation, mobile, id_last4, at)
    session.commit()  # what the action does: attempts and locks must persist
    return result


def test_correct_data_verifies_and_names_the_account(session: Session, repos: Repositories) -> None:
    result = _verify(session, "c1", ZHANG_MOBILE, ZHANG_ID, NOW)
    customer = repos.customers.find_by_mobile(ZHANG_MOBILE)
    assert result.status == "verified"
    assert result.customer_id == customer.id
    assert result.account_id == repos.accounts.for_customer(customer.id)[0].id
    assert result.attempts_left == 3
    assert result.locked_until is None


@pytest.mark.parametrize(
    ("mobile", "id_last4"),
    [("+86 139-0000-2222", "567x"), ("139 0000 2222", " 567X ")],
)
def test_input_is_normalized(
    session: Session, repos: Repositories, mobile: str, id_last4: str
) -> None:
    assert _verify(session, "c1", mobile, id_last4, NOW).status == "verified"


def test_normalize_mobile() -> None:
    assert normalize_mobile("+86 138-0000-1111") == "13800001111"
    assert normalize_mobile("138 0000 1111") == "13800001111"


def test_mismatch_counts_down_and_discloses_nothing(session: Session, repos: Repositories) -> None:
    first = _verify(session, "c1", ZHANG_MOBILE, "0000", NOW)
    second = _verify(session, "c1", ZHANG_MOBILE, "9999", NOW + HOUR)
    assert (first.status, first.attempts_left) == ("mismatch", 2)
    assert (second.status, second.attempts_left) == ("mismatch", 1)
    assert first.customer_id is None and first.account_id is None


def test_three_failures_across_two_conversations_lock_for_24_hours(
    session: Session, repos: Repositories
) -> None:
    assert _verify(session, "c1", ZHANG_MOBILE, "0000", NOW).status == "mismatch"
    assert _verify(session, "c2", ZHANG_MOBILE, "1111", NOW + HOUR).status == "mismatch"
    third = _verify(session, "c2", ZHANG_MOBILE, "2222", NOW + 2 * HOUR)

    customer = repos.customers.find_by_mobile(ZHANG_MOBILE)
    assert third.status == "locked"
    assert third.attempts_left == 0
    assert third.locked_until == NOW + 26 * HOUR
    lock = repos.verification.active_lock(customer.id, NOW + 3 * HOUR)
    assert lock is not None and lock.conversation_id == "c2"
    assert lock.locked_until == NOW + 26 * HOUR


def test_correct_data_is_refused_while_locked_in_any_conversation(
    session: Session, repos: Repositories
) -> None:
    for i in range(3):
        _verify(session, f"c{i}", ZHANG_MOBILE, "0000", NOW + i * HOUR)
    refused = _verify(session, "c-new", ZHANG_MOBILE, ZHANG_ID, NOW + 10 * HOUR)
    assert refused.status == "locked"
    assert refused.account_id is None
    assert refused.locked_until == NOW + 26 * HOUR
    # The refusal is recorded for the audit trail but does not count as a new failure.
    attempts = repos.verification.attempts_for_conversation("c-new")
    assert [(a.success, a.during_lock) for a in attempts] == [(False, True)]


def test_lock_expires(session: Session, repos: Repositories) -> None:
    for i in range(3):
        _verify(session, "c1", ZHANG_MOBILE, "0000", NOW + i * HOUR)
    just_before = _verify(
        session, "c2", ZHANG_MOBILE, ZHANG_ID, NOW + 26 * HOUR - dt.timedelta(seconds=1)
    )
    after = _verify(session, "c3", ZHANG_MOBILE, ZHANG_ID, NOW + 26 * HOUR)
    assert just_before.status == "locked"
    assert after.status == "verified"


def test_after_expiry_old_failures_do_not_count(session: Session, repos: Repositories) -> None:
    for i in range(3):
        _verify(session, "c1", ZHANG_MOBILE, "0000", NOW + i * HOUR)
    # Many refused attempts during the lock must not re-lock after it ends.
    for i in range(5):
        _verify(session, "c2", ZHANG_MOBILE, "0000", NOW + (3 + i) * HOUR)
    after = _verify(session, "c3", ZHANG_MOBILE, "0000", NOW + 27 * HOUR)
    assert (after.status, after.attempts_left) == ("mismatch", 2)


def test_failures_outside_the_window_do_not_count(session: Session, repos: Repositories) -> None:
    _verify(session, "c1", ZHANG_MOBILE, "0000", NOW)
    _verify(session, "c2", ZHANG_MOBILE, "0000", NOW + 23 * HOUR)
    third = _verify(session, "c3", ZHANG_MOBILE, "0000", NOW + 25 * HOUR)
    assert (third.status, third.attempts_left) == ("mismatch", 1)


def test_success_resets_the_count(session: Session, repos: Repositories) -> None:
    _verify(session, "c1", ZHANG_MOBILE, "0000", NOW)
    _verify(session, "c1", ZHANG_MOBILE, "0000", NOW + HOUR)
    assert _verify(session, "c1", ZHANG_MOBILE, ZHANG_ID, NOW + 2 * HOUR).status == "verified"
    later = _verify(session, "c2", ZHANG_MOBILE, "0000", NOW + 3 * HOUR)
    assert (later.status, later.attempts_left) == ("mismatch", 2)


def test_one_customer_lock_does_not_lock_another_customer(
    session: Session, repos: Repositories
) -> None:
    for i in range(3):
        _verify(session, "c1", ZHANG_MOBILE, "0000", NOW + i * HOUR)
    assert _verify(session, "c2", LI_MOBILE, LI_ID, NOW + 3 * HOUR).status == "verified"


def test_the_locked_conversation_discloses_nothing_for_any_number(
    session: Session, repos: Repositories
) -> None:
    for i in range(3):
        _verify(session, "c1", ZHANG_MOBILE, "0000", NOW + i * HOUR)
    assert _verify(session, "c1", LI_MOBILE, LI_ID, NOW + 3 * HOUR).status == "locked"


def test_unknown_mobile_failures_lock_only_the_conversation(
    session: Session, repos: Repositories
) -> None:
    first = _verify(session, "c1", "13600000000", "1234", NOW)
    assert (first.status, first.attempts_left, first.customer_id) == ("mismatch", 2, None)
    _verify(session, "c1", "13600000001", "1234", NOW + HOUR)
    third = _verify(session, "c1", "13600000002", "1234", NOW + 2 * HOUR)
    assert third.status == "locked"
    assert third.customer_id is None
    assert third.locked_until == NOW + 26 * HOUR
    # The conversation is locked even for correct data ...
    assert _verify(session, "c1", ZHANG_MOBILE, ZHANG_ID, NOW + 3 * HOUR).status == "locked"
    # ... but no customer was locked: another conversation verifies.
    assert _verify(session, "c2", ZHANG_MOBILE, ZHANG_ID, NOW + 3 * HOUR).status == "verified"
    locks = session.scalars(select(VerificationLock)).all()
    assert [(lock.customer_id, lock.conversation_id) for lock in locks] == [(None, "c1")]


def test_mixed_failures_in_one_conversation_count_together(
    session: Session, repos: Repositories
) -> None:
    _verify(session, "c1", ZHANG_MOBILE, "0000", NOW)
    second = _verify(session, "c1", "13600000000", "0000", NOW + HOUR)
    assert second.attempts_left == 1
    third = _verify(session, "c1", "13600000001", "0000", NOW + 2 * HOUR)
    assert third.status == "locked"
    # Zhang had one failure only: not locked in other conversations.
    customer = repos.customers.find_by_mobile(ZHANG_MOBILE)
    assert repos.verification.active_lock(customer.id, NOW + 3 * HOUR) is None


def test_attempts_store_the_masked_mobile_only(session: Session, repos: Repositories) -> None:
    _verify(session, "c1", ZHANG_MOBILE, "0000", NOW)
    _verify(session, "c1", "13600000000", "0000", NOW + HOUR)
    attempts = session.scalars(select(VerificationAttempt).order_by(VerificationAttempt.id)).all()
    assert [a.mobile_masked for a in attempts] == ["138****1111", "136****0000"]
    assert attempts[0].customer_id == repos.customers.find_by_mobile(ZHANG_MOBILE).id
    assert attempts[1].customer_id is None


def test_verified_account_prefers_an_unsettled_account(
    session: Session, repos: Repositories
) -> None:
    customer = repos.customers.find_by_mobile(ZHANG_MOBILE)
    old = repos.accounts.for_customer(customer.id)[0]
    repos.accounts.set_status(old.id, AccountStatus.SETTLED)
    newer = repos.accounts.add(
        customer_id=customer.id,
        card_last4="0001",
        principal="100.00",
        interest="0",
        late_fees="0",
        minimum_payment="10.00",
        days_past_due=3,
    )
    session.commit()
    assert _verify(session, "c1", ZHANG_MOBILE, ZHANG_ID, NOW).account_id == newer.id


def test_naive_now_is_refused(session: Session, repos: Repositories) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        verify_identity(session, "c1", ZHANG_MOBILE, ZHANG_ID, dt.datetime(2025, 1, 1))
