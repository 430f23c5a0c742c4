"""``python -m bot.outreach plan`` and ``record`` on a migrated SQLite database with demo data
(WeChat enabled, see conftest.py)."""

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot import settings
from bot.db import channel_addresses
from bot.db.models import (
    AccountStatus,
    AttemptStatus,
    Channel,
    ContactAttempt,
    HandoffReason,
    HandoffStatus,
    PromiseStatus,
    PromiseToPay,
    Urgency,
)
from bot.db.repositories import Repositories
from bot.db.settings import session_scope
from bot.outreach import __main__ as cli
from bot.outreach.planner import plan_contacts, record
from bot.policy import load_policy
from bot.policy.outreach import SCRIPTS, Rule
from bot.scripts import load_library

NIGHT = "2026-12-03T21:30+08:00"
LATE = "2026-12-03T22:30+08:00"
MORNING = "2026-12-04T09:00+08:00"
LATE_AT = dt.datetime.fromisoformat(LATE)


def _plan(capsys: pytest.CaptureFixture[str], moment: str) -> list[str]:
    assert cli.main(["plan", "--at", moment]) == 0
    return capsys.readouterr().out.splitlines()


def _attempts(factory: sessionmaker) -> int:
    with session_scope(factory) as session:
        return session.execute(select(func.count(ContactAttempt.id))).scalar_one()


def test_demo_accounts_at_2130_2230_and_0900_beijing(factory, capsys) -> None:
    night = _plan(capsys, NIGHT)
    assert night[0].endswith("3 contacts, 3 to send, 0 suppressed")
    assert night[1:] == [
        f"send     account {n} {name} overdue outreach.overdue_follow_up via wechat"
        " local 2026-12-03 21:30 CST"
        for n, name in ((1, "张*"), (2, "李*"), (3, "王*"))  # names masked
    ]
    late = _plan(capsys, LATE)
    assert late[0].endswith("3 contacts, 0 to send, 3 suppressed (quiet_hours 3)")
    assert all(line.endswith("rule quiet_hours") for line in late[1:]) and len(late) == 4
    morning = _plan(capsys, MORNING)
    assert morning[0].endswith("3 contacts, 3 to send, 0 suppressed")
    assert all(line.startswith("send ") and "2026-12-04 09:00" in line for line in morning[1:])
    assert _attempts(factory) == 0  # a dry run stores nothing


def test_without_wechat_token_the_demo_accounts_can_be_reached_nowhere(factory, capsys) -> None:
    with settings.override(push_channels=frozenset()):
        night = _plan(capsys, NIGHT)
        late = _plan(capsys, LATE)
        morning = _plan(capsys, MORNING)
    assert night[0].endswith("3 contacts, 0 to send, 3 suppressed (no_channel 3)")
    assert all(line.endswith("rule no_channel") and " via " not in line for line in night[1:])
    assert late[0].endswith("3 suppressed (quiet_hours 3)")  # the earlier rule is named
    assert morning[0].endswith("3 suppressed (no_channel 3)")


def test_an_unsubscribe_stops_outreach_to_that_customer(factory, capsys) -> None:
    with session_scope(factory) as session:
        channel_addresses.unsubscribe(session, channel="wechat", address="oDEMO1", now=LATE_AT)
    morning = _plan(capsys, MORNING)
    assert morning[1].startswith("suppress account 1 张*") and morning[1].endswith(
        "rule stop_contact"
    )
    assert morning[2].startswith("send     account 2 李*")


def test_no_outreach_while_a_person_at_the_desk_handles_the_borrower(factory, capsys) -> None:
    with session_scope(factory) as session:
        handoff = Repositories(session).handoffs.add(
            conversation_id="wechat-oDEMO1", reason=HandoffReason.REQUEST
        )
    held = _plan(capsys, MORNING)
    assert held[1].startswith("suppress account 1 张*") and held[1].endswith("rule paused")
    assert all(line.startswith("send ") for line in held[2:])
    with session_scope(factory) as session:
        Repositories(session).handoffs.get(handoff.id).status = HandoffStatus.CLOSED
    assert _plan(capsys, MORNING)[1].startswith("send     account 1 张*")


def test_a_promise_due_yesterday_and_unpaid_shows_broken_as_send_will_settle_it(
    factory, capsys
) -> None:
    with session_scope(factory) as session:
        Repositories(session).promises.add(
            account_id=1, amount="1258.00", due_date=dt.date(2026, 12, 2)
        )
    late = _plan(capsys, LATE)
    assert late[1].startswith("suppress account 1 张* broken_promise promise 1")
    assert late[1].endswith("rule quiet_hours")
    morning = _plan(capsys, MORNING)
    assert morning[1].startswith("send     account 1 张* broken_promise promise 1")
    with session_scope(factory) as session:  # the dry run stored nothing, settled nothing
        assert session.get(PromiseToPay, 1).status == PromiseStatus.OPEN


def test_a_statement_falling_due_soon_gets_a_pre_due_reminder(factory, capsys) -> None:
    with session_scope(factory) as session:
        account = Repositories(session).accounts.get(2)
        account.days_past_due = 0
        account.statement_due_date = dt.date(2026, 12, 6)
    morning = _plan(capsys, MORNING)
    assert morning[2] == (
        "send     account 2 李* pre_due statement 2026-12-06 outreach.pre_due_reminder"
        " via wechat local 2026-12-04 09:00 CST"
    )


def _scene(factory: sessionmaker) -> None:
    """张伟 broke a promise; 李娜 disputes; 王强 asked to stop."""
    with session_scope(factory) as session:
        repos = Repositories(session)
        promise = repos.promises.add(account_id=1, amount="1258.00", due_date=dt.date(2026, 12, 2))
        repos.promises.set_status(promise.id, PromiseStatus.BROKEN)
        repos.disputes.add(account_id=2, reason="金额不对")
        repos.contact_preferences.add(
            mobile="13700003333", channel=Channel.ALL, stop_contact=True, customer_id=3
        )


def test_each_rule_named_on_the_demo_accounts(factory, capsys) -> None:
    _scene(factory)
    late = _plan(capsys, LATE)
    assert late[0].endswith(
        "4 contacts, 0 to send, 4 suppressed (dispute 1, quiet_hours 2, stop_contact 1)"
    )
    assert late[1].startswith("suppress account 1 张* broken_promise promise 1 outreach.broken")
    assert late[1].endswith("rule quiet_hours")
    assert late[3].endswith("rule dispute") and late[4].endswith("rule stop_contact")
    morning = _plan(capsys, MORNING)
    assert [line.split()[0] for line in morning[1:]] == ["send", "suppress", "suppress", "suppress"]
    assert morning[2].startswith("suppress account 1 张* overdue")
    assert morning[2].endswith("rule daily_cap")


def test_paused_and_distress_and_a_borrower_abroad(factory, capsys) -> None:
    with session_scope(factory) as session:
        repos = Repositories(session)
        repos.accounts.set_status(1, AccountStatus.PAUSED)
        repos.handoffs.add(
            conversation_id="c-2",
            account_id=2,
            customer_id=2,
            reason=HandoffReason.DISTRESS,
            urgency=Urgency.URGENT,
        )
        repos.customers.get(3).time_zone = "America/New_York"
    lines = _plan(capsys, LATE)
    assert lines[1].endswith("rule paused") and lines[2].endswith("rule distress")
    assert lines[3].startswith("send     account 3 王*") and "2026-12-03 09:30 EST" in lines[3]


def test_record_stores_allowed_and_suppressed_and_sent_contacts_count_towards_the_caps(
    factory,
) -> None:
    policy = load_policy()
    late = dt.datetime.fromisoformat(LATE)
    with session_scope(factory) as session:
        attempts = record(session, plan_contacts(session, policy, late), now=late)
        assert [(a.status, a.rule) for a in attempts] == [
            (AttemptStatus.SUPPRESSED, "quiet_hours")
        ] * 3
    morning = dt.datetime.fromisoformat(MORNING)
    with session_scope(factory) as session:
        attempts = record(session, plan_contacts(session, policy, morning), now=morning)
        assert [(a.status, a.rule) for a in attempts] == [(AttemptStatus.PLANNED, None)] * 3
        repos = Repositories(session)
        repos.contact_attempts.mark_sent(attempts[0].id, morning)
        with pytest.raises(ValueError, match="not planned"):
            repos.contact_attempts.mark_sent(attempts[0].id, morning)
    assert _attempts(factory) == 6
    later = morning + dt.timedelta(hours=3)
    with session_scope(factory) as session:
        decisions = plan_contacts(session, policy, later)
        # 张伟 had today's contact (and its overdue follow-up); the others were only planned.
        assert [(d.contact.borrower.account_id, d.rule) for d in decisions] == [
            (2, None),
            (3, None),
        ]
        record(session, decisions, now=later, status="sent")
        sent = Repositories(session).contact_attempts.sent_since(morning)
        assert [a.account_id for a in sent] == [1, 2, 3]
    with session_scope(factory) as session:
        tomorrow = dt.datetime.fromisoformat("2026-12-05T09:00+08:00")
        assert [d.rule for d in plan_contacts(session, policy, tomorrow)] == [None] * 3
        daily = [d.rule for d in plan_contacts(session, policy, later + dt.timedelta(hours=1))]
        assert daily == []  # one overdue follow-up a local day, already sent to each


def test_record_refuses_suppressed_as_a_status_and_a_rule_without_suppression(factory) -> None:
    with session_scope(factory) as session:
        with pytest.raises(ValueError):
            record(session, [], now=dt.datetime.fromisoformat(LATE), status="suppressed")
        with pytest.raises(ValueError, match="names its reason"):
            Repositories(session).contact_attempts.add(
                customer_id=1,
                account_id=1,
                kind="overdue",
                script_id="x",
                status="suppressed",
                at=dt.datetime.fromisoformat(LATE),
            )


def test_every_contact_names_an_approved_outbound_script() -> None:
    library = load_library()
    assert {library.outbound(script_id).id for script_id in SCRIPTS.values()} == set(
        SCRIPTS.values()
    )
    assert {s.id for s in library if s.outbound} == set(SCRIPTS.values())


def test_bad_at_exits_2(factory, capsys) -> None:
    assert cli.main(["plan", "--at", "tomorrow"]) == 2
    assert "error:" in capsys.readouterr().err


def test_a_naive_at_is_read_in_the_policy_zone(factory, capsys) -> None:
    lines = _plan(capsys, "2026-12-03T22:30")
    assert lines[0].startswith("plan at 2026-12-03T22:30:00+08:00")
    assert Rule.QUIET_HOURS.value in lines[1]


def test_long_runs_show_a_counter_on_stderr(factory, capsys, monkeypatch) -> None:
    monkeypatch.setattr(cli, "PROGRESS_FROM", 3)
    assert cli.main(["plan", "--at", NIGHT]) == 0
    assert capsys.readouterr().err == "\r3/3 accounts\n"
    monkeypatch.setattr(cli, "PROGRESS_FROM", 4)
    assert cli.main(["plan", "--at", NIGHT]) == 0
    assert capsys.readouterr().err == ""
