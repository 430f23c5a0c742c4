"""Run a handler for one turn: one database transaction, guarded messages.

Process-wide resources (policy, database engine) are created on first use, never at import,
from :mod:`bot.settings`; each is cached for the setting it was built from, so a test that
overrides the settings gets its own.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from bot import settings
from bot.db.conversation_state import verified_party
from bot.db.migrate import upgrade_head
from bot.db.settings import make_engine, make_session_factory, session_scope
from bot.dialogue.handlers import Context, Handler
from bot.dialogue.intents import answer_turn
from bot.dialogue.messages import Composed, check_fit, compose
from bot.dialogue.safe_replies import count_failure, safe_messages
from bot.dialogue.sql_store import SqlStore
from bot.dialogue.turn import LOCKED, UNVERIFIED, VERIFICATION, VERIFIED, Outcome, Turn
from bot.policy.config import Policy, load_policy
from bot.scripts import RenderedMessage

logger = logging.getLogger(__name__)


@dataclass
class Result:
    """What an action sends and sets after a turn."""

    messages: list[RenderedMessage] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)
    end_form: bool = False


def policy() -> Policy:
    """The issuer policy from ``POLICY_FILE``, read once per process."""
    return _policy(settings.current().policy_file)


@functools.lru_cache(maxsize=1)
def _policy(path: Path) -> Policy:
    return load_policy(path)


_factory_lock = threading.Lock()


def session_factory() -> Any:
    """The session factory bound to ``DATABASE_URL``, created once per process.

    On first use the schema is migrated to head (under a lock: the first turns of a fresh
    server arrive together). Demo accounts are never loaded here: they come only on request
    (``make db``), never into a production database.
    """
    url = settings.current().database_url
    with _factory_lock:
        return _session_factory(url)


@functools.lru_cache(maxsize=1)
def _session_factory(url: str) -> Any:
    upgrade_head(url)
    return make_session_factory(make_engine(url))


def guard_rules(text: str, context: Any) -> list[str]:
    """Rule ids the compliance guard finds in an outgoing text."""
    from bot.compliance import check  # imported lazily: it loads a classifier

    return [violation.rule for violation in check(text, context).violations]


def is_verified(turn: Turn, outcome: Outcome) -> bool:
    """Verified after this turn (the outcome may have just verified the borrower)."""
    return outcome.slots.get(VERIFICATION, turn.slots.get(VERIFICATION)) == VERIFIED


def guard_context(turn: Turn, outcome: Outcome, rules: Policy) -> Any:
    """What the guard must know: verified or not, channel, local time, the policy's quiet hours.

    The local time is in the policy's time zone. Replies answer a conversation the borrower
    started, so quiet hours (a limit on outbound contact) do not silence them.
    """
    from bot.compliance import GuardContext

    aware = turn.now.tzinfo is not None and turn.now.utcoffset() is not None
    return GuardContext(
        verified=is_verified(turn, outcome),
        channel=turn.channel,
        local_time=turn.now.astimezone(rules.zone) if aware else turn.now,
        quiet_hours=(rules.quiet_hours.start, rules.quiet_hours.end),
        borrower_initiated=True,
    )


# Slots that say who the conversation is: never trusted from the tracker, always from the server.
IDENTITY_SLOTS = (VERIFICATION, "customer_id", "account_id")


def server_identity(session: Session, turn: Turn, rules: Policy) -> dict[str, Any]:
    """The identity slots as the server knows them (rule ``right-party``).

    Verified only while our database holds a live verification for this conversation,
    written by the verification step; a tracker that claims more (a forged or replayed
    ``verification=verified, account_id=...``) is overruled. A locked state is kept as
    claimed: it only ever withholds, and the lock itself lives in the database.
    """
    party = verified_party(session, turn.conversation_id, turn.now, rules.verification.idle)
    if party is not None:
        return {
            VERIFICATION: VERIFIED,
            "customer_id": party.customer_id,
            "account_id": party.account_id,
        }
    claimed = turn.slots.get(VERIFICATION)
    return {
        VERIFICATION: LOCKED if claimed == LOCKED else UNVERIFIED,
        "customer_id": None,
        "account_id": None,
    }


def corrections(claimed: Mapping[str, Any], truth: Mapping[str, Any]) -> dict[str, Any]:
    """Slot events that bring the tracker back in line with the server."""
    return {name: value for name, value in truth.items() if claimed.get(name) != value}


def execute(
    handler: Handler | Callable[[Turn, Context], Outcome],
    turn: Turn,
    guard: Callable[[str, Any], list[str]] | None = guard_rules,
) -> Result:
    """Run ``handler`` in one transaction and return guarded messages and slot updates.

    Any failure (database, guard, handler) is logged, counted and answered with an approved
    safe reply (the caring reply for a message in distress); nothing already stored is lost,
    since the turn's transaction is rolled back as a whole.
    """
    try:
        return _execute(handler, turn, guard)
    except Exception:
        logger.exception(
            "turn failed in conversation %s (%s); safe reply sent",
            turn.conversation_id,
            getattr(handler, "__name__", "handler"),
        )
        count_failure("action")
        opening = getattr(handler, "__name__", "") == "opening"
        messages = safe_messages(
            turn.text, turn.conversation_id, turn.intent, opening=opening, policy=policy()
        )
        return Result(messages, {}, False)


def _execute(
    handler: Handler | Callable[[Turn, Context], Outcome],
    turn: Turn,
    guard: Callable[[str, Any], list[str]] | None,
) -> Result:
    with session_scope(session_factory()) as session:
        rules = policy()
        truth = server_identity(session, turn, rules)
        fixes = corrections(turn.slots, truth)
        turn = dataclasses.replace(turn, slots={**turn.slots, **truth})
        store = SqlStore(session, rules.verification)
        handler_context = Context(store=store, policy=rules)
        outcome = answer_turn(handler, turn, handler_context)
        context = guard_context(turn, outcome, rules) if guard else None
        composed: Composed = compose(
            outcome.replies,
            seed=turn.conversation_id,
            guard=guard,
            guard_context=context,
            verified=is_verified(turn, outcome),
        )
        if guard is not None:
            composed = check_fit(
                turn.text,
                composed,
                seed=turn.conversation_id,
                intent=turn.intent,
                confidence=turn.intent_confidence,
            )
        for blocked in composed.blocked:
            store.record_compliance_event(
                turn.conversation_id, blocked.rule, blocked.text, blocked.script_id
            )
        if composed.blocked:
            store.record_handoff(turn.conversation_id, None, None, "compliance", "normal")
    return Result(composed.messages, {**fixes, **outcome.slots}, outcome.end_form)
