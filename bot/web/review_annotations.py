"""Trainers' changes to a conversation: turn annotations, the reviewed mark, note and tags.

Each change is checked here (the message must exist, intents and entities must be in the
domain, spans must be in the text) and stored through the repositories of
:mod:`bot.db.web_repositories`; the session belongs to the caller and is never committed.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.db.masking import mask_text
from bot.db.web_repositories import ConversationReviewRepository, TurnAnnotationRepository
from bot.web.rasa_domain import DomainSpec
from bot.web.review_detail import AnnotationView, ReviewState, list_annotations, review_state
from bot.web.review_errors import (
    ConversationNotFoundError,
    InvalidAnnotationError,
    TurnNotFoundError,
)
from bot.web.review_filters import normalize_tags
from bot.web.tracker import TrackerReader
from bot.web.transcript import Entity, UserTurn, build_transcript

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EntityInput:
    """An entity row of the annotation form: which text span is which entity."""

    entity: str
    span: str
    value: str = ""
    start: int | None = None


def resolve_entities(
    text: str, rows: Sequence[EntityInput], known_entities: Sequence[str]
) -> tuple[Entity, ...]:
    """Locate every entity span in the (masked) text.

    A row's ``start`` is used when the span is really there; otherwise the first free
    occurrence of the span is taken. Rows without an entity name are skipped.

    Raises:
        InvalidAnnotationError: Unknown entity, or a span that is not in the text.
    """
    found: list[Entity] = []
    taken: set[int] = set()
    for row in rows:
        span = row.span.strip()
        if not row.entity:
            continue  # a blank row, or an entity the trainer removed
        if row.entity not in known_entities:
            raise InvalidAnnotationError(f"未知实体：{row.entity or '（空）'}")
        if not span:
            raise InvalidAnnotationError(f"实体 {row.entity} 缺少原文片段")
        start = row.start
        if start is None or text[start : start + len(span)] != span or start in taken:
            start = text.find(span)
            while start in taken:
                start = text.find(span, start + 1)
        if start < 0:
            raise InvalidAnnotationError(f"“{span}”不在这句话里")
        taken.add(start)
        value = mask_text(row.value.strip() or span)
        found.append(Entity(row.entity, value, start, start + len(span)))
    found.sort(key=lambda e: e.start)
    for before, after in itertools.pairwise(found):
        if after.start < before.end:
            raise InvalidAnnotationError("实体片段相互重叠")
    return tuple(found)


def annotate_turn(
    reader: TrackerReader,
    session: Session,
    spec: DomainSpec,
    conversation_id: str,
    event_id: int,
    *,
    intent: str,
    entities: Sequence[EntityInput],
    note: str = "",
    author_id: int | None = None,
) -> AnnotationView:
    """Store (or replace) the correct intent and entities of one user message.

    Raises:
        ConversationNotFoundError: No such conversation.
        TurnNotFoundError: No user message with this event id in it.
        InvalidAnnotationError: Unknown intent or entity, or a span not in the text.
    """
    events = reader.events(conversation_id, types=["user"])
    if not events:
        raise ConversationNotFoundError(f"没有对话 {conversation_id}")
    turn: UserTurn | None = build_transcript(conversation_id, events, 0.0).user_turn(event_id)
    if turn is None:
        raise TurnNotFoundError(f"对话中没有第 {event_id} 条用户消息")
    if intent not in spec.trainable_intents:
        raise InvalidAnnotationError(f"未知意图：{intent or '（空）'}")
    resolved = resolve_entities(turn.text, entities, spec.entities)
    TurnAnnotationRepository(session).save(
        conversation_id,
        event_id,
        text=turn.text,
        predicted_intent=turn.intent or None,
        intent=intent,
        entities=[entity.as_dict() for entity in resolved],
        note=note,
        author_id=author_id,
    )
    logger.info("annotation of %s event %s saved", conversation_id, event_id)
    return next(a for a in list_annotations(session, conversation_id) if a.event_id == event_id)


def delete_annotation(session: Session, conversation_id: str, event_id: int) -> bool:
    """Remove an annotation; return whether there was one."""
    return TurnAnnotationRepository(session).delete(conversation_id, event_id)


def save_review(
    session: Session,
    conversation_id: str,
    *,
    reviewed: bool | None = None,
    note: str | None = None,
    tags: Sequence[str] | None = None,
    user_id: int | None = None,
) -> ReviewState:
    """Update a conversation's review: reviewed flag, note and/or tags (``None``: unchanged).

    Marking it reviewed records who and when; the note is stored masked; ``tags`` replaces the
    whole set.
    """
    reviews = ConversationReviewRepository(session)
    reviews.save(conversation_id, reviewed=reviewed, note=note, user_id=user_id)
    if tags is not None:
        reviews.set_tags(conversation_id, normalize_tags(tags))
    return review_state(session, conversation_id)
