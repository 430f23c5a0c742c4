"""Read Rasa's SQL tracker store (the ``events`` table), never write it.

Rasa's ``SQLTrackerStore`` keeps one row per event: ``id``, ``sender_id`` (our conversation
id), ``type_name`` (``user``, ``bot``, ``action``, ``slot`` ...), ``timestamp`` (Unix seconds),
``intent_name``, ``action_name`` and ``data`` (the event as JSON text). The table is declared
here with SQLAlchemy Core on a metadata of its own, so Alembic never manages it. A store that
Rasa has not created yet reads as empty.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, func, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

logger = logging.getLogger(__name__)

tracker_metadata = MetaData()

EVENTS = Table(
    "events",
    tracker_metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)

REVIEW_TYPES = ("user", "bot", "action")
IN_CHUNK = 500


@dataclass(frozen=True)
class StoredEvent:
    """One row of the tracker store, with its JSON decoded."""

    id: int
    sender_id: str
    type_name: str
    timestamp: float
    intent_name: str | None = None
    action_name: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ConversationSpan:
    """When a conversation started and last changed, from its events."""

    sender_id: str
    first: float
    last: float


def _decode(row: Any) -> StoredEvent:
    try:
        data = json.loads(row.data) if row.data else {}
    except ValueError:
        logger.warning("tracker event %s has unreadable JSON", row.id)
        data = {}
    return StoredEvent(
        id=row.id,
        sender_id=row.sender_id,
        type_name=row.type_name,
        timestamp=float(row.timestamp or data.get("timestamp") or 0.0),
        intent_name=row.intent_name,
        action_name=row.action_name,
        data=data if isinstance(data, dict) else {},
    )


def _chunks(values: Sequence[str], size: int = IN_CHUNK) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class TrackerReader:
    """Queries on the tracker store; one short connection per call.

    Args:
        engine: An engine on the tracker database (``TRACKER_DB_URL``).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def available(self) -> bool:
        """Tell whether Rasa has created its ``events`` table yet."""
        try:
            found: bool = inspect(self.engine).has_table(EVENTS.name)  # SQLAlchemy is untyped
            return found
        except SQLAlchemyError as error:
            logger.warning("tracker store unreachable: %s", error)
            return False

    def spans(
        self, since: float | None = None, until: float | None = None
    ) -> list[ConversationSpan]:
        """Return every conversation that started in ``[since, until)``, newest activity first.

        Args:
            since: Earliest start (Unix seconds), or no lower bound.
            until: Start before this (Unix seconds), or no upper bound.
        """
        if not self.available():
            return []
        first = func.min(EVENTS.c.timestamp)
        statement = (
            select(EVENTS.c.sender_id, first.label("first"), func.max(EVENTS.c.timestamp))
            .group_by(EVENTS.c.sender_id)
            .order_by(func.max(EVENTS.c.timestamp).desc(), EVENTS.c.sender_id)
        )
        if since is not None:
            statement = statement.having(first >= since)
        if until is not None:
            statement = statement.having(first < until)
        with self.engine.connect() as connection:
            rows = connection.execute(statement).all()
        return [ConversationSpan(row[0], float(row[1] or 0), float(row[2] or 0)) for row in rows]

    def events(self, sender_id: str, types: Sequence[str] | None = None) -> list[StoredEvent]:
        """Return one conversation's events in order (all types, or only ``types``)."""
        if not self.available():
            return []
        statement = select(EVENTS).where(EVENTS.c.sender_id == sender_id).order_by(EVENTS.c.id)
        if types:
            statement = statement.where(EVENTS.c.type_name.in_(list(types)))
        with self.engine.connect() as connection:
            return [_decode(row) for row in connection.execute(statement)]

    def events_of(
        self, sender_ids: Sequence[str], types: Sequence[str] = REVIEW_TYPES
    ) -> dict[str, list[StoredEvent]]:
        """Return the events of several conversations, grouped by conversation, in order."""
        grouped: dict[str, list[StoredEvent]] = {sender: [] for sender in sender_ids}
        if not sender_ids or not self.available():
            return grouped
        with self.engine.connect() as connection:
            for chunk in _chunks(list(sender_ids)):
                statement = (
                    select(EVENTS)
                    .where(EVENTS.c.sender_id.in_(list(chunk)))
                    .where(EVENTS.c.type_name.in_(list(types)))
                    .order_by(EVENTS.c.id)
                )
                for row in connection.execute(statement):
                    grouped[row.sender_id].append(_decode(row))
        return grouped

    def user_messages(self, since: float, until: float) -> list[tuple[str, float]]:
        """Return ``(sender_id, timestamp)`` of every user message in ``[since, until)``."""
        if not self.available():
            return []
        statement = (
            select(EVENTS.c.sender_id, EVENTS.c.timestamp)
            .where(EVENTS.c.type_name == "user")
            .where(EVENTS.c.timestamp >= since, EVENTS.c.timestamp < until)
        )
        with self.engine.connect() as connection:
            return [(row[0], float(row[1])) for row in connection.execute(statement)]
