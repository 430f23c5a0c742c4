"""Claim, hand back and close: the desk's writes, each one unit of work through the repositories.

A claim is one conditional update (:meth:`HandoffRepository.claim`): of two agents claiming the
same hand-off at once, one wins and the other gets :class:`AlreadyClaimedError`. Closing with an
outcome records it in ``conversation_outcomes`` through :class:`OutcomeRepository`, as the bot
records its own.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.db.models import Handoff, HandoffOutcome, HandoffStatus, Outcome
from bot.db.repositories import HandoffRepository, OutcomeRepository

logger = logging.getLogger(__name__)

#: What a desk outcome is recorded as among the conversation's outcomes. A referral (to
#: another team: legal, hardship, complaints) is a hand-off in the outcome vocabulary.
RECORDED_OUTCOME: dict[HandoffOutcome, Outcome] = {
    HandoffOutcome.PLAN: Outcome.PLAN,
    HandoffOutcome.PROMISE: Outcome.PROMISE,
    HandoffOutcome.DISPUTE: Outcome.DISPUTE,
    HandoffOutcome.REFERRAL: Outcome.HANDOFF,
}
CLOSING_OUTCOMES = frozenset(RECORDED_OUTCOME)


class HandoffNotFoundError(LookupError):
    """No such hand-off."""


class AlreadyClaimedError(RuntimeError):
    """The hand-off is not open any more (another agent claimed it, or it is closed)."""


class NotHolderError(RuntimeError):
    """The user does not hold this hand-off (not claimed, claimed by another, or closed)."""


@dataclass(frozen=True)
class Held:
    """A hand-off and who holds it."""

    handoff_id: int
    conversation_id: str
    status: str
    claimed_by_id: int | None
    account_id: int | None


def held(session: Session, handoff_id: int) -> Held:
    """Return a hand-off's state.

    Raises:
        HandoffNotFoundError: No such hand-off.
    """
    handoff = HandoffRepository(session).get(handoff_id)
    if handoff is None:
        raise HandoffNotFoundError(f"hand-off {handoff_id} not found")
    return Held(
        handoff.id,
        handoff.conversation_id,
        HandoffStatus(handoff.status).value,
        handoff.claimed_by_id,
        handoff.account_id,
    )


def require_holder(session: Session, handoff_id: int, staff_id: int) -> Held:
    """Return the hand-off when ``staff_id`` holds it.

    Raises:
        HandoffNotFoundError: No such hand-off.
        NotHolderError: Someone else holds it, or nobody does.
    """
    state = held(session, handoff_id)
    if state.status != HandoffStatus.ASSIGNED.value or state.claimed_by_id != staff_id:
        raise NotHolderError(f"hand-off {handoff_id} is not held by this user")
    return state


def claim(session: Session, handoff_id: int, staff_id: int, now: dt.datetime) -> Held:
    """Claim a hand-off (and the conversation's other open ones) for ``staff_id``.

    Raises:
        HandoffNotFoundError: No such hand-off.
        AlreadyClaimedError: It is not open.
    """
    repo = HandoffRepository(session)
    if not repo.claim(handoff_id, staff_id, now):
        held(session, handoff_id)  # raises when missing
        raise AlreadyClaimedError(f"hand-off {handoff_id} is not open")
    state = held(session, handoff_id)
    repo.claim_siblings(state.conversation_id, staff_id, now)
    logger.info("hand-off %s claimed by staff user %s", handoff_id, staff_id)
    return state


def release(session: Session, handoff_id: int, staff_id: int, now: dt.datetime) -> Held:
    """Undo a claim whose takeover failed (Rasa unreachable): the hand-off is open again."""
    state = require_holder(session, handoff_id, staff_id)
    repo = HandoffRepository(session)
    for handoff in repo.for_conversation(state.conversation_id):
        if handoff.status == HandoffStatus.ASSIGNED and handoff.claimed_by_id == staff_id:
            handoff.status = HandoffStatus.OPEN
            handoff.claimed_by_id = None
            handoff.claimed_at = None
            handoff.updated_at = now
    session.flush()
    return state


def finish(
    session: Session,
    handoff_id: int,
    staff_id: int,
    outcome: HandoffOutcome,
    now: dt.datetime,
    account_id: int | None = None,
    agent: str = "",
) -> Held:
    """Hand back or close: close the hand-offs the agent holds in the conversation.

    An outcome other than ``handback`` is recorded among the conversation's outcomes.

    Raises:
        HandoffNotFoundError: No such hand-off.
        NotHolderError: The user does not hold it.
    """
    state = require_holder(session, handoff_id, staff_id)
    if not HandoffRepository(session).finish(state.conversation_id, staff_id, outcome, now):
        raise NotHolderError(f"hand-off {handoff_id} is not held by this user")
    if outcome in RECORDED_OUTCOME:
        OutcomeRepository(session).add(
            conversation_id=state.conversation_id,
            outcome=RECORDED_OUTCOME[outcome],
            account_id=account_id if account_id is not None else state.account_id,
            detail=f"desk: {outcome.value} by {agent}" if agent else f"desk: {outcome.value}",
            at=now,
        )
    logger.info("hand-off %s finished (%s) by staff user %s", handoff_id, outcome.value, staff_id)
    return state


def under_takeover(
    session: Session, conversation_id: str, now: dt.datetime, grace: dt.timedelta
) -> bool:
    """Whether an agent holds the conversation, or let it go less than ``grace`` ago.

    The borrower's page follows the tracker only then (the grace lets it show the hand-back
    notice appended just before the hand-off closed).
    """
    found = session.scalars(
        select(Handoff.id).where(
            Handoff.conversation_id == conversation_id,
            or_(
                Handoff.status == HandoffStatus.ASSIGNED,
                Handoff.closed_at >= now - grace,
            ),
        )
    ).first()
    return found is not None
