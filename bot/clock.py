"""The assistant's notion of "now": the policy time zone, optionally pinned for tests.

``BOT_TODAY=YYYY-MM-DD`` pins the date (the time of day stays real) so that evaluations and
conversation tests that resolve "明天" or "15号" are reproducible; ``BOT_TIMEZONE`` overrides the
time zone (default Asia/Shanghai).
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Shanghai"


def local_now(time_zone: str | None = None) -> dt.datetime:
    """Return the current aware datetime in the borrower's time zone (honours BOT_TODAY)."""
    zone = ZoneInfo(time_zone or os.environ.get("BOT_TIMEZONE") or DEFAULT_TIMEZONE)
    now = dt.datetime.now(zone)
    pinned = os.environ.get("BOT_TODAY")
    if pinned:
        day = dt.date.fromisoformat(pinned)
        now = now.replace(year=day.year, month=day.month, day=day.day)
    return now


def local_today(time_zone: str | None = None) -> dt.date:
    """Return today's date in the borrower's time zone (honours BOT_TODAY)."""
    return local_now(time_zone).date()
