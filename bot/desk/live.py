"""The messages of a Rasa tracker after a cursor, as the desk and the borrower's page show them.

Both read Rasa's own tracker (``GET /conversations/{id}/tracker``), so any number of web
processes see the same conversation. The cursor is an event timestamp (Rasa stamps every event
with ``time.time()``): a message is new when its timestamp is greater. Texts leave masked.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.db.masking import mask_text

logger = logging.getLogger(__name__)

#: Metadata key of a ``bot`` event an agent sent (its value is the agent's name).
AGENT_KEY = "agent"
#: Metadata key of a ``bot`` event the desk itself sent (joined, handed back).
DESK_KEY = "desk"


@dataclass(frozen=True)
class LiveMessage:
    """A message of the conversation."""

    at: float
    who: str  # "borrower", "bot" or "agent"
    text: str
    agent: str | None = None
    intent: str | None = None
    script_id: str | None = None

    def public(self) -> dict[str, Any]:
        """Return the JSON-ready view."""
        return {
            "at": self.at,
            "who": self.who,
            "text": self.text,
            "agent": self.agent,
            "intent": self.intent,
            "script_id": self.script_id,
        }


def _timestamp(event: Mapping[str, Any]) -> float | None:
    value = event.get("timestamp")
    return float(value) if isinstance(value, (int, float)) else None


def message_of(event: Mapping[str, Any]) -> LiveMessage | None:
    """Turn a ``user`` or ``bot`` event into a message (``None`` for other events)."""
    at = _timestamp(event)
    text = event.get("text")
    if at is None or not isinstance(text, str) or not text:
        return None
    if event.get("event") == "user":
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        return LiveMessage(at, "borrower", mask_text(text), intent=intent)
    if event.get("event") == "bot":
        metadata = event.get("metadata") or {}
        agent = metadata.get(AGENT_KEY)
        return LiveMessage(
            at,
            "agent" if agent else "bot",
            mask_text(text),
            agent=str(agent) if agent else None,
            script_id=metadata.get("script_id"),
        )
    return None


def events_of(tracker: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The tracker's events (an empty list for a malformed answer)."""
    events = tracker.get("events")
    return [e for e in events if isinstance(e, Mapping)] if isinstance(events, list) else []


def messages_after(tracker: Mapping[str, Any], cursor: float) -> list[LiveMessage]:
    """The conversation's messages stamped after ``cursor``, oldest first."""
    found = (message_of(event) for event in events_of(tracker))
    return [m for m in found if m is not None and m.at > cursor]


def desk_notices_after(tracker: Mapping[str, Any], cursor: float) -> list[LiveMessage]:
    """Messages for the borrower's page after ``cursor``: agents' messages and desk notices."""
    found: list[LiveMessage] = []
    for event in events_of(tracker):
        message = message_of(event)
        if message is None or message.at <= cursor or event.get("event") != "bot":
            continue
        metadata = event.get("metadata") or {}
        if metadata.get(AGENT_KEY) or metadata.get(DESK_KEY):
            found.append(message)
    return found


def last_borrower_text(tracker: Mapping[str, Any]) -> str | None:
    """The borrower's latest message, unmasked (for suggestions and the answer-fit check)."""
    for event in reversed(events_of(tracker)):
        if event.get("event") == "user" and isinstance(event.get("text"), str):
            return str(event["text"])
    return None


def borrower_intents(tracker: Mapping[str, Any]) -> list[str]:
    """The borrower's recognised intents, oldest first."""
    intents = []
    for event in events_of(tracker):
        if event.get("event") != "user":
            continue
        name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if isinstance(name, str):
            intents.append(name)
    return intents


def latest_timestamp(tracker: Mapping[str, Any]) -> float:
    """The newest event's timestamp (0 for an empty tracker): a cursor that skips history."""
    stamps = [t for t in (_timestamp(e) for e in events_of(tracker)) if t is not None]
    return max(stamps, default=0.0)


def is_paused(tracker: Mapping[str, Any]) -> bool:
    """Whether Rasa holds the conversation paused (the bot predicts nothing)."""
    return bool(tracker.get("paused"))
