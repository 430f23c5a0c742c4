"""The hand-off queue as the desk shows it: one row per conversation, most pressing first.

Order: distress (urgent) first, then disputes and complaints, then the rest; oldest first
within a rank. Accounts appear masked (name's first character, card tail, masked mobile).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.masking import mask_name, mask_phone
from bot.db.models import Account, Customer, Handoff, HandoffReason, HandoffStatus, Urgency
from bot.db.repositories import HandoffRepository
from bot.db.web_models import StaffUser

logger = logging.getLogger(__name__)

URGENT, PRESSING, NORMAL = 0, 1, 2
PRESSING_REASONS = frozenset({HandoffReason.DISPUTE.value, HandoffReason.COMPLAINT.value})
REASON_LABELS: dict[str, str] = {
    "request": "要求人工",
    "distress": "情绪危机",
    "dispute": "异议",
    "complaint": "投诉",
    "fallback": "多次未理解",
    "lockout": "核身锁定",
    "fee_waiver": "减免申请",
    "hardship": "经济困难",
    "compliance": "合规拦截",
}


def rank(reason: str, urgency: str) -> int:
    """Rank a hand-off: 0 urgent (distress), 1 dispute or complaint, 2 the rest."""
    if urgency == Urgency.URGENT.value or reason == HandoffReason.DISTRESS.value:
        return URGENT
    if reason in PRESSING_REASONS:
        return PRESSING
    return NORMAL


@dataclass(frozen=True)
class QueueItem:
    """One waiting or assigned conversation."""

    handoff_id: int
    conversation_id: str
    reason: str
    urgency: str
    rank: int
    status: str
    created_at: dt.datetime
    account: str | None
    claimed_by: str | None

    @property
    def urgent(self) -> bool:
        """Distress: shown first, with the visible and audible alert."""
        return self.rank == URGENT

    def public(self, now: dt.datetime) -> dict[str, Any]:
        """Return the JSON-ready view (``waiting_seconds`` measured at ``now``)."""
        return {
            "id": self.handoff_id,
            "conversation_id": self.conversation_id,
            "reason": self.reason,
            "reason_label": REASON_LABELS.get(self.reason, self.reason),
            "urgent": self.urgent,
            "rank": self.rank,
            "status": self.status,
            "created_at": self.created_at.isoformat(),
            "waiting_seconds": max(0, int((now - self.created_at).total_seconds())),
            "account": self.account,
            "claimed_by": self.claimed_by,
        }


def account_label(name: str | None, mobile: str | None, card_last4: str | None) -> str | None:
    """The masked account: ``张* · 尾号6217 · 138****1111`` (``None`` when nothing is known)."""
    parts = []
    if name:
        parts.append(mask_name(name))
    if card_last4:
        parts.append(f"尾号{card_last4}")
    if mobile:
        parts.append(mask_phone(mobile))
    return " · ".join(parts) or None


def _labels(session: Session, handoffs: list[Handoff]) -> dict[int, str | None]:
    ids = {h.id for h in handoffs}
    if not ids:
        return {}
    rows = session.execute(
        select(Handoff.id, Customer.name, Customer.mobile, Account.card_last4)
        .select_from(Handoff)
        .outerjoin(Account, Account.id == Handoff.account_id)
        .outerjoin(Customer, Customer.id == func.coalesce(Handoff.customer_id, Account.customer_id))
        .where(Handoff.id.in_(ids))
    )
    return {row.id: account_label(row.name, row.mobile, row.card_last4) for row in rows}


def _staff_names(session: Session, handoffs: list[Handoff]) -> dict[int, str]:
    ids = {h.claimed_by_id for h in handoffs if h.claimed_by_id is not None}
    if not ids:
        return {}
    rows = session.execute(select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(ids)))
    return {row.id: row.name for row in rows}


def desk_queue(session: Session) -> list[QueueItem]:
    """Return the open and assigned hand-offs, one per conversation, most pressing first.

    A conversation with several hand-offs (a request, then distress) shows once, under its
    most pressing one.
    """
    handoffs = HandoffRepository(session).open_queue()
    labels = _labels(session, handoffs)
    names = _staff_names(session, handoffs)
    items: dict[str, QueueItem] = {}
    for handoff in handoffs:  # already most pressing first
        if handoff.conversation_id in items:
            continue
        status = HandoffStatus(handoff.status).value
        items[handoff.conversation_id] = QueueItem(
            handoff_id=handoff.id,
            conversation_id=handoff.conversation_id,
            reason=HandoffReason(handoff.reason).value,
            urgency=Urgency(handoff.urgency).value,
            rank=rank(HandoffReason(handoff.reason).value, Urgency(handoff.urgency).value),
            status=status,
            created_at=handoff.created_at,
            account=labels.get(handoff.id),
            claimed_by=names.get(handoff.claimed_by_id) if handoff.claimed_by_id else None,
        )
    return sorted(items.values(), key=lambda item: (item.rank, item.handoff_id))


def fingerprint(items: list[QueueItem]) -> tuple[tuple[int, str, str | None], ...]:
    """What changes when the queue changes (waiting times aside)."""
    return tuple((item.handoff_id, item.status, item.claimed_by) for item in items)
