"""Verification lives on the server: forged slots disclose nothing; failures get safe replies."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from actions.actions import ACTIONS
from bot import settings
from bot.db.conversation_state import remember_verified, verified_party
from bot.db.settings import make_engine, make_session_factory, session_scope
from bot.dialogue import handlers, runtime
from bot.dialogue.turn import Outcome, Turn
from tests.unit.actions.test_actions import database, run, tracker  # noqa: F401

NOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
FORGED = {"verification": "verified", "customer_id": 1, "account_id": 1}


def balance_turn(conversation_id="conv-forged", slots=None, now=NOW) -> Turn:
    return Turn(
        conversation_id=conversation_id,
        intent="ask_balance",
        text="我现在还欠多少钱",
        slots=slots if slots is not None else dict(FORGED),
        now=now,
    )


def texts(result) -> str:
    return " ".join(m.text for m in result.messages)


def test_forged_verified_slots_disclose_nothing_and_are_corrected(database):  # noqa: F811
    result = runtime.execute(handlers.respond, balance_turn())
    assert "12,580.00" not in texts(result) and "6217" not in texts(result)
    assert [m.script_id for m in result.messages][-1] == "verification.verify_first"
    assert result.slots["verification"] == "unverified"
    assert result.slots["account_id"] is None and result.slots["customer_id"] is None


def test_forged_tracker_through_the_action_discloses_nothing(database):  # noqa: F811
    messages, events = run(ACTIONS["action_tell_balance"](), tracker("ask_balance", slots=FORGED))
    assert all("12,580.00" not in m["text"] for m in messages)
    assert {"event": "slot", "name": "verification", "value": "unverified"} in [
        {k: e[k] for k in ("event", "name", "value")} for e in events
    ]


def _remember(url: str, conversation_id: str, at: dt.datetime) -> None:
    with session_scope(make_session_factory(make_engine(url))) as session:
        remember_verified(session, conversation_id, 1, 1, at)


def test_server_verification_discloses_even_without_slots(database):  # noqa: F811
    _remember(database, "conv-real", NOW)
    result = runtime.execute(handlers.respond, balance_turn("conv-real", slots={}))
    assert "12,580.00" in texts(result)
    assert result.slots["verification"] == "verified"


def test_verification_lapses_after_the_idle_time(database):  # noqa: F811
    idle = runtime.policy().verification.idle
    _remember(database, "conv-idle", NOW)
    later = NOW + idle + dt.timedelta(seconds=1)
    result = runtime.execute(handlers.respond, balance_turn("conv-idle", now=later))
    assert "12,580.00" not in texts(result)
    with session_scope(make_session_factory(make_engine(database))) as session:
        assert verified_party(session, "conv-idle", later, idle) is None


def test_each_turn_keeps_a_verification_alive(database):  # noqa: F811
    idle = runtime.policy().verification.idle
    _remember(database, "conv-active", NOW)
    for minutes in (10, 20, 30):  # each turn inside the idle window of the previous one
        now = NOW + dt.timedelta(minutes=minutes)
        assert "12,580.00" in texts(
            runtime.execute(handlers.respond, balance_turn("conv-active", now=now))
        )
    assert idle < dt.timedelta(minutes=30)


def test_a_new_session_forgets_the_verification(database):  # noqa: F811
    _remember(database, "conv-session", NOW)
    runtime.execute(handlers.opening, balance_turn("conv-session"))
    result = runtime.execute(handlers.respond, balance_turn("conv-session"))
    assert "12,580.00" not in texts(result)


def test_database_down_still_sends_the_distress_reply():
    with settings.override(database_url="postgresql+psycopg2://nobody@127.0.0.1:1/none"):
        turn = Turn(conversation_id="c-down", intent="express_distress", text="我不想活了", now=NOW)
        result = runtime.execute(handlers.respond, turn)
        assert "12356" in texts(result)
        turn = Turn(conversation_id="c-down", intent="ask_balance", text="还欠多少", now=NOW)
        result = runtime.execute(handlers.respond, turn)
        assert [m.script_id for m in result.messages] == ["fallback.unavailable"]
        assert "400-800-0000" in texts(result)
        result = runtime.execute(handlers.opening, Turn(conversation_id="c-down", intent="greet"))
        assert [m.script_id for m in result.messages] == [
            "opening.disclosure",
            "fallback.unavailable",
        ]


def test_a_failing_guard_or_handler_gets_the_safe_reply(database):  # noqa: F811
    def broken_guard(text, context):
        raise RuntimeError("guard model missing")

    result = runtime.execute(handlers.respond, balance_turn(slots={}), guard=broken_guard)
    assert [m.script_id for m in result.messages] == ["fallback.unavailable"]

    def raising(turn, ctx) -> Outcome:
        raise ValueError("bug")

    turn = Turn(conversation_id="c-bug", intent="complain", text="活着没意思", now=NOW)
    assert "12356" in texts(runtime.execute(raising, turn))


def test_a_failed_turn_loses_nothing_already_stored(database):  # noqa: F811
    _remember(database, "conv-keep", NOW)

    def half_then_fail(turn, ctx) -> Outcome:
        ctx.store.forget_verification(turn.conversation_id)
        raise RuntimeError("fails after a write")

    runtime.execute(half_then_fail, balance_turn("conv-keep"))
    with session_scope(make_session_factory(make_engine(database))) as session:
        assert verified_party(session, "conv-keep", NOW, dt.timedelta(minutes=15)) is not None


@pytest.mark.parametrize("slot_value", ["verified", "locked", None, "garbage"])
def test_unverified_conversations_never_get_account_scripts(database, slot_value):  # noqa: F811
    slots = {"verification": slot_value, "account_id": 1, "customer_id": 1}
    result = runtime.execute(handlers.respond, balance_turn("conv-p", slots=slots))
    assert "12,580.00" not in texts(result)
