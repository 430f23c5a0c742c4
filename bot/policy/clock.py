"""Policy-time helpers: today's date and quiet hours in the policy time zone."""

from __future__ import annotations

from datetime import date, datetime

from bot import clock
from bot.policy.config import Policy


def local_today(policy: Policy, now: datetime | None = None) -> date:
    """Return today's date in the policy time zone (``BOT_TODAY`` pins it, see bot.clock).

    Args:
        policy: The issuer policy.
        now: An aware datetime to use instead of the current time (for tests).

    Returns:
        The local date.

    Raises:
        ValueError: If ``now`` is naive.
    """
    return clock.local_today(policy.time_zone, now)


def is_quiet_time(moment: datetime, policy: Policy) -> bool:
    """Tell whether a moment falls in the policy's quiet hours (local time).

    Args:
        moment: An aware datetime.
        policy: The issuer policy.

    Returns:
        True if no outbound collection message may be sent at ``moment``. The window includes
        its start and excludes its end, and may span midnight (22:00-08:00).

    Raises:
        ValueError: If ``moment`` is naive.
    """
    local = _aware(moment).astimezone(policy.zone).time().replace(tzinfo=None)
    start, end = policy.quiet_hours.start, policy.quiet_hours.end
    if start < end:
        return start <= local < end
    return local >= start or local < end


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a time-zone-aware datetime is required")
    return moment
