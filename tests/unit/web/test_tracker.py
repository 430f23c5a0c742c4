import asyncio
import datetime as dt

from bot.db.settings import make_engine
from bot.web.tracker import TrackerReader
from tests.unit.web.sample_data import DAY_1, DAY_2, DAY_3, ZONE


def _reader(url: str) -> TrackerReader:
    return TrackerReader(make_engine(url, sqlite_foreign_keys=False))


def _midnight(day: dt.datetime) -> float:
    return dt.datetime.combine(day.date(), dt.time(), tzinfo=ZONE).timestamp()


def test_spans_newest_activity_first(tracker_url: str) -> None:
    spans = _reader(tracker_url).spans()
    assert [s.sender_id for s in spans] == [
        "conv-blocked",
        "conv-lockout",
        "conv-distress",
        "conv-fallback",
        "conv-plan",
    ]
    plan = spans[-1]
    assert plan.first >= DAY_1.timestamp() and plan.last > plan.first


def test_spans_by_start_day(tracker_url: str) -> None:
    reader = _reader(tracker_url)
    day_2 = reader.spans(_midnight(DAY_2), _midnight(DAY_3))
    assert {s.sender_id for s in day_2} == {"conv-fallback", "conv-distress"}
    assert {s.sender_id for s in reader.spans(since=_midnight(DAY_3))} == {
        "conv-lockout",
        "conv-blocked",
    }


def test_events_in_order_with_decoded_json(tracker_url: str) -> None:
    events = _reader(tracker_url).events("conv-plan")
    assert [e.id for e in events] == sorted(e.id for e in events)
    users = [e for e in events if e.type_name == "user"]
    assert users[0].intent_name == "ask_balance"
    assert users[0].data["parse_data"]["intent"]["confidence"] == 0.98
    bots = [e for e in events if e.type_name == "bot"]
    assert bots[0].data["metadata"] == {"script_id": "opening.disclosure", "script_version": 1}
    only_users = _reader(tracker_url).events("conv-plan", types=["user"])
    assert len(only_users) == 4


def test_events_of_several_conversations(tracker_url: str) -> None:
    grouped = _reader(tracker_url).events_of(["conv-plan", "conv-distress", "nobody"])
    assert set(grouped) == {"conv-plan", "conv-distress", "nobody"}
    assert grouped["nobody"] == []
    assert {e.type_name for e in grouped["conv-distress"]} == {"user", "bot", "action"}


def test_user_messages_in_a_period(tracker_url: str) -> None:
    messages = _reader(tracker_url).user_messages(_midnight(DAY_2), _midnight(DAY_3))
    assert sorted({sender for sender, _ in messages}) == ["conv-distress", "conv-fallback"]
    assert len(messages) == 3


def test_a_store_rasa_has_not_created_reads_as_empty(tmp_path) -> None:
    reader = _reader(f"sqlite:///{tmp_path / 'not-yet.db'}")
    assert reader.available() is False
    assert reader.spans() == []
    assert reader.events("x") == []
    assert reader.events_of(["x"]) == {"x": []}
    assert reader.user_messages(0, 2e9) == []


def test_reads_what_rasas_own_sql_tracker_store_writes(tmp_path) -> None:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    from tests.unit.web.sample_data import conversation_distress

    path = tmp_path / "rasa.db"
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    tracker = DialogueStateTracker.from_events("real-rasa", conversation_distress())
    asyncio.run(store.save(tracker))
    store.engine.dispose()

    reader = _reader(f"sqlite:///{path}")
    assert [s.sender_id for s in reader.spans()] == ["real-rasa"]
    events = reader.events("real-rasa")
    user = next(e for e in events if e.type_name == "user")
    assert user.intent_name == "express_distress"
    assert user.data["text"] == "我真的不想活了"
    bot = [e for e in events if e.type_name == "bot"][-1]
    assert bot.data["metadata"]["script_id"] == "safety.distress"
    assert any(e.action_name == "action_handle_distress" for e in events)
