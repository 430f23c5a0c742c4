"""Turn tracker events into what a trainer reads: turns, their NLU results and flags (pure).

Every text leaves this module masked (:func:`bot.db.masking.mask_text`). Entity offsets stay
valid on the masked text because masking keeps the length of the text.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.db.masking import mask_text
from bot.intent_names import NOT_UNDERSTOOD
from bot.web.tracker import StoredEvent

logger = logging.getLogger(__name__)

FALLBACK_INTENTS = NOT_UNDERSTOOD
FALLBACK_ACTIONS = frozenset(
    {"action_fallback", "action_default_fallback", "action_two_stage_fallback"}
)
LOCKED_SCRIPT = "verification.locked"
BLOCKED_SCRIPT = "fallback.blocked"

# Conversation flags, in display order, with their labels.
FLAGS: dict[str, str] = {
    "fallback": "未理解",
    "low_confidence": "低置信度",
    "blocked": "消息被拦截",
    "distress": "心理危机",
    "lockout": "核身锁定",
    "handoff": "转人工",
}


@dataclass(frozen=True)
class Entity:
    """An entity found in (or corrected on) a user message."""

    entity: str
    value: str
    start: int
    end: int

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON form stored with annotations."""
        return {"entity": self.entity, "value": self.value, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class UserTurn:
    """A borrower message and how the model understood it."""

    event_id: int
    at: dt.datetime
    text: str
    intent: str
    confidence: float | None
    entities: tuple[Entity, ...]
    low_confidence: bool
    fallback: bool
    kind: str = "user"


@dataclass(frozen=True)
class BotTurn:
    """A message the assistant sent, traceable to its approved script."""

    event_id: int
    at: dt.datetime
    text: str
    action: str | None
    script_id: str | None
    script_version: int | str | None
    kind: str = "bot"
    agent: str | None = None  # the agent's name when a person sent it from the desk
    edited: bool = False  # an agent's edited suggestion


@dataclass(frozen=True)
class ActionTurn:
    """An action the dialogue policy chose."""

    event_id: int
    at: dt.datetime
    name: str
    policy: str | None
    confidence: float | None
    kind: str = "action"


@dataclass(frozen=True)
class SessionMark:
    """The start of a new Rasa session within the conversation."""

    event_id: int
    at: dt.datetime
    kind: str = "session"


Item = UserTurn | BotTurn | ActionTurn | SessionMark


@dataclass(frozen=True)
class Transcript:
    """One conversation as a list of turns."""

    conversation_id: str
    items: tuple[Item, ...] = ()

    @property
    def user_turns(self) -> list[UserTurn]:
        """The borrower's messages, in order."""
        return [item for item in self.items if isinstance(item, UserTurn)]

    @property
    def bot_turns(self) -> list[BotTurn]:
        """The assistant's messages, in order."""
        return [item for item in self.items if isinstance(item, BotTurn)]

    def user_turn(self, event_id: int) -> UserTurn | None:
        """Return the user message stored as tracker event ``event_id``, or ``None``."""
        return next((turn for turn in self.user_turns if turn.event_id == event_id), None)


@dataclass(frozen=True)
class EventFlags:
    """What the events alone say about a conversation (the database adds the rest)."""

    user_turns: int = 0
    flags: frozenset[str] = field(default_factory=frozenset)


def utc(timestamp: float) -> dt.datetime:
    """Return a Unix timestamp as an aware UTC datetime."""
    return dt.datetime.fromtimestamp(timestamp, tz=dt.timezone.utc)


def _confidence(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def entities_of(parse_data: dict[str, Any]) -> tuple[Entity, ...]:
    """Return the entities of a parse result, values masked (phone numbers are entities)."""
    found = []
    for raw in parse_data.get("entities") or []:
        if not isinstance(raw, dict) or not raw.get("entity"):
            continue
        start, end = raw.get("start"), raw.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            continue
        found.append(Entity(str(raw["entity"]), mask_text(str(raw.get("value"))), start, end))
    return tuple(found)


def user_turn(event: StoredEvent, low_confidence: float) -> UserTurn:
    """Build the view of a ``user`` event."""
    parse = event.data.get("parse_data") or {}
    intent_data = parse.get("intent") or {}
    intent = str(intent_data.get("name") or event.intent_name or "")
    confidence = _confidence(intent_data.get("confidence"))
    return UserTurn(
        event_id=event.id,
        at=utc(event.timestamp),
        text=mask_text(str(event.data.get("text") or "")),
        intent=intent,
        confidence=confidence,
        entities=entities_of(parse),
        low_confidence=confidence is not None and confidence < low_confidence,
        fallback=intent in FALLBACK_INTENTS,
    )


def bot_turn(event: StoredEvent, action: str | None) -> BotTurn:
    """Build the view of a ``bot`` event (``metadata`` carries the script id and version)."""
    metadata = event.data.get("metadata") or {}
    return BotTurn(
        event_id=event.id,
        at=utc(event.timestamp),
        text=mask_text(str(event.data.get("text") or "")),
        action=action,
        script_id=metadata.get("script_id"),
        script_version=metadata.get("script_version"),
        agent=str(metadata["agent"]) if metadata.get("agent") else None,
        edited=bool(metadata.get("edited")),
    )


def build_transcript(
    conversation_id: str, events: Iterable[StoredEvent], low_confidence: float
) -> Transcript:
    """Turn a conversation's events into its transcript.

    ``action_listen`` is left out; a bot message is attributed to the last action before it.

    Args:
        conversation_id: The Rasa sender id.
        events: Its events in order.
        low_confidence: Intent confidence below which a user turn is flagged.

    Returns:
        The transcript (texts masked).
    """
    items: list[Item] = []
    last_action: str | None = None
    for event in events:
        if event.type_name == "user":
            items.append(user_turn(event, low_confidence))
        elif event.type_name == "bot":
            items.append(bot_turn(event, last_action))
        elif event.type_name == "action":
            name = str(event.data.get("name") or event.action_name or "")
            last_action = name
            if name == "action_session_start":
                items.append(SessionMark(event.id, utc(event.timestamp)))
            elif name != "action_listen":
                items.append(
                    ActionTurn(
                        event.id,
                        utc(event.timestamp),
                        name,
                        event.data.get("policy"),
                        _confidence(event.data.get("confidence")),
                    )
                )
    return Transcript(conversation_id, tuple(items))


def event_flags(events: Sequence[StoredEvent], low_confidence: float) -> EventFlags:
    """Return the number of user turns and the flags the events show.

    ``fallback``: an intent ``nlu_fallback``/``out_of_scope`` or a fallback action;
    ``low_confidence``: an intent under the threshold; ``lockout``: the locked script was sent;
    ``blocked``: the guard's replacement script was sent.
    """
    flags: set[str] = set()
    turns = 0
    for event in events:
        if event.type_name == "user":
            turns += 1
            turn = user_turn(event, low_confidence)
            if turn.fallback:
                flags.add("fallback")
            if turn.low_confidence:
                flags.add("low_confidence")
        elif event.type_name == "action" and (event.action_name in FALLBACK_ACTIONS):
            flags.add("fallback")
        elif event.type_name == "bot":
            script = (event.data.get("metadata") or {}).get("script_id")
            if script == LOCKED_SCRIPT:
                flags.add("lockout")
            elif script == BLOCKED_SCRIPT:
                flags.add("blocked")
    return EventFlags(turns, frozenset(flags))
