"""An agent's message before it goes: the compliance guard, the answer-fit check, the event.

The guard runs with the conversation's own context (verified only when the server holds a valid
verification and the other party did not say it is the wrong person; general facts allowed for a
message taken from a ``facts: general`` script), as agent assist's draft check does
(:func:`bot.assist.drafts.check_draft`, whose highlighting and closest approved script are
reused); the answer-fit check compares the message with the borrower's latest message. Any
finding blocks the message: the desk shows the highlighted spans and the closest approved script
instead.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from bot.assist.accounts import load_account
from bot.assist.drafts import DraftCheck, closest_script, segments_of, violation_dicts
from bot.compliance import GuardContext, check, check_reply
from bot.compliance.verdict import Violation
from bot.desk.live import AGENT_KEY, DESK_KEY
from bot.dialogue.values import placeholder_values
from bot.intent_names import EXPRESS_DISTRESS
from bot.policy import Policy
from bot.scripts import Library, ScriptError

logger = logging.getLogger(__name__)

FIT_PREFIX = "answer-fit:"


class UnknownScriptError(ValueError):
    """The message names a script that is not an approved script of the library."""


@dataclass(frozen=True)
class AgentDraft:
    """What the agent sends: the text and, when it came from a suggestion, its script."""

    text: str
    script_id: str | None = None
    script_version: int | None = None
    edited: bool = False
    general_facts: bool = False  # from a script marked ``facts: general``


def _fit_violations(
    user_text: str | None, text: str, in_distress: bool, learned: bool
) -> list[Violation]:
    if not user_text and not in_distress:
        return []
    # Distress earlier in the conversation counts as the NLU's reading of the latest message:
    # the agent's collection talk is refused until a person has dealt with it.
    context = GuardContext(borrower_intent=EXPRESS_DISTRESS) if in_distress else None
    fit = check_reply(user_text or "", text, context, learned=learned)
    return [
        Violation(rule=FIT_PREFIX + m.label, message=m.message, start=m.start, end=m.end)
        for m in fit.misfits
    ]


def review_draft(
    session: Session,
    text: str,
    *,
    last_user_text: str | None,
    may_disclose: bool,
    account_id: int | None,
    library: Library,
    policy: Policy,
    today: dt.date,
    general_facts: bool = False,
    in_distress: bool = False,
    approved_as_is: bool = False,
) -> DraftCheck:
    """Check an agent's message against the guard and the borrower's latest message.

    Args:
        session: Open session (the ledger, for the alternative's placeholders).
        text: The agent's message.
        last_user_text: The borrower's latest message (``None``: nothing to fit).
        may_disclose: Whether debt facts may be said (verified, not the wrong person).
        account_id: The verified account, for the alternative's figures.
        library: The scripts library.
        policy: The issuer policy.
        today: The borrower's local date.
        general_facts: The message comes from a script marked ``facts: general`` (general facts
            about debts, which may be said before verification; amounts, card digits and the
            name are still refused).
        in_distress: The borrower wrote of despair or self-harm in this conversation: a message
            that goes on collecting is refused (answer-fit ``distress_ignored``).
        approved_as_is: The message is an approved script sent unedited: the answer-fit check
            reads it on its phrase lists only, as it reads the bot's replies; anything an agent
            wrote or edited is also read by the learned model (``check_reply(learned=True)``).

    Returns:
        The verdict; ``ok`` only when both checks found nothing.
    """
    account = load_account(session, account_id) if may_disclose else None
    values = placeholder_values(policy, today, account, library=library)
    context = GuardContext(
        verified=may_disclose,
        channel="agent",
        borrower_initiated=True,
        general_facts=general_facts,
    )
    fit = _fit_violations(last_user_text, text, in_distress, learned=not approved_as_is)
    found = [*check(text, context).violations, *fit]
    rules = [v.rule for v in found]
    return DraftCheck(
        ok=not found,
        violations=violation_dicts(text, found),
        segments=segments_of(text, found),
        alternative=closest_script(text, library, values, may_disclose, rules) if found else None,
    )


def validate_script(library: Library, script_id: str | None, version: Any) -> int | None:
    """Return the version of the approved script a message came from (``None``: free text).

    Raises:
        UnknownScriptError: Not an approved script, or another version than the library's.
    """
    if script_id is None:
        return None
    try:
        script = library.approved(script_id)
    except ScriptError as error:
        raise UnknownScriptError(str(error)) from None
    if version is not None and version != script.version:
        raise UnknownScriptError(f"{script_id} is at version {script.version}, not {version}")
    return int(script.version)


def agent_event(draft: AgentDraft, agent: str) -> dict[str, Any]:
    """The ``bot`` event that stores an agent's message in Rasa's tracker (the transcript)."""
    return {
        "event": "bot",
        "text": draft.text,
        "metadata": {
            AGENT_KEY: agent,
            "script_id": draft.script_id,
            "script_version": draft.script_version,
            "edited": draft.edited,
        },
    }


def desk_event(text: str, script_id: str, version: int, notice: str) -> dict[str, Any]:
    """The ``bot`` event of a desk notice (a person joined, the assistant is back)."""
    return {
        "event": "bot",
        "text": text,
        "metadata": {DESK_KEY: notice, "script_id": script_id, "script_version": version},
    }


def from_body(body: Mapping[str, Any], text: str, library: Library) -> AgentDraft:
    """Build the draft from a request body already holding the cleaned ``text``.

    Raises:
        UnknownScriptError: ``script_id`` / ``script_version`` name no approved script.
    """
    script_id = body.get("script_id")
    if script_id is not None and not isinstance(script_id, str):
        raise UnknownScriptError("script_id must be a string")
    version = validate_script(library, script_id or None, body.get("script_version"))
    suggested = body.get("suggested_text")
    edited = bool(script_id) and (not isinstance(suggested, str) or suggested != text)
    general = bool(script_id) and library.approved(str(script_id)).general_facts
    return AgentDraft(text, script_id or None, version, edited, general)
