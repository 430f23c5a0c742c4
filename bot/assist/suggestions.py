"""The situation behind a borrower message and the approved scripts that answer it.

:func:`advise` is the entry point of the suggestions view: the assistant's own answer first
(:mod:`bot.assist.preview`), then the other approved scripts for the situation, with their
placeholders filled by :func:`bot.dialogue.values.placeholder_values`, the function the
dialogue handlers' numbers come from too.
"""

from __future__ import annotations

import datetime as dt
import logging
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from bot.assist.accounts import load_account
from bot.assist.parsing import Parsed
from bot.assist.preview import PREVIEW_CONVERSATION, assistant_replies
from bot.db.masking import mask_text
from bot.dialogue.history import first_entity_values
from bot.dialogue.intents import DEBT_INTENTS, INTENT_LABELS
from bot.dialogue.turn import Reply
from bot.dialogue.values import placeholder_values
from bot.intent_names import EXPRESS_DISTRESS, NLU_FALLBACK
from bot.policy import Policy
from bot.scripts import Library, Script, ScriptError

logger = logging.getLogger(__name__)

MAX_SUGGESTIONS = 5
SAFETY_INTENT = EXPRESS_DISTRESS
UNVERIFIED_SITUATION = "unverified_debt_question"


def fill(template: str, values: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    """Fill the placeholders that have a value; leave the others visible as ``{name}``.

    Returns:
        The text and the names of the placeholders left unfilled.
    """
    out: list[str] = []
    missing: list[str] = []
    for literal, name, spec, _conversion in string.Formatter().parse(template):
        out.append(literal)
        if name is None:
            continue
        if name in values:
            out.append(format(values[name], spec or ""))
        else:
            missing.append(name)
            out.append("{" + name + "}")
    return "".join(out), tuple(dict.fromkeys(missing))


def script_text(script: Script, values: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    """A script's first variant filled with ``values`` (see :func:`fill`)."""
    return fill(script.variants[0], values)


@dataclass(frozen=True)
class Situation:
    """What the agent is facing."""

    intent: str
    label: str
    verified: bool
    keys: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Suggestion:
    """An approved script ready to say (or to complete where ``missing`` is not empty)."""

    script_id: str
    version: int
    stage: str
    text: str
    missing: tuple[str, ...] = ()
    source: str = "library"

    def public(self) -> dict[str, Any]:
        """Return the JSON-ready view."""
        return {
            "script_id": self.script_id,
            "version": self.version,
            "stage": self.stage,
            "text": mask_text(self.text),
            "missing": list(self.missing),
            "source": self.source,
        }


def situation_of(
    parsed: Parsed, previous: Sequence[Parsed], verified: bool, low_confidence: float
) -> Situation:
    """Describe the situation: the intent, the scripts' situation keys and notes for the agent."""
    intents = [p.intent for p in (*previous, parsed)]
    notes: list[str] = []
    keys: list[str] = []
    if SAFETY_INTENT in intents:
        # The hotline's number is in the safety script (suggested first), not repeated here.
        notes.append("客户可能有心理危机：先安抚，用安全话术提供心理援助热线，停止催收并转人工。")
        keys.append(SAFETY_INTENT)
    if parsed.intent in DEBT_INTENTS and not verified:
        notes.append("客户尚未核身：先核实手机号和身份证后四位，不得透露任何欠款信息。")
        keys.append(UNVERIFIED_SITUATION)
    else:
        keys.append(parsed.intent)
    if parsed.confidence is not None and parsed.confidence < low_confidence:
        notes.append("模型对意图把握不大：请先确认客户的意思。")
        keys.append(NLU_FALLBACK)
    label = INTENT_LABELS.get(parsed.intent, parsed.intent)
    return Situation(parsed.intent, label, verified, tuple(dict.fromkeys(keys)), tuple(notes))


def applies(script_id: str, values: Mapping[str, Any]) -> bool:
    """Tell whether a script's own condition holds (most scripts have none).

    ``plans.tenor_unavailable`` only answers a tenor the policy does not offer.
    """
    if script_id == "plans.tenor_unavailable":
        offered = str(values.get("tenors", "")).split("、")
        return "tenor" in values and values["tenor"] not in offered
    return True


def suggest(
    situation: Situation,
    replies: Iterable[Reply],
    library: Library,
    values: Mapping[str, Any],
) -> list[Suggestion]:
    """Return up to ``MAX_SUGGESTIONS`` approved scripts: the assistant's answer first."""
    found: dict[str, Suggestion] = {}
    safety_first = SAFETY_INTENT in situation.keys
    if safety_first:
        for script in library.answering(SAFETY_INTENT):
            text, missing = script_text(script, values)
            found[script.id] = Suggestion(script.id, script.version, script.stage, text, missing)
    for reply in replies:
        if reply.script_id in found:
            continue
        try:
            message = library.render(reply.script_id, dict(reply.params), seed=PREVIEW_CONVERSATION)
            script = library.get(reply.script_id)
            found[reply.script_id] = Suggestion(
                script.id, message.version, script.stage, message.text, source="assistant"
            )
        except ScriptError as error:
            logger.warning("preview reply %s not renderable: %s", reply.script_id, error)
    for key in situation.keys:
        for script in library.answering(key):
            if script.id in found:
                continue
            if not situation.verified and script.requires_verification:
                continue
            if not applies(script.id, values):
                continue
            text, missing = script_text(script, values)
            found[script.id] = Suggestion(script.id, script.version, script.stage, text, missing)
    return list(found.values())[:MAX_SUGGESTIONS]


@dataclass(frozen=True)
class Advice:
    """Everything the assist page shows for a borrower message."""

    parsed: Parsed
    situation: Situation
    suggestions: list[Suggestion]

    def public(self) -> dict[str, Any]:
        """Return the JSON-ready view."""
        return {
            "parse": self.parsed.public(),
            "situation": {
                "intent": self.situation.intent,
                "label": self.situation.label,
                "verified": self.situation.verified,
                "notes": list(self.situation.notes),
            },
            "suggestions": [s.public() for s in self.suggestions],
        }


def advise(
    session: Session,
    parsed: Parsed,
    previous: Sequence[Parsed],
    account_id: int | None,
    *,
    library: Library,
    policy: Policy,
    now: dt.datetime,
    low_confidence: float,
) -> Advice:
    """Situation and suggestions for a parsed message (nothing is written).

    Raises:
        UnknownAccountError: ``account_id`` names no account.
    """
    account = load_account(session, account_id)
    situation = situation_of(parsed, previous, account is not None, low_confidence)
    try:
        replies = assistant_replies(parsed, previous, account, session, policy, now)
    except (LookupError, ValueError, ArithmeticError) as error:
        logger.warning("assistant preview failed for %s: %s", parsed.intent, error)
        replies = []
    entities = first_entity_values(parsed.raw_entities)
    values = placeholder_values(policy, now.date(), account, entities, library=library)
    return Advice(parsed, situation, suggest(situation, replies, library, values))
