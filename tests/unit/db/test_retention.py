import datetime as dt
import json
import shutil
from collections.abc import Iterator

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine

from bot import settings
from bot.db import retention
from bot.db.demo import seed_demo
from bot.db.models import Account, ComplianceEvent, ContactPreference, Dispute, Handoff
from bot.db.settings import make_engine, make_session_factory
from bot.db.types import utcnow
from bot.db.web_models import TurnAnnotation
from bot.web.tracker import EVENTS, tracker_metadata

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.timezone.utc)
OLD = NOW - dt.timedelta(days=800)
RECENT = NOW - dt.timedelta(days=100)
DAYS = retention.LEGAL_MINIMUM_DAYS


@pytest.fixture
def tracker_url(request: pytest.FixtureRequest, db_url: str, tmp_path) -> str:
    """An empty tracker store next to the database under test (same backend)."""
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'rasa_tracker.db'}"
    return request.getfixturevalue("postgres_schema_factory")()


@pytest.fixture
def tracker(tracker_url: str) -> Iterator[Engine]:
    engine = make_engine(tracker_url, sqlite_foreign_keys=False)
    tracker_metadata.create_all(engine)
    rows = []
    for sender, moment in (("old", OLD), ("old", RECENT), ("recent", RECENT)):
        data = {"event": "user", "text": "我的手机13800001111", "timestamp": moment.timestamp()}
        rows.append(
            {
                "sender_id": sender,
                "type_name": "user",
                "timestamp": moment.timestamp(),
                "data": json.dumps(data, ensure_ascii=False),
            }
        )
    with engine.begin() as connection:
        connection.execute(insert(EVENTS), rows)
    yield engine
    engine.dispose()


def _seed(engine: Engine, now: dt.datetime = NOW) -> None:
    """One row per raw-text column dated 800 days before ``now`` and one dated 100 days."""
    with make_session_factory(engine).begin() as session:
        seed_demo(session)
        session.flush()
        account_id = session.scalars(select(Account.id)).first()
        for moment in (now - (NOW - OLD), now - (NOW - RECENT)):
            rows = [
                Dispute(account_id=account_id, reason="我没借过这笔钱", conversation_id="c"),
                ContactPreference(mobile="13800001111", stop_contact=True, reason="别再打了"),
                Handoff(conversation_id="c", reason="dispute", detail="客户说没借过"),
                ComplianceEvent(rule="no-threat", blocked_text="不还就起诉你", at=moment),
                TurnAnnotation(
                    conversation_id="c",
                    event_id=int(moment.timestamp()),
                    text="分12期",
                    intent="request_installment",
                    entities=[],
                ),
            ]
            for row in rows:
                row.created_at = moment
            session.add_all(rows)


def _texts(engine: Engine) -> dict[str, list]:
    with engine.connect() as connection:
        return {
            target.name: sorted(
                connection.execute(select(target.column).order_by(target.age)).scalars(),
                key=str,
            )
            for target in retention.RAW_TEXTS
        }


def _events(engine: Engine) -> list[tuple[str, float]]:
    with engine.connect() as connection:
        rows = connection.execute(select(EVENTS.c.sender_id, EVENTS.c.timestamp))
        return sorted((sender, stamp) for sender, stamp in rows)


def test_purge_removes_old_text_and_keeps_records(engine: Engine, tracker: Engine) -> None:
    _seed(engine)
    report = retention.purge(engine, tracker, DAYS, now=NOW)

    assert report.counts == {
        "tracker events": 1,
        "disputes.reason": 1,
        "contact_preferences.reason": 1,
        "handoffs.detail": 1,
        "compliance_events.blocked_text": 1,
        "turn_annotations.text": 1,
    }
    assert _events(tracker) == [("old", RECENT.timestamp()), ("recent", RECENT.timestamp())]
    assert _texts(engine) == {
        "disputes.reason": ["", "我没借过这笔钱"],
        "contact_preferences.reason": [None, "别再打了"],
        "handoffs.detail": [None, "客户说没借过"],
        "compliance_events.blocked_text": ["", "不还就起诉你"],
        "turn_annotations.text": ["分12期"],
    }
    with engine.connect() as connection:  # the structured records stay
        for model in (Dispute, ContactPreference, Handoff, ComplianceEvent):
            assert connection.execute(select(func.count()).select_from(model)).scalar_one() == 2
        stops = select(func.count()).where(ContactPreference.stop_contact.is_(True))
        assert connection.execute(stops).scalar_one() == 2


def test_dry_run_counts_and_changes_nothing(engine: Engine, tracker: Engine) -> None:
    _seed(engine)
    before = (_texts(engine), _events(tracker))
    report = retention.purge(engine, tracker, DAYS, now=NOW, dry_run=True)
    assert report.dry_run
    assert set(report.counts.values()) == {1}
    assert (_texts(engine), _events(tracker)) == before
    assert report.lines()[0].startswith("retention 731 days: would remove")


def test_a_second_run_finds_nothing(engine: Engine, tracker: Engine) -> None:
    _seed(engine)
    retention.purge(engine, tracker, DAYS, now=NOW)
    assert set(retention.purge(engine, tracker, DAYS, now=NOW).counts.values()) == {0}


def test_a_tracker_store_rasa_has_not_created_counts_zero(tmp_path) -> None:
    empty = make_engine(f"sqlite:///{tmp_path / 'none.db'}")
    try:
        assert retention.purge_tracker(empty, NOW) == 0
    finally:
        empty.dispose()


def test_a_period_below_the_legal_minimum_is_refused(engine: Engine, tracker: Engine) -> None:
    _seed(engine)
    with pytest.raises(retention.RetentionError, match="at least 731 days"):
        retention.purge(engine, tracker, 730, now=NOW)
    report = retention.purge(engine, tracker, 30, now=NOW, allow_below_minimum=True)
    assert report.counts["tracker events"] == 3


@pytest.mark.parametrize(
    ("environ", "days"),
    [({}, 731), ({"RETENTION_DAYS": " "}, 731), ({"RETENTION_DAYS": "1095"}, 1095)],
)
def test_retention_days_reads_the_environment(environ: dict[str, str], days: int) -> None:
    assert retention.retention_days(environ) == days


@pytest.mark.parametrize("raw", ["730", "0", "-5", "two years", "731.5"])
def test_retention_days_refuses_bad_values(raw: str) -> None:
    with pytest.raises(retention.RetentionError):
        retention.retention_days({"RETENTION_DAYS": raw})


@pytest.fixture
def sqlite_stores(tmp_path, migrated_sqlite_template: str, monkeypatch: pytest.MonkeyPatch):
    database = tmp_path / "collection.db"
    shutil.copyfile(migrated_sqlite_template, database)
    engine = make_engine(f"sqlite:///{database}")
    _seed(engine, now=utcnow())
    engine.dispose()
    monkeypatch.delenv("RETENTION_DAYS", raising=False)
    stores = {
        "database_url": f"sqlite:///{database}",
        "tracker_db_url": f"sqlite:///{tmp_path / 'tracker.db'}",
    }
    with settings.override(**stores):
        yield


@pytest.mark.usefixtures("sqlite_stores")
def test_command_prints_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert retention.main(["--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("retention 731 days: would remove conversation text from before ")
    assert out[1:] == [
        "tracker events: 0",
        "disputes.reason: 1",
        "contact_preferences.reason: 1",
        "handoffs.detail: 1",
        "compliance_events.blocked_text: 1",
        "turn_annotations.text: 1",
    ]


@pytest.mark.usefixtures("sqlite_stores")
def test_command_refuses_a_short_period(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert retention.main(["--days", "30"]) == 2
    assert "at least 731 days" in capsys.readouterr().err
    monkeypatch.setenv("RETENTION_DAYS", "100")
    assert retention.main([]) == 2


def test_command_refuses_a_bad_setting(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "not a url")
    settings.reset()  # read the environment again; the failed read leaves nothing cached
    assert retention.main(["--dry-run"]) == 2
    assert "DATABASE_URL is not a database URL" in capsys.readouterr().err
