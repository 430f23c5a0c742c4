import datetime as dt
from zoneinfo import ZoneInfoNotFoundError

import pytest

from bot import settings
from bot.clock import local_now, local_today

# 2026-11-29 17:30 UTC is already 2026-11-30 01:30 in Shanghai
NOW = dt.datetime(2026, 11, 29, 17, 30, tzinfo=dt.timezone.utc)


@pytest.fixture(autouse=True)
def unpinned():
    with settings.override(today=None):
        yield


def test_date_is_the_borrowers_local_date():
    assert local_today("Asia/Shanghai", NOW) == dt.date(2026, 11, 30)
    assert local_today("America/New_York", NOW) == dt.date(2026, 11, 29)


def test_bot_today_pins_the_date_but_keeps_the_time():
    with settings.override(today=dt.date(2026, 1, 5)):
        moment = local_now("Asia/Shanghai", NOW)
    assert moment.date() == dt.date(2026, 1, 5) and (moment.hour, moment.minute) == (1, 30)


def test_rejects_bad_input():
    with pytest.raises(ValueError):
        local_today("Asia/Shanghai", dt.datetime(2026, 1, 1))
    with pytest.raises(ZoneInfoNotFoundError):
        local_today("Mars/Olympus", NOW)
