import datetime as dt
from decimal import Decimal

import pytest

from bot.db.settings import make_engine, session_scope
from bot.web import dashboard
from bot.web.tracker import TrackerReader
from tests.unit.web.sample_data import ZONE


def _period(tracker_url, session_factory, start, end) -> dashboard.Period:
    reader = TrackerReader(make_engine(tracker_url, sqlite_foreign_keys=False))
    with session_scope(session_factory) as session:
        return dashboard.daily_stats(reader, session, start, end, ZONE)


def test_rate() -> None:
    assert dashboard.rate(1, 3) == Decimal("0.3333")
    assert dashboard.rate(2, 3) == Decimal("0.6667")
    assert dashboard.rate(0, 0) is None


def test_period_defaults_and_limits() -> None:
    today = dt.date(2026, 11, 30)
    assert dashboard.period(None, None, today) == (dt.date(2026, 11, 17), today)
    assert dashboard.period(dt.date(2026, 11, 1), None, today) == (dt.date(2026, 11, 1), today)
    with pytest.raises(dashboard.DashboardError):
        dashboard.period(dt.date(2026, 12, 1), dt.date(2026, 11, 1), today)
    with pytest.raises(dashboard.DashboardError):
        dashboard.period(dt.date(2024, 1, 1), today, today)


def test_daily_counts(tracker_url, session_factory) -> None:
    period = _period(tracker_url, session_factory, dt.date(2026, 11, 27), dt.date(2026, 11, 30))
    by_day = {d.day.isoformat(): d for d in period.days}
    assert list(by_day) == ["2026-11-27", "2026-11-28", "2026-11-29", "2026-11-30"]
    assert by_day["2026-11-27"] == dashboard.DayStats(day=dt.date(2026, 11, 27))
    first = by_day["2026-11-28"]
    assert (first.conversations, first.verified, first.plans, first.promises) == (1, 1, 1, 1)
    assert (first.promises_kept, first.kept_rate, first.verified_rate) == (1, 1, 1)
    second = by_day["2026-11-29"]
    assert (second.conversations, second.handoffs, second.verified_rate) == (2, 2, 0)
    third = by_day["2026-11-30"]
    assert (third.conversations, third.blocked, third.plan_rate) == (2, 1, 0)
    totals = period.totals
    assert (totals.conversations, totals.handoffs, totals.blocked, totals.plans) == (5, 2, 1, 1)
    assert totals.verified_rate == Decimal("0.2000")
    assert totals.as_dict()["verified_rate"] == 0.2
    assert totals.as_dict()["day"] is None


def test_days_are_local_days(tracker_url, session_factory) -> None:
    period = _period(tracker_url, session_factory, dt.date(2026, 11, 28), dt.date(2026, 11, 28))
    assert period.totals.conversations == 1
    assert period.days[0].as_dict()["kept_rate"] == 1.0


def test_a_conversation_spanning_days_counts_once_in_totals(tmp_path, session_factory) -> None:
    from tests.unit.web.sample_data import DAY_1, conversation_plan, write_tracker

    url = f"sqlite:///{tmp_path / 't.db'}"
    late = DAY_1.replace(hour=23, minute=59, second=58)
    write_tracker(url, {"night-owl": conversation_plan(late)})
    period = _period(url, session_factory, dt.date(2026, 11, 28), dt.date(2026, 11, 29))
    assert [d.conversations for d in period.days] == [1, 1]
    assert period.totals.conversations == 1


def test_outbound_contacts_per_outcome_and_reason(tracker_url, session_factory) -> None:
    period = _period(tracker_url, session_factory, dt.date(2026, 11, 27), dt.date(2026, 11, 30))
    assert [(r.status.value, r.reason, r.contacts) for r in period.contacts] == [
        ("sent", None, 1),
        ("failed", "rasa_unavailable", 1),
        ("suppressed", "quiet_hours", 1),  # held at two runs of the same day: one contact
        ("suppressed", "no_channel", 1),
    ]
    first_day = _period(tracker_url, session_factory, dt.date(2026, 11, 28), dt.date(2026, 11, 28))
    assert [r.as_dict() for r in first_day.contacts] == [
        {"status": "sent", "reason": None, "contacts": 1}
    ]


def test_every_rule_and_failure_reason_has_a_label() -> None:
    from bot.outreach.planner import Failure
    from bot.policy.outreach import Rule

    assert set(dashboard.CONTACT_REASONS) == {r.value for r in Rule} | {f.value for f in Failure}
