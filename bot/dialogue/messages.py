"""Turn handler replies into sendable messages: approved script text, guard-checked."""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot import settings
from bot.compliance.context import GuardContext
from bot.dialogue.turn import Reply
from bot.scripts import Library, RenderedMessage, load_library

logger = logging.getLogger(__name__)

BLOCKED_SCRIPT = "fallback.blocked"


@dataclass(frozen=True)
class Blocked:
    """A message the compliance guard stopped, for the compliance event log."""

    rule: str
    text: str
    script_id: str


@dataclass
class Composed:
    """Messages to send and the messages the guard blocked on the way."""

    messages: list[RenderedMessage] = field(default_factory=list)
    blocked: list[Blocked] = field(default_factory=list)


# A guard returns the rule ids the text violates (empty: compliant).
Guard = Callable[[str, Any], list[str]]


def library() -> Library:
    """The scripts library from ``SCRIPTS_DIR``, read once per process."""
    return _library(settings.current().scripts_dir)


@functools.lru_cache(maxsize=1)
def _library(directory: Path) -> Library:
    return load_library(directory)


def render_inline(script_id: str, params: dict[str, Any]) -> str:
    """Render a script meant to be embedded in another one (e.g. one plan in a list)."""
    return library().render(script_id, params).text


def compose(
    replies: Iterable[Reply],
    seed: str,
    guard: Guard | None = None,
    guard_context: Any = None,
    lib: Library | None = None,
    verified: bool = True,
) -> Composed:
    """Render every reply and pass it through the guard.

    A script marked ``facts: account`` is refused (rule right-party) unless ``verified``; one
    marked ``facts: general`` is checked as a general statement (``GuardContext.general_facts``).
    A blocked message is replaced by the approved safe fallback script and reported in
    ``Composed.blocked``; the caller stores it as a compliance event.
    """
    lib = lib or library()
    out = Composed()
    for reply in replies:
        message = lib.render(reply.script_id, dict(reply.params), seed=seed)
        script = lib.approved(reply.script_id)
        context = guard_context
        if script.general_facts and isinstance(context, GuardContext):
            context = dataclasses.replace(context, general_facts=True)
        rules = guard(message.text, context) if guard else []
        if script.requires_verification and not verified:
            rules = ["right-party", *rules]
        if rules:
            logger.warning("guard blocked script %s: %s", message.script_id, ",".join(rules))
            out.blocked.extend(Blocked(rule, message.text, message.script_id) for rule in rules)
            message = lib.render(BLOCKED_SCRIPT, {}, seed=seed)
        out.messages.append(message)
    return out


# Said instead of a reply that does not fit the borrower's message; a reply that ignored a
# borrower in distress is replaced by the caring one. The opening disclosure always stays.
DISTRESS_SCRIPT = "safety.distress"
KEPT_SCRIPTS = frozenset({"opening.disclosure"})


def check_fit(
    user_text: str,
    composed: Composed,
    seed: str,
    lib: Library | None = None,
    intent: str | None = None,
    confidence: float = 1.0,
) -> Composed:
    """Pass the whole reply through the answer-fit check (``bot.compliance.check_reply``).

    A reply that does not fit (an affirmation before a refusal, a fear not denied first, a
    borrower in distress met with collection, debt facts repeated after a dispute) is blocked
    like a guard violation: reported in ``Composed.blocked`` and replaced. ``intent`` is the
    NLU's reading of the message (distress and disputes count in any words).
    """
    from bot.compliance import GuardContext, check_reply, rules  # the guard loads on first use

    lib = lib or library()
    reply = "\n".join(m.text for m in composed.messages if m.script_id not in KEPT_SCRIPTS)
    context = GuardContext(borrower_intent=intent, borrower_intent_confidence=confidence)
    verdict = check_reply(user_text, reply, context)
    if verdict.ok:
        return composed
    labels = [misfit.label for misfit in verdict.misfits]
    logger.warning("answer-fit blocked a reply: %s", ",".join(labels))
    kept = [m for m in composed.messages if m.script_id in KEPT_SCRIPTS]
    script = DISTRESS_SCRIPT if rules.FIT_DISTRESS_IGNORED in labels else BLOCKED_SCRIPT
    blocked = [Blocked(label, reply, "answer-fit") for label in labels]
    return Composed([*kept, lib.render(script, {}, seed=seed)], [*composed.blocked, *blocked])
