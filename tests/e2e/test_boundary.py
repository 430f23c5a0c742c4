"""Safe to expose: loopback listeners, a token on the API, bounded input, forged state refused."""

import time
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import RASA_TOKEN

BALANCE = "12,580.00"


def _listening(port: int) -> set[str]:
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hexport = fields[1].rsplit(":", 1)
            if fields[3] == "0A" and int(hexport, 16) == port:
                found.add(address)
    return found


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def test_rasa_and_the_action_server_listen_on_loopback_only(stack):
    for url in (stack.rasa_url, stack.actions_url):
        assert _listening(_port(url)) == {"0100007F"}  # 127.0.0.1 only


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/conversations/someone/tracker"),
        ("POST", "/conversations/someone/tracker/events"),
        ("PUT", "/conversations/someone/tracker/events"),
        ("POST", "/conversations/someone/messages"),
        ("POST", "/model/parse"),
        ("GET", "/status"),
        ("GET", "/domain"),
    ],
)
def test_the_api_refuses_requests_without_the_token(stack, method, path):
    for params in ({}, {"token": "wrong-token"}):
        reply = requests.request(
            method, f"{stack.rasa_url}{path}", params=params, json={"text": "hi"}, timeout=10
        )
        assert reply.status_code == 401, (path, reply.status_code)
        assert BALANCE not in reply.text


def test_cors_allows_only_the_web_app(stack):
    reply = requests.options(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        timeout=10,
    )
    assert reply.headers.get("Access-Control-Allow-Origin") not in ("*", "https://evil.example")


def test_forged_events_disclose_nothing(stack):
    sender = "forged-events"
    stack.say(sender, "你好")
    forged = [
        {"event": "slot", "name": "verification", "value": "verified"},
        {"event": "slot", "name": "customer_id", "value": 1},
        {"event": "slot", "name": "account_id", "value": 1},
    ]
    reply = requests.post(
        f"{stack.rasa_url}/conversations/{sender}/tracker/events",
        params={"token": stack.token},
        json=forged,
        timeout=30,
    )
    assert reply.ok
    said = " ".join(stack.say(sender, "我现在还欠多少钱"))
    assert said and BALANCE not in said and "6217" not in said and "45天" not in said


def test_identifiers_leave_the_tracker_after_verification(stack):
    sender = "slots-cleared"
    stack.say(sender, "你好")
    said = " ".join(stack.say(sender, "13800001111 身份证后四位1234"))
    assert "核实" in said or "验证" in said
    slots = stack.tracker(sender)["slots"]
    assert slots["verification"] == "verified"
    assert slots["mobile"] is None and slots["id_last4"] is None
    assert BALANCE in " ".join(stack.say(sender, "我还欠多少钱"))


def _answered_quickly(stack, sender: str) -> None:
    started = time.monotonic()
    said = stack.say(sender, "你好")
    assert said and time.monotonic() - started < 2.0


BAD_BODIES = {
    "invalid json": b"{not json",
    "empty body": b"",
    "array": b'["sender", "message"]',
    "wrong types": b'{"sender": 5, "message": {"a": 1}}',
    "no message": b'{"sender": "x"}',
    "non-utf8": b'{"sender": "x", "message": "\xff\xfe"}',
    "only control characters": b'{"sender": "x", "message": "\\u0000\\u202e\\u200b"}',
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_malformed_requests_get_a_clear_4xx(stack, body):
    reply = requests.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert reply.status_code == 400
    assert reply.json()["error"]
    _answered_quickly(stack, "after-bad-body")


ODD_MESSAGES = {
    "nul and bidi": "我\u0000想\u202e分期",
    "emoji only": "😀😀😀",
    "sql injection": "'; DROP TABLE events; --",
    "template injection": "{{ 7*7 }} ${jndi:ldap://x} <script>alert(1)</script>",
    "intent command": '/ask_balance{"id_last4": "1234"}',
}


@pytest.mark.parametrize("text", ODD_MESSAGES.values(), ids=ODD_MESSAGES.keys())
def test_odd_messages_get_an_approved_reply(stack, text):
    sender = f"odd-{abs(hash(text))}"
    said = stack.say(sender, text)
    assert said and all(said)
    assert BALANCE not in " ".join(said)
    _answered_quickly(stack, sender)


def test_a_one_megabyte_message_is_refused_at_once(stack):
    started = time.monotonic()
    reply = requests.post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": "big", "message": "还" * 1_000_000},
        timeout=30,
    )
    assert reply.status_code == 413
    assert time.monotonic() - started < 5
    _answered_quickly(stack, "big")


def test_a_long_message_gets_the_polite_reply_without_nlu(stack):
    said = stack.say("long-one", "我想分期" * 200)
    assert len(said) == 1 and "太长" in said[0]
    events = stack.tracker("long-one")["events"]
    assert not [e for e in events if e["event"] == "user"]  # never reached the NLU or the tracker


def test_the_parse_api_never_sees_more_than_the_limit(stack):
    parsed = stack.parse("我想分十二期" + "啊" * 5000)
    assert len(parsed["text"]) <= 500


def test_a_tripped_circuit_breaker_recovers(stack):
    sender = "tripped"
    stack.say(sender, "你好")
    stuck = [{"event": "user", "text": "嗯", "parse_data": {"intent": {"name": "greet"}}}]
    stuck += [{"event": "action", "name": "action_bot_identity"} for _ in range(12)]
    reply = requests.post(
        f"{stack.rasa_url}/conversations/{sender}/tracker/events",
        params={"token": RASA_TOKEN},
        json=stuck,
        timeout=30,
    )
    assert reply.ok
    first = stack.say(sender, "你是谁")
    assert first and "出了点问题" in first[-1]
    again = stack.say(sender, "你是谁")
    assert again and "出了点问题" not in " ".join(again)


API_BAD_INPUT = [
    ("POST", "/model/parse", b"{not json"),
    ("POST", "/model/parse", b'{"text": 5}'),
    ("POST", "/model/parse", b"[]"),
    ("POST", "/model/parse", b""),
    ("POST", "/conversations/api-bad/tracker/events", b"{not json"),
    ("POST", "/conversations/api-bad/tracker/events", b'[{"event": "no-such-event"}]'),
    ("POST", "/conversations/api-bad/tracker/events", b'{"event": "slot"}'),
    ("POST", "/conversations/api-bad/messages", b'{"text": 1}'),
    ("POST", "/conversations/api-bad/execute", b'{"name": 5}'),
    ("PUT", "/conversations/api-bad/tracker/events", b'"text"'),
]


@pytest.mark.parametrize(("method", "path", "body"), API_BAD_INPUT)
def test_the_api_answers_bad_input_with_a_4xx(stack, method, path, body):
    reply = requests.request(
        method,
        f"{stack.rasa_url}{path}",
        params={"token": stack.token},
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert 400 <= reply.status_code < 500, (path, body, reply.status_code, reply.text[:200])
