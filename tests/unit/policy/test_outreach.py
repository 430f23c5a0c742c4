"""The scheduler's decisions as a table: each rule suppressing, and the allowed case."""

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest

from bot.policy.outreach import (
    RULES,
    SCRIPTS,
    Address,
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
    channels=frozenset({"wechat"}),
)
TODAY = dt.date(2026, 12, 3)
WECHAT = Address("wechat", "wechat-oABC")
TELEGRAM = Address("telegram", "telegram-42")
BORROWER = Borrower(
    customer_id=1,
    account_id=1,
    name="张伟",
    account_status="active",
    days_past_due=45,
    owes=True,
    time_zone="Asia/Shanghai",
    addresses=(WECHAT,),
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
    ("an agent holds the borrower", {"held": True}, "2026-12-04T09:00+08:00", Rule.PAUSED),
    ("distress", {"distress": True}, "2026-12-03T21:30+08:00", Rule.DISTRESS),
    (
        "unsubscribed from the only address: a stop-contact for it",
        {"addresses": (), "unsubscribed": True},
        "2026-12-03T21:30+08:00",
        Rule.STOP_CONTACT,
    ),
    (
        "unsubscribed from one address, still reachable on another",
        {"addresses": (WECHAT,), "unsubscribed": True},
        "2026-12-03T21:30+08:00",
        None,
    ),
    ("no address at all", {"addresses": ()}, "2026-12-03T21:30+08:00", Rule.NO_CHANNEL),
    (
        "an address only on a channel this deployment has not enabled",
        {"addresses": (TELEGRAM,)},
        "2026-12-03T21:30+08:00",
        Rule.NO_CHANNEL,
    ),
    (
        "an enabled channel among the addresses",
        {"addresses": (TELEGRAM, WECHAT)},
        "2026-12-03T21:30+08:00",
        None,
    ),
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
        "order: quiet hours before no channel",
        {"addresses": ()},
        "2026-12-03T22:30+08:00",
        Rule.QUIET_HOURS,
    ),
    (
        "order: the caps before no channel",
        {"addresses": (), "sent": sent_at("2026-12-03T09:00+08:00")},
        "2026-12-03T21:30+08:00",
        Rule.DAILY_CAP,
    ),
    (
        "order: an unsubscribe (stop-contact) before dispute",
        {"addresses": (), "unsubscribed": True, "open_dispute": True},
        "2026-12-03T21:30+08:00",
        Rule.STOP_CONTACT,
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
        "no_channel",
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


def test_a_contact_goes_to_the_most_recently_verified_address_on_an_enabled_channel() -> None:
    older_wechat = Address("wechat", "wechat-old")
    borrower = replace(BORROWER, addresses=(TELEGRAM, WECHAT, older_wechat))
    [decision] = plan([borrower], at("2026-12-03T21:30+08:00"), LIMITS)
    assert decision.address == WECHAT  # telegram is verified later but not enabled here
    both = replace(LIMITS, channels=frozenset({"wechat", "telegram"}))
    assert plan([borrower], at("2026-12-03T21:30+08:00"), both)[0].address == TELEGRAM
    [nowhere] = plan(
        [borrower], at("2026-12-03T21:30+08:00"), replace(LIMITS, channels=frozenset())
    )
    assert (nowhere.rule, nowhere.address) == (Rule.NO_CHANNEL, None)


# A borrower who is not past due, with a statement falling due on 2026-12-06.
CURRENT = replace(BORROWER, days_past_due=0, statement_due_date=dt.date(2026, 12, 6))


def _statement_reminder(sent_on: str) -> tuple[Sent, ...]:
    return (Sent(at(sent_on), Kind.PRE_DUE, None, CURRENT.account_id),)


@pytest.mark.parametrize(
    ("today", "due"),
    [
        (dt.date(2026, 12, 2), False),  # 4 days ahead: outside the 3-day window
        (dt.date(2026, 12, 3), True),  # 3 days ahead
        (dt.date(2026, 12, 5), True),  # the day before
        (dt.date(2026, 12, 6), False),  # the due day itself: no "pre"-due reminder
        (dt.date(2026, 12, 7), False),  # past the date
    ],
)
def test_a_pre_due_reminder_from_the_statement_due_date(today: dt.date, due: bool) -> None:
    found = candidates(CURRENT, today, 3, BEIJING)
    assert [(c.kind, c.statement_due_date) for c in found] == (
        [(Kind.PRE_DUE, dt.date(2026, 12, 6))] if due else []
    )
    assert all(c.script_id == SCRIPTS[Kind.PRE_DUE] and c.promise_id is None for c in found)


def test_a_statement_reminder_goes_out_once_per_statement_due_date() -> None:
    # Sent on 12-03 at 23:30 Beijing (15:30 UTC): the 12-03 of the window, counted once.
    reminded = replace(CURRENT, sent=_statement_reminder("2026-12-03T15:30+00:00"))
    assert candidates(reminded, dt.date(2026, 12, 4), 3, BEIJING) == []
    # A reminder sent before this window was for an earlier statement.
    earlier = replace(CURRENT, sent=_statement_reminder("2026-11-04T10:00+08:00"))
    assert [c.kind for c in candidates(earlier, dt.date(2026, 12, 4), 3, BEIJING)] == [Kind.PRE_DUE]
    # A promise's pre-due reminder, or another account's, is not this statement's.
    other = (
        Sent(at("2026-12-03T10:00+08:00"), Kind.PRE_DUE, 12, CURRENT.account_id),
        Sent(at("2026-12-03T10:00+08:00"), Kind.PRE_DUE, None, 2),
    )
    assert len(candidates(replace(CURRENT, sent=other), dt.date(2026, 12, 4), 3, BEIJING)) == 1
    # The next statement due date gets its own reminder.
    next_month = replace(reminded, statement_due_date=dt.date(2027, 1, 6))
    assert len(candidates(next_month, dt.date(2027, 1, 4), 3, BEIJING)) == 1


def test_no_statement_reminder_past_due_without_a_date_or_at_lead_zero() -> None:
    past_due = replace(CURRENT, days_past_due=1)
    assert [c.kind for c in candidates(past_due, TODAY, 3, BEIJING)] == [Kind.OVERDUE]
    assert candidates(replace(CURRENT, statement_due_date=None), TODAY, 3, BEIJING) == []
    assert candidates(CURRENT, TODAY, 0, BEIJING) == []


def test_the_statement_reminder_is_planned_under_the_same_rules() -> None:
    [night] = plan([CURRENT], at("2026-12-03T22:30+08:00"), LIMITS)
    assert (night.contact.kind, night.rule) == (Kind.PRE_DUE, Rule.QUIET_HOURS)
    [morning] = plan([CURRENT], at("2026-12-04T09:00+08:00"), LIMITS)
    assert (morning.contact.statement_due_date, morning.rule) == (dt.date(2026, 12, 6), None)
    sent = replace(CURRENT, sent=_statement_reminder("2026-12-04T09:00+08:00"))
    assert plan([sent], at("2026-12-05T09:00+08:00"), LIMITS) == []
