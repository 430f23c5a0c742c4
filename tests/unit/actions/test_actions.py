"""Custom actions driven with rasa-sdk trackers, on a migrated SQLite database with demo data."""

import asyncio
import datetime as dt

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ACTIONS
from actions.session import ActionSessionStart
from actions.verification import ActionAskIdLast4, ActionAskMobile, ValidateVerificationForm
from bot import settings
from bot.db.demo import seed_demo
from bot.db.migrate import upgrade_head
from bot.db.settings import make_engine, make_session_factory, session_scope

DOMAIN: dict = {"forms": {"verification_form": {"required_slots": ["mobile", "id_last4"]}}}


@pytest.fixture(autouse=True)
def database(tmp_path):
    url = f"sqlite:///{tmp_path / 'actions.db'}"
    upgrade_head(url)
    with session_scope(make_session_factory(make_engine(url))) as session:
        seed_demo(session)
    with settings.override(database_url=url, today=dt.date(2026, 11, 30)):
        yield url


def tracker(intent="greet", text="", entities=(), slots=None, events=(), loop=None) -> Tracker:
    return Tracker(
        sender_id="conv-actions",
        slots={"verification": "unverified", **(slots or {})},
        latest_message={
            "intent": {"name": intent, "confidence": 0.99},
            "entities": [{"entity": e, "value": v} for e, v in entities],
            "text": text,
        },
        events=list(events),
        paused=False,
        followup_action=None,
        active_loop={"name": loop} if loop else {},
        latest_action_name="action_listen",
    )


def run(action, trk) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, trk, DOMAIN))
    return dispatcher.messages, events


def test_session_start_discloses_first(database):
    messages, events = run(ActionSessionStart(), tracker())
    assert messages[0]["script_id"] == "opening.disclosure"
    assert "自动应答" in messages[0]["text"]
    assert events[0]["event"] == "session_started" and events[-1]["name"] == "action_listen"


def test_validation_verifies_when_both_answers_are_in(database):
    trk = tracker(
        "provide_identity",
        "13800001111 1234",
        slots={"mobile": "13800001111", "id_last4": "1234", "requested_slot": "mobile"},
        events=[
            {"event": "user", "text": "13800001111 1234"},
            {"event": "slot", "name": "mobile", "value": "13800001111"},
            {"event": "slot", "name": "id_last4", "value": "1234"},
        ],
        loop="verification_form",
    )
    _, events = run(ValidateVerificationForm(), trk)
    sets = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert sets["verification"] == "verified" and sets["account_id"] is not None
    assert sets["requested_slot"] is None


def test_validation_mismatch_keeps_the_mobile_asks_the_id_again_and_says_so(database):
    trk = tracker(
        "provide_identity",
        "13800001111 4321",
        slots={"mobile": "13800001111", "id_last4": "4321", "requested_slot": "mobile"},
        events=[
            {"event": "user", "text": "x"},
            {"event": "slot", "name": "mobile", "value": "13800001111"},
            {"event": "slot", "name": "id_last4", "value": "4321"},
        ],
        loop="verification_form",
    )
    messages, events = run(ValidateVerificationForm(), trk)
    sets = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    # The borrower corrects one of the two; which one was wrong is not said.
    assert "mobile" not in sets or sets["mobile"] == "13800001111"
    assert sets["id_last4"] is None
    assert sets["verification"] == "unverified"
    assert sets["identity_retry"] is True
    assert messages[0]["script_id"] == "verification.mismatch"


def test_after_a_mismatch_the_id_is_asked_again_without_an_affirmation(database):
    trk = tracker("provide_identity", "4321", slots={"identity_retry": True})
    messages, _ = run(ActionAskIdLast4(), trk)
    assert messages[0]["script_id"] == "verification.retry_id_last4"
    assert not messages[0]["text"].startswith(("好的", "可以的"))
    messages, _ = run(ActionAskIdLast4(), tracker("provide_identity", "13800001111"))
    assert messages[0]["script_id"] == "verification.ask_id_last4"


@pytest.mark.parametrize("text", ["我手机138****1111", "尾号1111的那个手机", "手机是138 xxxx 1111"])
def test_a_masked_mobile_gets_a_request_for_the_full_number(database, text):
    messages, _ = run(ActionAskMobile(), tracker("provide_identity", text))
    assert messages[0]["script_id"] == "verification.full_mobile"
    assert "完整" in messages[0]["text"]


def test_without_a_masked_mobile_both_are_asked_for(database):
    messages, _ = run(ActionAskMobile(), tracker("ask_balance", "我还欠多少"))
    assert messages[0]["script_id"] == "verification.ask_both"


def test_identity_with_a_request_remembers_the_request_for_after_verification(database):
    trk = tracker(
        "provide_identity",
        "我手机13800001111，想分6期还",
        entities=[
            ("phone", "13800001111"),
            ("installments", 6),
            ("request", "request_installment"),
        ],
        slots={"mobile": "13800001111", "requested_slot": "mobile"},
        loop="verification_form",
    )
    _, events = run(ValidateVerificationForm(), trk)
    sets = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert sets["pending_request"]["intent"] == "request_installment"
    assert sets["pending_request"]["entities"] == {"installments": 6}


def test_balance_action_sends_ledger_figures_with_script_ids(database):
    _, events = run(
        ValidateVerificationForm(),
        tracker(
            "provide_identity",
            slots={"mobile": "13800001111", "id_last4": "1234"},
            events=[
                {"event": "slot", "name": "mobile", "value": "13800001111"},
                {"event": "slot", "name": "id_last4", "value": "1234"},
            ],
            loop="verification_form",
        ),
    )
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    messages, _ = run(ACTIONS["action_tell_balance"](), tracker("ask_balance", slots=slots))
    assert "12,580.00" in messages[0]["text"]
    assert messages[0]["script_id"] == "balance.summary" and messages[0]["script_version"] == 1


def test_unverified_tracker_never_gets_the_balance(database):
    messages, _ = run(ACTIONS["action_tell_balance"](), tracker("ask_balance"))
    assert all("12,580" not in m["text"] for m in messages)


def test_distress_ends_an_active_form(database):
    messages, events = run(
        ACTIONS["action_handle_distress"](),
        tracker("express_distress", "不想活了", loop="verification_form"),
    )
    assert "12356" in messages[0]["text"]
    assert {"event": "active_loop", "name": None} in [
        {"event": e["event"], "name": e.get("name")} for e in events if e["event"] == "active_loop"
    ]


def test_second_fallback_hands_off(database):
    history = [
        {"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}},
        {"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}},
    ]
    messages, _ = run(ACTIONS["action_fallback"](), tracker("nlu_fallback", events=history))
    assert messages[0]["script_id"] == "fallback.handoff"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("+86 138-0000-1111", "13800001111"),
        ("138 0000 1111", "13800001111"),
        ("6217000013800001111", None),
        ("12345", None),
    ],
)
def test_mobile_answers_are_normalised_and_other_numbers_refused(typed, kept):
    assert ValidateVerificationForm().validate_mobile(typed, None, None, DOMAIN) == {"mobile": kept}


def test_the_registry_dispatcher_answers_once_then_listens_or_resumes_the_form(database):
    respond = ACTIONS["action_respond"]()
    messages, events = run(respond, tracker("ask_payment_methods", "怎么还款"))
    assert [m["script_id"] for m in messages] == ["payment_methods.official"]
    assert events[-1] == {"event": "followup", "name": "action_listen", "timestamp": None}
    # Mid-verification the form goes on afterwards and asks again for what is missing.
    _, events = run(respond, tracker("ask_payment_methods", "怎么还款", loop="verification_form"))
    assert events[-1]["name"] == "verification_form"
    # An answer that ends the form (goodbye) is followed by listening, not by the form.
    _, events = run(respond, tracker("goodbye", "再见", loop="verification_form"))
    assert events[-1]["name"] == "action_listen"
