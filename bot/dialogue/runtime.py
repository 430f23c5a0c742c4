"""Run a handler for one turn: one database transaction, guarded messages.

Process-wide resources (policy, database engine) are created on first use, never at import.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.db.demo import main as prepare_database
from bot.db.settings import make_engine, make_session_factory, session_scope
from bot.dialogue.handlers import Context, Handler
from bot.dialogue.messages import Composed, compose
from bot.dialogue.sql_store import SqlStore
from bot.dialogue.turn import VERIFICATION, VERIFIED, Outcome, Turn
from bot.policy.config import Policy, load_policy
from bot.scripts import RenderedMessage

logger = logging.getLogger(__name__)


@dataclass
class Result:
    """What an action sends and sets after a turn."""

    messages: list[RenderedMessage] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)
    end_form: bool = False


@functools.lru_cache(maxsize=1)
def policy() -> Policy:
    """The issuer policy, read once per process (POLICY_FILE overrides the path)."""
    return load_policy()


@functools.lru_cache(maxsize=1)
def session_factory() -> Any:
    """The session factory bound to DATABASE_URL, created once per process.

    On first use the schema is migrated to head and, if the database is empty, the demo
    accounts are loaded: a fresh action server works without a separate setup step.
    """
    prepare_database()
    return make_session_factory(make_engine())


def guard_rules(text: str, context: Any) -> list[str]:
    """Rule ids the compliance guard finds in an outgoing text."""
    from bot.compliance import check  # imported lazily: it loads a classifier

    return [violation.rule for violation in check(text, context).violations]


def is_verified(turn: Turn, outcome: Outcome) -> bool:
    """Verified after this turn (the outcome may have just verified the borrower)."""
    return outcome.slots.get(VERIFICATION, turn.slots.get(VERIFICATION)) == VERIFIED


def guard_context(turn: Turn, outcome: Outcome) -> Any:
    """What the guard must know: verified or not, channel, local time.

    Replies answer a conversation the borrower started, so quiet hours (a limit on
    outbound contact) do not silence them.
    """
    from bot.compliance import GuardContext

    return GuardContext(
        verified=is_verified(turn, outcome),
        channel=turn.channel,
        local_time=turn.now,
        borrower_initiated=True,
    )


def execute(
    handler: Handler | Callable[[Turn, Context], Outcome],
    turn: Turn,
    guard: Callable[[str, Any], list[str]] | None = guard_rules,
) -> Result:
    """Run ``handler`` in one transaction and return guarded messages and slot updates."""
    with session_scope(session_factory()) as session:
        rules = policy()
        store = SqlStore(session, rules.verification.max_failures, rules.verification.lock_hours)
        outcome = handler(turn, Context(store=store, policy=rules))
        context = guard_context(turn, outcome) if guard else None
        composed: Composed = compose(
            outcome.replies, seed=turn.conversation_id, guard=guard, guard_context=context
        )
        for blocked in composed.blocked:
            store.record_compliance_event(
                turn.conversation_id, blocked.rule, blocked.text, blocked.script_id
            )
        if composed.blocked:
            store.record_handoff(turn.conversation_id, None, None, "compliance", "normal")
    return Result(composed.messages, outcome.slots, outcome.end_form)
