"""The dialogue's :class:`~bot.dialogue.store.Store` on our SQLAlchemy repositories."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.db.conversation_state import forget_verification
from bot.db.masking import mask_text
from bot.db.models import PlanKind, PlanStatus
from bot.db.repositories import NotFoundError, Repositories
from bot.db.verification import client_key, verify_identity
from bot.dialogue.store import AccountView, Promise, Verification
from bot.policy.config import VerificationPolicy
from bot.policy.figures import AccountFigures
from bot.policy.plans import PlanQuote

# Rasa input channels -> the contact channels we record preferences for.
CHANNELS = {"rest": "chat", "socketio": "chat", "webchat": "chat", "sms": "sms", "twilio": "sms"}


def contact_channel(rasa_channel: str) -> str:
    """Map a Rasa input channel name to a contact channel (chat, sms, phone, email)."""
    return CHANNELS.get(rasa_channel, "chat")


class SqlStore:
    """Storage for one turn; the caller owns (and commits) the session."""

    def __init__(self, session: Session, rules: VerificationPolicy | None = None) -> None:
        self.repos = Repositories(session)
        self.session = session
        self.rules = rules or VerificationPolicy(max_failures=3, lock_hours=24)

    def verify(
        self,
        conversation_id: str,
        mobile: str,
        id_last4: str,
        now: dt.datetime,
        client: str | None = None,
    ) -> Verification:
        """Check identity, record the attempt, lock after too many failures.

        ``client`` is the borrower's network address as the channel saw it; only its keyed
        hash is stored, to limit failures per client across conversations.
        """
        result = verify_identity(
            self.session,
            conversation_id,
            mobile,
            id_last4,
            now,
            max_failures=self.rules.max_failures,
            lock_hours=self.rules.lock_hours,
            client_key=client_key(client) if client else None,
            client_max_failures=self.rules.client_max_failures,
            client_window_hours=self.rules.client_window_hours,
        )
        return Verification(result.status, result.customer_id, result.account_id)

    def forget_verification(self, conversation_id: str) -> None:
        """Forget who the conversation verified as (a new session verifies again)."""
        forget_verification(self.session, conversation_id)

    def account(self, account_id: int) -> AccountView:
        """Load an account's ledger figures."""
        row = self.repos.accounts.get(account_id)
        if row is None:
            raise NotFoundError(f"account {account_id} does not exist")
        figures = AccountFigures(
            total_due=Decimal(row.total_due),
            principal=Decimal(row.principal),
            interest=Decimal(row.interest),
            late_fees=Decimal(row.late_fees),
            minimum_payment=Decimal(row.minimum_payment),
            days_past_due=int(row.days_past_due),
        )
        return AccountView(row.id, row.customer_id, row.card_last4, str(row.status), figures)

    def set_account_status(self, account_id: int, status: str) -> None:
        """Mark an account active / disputed / paused / settled."""
        self.repos.accounts.set_status(account_id, status)

    def record_plan(
        self, conversation_id: str, account_id: int, quote: PlanQuote, kind: str, status: str
    ) -> None:
        """Store a repayment plan as quoted by the calculator (once per conversation)."""
        for plan in self.repos.plans.in_conversation(conversation_id, account_id):
            if (plan.kind, plan.tenor, plan.status) == (
                PlanKind(kind),
                quote.tenor,
                PlanStatus(status),
            ):
                return  # a repeated "好的" does not record the plan twice
        self.repos.plans.add(
            account_id=account_id,
            kind=kind,
            tenor=quote.tenor,
            monthly_amount=quote.monthly_payment,
            total_fees=quote.total_fees,
            total_repaid=quote.total_repaid,
            status=status,
            conversation_id=conversation_id,
        )

    def record_promise(
        self,
        conversation_id: str,
        account_id: int,
        amount: Decimal,
        due: dt.date,
        *,
        amend_latest: bool = False,
    ) -> None:
        """Store a validated promise to pay; the same promise twice is stored once.

        With ``amend_latest`` the conversation's latest open promise is changed instead (the
        borrower corrected its amount or date), so the dashboard counts one promise, not two.
        """
        promises = self.repos.promises.in_conversation(conversation_id, account_id)
        if any(p.amount == amount and p.due_date == due for p in promises):
            return
        if amend_latest and promises:
            self.repos.promises.amend(promises[-1].id, amount=amount, due_date=due)
            return
        self.repos.promises.add(
            account_id=account_id, amount=amount, due_date=due, conversation_id=conversation_id
        )

    def latest_promise(self, conversation_id: str, account_id: int) -> Promise | None:
        """The conversation's latest open promise for the account, if any."""
        promises = self.repos.promises.in_conversation(conversation_id, account_id)
        if not promises:
            return None
        return Promise(Decimal(promises[-1].amount), promises[-1].due_date)

    def record_paid_claim(self, conversation_id: str, account_id: int) -> None:
        """Store an "I already paid" claim for checking."""
        self.repos.payment_claims.add(account_id=account_id, conversation_id=conversation_id)

    def record_dispute(self, conversation_id: str, account_id: int, reason: str) -> None:
        """Store a dispute (reason masked)."""
        self.repos.disputes.add(
            account_id=account_id, reason=mask_text(reason), conversation_id=conversation_id
        )

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
        """Store a stop-contact request or a wrong-number report.

        Without a number from the conversation, a verified customer's number on file is used.
        """
        if mobile is None and customer_id is not None:
            customer = self.repos.customers.get(customer_id)
            mobile = customer.mobile if customer else None
        self.repos.contact_preferences.add(
            mobile=mobile,
            channel=contact_channel(channel),
            stop_contact=stop_contact,
            wrong_number=wrong_number,
            customer_id=customer_id,
            conversation_id=conversation_id,
        )

    def record_handoff(
        self,
        conversation_id: str,
        customer_id: int | None,
        account_id: int | None,
        reason: str,
        urgency: str = "normal",
    ) -> None:
        """Ask a human to take over."""
        self.repos.handoffs.add(
            conversation_id=conversation_id,
            reason=reason,
            urgency=urgency,
            account_id=account_id,
            customer_id=customer_id,
        )

    def record_outcome(
        self, conversation_id: str, outcome: str, account_id: int | None, detail: str = ""
    ) -> None:
        """Store what the conversation achieved."""
        self.repos.outcomes.add(
            conversation_id=conversation_id,
            outcome=outcome,
            account_id=account_id,
            detail=detail or None,
        )

    def record_compliance_event(
        self, conversation_id: str, rule: str, blocked_text: str, script_id: str
    ) -> None:
        """Store a message the guard blocked (text masked by the repository)."""
        self.repos.compliance_events.add(
            rule=rule,
            blocked_text=blocked_text,
            conversation_id=conversation_id,
            script_id=script_id,
        )
