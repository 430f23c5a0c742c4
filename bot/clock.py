"""The assistant's "now": the policy's time zone, optionally pinned for reproducible runs.

The time zone is the policy file's ``time_zone`` (one source of truth); ``BOT_TODAY=YYYY-MM-DD``
(read by :mod:`bot.settings`) pins the date (the time of day stays real) so that evaluations and
conversation tests that resolve "明天" or "15号" are reproducible.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot import settings


def local_now(time_zone: str, now: dt.datetime | None = None) -> dt.datetime:
    """Return the current aware datetime in ``time_zone`` (honours ``BOT_TODAY``).

    Args:
        time_zone: IANA name, from the policy file.
        now: An aware moment to use instead of the system clock (tests).

    Raises:
        ValueError: ``now`` is naive.
        bot.settings.ConfigError: ``BOT_TODAY`` is malformed (a ``ValueError``).
        zoneinfo.ZoneInfoNotFoundError: unknown time zone.
    """
    if now is not None and (now.tzinfo is None or now.utcoffset() is None):
        raise ValueError("a time-zone-aware datetime is required")
    moment = (now or dt.datetime.now(dt.timezone.utc)).astimezone(ZoneInfo(time_zone))
    day = settings.current().today
    return moment.replace(year=day.year, month=day.month, day=day.day) if day else moment


def local_today(time_zone: str, now: dt.datetime | None = None) -> dt.date:
    """Return today's date in ``time_zone`` (honours ``BOT_TODAY``)."""
    return local_now(time_zone, now).date()


def parse_moment(text: str | None, zone: ZoneInfo) -> dt.datetime:
    """The moment a command line's ``--at`` names (now, in UTC, when it names none).

    ISO 8601 ("2026-12-03T21:30+08:00", "...Z"); read in ``zone`` when it gives no offset.

    Raises:
        ValueError: Not an ISO date-time.
    """
    if text is None:
        return dt.datetime.now(dt.timezone.utc)
    moment = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)
