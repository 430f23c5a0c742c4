"""Command line: ``python -m bot.payments import FILE.csv`` and ``settle [--at ISO-DATETIME]``.

``import`` validates every row, records the valid new ones (duplicates are skipped), settles the
accounts paid and prints a summary and one line per rejection; exit status 1 when any row was
rejected, 2 when the file, the database or a setting cannot be used (nothing recorded).
``settle`` marks promises kept or broken and counts plans' paid periods as of now, or as of
``--at`` (an ISO date-time; without an offset, in the policy's time zone). Both use
``DATABASE_URL`` and the policy's time zone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError

from bot import settings
from bot.clock import parse_moment
from bot.db.settings import make_engine, make_session_factory, session_scope
from bot.db.types import utcnow
from bot.payments.ledger import ImportReport, record_payments, settle
from bot.payments.rows import parse_csv
from bot.policy import PolicyError, load_policy

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 64 * 1024 * 1024
PROGRESS_FROM = 1000  # rows: smaller files print no progress


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot.payments",
        description="Record the issuer's payments ($DATABASE_URL) and settle promises and plans.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    importing = commands.add_parser("import", help="record the payments of a CSV file")
    importing.add_argument("file", type=Path, help="UTF-8 CSV: reference,account,amount,paid_at")
    settling = commands.add_parser("settle", help="mark promises kept or broken as of a moment")
    settling.add_argument("--at", help="ISO date-time (default: now)")
    return parser.parse_args(argv)


def _summary(report: ImportReport, out: TextIO) -> None:
    print(
        f"{report.total} rows: {report.recorded} recorded, {report.duplicates} duplicates, "
        f"{report.rejected_rows} rejected",
        file=out,
    )
    settled = report.settled
    print(
        f"promises kept {settled.kept}, broken {settled.broken}; "
        f"plans updated {settled.plans_updated}",
        file=out,
    )
    for error in report.rejected:
        print(f"rejected {error.text()}", file=out)


def _progress(done: int, total: int) -> None:
    if total >= PROGRESS_FROM:
        print(f"\r{done}/{total} rows", end="" if done < total else "\n", file=sys.stderr)


def import_file(path: Path, zone: ZoneInfo, *, now: dt.datetime | None = None) -> ImportReport:
    """Validate and record a CSV file in one transaction.

    Args:
        path: The file.
        zone: The policy's time zone.
        now: The current moment (default: now).

    Returns:
        The report, file-level and row rejections included.

    Raises:
        OSError: The file cannot be read.
        ValueError: The file is larger than 64 MiB.
    """
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValueError(f"{path.name}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    moment = now or utcnow()
    parsed = parse_csv(path.read_bytes(), zone, moment)
    engine = make_engine(settings.current().database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            report = record_payments(
                session,
                parsed.rows,
                source=f"csv:{path.name}",
                zone=zone,
                now=moment,
                progress=_progress,
            )
    finally:
        engine.dispose()
    report.total = parsed.total
    report.rejected = sorted([*parsed.errors, *report.rejected], key=lambda e: e.line)
    return report


def settle_at(zone: ZoneInfo, now: dt.datetime) -> str:
    """Settle every account as of ``now`` in one transaction; return the summary line."""
    engine = make_engine(settings.current().database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            report = settle(session, zone=zone, now=now)
    finally:
        engine.dispose()
    return (
        f"as of {now.isoformat()}: promises kept {report.kept}, broken {report.broken}; "
        f"plans updated {report.plans_updated}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command.

    Args:
        argv: Command-line arguments (default ``sys.argv[1:]``).

    Returns:
        0; 1 when an import rejected a row; 2 when the file, ``--at`` or a setting is refused.
    """
    args = _parse(argv)
    try:
        zone = ZoneInfo(load_policy().time_zone)
        if args.command == "settle":
            print(settle_at(zone, parse_moment(args.at, zone)))
            return 0
        report = import_file(args.file, zone)
    except (PolicyError, settings.ConfigError, OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except SQLAlchemyError as error:
        # Nothing of the file was kept (one transaction); importing it again is safe.
        print(f"error: database: {type(error).__name__}; nothing recorded", file=sys.stderr)
        return 2
    _summary(report, sys.stdout)
    return 1 if report.rejected else 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(main())
