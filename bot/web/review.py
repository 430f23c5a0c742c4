"""Trainer review: conversations from the tracker store joined with our outcome tables.

The data module behind the review pages: functions take a :class:`TrackerReader` and a session
owned by the caller (never committing) and raise the errors below. Every text they return is
masked.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.db.masking import mask_text
from bot.db.models import (
    ComplianceEvent,
    ConversationOutcome,
    Handoff,
    HandoffReason,
    Outcome,
    VerificationLock,
)
from bot.db.types import utcnow
from bot.db.web_models import (
    TAG_LENGTH,
    ConversationReview,
    ConversationTag,
    StaffUser,
    TurnAnnotation,
)
from bot.web.rasa_domain import DomainSpec
from bot.web.tracker import StoredEvent, TrackerReader
from bot.web.transcript import (
    FLAGS,
    Entity,
    Transcript,
    UserTurn,
    build_transcript,
    event_flags,
    utc,
)

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
IN_CHUNK = 500
MAX_TAGS = 20
MAX_NOTE = 2000
NO_OUTCOME = "none"
OUTCOME_CHOICES: dict[str, str] = {
    "plan": "还款方案",
    "promise": "承诺还款",
    "dispute": "异议",
    "handoff": "转人工",
    "paid_claim": "声称已还",
    "stop_contact": "停止联系",
    "wrong_person": "非本人",
    "distress": "心理危机",
    NO_OUTCOME: "无结果",
}
_TAG_SPLIT = re.compile(r"[\s,，、;；]+")
_TAG_OK = re.compile(r"^[\w\-\u4e00-\u9fff]+$")


class ReviewError(ValueError):
    """A review request was refused; the message is for the trainer."""


class ConversationNotFoundError(ReviewError, LookupError):
    """No conversation with this id in the tracker store or the outcome tables."""


class TurnNotFoundError(ReviewError, LookupError):
    """The conversation has no user message with this event id."""


class InvalidAnnotationError(ReviewError):
    """An annotation names an unknown intent or entity, or a span not in the text."""


class FilterError(ReviewError):
    """A list filter has a value that cannot be parsed."""


# ------------------------------------------------------------------ filters


@dataclass(frozen=True)
class ReviewFilter:
    """What the trainer asked the conversation list to show.

    Attributes:
        start: First local day a conversation may start on.
        end: Last local day a conversation may start on.
        outcome: One of ``OUTCOME_CHOICES`` (``none``: no outcome and no hand-off).
        flags: Every flag a conversation must have (keys of ``transcript.FLAGS``).
        reviewed: Only reviewed (True) or unreviewed (False) ones.
        tag: A tag the conversation must carry.
        page: 1-based page number.
    """

    start: dt.date | None = None
    end: dt.date | None = None
    outcome: str | None = None
    flags: frozenset[str] = frozenset()
    reviewed: bool | None = None
    tag: str | None = None
    page: int = 1

    @classmethod
    def from_query(cls, query: Any) -> ReviewFilter:
        """Parse the list page's query string (a ``MultiDict`` or a plain mapping).

        Raises:
            FilterError: A date, outcome, flag, reviewed value or page is invalid.
        """
        flags = query.getall("flag", []) if hasattr(query, "getall") else query.get("flag", [])
        flags = [flags] if isinstance(flags, str) else list(flags)
        unknown = [f for f in flags if f not in FLAGS]
        if unknown:
            raise FilterError(f"未知标记：{', '.join(unknown)}")
        outcome = (query.get("outcome") or "").strip() or None
        if outcome is not None and outcome not in OUTCOME_CHOICES:
            raise FilterError(f"未知结果：{outcome}")
        reviewed = {"": None, "yes": True, "no": False}.get((query.get("reviewed") or "").strip())
        if reviewed is None and (query.get("reviewed") or "").strip():
            raise FilterError("reviewed 只能是 yes 或 no")
        page = (query.get("page") or "1").strip()
        if not page.isdigit() or int(page) < 1:
            raise FilterError("页码无效")
        tags = normalize_tags(query.get("tag") or "")
        start, end = _date(query.get("start")), _date(query.get("end"))
        if start and end and start > end:
            raise FilterError("开始日期晚于结束日期")
        return cls(
            start=start,
            end=end,
            outcome=outcome,
            flags=frozenset(flags),
            reviewed=reviewed,
            tag=tags[0] if tags else None,
            page=int(page),
        )

    def query(self, **changes: Any) -> str:
        """Return this filter as a query string, with some fields changed (for links)."""
        current = replace(self, **changes)
        pairs: list[tuple[str, str]] = []
        if current.start:
            pairs.append(("start", current.start.isoformat()))
        if current.end:
            pairs.append(("end", current.end.isoformat()))
        if current.outcome:
            pairs.append(("outcome", current.outcome))
        pairs.extend(("flag", flag) for flag in sorted(current.flags))
        if current.reviewed is not None:
            pairs.append(("reviewed", "yes" if current.reviewed else "no"))
        if current.tag:
            pairs.append(("tag", current.tag))
        if current.page != 1:
            pairs.append(("page", str(current.page)))
        return urlencode(pairs)


def _date(value: str | None) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise FilterError(f"日期格式应为 YYYY-MM-DD：{value}") from None


def normalize_tags(raw: str | Iterable[str]) -> list[str]:
    """Split, lower-case and deduplicate tags; drop the ones with odd characters.

    Args:
        raw: ``"wrong-intent, 好例子"`` or a list of tags.

    Returns:
        At most ``MAX_TAGS`` tags of letters, digits, ``_``, ``-`` or Chinese characters.
    """
    parts = _TAG_SPLIT.split(raw) if isinstance(raw, str) else list(raw)
    tags: list[str] = []
    for part in parts:
        tag = part.strip().lower()[:TAG_LENGTH]
        if tag and _TAG_OK.match(tag) and tag not in tags:
            tags.append(tag)
    return tags[:MAX_TAGS]


def day_bounds(start: dt.date | None, end: dt.date | None, zone: ZoneInfo) -> tuple[Any, Any]:
    """Return Unix seconds of local midnight at ``start`` and after ``end`` (or ``None``)."""

    def midnight(day: dt.date) -> float:
        return dt.datetime.combine(day, dt.time(), tzinfo=zone).timestamp()

    return (
        midnight(start) if start else None,
        midnight(end + dt.timedelta(days=1)) if end else None,
    )


# ------------------------------------------------------------------ facts from our tables


@dataclass
class Facts:
    """Outcome-table facts about a set of conversations."""

    outcomes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    flags: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    reviewed: set[str] = field(default_factory=set)
    tags: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def _chunks(values: Sequence[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), IN_CHUNK):
        yield list(values[start : start + IN_CHUNK])


def load_facts(session: Session, conversation_ids: Sequence[str]) -> Facts:
    """Read outcomes, hand-offs, blocked messages, locks, reviews and tags of conversations."""
    facts = Facts()
    for ids in _chunks(conversation_ids):
        rows = session.execute(
            select(ConversationOutcome.conversation_id, ConversationOutcome.outcome).where(
                ConversationOutcome.conversation_id.in_(ids)
            )
        )
        for cid, outcome in rows:
            value = Outcome(outcome).value
            facts.outcomes[cid].add(value)
            if value == Outcome.DISTRESS.value:
                facts.flags[cid].add("distress")
        for cid, reason in session.execute(
            select(Handoff.conversation_id, Handoff.reason).where(Handoff.conversation_id.in_(ids))
        ):
            facts.outcomes[cid].add(Outcome.HANDOFF.value)
            facts.flags[cid].add("handoff")
            if HandoffReason(reason) is HandoffReason.DISTRESS:
                facts.flags[cid].add("distress")
        for (cid,) in session.execute(
            select(ComplianceEvent.conversation_id).where(ComplianceEvent.conversation_id.in_(ids))
        ):
            facts.flags[cid].add("blocked")
        for (cid,) in session.execute(
            select(VerificationLock.conversation_id).where(
                VerificationLock.conversation_id.in_(ids)
            )
        ):
            facts.flags[cid].add("lockout")
        for (cid,) in session.execute(
            select(ConversationReview.conversation_id).where(
                ConversationReview.conversation_id.in_(ids), ConversationReview.reviewed.is_(True)
            )
        ):
            facts.reviewed.add(cid)
        for cid, tag in session.execute(
            select(ConversationTag.conversation_id, ConversationTag.tag)
            .where(ConversationTag.conversation_id.in_(ids))
            .order_by(ConversationTag.tag)
        ):
            facts.tags[cid].append(tag)
    return facts


# ------------------------------------------------------------------ the list


@dataclass(frozen=True)
class ConversationRow:
    """One line of the review list."""

    conversation_id: str
    started_at: dt.datetime
    last_at: dt.datetime
    user_turns: int
    outcomes: tuple[str, ...]
    flags: tuple[str, ...]
    reviewed: bool
    tags: tuple[str, ...]


@dataclass(frozen=True)
class ConversationPage:
    """A page of the review list."""

    rows: list[ConversationRow]
    total: int
    page: int
    pages: int


def _matches_db(cid: str, facts: Facts, flt: ReviewFilter) -> bool:
    outcomes = facts.outcomes.get(cid, set())
    if flt.outcome == NO_OUTCOME and outcomes:
        return False
    if flt.outcome and flt.outcome != NO_OUTCOME and flt.outcome not in outcomes:
        return False
    if flt.reviewed is not None and (cid in facts.reviewed) != flt.reviewed:
        return False
    return not (flt.tag and flt.tag not in facts.tags.get(cid, []))


def list_conversations(
    reader: TrackerReader,
    session: Session,
    flt: ReviewFilter,
    *,
    low_confidence: float,
    zone: ZoneInfo,
    page_size: int = PAGE_SIZE,
) -> ConversationPage:
    """Return one page of conversations matching the filter, most recent activity first.

    Database criteria (outcome, reviewed, tag) are applied first; the tracker events are read
    only for the page shown, or for every candidate when flags are filtered on.
    """
    since, until = day_bounds(flt.start, flt.end, zone)
    spans = reader.spans(since, until)
    facts = load_facts(session, [span.sender_id for span in spans])
    candidates = [span for span in spans if _matches_db(span.sender_id, facts, flt)]
    if flt.flags:
        events = reader.events_of([span.sender_id for span in candidates])
        summaries = {cid: event_flags(evs, low_confidence) for cid, evs in events.items()}
        candidates = [
            span
            for span in candidates
            if flt.flags
            <= (summaries[span.sender_id].flags | facts.flags.get(span.sender_id, set()))
        ]
    total = len(candidates)
    pages = max(1, math.ceil(total / page_size))
    shown = candidates[(flt.page - 1) * page_size : flt.page * page_size]
    if not flt.flags:
        events = reader.events_of([span.sender_id for span in shown])
        summaries = {cid: event_flags(evs, low_confidence) for cid, evs in events.items()}
    rows = []
    for span in shown:
        cid = span.sender_id
        summary = summaries[cid]
        flags = summary.flags | facts.flags.get(cid, set())
        rows.append(
            ConversationRow(
                conversation_id=cid,
                started_at=utc(span.first),
                last_at=utc(span.last),
                user_turns=summary.user_turns,
                outcomes=tuple(sorted(facts.outcomes.get(cid, set()))),
                flags=tuple(flag for flag in FLAGS if flag in flags),
                reviewed=cid in facts.reviewed,
                tags=tuple(facts.tags.get(cid, [])),
            )
        )
    return ConversationPage(rows, total, flt.page, pages)


# ------------------------------------------------------------------ one conversation


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


def _author_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(wanted)))
    return dict(rows.all())


def annotations(session: Session, conversation_id: str | None = None) -> list[AnnotationView]:
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
    outcomes = [
        {"outcome": row.outcome.value, "detail": mask_text(row.detail or ""), "at": row.at}
        for row in session.scalars(
            select(ConversationOutcome)
            .where(ConversationOutcome.conversation_id == cid)
            .order_by(ConversationOutcome.at)
        )
    ]
    handoffs = [
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
    blocked = [
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
    locks = [
        {"until": row.locked_until, "reason": row.reason, "at": row.created_at}
        for row in session.scalars(
            select(VerificationLock).where(VerificationLock.conversation_id == cid)
        )
    ]
    flags = event_flags(events, low_confidence).flags | facts.flags.get(cid, set())
    return ConversationDetail(
        transcript=build_transcript(cid, events, low_confidence),
        events=events,
        outcomes=outcomes,
        handoffs=handoffs,
        blocked=blocked,
        locks=locks,
        flags=tuple(flag for flag in FLAGS if flag in flags),
        review=review_state(session, cid),
        annotations={a.event_id: a for a in annotations(session, cid)},
    )


# ------------------------------------------------------------------ changes


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
    row = session.scalars(
        select(TurnAnnotation).where(
            TurnAnnotation.conversation_id == conversation_id, TurnAnnotation.event_id == event_id
        )
    ).first()
    if row is None:
        row = TurnAnnotation(conversation_id=conversation_id, event_id=event_id)
        session.add(row)
    row.text = turn.text
    row.predicted_intent = turn.intent or None
    row.intent = intent
    row.entities = [entity.as_dict() for entity in resolved]
    row.note = mask_text(note.strip())[:MAX_NOTE] or None
    row.author_id = author_id
    session.flush()
    logger.info("annotation of %s event %s saved", conversation_id, event_id)
    return next(a for a in annotations(session, conversation_id) if a.event_id == event_id)


def delete_annotation(session: Session, conversation_id: str, event_id: int) -> bool:
    """Remove an annotation; return whether there was one."""
    result = session.execute(
        delete(TurnAnnotation).where(
            TurnAnnotation.conversation_id == conversation_id, TurnAnnotation.event_id == event_id
        )
    )
    return bool(result.rowcount)


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
    row = session.scalars(
        select(ConversationReview).where(ConversationReview.conversation_id == conversation_id)
    ).first()
    if row is None:
        row = ConversationReview(conversation_id=conversation_id, reviewed=False)
        session.add(row)
    if reviewed is not None and reviewed != row.reviewed:
        row.reviewed = reviewed
        row.reviewed_by_id = user_id if reviewed else None
        row.reviewed_at = utcnow() if reviewed else None
    if note is not None:
        row.note = mask_text(note.strip())[:MAX_NOTE] or None
    if tags is not None:
        wanted = normalize_tags(tags)
        existing = {
            tag.tag: tag
            for tag in session.scalars(
                select(ConversationTag).where(ConversationTag.conversation_id == conversation_id)
            )
        }
        for tag, tag_row in existing.items():
            if tag not in wanted:
                session.delete(tag_row)
        for tag in wanted:
            if tag not in existing:
                session.add(ConversationTag(conversation_id=conversation_id, tag=tag))
    session.flush()
    return review_state(session, conversation_id)


def all_tags(session: Session) -> list[str]:
    """Return every tag in use, sorted (for the filter's suggestions)."""
    return list(
        session.scalars(select(ConversationTag.tag).distinct().order_by(ConversationTag.tag))
    )
