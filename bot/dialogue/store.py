"""What the dialogue needs from storage, as an interface.

:class:`bot.dialogue.sql_store.SqlStore` implements it on the SQLAlchemy repositories; the
handlers depend only on this protocol.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from bot.policy.figures import AccountFigures
from bot.policy.plans import PlanQuote


@dataclass(frozen=True)
class Verification:
    """Result of checking a mobile number and ID last four."""

    status: str  # "verified" | "mismatch" | "locked"
    customer_id: int | None = None
    account_id: int | None = None


@dataclass(frozen=True)
class AccountView:
    """The ledger of one account as the dialogue may state it (after verification)."""

    account_id: int
    customer_id: int
    card_last4: str
    status: str
    figures: AccountFigures


@dataclass(frozen=True)
class Promise:
    """A recorded promise to pay, as the dialogue reads it back."""

    amount: Decimal
    due: dt.date


class Store(Protocol):
    """Storage operations of a conversation; implementations never commit on their own."""

    def verify(
        self,
        conversation_id: str,
        mobile: str,
        id_last4: str,
        now: dt.datetime,
        client: str | None = None,
    ) -> Verification:
        """Check identity, record the attempt, lock after too many failures."""

    def forget_verification(self, conversation_id: str) -> None:
        """Forget who the conversation verified as (a new session verifies again)."""

    def account(self, account_id: int) -> AccountView:
        """Load an account's ledger figures."""

    def set_account_status(self, account_id: int, status: str) -> None:
        """Mark an account active / disputed / paused / settled."""

    def record_plan(
        self, conversation_id: str, account_id: int, quote: PlanQuote, kind: str, status: str
    ) -> None:
        """Store a repayment plan the borrower accepted (or applied for)."""

    def record_promise(
        self,
        conversation_id: str,
        account_id: int,
        amount: Decimal,
        due: dt.date,
        *,
        amend_latest: bool = False,
    ) -> None:
        """Store a promise to pay (once), or correct the conversation's latest one."""

    def latest_promise(self, conversation_id: str, account_id: int) -> Promise | None:
        """The conversation's latest open promise for the account, if any."""

    def record_paid_claim(self, conversation_id: str, account_id: int) -> None:
        """Store an "I already paid" claim for checking."""

    def record_dispute(self, conversation_id: str, account_id: int, reason: str) -> None:
        """Store a dispute of the debt."""

    def record_contact_preference(
        self,
        conversation_id: str,
        customer_id: int | None,
        mobile: str | None,
        channel: str,
        *,
        stop_contact: bool = False,
        wrong_number: bool = False,
    ) -> None:
        """Store a stop-contact request or a wrong-number report."""

    def record_handoff(
        self,
        conversation_id: str,
        customer_id: int | None,
        account_id: int | None,
        reason: str,
        urgency: str = "normal",
    ) -> None:
        """Ask a human to take over."""

    def record_outcome(
        self, conversation_id: str, outcome: str, account_id: int | None, detail: str = ""
    ) -> None:
        """Store what the conversation achieved."""

    def record_compliance_event(
        self, conversation_id: str, rule: str, blocked_text: str, script_id: str
    ) -> None:
        """Store a message the compliance guard blocked."""
