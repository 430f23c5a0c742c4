import dataclasses
import datetime as dt
import logging
import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import settings
from bot.db import verification
from bot.db.demo import seed_demo
from bot.db.models import (
    AccountStatus,
    ConversationVerification,
    VerificationAttempt,
    VerificationLock,
)
from bot.db.repositories import Repositories
from bot.db.types import utcnow
from bot.db.verification import (
    VerificationResult,
    client_key,
    normalize_mobile,
    verify_identity,
)

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


def test_mismatch_discloses_nothing(session: Session, repos: Repositories) -> None:
    first = _verify(session, "c1", ZHANG_MOBILE, "0000", NOW)
    second = _verify(session, "c1", ZHANG_MOBILE, "9999", NOW + HOUR)
    assert first == second == VerificationResult("mismatch", None, None, None)
    assert "attempts_left" not in {field.name for field in dataclasses.fields(first)}


def test_three_failures_across_two_conversations_lock_for_24_hours(
    session: Session, repos: Repositories
) -> None:
    assert _verify(session, "c1", ZHANG_MOBILE, "0000", NOW).status == "mismatch"
    assert _verify(session, "c2", ZHANG_MOBILE, "1111", NOW + HOUR).status == "mismatch"
    third = _verify(session, "c2", ZHANG_MOBILE, "2222", NOW + 2 * HOUR)

    customer = repos.customers.find_by_mobile(ZHANG_MOBILE)
    assert third.status == "locked"
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
    assert after.status == "mismatch"
    assert _verify(session, "c3", ZHANG_MOBILE, "0000", NOW + 28 * HOUR).status == "mismatch"


def test_failures_outside_the_window_do_not_count(session: Session, repos: Repositories) -> None:
    _verify(session, "c1", ZHANG_MOBILE, "0000", NOW)
    _verify(session, "c2", ZHANG_MOBILE, "0000", NOW + 23 * HOUR)
    third = _verify(session, "c3", ZHANG_MOBILE, "0000", NOW + 25 * HOUR)
    assert third.status == "mismatch"
    assert _verify(session, "c4", ZHANG_MOBILE, "0000", NOW + 26 * HOUR).status == "locked"


def test_success_resets_the_count(session: Session, repos: Repositories) -> None:
    _verify(session, "c1", ZHANG_MOBILE, "0000", NOW)
    _verify(session, "c1", ZHANG_MOBILE, "0000", NOW + HOUR)
    assert _verify(session, "c1", ZHANG_MOBILE, ZHANG_ID, NOW + 2 * HOUR).status == "verified"
    later = _verify(session, "c2", ZHANG_MOBILE, "0000", NOW + 3 * HOUR)
    assert later.status == "mismatch"
    assert _verify(session, "c3", ZHANG_MOBILE, "0000", NOW + 4 * HOUR).status == "mismatch"


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
    assert (first.status, first.customer_id) == ("mismatch", None)
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
    assert second.status == "mismatch"
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


# --- what the caller learns (issue 9) -------------------------------------------------------


def test_unknown_and_debtor_numbers_give_the_same_mismatch(
    session: Session, repos: Repositories
) -> None:
    unknown = _verify(session, "c1", "13600000000", "0000", NOW)
    debtor = _verify(session, "c2", ZHANG_MOBILE, "0000", NOW)
    second_unknown = _verify(session, "c1", "13600000000", "0000", NOW + HOUR)
    second_debtor = _verify(session, "c2", ZHANG_MOBILE, "0000", NOW + HOUR)
    assert unknown == debtor == second_unknown == second_debtor
    assert debtor == VerificationResult("mismatch", None, None, None)


def test_failures_count_in_the_order_attempts_were_recorded(
    session: Session, repos: Repositories
) -> None:
    """A slower turn may carry an earlier clock: a success resets by order, not by clock."""
    _verify(session, "c1", ZHANG_MOBILE, "0000", NOW)
    assert _verify(session, "c1", ZHANG_MOBILE, ZHANG_ID, NOW + 2 * HOUR).status == "verified"
    late = [_verify(session, "c1", ZHANG_MOBILE, "0000", NOW + HOUR) for _ in range(3)]
    assert [r.status for r in late] == ["mismatch", "mismatch", "locked"]


# --- server-held verification -------------------------------------------------------------


def _verifications(session: Session) -> list[tuple[str, int, int | None]]:
    rows = session.scalars(select(ConversationVerification).order_by(ConversationVerification.id))
    return [(r.conversation_id, r.customer_id, r.account_id) for r in rows]


def test_success_is_remembered_on_the_server(session: Session, repos: Repositories) -> None:
    result = _verify(session, "c1", ZHANG_MOBILE, ZHANG_ID, NOW)
    assert _verifications(session) == [("c1", result.customer_id, result.account_id)]
    row = session.scalars(select(ConversationVerification)).one()
    assert row.verified_at == NOW and row.last_active_at == NOW


def test_mismatch_and_lock_are_not_remembered(session: Session, repos: Repositories) -> None:
    results = [_verify(session, "c1", ZHANG_MOBILE, "0000", NOW + i * HOUR) for i in range(3)]
    refused = _verify(session, "c2", ZHANG_MOBILE, ZHANG_ID, NOW + 4 * HOUR)
    assert [r.status for r in results] == ["mismatch", "mismatch", "locked"]
    assert refused.status == "locked"
    assert _verifications(session) == []


def test_a_lock_makes_a_verified_conversation_forget_its_verification(
    session: Session, repos: Repositories
) -> None:
    assert _verify(session, "c1", ZHANG_MOBILE, ZHANG_ID, NOW).status == "verified"
    for i in range(3):
        last = _verify(session, "c1", f"1360000000{i}", "0000", NOW + (i + 1) * HOUR)
    assert last.status == "locked"
    assert _verifications(session) == []


# --- per-client limit ---------------------------------------------------------------------

CLIENT, OTHER_CLIENT = "a" * 64, "b" * 64


def _from(
    session: Session,
    client: str | None,
    conversation: str,
    mobile: str,
    id_last4: str,
    at: dt.datetime,
) -> VerificationResult:
    result = verify_identity(session, conversation, mobile, id_last4, at, client_key=client)
    session.commit()
    return result


def test_attempts_record_the_client_key(session: Session, repos: Repositories) -> None:
    _from(session, CLIENT, "c1", ZHANG_MOBILE, "0000", NOW)
    _from(session, None, "c1", ZHANG_MOBILE, ZHANG_ID, NOW + HOUR)
    attempts = repos.verification.attempts_for_conversation("c1")
    assert [a.client_key for a in attempts] == [CLIENT, None]


def test_one_client_is_refused_after_five_failures_across_fresh_conversations(
    session: Session, repos: Repositories
) -> None:
    results = [
        _from(session, CLIENT, f"c{i}", f"1360000000{i}", "0000", NOW + i * HOUR) for i in range(5)
    ]
    assert [r.status for r in results] == ["mismatch"] * 4 + ["locked"]
    assert results[-1].customer_id is None
    locks = session.scalars(select(VerificationLock)).all()
    assert [(lk.customer_id, lk.conversation_id, lk.reason) for lk in locks] == [
        (None, "c4", "client_failures")
    ]
    # Refused in a fresh conversation, even with correct data, until the window frees a slot.
    refused = _from(session, CLIENT, "c-new", ZHANG_MOBILE, ZHANG_ID, NOW + 10 * HOUR)
    assert refused == VerificationResult("locked", None, None, NOW + 24 * HOUR)
    assert [
        (a.success, a.during_lock) for a in repos.verification.attempts_for_conversation("c-new")
    ] == [(False, True)]
    # The client limit locked no customer: Zhang verifies from another client, ...
    assert (
        _from(session, OTHER_CLIENT, "c-other", ZHANG_MOBILE, ZHANG_ID, NOW + 10 * HOUR).status
        == "verified"
    )
    # ... and the client may try again once its oldest failure has left the window.
    assert (
        _from(session, CLIENT, "c-later", ZHANG_MOBILE, ZHANG_ID, NOW + 24 * HOUR).status
        == "verified"
    )


def test_a_client_probing_numbers_cannot_lock_a_borrower(
    session: Session, repos: Repositories
) -> None:
    _from(session, CLIENT, "c0", "13600000000", "0000", NOW)
    probes = [
        _from(session, CLIENT, f"c{i}", ZHANG_MOBILE, f"000{i}", NOW + i * HOUR) for i in (1, 2, 3)
    ]
    assert [r.status for r in probes] == ["mismatch"] * 3
    customer = repos.customers.find_by_mobile(ZHANG_MOBILE)
    assert repos.verification.active_lock(customer.id, NOW + 4 * HOUR) is None
    assert (
        _from(session, OTHER_CLIENT, "c9", ZHANG_MOBILE, ZHANG_ID, NOW + 4 * HOUR).status
        == "verified"
    )


def test_failures_on_one_number_from_one_client_plausibly_the_borrower_lock_it(
    session: Session, repos: Repositories
) -> None:
    results = [
        _from(session, CLIENT, f"c{i}", ZHANG_MOBILE, "0000", NOW + i * HOUR) for i in range(3)
    ]
    customer = repos.customers.find_by_mobile(ZHANG_MOBILE)
    assert [r.status for r in results] == ["mismatch", "mismatch", "locked"]
    assert results[-1].customer_id == customer.id
    assert (
        _from(session, OTHER_CLIENT, "c9", ZHANG_MOBILE, ZHANG_ID, NOW + 4 * HOUR).status
        == "locked"
    )


def test_failures_from_different_clients_add_up_for_a_customer(
    session: Session, repos: Repositories
) -> None:
    clients = [c * 64 for c in "cde"]
    results = [
        _from(session, client, f"c{i}", ZHANG_MOBILE, "0000", NOW + i * HOUR)
        for i, client in enumerate(clients)
    ]
    assert [r.status for r in results] == ["mismatch", "mismatch", "locked"]


def test_a_success_does_not_refill_the_client_budget(session: Session, repos: Repositories) -> None:
    for i in range(4):
        _from(session, CLIENT, f"c{i}", f"1360000000{i}", "0000", NOW + i * HOUR)
    assert _from(session, CLIENT, "c4", ZHANG_MOBILE, ZHANG_ID, NOW + 4 * HOUR).status == "verified"
    assert _from(session, CLIENT, "c5", LI_MOBILE, "0000", NOW + 5 * HOUR).status == "locked"


def test_client_limit_numbers_are_parameters(session: Session, repos: Repositories) -> None:
    first = verify_identity(
        session,
        "c1",
        "13600000000",
        "0000",
        NOW,
        client_key=CLIENT,
        client_max_failures=1,
        client_window_hours=1,
    )
    session.commit()
    later = verify_identity(
        session, "c2", ZHANG_MOBILE, ZHANG_ID, NOW + HOUR, client_key=CLIENT, client_max_failures=1
    )
    assert (first.status, later.status) == ("locked", "locked")
    assert later.locked_until == NOW + 24 * HOUR


# --- client keys --------------------------------------------------------------------------


def test_client_key_is_a_keyed_hash() -> None:
    with settings.override(client_key_secret="one secret"):
        key = client_key("203.0.113.7")
        assert re.fullmatch(r"[0-9a-f]{64}", key)
        assert key == client_key(" 203.0.113.7 ")
        assert key != client_key("203.0.113.8")
    with settings.override(client_key_secret="another secret"):
        assert key != client_key("203.0.113.7")


def test_client_key_groups_an_ipv6_subscriber() -> None:
    with settings.override(client_key_secret="s"):
        assert client_key("2001:db8:1:2::1") == client_key("2001:db8:1:2:ffff::9")
        assert client_key("2001:db8:1:2::1") != client_key("2001:db8:1:3::1")
        assert client_key("::ffff:203.0.113.7") == client_key("203.0.113.7")


def test_client_key_without_a_secret_warns_once_and_is_stable(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(verification, "_process_secret", None)
    with (
        settings.override(client_key_secret=None),
        caplog.at_level(logging.WARNING, logger="bot.db.verification"),
    ):
        first, second = client_key("203.0.113.7"), client_key("203.0.113.7")
    assert first == second
    warnings = [r for r in caplog.records if "CLIENT_KEY_SECRET" in r.getMessage()]
    assert len(warnings) == 1


def _reachable_conversations(session: Session, customer_id: int) -> list[str]:
    from bot.db import channel_addresses

    found = channel_addresses.reachable(session, [customer_id]).get(customer_id, [])
    return [address.conversation_id for address in found]


def test_verifying_on_a_push_channel_binds_the_address_for_outreach(
    session: Session, repos: Repositories
) -> None:
    zhang = repos.customers.find_by_mobile(ZHANG_MOBILE).id
    assert _reachable_conversations(session, zhang) == ["wechat-oDEMO1"]  # the demo's
    later = utcnow() + HOUR  # after the demo's seeding
    result = verify_identity(session, "wechat-oNEW", ZHANG_MOBILE, ZHANG_ID, later)
    assert result.status == "verified"
    result = verify_identity(session, "telegram-42", ZHANG_MOBILE, ZHANG_ID, later + HOUR)
    assert result.status == "verified"
    # The most recently verified first; outreach picks the first on an enabled channel.
    assert _reachable_conversations(session, zhang) == [
        "telegram-42",
        "wechat-oNEW",
        "wechat-oDEMO1",
    ]


def test_a_web_conversation_or_a_failed_verification_binds_nothing(
    session: Session, repos: Repositories
) -> None:
    li = repos.customers.find_by_mobile(LI_MOBILE).id
    assert verify_identity(session, "web-123", LI_MOBILE, LI_ID, NOW).status == "verified"
    assert verify_identity(session, "wechat-oWRONG", LI_MOBILE, "0000", NOW).status == "mismatch"
    assert _reachable_conversations(session, li) == ["wechat-oDEMO2"]


def test_an_address_no_platform_gives_is_not_bound_but_the_borrower_is_verified(
    session: Session, repos: Repositories
) -> None:
    li = repos.customers.find_by_mobile(LI_MOBILE).id
    result = verify_identity(session, "wechat-" + "x" * 200, LI_MOBILE, LI_ID, NOW)
    assert result.status == "verified"
    assert _reachable_conversations(session, li) == ["wechat-oDEMO2"]
