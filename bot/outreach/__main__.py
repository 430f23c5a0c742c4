"""Command line: ``python -m bot.outreach plan [--at ISO-DATETIME]``.

Prints, for now or for ``--at`` (an ISO date-time; without an offset, in the policy's time
zone), every contact the scheduler would make and every one it would not, with the rule that
suppressed it. A dry run: nothing is sent and nothing is stored. Exit status 2 when ``--at``,
the policy or the database cannot be used. Uses ``DATABASE_URL``, ``POLICY_FILE`` and
``SCRIPTS_DIR`` (every script named must be an approved outbound script).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from collections.abc import Sequence
from typing import TextIO

from sqlalchemy.exc import SQLAlchemyError

from bot import settings
from bot.clock import parse_moment
from bot.db.masking import mask_name
from bot.db.settings import make_engine, make_session_factory, session_scope
from bot.outreach.planner import plan_contacts
from bot.policy import PolicyError, load_policy
from bot.policy.outreach import Decision
from bot.scripts import ScriptError, load_library

logger = logging.getLogger(__name__)

PROGRESS_FROM = 1000  # accounts: smaller plans print no progress


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot.outreach",
        description="Plan outbound contacts within the contact rules ($DATABASE_URL).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    planning = commands.add_parser("plan", help="print the contacts of a moment; send nothing")
    planning.add_argument("--at", help="ISO date-time (default: now)")
    return parser.parse_args(argv)


def _progress(done: int, total: int) -> None:
    if total >= PROGRESS_FROM:
        print(f"\r{done}/{total} accounts", end="" if done < total else "\n", file=sys.stderr)


def describe(decision: Decision) -> str:
    """One line of the plan: verdict, who, why, script, the borrower's local time, the rule."""
    contact = decision.contact
    borrower = contact.borrower
    verdict = "send    " if decision.allowed else "suppress"
    promise = "" if contact.promise_id is None else f" promise {contact.promise_id}"
    line = (
        f"{verdict} account {borrower.account_id} {mask_name(borrower.name)} "
        f"{contact.kind.value}{promise} "
        f"{contact.script_id} local {decision.local_time:%Y-%m-%d %H:%M %Z}"
    )
    return line if decision.allowed else f"{line} rule {decision.rule.value}"  # type: ignore[union-attr]


def print_plan(decisions: Sequence[Decision], now: dt.datetime, out: TextIO) -> None:
    """The plan as people read it: a summary, then one line per contact."""
    allowed = sum(1 for d in decisions if d.allowed)
    by_rule: dict[str, int] = {}
    for decision in decisions:
        if decision.rule is not None:
            by_rule[decision.rule.value] = by_rule.get(decision.rule.value, 0) + 1
    rules = ", ".join(f"{rule} {count}" for rule, count in sorted(by_rule.items()))
    print(
        f"plan at {now.isoformat()} (dry run, nothing sent or stored): {len(decisions)} contacts,"
        f" {allowed} to send, {len(decisions) - allowed} suppressed"
        + (f" ({rules})" if rules else ""),
        file=out,
    )
    for decision in decisions:
        print(describe(decision), file=out)


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
    for script_id in sorted({d.contact.script_id for d in decisions}):
        library.outbound(script_id)
    return decisions


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command.

    Args:
        argv: Command-line arguments (default ``sys.argv[1:]``).

    Returns:
        0; 2 when ``--at``, a setting, the scripts or the database cannot be used.
    """
    args = _parse(argv)
    try:
        now = parse_moment(args.at, load_policy().zone)
        decisions = plan_at(now)
    except (PolicyError, settings.ConfigError, ScriptError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except SQLAlchemyError as error:
        print(f"error: database: {type(error).__name__}", file=sys.stderr)
        return 2
    print_plan(decisions, now, sys.stdout)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(main())
