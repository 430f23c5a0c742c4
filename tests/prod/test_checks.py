"""The fault tests' checks on made-up transcripts, events and log lines (no servers)."""

from __future__ import annotations

from tests.prod.borrowers import Exchange, Transcript
from tests.prod.checks import (
    align,
    lost_events,
    stored_problems,
    switches,
    upstreams_by_client,
)

UNAVAILABLE = "抱歉，助手暂时无法回复，请稍后再试，或拨打官方客服热线400-800-0000。"


def _ex(text: str, *answers: str, status: int = 200) -> Exchange:
    return Exchange(text, 0.0, 0.1, status, list(answers))


def _events(*items: tuple[str, str]) -> list[dict]:
    """Events from (type, text) pairs, ids and timestamps in order."""
    events = []
    for number, (kind, said) in enumerate(items):
        data = {"event": kind, "timestamp": float(number)}
        if said:
            data["text"] = said
        events.append({"id": number, "type_name": kind, "timestamp": float(number), "data": data})
    return events


def _conversation(*items: tuple[str, str]) -> list[dict]:
    return _events(("action", ""), ("session_started", ""), *items)


def test_exchanges_are_normal_unavailable_or_failed() -> None:
    assert _ex("你好", "您好").kind == "normal"
    assert _ex("你好", UNAVAILABLE).kind == "unavailable"
    assert _ex("你好", "暂时无法回复").kind == "failed"  # no hotline: not the approved reply
    assert _ex("你好", status=503).kind == "failed"
    assert _ex("你好").kind == "failed"
    assert _ex("你好", "抱歉，刚才处理您的消息时出了点问题。").kind == "failed"
    edge = Exchange("你好", 0.0, 0.1, 503, [], "{'error': 'temporarily unavailable'}")
    assert edge.kind == "edge_503"


def test_a_message_answered_unavailable_may_be_missing_but_not_one_answered_normally() -> None:
    sent = [_ex("a", "1"), _ex("b", UNAVAILABLE), _ex("b", "2")]
    assert align(sent, ["a", "b"]) == [0, 2]
    assert align(sent, ["a", "b", "b"]) == [0, 1, 2]
    assert align(sent, ["a"]) is None
    assert align(sent, ["b", "a"]) is None
    assert align(sent, ["a", "b", "b", "b"]) is None


def test_a_conversation_stored_as_sent_has_no_problem() -> None:
    transcript = Transcript(0, "s", "127.0.0.2", [_ex("你好", "开场", "您好"), _ex("再见", "再见")])
    events = _conversation(
        ("bot", "开场"), ("user", "你好"), ("bot", "您好"), ("user", "再见"), ("bot", "再见")
    )
    assert stored_problems(transcript, events) == []


def test_doubled_reordered_or_different_events_are_problems() -> None:
    transcript = Transcript(0, "s", "127.0.0.2", [_ex("a", "1"), _ex("b", "2")])
    reordered = _conversation(("user", "b"), ("bot", "2"), ("user", "a"), ("bot", "1"))
    assert "stored user messages" in stored_problems(transcript, reordered)[0]
    other_answer = _conversation(("user", "a"), ("bot", "9"), ("user", "b"), ("bot", "2"))
    assert "not the one stored" in stored_problems(transcript, other_answer)[0]
    doubled = _conversation(("user", "a"), ("bot", "1"), ("user", "b"), ("bot", "2"))
    doubled.append(dict(doubled[-1], id=99))
    assert any("stored twice" in p for p in stored_problems(transcript, doubled))
    two_starts = _conversation(("user", "a"), ("bot", "1"), ("user", "b"), ("bot", "2"))
    two_starts.append({**two_starts[1], "id": 98, "timestamp": 99.0, "data": {"x": 1}})
    assert "2 session starts" in stored_problems(transcript, two_starts)
    assert stored_problems(transcript, []) == ["nothing stored"]


def test_committed_events_must_survive() -> None:
    before = _events(("user", "a"), ("bot", "1"))
    assert lost_events(before, [*before, *_events(("user", "b"))[:0]]) == []
    assert lost_events(before, before[:1]) == ["event 1 (bot) lost or changed"]


def test_upstreams_per_client_from_the_edge_log() -> None:
    log = "\n".join(
        [
            '127.0.0.2 [x] "POST /webhooks/rest/webhook" 200 10 0.1 upstream=127.0.0.1:7001',
            '127.0.0.2 [x] "POST /webhooks/rest/webhook" 200 10 0.1 '
            "upstream=127.0.0.1:7002, 127.0.0.1:7001",
            '127.0.0.3 [x] "POST /webhooks/rest/webhook" 200 10 0.1 upstream=127.0.0.1:7002',
            '127.0.0.3 [x] "POST /chat" 200 10 0.1 upstream=127.0.0.1:8000',
        ]
    )
    found = upstreams_by_client(log, "/webhooks/rest/webhook")
    assert found == {
        "127.0.0.2": ["127.0.0.1:7001", "127.0.0.1:7001"],
        "127.0.0.3": ["127.0.0.1:7002"],
    }
    assert switches(["a", "b", "b", "a"]) == 2
