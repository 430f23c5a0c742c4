"""Read queries of the formal notices for the staff pages (a read model: nothing is written).

The lists carry no personal data but the masked name (:func:`bot.db.masking.mask_name`); the
document itself (``html``, ``pdf``) is the legal notice and carries the cardholder's full name.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.masking import mask_name
from bot.db.models import Account, ConversationVerification, Customer, Notice, VerificationAttempt

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NoticeSummary:
    """One notice in a list: who (masked), which account and version, from which template."""

    id: int
    reference: str
    version: int
    account_id: int
    card_last4: str
    name_masked: str
    script_id: str
    script_version: int
    issued_at: dt.datetime
    issued_by: str
    sha256: str


@dataclass(frozen=True)
class NoticeDocument:
    """A notice and its document as issued (the page shows ``html``; ``pdf`` is the download)."""

    summary: NoticeSummary
    html: str
    pdf: bytes


_SUMMARY_COLUMNS = (
    Notice.id,
    Notice.reference,
    Notice.version,
    Notice.account_id,
    Account.card_last4,
    Customer.name,
    Notice.script_id,
    Notice.script_version,
    Notice.issued_at,
    Notice.issued_by,
    Notice.sha256,
)


def _joined(*columns: Any) -> Any:
    return (
        select(*_SUMMARY_COLUMNS, *columns)
        .join(Account, Notice.account_id == Account.id)
        .join(Customer, Account.customer_id == Customer.id)
    )


def _summary(row: Any) -> NoticeSummary:
    return NoticeSummary(
        id=row.id,
        reference=row.reference,
        version=row.version,
        account_id=row.account_id,
        card_last4=row.card_last4,
        name_masked=mask_name(row.name),
        script_id=row.script_id,
        script_version=row.script_version,
        issued_at=row.issued_at,
        issued_by=row.issued_by,
        sha256=row.sha256,
    )


def notice_document(session: Session, notice_id: int) -> NoticeDocument | None:
    """Return one notice with its document, or ``None``."""
    row = session.execute(_joined(Notice.html, Notice.pdf).where(Notice.id == notice_id)).first()
    if row is None:
        return None
    return NoticeDocument(_summary(row), str(row.html), bytes(row.pdf))


def verified_customers(session: Session, conversation_id: str) -> set[int]:
    """The customers a conversation verified as (successful attempts, or the verification held)."""
    attempts = select(VerificationAttempt.customer_id).where(
        VerificationAttempt.conversation_id == conversation_id,
        VerificationAttempt.success.is_(True),
        VerificationAttempt.customer_id.is_not(None),
    )
    held = select(ConversationVerification.customer_id).where(
        ConversationVerification.conversation_id == conversation_id
    )
    return set(session.scalars(attempts)) | set(session.scalars(held))


def conversation_notices(session: Session, conversation_id: str) -> list[NoticeSummary]:
    """The notices of the accounts of the customers the conversation verified as."""
    customers = verified_customers(session, conversation_id)
    if not customers:
        return []
    statement = (
        _joined()
        .where(Customer.id.in_(sorted(customers)))
        .order_by(Notice.account_id, Notice.version)
    )
    return [_summary(row) for row in session.execute(statement)]
