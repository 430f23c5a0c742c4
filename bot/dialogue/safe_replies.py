"""The approved replies that go out when something behind the conversation fails.

Every failure a borrower can see ends in an approved sentence: the database, the guard or the
action server down, or a handler raising. A message that shows distress still gets the caring
reply with the national psychological assistance hotline (rule ``distress``), because neither
the sentence nor the deterministic distress finder needs storage. Failures are logged and
counted per kind (:data:`FAILURES`), so that monitoring can read them.
"""

from __future__ import annotations

import collections
import logging
import threading

from bot.dialogue.messages import DISTRESS_SCRIPT, library
from bot.intent_names import EXPRESS_DISTRESS
from bot.nlu.safety import find_distress
from bot.policy.config import Policy, load_policy
from bot.scripts import RenderedMessage

logger = logging.getLogger(__name__)

DISTRESS_INTENT = EXPRESS_DISTRESS
UNAVAILABLE_SCRIPT = "fallback.unavailable"
OPENING_SCRIPT = "opening.disclosure"
TOO_LONG_SCRIPT = "fallback.too_long"

FAILURES: collections.Counter[str] = collections.Counter()
_failures_lock = threading.Lock()


def count_failure(kind: str) -> None:
    """Count one failure of ``kind`` (e.g. ``action``, ``channel``, ``action_server``)."""
    with _failures_lock:
        FAILURES[kind] += 1


def shows_distress(text: str, intent: str | None = None) -> bool:
    """Whether the message needs the caring reply: its intent, or the deterministic finder."""
    return intent == DISTRESS_INTENT or find_distress(text or "") is not None


def opening_disclosure(seed: str, policy: Policy | None = None) -> RenderedMessage:
    """The first message of a conversation: the institution, "automated", "recorded".

    Args:
        seed: Picks the script variant (the conversation id).
        policy: The issuer policy (read from its file when not given).
    """
    policy = policy or load_policy()
    return library().render(OPENING_SCRIPT, {"institution": policy.institution.name}, seed)


def safe_messages(
    text: str,
    seed: str,
    intent: str | None = None,
    opening: bool = False,
    policy: Policy | None = None,
) -> list[RenderedMessage]:
    """The approved replies for a turn that could not be handled normally.

    Args:
        text: The borrower's message (may be empty).
        seed: Picks the script variant (the conversation id).
        intent: The intent, when the NLU got that far.
        opening: The failure happened at session start: the disclosure goes first.
        policy: The issuer policy (read from its file when not given).

    Returns:
        The distress reply for a message in distress, else the "unavailable" reply with the
        hotline; after the opening disclosure when ``opening``.
    """
    policy = policy or load_policy()
    lib = library()
    messages = []
    if opening:
        messages.append(opening_disclosure(seed, policy))
    if shows_distress(text, intent):
        messages.append(lib.render(DISTRESS_SCRIPT, {}, seed))
    else:
        messages.append(
            lib.render(UNAVAILABLE_SCRIPT, {"hotline": policy.institution.hotline}, seed)
        )
    return messages
