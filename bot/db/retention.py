"""Retention: remove raw conversation text once it is older than ``RETENTION_DAYS``.

Recordings of collection must be kept for at least two years (《商业银行信用卡业务监督管理办法》
Art. 68), and no longer than needed (PIPL Arts. 6 and 19). So the retention period is a
setting with a legal floor: ``RETENTION_DAYS`` (default and minimum :data:`LEGAL_MINIMUM_DAYS`,
two years even when one of them has a 29 February). A shorter period is refused unless a
caller passes ``allow_below_minimum=True`` (tests only; the command line has no such switch).

What is removed (see :data:`RAW_TEXTS`):

- every event of Rasa's SQL tracker store (table ``events``, ``TRACKER_DB_URL``) whose
  ``timestamp`` is older than the cutoff: what the borrower and the bot said, and the slots;
- in our database, the free-text columns that hold what was said: a dispute's reason, a
  contact preference's reason, a hand-off's detail, a blocked message, and the trainers'
  turn annotations (a copy of a borrower message, deleted with its note).

What stays: the structured records (disputes and their status, stop-contact and wrong-number
preferences, hand-offs, plans, promises, outcomes, verification attempts and locks), so an
account's history and every stop-contact request outlive the words.

Usage::

    python -m bot.db.retention [--days N] [--dry-run]
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, func, inspect, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement

from bot import settings
from bot.db.models import ComplianceEvent, ContactPreference, Dispute, Handoff
from bot.db.settings import make_engine
from bot.db.types import utcnow
from bot.db.web_models import TurnAnnotation
from bot.web.tracker import EVENTS

logger = logging.getLogger(__name__)

RETENTION_DAYS_ENV = "RETENTION_DAYS"
LEGAL_MINIMUM_DAYS = 731  # two years, counting a 29 February (Art. 68: "at least two years")
DEFAULT_RETENTION_DAYS = LEGAL_MINIMUM_DAYS
TRACKER_EVENTS = "tracker events"


class RetentionError(ValueError):
    """A retention period that cannot be used (not a number, or below the legal minimum)."""


@dataclass(frozen=True)
class RawText:
    """A column of our database that holds what was said in a conversation.

    Attributes:
        column: The column (``Model.column``).
        age: The timestamp column that dates the row.
        blank: What the text becomes (``""`` for NOT NULL columns, ``None`` for NULL); when
            ``delete_row`` is set the whole row goes instead.
        delete_row: Delete the row: it means nothing without the text.
    """

    column: ColumnElement
    age: ColumnElement
    blank: str | None = None
    delete_row: bool = False

    @property
    def name(self) -> str:
        """``table.column``, as printed in the report."""
        return f"{self.column.table.name}.{self.column.name}"


RAW_TEXTS: tuple[RawText, ...] = (
    RawText(Dispute.reason, Dispute.created_at, blank=""),
    RawText(ContactPreference.reason, ContactPreference.created_at),
    RawText(Handoff.detail, Handoff.created_at),
    RawText(ComplianceEvent.blocked_text, ComplianceEvent.at, blank=""),
    RawText(TurnAnnotation.text, TurnAnnotation.created_at, delete_row=True),
)


@dataclass(frozen=True)
class RetentionReport:
    """What a retention run removed (or, in a dry run, would remove).

    Attributes:
        days: The retention period.
        cutoff: Text from before this moment is removed.
        dry_run: Nothing was changed.
        counts: Rows per target: ``tracker events`` and ``table.column``.
    """

    days: int
    cutoff: dt.datetime
    dry_run: bool
    counts: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """The report as printed by the command, one line per target."""
        verb = "would remove" if self.dry_run else "removed"
        head = f"retention {self.days} days: {verb} conversation text from before "
        lines = [head + self.cutoff.isoformat(timespec="seconds")]
        lines += [f"{name}: {count}" for name, count in self.counts.items()]
        return lines


def check_days(days: int, *, allow_below_minimum: bool = False) -> int:
    """Validate a retention period.

    Args:
        days: The period in days.
        allow_below_minimum: Accept a period shorter than the legal minimum (tests only).

    Returns:
        ``days``.

    Raises:
        RetentionError: ``days`` is not positive, or below :data:`LEGAL_MINIMUM_DAYS`.
    """
    if days < 1:
        raise RetentionError(f"the retention period must be at least 1 day, not {days}")
    if days < LEGAL_MINIMUM_DAYS and not allow_below_minimum:
        raise RetentionError(
            f"the retention period must be at least {LEGAL_MINIMUM_DAYS} days: recordings of "
            f"collection are kept for at least two years (got {days})"
        )
    return days


def retention_days(environ: Mapping[str, str] | None = None) -> int:
    """Read ``RETENTION_DAYS`` (default :data:`DEFAULT_RETENTION_DAYS`).

    Args:
        environ: The variables to read (default ``os.environ``).

    Returns:
        The validated period in days.

    Raises:
        RetentionError: The value is not a whole number or is below the legal minimum.
    """
    env = os.environ if environ is None else environ
    raw = env.get(RETENTION_DAYS_ENV, "").strip()
    if not raw:
        return DEFAULT_RETENTION_DAYS
    try:
        days = int(raw)
    except ValueError:
        raise RetentionError(f"{RETENTION_DAYS_ENV} must be a whole number, not {raw!r}") from None
    return check_days(days)


def purge_tracker(engine: Engine, cutoff: dt.datetime, *, dry_run: bool = False) -> int:
    """Delete the tracker store's events older than ``cutoff``.

    Args:
        engine: Engine on Rasa's tracker store. A store without an ``events`` table counts 0.
        cutoff: Events with a ``timestamp`` before this moment go.
        dry_run: Only count.

    Returns:
        The number of events deleted (or that would be).
    """
    if not inspect(engine).has_table(EVENTS.name):
        logger.warning("tracker store has no %s table; nothing to remove", EVENTS.name)
        return 0
    old = EVENTS.c.timestamp < cutoff.timestamp()
    with engine.begin() as connection:
        count = connection.execute(select(func.count()).where(old)).scalar_one()
        if count and not dry_run:
            connection.execute(delete(EVENTS).where(old))
    return int(count)


def purge_texts(engine: Engine, cutoff: dt.datetime, *, dry_run: bool = False) -> dict[str, int]:
    """Blank (or delete) the raw conversation texts of our database older than ``cutoff``.

    Args:
        engine: Engine on our database, migrated to head.
        cutoff: Rows dated before this moment lose their text.
        dry_run: Only count.

    Returns:
        Rows changed (or that would be) per ``table.column``; a row already blank counts 0.
    """
    counts = {}
    with engine.begin() as connection:
        for target in RAW_TEXTS:
            counts[target.name] = _purge_column(connection, target, cutoff, dry_run)
    return counts


def _purge_column(
    connection: Connection, target: RawText, cutoff: dt.datetime, dry_run: bool
) -> int:
    table = target.column.table
    condition = target.age < cutoff
    if not target.delete_row:
        condition &= target.column.is_not(None)
        if target.blank is not None:
            condition &= target.column != target.blank
    count = connection.execute(select(func.count()).select_from(table).where(condition))
    changed = int(count.scalar_one())
    if not changed or dry_run:
        return changed
    if target.delete_row:
        connection.execute(delete(table).where(condition))
    else:
        connection.execute(update(table).where(condition).values({target.column: target.blank}))
    return changed


def purge(
    database: Engine,
    tracker: Engine,
    days: int,
    *,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    allow_below_minimum: bool = False,
) -> RetentionReport:
    """Remove the conversation text older than ``days`` from both stores.

    Args:
        database: Engine on our database.
        tracker: Engine on Rasa's tracker store (may be the same database).
        days: The retention period.
        now: The current moment (default: now, UTC).
        dry_run: Only count what would be removed.
        allow_below_minimum: Accept a period below the legal minimum (tests only).

    Returns:
        The report.

    Raises:
        RetentionError: ``days`` is below the legal minimum (and not allowed).
    """
    check_days(days, allow_below_minimum=allow_below_minimum)
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    counts = {TRACKER_EVENTS: purge_tracker(tracker, cutoff, dry_run=dry_run)}
    counts.update(purge_texts(database, cutoff, dry_run=dry_run))
    return RetentionReport(days=days, cutoff=cutoff, dry_run=dry_run, counts=counts)


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot.db.retention",
        description="Remove raw conversation text older than the retention period "
        f"(${RETENTION_DAYS_ENV}, default and minimum {LEGAL_MINIMUM_DAYS} days) from Rasa's "
        "tracker store ($TRACKER_DB_URL) and our database ($DATABASE_URL).",
    )
    parser.add_argument(
        "--days", type=int, help=f"retention period in days (default ${RETENTION_DAYS_ENV})"
    )
    parser.add_argument("--dry-run", action="store_true", help="count only, change nothing")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command: print what was removed, one line per target.

    Args:
        argv: Command-line arguments (default ``sys.argv[1:]``).

    Returns:
        The exit status: 0, or 2 when the retention period or a setting is refused.
    """
    args = _parse(argv)
    try:
        days = retention_days() if args.days is None else check_days(args.days)
        stores = settings.current()
    except (RetentionError, settings.ConfigError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    database = make_engine(stores.database_url)
    tracker = make_engine(stores.tracker_db_url, sqlite_foreign_keys=False)
    try:
        report = purge(database, tracker, days, dry_run=args.dry_run)
    finally:
        database.dispose()
        tracker.dispose()
    print("\n".join(report.lines()))
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(main())
