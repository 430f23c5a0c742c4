"""Read queries of the trainer's conversation list: tracker spans joined with our tables.

A read model for the list page (nothing is written): the conversations come from Rasa's
tracker store, their outcomes, hand-offs, blocked messages, locks, reviews and tags from ours.
Functions take a :class:`TrackerReader` and a session owned by the caller. The page of one
conversation is read by :mod:`bot.web.review_detail`.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import (
    ComplianceEvent,
    ConversationOutcome,
    Handoff,
    HandoffReason,
    Outcome,
    VerificationLock,
)
from bot.db.web_models import ConversationReview, ConversationTag
from bot.web.review_filters import NO_OUTCOME, ReviewFilter, day_bounds
from bot.web.tracker import TrackerReader
from bot.web.transcript import FLAGS, event_flags, utc

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
IN_CHUNK = 500


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


def all_tags(session: Session) -> list[str]:
    """Return every tag in use, sorted (for the filter's suggestions)."""
    return list(
        session.scalars(select(ConversationTag.tag).distinct().order_by(ConversationTag.tag))
    )
