"""The accounts an agent can select in agent assist (read only, names masked)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.masking import mask_name
from bot.db.models import Account, Customer
from bot.dialogue.sql_store import SqlStore
from bot.dialogue.store import AccountView

logger = logging.getLogger(__name__)


class UnknownAccountError(LookupError):
    """The selected account does not exist."""


@dataclass(frozen=True)
class AccountChoice:
    """An account the agent can select (the name is shown masked)."""

    id: int
    label: str


def account_choices(session: Session) -> list[AccountChoice]:
    """Return every account as a masked label, most days past due first."""
    rows = session.execute(
        select(Account.id, Account.card_last4, Account.days_past_due, Customer.name)
        .join(Customer, Customer.id == Account.customer_id)
        .order_by(Account.days_past_due.desc(), Account.id)
    )
    return [
        AccountChoice(
            row.id, f"{mask_name(row.name)} · 尾号{row.card_last4} · 逾期{row.days_past_due}天"
        )
        for row in rows
    ]


def load_account(session: Session, account_id: int | None) -> AccountView | None:
    """Return the ledger view of the selected account (``None``: no account selected).

    Raises:
        UnknownAccountError: ``account_id`` names no account.
    """
    if account_id is None:
        return None
    try:
        return SqlStore(session).account(account_id)
    except LookupError:
        raise UnknownAccountError(f"account {account_id} does not exist") from None
