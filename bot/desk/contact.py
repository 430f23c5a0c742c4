"""What an agent may say in a conversation: the contact rules apply to agents too.

The verified party is read from our database (``conversation_verifications``, written only by
the verification step), never from the tracker's slots, as the bot's own handlers do. Wrong
person, stop-contact and distress come from the borrower's recognised intents in the tracker
(``wrong_person``, ``stop_contact``, ``express_distress``) and from recorded contact
preferences.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import ContactPreference, ConversationVerification
from bot.intent_names import EXPRESS_DISTRESS

logger = logging.getLogger(__name__)

WRONG_PERSON = "wrong_person"
STOP_CONTACT = "stop_contact"


@dataclass(frozen=True)
class ContactState:
    """The facts the desk shows beside the conversation and the guard uses."""

    verified: bool
    account_id: int | None
    wrong_person: bool
    stop_contact: bool
    distress: bool

    @property
    def may_disclose(self) -> bool:
        """Debt facts only to a verified borrower who did not say it is the wrong person."""
        return self.verified and not self.wrong_person

    def notes(self) -> list[str]:
        """What the agent must keep in mind, in the desk's words."""
        notes = []
        if self.distress:
            notes.append("客户表达了轻生或极端情绪：先安抚，提供心理援助热线 12356，停止催收。")
        if self.wrong_person:
            notes.append("对方表示不是本人：不得透露任何欠款信息，只可请其转告联系方式。")
        if self.stop_contact:
            notes.append("客户要求停止联系：不得继续催收，只可回应其本次问题。")
        if not self.verified:
            notes.append("客户尚未核身：请先请客户提供手机号和身份证后四位，不得透露欠款信息。")
        return notes

    def public(self) -> dict[str, Any]:
        """Return the JSON-ready view."""
        return {
            "verified": self.verified,
            "may_disclose": self.may_disclose,
            "wrong_person": self.wrong_person,
            "stop_contact": self.stop_contact,
            "distress": self.distress,
            "notes": self.notes(),
        }


def verified_account(
    session: Session, conversation_id: str, now: dt.datetime, idle: dt.timedelta
) -> tuple[bool, int | None]:
    """Return whether the conversation's verification is valid, and its account (read only)."""
    row = session.scalars(
        select(ConversationVerification).where(
            ConversationVerification.conversation_id == conversation_id
        )
    ).first()
    if row is None or now - row.last_active_at > idle:
        return False, None
    return True, row.account_id


def stopped(session: Session, conversation_id: str) -> bool:
    """Tell whether a stop-contact request was recorded in this conversation."""
    return (
        session.scalars(
            select(ContactPreference.id).where(
                ContactPreference.conversation_id == conversation_id,
                ContactPreference.stop_contact.is_(True),
            )
        ).first()
        is not None
    )


def contact_state(
    session: Session,
    conversation_id: str,
    intents: Iterable[str],
    now: dt.datetime,
    idle: dt.timedelta,
) -> ContactState:
    """Combine the server-held verification, the recorded preferences and the borrower's intents.

    Args:
        session: Open session (nothing is written).
        conversation_id: The conversation (Rasa sender id).
        intents: The borrower's recognised intents in the conversation, oldest first.
        now: Current time, aware.
        idle: The policy's verification idle window.
    """
    seen = set(intents)
    verified, account_id = verified_account(session, conversation_id, now, idle)
    return ContactState(
        verified=verified,
        account_id=account_id if verified else None,
        wrong_person=WRONG_PERSON in seen,
        stop_contact=STOP_CONTACT in seen or stopped(session, conversation_id),
        distress=EXPRESS_DISTRESS in seen,
    )
