"""Payments on a migrated database (SQLite and PostgreSQL): recording, idempotence, balances,
promises kept or broken and plans' paid periods, with a fixed clock."""

import datetime as dt
import threading
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import AccountStatus, PlanStatus, PromiseStatus
from bot.db.repositories import Repositories
from bot.db.settings import make_session_factory, session_scope
from bot.payments.ledger import record_payments, settle
from bot.payments.rows import PaymentRow, RowError

D = Decimal
ZONE = ZoneInfo("Asia/Shanghai")
UTC = dt.timezone.utc
NOW = dt.datetime(2026, 12, 4, 6, 0, tzinfo=UTC)  # 14:00 in Shanghai


@pytest.fixture
def repos(session: Session) -> Repositories:
    return Repositories(session)


@pytest.fixture
def account_id(repos: Repositories) -> int:
    customer = repos.customers.add(name="张伟", mobile="13800001111", id_last4="1234")
    account = repos.accounts.add(
        customer_id=customer.id,
        card_last4="6217",
        principal="12000.00",
        interest="380.00",
        late_fees="200.00",
        minimum_payment="1258.00",
        days_past_due=45,
    )
    return int(account.id)


def _row(account_id: int, reference: str, amount: str, paid_at: dt.datetime, **kw) -> PaymentRow:
    return PaymentRow(
        line=kw.pop("line", 2),
        reference=reference,
        account_id=account_id,
        amount=D(amount),
        paid_at=paid_at,
        **kw,
    )


def _record(session: Session, rows: list[PaymentRow], now: dt.datetime = NOW):
    return record_payments(session, rows, source="csv:test.csv", zone=ZONE, now=now)


def test_a_payment_reduces_late_fees_then_interest_then_principal(
    session: Session, repos: Repositories, account_id: int
) -> None:
    report = _record(session, [_row(account_id, "P1", "300.00", NOW)])
    assert (report.recorded, report.duplicates, report.rejected) == (1, 0, [])
    account = repos.accounts.get(account_id)
    assert (account.late_fees, account.interest, account.principal) == (
        D("0.00"),
        D("280.00"),
        D("12000.00"),
    )
    assert account.total_due == D("12280.00")
    assert account.minimum_payment == D("958.00")
    [payment] = repos.payments.for_account(account_id)
    assert (payment.applied_late_fees, payment.applied_interest, payment.applied_principal) == (
        D("200.00"),
        D("100.00"),
        D("0.00"),
    )
    assert payment.paid_at == NOW
    assert payment.source == "csv:test.csv"


def test_paying_everything_settles_the_account_and_keeps_the_rest_unapplied(
    session: Session, repos: Repositories, account_id: int
) -> None:
    _record(session, [_row(account_id, "P1", "12600.00", NOW)])
    account = repos.accounts.get(account_id)
    assert account.total_due == account.principal == account.minimum_payment == D("0.00")
    assert account.status == AccountStatus.SETTLED
    assert repos.payments.find_by_reference("P1").unapplied == D("20.00")


def test_reimport_is_idempotent_and_a_changed_reference_is_rejected(
    session: Session, repos: Repositories, account_id: int
) -> None:
    rows = [_row(account_id, "P1", "100.00", NOW), _row(account_id, "P2", "50.00", NOW, line=3)]
    _record(session, rows)
    again = _record(session, rows)
    assert (again.recorded, again.duplicates, again.rejected) == (0, 2, [])
    changed = _record(session, [_row(account_id, "P1", "100.01", NOW, line=7)])
    assert changed.rejected == [RowError(7, "reference", "recorded before with different content")]
    assert repos.accounts.get(account_id).total_due == D("12430.00")  # 150 paid, once


def test_a_reference_twice_in_one_file(
    session: Session, repos: Repositories, account_id: int
) -> None:
    first = _row(account_id, "P1", "100.00", NOW, line=2)
    report = _record(
        session,
        [
            first,
            _row(account_id, "P1", "100.00", NOW, line=3),
            _row(account_id, "P1", "9", NOW, line=4),
        ],
    )
    assert (report.recorded, report.duplicates) == (1, 1)
    assert report.rejected == [RowError(4, "reference", "repeated on line 2 differently")]
    assert len(repos.payments.for_account(account_id)) == 1


def test_unknown_account_and_wrong_card_are_rejected_and_change_nothing(
    session: Session, repos: Repositories, account_id: int
) -> None:
    report = _record(
        session,
        [
            _row(999, "P1", "100.00", NOW, line=2),
            _row(account_id, "P2", "100.00", NOW, line=3, card_last4="4392"),
            _row(account_id, "P3", "100.00", NOW, line=4, card_last4="6217"),
        ],
    )
    assert report.rejected == [
        RowError(2, "account", "unknown account"),
        RowError(3, "card_last4", "does not match the account's card"),
    ]
    assert report.recorded == 1
    assert repos.payments.find_by_reference("P1") is None
    assert repos.accounts.get(account_id).total_due == D("12480.00")


def test_the_reference_is_unique_in_the_database(
    session: Session, repos: Repositories, account_id: int
) -> None:
    kwargs = {"reference": "P1", "amount": "1.00", "paid_at": NOW, "channel": None, "source": "x"}
    repos.payments.record(account_id, **kwargs)
    with pytest.raises(IntegrityError):
        repos.payments.record(account_id, **kwargs)


def test_a_rejected_row_is_no_precedent_for_its_reference(
    session: Session, repos: Repositories, account_id: int
) -> None:
    report = _record(
        session,
        [_row(999, "P1", "100.00", NOW, line=2), _row(999, "P1", "100.00", NOW, line=3)],
    )
    assert report.duplicates == 0
    assert [error.line for error in report.rejected] == [2, 3]


def test_concurrent_payments_on_one_account_all_count(engine, account_id, session) -> None:
    session.commit()
    factory = make_session_factory(engine)
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def pay(number: int) -> None:
        try:
            barrier.wait()
            with session_scope(factory) as own:
                row = _row(account_id, f"C{number}", "10.00", NOW)
                _record(own, [row])
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=pay, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with session_scope(factory) as fresh:
        account = Repositories(fresh).accounts.get(account_id)
        assert account.total_due == D("12520.00")  # 12,580 - 6 x 10: no lost update
        assert account.late_fees == D("140.00")


def _promise(repos: Repositories, account_id: int, amount: str, due: dt.date, made: dt.datetime):
    promise = repos.promises.add(account_id=account_id, amount=amount, due_date=due)
    promise.created_at = made
    repos.session.flush()
    return promise


MADE = dt.datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 1 Dec, 10:00 in Shanghai
DUE = dt.date(2026, 12, 5)


def test_promise_kept_by_payments_in_its_window(
    session: Session, repos: Repositories, account_id: int
) -> None:
    promise = _promise(repos, account_id, "1000.00", DUE, MADE)
    before = dt.datetime(2026, 11, 30, 15, 0, tzinfo=UTC)  # 30 Nov 23:00 local: too early
    on_due_day = dt.datetime(2026, 12, 5, 15, 30, tzinfo=UTC)  # 5 Dec 23:30 local: counts
    _record(session, [_row(account_id, "P0", "900.00", before)], now=NOW)
    report = _record(
        session,
        [
            _row(account_id, "P1", "600.00", MADE),
            _row(account_id, "P2", "400.00", on_due_day, line=3),
        ],
        now=dt.datetime(2026, 12, 5, 15, 45, tzinfo=UTC),
    )
    assert report.settled.kept == 1
    assert repos.promises.for_account(account_id)[0].status == PromiseStatus.KEPT
    assert promise.status == PromiseStatus.KEPT


def test_promise_broken_once_its_day_passed_and_kept_when_a_timely_payment_arrives_late(
    session: Session, repos: Repositories, account_id: int
) -> None:
    _promise(repos, account_id, "1000.00", DUE, MADE)
    _record(session, [_row(account_id, "P1", "999.99", MADE)], now=MADE)
    last_minute = dt.datetime(2026, 12, 5, 15, 59, tzinfo=UTC)  # 23:59 local on the due day
    assert settle(session, zone=ZONE, now=last_minute).broken == 0
    next_day = dt.datetime(2026, 12, 5, 16, 0, tzinfo=UTC)  # 00:00 local on the 6th
    assert settle(session, zone=ZONE, now=next_day).broken == 1
    [promise] = repos.promises.for_account(account_id)
    assert promise.status == PromiseStatus.BROKEN
    # The issuer's file of the 5th arrives on the 6th: the promise was kept after all.
    report = _record(session, [_row(account_id, "P2", "0.01", last_minute)], now=next_day)
    assert report.settled.kept == 1
    assert promise.status == PromiseStatus.KEPT


def test_settle_at_a_past_moment_ignores_later_payments(
    session: Session, repos: Repositories, account_id: int
) -> None:
    promise = _promise(repos, account_id, "500.00", DUE, MADE)
    _record(session, [_row(account_id, "P1", "500.00", NOW)], now=NOW)
    assert promise.status == PromiseStatus.KEPT
    promise.status = PromiseStatus.OPEN
    early = dt.datetime(2026, 12, 2, 0, 0, tzinfo=UTC)
    assert settle(session, zone=ZONE, now=early).kept == 0
    assert promise.status == PromiseStatus.OPEN


def test_plans_count_the_periods_paid_after_acceptance(
    session: Session, repos: Repositories, account_id: int
) -> None:
    plan = repos.plans.add(
        account_id=account_id,
        kind="installment",
        tenor=12,
        monthly_amount="1100.00",
        total_fees="620.00",
        total_repaid="13200.00",
        status=PlanStatus.ACCEPTED,
    )
    plan.created_at = MADE
    proposed = repos.plans.add(
        account_id=account_id,
        kind="installment",
        tenor=6,
        monthly_amount="2000.00",
        total_fees="0.00",
        total_repaid="12000.00",
    )
    session.flush()
    _record(session, [_row(account_id, "P0", "5000.00", MADE - dt.timedelta(days=1))], now=MADE)
    assert plan.paid_periods == 0  # paid before the plan
    report = _record(
        session,
        [
            _row(account_id, "P1", "1100.00", NOW),
            _row(account_id, "P2", "1200.00", NOW, line=3),
        ],
    )
    assert report.settled.plans_updated == 1
    assert plan.paid_periods == 2
    assert proposed.paid_periods == 0
