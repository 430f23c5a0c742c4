"""The scheduler's decisions as a table: each rule suppressing, and the allowed case."""

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest

from bot.policy.outreach import (
    RULES,
    SCRIPTS,
    Borrower,
    Kind,
    Limits,
    Promise,
    Rule,
    Sent,
    candidates,
    first_rule,
    in_quiet_hours,
    plan,
)

BEIJING = ZoneInfo("Asia/Shanghai")
LIMITS = Limits(
    zone=BEIJING,
    quiet_start=dt.time(22, 0),
    quiet_end=dt.time(8, 0),
    daily_cap=1,
    weekly_cap=3,
    reminder_lead_days=3,
)
TODAY = dt.date(2026, 12, 3)
BORROWER = Borrower(
    customer_id=1,
    account_id=1,
    name="张伟",
    account_status="active",
    days_past_due=45,
    owes=True,
    time_zone="Asia/Shanghai",
)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def sent_at(*moments: str) -> tuple[Sent, ...]:
    """Earlier contacts about another promise (so only the caps see them)."""
    return tuple(Sent(at(m), Kind.PROMISE_DUE, 99) for m in moments)


# (case, borrower changes, moment, expected rule)
CASES = [
    ("allowed at 21:59 Beijing", {}, "2026-12-03T21:59+08:00", None),
    ("quiet at 22:00 Beijing", {}, "2026-12-03T22:00+08:00", Rule.QUIET_HOURS),
    ("quiet at 22:30 Beijing", {}, "2026-12-03T22:30+08:00", Rule.QUIET_HOURS),
    ("quiet at 07:59 Beijing", {}, "2026-12-04T07:59+08:00", Rule.QUIET_HOURS),
    ("allowed at 08:00 Beijing", {}, "2026-12-04T08:00+08:00", None),
    ("allowed at 09:00 Beijing", {}, "2026-12-04T09:00+08:00", None),
    (
        "New York borrower: 22:30 Beijing is 09:30 there",
        {"time_zone": "America/New_York"},
        "2026-12-03T22:30+08:00",
        None,
    ),
    (
        "New York borrower: 12:00 Beijing is 23:00 there",
        {"time_zone": "America/New_York"},
        "2026-12-04T12:00+08:00",
        Rule.QUIET_HOURS,
    ),
    (
        "New York borrower: 21:00 Beijing is 08:00 there",
        {"time_zone": "America/New_York"},
        "2026-12-04T21:00+08:00",
        None,
    ),
    (
        "unknown zone: the policy's",
        {"time_zone": "Mars/Olympus"},
        "2026-12-03T22:30+08:00",
        Rule.QUIET_HOURS,
    ),
    ("no zone: the policy's", {"time_zone": None}, "2026-12-03T21:30+08:00", None),
    ("stop-contact", {"stop_contact": True}, "2026-12-03T21:30+08:00", Rule.STOP_CONTACT),
    ("open dispute", {"open_dispute": True}, "2026-12-03T21:30+08:00", Rule.DISPUTE),
    ("disputed status", {"account_status": "disputed"}, "2026-12-03T21:30+08:00", Rule.DISPUTE),
    ("paused account", {"account_status": "paused"}, "2026-12-03T21:30+08:00", Rule.PAUSED),
    ("distress", {"distress": True}, "2026-12-03T21:30+08:00", Rule.DISTRESS),
    (
        "daily cap: one sent this local morning",
        {"sent": sent_at("2026-12-03T09:00+08:00")},
        "2026-12-03T21:30+08:00",
        Rule.DAILY_CAP,
    ),
    (
        "daily cap counts the local day: sent yesterday 21:00",
        {"sent": sent_at("2026-12-02T21:00+08:00")},
        "2026-12-03T09:00+08:00",
        None,
    ),
    (
        "weekly cap: three sent in the last 7 days",
        {
            "sent": sent_at(
                "2026-11-28T10:00+08:00", "2026-11-30T10:00+08:00", "2026-12-02T10:00+08:00"
            )
        },
        "2026-12-03T21:30+08:00",
        Rule.WEEKLY_CAP,
    ),
    (
        "weekly cap: the oldest left the window",
        {
            "sent": sent_at(
                "2026-11-26T10:00+08:00", "2026-11-30T10:00+08:00", "2026-12-02T10:00+08:00"
            )
        },
        "2026-12-03T21:30+08:00",
        None,
    ),
    (
        "order: stop-contact before everything",
        {"stop_contact": True, "open_dispute": True, "account_status": "paused", "distress": True},
        "2026-12-03T22:30+08:00",
        Rule.STOP_CONTACT,
    ),
    (
        "order: dispute before paused, distress, quiet hours",
        {"open_dispute": True, "account_status": "paused", "distress": True},
        "2026-12-03T22:30+08:00",
        Rule.DISPUTE,
    ),
    (
        "order: paused before distress",
        {"account_status": "paused", "distress": True},
        "2026-12-03T22:30+08:00",
        Rule.PAUSED,
    ),
    (
        "order: distress before quiet hours",
        {"distress": True},
        "2026-12-03T22:30+08:00",
        Rule.DISTRESS,
    ),
    (
        "order: quiet hours before the caps",
        {"sent": sent_at("2026-12-03T09:00+08:00")},
        "2026-12-03T22:30+08:00",
        Rule.QUIET_HOURS,
    ),
    (
        "order: daily cap before weekly cap",
        {
            "sent": sent_at(
                "2026-11-30T10:00+08:00", "2026-12-02T10:00+08:00", "2026-12-03T10:00+08:00"
            )
        },
        "2026-12-03T21:30+08:00",
        Rule.DAILY_CAP,
    ),
]


@pytest.mark.parametrize(
    ("changes", "moment", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_rule_and_the_allowed_case(changes, moment, expected) -> None:
    borrower = replace(BORROWER, **changes)
    [decision] = plan([borrower], at(moment), LIMITS)
    assert decision.rule == expected
    assert decision.allowed == (expected is None)
    sent = [s.at for s in borrower.sent]
    assert first_rule(borrower, at(moment), LIMITS, sent) == expected


def test_every_rule_has_a_suppressing_case_and_the_order_is_the_briefs() -> None:
    assert {c[3] for c in CASES} == {*Rule, None}
    assert [r.value for r in RULES] == [
        "stop_contact",
        "dispute",
        "paused",
        "distress",
        "quiet_hours",
        "daily_cap",
        "weekly_cap",
    ]


def test_the_local_time_is_the_borrowers() -> None:
    borrower = replace(BORROWER, time_zone="America/New_York")
    [decision] = plan([borrower], at("2026-12-03T22:30+08:00"), LIMITS)
    assert decision.local_time.strftime("%Y-%m-%d %H:%M") == "2026-12-03 09:30"


@pytest.mark.parametrize(
    ("clock", "quiet"),
    [
        ("21:59", False),
        ("22:00", True),
        ("23:59", True),
        ("00:00", True),
        ("07:59", True),
        ("08:00", False),
        ("12:00", False),
    ],
)
def test_quiet_window_across_midnight(clock, quiet) -> None:
    assert in_quiet_hours(dt.time.fromisoformat(clock), dt.time(22), dt.time(8)) is quiet


def test_quiet_window_within_a_day() -> None:
    assert in_quiet_hours(dt.time(13), dt.time(12), dt.time(14))
    assert not in_quiet_hours(dt.time(14), dt.time(12), dt.time(14))


PROMISES = (
    Promise(10, dt.date(2026, 12, 1), "broken"),
    Promise(11, dt.date(2026, 12, 3), "open"),
    Promise(12, dt.date(2026, 12, 6), "open"),
    Promise(13, dt.date(2026, 12, 7), "open"),
    Promise(14, dt.date(2026, 11, 20), "kept"),
)


def test_candidates_most_pressing_first_each_with_its_outbound_script() -> None:
    found = candidates(replace(BORROWER, promises=PROMISES), TODAY, 3)
    assert [(c.kind, c.promise_id) for c in found] == [
        (Kind.BROKEN_PROMISE, 10),
        (Kind.PROMISE_DUE, 11),
        (Kind.PRE_DUE, 12),  # 3 days ahead; 13 is 4 days ahead
    ]
    assert all(c.script_id == SCRIPTS[c.kind] for c in found)


def test_overdue_follow_up_only_without_an_open_promise() -> None:
    assert [c.kind for c in candidates(BORROWER, TODAY, 3)] == [Kind.OVERDUE]
    assert candidates(replace(BORROWER, days_past_due=0), TODAY, 3) == []
    kept = (Promise(14, dt.date(2026, 11, 20), "kept"),)
    assert [c.kind for c in candidates(replace(BORROWER, promises=kept), TODAY, 3)] == [
        Kind.OVERDUE
    ]


def test_nothing_for_a_settled_or_paid_account_and_no_pre_due_at_lead_zero() -> None:
    assert candidates(replace(BORROWER, account_status="settled"), TODAY, 3) == []
    assert candidates(replace(BORROWER, owes=False), TODAY, 3) == []
    open_soon = (Promise(12, dt.date(2026, 12, 5), "open"),)
    assert candidates(replace(BORROWER, promises=open_soon), TODAY, 0) == []


def test_a_promise_contact_goes_out_once_and_a_broken_promise_waits_for_the_next_allowed_time():
    borrower = replace(BORROWER, promises=(Promise(10, dt.date(2026, 12, 2), "broken"),))
    night = plan([borrower], at("2026-12-03T22:30+08:00"), LIMITS)
    assert [(d.contact.kind, d.rule) for d in night] == [
        (Kind.BROKEN_PROMISE, Rule.QUIET_HOURS),
        (Kind.OVERDUE, Rule.QUIET_HOURS),
    ]
    morning = plan([borrower], at("2026-12-04T08:00+08:00"), LIMITS)
    assert [(d.contact.kind, d.rule) for d in morning] == [
        (Kind.BROKEN_PROMISE, None),
        (Kind.OVERDUE, Rule.DAILY_CAP),  # the broken-promise follow-up took the day's contact
    ]
    done = replace(borrower, sent=(Sent(at("2026-12-04T08:00+08:00"), Kind.BROKEN_PROMISE, 10),))
    assert [d.contact.kind for d in plan([done], at("2026-12-05T09:00+08:00"), LIMITS)] == [
        Kind.OVERDUE
    ]


def test_one_overdue_follow_up_a_local_day() -> None:
    borrower = replace(BORROWER, sent=(Sent(at("2026-12-03T09:00+08:00"), Kind.OVERDUE),))
    limits = replace(LIMITS, daily_cap=3)
    assert plan([borrower], at("2026-12-03T15:00+08:00"), limits) == []
    assert len(plan([borrower], at("2026-12-04T09:00+08:00"), limits)) == 1


def test_contacts_allowed_in_this_plan_count_towards_the_caps() -> None:
    borrower = replace(BORROWER, promises=PROMISES)
    second_account = replace(BORROWER, account_id=2, promises=())
    decisions = plan([borrower, second_account], at("2026-12-03T10:00+08:00"), LIMITS)
    assert [d.rule for d in decisions] == [None, Rule.DAILY_CAP, Rule.DAILY_CAP, Rule.DAILY_CAP]
    earlier = replace(borrower, sent=sent_at("2026-12-01T10:00+08:00"))
    roomy = plan(
        [earlier, second_account],
        at("2026-12-03T10:00+08:00"),
        replace(LIMITS, daily_cap=3, weekly_cap=3),
    )
    assert [d.rule for d in roomy] == [None, None, Rule.WEEKLY_CAP, Rule.WEEKLY_CAP]


def test_a_naive_moment_is_refused_and_progress_is_reported() -> None:
    with pytest.raises(ValueError, match="aware"):
        plan([BORROWER], dt.datetime(2026, 12, 3, 21, 30), LIMITS)
    seen = []
    plan(
        [BORROWER] * 450,
        at("2026-12-03T21:30+08:00"),
        LIMITS,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert seen == [(200, 450), (400, 450), (450, 450)]


def test_contacts_sent_at_the_same_moment_each_count() -> None:
    twice = (Sent(at("2026-12-03T09:00+08:00"), Kind.PROMISE_DUE, 98),) * 2
    limits = replace(LIMITS, daily_cap=2)
    [decision] = plan([replace(BORROWER, sent=twice)], at("2026-12-03T10:00+08:00"), limits)
    assert decision.rule == Rule.DAILY_CAP


def test_an_overdue_follow_up_on_another_account_does_not_count_as_this_ones() -> None:
    other = (Sent(at("2026-12-03T09:00+08:00"), Kind.OVERDUE, None, 2),)
    limits = replace(LIMITS, daily_cap=3)
    [decision] = plan([replace(BORROWER, sent=other)], at("2026-12-03T10:00+08:00"), limits)
    assert (decision.contact.kind, decision.rule) == (Kind.OVERDUE, None)
