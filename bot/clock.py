"""The assistant's "now": the policy's time zone, optionally pinned for reproducible runs.

The time zone is the policy file's ``time_zone`` (one source of truth); ``BOT_TODAY=YYYY-MM-DD``
pins the date (the time of day stays real) so that evaluations and conversation tests that
resolve "明天" or "15号" are reproducible.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from zoneinfo import ZoneInfo

TODAY_ENV = "BOT_TODAY"


def pinned_date(environ: Mapping[str, str] | None = None) -> dt.date | None:
    """The date pinned by ``BOT_TODAY``, or None.

    Raises:
        ValueError: ``BOT_TODAY`` is set but not an ISO date.
    """
    value = (os.environ if environ is None else environ).get(TODAY_ENV, "").strip()
    return dt.date.fromisoformat(value) if value else None


def local_now(
    time_zone: str,
    now: dt.datetime | None = None,
    environ: Mapping[str, str] | None = None,
) -> dt.datetime:
    """Return the current aware datetime in ``time_zone`` (honours ``BOT_TODAY``).

    Args:
        time_zone: IANA name, from the policy file.
        now: An aware moment to use instead of the system clock (tests).
        environ: Environment to read instead of ``os.environ`` (tests).

    Raises:
        ValueError: ``now`` is naive or ``BOT_TODAY`` is malformed.
        zoneinfo.ZoneInfoNotFoundError: unknown time zone.
    """
    if now is not None and (now.tzinfo is None or now.utcoffset() is None):
        raise ValueError("a time-zone-aware datetime is required")
    moment = (now or dt.datetime.now(dt.timezone.utc)).astimezone(ZoneInfo(time_zone))
    day = pinned_date(environ)
    return moment.replace(year=day.year, month=day.month, day=day.day) if day else moment


def local_today(
    time_zone: str,
    now: dt.datetime | None = None,
    environ: Mapping[str, str] | None = None,
) -> dt.date:
    """Return today's date in ``time_zone`` (honours ``BOT_TODAY``)."""
    return local_now(time_zone, now, environ).date()
