"""Concurrent verification attempts (issue 9, "The lockout"), on SQLite and PostgreSQL.

Every attempt runs in its own thread, session and transaction; the threads start together at a
barrier. Which attempt wins a race is up to the database, so the assertions do not depend on
it: the attempts are put in the order the database serialised them (their ids) and every
result must equal what the rules give when the attempts are run one after another in that
order. On top of that, the totals that hold for every order are checked (counted failures,
locks written once, refused attempts).
"""

import datetime as dt
import threading
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.db.demo import seed_demo
from bot.db.masking import mask_phone
from bot.db.models import ConversationVerification, Customer, VerificationAttempt, VerificationLock
from bot.db.settings import make_session_factory
from bot.db.verification import VerificationResult, verify_identity

from .conftest import NOW

ZHANG_MOBILE, ZHANG_ID = "13800001111", "1234"
MAX_FAILURES = 3
ROUNDS = 3  # each race runs this many times (each on an empty database)


@dataclass(frozen=True)
class Call:
    """One attempt of a race."""

    conversation_id: str
    mobile: str
    id_last4: str
    right: bool
    client_key: str | None = None


@pytest.fixture
def factory(engine: Engine) -> sessionmaker:
    factory = make_session_factory(engine)
    with factory() as session:
        seed_demo(session)
        session.commit()
    return factory


def _race(
    factory: sessionmaker, calls: list[Call], now: dt.datetime, **limits: int
) -> list[VerificationResult]:
    """Run the calls at once, one thread, session and transaction each; return their results."""
    barrier = threading.Barrier(len(calls))
    results: list[VerificationResult | None] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        call = calls[index]
        session: Session = factory()
        try:
            barrier.wait(timeout=30)
            results[index] = verify_identity(
                session,
                call.conversation_id,
                call.mobile,
                call.id_last4,
                now,
                max_failures=MAX_FAILURES,
                client_key=call.client_key,
                **limits,
            )
            session.commit()
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
            session.rollback()
        finally:
            session.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert all(result is not None for result in results)
    return [result for result in results if result is not None]


def _attempts(session: Session, now: dt.datetime) -> list[VerificationAttempt]:
    statement = (
        select(VerificationAttempt)
        .where(VerificationAttempt.at == now)
        .order_by(VerificationAttempt.id)
    )
    return list(session.scalars(statement))


def _serial_order(
    session: Session,
    calls: list[Call],
    now: dt.datetime,
    by_mobile: bool = False,
) -> list[int]:
    """Indexes of the calls in the order the database recorded their attempts.

    Calls are told apart by conversation, or by (masked) mobile number when they share one.
    """

    def of_call(call: Call) -> str:
        return mask_phone(call.mobile) if by_mobile else call.conversation_id

    def of_attempt(attempt: VerificationAttempt) -> str:
        return attempt.mobile_masked if by_mobile else attempt.conversation_id

    index_by_key = {of_call(call): i for i, call in enumerate(calls)}
    assert len(index_by_key) == len(calls)
    attempts = _attempts(session, now)
    assert len(attempts) == len(calls)
    return [index_by_key[of_attempt(attempt)] for attempt in attempts]


def _expected(rights: list[bool], max_failures: int) -> list[str]:
    """The rules run one after another: statuses for attempts in this order."""
    statuses, failures, locked = [], 0, False
    for right in rights:
        if locked:
            statuses.append("locked")
        elif right:
            statuses.append("verified")
            failures = 0
        else:
            failures += 1
            locked = failures >= max_failures
            statuses.append("locked" if locked else "mismatch")
    return statuses


def _locks(session: Session) -> list[VerificationLock]:
    return list(session.scalars(select(VerificationLock).order_by(VerificationLock.id)))


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_eight_wrong_attempts_for_one_customer_count_three_and_lock_once(
    factory: sessionmaker, round_number: int
) -> None:
    now = NOW
    calls = [Call(f"r{round_number}-c{i}", ZHANG_MOBILE, f"{i:04d}", False) for i in range(8)]
    results = _race(factory, calls, now)

    with factory() as session:
        customer = session.scalars(select(Customer).where(Customer.mobile == ZHANG_MOBILE)).one()
        attempts = _attempts(session, now)
        order = _serial_order(session, calls, now)
        locks = _locks(session)
    counted = [a for a in attempts if not a.success and not a.during_lock]
    assert len(counted) == MAX_FAILURES
    assert sum(a.during_lock for a in attempts) == len(calls) - MAX_FAILURES
    assert [(lock.customer_id, lock.locked_until) for lock in locks] == [
        (customer.id, now + dt.timedelta(hours=24))
    ]
    assert sorted(r.status for r in results) == ["locked"] * 6 + ["mismatch"] * 2
    assert [results[i].status for i in order] == _expected([False] * 8, MAX_FAILURES)
    # The third counted failure wrote the lock; every locked result names it.
    assert locks[0].conversation_id == calls[order[MAX_FAILURES - 1]].conversation_id
    assert {r.locked_until for r in results if r.status == "locked"} == {locks[0].locked_until}
    assert {r.customer_id for r in results if r.status == "locked"} == {customer.id}


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_a_right_attempt_racing_wrong_ones_verifies_before_the_lock_or_is_refused_after(
    factory: sessionmaker, round_number: int
) -> None:
    now = NOW
    calls = [Call(f"r{round_number}-c{i}", ZHANG_MOBILE, f"{i:04d}", False) for i in range(7)]
    calls.insert(round_number * 3, Call(f"r{round_number}-right", ZHANG_MOBILE, ZHANG_ID, True))
    results = _race(factory, calls, now)

    with factory() as session:
        order = _serial_order(session, calls, now)
        locks = _locks(session)
        verified = list(session.scalars(select(ConversationVerification)))
    right = next(i for i, call in enumerate(calls) if call.right)
    assert [results[i].status for i in order] == _expected(
        [calls[i].right for i in order], MAX_FAILURES
    )
    # Whatever the order, seven wrong attempts lock the customer exactly once ...
    assert len(locks) == 1
    if results[right].status == "verified":
        # ... after the right attempt, which came before three further failures.
        locking = next(
            i for i, call in enumerate(calls) if call.conversation_id == locks[0].conversation_id
        )
        assert order.index(right) < order.index(locking)
        assert [v.conversation_id for v in verified] == [calls[right].conversation_id]
    else:
        # ... before it: the right attempt is refused and remembered nowhere.
        assert results[right].status == "locked"
        assert order.index(right) >= MAX_FAILURES
        assert verified == []


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_a_mix_of_right_and_wrong_attempts_behaves_as_some_serial_order(
    factory: sessionmaker, round_number: int
) -> None:
    now = NOW
    calls = [
        Call(f"r{round_number}-c{i}", ZHANG_MOBILE, ZHANG_ID if i % 4 == 0 else "0000", i % 4 == 0)
        for i in range(12)
    ]
    results = _race(factory, calls, now)

    with factory() as session:
        order = _serial_order(session, calls, now)
        attempts = _attempts(session, now)
        locks = _locks(session)
        verified = {v.conversation_id for v in session.scalars(select(ConversationVerification))}
    expected = _expected([calls[i].right for i in order], MAX_FAILURES)
    assert [results[i].status for i in order] == expected
    assert len(locks) == (1 if "locked" in expected else 0)
    assert verified == {
        calls[i].conversation_id for i, r in enumerate(results) if r.status == "verified"
    }
    assert sum(a.success for a in attempts) == expected.count("verified")


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_unknown_numbers_in_one_conversation_lock_it_once(
    factory: sessionmaker, round_number: int
) -> None:
    now = NOW
    conversation = f"r{round_number}-c"
    calls = [Call(conversation, f"1360000{i:04d}", "0000", False) for i in range(8)]
    results = _race(factory, calls, now)

    with factory() as session:
        attempts = _attempts(session, now)
        order = _serial_order(session, calls, now, by_mobile=True)
        locks = _locks(session)
    assert sum(not a.success and not a.during_lock for a in attempts) == MAX_FAILURES
    assert [(lock.customer_id, lock.conversation_id) for lock in locks] == [(None, conversation)]
    assert [results[i].status for i in order] == _expected([False] * 8, MAX_FAILURES)
    assert all(r.customer_id is None for r in results)


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_one_client_racing_from_fresh_conversations_gets_five_failures(
    factory: sessionmaker, round_number: int
) -> None:
    now = NOW
    client = f"{round_number}" * 64
    calls = [
        Call(f"r{round_number}-c{i}", f"1360000{i:04d}", "0000", False, client) for i in range(8)
    ]
    results = _race(factory, calls, now, client_max_failures=5)

    with factory() as session:
        attempts = _attempts(session, now)
        order = _serial_order(session, calls, now)
        locks = _locks(session)
    assert sum(not a.success and not a.during_lock for a in attempts) == 5
    assert [(lock.customer_id, lock.reason) for lock in locks] == [(None, "client_failures")]
    assert locks[0].conversation_id == calls[order[4]].conversation_id
    assert [results[i].status for i in order] == _expected([False] * 8, 5)
