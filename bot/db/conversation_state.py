"""Who a conversation has verified as, held on the server (compliance rule ``right-party``).

The verification step is the only writer (:func:`remember_verified`); debt handlers read the
verified customer and account through :func:`verified_party` and ignore whatever a tracker's
slots claim, so a forged or replayed tracker discloses nothing. A verification lapses after
``idle`` without a turn, and a new session forgets it (:func:`forget_verification`).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.db.models import ConversationVerification

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class VerifiedParty:
    """The customer and account a conversation verified as."""

    customer_id: int
    account_id: int | None


def remember_verified(
    session: Session,
    conversation_id: str,
    customer_id: int,
    account_id: int | None,
    now: dt.datetime,
) -> None:
    """Record that ``conversation_id`` verified as ``customer_id`` (replacing any earlier row).

    Args:
        session: Open session; the caller commits.
        conversation_id: Conversation (Rasa sender id).
        customer_id: The verified customer.
        account_id: The account to discuss, if any.
        now: Time of verification, timezone-aware.
    """
    row = session.scalars(
        select(ConversationVerification).where(
            ConversationVerification.conversation_id == conversation_id
        )
    ).first()
    if row is None:
        row = ConversationVerification(conversation_id=conversation_id)
        session.add(row)
    row.customer_id = customer_id
    row.account_id = account_id
    row.verified_at = now
    row.last_active_at = now
    session.flush()


def verified_party(
    session: Session, conversation_id: str, now: dt.datetime, idle: dt.timedelta
) -> VerifiedParty | None:
    """Return who the conversation verified as, if that is still valid, and mark it active.

    Args:
        session: Open session; the caller commits.
        conversation_id: Conversation (Rasa sender id).
        now: Current time, timezone-aware.
        idle: How long a verification lasts without a turn.

    Returns:
        The verified party, or ``None`` (never verified, forgotten, or idle too long: an expired
        row is removed).
    """
    row = session.scalars(
        select(ConversationVerification).where(
            ConversationVerification.conversation_id == conversation_id
        )
    ).first()
    if row is None:
        return None
    if now - row.last_active_at > idle:
        logger.info("verification of conversation %s lapsed after idle time", conversation_id)
        session.delete(row)
        session.flush()
        return None
    row.last_active_at = now
    return VerifiedParty(row.customer_id, row.account_id)


def forget_verification(session: Session, conversation_id: str) -> None:
    """Forget a conversation's verification (a new session verifies again)."""
    session.execute(
        delete(ConversationVerification).where(
            ConversationVerification.conversation_id == conversation_id
        )
    )
