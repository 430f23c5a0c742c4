from bot.db.settings import make_engine
from bot.web.tracker import TrackerReader
from bot.web.transcript import (
    ActionTurn,
    BotTurn,
    SessionMark,
    UserTurn,
    build_transcript,
    event_flags,
)


def _events(tracker_url: str, cid: str):
    return TrackerReader(make_engine(tracker_url, sqlite_foreign_keys=False)).events(cid)


def test_turns_carry_intent_confidence_entities_action_and_script(tracker_url) -> None:
    transcript = build_transcript("conv-plan", _events(tracker_url, "conv-plan"), 0.6)
    users = transcript.user_turns
    assert [u.intent for u in users] == [
        "ask_balance",
        "provide_identity",
        "request_installment",
        "affirm",
    ]
    identity = users[1]
    assert identity.confidence == 0.95
    assert identity.text == "138****1111 身份证后四位1234"
    phone, last4 = identity.entities
    assert (phone.entity, phone.value, phone.start, phone.end) == ("phone", "138****1111", 0, 11)
    assert identity.text[last4.start : last4.end] == "1234"
    summary = next(b for b in transcript.bot_turns if b.script_id == "balance.summary")
    assert (summary.script_version, summary.action) == (1, "action_after_verification")
    assert isinstance(transcript.items[0], SessionMark)
    kinds = {type(item) for item in transcript.items}
    assert kinds == {SessionMark, UserTurn, BotTurn, ActionTurn}
    assert all(i.name != "action_listen" for i in transcript.items if isinstance(i, ActionTurn))
    assert transcript.user_turn(identity.event_id) == identity
    assert transcript.user_turn(-1) is None


def test_low_confidence_follows_the_threshold(tracker_url) -> None:
    events = _events(tracker_url, "conv-plan")
    low = build_transcript("conv-plan", events, 0.92).user_turns
    assert [u.low_confidence for u in low] == [False, False, True, False]
    assert not any(u.low_confidence for u in build_transcript("c", events, 0.6).user_turns)


def test_every_text_is_masked(tracker_url) -> None:
    transcript = build_transcript("conv-lockout", _events(tracker_url, "conv-lockout"), 0.6)
    texts = [item.text for item in transcript.items if isinstance(item, UserTurn | BotTurn)]
    assert all("13912345678" not in text for text in texts)
    assert transcript.user_turns[0].text.startswith("139****5678")
    assert transcript.user_turns[0].entities[0].value == "139****5678"


def test_event_flags(tracker_url) -> None:
    def flags(cid: str):
        return event_flags(_events(tracker_url, cid), 0.6)

    assert flags("conv-plan").flags == frozenset()
    assert flags("conv-plan").user_turns == 4
    assert flags("conv-fallback").flags == {"fallback", "low_confidence"}
    assert flags("conv-lockout").flags == {"lockout"}
    assert flags("conv-blocked").flags == {"blocked"}
    assert flags("conv-distress").flags == frozenset()  # distress comes from our tables
