"""``python -m bot.outreach send`` on the demo accounts against a stand-in for Rasa's HTTP API
(WeChat enabled, see conftest.py)."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot import settings
from bot.db.models import ContactAttempt, PromiseStatus, PromiseToPay
from bot.db.repositories import Repositories
from bot.db.settings import make_engine, session_scope
from bot.outreach import __main__ as cli
from bot.outreach import sender
from bot.outreach.lock import send_lock
from bot.scripts import load_library
from tests.unit.outreach.rasa_stub import HANG, RasaStub, rasa_stub

LATE = dt.datetime.fromisoformat("2026-12-03T22:30+08:00")
MORNING = dt.datetime.fromisoformat("2026-12-04T09:00+08:00")
TOKEN = "stub-token"


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[RasaStub]:
    with rasa_stub() as running:
        monkeypatch.setenv("RASA_URL", running.url + "/")
        monkeypatch.setenv("RASA_TOKEN", TOKEN)
        yield running


def clock(*moments: dt.datetime) -> Callable[[], dt.datetime]:
    """The first moment, then the next at each call; the last one from then on."""
    left = list(moments)

    def now() -> dt.datetime:
        return left.pop(0) if len(left) > 1 else left[0]

    return now


def send(capsys: pytest.CaptureFixture[str], *moments: dt.datetime) -> tuple[int, list[str]]:
    status = cli.main(["send"], clock=clock(*moments))
    return status, capsys.readouterr().out.splitlines()


def attempts(factory: sessionmaker) -> list[tuple[int, str, str, str | None]]:
    with session_scope(factory) as session:
        rows = session.scalars(select(ContactAttempt).order_by(ContactAttempt.id))
        return [(a.account_id, a.kind.value, a.status.value, a.rule) for a in rows]


def test_each_contact_starts_a_conversation_on_the_borrowers_channel(stub, factory, capsys) -> None:
    status, lines = send(capsys, MORNING)
    assert status == 0
    assert lines[0] == (
        "send at 2026-12-04T09:00:00+08:00: 3 contacts, 3 sent, 0 failed, 0 suppressed"
    )
    assert lines[1] == (
        "sent     account 1 张* overdue outreach.overdue_follow_up via wechat"
        " local 2026-12-04 09:00 CST"
    )
    assert [r.path for r in stub.received] == [
        f"/conversations/wechat-oDEMO{n}/tracker/events" for n in (1, 2, 3)
    ]
    assert {tuple(sorted(r.query.items())) for r in stub.received} == {
        (("execute_side_effects", "true"), ("output_channel", "wechat"), ("token", TOKEN))
    }
    expected = load_library().render(
        "outreach.overdue_follow_up",
        {"institution": "示例银行信用卡中心", "hotline": "400-800-0000"},
    )
    ids = [a.id for a in _sent(factory)]
    assert stub.received[0].body == [
        {"event": "action", "name": "action_session_start"},
        {"event": "session_started"},
        {"event": "action", "name": "action_listen"},
        {
            "event": "bot",
            "text": expected.text,
            "metadata": {
                "script_id": "outreach.overdue_follow_up",
                "script_version": expected.version,
                "outreach_attempt_id": ids[0],
            },
        },
    ]
    assert "{" not in expected.text and "停止联系" in expected.text
    assert attempts(factory) == [(n, "overdue", "sent", None) for n in (1, 2, 3)]


def _sent(factory: sessionmaker) -> list[ContactAttempt]:
    with session_scope(factory) as session:
        return Repositories(session).contact_attempts.sent_since(MORNING - dt.timedelta(days=1))


def test_a_second_run_sends_nothing_more_and_retries_what_failed(stub, factory, capsys) -> None:
    stub.statuses = [200, 500, 200]
    status, lines = send(capsys, MORNING)
    assert status == 1
    assert lines[0].endswith("3 contacts, 2 sent, 1 failed (channel_error 1), 0 suppressed")
    assert lines[2].startswith("failed   account 2 李*") and lines[2].endswith(
        "reason channel_error"
    )
    status, lines = send(capsys, MORNING + dt.timedelta(minutes=5))
    assert status == 0
    # Only 李娜's follow-up is tried again; the others had today's overdue follow-up.
    assert lines[0].endswith("1 contacts, 1 sent, 0 failed, 0 suppressed")
    status, lines = send(capsys, MORNING + dt.timedelta(minutes=10))
    assert (status, lines[0].split(": ")[1]) == (0, "0 contacts, 0 sent, 0 failed, 0 suppressed")
    assert [r.path.split("/")[2] for r in stub.received] == [
        "wechat-oDEMO1",
        "wechat-oDEMO2",
        "wechat-oDEMO3",
        "wechat-oDEMO2",
    ]
    assert [a[2:] for a in attempts(factory)] == [
        ("sent", None),
        ("failed", "channel_error"),
        ("sent", None),
        ("sent", None),
    ]


def test_rasa_down_or_too_slow_fails_the_contact_and_the_run_goes_on(
    stub, factory, capsys, monkeypatch
) -> None:
    monkeypatch.setattr(cli, "SEND_TIMEOUT_SECONDS", 0.3)
    stub.statuses = [HANG, 401]
    status, lines = send(capsys, MORNING)
    assert status == 1
    assert lines[0].endswith(
        "3 contacts, 1 sent, 2 failed (rasa_unavailable 1, unconfirmed 1), 0 suppressed"
    )
    assert len(stub.received) == 3  # the third was still sent
    # The one that timed out may have arrived: it counts as sent; the refused one is tried again.
    status, lines = send(capsys, MORNING + dt.timedelta(minutes=5))
    assert lines[0].endswith("1 contacts, 1 sent, 0 failed, 0 suppressed")
    assert lines[1].startswith("sent     account 2 李*")
    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:9")  # nothing listens there
    with session_scope(factory) as session:
        session.execute(ContactAttempt.__table__.delete())
    status, lines = send(capsys, MORNING)
    assert status == 1
    assert lines[0].endswith("3 contacts, 0 sent, 3 failed (rasa_unavailable 3), 0 suppressed")


def test_hourly_runs_store_a_repeated_suppression_once_a_day(stub, factory, capsys) -> None:
    for moment in (LATE, LATE + dt.timedelta(hours=1)):  # 22:30 and 23:30: quiet hours
        status, lines = send(capsys, moment)
        assert status == 0
        assert lines[0].endswith("3 contacts, 0 sent, 0 failed, 3 suppressed (quiet_hours 3)")
    assert attempts(factory) == [(n, "overdue", "suppressed", "quiet_hours") for n in (1, 2, 3)]
    send(capsys, LATE + dt.timedelta(hours=2))  # 00:30: a new local day, stored again
    assert len(attempts(factory)) == 6
    assert stub.received == []


def test_a_text_the_guard_refuses_is_never_sent(stub, factory, capsys, tmp_path: Path) -> None:
    scripts = tmp_path / "scripts"
    shutil.copytree(settings.current().scripts_dir, scripts)
    path = scripts / "outreach.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    [overdue] = [s for s in data["scripts"] if s["id"] == "outreach.overdue_follow_up"]
    overdue["variants"] = [overdue["variants"][0] + "再不还就通知你单位领导。"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with settings.override(scripts_dir=scripts):
        status, lines = send(capsys, MORNING)
    assert status == 1
    assert lines[0].endswith("3 contacts, 0 sent, 3 failed (guard 3), 0 suppressed")
    assert stub.received == []


def test_a_run_that_reaches_quiet_hours_stops_sending(stub, factory, capsys) -> None:
    # Planned at 21:59:59; by the second message it is 22:00 in Beijing: the guard refuses.
    planned = dt.datetime.fromisoformat("2026-12-03T21:59:59+08:00")
    late = dt.datetime.fromisoformat("2026-12-03T22:00:01+08:00")
    status, lines = send(capsys, planned, planned, planned, late)
    assert status == 1
    assert lines[0].endswith("3 contacts, 1 sent, 2 failed (guard 2), 0 suppressed")
    assert len(stub.received) == 1


def test_without_an_enabled_channel_nothing_is_sent_and_each_is_stored_suppressed(
    stub, factory, capsys
) -> None:
    with settings.override(push_channels=frozenset()):
        status, lines = send(capsys, MORNING)
    assert status == 0
    assert lines[0].endswith("3 contacts, 0 sent, 0 failed, 3 suppressed (no_channel 3)")
    assert all(
        line.startswith("suppress") and line.endswith("rule no_channel") for line in lines[1:]
    )
    assert stub.received == []
    assert attempts(factory) == [(n, "overdue", "suppressed", "no_channel") for n in (1, 2, 3)]


def test_a_broken_promise_is_settled_then_followed_up_at_the_next_allowed_time(
    stub, factory, capsys
) -> None:
    with session_scope(factory) as session:
        Repositories(session).promises.add(
            account_id=1, amount="1258.00", due_date=dt.date(2026, 12, 2)
        )  # due yesterday, nothing paid
    status, lines = send(capsys, LATE)
    assert status == 0
    assert lines[1] == "settled first: promises kept 0, broken 1"
    assert lines[2].startswith("suppress account 1 张* broken_promise promise 1")
    assert lines[2].endswith("rule quiet_hours")
    assert stub.received == []
    with session_scope(factory) as session:
        assert session.get(PromiseToPay, 1).status == PromiseStatus.BROKEN
    status, lines = send(capsys, MORNING)
    assert status == 0
    assert lines[1].startswith("sent     account 1 张* broken_promise promise 1")
    assert lines[2].startswith("suppress account 1 张* overdue") and lines[2].endswith(
        "rule daily_cap"
    )
    first = stub.received[0]
    assert first.path == "/conversations/wechat-oDEMO1/tracker/events"
    assert first.body[-1]["metadata"]["script_id"] == "outreach.broken_promise"
    status, lines = send(capsys, MORNING + dt.timedelta(days=1))
    assert "broken_promise" not in "\n".join(lines)  # once per promise


def test_a_second_run_while_one_is_running_sends_nothing(
    stub, factory, demo_database_url, capsys
) -> None:
    engine = make_engine(demo_database_url)
    try:
        with send_lock(engine):
            assert cli.main(["send"], clock=clock(MORNING)) == 3
            assert "another outreach send" in capsys.readouterr().err
    finally:
        engine.dispose()
    assert stub.received == [] and attempts(factory) == []
    assert send(capsys, MORNING)[0] == 0  # released


def test_attempts_left_planned_by_a_crashed_run_are_failed_interrupted(
    stub, factory, capsys
) -> None:
    with session_scope(factory) as session:
        Repositories(session).contact_attempts.add(
            customer_id=1,
            account_id=1,
            kind="overdue",
            script_id="outreach.overdue_follow_up",
            status="planned",
            at=MORNING - dt.timedelta(hours=1),
        )
    status, lines = send(capsys, MORNING)
    assert status == 0  # this run's own contacts all went out
    assert lines[1] == "1 attempts of an interrupted run: failed interrupted"
    assert attempts(factory)[0][2:] == ("failed", "interrupted")
    # It may have reached 张伟 before the crash: his follow-up of the day counts as done.
    assert lines[0].endswith("2 contacts, 2 sent, 0 failed, 0 suppressed")
    assert "account 1 " not in "\n".join(lines[2:])


def test_no_personal_data_in_the_output_or_the_logs(stub, factory, capsys, caplog) -> None:
    stub.statuses = [500, HANG]
    stub.hang_seconds = 0.01
    with caplog.at_level(logging.DEBUG, logger="bot"):
        status, lines = send(capsys, MORNING)
    assert status == 1 and len(stub.received) == 3
    for text in (caplog.text, "\n".join(lines)):
        assert "oDEMO" not in text  # the WeChat OpenIDs (in the conversation ids)
        assert "张伟" not in text and "李娜" not in text
        assert "13800001111" not in text
    assert "attempt 1 failed channel_error" in caplog.text


def test_long_runs_show_progress_on_stderr(stub, factory, capsys, monkeypatch) -> None:
    monkeypatch.setattr(cli, "SEND_PROGRESS_FROM", 3)
    assert cli.main(["send"], clock=clock(MORNING)) == 0
    assert capsys.readouterr().err == "\r1/3 messages\r2/3 messages\r3/3 messages\n"


async def test_deliveries_are_spaced_to_the_rate() -> None:
    assert sender.SEND_RATE_PER_SECOND == 10
    now = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(round(seconds, 6))
        now[0] += seconds

    pacer = sender.Pacer(10, monotonic=lambda: now[0], sleep=sleep)
    for _ in range(3):
        await pacer.wait()
    assert slept == [0.1, 0.1]
    now[0] += 5  # a slow delivery: no wait after it
    await pacer.wait()
    assert slept == [0.1, 0.1]


def test_send_takes_no_at(capsys) -> None:
    with pytest.raises(SystemExit):
        cli.main(["send", "--at", "2026-12-04T09:00+08:00"])
    assert "--at" in capsys.readouterr().err
