"""Reading the borrowers' snapshots, planning, and recording attempts, on the caller's session.

:func:`load_borrowers` is a read model (plain queries, nothing written): promises as the next
settlement will leave them (:func:`bot.payments.ledger.promise_outcomes`), where each customer
can be reached (:mod:`bot.db.channel_addresses`), the statement due dates; :func:`plan_contacts`
applies the pure rules of :mod:`bot.policy.outreach` to it; :func:`record` writes decisions
through the repository (``planned`` or ``sent`` when allowed, ``suppressed`` with the rule
otherwise). ``plan`` never calls :func:`record`: it is a dry run. ``send``
(:mod:`bot.outreach.sender`) settles, plans and records ``planned`` attempts, then sends and
marks each one sent or failed.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from collections.abc import Callable, Iterable, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot import settings
from bot.db import channel_addresses
from bot.db.models import (
    Account,
    AttemptStatus,
    Channel,
    ContactAttempt,
    ContactPreference,
    ConversationOutcome,
    Customer,
    Dispute,
    DisputeStatus,
    Handoff,
    HandoffReason,
    HandoffStatus,
    Outcome,
    PromiseToPay,
)
from bot.db.repositories import Repositories
from bot.payments.ledger import promise_outcomes
from bot.policy.config import Policy
from bot.policy.outreach import Address, Borrower, Decision, Kind, Limits, Promise, Sent, plan

logger = logging.getLogger(__name__)

CHANNEL = Channel.CHAT
"""Where outreach goes: a conversation with the assistant (a stop on ``chat`` or ``all``), on
the push channel of the borrower's address (the attempt's metadata in the transcript says
which)."""

SENT_LOOKBACK_DAYS = 8
"""Sent contacts read for the caps (7 days and the borrower's local day), at the least."""

ID_CHUNK = 500
"""Customers per query when reading their addresses."""

Progress = Callable[[int, int], None]


def limits_from(policy: Policy) -> Limits:
    """The numbers of the policy file the rules use, and the push channels enabled here."""
    return Limits(
        zone=policy.zone,
        quiet_start=policy.quiet_hours.start,
        quiet_end=policy.quiet_hours.end,
        daily_cap=policy.outreach.daily_cap,
        weekly_cap=policy.outreach.weekly_cap,
        reminder_lead_days=policy.outreach.reminder_lead_days,
        channels=settings.current().push_channels,
    )


def _ids(session: Session, statement: object) -> set[int]:
    return {row for row in session.scalars(statement) if row is not None}


def _stopped(session: Session) -> tuple[set[int], set[str]]:
    """Customers and numbers with a stop-contact or wrong-number record on outreach's channel."""
    rows = session.execute(
        select(ContactPreference.customer_id, ContactPreference.mobile).where(
            ContactPreference.channel.in_([CHANNEL, Channel.ALL]),
            ContactPreference.stop_contact | ContactPreference.wrong_number,
        )
    ).all()
    return {c for c, _ in rows if c is not None}, {m for _, m in rows if m is not None}


def _distress(session: Session) -> tuple[set[int], set[int]]:
    """Customers and accounts with a recorded distress hand-off or outcome."""
    handoffs = session.execute(
        select(Handoff.customer_id, Handoff.account_id).where(
            Handoff.reason == HandoffReason.DISTRESS
        )
    ).all()
    customers = {c for c, _ in handoffs if c is not None}
    accounts = {a for _, a in handoffs if a is not None}
    accounts |= _ids(
        session,
        select(ConversationOutcome.account_id).where(
            ConversationOutcome.outcome == Outcome.DISTRESS
        ),
    )
    return customers, accounts


def _held(session: Session) -> tuple[set[int], set[str]]:
    """Customers and conversations with an open or assigned hand-off (a person handles them).

    Distress hand-offs are left to the ``distress`` rule, which stops outreach for good.
    """
    rows = session.execute(
        select(Handoff.customer_id, Handoff.conversation_id).where(
            Handoff.status.in_([HandoffStatus.OPEN, HandoffStatus.ASSIGNED]),
            Handoff.reason != HandoffReason.DISTRESS,
        )
    ).all()
    return {c for c, _ in rows if c is not None}, {v for _, v in rows if v is not None}


class Failure(str, enum.Enum):
    """Why an allowed contact was not sent (``contact_attempts.rule`` of a failed attempt)."""

    GUARD = "guard"  # the compliance guard refused the rendered text
    RASA_UNAVAILABLE = "rasa_unavailable"  # not reached (no connection) or refused (token, 4xx)
    CHANNEL_ERROR = "channel_error"  # Rasa took it but could not deliver it (its 500)
    UNCONFIRMED = "unconfirmed"  # no answer in time: it may have gone out (counts as sent)
    INTERRUPTED = "interrupted"  # left planned by a run that stopped (counts as sent)


MAYBE_SENT = (Failure.UNCONFIRMED.value, Failure.INTERRUPTED.value)
"""Failed attempts that may have reached the borrower: Rasa took longer than the sender waited,
or a run stopped between sending and recording. They count as sent for the caps and the
once-only contacts: a contact too few, never one too many."""


def _sent(session: Session, since: dt.datetime) -> dict[int, list[Sent]]:
    """Per customer: every sent contact since ``since`` and every sent promise contact.

    "Sent" includes the failed attempts that may have arrived (:data:`MAYBE_SENT`).
    """
    maybe = (ContactAttempt.status == AttemptStatus.FAILED) & ContactAttempt.rule.in_(MAYBE_SENT)
    rows = session.scalars(
        select(ContactAttempt).where(
            (ContactAttempt.status == AttemptStatus.SENT) | maybe,
            or_(ContactAttempt.at >= since, ContactAttempt.promise_id.is_not(None)),
        )
    )
    found: dict[int, list[Sent]] = {}
    for row in rows:
        found.setdefault(row.customer_id, []).append(
            Sent(row.at, Kind(row.kind.value), row.promise_id, row.account_id)
        )
    return found


def _promises(session: Session, now: dt.datetime, zone: ZoneInfo) -> dict[int, list[Promise]]:
    """Per account, its promises with the status the next settlement gives them."""
    settled = {p.id: status for p, status in promise_outcomes(session, zone=zone, now=now)}
    promises: dict[int, list[Promise]] = {}
    for promise in session.scalars(select(PromiseToPay).order_by(PromiseToPay.due_date)):
        status = settled.get(promise.id, promise.status)
        promises.setdefault(promise.account_id, []).append(
            Promise(promise.id, promise.due_date, status.value)
        )
    return promises


def _addresses(
    session: Session, customer_ids: list[int]
) -> tuple[dict[int, tuple[Address, ...]], set[int]]:
    """Per customer, the reachable addresses; and the customers with an unsubscribed one.

    Read in chunks of :data:`ID_CHUNK` customers (SQLite bounds the parameters of a query).
    """
    reachable: dict[int, tuple[Address, ...]] = {}
    unsubscribed: set[int] = set()
    for start in range(0, len(customer_ids), ID_CHUNK):
        chunk = customer_ids[start : start + ID_CHUNK]
        for customer, found in channel_addresses.reachable(session, chunk).items():
            reachable[customer] = tuple(Address(a.channel, a.conversation_id) for a in found)
        unsubscribed |= channel_addresses.unsubscribed(session, chunk)
    return reachable, unsubscribed


def load_borrowers(
    session: Session,
    now: dt.datetime,
    *,
    zone: ZoneInfo,
    lookback_days: int = SENT_LOOKBACK_DAYS,
    account_ids: Sequence[int] | None = None,
) -> list[Borrower]:
    """One snapshot per account, in account order, with everything the rules read.

    Args:
        session: The caller's session (only read).
        now: The moment; promises are read as a settlement at ``now`` would leave them.
        zone: The policy's time zone (the promises' calendar).
        lookback_days: Sent contacts from this many days before ``now`` are loaded (the caps,
            and the pre-due reminders' window).
        account_ids: Only these accounts (None: all).

    Returns:
        The snapshots.
    """
    stopped_customers, stopped_mobiles = _stopped(session)
    distress_customers, distress_accounts = _distress(session)
    held_customers, held_conversations = _held(session)
    disputed = _ids(session, select(Dispute.account_id).where(Dispute.status == DisputeStatus.OPEN))
    promises = _promises(session, now, zone)
    sent = _sent(session, now - dt.timedelta(days=lookback_days))
    statement = select(Account, Customer).join(Customer, Account.customer_id == Customer.id)
    if account_ids is not None:
        statement = statement.where(Account.id.in_(list(account_ids)))
    rows = session.execute(statement.order_by(Account.id)).all()
    addresses, unsubscribed = _addresses(session, sorted({c.id for _, c in rows}))
    return [
        Borrower(
            customer_id=customer.id,
            account_id=account.id,
            name=customer.name,
            account_status=account.status.value,
            days_past_due=account.days_past_due,
            owes=account.total_due > 0,
            time_zone=customer.time_zone,
            stop_contact=customer.id in stopped_customers or customer.mobile in stopped_mobiles,
            open_dispute=account.id in disputed,
            distress=customer.id in distress_customers or account.id in distress_accounts,
            held=customer.id in held_customers
            or any(a.conversation_id in held_conversations for a in addresses.get(customer.id, ())),
            promises=tuple(promises.get(account.id, ())),
            sent=tuple(sent.get(customer.id, ())),
            unsubscribed=customer.id in unsubscribed,
            addresses=addresses.get(customer.id, ()),
            statement_due_date=account.statement_due_date,
        )
        for account, customer in rows
    ]


def plan_contacts(
    session: Session, policy: Policy, now: dt.datetime, progress: Progress | None = None
) -> list[Decision]:
    """Every contact due at ``now`` and what the rules make of it; writes nothing.

    Args:
        session: The caller's session (only read).
        policy: The issuer policy.
        now: The moment (aware).
        progress: Called with (accounts done, accounts in all) every 200 accounts and at the end.

    Returns:
        The decisions, in account order.
    """
    lookback = max(SENT_LOOKBACK_DAYS, policy.outreach.reminder_lead_days + 1)
    borrowers = load_borrowers(session, now, zone=policy.zone, lookback_days=lookback)
    return plan(borrowers, now, limits_from(policy), progress=progress)


SuppressionKey = tuple[int, str, int | None, str | None]


def _suppressed_since(session: Session, since: dt.datetime) -> dict[SuppressionKey, ContactAttempt]:
    """The suppressed attempts stored since ``since``, by account, kind, promise and rule."""
    rows = session.scalars(
        select(ContactAttempt).where(
            ContactAttempt.status == AttemptStatus.SUPPRESSED, ContactAttempt.at >= since
        )
    )
    return {(r.account_id, r.kind.value, r.promise_id, r.rule): r for r in rows}


def record(
    session: Session,
    decisions: Iterable[Decision],
    *,
    now: dt.datetime,
    status: AttemptStatus | str = AttemptStatus.PLANNED,
    suppressed_since: dt.datetime | None = None,
) -> list[ContactAttempt]:
    """Store each decision as an attempt: allowed ones as ``status``, the others suppressed.

    Args:
        session: The caller's session (not committed here).
        decisions: From :func:`plan_contacts`.
        now: When they were decided (aware).
        status: ``planned`` (a sender will mark each sent) or ``sent``.
        suppressed_since: A suppressed contact already stored since then with the same rule
            (same account, kind and promise) is not stored again: an hourly run re-decides
            the same suppression (a dispute, ``no_channel``) every time. None: store all.

    Returns:
        The attempts, in the order of the decisions (an earlier one for a repeated
        suppression).

    Raises:
        ValueError: ``status`` is ``suppressed`` (a rule decides that).
    """
    status = AttemptStatus(status)
    if status == AttemptStatus.SUPPRESSED:
        raise ValueError("allowed contacts are recorded planned or sent")
    repos = Repositories(session)
    stored = {} if suppressed_since is None else _suppressed_since(session, suppressed_since)
    attempts = []
    for decision in decisions:
        contact = decision.contact
        key = (
            contact.borrower.account_id,
            contact.kind.value,
            contact.promise_id,
            None if decision.rule is None else decision.rule.value,
        )
        if not decision.allowed and key in stored:
            attempts.append(stored[key])
            continue
        attempts.append(
            repos.contact_attempts.add(
                customer_id=contact.borrower.customer_id,
                account_id=contact.borrower.account_id,
                promise_id=contact.promise_id,
                kind=contact.kind.value,
                script_id=contact.script_id,
                status=status if decision.allowed else AttemptStatus.SUPPRESSED,
                rule=None if decision.rule is None else decision.rule.value,
                at=now,
                channel=CHANNEL,
            )
        )
    logger.info("recorded %d contact attempts", len(attempts))
    return attempts
