"""What the assistant itself would answer: the dialogue handlers run read-only.

:class:`PreviewStore` gives the handlers the selected account's ledger and records nothing, so
a preview never writes a plan, a promise or an outcome.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from bot.assist.parsing import Parsed
from bot.dialogue.handlers import Context
from bot.dialogue.history import first_entity_values
from bot.dialogue.intents import respond
from bot.dialogue.sql_store import SqlStore
from bot.dialogue.store import AccountView, Promise, Verification
from bot.dialogue.turn import UNVERIFIED, VERIFICATION, VERIFIED, Reply, Turn
from bot.policy import PlanQuote, Policy

logger = logging.getLogger(__name__)

PREVIEW_CONVERSATION = "agent-assist-preview"


class PreviewStore:
    """A read-only :class:`~bot.dialogue.store.Store`: the ledger is read, nothing is written."""

    def __init__(self, session: Session) -> None:
        self._sql = SqlStore(session)

    def account(self, account_id: int) -> AccountView:
        """Load an account's ledger figures."""
        return self._sql.account(account_id)

    def verify(
        self,
        conversation_id: str,
        mobile: str,
        id_last4: str,
        now: dt.datetime,
        client: str | None = None,
    ) -> Verification:
        """Never verifies: the agent verifies the borrower, not the preview."""
        return Verification("mismatch")

    # Every write of the Store protocol is a no-op: a preview records nothing.

    def forget_verification(self, conversation_id: str) -> None:
        """Write nothing."""

    def set_account_status(self, account_id: int, status: str) -> None:
        """Write nothing."""

    def record_plan(
        self, conversation_id: str, account_id: int, quote: PlanQuote, kind: str, status: str
    ) -> None:
        """Write nothing."""

    def record_promise(
        self,
        conversation_id: str,
        account_id: int,
        amount: Decimal,
        due: dt.date,
        *,
        amend_latest: bool = False,
    ) -> None:
        """Write nothing."""

    def latest_promise(self, conversation_id: str, account_id: int) -> Promise | None:
        """No promise: a preview records none, so there is none to correct."""
        return None

    def record_paid_claim(self, conversation_id: str, account_id: int) -> None:
        """Write nothing."""

    def record_dispute(self, conversation_id: str, account_id: int, reason: str) -> None:
        """Write nothing."""

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
        """Write nothing."""

    def record_handoff(
        self,
        conversation_id: str,
        customer_id: int | None,
        account_id: int | None,
        reason: str,
        urgency: str = "normal",
    ) -> None:
        """Write nothing."""

    def record_outcome(
        self, conversation_id: str, outcome: str, account_id: int | None, detail: str = ""
    ) -> None:
        """Write nothing."""

    def record_compliance_event(
        self, conversation_id: str, rule: str, blocked_text: str, script_id: str
    ) -> None:
        """Write nothing."""


def _slots(account: AccountView | None) -> dict[str, Any]:
    if account is None:
        return {VERIFICATION: UNVERIFIED}
    return {
        VERIFICATION: VERIFIED,
        "account_id": account.account_id,
        "customer_id": account.customer_id,
    }


def assistant_replies(
    parsed: Parsed,
    previous: Sequence[Parsed],
    account: AccountView | None,
    session: Session,
    policy: Policy,
    now: dt.datetime,
) -> list[Reply]:
    """Run the dialogue handlers on the messages, nothing written; return the last replies."""
    ctx = Context(store=PreviewStore(session), policy=policy)
    slots = _slots(account)
    replies: list[Reply] = []
    for message in (*previous, parsed):
        turn = Turn(
            conversation_id=PREVIEW_CONVERSATION,
            intent=message.intent,
            text=message.text,
            entities=first_entity_values(message.raw_entities),
            slots=slots,
            channel="agent",
            now=now,
        )
        outcome = respond(turn, ctx)
        slots = {**slots, **outcome.slots}
        replies = outcome.replies
    return replies
