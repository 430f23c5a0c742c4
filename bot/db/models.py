"""ORM models of the collection assistant's own tables.

The schema is owned by the Alembic migrations in ``bot/db/migrations``; these models must match
them (``alembic check`` verifies it). Every table has an integer ``id`` and UTC ``created_at`` /
``updated_at`` timestamps. Amounts are ``Money`` (``NUMERIC(12, 2)`` as ``Decimal``).

Status-like columns are VARCHAR with a CHECK constraint (not native enums) so that adding a
value is a simple migration; the Python side uses the ``str`` enums below, whose members compare
equal to their plain string values.
"""

import enum
import logging
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Enum,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, declared_attr

from bot.db.types import Money, UTCDateTime, utcnow
from bot.policy.outreach import Kind

logger = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)
Base: Any = declarative_base(metadata=metadata)

CONVERSATION_ID_LENGTH = 255  # Rasa sender ids are free strings; 255 matches its tracker store.


class AccountStatus(str, enum.Enum):
    """Collection status of a card account."""

    ACTIVE = "active"
    DISPUTED = "disputed"
    PAUSED = "paused"
    SETTLED = "settled"


class PlanKind(str, enum.Enum):
    """Kind of repayment plan."""

    INSTALLMENT = "installment"
    HARDSHIP = "hardship"


class PlanStatus(str, enum.Enum):
    """Life cycle of a repayment plan."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    REJECTED = "rejected"


class PromiseStatus(str, enum.Enum):
    """Whether a promise to pay was kept."""

    OPEN = "open"
    KEPT = "kept"
    BROKEN = "broken"


class ClaimStatus(str, enum.Enum):
    """Checking state of an "I already paid" claim."""

    TO_CHECK = "to_check"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class DisputeStatus(str, enum.Enum):
    """State of a dispute."""

    OPEN = "open"
    RESOLVED = "resolved"


class Channel(str, enum.Enum):
    """Contact channel a preference applies to (``all`` covers every channel)."""

    ALL = "all"
    CHAT = "chat"
    PHONE = "phone"
    SMS = "sms"
    EMAIL = "email"


class HandoffReason(str, enum.Enum):
    """Why a conversation was handed to a human."""

    REQUEST = "request"
    DISTRESS = "distress"
    DISPUTE = "dispute"
    COMPLAINT = "complaint"
    FALLBACK = "fallback"
    LOCKOUT = "lockout"
    FEE_WAIVER = "fee_waiver"
    HARDSHIP = "hardship"
    COMPLIANCE = "compliance"


class Urgency(str, enum.Enum):
    """Urgency of a hand-off."""

    NORMAL = "normal"
    URGENT = "urgent"


class HandoffStatus(str, enum.Enum):
    """State of a hand-off in the human queue."""

    OPEN = "open"
    ASSIGNED = "assigned"
    CLOSED = "closed"


class HandoffOutcome(str, enum.Enum):
    """How an agent ended a hand-off at the desk."""

    HANDBACK = "handback"  # returned to the bot, no outcome of its own
    PLAN = "plan"
    PROMISE = "promise"
    DISPUTE = "dispute"
    REFERRAL = "referral"


class Outcome(str, enum.Enum):
    """Recorded outcome of a conversation."""

    PLAN = "plan"
    PROMISE = "promise"
    DISPUTE = "dispute"
    HANDOFF = "handoff"
    PAID_CLAIM = "paid_claim"
    STOP_CONTACT = "stop_contact"
    WRONG_PERSON = "wrong_person"
    DISTRESS = "distress"
    NONE = "none"


ContactKind = Kind
"""Why the outreach scheduler contacts a borrower (:class:`bot.policy.outreach.Kind`)."""


class AttemptStatus(str, enum.Enum):
    """What became of a planned contact."""

    PLANNED = "planned"
    SENT = "sent"
    SUPPRESSED = "suppressed"
    FAILED = "failed"


def _enum(enum_class: type[enum.Enum], name: str) -> Enum:
    """Build a non-native enum column type storing the members' values.

    Args:
        enum_class: The ``str`` enum.
        name: The CHECK constraint's base name (the naming convention prefixes the table).

    Returns:
        A VARCHAR(32) type with a named CHECK constraint.
    """
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def _conversation_id(nullable: bool = False) -> Column:
    return Column(String(CONVERSATION_ID_LENGTH), nullable=nullable, index=True)


def _fk(target: str, nullable: bool = False) -> Column:
    return Column(Integer, ForeignKey(target), nullable=nullable, index=True)


class TimestampedModel(Base):
    """Abstract base: integer primary key plus UTC ``created_at``/``updated_at``."""

    __abstract__ = True

    id = Column(Integer, primary_key=True)

    @declared_attr
    def created_at(cls) -> Column:
        """When the row was inserted."""
        return Column(UTCDateTime(), nullable=False, default=utcnow)

    @declared_attr
    def updated_at(cls) -> Column:
        """When the row was last changed."""
        return Column(UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} id={self.id}>"


class Customer(TimestampedModel):
    """A cardholder. ``mobile`` is the full number: never log it unmasked."""

    __tablename__ = "customers"

    name = Column(String(64), nullable=False)
    mobile = Column(String(20), nullable=False, unique=True)
    id_last4 = Column(String(4), nullable=False)
    locale = Column(String(16), nullable=False, default="zh-CN")
    time_zone = Column(String(64), nullable=False, default="Asia/Shanghai")


class Account(TimestampedModel):
    """A credit-card account in collection (the ledger the bot quotes amounts from)."""

    __tablename__ = "accounts"

    customer_id = _fk("customers.id")
    card_last4 = Column(String(4), nullable=False)
    principal = Column(Money(), nullable=False)
    interest = Column(Money(), nullable=False)
    late_fees = Column(Money(), nullable=False)
    total_due = Column(Money(), nullable=False)
    minimum_payment = Column(Money(), nullable=False)
    days_past_due = Column(Integer, nullable=False, default=0)
    status = Column(
        _enum(AccountStatus, "account_status"), nullable=False, default=AccountStatus.ACTIVE
    )
    statement_due_date = Column(Date, nullable=True)
    """The current statement's payment due date (pre-due reminders); None: not known."""


class RepaymentPlan(TimestampedModel):
    """An installment or hardship plan quoted to, or accepted by, a borrower."""

    __tablename__ = "repayment_plans"

    account_id = _fk("accounts.id")
    kind = Column(_enum(PlanKind, "plan_kind"), nullable=False)
    tenor = Column(Integer, nullable=False)
    monthly_amount = Column(Money(), nullable=False)
    total_fees = Column(Money(), nullable=False)
    total_repaid = Column(Money(), nullable=False)
    status = Column(_enum(PlanStatus, "plan_status"), nullable=False, default=PlanStatus.PROPOSED)
    conversation_id = _conversation_id(nullable=True)
    # Periods the payments recorded since the plan was accepted cover (migration 0005), kept up
    # to date by ``bot.payments``: never set by hand.
    paid_periods = Column(Integer, nullable=False, default=0, server_default="0")


class PromiseToPay(TimestampedModel):
    """A borrower's promise to pay an amount by a date."""

    __tablename__ = "promises_to_pay"

    account_id = _fk("accounts.id")
    amount = Column(Money(), nullable=False)
    due_date = Column(Date, nullable=False)
    status = Column(
        _enum(PromiseStatus, "promise_status"), nullable=False, default=PromiseStatus.OPEN
    )
    conversation_id = _conversation_id(nullable=True)


class Payment(TimestampedModel):
    """A payment the issuer's systems reported (``bot.payments``); the only way balances change.

    ``reference`` is the issuer's payment reference, the idempotency key of every import. The
    ``applied_*`` columns say how the amount reduced the account (late fees, then interest,
    then principal); ``unapplied`` is what was left once nothing was owed (a credit).
    """

    __tablename__ = "payments"

    reference = Column(String(64), nullable=False, unique=True)
    account_id = _fk("accounts.id")
    amount = Column(Money(), nullable=False)
    paid_at = Column(UTCDateTime(), nullable=False, index=True)
    channel = Column(String(32), nullable=True)
    source = Column(String(64), nullable=False)
    applied_late_fees = Column(Money(), nullable=False)
    applied_interest = Column(Money(), nullable=False)
    applied_principal = Column(Money(), nullable=False)
    unapplied = Column(Money(), nullable=False)


class PaymentClaim(TimestampedModel):
    """An "I already paid" claim, to be checked against the ledger."""

    __tablename__ = "payment_claims"

    account_id = _fk("accounts.id")
    claimed_amount = Column(Money(), nullable=True)
    claimed_date = Column(Date, nullable=True)
    status = Column(
        _enum(ClaimStatus, "claim_status"), nullable=False, default=ClaimStatus.TO_CHECK
    )
    conversation_id = _conversation_id(nullable=True)


class Dispute(TimestampedModel):
    """A borrower's objection to the debt; collection pauses until it is resolved."""

    __tablename__ = "disputes"

    account_id = _fk("accounts.id")
    reason = Column(Text, nullable=False)
    status = Column(
        _enum(DisputeStatus, "dispute_status"), nullable=False, default=DisputeStatus.OPEN
    )
    conversation_id = _conversation_id(nullable=True)


class ContactPreference(TimestampedModel):
    """A stop-contact request or a wrong-number report for a mobile number and channel."""

    __tablename__ = "contact_preferences"

    customer_id = _fk("customers.id", nullable=True)
    # Unknown when an unverified party asks to stop or says it is the wrong person without
    # giving a number: the conversation id then identifies the contact.
    mobile = Column(String(20), nullable=True, index=True)
    channel = Column(_enum(Channel, "channel"), nullable=False, default=Channel.ALL)
    stop_contact = Column(Boolean, nullable=False, default=False)
    wrong_number = Column(Boolean, nullable=False, default=False)
    reason = Column(Text, nullable=True)
    conversation_id = _conversation_id(nullable=True)


class VerificationAttempt(TimestampedModel):
    """One identity check; the mobile number is stored masked only.

    ``during_lock`` marks attempts refused because a lock was already active: they are kept for
    the audit trail but do not count towards a new lock.
    """

    __tablename__ = "verification_attempts"

    conversation_id = _conversation_id()
    customer_id = _fk("customers.id", nullable=True)
    mobile_masked = Column(String(32), nullable=False)
    success = Column(Boolean, nullable=False)
    during_lock = Column(Boolean, nullable=False, default=False)
    at = Column(UTCDateTime(), nullable=False, default=utcnow, index=True)
    # A keyed hash of the client (network address) that made the attempt, never the address
    # itself: failures are also limited per client and time window.
    client_key = Column(String(64), nullable=True, index=True)


class VerificationLock(TimestampedModel):
    """Disclosure is locked until ``locked_until``.

    A lock with a ``customer_id`` locks that customer in every conversation; a lock also locks
    its ``conversation_id`` whoever is named in it. A lock without a customer comes from a
    conversation whose failures matched no customer.
    """

    __tablename__ = "verification_locks"

    customer_id = _fk("customers.id", nullable=True)
    locked_until = Column(UTCDateTime(), nullable=False)
    reason = Column(String(64), nullable=False, default="verification_failures")
    conversation_id = _conversation_id(nullable=True)


class ConversationVerification(TimestampedModel):
    """Who a conversation has verified as: written only by the verification step.

    Debt handlers read the verified customer and account from here, never from what the
    conversation's slots claim, so a forged or replayed tracker discloses nothing. A row is
    valid while ``last_active_at`` is within the policy's idle window.
    """

    __tablename__ = "conversation_verifications"

    conversation_id = Column(String(CONVERSATION_ID_LENGTH), nullable=False, unique=True)
    customer_id = _fk("customers.id")
    account_id = _fk("accounts.id", nullable=True)
    verified_at = Column(UTCDateTime(), nullable=False, default=utcnow)
    last_active_at = Column(UTCDateTime(), nullable=False, default=utcnow)


class Handoff(TimestampedModel):
    """A conversation handed to a human agent."""

    __tablename__ = "handoffs"

    conversation_id = _conversation_id()
    account_id = _fk("accounts.id", nullable=True)
    customer_id = _fk("customers.id", nullable=True)
    reason = Column(_enum(HandoffReason, "handoff_reason"), nullable=False)
    urgency = Column(_enum(Urgency, "urgency"), nullable=False, default=Urgency.NORMAL)
    status = Column(
        _enum(HandoffStatus, "handoff_status"), nullable=False, default=HandoffStatus.OPEN
    )
    detail = Column(Text, nullable=True)
    # The agent desk (migration 0004): who claimed it and when, how it ended, and when the
    # urgent notification went out (set once, by a conditional UPDATE: one webhook per hand-off).
    claimed_by_id = _fk("staff_users.id", nullable=True)
    claimed_at = Column(UTCDateTime(), nullable=True)
    closed_at = Column(UTCDateTime(), nullable=True)
    outcome = Column(_enum(HandoffOutcome, "handoff_outcome"), nullable=True)
    notified_at = Column(UTCDateTime(), nullable=True)


class ConversationOutcome(TimestampedModel):
    """What a conversation achieved; joined with Rasa's tracker store for review."""

    __tablename__ = "conversation_outcomes"

    conversation_id = _conversation_id()
    outcome = Column(_enum(Outcome, "outcome"), nullable=False)
    account_id = _fk("accounts.id", nullable=True)
    detail = Column(Text, nullable=True)
    at = Column(UTCDateTime(), nullable=False, default=utcnow, index=True)


class ComplianceEvent(TimestampedModel):
    """A message the compliance guard blocked; ``blocked_text`` is stored masked."""

    __tablename__ = "compliance_events"

    conversation_id = _conversation_id(nullable=True)
    rule = Column(String(64), nullable=False, index=True)
    blocked_text = Column(Text, nullable=False)
    script_id = Column(String(128), nullable=True)
    reviewed = Column(Boolean, nullable=False, default=False)
    at = Column(UTCDateTime(), nullable=False, default=utcnow, index=True)


class ContactAttempt(TimestampedModel):
    """One outbound contact the scheduler planned, sent or suppressed (``bot.outreach``).

    ``rule`` names the contact rule that suppressed it (``stop_contact``, ``dispute``, ``paused``,
    ``distress``, ``quiet_hours``, ``daily_cap``, ``weekly_cap``); it is empty otherwise. The
    daily and 7-day caps count a borrower's ``sent`` rows. No message text is stored: the script
    id and version say what was (or would have been) sent.
    """

    __tablename__ = "contact_attempts"

    customer_id = _fk("customers.id")
    account_id = _fk("accounts.id")
    promise_id = _fk("promises_to_pay.id", nullable=True)
    kind = Column(_enum(ContactKind, "contact_kind"), nullable=False)
    channel = Column(_enum(Channel, "channel"), nullable=False, default=Channel.CHAT)
    script_id = Column(String(128), nullable=False)
    status = Column(_enum(AttemptStatus, "attempt_status"), nullable=False)
    rule = Column(String(32), nullable=True, index=True)
    at = Column(UTCDateTime(), nullable=False, default=utcnow, index=True)


class ChannelAddress(TimestampedModel):
    """A borrower's address on a channel that can start a conversation.

    See ``bot.db.channel_addresses``.

    ``address`` is the platform's id of the person (a WeChat OpenID, a Telegram chat id); the
    conversation with them is ``<channel>-<address>``. ``customer_id`` is set when a conversation
    on this address verified as that customer; ``unsubscribed_at`` when the platform said the
    person left (a stop-contact for this channel, cleared when they subscribe again).
    """

    __tablename__ = "channel_addresses"
    __table_args__ = (UniqueConstraint("channel", "address"),)

    channel = Column(String(32), nullable=False)
    address = Column(String(128), nullable=False)
    customer_id = _fk("customers.id", nullable=True)
    verified_at = Column(UTCDateTime(), nullable=True)
    unsubscribed_at = Column(UTCDateTime(), nullable=True)


class Notice(TimestampedModel):
    """A formal written notice (函件) to a cardholder, as issued (``bot.notices``, migration 0008).

    ``version`` counts the account's notices from 1 (re-issuing makes a new version, with its own
    ``reference``). ``script_id`` and ``script_version`` name the approved template it was made
    from; ``html`` is the document as issued (the page staff read), ``pdf`` the PDF as issued and
    ``sha256`` its hex SHA-256. A database trigger refuses every UPDATE of a row: an issued notice
    never changes.
    """

    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("account_id", "version"),)

    account_id = _fk("accounts.id")
    version = Column(Integer, nullable=False)
    reference = Column(String(32), nullable=False, unique=True)
    script_id = Column(String(128), nullable=False)
    script_version = Column(Integer, nullable=False)
    issued_at = Column(UTCDateTime(), nullable=False)
    issued_by = Column(String(64), nullable=False)
    html = Column(Text, nullable=False)
    pdf = Column(LargeBinary, nullable=False)
    sha256 = Column(String(64), nullable=False)
