"""Facts read from a conversation's event history (Rasa tracker events as dicts)."""

from collections.abc import Sequence
from typing import Any

from bot.intent_names import NOT_UNDERSTOOD

FALLBACK_INTENTS = NOT_UNDERSTOOD


def user_intents(events: Sequence[dict[str, Any]]) -> list[str]:
    """Intent names of the user messages, oldest first."""
    return [
        ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
        for event in events
        if event.get("event") == "user"
    ]


def recent_fallbacks(events: Sequence[dict[str, Any]]) -> int:
    """How many user messages right before the latest one were not understood."""
    count = 0
    for intent in reversed(user_intents(events)[:-1]):
        if intent not in FALLBACK_INTENTS:
            break
        count += 1
    return count


def entity_values(entities: Sequence[dict[str, Any]]) -> dict[str, tuple[Any, ...]]:
    """Every value of every entity type in a parsed message, in message order, deduplicated."""
    values: dict[str, tuple[Any, ...]] = {}
    for entity in sorted(entities, key=lambda e: e.get("start") or 0):
        name, value = entity.get("entity", ""), entity.get("value")
        if name and value not in values.get(name, ()):
            values[name] = (*values.get(name, ()), value)
    return values


def first_entity_values(entities: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The first value of every entity type in a parsed message."""
    values: dict[str, Any] = {}
    for entity in entities:
        values.setdefault(entity.get("entity", ""), entity.get("value"))
    values.pop("", None)
    return values
