"""``python -m bot.outreach send`` on SQLite and PostgreSQL: every attempt stored, a rerun sends
nothing more, and one run at a time (the lock)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot import settings
from bot.db.demo import seed_demo
from bot.db.models import ContactAttempt
from bot.db.settings import make_engine, make_session_factory, session_scope
from bot.outreach import __main__ as cli
from bot.outreach.lock import AlreadyRunningError, lock_file, send_lock
from tests.unit.outreach.rasa_stub import RasaStub, rasa_stub

MORNING = dt.datetime.fromisoformat("2026-12-04T09:00+08:00")


@pytest.fixture
def demo_db(engine: Engine, db_url: str) -> Iterator[str]:
    """The demo accounts on this backend; the command's settings point at it."""
    with session_scope(make_session_factory(engine)) as session:
        seed_demo(session, now=MORNING - dt.timedelta(days=1))
    with settings.override(database_url=db_url, push_channels=frozenset({"wechat"})):
        yield db_url


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[RasaStub]:
    with rasa_stub() as running:
        monkeypatch.setenv("RASA_URL", running.url)
        monkeypatch.delenv("RASA_TOKEN", raising=False)
        yield running


def _stored(engine: Engine) -> list[tuple[int, str, str | None]]:
    with session_scope(make_session_factory(engine)) as session:
        rows = session.scalars(select(ContactAttempt).order_by(ContactAttempt.id))
        return [(a.account_id, a.status.value, a.rule) for a in rows]


def test_send_stores_every_attempt_and_a_rerun_sends_nothing_more(
    engine: Engine, demo_db: str, stub: RasaStub
) -> None:
    stub.statuses = [200, 500]
    assert cli.main(["send"], clock=lambda: MORNING) == 1
    assert _stored(engine) == [(1, "sent", None), (2, "failed", "channel_error"), (3, "sent", None)]
    assert "token" not in stub.received[0].query  # none configured, none sent
    assert cli.main(["send"], clock=lambda: MORNING) == 0
    assert [r.path.split("/")[2] for r in stub.received] == [
        "wechat-oDEMO1",
        "wechat-oDEMO2",
        "wechat-oDEMO3",
        "wechat-oDEMO2",  # the failed one, again; the sent ones are not
    ]
    assert cli.main(["send"], clock=lambda: MORNING) == 0
    assert len(stub.received) == 4
    assert _stored(engine)[-1] == (2, "sent", None)


def test_one_run_at_a_time(engine: Engine, demo_db: str) -> None:
    other = make_engine(demo_db)  # another process's connection
    try:
        with send_lock(engine), pytest.raises(AlreadyRunningError), send_lock(other):
            pass
        with send_lock(other):  # released when the first run ended
            pass
    finally:
        other.dispose()


def test_the_lock_is_released_when_a_run_fails(engine: Engine, demo_db: str) -> None:
    with pytest.raises(RuntimeError), send_lock(engine):
        raise RuntimeError("the run crashed")
    with send_lock(engine):
        pass


def test_concurrent_runs_send_each_contact_once(
    engine: Engine, demo_db: str, stub: RasaStub
) -> None:
    stub.statuses = [0, 0, 0]  # slow answers: the first run is still sending
    stub.hang_seconds = 0.3
    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(cli.main(["send"], clock=lambda: MORNING)))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 3]
    assert len(stub.received) == 3
    assert [status for _, status, _ in _stored(engine)] == ["sent"] * 3


def test_the_lock_file_lives_next_to_a_sqlite_database(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        assert lock_file(engine) == tmp_path / "c.db.outreach-send.lock"
    finally:
        engine.dispose()
