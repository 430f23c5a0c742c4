"""Read queries of one conversation's review page: transcript, outcomes, flags, annotations.

A read model (nothing is written): functions take a :class:`TrackerReader` and a session owned
by the caller. Every text they return is masked.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.masking import mask_text
from bot.db.models import ComplianceEvent, ConversationOutcome, Handoff, VerificationLock
from bot.db.web_models import ConversationReview, ConversationTag, StaffUser, TurnAnnotation
from bot.web.notice_queries import NoticeSummary, conversation_notices
from bot.web.review_errors import ConversationNotFoundError
from bot.web.review_queries import load_facts
from bot.web.tracker import StoredEvent, TrackerReader
from bot.web.transcript import FLAGS, Entity, Transcript, build_transcript, event_flags

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnnotationView:
    """A trainer's correction of a user message."""

    event_id: int
    text: str
    predicted_intent: str | None
    intent: str
    entities: tuple[Entity, ...]
    note: str | None
    author: str | None
    updated_at: dt.datetime


@dataclass(frozen=True)
class ReviewState:
    """Whether and by whom a conversation was reviewed, its note and tags."""

    reviewed: bool = False
    reviewed_by: str | None = None
    reviewed_at: dt.datetime | None = None
    note: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConversationDetail:
    """Everything the conversation page shows."""

    transcript: Transcript
    events: list[StoredEvent]
    outcomes: list[dict[str, Any]]
    handoffs: list[dict[str, Any]]
    blocked: list[dict[str, Any]]
    locks: list[dict[str, Any]]
    flags: tuple[str, ...]
    review: ReviewState
    annotations: dict[int, AnnotationView]
    notices: list[NoticeSummary] = field(default_factory=list)  # of the accounts verified as


def _author_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(wanted)))
    return dict(rows.all())


def list_annotations(session: Session, conversation_id: str | None = None) -> list[AnnotationView]:
    """Return the annotations of one conversation (or all), oldest first."""
    statement = select(TurnAnnotation).order_by(
        TurnAnnotation.conversation_id, TurnAnnotation.event_id
    )
    if conversation_id is not None:
        statement = statement.where(TurnAnnotation.conversation_id == conversation_id)
    rows = list(session.scalars(statement))
    names = _author_names(session, (row.author_id for row in rows))
    return [
        AnnotationView(
            event_id=row.event_id,
            text=row.text,
            predicted_intent=row.predicted_intent,
            intent=row.intent,
            entities=tuple(Entity(**entity) for entity in row.entities or []),
            note=row.note,
            author=names.get(row.author_id),
            updated_at=row.updated_at,
        )
        for row in rows
    ]


def review_state(session: Session, conversation_id: str) -> ReviewState:
    """Return the review state and tags of a conversation."""
    row = session.scalars(
        select(ConversationReview).where(ConversationReview.conversation_id == conversation_id)
    ).first()
    tags = tuple(
        session.scalars(
            select(ConversationTag.tag)
            .where(ConversationTag.conversation_id == conversation_id)
            .order_by(ConversationTag.tag)
        )
    )
    if row is None:
        return ReviewState(tags=tags)
    names = _author_names(session, [row.reviewed_by_id])
    return ReviewState(
        reviewed=bool(row.reviewed),
        reviewed_by=names.get(row.reviewed_by_id),
        reviewed_at=row.reviewed_at,
        note=row.note,
        tags=tags,
    )


def _outcomes(session: Session, cid: str) -> list[dict[str, Any]]:
    return [
        {"outcome": row.outcome.value, "detail": mask_text(row.detail or ""), "at": row.at}
        for row in session.scalars(
            select(ConversationOutcome)
            .where(ConversationOutcome.conversation_id == cid)
            .order_by(ConversationOutcome.at)
        )
    ]


def _handoffs(session: Session, cid: str) -> list[dict[str, Any]]:
    return [
        {
            "reason": row.reason.value,
            "urgency": row.urgency.value,
            "status": row.status.value,
            "at": row.created_at,
        }
        for row in session.scalars(
            select(Handoff).where(Handoff.conversation_id == cid).order_by(Handoff.id)
        )
    ]


def _blocked(session: Session, cid: str) -> list[dict[str, Any]]:
    return [
        {
            "rule": row.rule,
            "text": mask_text(row.blocked_text),
            "script": row.script_id,
            "at": row.at,
        }
        for row in session.scalars(
            select(ComplianceEvent)
            .where(ComplianceEvent.conversation_id == cid)
            .order_by(ComplianceEvent.at)
        )
    ]


def _locks(session: Session, cid: str) -> list[dict[str, Any]]:
    return [
        {"until": row.locked_until, "reason": row.reason, "at": row.created_at}
        for row in session.scalars(
            select(VerificationLock).where(VerificationLock.conversation_id == cid)
        )
    ]


def conversation_detail(
    reader: TrackerReader, session: Session, conversation_id: str, *, low_confidence: float
) -> ConversationDetail:
    """Return one conversation with its outcomes, flags, review state and annotations.

    Raises:
        ConversationNotFoundError: Neither the tracker store nor our tables know it.
    """
    events = reader.events(conversation_id)
    facts = load_facts(session, [conversation_id])
    known = facts.outcomes.get(conversation_id) or facts.flags.get(conversation_id)
    if not events and not known:
        raise ConversationNotFoundError(f"没有对话 {conversation_id}")
    cid = conversation_id
    flags = event_flags(events, low_confidence).flags | facts.flags.get(cid, set())
    return ConversationDetail(
        transcript=build_transcript(cid, events, low_confidence),
        events=events,
        outcomes=_outcomes(session, cid),
        handoffs=_handoffs(session, cid),
        blocked=_blocked(session, cid),
        locks=_locks(session, cid),
        flags=tuple(flag for flag in FLAGS if flag in flags),
        review=review_state(session, cid),
        annotations={a.event_id: a for a in list_annotations(session, cid)},
        notices=conversation_notices(session, cid),
    )
