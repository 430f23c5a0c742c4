"""Pure outreach decisions: which contacts are due, and the first contact rule that stops each.

Nothing here touches the database: :mod:`bot.outreach` reads a :class:`Borrower` snapshot per
account, calls :func:`plan` and prints or records the result.

- **Candidates** (:func:`candidates`), most pressing first: a *broken-promise* follow-up (a
  promise marked broken, once per promise); a *promise-due* contact (an open promise due today,
  once per promise); a *pre-due* reminder (an open promise due in 1 .. ``reminder_lead_days``
  days, once per promise; or, on an account not past due, the statement's due date in 1 ..
  ``reminder_lead_days`` days, once per statement due date); an *overdue* follow-up (days past
  due, no open promise, at most one a local day).
- **Rules** (:data:`RULES`), checked in this order; the first that holds suppresses the contact:
  stop-contact (a stop record, or every address the customer had on a push channel
  unsubscribed), dispute, paused, distress, quiet hours (in the borrower's own time zone), the
  daily cap (sent contacts in the borrower's local day), the 7-day cap (sent contacts in the
  last 7 × 24 hours), no channel (no verified, subscribed address on a push channel this
  deployment has enabled). Contacts this plan allows count towards the caps of the next ones.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

logger = logging.getLogger(__name__)

WEEK = dt.timedelta(days=7)


class Kind(str, enum.Enum):
    """Why a borrower is contacted (the values of ``contact_attempts.kind``)."""

    BROKEN_PROMISE = "broken_promise"
    PROMISE_DUE = "promise_due"
    PRE_DUE = "pre_due"
    OVERDUE = "overdue"


class Rule(str, enum.Enum):
    """A contact rule that can suppress a contact (the values of ``contact_attempts.rule``)."""

    STOP_CONTACT = "stop_contact"
    DISPUTE = "dispute"
    PAUSED = "paused"
    DISTRESS = "distress"
    QUIET_HOURS = "quiet_hours"
    DAILY_CAP = "daily_cap"
    WEEKLY_CAP = "weekly_cap"
    NO_CHANNEL = "no_channel"


SCRIPTS: dict[Kind, str] = {
    Kind.BROKEN_PROMISE: "outreach.broken_promise",
    Kind.PROMISE_DUE: "outreach.promise_due",
    Kind.PRE_DUE: "outreach.pre_due_reminder",
    Kind.OVERDUE: "outreach.overdue_follow_up",
}
"""The outbound script each kind of contact sends (``scripts_library/outreach.yml``)."""


@dataclass(frozen=True)
class Promise:
    """A promise to pay as the scheduler sees it.

    Attributes:
        id: The promise's id.
        due_date: Its date (the policy's calendar).
        status: ``open``, ``kept`` or ``broken`` (set by ``bot.payments settle``).
    """

    id: int
    due_date: dt.date
    status: str


@dataclass(frozen=True)
class Address:
    """Where a customer can be reached: a verified, subscribed address on a push channel.

    Attributes:
        channel: The channel's name (Rasa's output channel: ``wechat``, ``telegram``).
        conversation_id: The conversation on the address (``<channel>-<address>``).
    """

    channel: str
    conversation_id: str


@dataclass(frozen=True)
class Sent:
    """A contact already sent to the borrower (from ``contact_attempts``).

    Attributes:
        at: When (aware).
        kind: Its kind.
        promise_id: The promise it was about, if any.
        account_id: The account it was about (None: unknown, taken as any of the customer's).
    """

    at: dt.datetime
    kind: Kind
    promise_id: int | None = None
    account_id: int | None = None


@dataclass(frozen=True)
class Borrower:
    """One account and its customer, with everything the rules read.

    Attributes:
        customer_id: The customer.
        account_id: The account.
        name: The customer's name (for the printed plan only; never in a message).
        account_status: ``active``, ``disputed``, ``paused`` or ``settled``.
        days_past_due: From the ledger.
        owes: Whether the total due is above zero.
        time_zone: The customer's IANA time zone, or None (the policy's applies).
        stop_contact: A stop-contact or wrong-number record covers the outreach channel.
        unsubscribed: The customer had a verified address on a push channel that the platform
            said they left (an unsubscribe: a stop-contact for that channel).
        open_dispute: An open dispute on the account.
        distress: A distress hand-off or outcome was recorded for the customer.
        held: A person at the agent desk has (or is about to take) one of the customer's
            conversations: an open or assigned hand-off.
        promises: The account's promises.
        sent: Contacts already sent to this customer (any account), at least the last 7 days
            (and the reminder window) and every promise contact.
        addresses: The customer's verified, subscribed addresses on push channels, the most
            recently verified first.
        statement_due_date: The current statement's payment due date (None: not known).
    """

    customer_id: int
    account_id: int
    name: str
    account_status: str
    days_past_due: int
    owes: bool
    time_zone: str | None = None
    stop_contact: bool = False
    open_dispute: bool = False
    distress: bool = False
    held: bool = False
    promises: tuple[Promise, ...] = ()
    sent: tuple[Sent, ...] = ()
    unsubscribed: bool = False
    addresses: tuple[Address, ...] = ()
    statement_due_date: dt.date | None = None


@dataclass(frozen=True)
class Limits:
    """The policy numbers the rules use, and the channels this deployment can push on.

    Attributes:
        zone: The policy's time zone (the calendar of promises; the default borrower zone).
        quiet_start: Start of the quiet window, local time (inclusive).
        quiet_end: End of the quiet window, local time (exclusive).
        daily_cap: Sent contacts allowed per borrower per local day.
        weekly_cap: Sent contacts allowed per borrower in 7 days.
        reminder_lead_days: Pre-due reminders this many days ahead at most (0: none).
        channels: The push channels this deployment has enabled
            (:func:`bot.settings.enabled_push_channels`); none: every contact is ``no_channel``.
    """

    zone: ZoneInfo
    quiet_start: dt.time
    quiet_end: dt.time
    daily_cap: int
    weekly_cap: int
    reminder_lead_days: int
    channels: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Contact:
    """A contact the scheduler considers.

    Attributes:
        borrower: Who.
        kind: Why.
        script_id: The outbound script it sends.
        promise_id: The promise it is about, if any.
        statement_due_date: The statement due date a pre-due reminder without a promise is
            about.
    """

    borrower: Borrower
    kind: Kind
    script_id: str
    promise_id: int | None = None
    statement_due_date: dt.date | None = None


@dataclass(frozen=True)
class Decision:
    """A contact and what the rules made of it.

    Attributes:
        contact: The contact.
        rule: The first rule that suppressed it, or None when it may go out.
        local_time: The moment in the borrower's time zone.
        address: Where it goes: the most recently verified address on an enabled push channel
            (None when there is none).
    """

    contact: Contact
    rule: Rule | None
    local_time: dt.datetime
    address: Address | None = None

    @property
    def allowed(self) -> bool:
        """It may go out."""
        return self.rule is None


def borrower_zone(borrower: Borrower, default: ZoneInfo) -> ZoneInfo:
    """The borrower's time zone: the customer's own when it is a known zone, else ``default``."""
    if borrower.time_zone:
        try:
            return ZoneInfo(borrower.time_zone)
        except (KeyError, ValueError):
            logger.warning("customer %s: unknown time zone; policy's used", borrower.customer_id)
    return default


def in_quiet_hours(local: dt.time, start: dt.time, end: dt.time) -> bool:
    """Whether a local clock time falls in the quiet window ``[start, end)``.

    The window spans midnight when ``end`` is earlier than ``start`` (22:00-08:00).
    """
    if start < end:
        return start <= local < end
    return local >= start or local < end


def candidates(
    borrower: Borrower, today: dt.date, lead_days: int, zone: dt.tzinfo = dt.timezone.utc
) -> list[Contact]:
    """The contacts due for one account today, most pressing first.

    Args:
        borrower: The account's snapshot.
        today: Today in the policy's calendar (promise and statement dates are in it).
        lead_days: Pre-due reminders for promises and statements due within this many days
            (0: none).
        zone: The policy's time zone (the days on which earlier reminders were sent).

    Returns:
        The contacts, before any rule is applied.
    """
    if borrower.account_status == "settled" or not borrower.owes:
        return []
    done = {(s.kind, s.promise_id) for s in borrower.sent if s.promise_id is not None}
    found: list[Contact] = []

    def add(kind: Kind, promise: Promise | None = None) -> None:
        promise_id = None if promise is None else promise.id
        if promise_id is None or (kind, promise_id) not in done:
            found.append(Contact(borrower, kind, SCRIPTS[kind], promise_id))

    for promise in borrower.promises:
        if promise.status == "broken":
            add(Kind.BROKEN_PROMISE, promise)
    open_promises = [p for p in borrower.promises if p.status == "open"]
    for promise in open_promises:
        if promise.due_date == today:
            add(Kind.PROMISE_DUE, promise)
    for promise in open_promises:
        if 0 < (promise.due_date - today).days <= lead_days:
            add(Kind.PRE_DUE, promise)
    due = statement_reminder_due(borrower, today, lead_days, zone)
    if due is not None:
        found.append(Contact(borrower, Kind.PRE_DUE, SCRIPTS[Kind.PRE_DUE], statement_due_date=due))
    if borrower.days_past_due > 0 and not open_promises:
        add(Kind.OVERDUE)
    return found


def statement_reminder_due(
    borrower: Borrower, today: dt.date, lead_days: int, zone: dt.tzinfo
) -> dt.date | None:
    """The statement due date a pre-due reminder is owed for today, or None.

    Owed when the account is not past due, its statement falls due in 1 .. ``lead_days`` days,
    and no pre-due reminder without a promise was sent on this account in that window
    (``[due - lead_days, due)``, days in ``zone``): once per statement due date.
    """
    due = borrower.statement_due_date
    if borrower.days_past_due > 0 or due is None or not 0 < (due - today).days <= lead_days:
        return None
    first = due - dt.timedelta(days=lead_days)
    for sent in borrower.sent:
        if (
            sent.kind == Kind.PRE_DUE
            and sent.promise_id is None
            and sent.account_id in (None, borrower.account_id)
            and first <= sent.at.astimezone(zone).date() < due
        ):
            return None
    return due


def stop_contact(borrower: Borrower) -> bool:
    """A stop-contact (or wrong-number) record covers the outreach channel, or every address.

    An unsubscribe is a stop-contact for its channel: a customer whose every address on a push
    channel was unsubscribed is not contacted.
    """
    return borrower.stop_contact or (borrower.unsubscribed and not borrower.addresses)


def disputed(borrower: Borrower) -> bool:
    """The account is disputed (status) or has an open dispute: collection pauses."""
    return borrower.open_dispute or borrower.account_status == "disputed"


def paused(borrower: Borrower) -> bool:
    """The account's collection is paused, or a person is handling the borrower.

    An outbound message would start a new session in a conversation an agent holds and give
    it back to the bot (a new session is not paused).
    """
    return borrower.account_status == "paused" or borrower.held


def distressed(borrower: Borrower) -> bool:
    """A distress hand-off or outcome was recorded: automated collection stops."""
    return borrower.distress


def quiet(local: dt.datetime, limits: Limits) -> bool:
    """The borrower's local time is in the quiet window."""
    return in_quiet_hours(local.time(), limits.quiet_start, limits.quiet_end)


def over_daily_cap(sent: Sequence[dt.datetime], local: dt.datetime, limits: Limits) -> bool:
    """The borrower already had ``daily_cap`` contacts on this local day."""
    today = local.date()
    return sum(1 for at in sent if at.astimezone(local.tzinfo).date() == today) >= limits.daily_cap


def over_weekly_cap(sent: Sequence[dt.datetime], now: dt.datetime, limits: Limits) -> bool:
    """The borrower already had ``weekly_cap`` contacts in the 7 days before ``now``."""
    return sum(1 for at in sent if now - WEEK < at <= now) >= limits.weekly_cap


def reach(borrower: Borrower, channels: frozenset[str]) -> Address | None:
    """Where a contact goes: the most recently verified address on an enabled channel."""
    return next((a for a in borrower.addresses if a.channel in channels), None)


BORROWER_RULES: tuple[tuple[Rule, Callable[[Borrower], bool]], ...] = (
    (Rule.STOP_CONTACT, stop_contact),
    (Rule.DISPUTE, disputed),
    (Rule.PAUSED, paused),
    (Rule.DISTRESS, distressed),
)
"""The rules that read only the borrower, checked first and in this order."""

RULES: tuple[Rule, ...] = tuple(Rule)
"""Every rule in the order it is checked: the borrower's, quiet hours, the caps, the channel."""


def first_rule(
    borrower: Borrower, now: dt.datetime, limits: Limits, sent: Sequence[dt.datetime]
) -> Rule | None:
    """The first rule that stops a contact to ``borrower`` at ``now``, or None.

    Args:
        borrower: The account's snapshot.
        now: The moment (aware).
        limits: The policy numbers.
        sent: When the customer was contacted (sent, or allowed earlier in this plan).

    Returns:
        The suppressing rule, or None when the contact may go out.
    """
    local = now.astimezone(borrower_zone(borrower, limits.zone))
    for rule, check in BORROWER_RULES:
        if check(borrower):
            return rule
    if quiet(local, limits):
        return Rule.QUIET_HOURS
    if over_daily_cap(sent, local, limits):
        return Rule.DAILY_CAP
    if over_weekly_cap(sent, now, limits):
        return Rule.WEEKLY_CAP
    if reach(borrower, limits.channels) is None:
        return Rule.NO_CHANNEL
    return None


def plan(
    borrowers: Iterable[Borrower],
    now: dt.datetime,
    limits: Limits,
    progress: Callable[[int, int], None] | None = None,
) -> list[Decision]:
    """Decide every contact due at ``now``.

    Args:
        borrowers: One snapshot per account.
        now: The moment (aware).
        limits: The policy numbers.
        progress: Called with (accounts done, accounts in all) every 200 accounts and at the
            end.

    Returns:
        One decision per candidate contact, in the order of the borrowers.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    today = now.astimezone(limits.zone).date()
    counts: dict[int, list[dt.datetime]] = {}
    decisions = []
    todo = list(borrowers)
    for done, borrower in enumerate(todo, start=1):
        sent = counts.setdefault(
            borrower.customer_id, sorted(s.at for s in borrower.sent if s.at <= now)
        )
        local = now.astimezone(borrower_zone(borrower, limits.zone))
        address = reach(borrower, limits.channels)
        for contact in candidates(borrower, today, limits.reminder_lead_days, limits.zone):
            if contact.kind == Kind.OVERDUE and _overdue_sent_today(borrower, local):
                continue
            rule = first_rule(borrower, now, limits, sent)
            if rule is None:
                sent.append(now)
            decisions.append(Decision(contact, rule, local, address))
        if progress is not None and (done % 200 == 0 or done == len(todo)):
            progress(done, len(todo))
    return decisions


def _overdue_sent_today(borrower: Borrower, local: dt.datetime) -> bool:
    return any(
        s.kind == Kind.OVERDUE
        and s.account_id in (None, borrower.account_id)
        and s.at.astimezone(local.tzinfo).date() == local.date()
        for s in borrower.sent
    )
