"""Command line: ``python -m bot.outreach plan [--at ISO-DATETIME]`` and ``send``.

``plan`` prints, for now or for ``--at`` (an ISO date-time; without an offset, in the policy's
time zone), every contact the scheduler would make and every one it would not, with the rule
that would suppress it. A dry run: nothing is sent or stored; promises whose date has passed
unpaid are shown broken, as the settlement at the start of the next ``send`` will mark them.

``send`` does it for real at the current time (:mod:`bot.outreach.sender`): it settles the
promises, stores every attempt (suppressed ones with their rule, allowed ones ``planned``),
then starts each conversation on the borrower's channel through Rasa's HTTP API and marks the
attempt sent or failed. One run at a time per database (:mod:`bot.outreach.lock`).

Both read ``DATABASE_URL``, ``POLICY_FILE``, ``SCRIPTS_DIR`` and ``WECHAT_TOKEN`` /
``TELEGRAM_TOKEN`` (which push channels are enabled, :func:`bot.settings.enabled_push_channels`);
``send`` also ``RASA_URL`` and ``RASA_TOKEN``. Exit status: 0; 1 when ``send`` could not send a
contact (failed); 2 when ``--at``, a setting, the scripts or the database cannot be used; 3 when
another ``send`` is running.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

import aiohttp
from sqlalchemy.exc import SQLAlchemyError

from bot import settings
from bot.clock import parse_moment
from bot.compliance import GuardModelError
from bot.db.masking import mask_name
from bot.db.models import AttemptStatus
from bot.db.settings import make_engine, make_session_factory, session_scope
from bot.outreach.lock import AlreadyRunningError, send_lock
from bot.outreach.planner import plan_contacts
from bot.outreach.sender import (
    SEND_TIMEOUT_SECONDS,
    SendReport,
    check_scripts,
    send_contacts,
)
from bot.policy import PolicyError, load_policy
from bot.policy.outreach import Decision
from bot.scripts import ScriptError, load_library
from bot.web.rasa_client import RasaClient

logger = logging.getLogger(__name__)

PROGRESS_FROM = 1000  # accounts: smaller plans print no progress
SEND_PROGRESS_FROM = 100  # messages (10 s at 10 a second): fewer print no progress

Clock = Callable[[], dt.datetime]


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot.outreach",
        description="Plan and send outbound contacts within the contact rules ($DATABASE_URL).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    planning = commands.add_parser("plan", help="print the contacts of a moment; send nothing")
    planning.add_argument("--at", help="ISO date-time (default: now)")
    commands.add_parser(
        "send", help="send the contacts due now through Rasa ($RASA_URL); store every attempt"
    )
    return parser.parse_args(argv)


def _counter(unit: str, threshold: Callable[[], int]) -> Callable[[int, int], None]:
    def progress(done: int, total: int) -> None:
        if total >= threshold():
            print(f"\r{done}/{total} {unit}", end="" if done < total else "\n", file=sys.stderr)

    return progress


# The thresholds are read when called, so that tests can lower them.
_progress = _counter("accounts", lambda: PROGRESS_FROM)
_send_progress = _counter("messages", lambda: SEND_PROGRESS_FROM)


def describe(decision: Decision, verdict: str | None = None, reason: str | None = None) -> str:
    """One line of the plan: verdict, who, why, script, channel, local time, rule or reason.

    Args:
        decision: The plan's decision.
        verdict: What became of it (``sent``, ``failed``); default: ``send`` or ``suppress``.
        reason: The failure's reason, for a failed contact.
    """
    contact = decision.contact
    borrower = contact.borrower
    verdict = verdict or ("send" if decision.allowed else "suppress")
    about = ""
    if contact.promise_id is not None:
        about = f" promise {contact.promise_id}"
    elif contact.statement_due_date is not None:
        about = f" statement {contact.statement_due_date.isoformat()}"
    via = "" if decision.address is None else f" via {decision.address.channel}"
    line = (
        f"{verdict:<8} account {borrower.account_id} {mask_name(borrower.name)} "
        f"{contact.kind.value}{about} {contact.script_id}{via} "
        f"local {decision.local_time:%Y-%m-%d %H:%M %Z}"
    )
    if decision.rule is not None:
        return f"{line} rule {decision.rule.value}"
    return f"{line} reason {reason}" if reason else line


def _tally(reasons: Sequence[str | None]) -> str:
    """``" (quiet_hours 2, stop_contact 1)"``, or nothing."""
    counts: dict[str, int] = {}
    for reason in reasons:
        if reason is not None:
            counts[reason] = counts.get(reason, 0) + 1
    inner = ", ".join(f"{name} {count}" for name, count in sorted(counts.items()))
    return f" ({inner})" if inner else ""


def print_plan(decisions: Sequence[Decision], now: dt.datetime, out: TextIO) -> None:
    """The plan as people read it: a summary, then one line per contact."""
    allowed = sum(1 for d in decisions if d.allowed)
    rules = _tally([None if d.rule is None else d.rule.value for d in decisions])
    print(
        f"plan at {now.isoformat()} (dry run, nothing sent or stored): {len(decisions)} contacts,"
        f" {allowed} to send, {len(decisions) - allowed} suppressed{rules}",
        file=out,
    )
    for decision in decisions:
        print(describe(decision), file=out)


def print_send(report: SendReport, out: TextIO) -> None:
    """What a run did: a summary, what it settled first, then one line per contact."""
    results = report.results
    failed = [r.reason for r in results if r.status == AttemptStatus.FAILED]
    suppressed = [r.reason for r in results if r.status == AttemptStatus.SUPPRESSED]
    print(
        f"send at {report.now.isoformat()}: {len(results)} contacts, "
        f"{report.count(AttemptStatus.SENT)} sent, {len(failed)} failed{_tally(failed)}, "
        f"{len(suppressed)} suppressed{_tally(suppressed)}",
        file=out,
    )
    settled = report.settled
    if settled.kept or settled.broken:
        print(f"settled first: promises kept {settled.kept}, broken {settled.broken}", file=out)
    if report.interrupted:
        print(f"{report.interrupted} attempts of an interrupted run: failed interrupted", file=out)
    for result in results:
        verdict = None if result.status == AttemptStatus.SUPPRESSED else result.status.value
        print(describe(result.decision, verdict, result.reason), file=out)


def plan_at(now: dt.datetime) -> list[Decision]:
    """The decisions of ``now`` from the database, in one read-only session.

    Raises:
        ScriptError: A contact names a script that is not an approved outbound script.
    """
    policy = load_policy()
    library = load_library()
    engine = make_engine(settings.current().database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            decisions = plan_contacts(session, policy, now, progress=_progress)
            session.rollback()  # a dry run: nothing it may have touched is kept
    finally:
        engine.dispose()
    check_scripts(library, sorted({d.contact.script_id for d in decisions}))
    return decisions


async def _send(clock: Clock) -> SendReport:
    policy = load_policy()
    library = load_library()
    engine = make_engine(settings.current().database_url)
    try:
        with send_lock(engine):
            async with aiohttp.ClientSession() as http:
                rasa = RasaClient(
                    http,
                    settings.rasa_url(os.environ),
                    SEND_TIMEOUT_SECONDS,
                    settings.rasa_token(os.environ),
                )
                return await send_contacts(
                    make_session_factory(engine),
                    policy=policy,
                    library=library,
                    deliver=rasa.append_events,
                    clock=clock,
                    plan_progress=_progress,
                    progress=_send_progress,
                )
    finally:
        engine.dispose()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _run(args: argparse.Namespace, clock: Clock) -> int:
    if args.command == "plan":
        now = parse_moment(args.at, load_policy().zone)
        print_plan(plan_at(now), now, sys.stdout)
        return 0
    report = asyncio.run(_send(clock))
    print_send(report, sys.stdout)
    return 1 if report.failed else 0


def main(argv: Sequence[str] | None = None, clock: Clock | None = None) -> int:
    """Run the command.

    Args:
        argv: Command-line arguments (default ``sys.argv[1:]``).
        clock: The current moment for ``send`` (default: the system clock; tests fix it).

    Returns:
        0; 1 when a contact could not be sent; 2 when ``--at``, a setting, the scripts, the
        guard or the database cannot be used; 3 when another ``send`` is running.
    """
    args = _parse(argv)
    try:
        return _run(args, clock or _now)
    except AlreadyRunningError as error:
        print(f"error: {error}; nothing sent", file=sys.stderr)
        return 3
    except (PolicyError, settings.ConfigError, ScriptError, GuardModelError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except SQLAlchemyError as error:
        print(f"error: database: {type(error).__name__}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(main())
