from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.policy.clock import is_quiet_time, local_today
from bot.policy.config import parse_policy

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_local_today_uses_the_policy_time_zone(policy):
    late_utc = datetime(2024, 6, 1, 17, 0, tzinfo=timezone.utc)  # 01:00 on 2 June in Shanghai
    assert local_today(policy, late_utc) == date(2024, 6, 2)
    assert isinstance(local_today(policy), date)


def test_naive_datetimes_are_refused(policy):
    with pytest.raises(ValueError, match="aware"):
        local_today(policy, datetime(2024, 6, 1, 12, 0))
    with pytest.raises(ValueError, match="aware"):
        is_quiet_time(datetime(2024, 6, 1, 23, 0), policy)


@pytest.mark.parametrize(
    ("clock", "quiet"),
    [
        (time(21, 59), False),
        (time(22, 0), True),
        (time(23, 30), True),
        (time(0, 0), True),
        (time(7, 59), True),
        (time(8, 0), False),
        (time(12, 0), False),
    ],
)
def test_quiet_hours_span_midnight(policy, clock, quiet):
    moment = datetime.combine(date(2024, 6, 1), clock, tzinfo=SHANGHAI)
    assert is_quiet_time(moment, policy) is quiet


def test_quiet_hours_convert_to_local_time(policy):
    assert is_quiet_time(datetime(2024, 6, 1, 15, 0, tzinfo=timezone.utc), policy)  # 23:00
    assert not is_quiet_time(datetime(2024, 6, 1, 1, 0, tzinfo=timezone.utc), policy)  # 09:00


def test_quiet_window_within_one_day(spec):
    spec["quiet_hours"] = {"start": "12:00", "end": "14:00"}
    lunch = parse_policy(spec)
    assert is_quiet_time(datetime(2024, 6, 1, 13, 0, tzinfo=SHANGHAI), lunch)
    assert not is_quiet_time(datetime(2024, 6, 1, 23, 0, tzinfo=SHANGHAI), lunch)
