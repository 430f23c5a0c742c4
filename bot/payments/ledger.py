"""Recording validated payments and settling promises and plans, on the caller's session.

Both functions take a session and never commit: the caller's unit of work (one per file, one
per request) holds the payment rows, the reduced balances and the promise and plan updates
together, so a failure leaves nothing half-applied.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.db.models import PromiseStatus, PromiseToPay
from bot.db.repositories import Repositories
from bot.payments.rows import PaymentRow, RowError
from bot.policy.payments import paid_periods, promise_outcome, promise_window

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


@dataclass
class SettleReport:
    """What a settlement changed."""

    kept: int = 0
    broken: int = 0
    plans_updated: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counts, for JSON."""
        return {"kept": self.kept, "broken": self.broken, "plans_updated": self.plans_updated}


@dataclass
class ImportReport:
    """The outcome of one file or request.

    Attributes:
        total: Rows read (blank lines not counted).
        recorded: New payments.
        duplicates: Rows whose reference was recorded before with the same content (skipped).
        rejected: Every rejection (several per row when several fields are wrong).
        settled: The promises and plans the new payments changed.
    """

    total: int = 0
    recorded: int = 0
    duplicates: int = 0
    rejected: list[RowError] = field(default_factory=list)
    settled: SettleReport = field(default_factory=SettleReport)

    @property
    def rejected_rows(self) -> int:
        """How many rows (or the file) were rejected."""
        return len({error.line for error in self.rejected})

    def as_dict(self) -> dict[str, Any]:
        """The report, for JSON."""
        return {
            "total": self.total,
            "recorded": self.recorded,
            "duplicates": self.duplicates,
            "rejected_rows": self.rejected_rows,
            "rejected": [
                {"line": e.line, "field": e.field, "reason": e.reason} for e in self.rejected
            ],
            "settled": self.settled.as_dict(),
        }


def _check(repos: Repositories, row: PaymentRow, batch: dict[str, PaymentRow]) -> str | RowError:
    """Return ``"new"``, ``"duplicate"`` or the rejection of a valid row."""
    earlier = batch.get(row.reference)
    if earlier is not None:
        if earlier.content() == row.content():
            return "duplicate"
        return RowError(row.line, "reference", f"repeated on line {earlier.line} differently")
    existing = repos.payments.find_by_reference(row.reference)
    if existing is not None:
        before = (existing.account_id, existing.amount, existing.paid_at, existing.channel)
        if before == row.content():
            return "duplicate"
        return RowError(row.line, "reference", "recorded before with different content")
    account = repos.accounts.get(row.account_id)
    if account is None:
        return RowError(row.line, "account", "unknown account")
    if row.card_last4 is not None and row.card_last4 != account.card_last4:
        return RowError(row.line, "card_last4", "does not match the account's card")
    return "new"


def record_payments(
    session: Session,
    rows: Iterable[PaymentRow],
    *,
    source: str,
    zone: ZoneInfo,
    now: dt.datetime,
    progress: Progress | None = None,
) -> ImportReport:
    """Record valid rows, skip duplicates, reject conflicts, then settle the accounts paid.

    Args:
        session: The caller's session (not committed here).
        rows: Rows already validated by :mod:`bot.payments.rows`.
        source: Where they came from (``csv:<file name>``, ``api:<user>``).
        zone: The policy's time zone.
        now: The current moment (aware), for the settlement.
        progress: Called with (rows done, rows in all) every 200 rows and at the end.

    Returns:
        The report (its ``total`` counts these rows only; the caller adds rows rejected
        before).
    """
    repos = Repositories(session)
    report = ImportReport()
    todo = list(rows)
    seen: dict[str, PaymentRow] = {}
    paid_accounts: set[int] = set()
    for done, row in enumerate(todo, start=1):
        report.total += 1
        verdict = _check(repos, row, seen)
        if verdict == "duplicate":
            report.duplicates += 1
        elif isinstance(verdict, RowError):
            report.rejected.append(verdict)
        else:
            repos.payments.record(
                row.account_id,
                reference=row.reference,
                amount=row.amount,
                paid_at=row.paid_at,
                channel=row.channel,
                source=source,
            )
            report.recorded += 1
            paid_accounts.add(row.account_id)
        if not isinstance(verdict, RowError):
            seen.setdefault(row.reference, row)  # a rejected row is no precedent
        if progress is not None and (done % 200 == 0 or done == len(todo)):
            progress(done, len(todo))
    if paid_accounts:
        report.settled = settle(session, zone=zone, now=now, account_ids=sorted(paid_accounts))
    logger.info(
        "payments from %s: %d recorded, %d duplicates, %d rejected",
        source,
        report.recorded,
        report.duplicates,
        report.rejected_rows,
    )
    return report


def settle(
    session: Session,
    *,
    zone: ZoneInfo,
    now: dt.datetime,
    account_ids: Iterable[int] | None = None,
) -> SettleReport:
    """Mark promises kept or broken and count plans' paid periods, as of ``now``.

    Only payments dated up to ``now`` count, so a past moment gives the answer of that moment.
    Open and broken promises are decided again (a payment dated in time but reported late turns
    a broken promise into a kept one); kept promises stay kept.

    Args:
        session: The caller's session (not committed here).
        zone: The policy's time zone ("today", and the days of a promise's window).
        now: The moment to settle at (aware).
        account_ids: Only these accounts (default: every account).

    Returns:
        What changed.
    """
    repos = Repositories(session)
    ids = None if account_ids is None else list(account_ids)
    report = SettleReport()
    for promise, outcome in promise_outcomes(session, zone=zone, now=now, account_ids=ids):
        if outcome != promise.status:
            repos.promises.set_status(promise.id, outcome)
            report.kept += outcome == PromiseStatus.KEPT
            report.broken += outcome == PromiseStatus.BROKEN
    for plan in repos.plans.running(ids):
        paid = repos.payments.total_for_account(plan.account_id, plan.created_at, _after(now))
        periods = paid_periods(paid, plan.monthly_amount, plan.tenor)
        if periods != plan.paid_periods:
            repos.plans.set_paid_periods(plan.id, periods)
            report.plans_updated += 1
    return report


def promise_outcomes(
    session: Session,
    *,
    zone: ZoneInfo,
    now: dt.datetime,
    account_ids: Iterable[int] | None = None,
) -> Iterator[tuple[PromiseToPay, PromiseStatus]]:
    """Each promise payments can still change, with the status :func:`settle` gives it.

    Reads only, so a dry run (``python -m bot.outreach plan``) sees the promises as the next
    settlement will leave them.

    Args:
        session: The caller's session.
        zone: The policy's time zone.
        now: The moment (aware).
        account_ids: Only these accounts (default: every account).

    Yields:
        (promise, its status as of ``now``), earliest due date first.
    """
    repos = Repositories(session)
    ids = None if account_ids is None else list(account_ids)
    today = now.astimezone(zone).date()
    for promise in repos.promises.unsettled(ids):
        start, end = promise_window(promise.created_at, promise.due_date, zone)
        paid = repos.payments.total_for_account(promise.account_id, start, min(end, _after(now)))
        yield promise, PromiseStatus(promise_outcome(promise.amount, paid, promise.due_date, today))


def _after(now: dt.datetime) -> dt.datetime:
    """The exclusive end that includes a payment dated exactly ``now``."""
    return now + dt.timedelta(microseconds=1)
