"""Repositories: the only code that writes the assistant's tables (and the dialogue's reads).

Pages read through their own query modules (read models such as ``bot/web/review_queries.py``),
but every write, from the dialogue or the web app, goes through a repository here or in
``bot/db/web_repositories.py``.

Each repository wraps a session owned by the caller and never commits: the caller decides the
unit of work (``with session_scope(factory) as session:``). ``add`` methods flush, so the new
row's ``id`` is available at once. Usage::

    with session_scope(factory) as session:
        repos = Repositories(session)
        customer = repos.customers.find_by_mobile("13800001111")
        accounts = repos.accounts.for_customer(customer.id)
"""

import datetime as dt
import logging
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import case, func, or_, select, text, update
from sqlalchemy.orm import Session, aliased

from bot.db.masking import mask_phone, mask_text
from bot.db.models import (
    Account,
    AccountStatus,
    AttemptStatus,
    Channel,
    ClaimStatus,
    ComplianceEvent,
    ContactAttempt,
    ContactKind,
    ContactPreference,
    ConversationOutcome,
    Customer,
    Dispute,
    DisputeStatus,
    Handoff,
    HandoffOutcome,
    HandoffReason,
    HandoffStatus,
    Outcome,
    Payment,
    PaymentClaim,
    PlanKind,
    PlanStatus,
    PromiseStatus,
    PromiseToPay,
    RepaymentPlan,
    Urgency,
    VerificationAttempt,
    VerificationLock,
)
from bot.db.types import utcnow
from bot.policy.payments import Allocation, allocate

logger = logging.getLogger(__name__)

ModelT = TypeVar("ModelT")
MoneyLike = Decimal | int | str


class NotFoundError(LookupError):
    """A row looked up by id does not exist."""


class _Repository:
    """Shared plumbing: a caller-owned session, flush-on-add, lookups by id."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def _add(self, row: ModelT) -> ModelT:
        self._session.add(row)
        self._session.flush()
        return row

    def _require(self, model: type[ModelT], row_id: int) -> ModelT:
        row = self._session.get(model, row_id)
        if row is None:
            raise NotFoundError(f"{model.__name__} {row_id} not found")
        found: ModelT = row  # SQLAlchemy 1.4 is untyped (Any)
        return found

    def _list(self, statement: Any) -> list[Any]:
        return list(self._session.scalars(statement))


class CustomerRepository(_Repository):
    """Cardholders."""

    def add(
        self,
        *,
        name: str,
        mobile: str,
        id_last4: str,
        locale: str = "zh-CN",
        time_zone: str = "Asia/Shanghai",
    ) -> Customer:
        """Insert a customer.

        Args:
            name: Full name.
            mobile: Mobile number, digits only (unique).
            id_last4: Last four characters of the ID number (``X`` upper case).
            locale: Language for replies.
            time_zone: IANA time zone for quiet hours.

        Returns:
            The new customer.
        """
        customer = Customer(
            name=name,
            mobile=mobile,
            id_last4=id_last4.upper(),
            locale=locale,
            time_zone=time_zone,
        )
        return self._add(customer)

    def get(self, customer_id: int) -> Customer | None:
        """Return the customer with this id, or ``None``."""
        found: Customer | None = self._session.get(Customer, customer_id)
        return found

    def find_by_mobile(self, mobile: str) -> Customer | None:
        """Return the customer with this mobile number, or ``None``."""
        found: Customer | None = self._session.scalars(
            select(Customer).where(Customer.mobile == mobile)
        ).first()
        return found

    def count(self) -> int:
        """Return how many customers exist."""
        found: int = self._session.execute(select(func.count(Customer.id))).scalar_one()
        return found


class AccountRepository(_Repository):
    """Card accounts: the ledger every quoted amount comes from."""

    def add(
        self,
        *,
        customer_id: int,
        card_last4: str,
        principal: MoneyLike,
        interest: MoneyLike,
        late_fees: MoneyLike,
        minimum_payment: MoneyLike,
        days_past_due: int,
        total_due: MoneyLike | None = None,
        status: AccountStatus | str = AccountStatus.ACTIVE,
        statement_due_date: dt.date | None = None,
    ) -> Account:
        """Insert an account.

        Args:
            customer_id: Owner.
            card_last4: Last four digits of the card.
            principal: Principal outstanding.
            interest: Interest outstanding.
            late_fees: Late fees outstanding.
            minimum_payment: Minimum payment due.
            days_past_due: Days past due.
            total_due: Total due; defaults to principal + interest + late fees.
            status: Collection status.
            statement_due_date: The current statement's payment due date, if known.

        Returns:
            The new account.
        """
        if total_due is None:
            total_due = Decimal(principal) + Decimal(interest) + Decimal(late_fees)
        account = Account(
            customer_id=customer_id,
            card_last4=card_last4,
            principal=Decimal(principal),
            interest=Decimal(interest),
            late_fees=Decimal(late_fees),
            total_due=Decimal(total_due),
            minimum_payment=Decimal(minimum_payment),
            days_past_due=days_past_due,
            status=AccountStatus(status),
            statement_due_date=statement_due_date,
        )
        return self._add(account)

    def get(self, account_id: int) -> Account | None:
        """Return the account with this id, or ``None``."""
        found: Account | None = self._session.get(Account, account_id)
        return found

    def for_customer(self, customer_id: int) -> list[Account]:
        """Return a customer's accounts, most days past due first."""
        statement = (
            select(Account)
            .where(Account.customer_id == customer_id)
            .order_by(Account.days_past_due.desc(), Account.id)
        )
        return self._list(statement)

    def set_status(self, account_id: int, status: AccountStatus | str) -> Account:
        """Change an account's collection status (e.g. ``paused`` after a dispute).

        Raises:
            NotFoundError: No such account.
            ValueError: Unknown status.
        """
        account = self._require(Account, account_id)
        account.status = AccountStatus(status)
        self._session.flush()
        logger.info("account %s status set to %s", account_id, account.status.value)
        return account


class RepaymentPlanRepository(_Repository):
    """Installment and hardship plans."""

    def add(
        self,
        *,
        account_id: int,
        kind: PlanKind | str,
        tenor: int,
        monthly_amount: MoneyLike,
        total_fees: MoneyLike,
        total_repaid: MoneyLike,
        status: PlanStatus | str = PlanStatus.PROPOSED,
        conversation_id: str | None = None,
    ) -> RepaymentPlan:
        """Record a plan as computed by the plan calculator.

        Args:
            account_id: Account the plan repays.
            kind: ``installment`` or ``hardship``.
            tenor: Number of monthly periods.
            monthly_amount: Regular monthly payment.
            total_fees: Installment fees over the whole plan.
            total_repaid: Amount financed plus fees.
            status: Initial status (hardship plans start ``pending_approval``).
            conversation_id: Conversation that produced the plan.

        Returns:
            The new plan.
        """
        plan = RepaymentPlan(
            account_id=account_id,
            kind=PlanKind(kind),
            tenor=tenor,
            monthly_amount=Decimal(monthly_amount),
            total_fees=Decimal(total_fees),
            total_repaid=Decimal(total_repaid),
            status=PlanStatus(status),
            conversation_id=conversation_id,
        )
        return self._add(plan)

    def in_conversation(self, conversation_id: str, account_id: int) -> list[RepaymentPlan]:
        """Return the plans one conversation recorded for an account, oldest first."""
        return self._list(
            select(RepaymentPlan)
            .where(
                RepaymentPlan.conversation_id == conversation_id,
                RepaymentPlan.account_id == account_id,
            )
            .order_by(RepaymentPlan.id)
        )

    def get(self, plan_id: int) -> RepaymentPlan | None:
        """Return the plan with this id, or ``None``."""
        found: RepaymentPlan | None = self._session.get(RepaymentPlan, plan_id)
        return found

    def for_account(self, account_id: int) -> list[RepaymentPlan]:
        """Return an account's plans, oldest first."""
        return self._list(
            select(RepaymentPlan)
            .where(RepaymentPlan.account_id == account_id)
            .order_by(RepaymentPlan.id)
        )

    def set_status(self, plan_id: int, status: PlanStatus | str) -> RepaymentPlan:
        """Change a plan's status.

        Raises:
            NotFoundError: No such plan.
            ValueError: Unknown status.
        """
        plan = self._require(RepaymentPlan, plan_id)
        plan.status = PlanStatus(status)
        self._session.flush()
        return plan

    def running(self, account_ids: Sequence[int] | None = None) -> list[RepaymentPlan]:
        """Return the accepted and approved plans (of some accounts), oldest first."""
        statement = select(RepaymentPlan).where(
            RepaymentPlan.status.in_([PlanStatus.ACCEPTED, PlanStatus.APPROVED])
        )
        if account_ids is not None:
            statement = statement.where(RepaymentPlan.account_id.in_(list(account_ids)))
        return self._list(statement.order_by(RepaymentPlan.id))

    def set_paid_periods(self, plan_id: int, periods: int) -> RepaymentPlan:
        """Record how many periods of a plan the payments cover.

        Raises:
            NotFoundError: No such plan.
        """
        plan = self._require(RepaymentPlan, plan_id)
        plan.paid_periods = periods
        self._session.flush()
        return plan


class PromiseRepository(_Repository):
    """Promises to pay."""

    def add(
        self,
        *,
        account_id: int,
        amount: MoneyLike,
        due_date: dt.date,
        conversation_id: str | None = None,
    ) -> PromiseToPay:
        """Record an (already validated) promise to pay; it starts ``open``."""
        promise = PromiseToPay(
            account_id=account_id,
            amount=Decimal(amount),
            due_date=due_date,
            status=PromiseStatus.OPEN,
            conversation_id=conversation_id,
        )
        return self._add(promise)

    def in_conversation(self, conversation_id: str, account_id: int) -> list[PromiseToPay]:
        """Return the open promises one conversation recorded for an account, oldest first."""
        return self._list(
            select(PromiseToPay)
            .where(
                PromiseToPay.conversation_id == conversation_id,
                PromiseToPay.account_id == account_id,
                PromiseToPay.status == PromiseStatus.OPEN,
            )
            .order_by(PromiseToPay.id)
        )

    def amend(self, promise_id: int, *, amount: MoneyLike, due_date: dt.date) -> PromiseToPay:
        """Change an open promise's amount and date (the borrower corrected it).

        Raises:
            NotFoundError: No such promise.
        """
        promise = self._require(PromiseToPay, promise_id)
        promise.amount = Decimal(amount)
        promise.due_date = due_date
        self._session.flush()
        return promise

    def for_account(self, account_id: int) -> list[PromiseToPay]:
        """Return an account's promises, earliest due date first."""
        return self._list(
            select(PromiseToPay)
            .where(PromiseToPay.account_id == account_id)
            .order_by(PromiseToPay.due_date, PromiseToPay.id)
        )

    def set_status(self, promise_id: int, status: PromiseStatus | str) -> PromiseToPay:
        """Mark a promise kept or broken.

        Raises:
            NotFoundError: No such promise.
            ValueError: Unknown status.
        """
        promise = self._require(PromiseToPay, promise_id)
        promise.status = PromiseStatus(status)
        self._session.flush()
        return promise

    def unsettled(self, account_ids: Sequence[int] | None = None) -> list[PromiseToPay]:
        """Return the promises payments can still change, earliest due date first.

        Those are the open ones and the broken ones (a payment dated in time but reported late
        keeps a promise); a kept promise stays kept.
        """
        statement = select(PromiseToPay).where(
            PromiseToPay.status.in_([PromiseStatus.OPEN, PromiseStatus.BROKEN])
        )
        if account_ids is not None:
            statement = statement.where(PromiseToPay.account_id.in_(list(account_ids)))
        return self._list(statement.order_by(PromiseToPay.due_date, PromiseToPay.id))


class PaymentRepository(_Repository):
    """Payments reported by the issuer: the only writer of an account's balance figures."""

    def find_by_reference(self, reference: str) -> Payment | None:
        """Return the payment with this reference, or ``None``."""
        found: Payment | None = self._session.scalars(
            select(Payment).where(Payment.reference == reference)
        ).first()
        return found

    def record(
        self,
        account_id: int,
        *,
        reference: str,
        amount: MoneyLike,
        paid_at: dt.datetime,
        channel: str | None,
        source: str,
    ) -> Payment:
        """Insert a payment and reduce the account by it, in the caller's transaction.

        The account's row is locked (by an UPDATE, on every database) and read afresh, so
        concurrent payments on one account add up instead of overwriting each other. The
        amount pays the late fees, then the interest, then the principal
        (:func:`bot.policy.payments.allocate`); the total due goes down by what was applied, the
        minimum payment by the amount (not below zero, not above the new total due). An account
        owing nothing afterwards is ``settled``.

        Args:
            account_id: The account paid.
            reference: The issuer's payment reference (unique).
            amount: The payment, positive, whole cents.
            paid_at: When it was paid (aware).
            channel: How it was paid, if known.
            source: Where the record came from (``csv:<file>`` or ``api:<user>``).

        Returns:
            The new payment, with its allocation.

        Raises:
            NotFoundError: No such account.
        """
        # Write first, read after: the UPDATE takes the row lock on PostgreSQL and the write lock
        # on SQLite (where SELECT ... FOR UPDATE does nothing), so the figures read below are
        # the latest committed ones and no concurrent payment's reduction is overwritten.
        self._session.execute(
            update(Account)
            .where(Account.id == account_id)
            .values(updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        account: Account | None = self._session.scalars(
            select(Account)
            .where(Account.id == account_id)
            .execution_options(populate_existing=True)
        ).first()
        if account is None:
            raise NotFoundError(f"Account {account_id} not found")
        value = Decimal(amount)
        split: Allocation = allocate(
            value,
            late_fees=account.late_fees,
            interest=account.interest,
            principal=account.principal,
        )
        account.late_fees -= split.late_fees
        account.interest -= split.interest
        account.principal -= split.principal
        account.total_due = max(account.total_due - split.applied, Decimal("0.00"))
        account.minimum_payment = min(
            max(account.minimum_payment - value, Decimal("0.00")), account.total_due
        )
        if account.total_due == 0:
            account.status = AccountStatus.SETTLED
        payment = Payment(
            reference=reference,
            account_id=account.id,
            amount=value,
            paid_at=paid_at,
            channel=channel,
            source=source[:64],
            applied_late_fees=split.late_fees,
            applied_interest=split.interest,
            applied_principal=split.principal,
            unapplied=split.unapplied,
        )
        return self._add(payment)

    def total_for_account(self, account_id: int, start: dt.datetime, end: dt.datetime) -> Decimal:
        """Return the sum of an account's payments with ``start <= paid_at < end``."""
        total = self._session.execute(
            select(func.coalesce(func.sum(Payment.amount), 0)).where(
                Payment.account_id == account_id,
                Payment.paid_at >= start,
                Payment.paid_at < end,
            )
        ).scalar_one()
        return Decimal(str(total)).quantize(Decimal("0.01"))

    def for_account(self, account_id: int) -> list[Payment]:
        """Return an account's payments, oldest first."""
        return self._list(
            select(Payment)
            .where(Payment.account_id == account_id)
            .order_by(Payment.paid_at, Payment.id)
        )


class PaymentClaimRepository(_Repository):
    """Claims that a payment was already made ("I already paid")."""

    def add(
        self,
        *,
        account_id: int,
        claimed_amount: MoneyLike | None = None,
        claimed_date: dt.date | None = None,
        conversation_id: str | None = None,
    ) -> PaymentClaim:
        """Record a claim for checking; it starts ``to_check``."""
        claim = PaymentClaim(
            account_id=account_id,
            claimed_amount=None if claimed_amount is None else Decimal(claimed_amount),
            claimed_date=claimed_date,
            status=ClaimStatus.TO_CHECK,
            conversation_id=conversation_id,
        )
        return self._add(claim)

    def for_account(self, account_id: int) -> list[PaymentClaim]:
        """Return an account's claims, oldest first."""
        return self._list(
            select(PaymentClaim)
            .where(PaymentClaim.account_id == account_id)
            .order_by(PaymentClaim.id)
        )

    def set_status(self, claim_id: int, status: ClaimStatus | str) -> PaymentClaim:
        """Mark a claim confirmed or rejected.

        Raises:
            NotFoundError: No such claim.
            ValueError: Unknown status.
        """
        claim = self._require(PaymentClaim, claim_id)
        claim.status = ClaimStatus(status)
        self._session.flush()
        return claim


class DisputeRepository(_Repository):
    """Disputes raised by borrowers."""

    def add(self, *, account_id: int, reason: str, conversation_id: str | None = None) -> Dispute:
        """Record a dispute; it starts ``open``. Pausing the account is the caller's step."""
        dispute = Dispute(
            account_id=account_id,
            reason=reason,
            status=DisputeStatus.OPEN,
            conversation_id=conversation_id,
        )
        return self._add(dispute)

    def for_account(self, account_id: int) -> list[Dispute]:
        """Return an account's disputes, oldest first."""
        return self._list(
            select(Dispute).where(Dispute.account_id == account_id).order_by(Dispute.id)
        )

    def set_status(self, dispute_id: int, status: DisputeStatus | str) -> Dispute:
        """Mark a dispute resolved (or reopen it).

        Raises:
            NotFoundError: No such dispute.
            ValueError: Unknown status.
        """
        dispute = self._require(Dispute, dispute_id)
        dispute.status = DisputeStatus(status)
        self._session.flush()
        return dispute


class ContactPreferenceRepository(_Repository):
    """Stop-contact requests and wrong-number reports."""

    def add(
        self,
        *,
        mobile: str | None,
        channel: Channel | str = Channel.ALL,
        stop_contact: bool = False,
        wrong_number: bool = False,
        reason: str | None = None,
        customer_id: int | None = None,
        conversation_id: str | None = None,
    ) -> ContactPreference:
        """Record a contact preference for a mobile number.

        Args:
            mobile: The number the preference applies to (None when the party gave none;
                ``conversation_id`` then identifies the contact).
            channel: Channel it applies to (``all`` for every channel).
            stop_contact: The person asked not to be contacted.
            wrong_number: The number does not belong to the customer.
            reason: Free-text reason, as said.
            customer_id: Customer, when known.
            conversation_id: Conversation where it was said.

        Returns:
            The new preference.
        """
        preference = ContactPreference(
            mobile=mobile,
            channel=Channel(channel),
            stop_contact=stop_contact,
            wrong_number=wrong_number,
            reason=reason,
            customer_id=customer_id,
            conversation_id=conversation_id,
        )
        return self._add(preference)

    def for_mobile(self, mobile: str) -> list[ContactPreference]:
        """Return the preferences recorded for a mobile number, oldest first."""
        return self._list(
            select(ContactPreference)
            .where(ContactPreference.mobile == mobile)
            .order_by(ContactPreference.id)
        )

    def for_customer(self, customer_id: int) -> list[ContactPreference]:
        """Return the preferences recorded for a customer, oldest first."""
        return self._list(
            select(ContactPreference)
            .where(ContactPreference.customer_id == customer_id)
            .order_by(ContactPreference.id)
        )

    def is_contact_stopped(self, mobile: str, channel: Channel | str) -> bool:
        """Tell whether a number must not be contacted on a channel.

        A stop-contact request or a wrong-number report on that channel or on ``all`` stops it.
        """
        statement = (
            select(func.count(ContactPreference.id))
            .where(ContactPreference.mobile == mobile)
            .where(ContactPreference.channel.in_([Channel(channel), Channel.ALL]))
            .where(ContactPreference.stop_contact | ContactPreference.wrong_number)
        )
        found: bool = self._session.execute(statement).scalar_one() > 0
        return found


class VerificationRepository(_Repository):
    """Verification attempts and locks (the rules live in :mod:`bot.db.verification`).

    Counting methods are only exact when the caller has serialised the attempts that compete for
    the same customer, conversation or client first: :meth:`serialise_attempts` and
    :meth:`find_customer_for_update` on PostgreSQL, the first write on SQLite.
    """

    # Advisory-lock key spaces (first argument of ``pg_advisory_xact_lock(int, int)``); taken in
    # this order, client before conversation, and always before the customer row.
    CLIENT_LOCK_SPACE = 0x5645_0001
    CONVERSATION_LOCK_SPACE = 0x5645_0002

    def serialise_attempts(self, *, conversation_id: str, client_key: str | None = None) -> None:
        """Wait for, then hold until the transaction ends, the client's and conversation's turn.

        On PostgreSQL this takes transaction-level advisory locks
        (``pg_advisory_xact_lock(space, hashtext(key))``), first for the client (when given),
        then for the conversation; they are released by commit or rollback. A hash collision
        only serialises two unrelated keys, it never skips a wait. Other backends need no lock
        here: SQLite has one writer at a time (see :func:`bot.db.verification.verify_identity`).

        Args:
            conversation_id: Conversation (Rasa sender id).
            client_key: Keyed hash of the client, or ``None``.
        """
        if self._session.get_bind().dialect.name != "postgresql":
            return
        statement = text("SELECT pg_advisory_xact_lock(:space, hashtext(:key))")
        if client_key is not None:
            self._session.execute(statement, {"space": self.CLIENT_LOCK_SPACE, "key": client_key})
        self._session.execute(
            statement, {"space": self.CONVERSATION_LOCK_SPACE, "key": conversation_id}
        )

    def find_customer_for_update(self, mobile: str) -> Customer | None:
        """Return the customer with this mobile number, row-locked until the transaction ends.

        ``SELECT ... FOR NO KEY UPDATE`` on PostgreSQL: concurrent verifications of the same
        customer wait here, so each one counts the failures the previous ones committed. (The
        ``NO KEY`` strength still excludes another verification, but not the key-share locks of
        inserts that merely reference the customer, so it neither blocks them nor deadlocks
        with a transaction that made one earlier.) SQLite ignores the clause.

        Args:
            mobile: Normalised mobile number.

        Returns:
            The customer, or ``None`` when the number matches nobody (nothing is locked).
        """
        statement = select(Customer).where(Customer.mobile == mobile)
        statement = statement.with_for_update(key_share=True)
        found: Customer | None = self._session.scalars(statement).first()
        return found

    def record_verification_attempt(
        self,
        *,
        conversation_id: str,
        mobile: str,
        success: bool,
        customer_id: int | None = None,
        during_lock: bool = False,
        at: dt.datetime | None = None,
        client_key: str | None = None,
    ) -> VerificationAttempt:
        """Record one identity check; only the masked mobile number is stored.

        Args:
            conversation_id: Conversation (Rasa sender id).
            mobile: The mobile number the person gave (stored masked).
            success: Whether mobile and ID last four matched.
            customer_id: The customer the mobile belongs to, if any.
            during_lock: The attempt was refused because a lock (or the client limit) was
                active.
            at: When it happened (aware); defaults to now.
            client_key: Keyed hash of the client's network address, never the address itself.

        Returns:
            The new attempt.
        """
        attempt = VerificationAttempt(
            conversation_id=conversation_id,
            customer_id=customer_id,
            mobile_masked=mask_phone(mobile)[:32],
            success=success,
            during_lock=during_lock,
            at=at or utcnow(),
            client_key=client_key,
        )
        return self._add(attempt)

    def settle_attempt(
        self, attempt: VerificationAttempt, *, success: bool, during_lock: bool
    ) -> VerificationAttempt:
        """Set the outcome of an attempt recorded before it was decided, and flush it.

        Args:
            attempt: An attempt from :meth:`record_verification_attempt`.
            success: Whether mobile and ID last four matched.
            during_lock: The attempt was refused because of a lock or the client limit.

        Returns:
            The same attempt.
        """
        attempt.success = success
        attempt.during_lock = during_lock
        self._session.flush()
        return attempt

    def failed_attempts_since(self, customer_id: int, since: dt.datetime) -> int:
        """Count a customer's failed attempts after ``since``, across conversations.

        Attempts refused during a lock are not counted.
        """
        return self._count_failures(VerificationAttempt.customer_id == customer_id, since)

    def conversation_failures_since(
        self, conversation_id: str, since: dt.datetime, *, after_id: int = 0
    ) -> int:
        """Count a conversation's failed attempts after ``since``, whatever number was given.

        Attempts refused during a lock are not counted.

        Args:
            conversation_id: Conversation (Rasa sender id).
            since: Count attempts strictly later than this.
            after_id: Count only attempts recorded after this attempt id (e.g. the last
                success), in the order attempts were serialised.

        Returns:
            The number of counted failures.
        """
        return self._count_failures(
            VerificationAttempt.conversation_id == conversation_id, since, after_id
        )

    def plausible_customer_failures_since(
        self,
        customer_id: int,
        since: dt.datetime,
        *,
        after_id: int = 0,
        client_since: dt.datetime,
    ) -> int:
        """Count a customer's failures that could plausibly be the borrower's own.

        A failure is plausible when it carries no client key, or when its client made no other
        counted failure after ``client_since`` with a different number (another customer's or
        one that matched nobody): a client probing several numbers is not the borrower.

        Args:
            customer_id: The customer.
            since: Count attempts strictly later than this.
            after_id: Count only attempts recorded after this attempt id.
            client_since: Start of the client window looked at for other numbers.

        Returns:
            The number of plausible counted failures, across conversations.
        """
        other = aliased(VerificationAttempt)
        other_number = (
            select(other.id)
            .where(
                other.client_key == VerificationAttempt.client_key,
                other.success.is_(False),
                other.during_lock.is_(False),
                other.at > client_since,
                or_(other.customer_id.is_(None), other.customer_id != customer_id),
            )
            .exists()
        )
        condition = (VerificationAttempt.customer_id == customer_id) & or_(
            VerificationAttempt.client_key.is_(None), ~other_number
        )
        return self._count_failures(condition, since, after_id)

    def client_failure_times(
        self, client_key: str, since: dt.datetime, *, limit: int | None = None
    ) -> list[dt.datetime]:
        """Return when a client's counted failures after ``since`` happened, latest first.

        Args:
            client_key: Keyed hash of the client.
            since: Look at attempts strictly later than this.
            limit: Return at most this many (the latest).

        Returns:
            The times, across conversations and numbers (refused attempts excluded).
        """
        statement = (
            select(VerificationAttempt.at)
            .where(
                VerificationAttempt.client_key == client_key,
                VerificationAttempt.success.is_(False),
                VerificationAttempt.during_lock.is_(False),
                VerificationAttempt.at > since,
            )
            .order_by(VerificationAttempt.at.desc(), VerificationAttempt.id.desc())
            .limit(limit)
        )
        return list(self._session.scalars(statement))

    def _count_failures(self, condition: Any, since: dt.datetime, after_id: int = 0) -> int:
        statement = (
            select(func.count())
            .select_from(VerificationAttempt)
            .where(
                condition,
                VerificationAttempt.success.is_(False),
                VerificationAttempt.during_lock.is_(False),
                VerificationAttempt.at > since,
                VerificationAttempt.id > after_id,
            )
        )
        found: int = self._session.execute(statement).scalar_one()
        return found

    def last_success_at(
        self, *, customer_id: int | None = None, conversation_id: str | None = None
    ) -> dt.datetime | None:
        """Return when the customer and/or the conversation last verified successfully."""
        statement = (
            select(VerificationAttempt.at)
            .where(VerificationAttempt.success.is_(True))
            .order_by(VerificationAttempt.at.desc())
            .limit(1)
        )
        if customer_id is not None:
            statement = statement.where(VerificationAttempt.customer_id == customer_id)
        if conversation_id is not None:
            statement = statement.where(VerificationAttempt.conversation_id == conversation_id)
        found: dt.datetime | None = self._session.scalars(statement).first()
        return found

    def last_success_id(
        self, *, customer_id: int | None = None, conversation_id: str | None = None
    ) -> int:
        """Return the id of the customer's and/or conversation's last success (0 if none).

        Ids follow the order in which serialised attempts were recorded, which the clock of a
        concurrent caller need not (a slower turn may carry an earlier ``now``).
        """
        statement = select(func.max(VerificationAttempt.id)).where(
            VerificationAttempt.success.is_(True)
        )
        if customer_id is not None:
            statement = statement.where(VerificationAttempt.customer_id == customer_id)
        if conversation_id is not None:
            statement = statement.where(VerificationAttempt.conversation_id == conversation_id)
        return self._session.execute(statement).scalar_one() or 0

    def attempts_for_conversation(self, conversation_id: str) -> list[VerificationAttempt]:
        """Return a conversation's attempts in order."""
        return self._list(
            select(VerificationAttempt)
            .where(VerificationAttempt.conversation_id == conversation_id)
            .order_by(VerificationAttempt.at, VerificationAttempt.id)
        )

    def active_lock(self, customer_id: int, now: dt.datetime) -> VerificationLock | None:
        """Return the customer's lock still in force at ``now`` (the longest), or ``None``."""
        return self._longest_lock(VerificationLock.customer_id == customer_id, now)

    def active_conversation_lock(
        self, conversation_id: str, now: dt.datetime
    ) -> VerificationLock | None:
        """Return a lock recorded in this conversation still in force at ``now``, or ``None``."""
        return self._longest_lock(VerificationLock.conversation_id == conversation_id, now)

    def _longest_lock(self, condition: Any, now: dt.datetime) -> VerificationLock | None:
        statement = (
            select(VerificationLock)
            .where(condition, VerificationLock.locked_until > now)
            .order_by(VerificationLock.locked_until.desc())
        )
        found: VerificationLock | None = self._session.scalars(statement).first()
        return found

    def lock(
        self,
        customer_id: int | None,
        until: dt.datetime,
        *,
        reason: str = "verification_failures",
        conversation_id: str | None = None,
    ) -> VerificationLock:
        """Lock disclosure until ``until`` for a customer and/or a conversation.

        Args:
            customer_id: Customer to lock everywhere, or ``None`` to lock only the conversation.
            until: End of the lock (aware datetime).
            reason: Why (default: too many failed verifications).
            conversation_id: Conversation that triggered the lock; it is locked too.

        Returns:
            The new lock.

        Raises:
            ValueError: Neither a customer nor a conversation was given.
        """
        if customer_id is None and conversation_id is None:
            raise ValueError("a lock needs a customer or a conversation")
        lock = VerificationLock(
            customer_id=customer_id,
            locked_until=until,
            reason=reason,
            conversation_id=conversation_id,
        )
        logger.info(
            "verification locked (customer %s, conversation %s) until %s",
            customer_id,
            conversation_id,
            until.isoformat(),
        )
        return self._add(lock)


class HandoffRepository(_Repository):
    """Hand-offs to human agents."""

    def add(
        self,
        *,
        conversation_id: str,
        reason: HandoffReason | str,
        urgency: Urgency | str = Urgency.NORMAL,
        account_id: int | None = None,
        customer_id: int | None = None,
        detail: str | None = None,
    ) -> Handoff:
        """Record a hand-off; it starts ``open``.

        Args:
            conversation_id: Conversation handed off.
            reason: Why (request, distress, dispute, complaint, fallback, lockout, ...).
            urgency: ``urgent`` for distress.
            account_id: Account concerned, if verified.
            customer_id: Customer concerned, if known.
            detail: Note for the agent (masked before storing).

        Returns:
            The new hand-off.
        """
        handoff = Handoff(
            conversation_id=conversation_id,
            reason=HandoffReason(reason),
            urgency=Urgency(urgency),
            status=HandoffStatus.OPEN,
            account_id=account_id,
            customer_id=customer_id,
            detail=None if detail is None else mask_text(detail),
        )
        return self._add(handoff)

    def for_conversation(self, conversation_id: str) -> list[Handoff]:
        """Return a conversation's hand-offs in order."""
        return self._list(
            select(Handoff).where(Handoff.conversation_id == conversation_id).order_by(Handoff.id)
        )

    def open_queue(self) -> list[Handoff]:
        """Return the hand-offs not closed yet, most pressing first, then oldest first.

        Urgent ones (distress) first, then disputes and complaints, then the rest.
        """
        rank = case(
            (or_(Handoff.urgency == Urgency.URGENT, Handoff.reason == HandoffReason.DISTRESS), 0),
            (Handoff.reason.in_([HandoffReason.DISPUTE, HandoffReason.COMPLAINT]), 1),
            else_=2,
        )
        return self._list(
            select(Handoff).where(Handoff.status != HandoffStatus.CLOSED).order_by(rank, Handoff.id)
        )

    def get(self, handoff_id: int) -> Handoff | None:
        """Return a hand-off by id."""
        found: Handoff | None = self._session.get(Handoff, handoff_id)
        return found

    def claim(self, handoff_id: int, staff_id: int, now: dt.datetime) -> bool:
        """Assign an open hand-off to a staff user, atomically.

        One conditional ``UPDATE ... WHERE status = 'open'``: of two agents claiming at once,
        exactly one changes the row; the other's update matches nothing.

        Returns:
            True when this call claimed it; False when it was not open (claimed, closed, or
            missing).
        """
        return self._assign_open(Handoff.id == handoff_id, staff_id, now) == 1

    def claim_siblings(self, conversation_id: str, staff_id: int, now: dt.datetime) -> int:
        """Assign the conversation's other open hand-offs to the agent who claimed one.

        Returns:
            How many were assigned.
        """
        return self._assign_open(Handoff.conversation_id == conversation_id, staff_id, now)

    def _assign_open(self, which: Any, staff_id: int, now: dt.datetime) -> int:
        """Assign the open hand-offs ``which`` selects to a staff user; how many changed."""
        result = self._session.execute(
            update(Handoff)
            .where(which, Handoff.status == HandoffStatus.OPEN)
            .values(
                status=HandoffStatus.ASSIGNED,
                claimed_by_id=staff_id,
                claimed_at=now,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)

    def finish(
        self, conversation_id: str, staff_id: int, outcome: HandoffOutcome | str, now: dt.datetime
    ) -> int:
        """Close the hand-offs ``staff_id`` holds in a conversation (hand-back or an outcome).

        Returns:
            How many were closed (0: that user held none there).
        """
        result = self._session.execute(
            update(Handoff)
            .where(
                Handoff.conversation_id == conversation_id,
                Handoff.status == HandoffStatus.ASSIGNED,
                Handoff.claimed_by_id == staff_id,
            )
            .values(
                status=HandoffStatus.CLOSED,
                outcome=HandoffOutcome(outcome),
                closed_at=now,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)

    def mark_notified(self, handoff_id: int, now: dt.datetime) -> bool:
        """Record that the urgent alert of a hand-off went out; True only the first time.

        A conditional update, so of several web processes exactly one sends the webhook.
        """
        result = self._session.execute(
            update(Handoff)
            .where(Handoff.id == handoff_id, Handoff.notified_at.is_(None))
            .values(notified_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)

    def assigned_for_conversation(self, conversation_id: str) -> Handoff | None:
        """Return the hand-off an agent holds in a conversation, if any."""
        found: Handoff | None = self._session.scalars(
            select(Handoff)
            .where(
                Handoff.conversation_id == conversation_id,
                Handoff.status == HandoffStatus.ASSIGNED,
            )
            .order_by(Handoff.id.desc())
        ).first()
        return found

    def set_status(self, handoff_id: int, status: HandoffStatus | str) -> Handoff:
        """Move a hand-off to ``assigned`` or ``closed``.

        Raises:
            NotFoundError: No such hand-off.
            ValueError: Unknown status.
        """
        handoff = self._require(Handoff, handoff_id)
        handoff.status = HandoffStatus(status)
        self._session.flush()
        return handoff


class OutcomeRepository(_Repository):
    """Conversation outcomes, joined with Rasa's tracker store for review."""

    def add(
        self,
        *,
        conversation_id: str,
        outcome: Outcome | str,
        account_id: int | None = None,
        detail: str | None = None,
        at: dt.datetime | None = None,
    ) -> ConversationOutcome:
        """Record an outcome of a conversation (a conversation may have several).

        Args:
            conversation_id: Conversation (Rasa sender id).
            outcome: What it achieved.
            account_id: Account concerned, if verified.
            detail: Short note, e.g. the plan id (masked before storing).
            at: When (aware); defaults to now.

        Returns:
            The new outcome.
        """
        row = ConversationOutcome(
            conversation_id=conversation_id,
            outcome=Outcome(outcome),
            account_id=account_id,
            detail=None if detail is None else mask_text(detail),
            at=at or utcnow(),
        )
        return self._add(row)

    def for_conversation(self, conversation_id: str) -> list[ConversationOutcome]:
        """Return a conversation's outcomes in order."""
        return self._list(
            select(ConversationOutcome)
            .where(ConversationOutcome.conversation_id == conversation_id)
            .order_by(ConversationOutcome.at, ConversationOutcome.id)
        )

    def for_conversations(self, conversation_ids: Sequence[str]) -> list[ConversationOutcome]:
        """Return the outcomes of several conversations (for a review list), in order."""
        if not conversation_ids:
            return []
        return self._list(
            select(ConversationOutcome)
            .where(ConversationOutcome.conversation_id.in_(list(conversation_ids)))
            .order_by(ConversationOutcome.conversation_id, ConversationOutcome.at)
        )


class ComplianceEventRepository(_Repository):
    """Messages blocked by the compliance guard."""

    def add(
        self,
        *,
        rule: str,
        blocked_text: str,
        conversation_id: str | None = None,
        script_id: str | None = None,
        at: dt.datetime | None = None,
    ) -> ComplianceEvent:
        """Record a blocked message; its text is stored masked.

        Args:
            rule: Rule id from the compliance table (e.g. ``no-threat``).
            blocked_text: The sentence that was blocked.
            conversation_id: Conversation, if any (agent drafts have none).
            script_id: Script that replaced it, if any.
            at: When (aware); defaults to now.

        Returns:
            The new event.
        """
        event = ComplianceEvent(
            conversation_id=conversation_id,
            rule=rule,
            blocked_text=mask_text(blocked_text),
            script_id=script_id,
            reviewed=False,
            at=at or utcnow(),
        )
        return self._add(event)

    def for_conversation(self, conversation_id: str) -> list[ComplianceEvent]:
        """Return a conversation's blocked messages in order."""
        return self._list(
            select(ComplianceEvent)
            .where(ComplianceEvent.conversation_id == conversation_id)
            .order_by(ComplianceEvent.at, ComplianceEvent.id)
        )

    def unreviewed(self) -> list[ComplianceEvent]:
        """Return the events nobody has reviewed yet, oldest first."""
        return self._list(
            select(ComplianceEvent)
            .where(ComplianceEvent.reviewed.is_(False))
            .order_by(ComplianceEvent.at, ComplianceEvent.id)
        )

    def mark_reviewed(self, event_id: int) -> ComplianceEvent:
        """Mark an event reviewed.

        Raises:
            NotFoundError: No such event.
        """
        event = self._require(ComplianceEvent, event_id)
        event.reviewed = True
        self._session.flush()
        return event


_NOT_SENT = (AttemptStatus.SUPPRESSED, AttemptStatus.FAILED)


class ContactAttemptRepository(_Repository):
    """Outbound contacts planned, sent or suppressed by the outreach scheduler."""

    def add(
        self,
        *,
        customer_id: int,
        account_id: int,
        kind: ContactKind | str,
        script_id: str,
        status: AttemptStatus | str,
        at: dt.datetime,
        rule: str | None = None,
        promise_id: int | None = None,
        channel: Channel | str = Channel.CHAT,
    ) -> ContactAttempt:
        """Record one attempt.

        Args:
            customer_id: The borrower.
            account_id: The account it is about.
            kind: Pre-due reminder, overdue follow-up, promise due or broken promise.
            script_id: The outbound script it sends (or would have sent).
            status: ``planned``, ``sent``, ``suppressed`` or ``failed``.
            at: The moment it was decided (aware).
            rule: The rule that suppressed it, or why the channel did not take it (required
                exactly when suppressed or failed).
            promise_id: The promise it is about, if any.
            channel: Where it goes.

        Returns:
            The new attempt.

        Raises:
            ValueError: A suppressed or failed attempt without a rule, or a rule on another
                status.
        """
        status = AttemptStatus(status)
        if (status in _NOT_SENT) != (rule is not None):
            raise ValueError("a suppressed or failed attempt names its reason, and only those")
        attempt = ContactAttempt(
            customer_id=customer_id,
            account_id=account_id,
            promise_id=promise_id,
            kind=ContactKind(kind),
            channel=Channel(channel),
            script_id=script_id,
            status=status,
            rule=rule,
            at=at,
        )
        return self._add(attempt)

    def mark_sent(self, attempt_id: int, at: dt.datetime) -> ContactAttempt:
        """Mark a planned attempt sent at ``at``.

        Raises:
            NotFoundError: No such attempt.
            ValueError: The attempt is not planned.
        """
        attempt = self._planned(attempt_id)
        attempt.status = AttemptStatus.SENT
        attempt.at = at
        self._session.flush()
        return attempt

    def mark_failed(self, attempt_id: int, reason: str) -> ContactAttempt:
        """Mark a planned attempt failed: allowed, but the channel did not take it.

        Raises:
            NotFoundError: No such attempt.
            ValueError: The attempt is not planned.
        """
        attempt = self._planned(attempt_id)
        attempt.status = AttemptStatus.FAILED
        attempt.rule = reason
        self._session.flush()
        return attempt

    def _planned(self, attempt_id: int) -> ContactAttempt:
        attempt = self._require(ContactAttempt, attempt_id)
        if attempt.status != AttemptStatus.PLANNED:
            raise ValueError(f"attempt {attempt_id} is {attempt.status.value}, not planned")
        return attempt

    def planned(self) -> list[ContactAttempt]:
        """Return the attempts still ``planned``, oldest first (left by an interrupted send)."""
        return self._list(
            select(ContactAttempt)
            .where(ContactAttempt.status == AttemptStatus.PLANNED)
            .order_by(ContactAttempt.id)
        )

    def sent_since(
        self, since: dt.datetime, customer_ids: Sequence[int] | None = None
    ) -> list[ContactAttempt]:
        """Return the attempts sent at or after ``since``, oldest first (what the caps count)."""
        statement = select(ContactAttempt).where(
            ContactAttempt.status == AttemptStatus.SENT, ContactAttempt.at >= since
        )
        if customer_ids is not None:
            statement = statement.where(ContactAttempt.customer_id.in_(list(customer_ids)))
        return self._list(statement.order_by(ContactAttempt.at, ContactAttempt.id))

    def sent_for_promises(self, promise_ids: Sequence[int]) -> list[ContactAttempt]:
        """Return the sent attempts about these promises (each promise contact goes out once)."""
        return self._list(
            select(ContactAttempt)
            .where(
                ContactAttempt.status == AttemptStatus.SENT,
                ContactAttempt.promise_id.in_(list(promise_ids)),
            )
            .order_by(ContactAttempt.id)
        )

    def for_customer(self, customer_id: int) -> list[ContactAttempt]:
        """Return a borrower's attempts, oldest first."""
        return self._list(
            select(ContactAttempt)
            .where(ContactAttempt.customer_id == customer_id)
            .order_by(ContactAttempt.at, ContactAttempt.id)
        )


class Repositories:
    """All repositories on one session, for callers that need several."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.customers = CustomerRepository(session)
        self.accounts = AccountRepository(session)
        self.plans = RepaymentPlanRepository(session)
        self.promises = PromiseRepository(session)
        self.payments = PaymentRepository(session)
        self.payment_claims = PaymentClaimRepository(session)
        self.disputes = DisputeRepository(session)
        self.contact_preferences = ContactPreferenceRepository(session)
        self.verification = VerificationRepository(session)
        self.handoffs = HandoffRepository(session)
        self.outcomes = OutcomeRepository(session)
        self.compliance_events = ComplianceEventRepository(session)
        self.contact_attempts = ContactAttemptRepository(session)
