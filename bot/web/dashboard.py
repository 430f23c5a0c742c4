"""Daily counts and rates for the dashboard (data module).

Days are local days in the policy time zone. A conversation counts on every day it has a user
message (once in the totals); the other figures count rows of our tables created that day:
verified conversations (a successful verification), plans, promises (and how many of them were
kept or broken), disputes, hand-offs and messages blocked by the guard.

Outbound contacts (``python -m bot.outreach send``) are counted for the whole period
(:func:`contact_counts`): sent, failed per reason, suppressed per rule. Each contact (an
account, a kind, a promise) counts once per local day and outcome, however many runs of that
day stored it (a run every hour stores a contact held by quiet hours at each run).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import (
    AttemptStatus,
    ComplianceEvent,
    ContactAttempt,
    Dispute,
    Handoff,
    PromiseStatus,
    PromiseToPay,
    RepaymentPlan,
    VerificationAttempt,
)
from bot.policy.outreach import RULES
from bot.web.tracker import TrackerReader

logger = logging.getLogger(__name__)

MAX_DAYS = 366
DEFAULT_DAYS = 14


class DashboardError(ValueError):
    """The requested period is invalid."""


@dataclass(frozen=True)
class DayStats:
    """The figures of one day (or of a whole period)."""

    day: dt.date | None
    conversations: int = 0
    verified: int = 0
    plans: int = 0
    promises: int = 0
    promises_kept: int = 0
    promises_broken: int = 0
    disputes: int = 0
    handoffs: int = 0
    blocked: int = 0

    @property
    def verified_rate(self) -> Decimal | None:
        """Verified conversations per conversation."""
        return rate(self.verified, self.conversations)

    @property
    def plan_rate(self) -> Decimal | None:
        """Plans per conversation."""
        return rate(self.plans, self.conversations)

    @property
    def promise_rate(self) -> Decimal | None:
        """Promises per conversation."""
        return rate(self.promises, self.conversations)

    @property
    def kept_rate(self) -> Decimal | None:
        """Kept promises among the promises already settled (kept or broken)."""
        return rate(self.promises_kept, self.promises_kept + self.promises_broken)

    def as_dict(self) -> dict[str, Any]:
        """Return the figures and rates as JSON-ready values."""
        counts = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "day"}
        rates = {
            name: None if value is None else float(value)
            for name, value in (
                ("verified_rate", self.verified_rate),
                ("plan_rate", self.plan_rate),
                ("promise_rate", self.promise_rate),
                ("kept_rate", self.kept_rate),
            )
        }
        return {"day": self.day.isoformat() if self.day else None, **counts, **rates}


CONTACT_STATUSES = {
    AttemptStatus.SENT: "已发送",
    AttemptStatus.FAILED: "发送失败",
    AttemptStatus.SUPPRESSED: "已拦截",
}
"""The outcomes of an outbound contact the dashboard shows, in its order (``planned`` is a
contact being sent, not an outcome)."""

CONTACT_REASONS = {
    "stop_contact": "停止联系",
    "dispute": "异议处理中",
    "paused": "暂停催收",
    "distress": "情绪危机",
    "quiet_hours": "免打扰时段",
    "daily_cap": "当日次数上限",
    "weekly_cap": "7日次数上限",
    "no_channel": "无可用渠道",
    "guard": "合规拦截",
    "rasa_unavailable": "Rasa 不可用",
    "channel_error": "渠道发送失败",
    "interrupted": "发送中断",
    "unconfirmed": "未确认送达",
}
"""Labels of the rules (``bot.policy.outreach.Rule``) and the failure reasons
(``bot.outreach.planner.Failure``)."""


@dataclass(frozen=True)
class ContactRow:
    """Outbound contacts of the period with one outcome (and one reason)."""

    status: AttemptStatus
    reason: str | None
    contacts: int

    @property
    def status_label(self) -> str:
        """The outcome, as the page says it."""
        return CONTACT_STATUSES[self.status]

    @property
    def reason_label(self) -> str:
        """The rule or failure reason, as the page says it ("" when sent)."""
        return CONTACT_REASONS.get(self.reason, self.reason) if self.reason else ""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"status": self.status.value, "reason": self.reason, "contacts": self.contacts}


@dataclass(frozen=True)
class Period:
    """The days shown, their totals, and the outbound contacts of the period."""

    start: dt.date
    end: dt.date
    days: list[DayStats]
    totals: DayStats
    contacts: tuple[ContactRow, ...] = ()


def rate(part: int, whole: int) -> Decimal | None:
    """Return ``part / whole`` rounded to 4 places, or ``None`` when ``whole`` is 0."""
    if whole <= 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def period(start: dt.date | None, end: dt.date | None, today: dt.date) -> tuple[dt.date, dt.date]:
    """Return the period to show: the given days, or the last ``DEFAULT_DAYS`` up to today.

    Raises:
        DashboardError: Start after end, or longer than ``MAX_DAYS``.
    """
    end = end or today
    start = start or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise DashboardError("开始日期晚于结束日期")
    if (end - start).days + 1 > MAX_DAYS:
        raise DashboardError(f"最多显示 {MAX_DAYS} 天")
    return start, end


def _bounds(start: dt.date, end: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    first = dt.datetime.combine(start, dt.time(), tzinfo=zone)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return first.astimezone(dt.timezone.utc), after.astimezone(dt.timezone.utc)


def _local_day(moment: dt.datetime, zone: ZoneInfo) -> dt.date:
    return moment.astimezone(zone).date()


def _count_rows(
    session: Session, column: Any, since: dt.datetime, until: dt.datetime, *extra: Any
) -> list[Any]:
    statement = select(column).where(column >= since, column < until, *extra)
    return list(session.execute(statement).scalars())


def daily_stats(
    reader: TrackerReader,
    session: Session,
    start: dt.date,
    end: dt.date,
    zone: ZoneInfo,
) -> Period:
    """Count conversations and outcomes per local day from ``start`` to ``end`` inclusive."""
    since, until = _bounds(start, end, zone)
    counts: dict[dt.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    conversations: dict[dt.date, set[str]] = defaultdict(set)
    for sender, timestamp in reader.user_messages(since.timestamp(), until.timestamp()):
        moment = dt.datetime.fromtimestamp(timestamp, tz=dt.timezone.utc)
        conversations[_local_day(moment, zone)].add(sender)
    for day, senders in conversations.items():
        counts[day]["conversations"] = len(senders)

    verified: dict[dt.date, set[str]] = defaultdict(set)
    rows = session.execute(
        select(VerificationAttempt.at, VerificationAttempt.conversation_id).where(
            VerificationAttempt.at >= since,
            VerificationAttempt.at < until,
            VerificationAttempt.success.is_(True),
        )
    )
    for moment, conversation_id in rows:
        verified[_local_day(moment, zone)].add(conversation_id)
    for day, ids in verified.items():
        counts[day]["verified"] = len(ids)

    simple = (
        ("plans", RepaymentPlan.created_at),
        ("disputes", Dispute.created_at),
        ("handoffs", Handoff.created_at),
        ("blocked", ComplianceEvent.at),
    )
    for name, column in simple:
        for moment in _count_rows(session, column, since, until):
            counts[_local_day(moment, zone)][name] += 1

    promises = session.execute(
        select(PromiseToPay.created_at, PromiseToPay.status).where(
            PromiseToPay.created_at >= since, PromiseToPay.created_at < until
        )
    )
    for moment, status in promises:
        day = _local_day(moment, zone)
        counts[day]["promises"] += 1
        if status == PromiseStatus.KEPT:
            counts[day]["promises_kept"] += 1
        elif status == PromiseStatus.BROKEN:
            counts[day]["promises_broken"] += 1

    days = [
        DayStats(day=day, **counts.get(day, {}))
        for day in (start + dt.timedelta(days=n) for n in range((end - start).days + 1))
    ]
    # A conversation (or a verification) spanning two days counts once in the totals.
    overall = replace(
        totals(days),
        conversations=len(set().union(*conversations.values())),
        verified=len(set().union(*verified.values())),
    )
    return Period(start, end, days, overall, contact_counts(session, since, until, zone))


def _reason_order(row: ContactRow) -> tuple[int, int, str]:
    statuses = list(CONTACT_STATUSES)
    rules = [rule.value for rule in RULES]
    reason = row.reason or ""
    rank = rules.index(reason) if reason in rules else len(rules)
    return statuses.index(row.status), rank, reason


def contact_counts(
    session: Session, since: dt.datetime, until: dt.datetime, zone: ZoneInfo
) -> tuple[ContactRow, ...]:
    """Outbound contacts in ``[since, until)`` per outcome and reason.

    A contact (account, kind, promise) counts once per local day and outcome.
    """
    rows = session.execute(
        select(
            ContactAttempt.at,
            ContactAttempt.account_id,
            ContactAttempt.kind,
            ContactAttempt.promise_id,
            ContactAttempt.status,
            ContactAttempt.rule,
        ).where(
            ContactAttempt.at >= since,
            ContactAttempt.at < until,
            ContactAttempt.status.in_(list(CONTACT_STATUSES)),
        )
    )
    seen: set[tuple[Any, ...]] = set()
    counts: dict[tuple[AttemptStatus, str | None], int] = defaultdict(int)
    for moment, account_id, kind, promise_id, status, rule in rows:
        key = (_local_day(moment, zone), account_id, kind, promise_id, status, rule)
        if key not in seen:
            seen.add(key)
            counts[AttemptStatus(status), rule] += 1
    found = [ContactRow(status, reason, n) for (status, reason), n in counts.items()]
    return tuple(sorted(found, key=_reason_order))


def totals(days: Iterable[DayStats]) -> DayStats:
    """Sum the counts of several days (rates follow from the sums)."""
    names = [f.name for f in fields(DayStats) if f.name != "day"]
    sums = dict.fromkeys(names, 0)
    for day in days:
        for name in names:
            sums[name] += getattr(day, name)
    return DayStats(day=None, **sums)
