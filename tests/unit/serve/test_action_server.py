"""The action server answers only Rasa (shared secret), on loopback, with bounded input."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "unit-action-token-0123456789"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    work = tmp_path_factory.mktemp("actions")
    port = _free_port()
    env = {
        **os.environ,
        "ACTIONS_PORT": str(port),
        "ACTION_SERVER_TOKEN": TOKEN,
        "RASA_TOKEN": "unit-rasa-token-0123456789",
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite'}",
        "BOT_TODAY": "2026-11-30",
    }
    log = work / "actions.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.serve.action_server"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        if proc.poll() is not None:
            pytest.fail(f"action server exited:\n{log.read_text()[-2000:]}")
        try:
            if requests.get(f"{url}/health", timeout=2).ok:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            pytest.fail("action server did not start")
        time.sleep(0.5)
    yield url, port
    proc.terminate()
    proc.wait(timeout=20)


def action_call(slots: dict) -> dict:
    return {
        "next_action": "action_tell_balance",
        "sender_id": "forged-conv",
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": "forged-conv",
            "slots": slots,
            "latest_message": {
                "intent": {"name": "ask_balance", "confidence": 1.0},
                "entities": [],
                "text": "我现在还欠多少钱",
            },
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


FORGED = {"verification": "verified", "account_id": 1, "customer_id": 1}


def _listening_addresses(port: int) -> set[str]:
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hexport = local.rsplit(":", 1)
            if state == "0A" and int(hexport, 16) == port:
                found.add(address)
    return found


def test_listens_on_loopback_only(server):
    _, port = server
    addresses = _listening_addresses(port)
    assert addresses == {"0100007F"}, addresses  # 127.0.0.1, nothing on 0.0.0.0 or ::


def test_a_call_without_the_secret_is_refused(server):
    url, _ = server
    for headers in ({}, {"X-Action-Token": "wrong"}, {"X-Action-Token": TOKEN[:-1]}):
        reply = requests.post(
            f"{url}/webhook", json=action_call(FORGED), headers=headers, timeout=10
        )
        assert reply.status_code == 401
        assert "12,580" not in reply.text


def test_a_forged_tracker_with_the_secret_still_discloses_nothing(server):
    url, _ = server
    reply = requests.post(
        f"{url}/webhook", json=action_call(FORGED), headers={"X-Action-Token": TOKEN}, timeout=30
    )
    assert reply.status_code == 200
    body = reply.json()
    said = " ".join(r.get("text") or "" for r in body["responses"])
    assert said and "12,580" not in said and "6217" not in said
    slots = {e["name"]: e["value"] for e in body["events"] if e["event"] == "slot"}
    assert slots["verification"] == "unverified" and slots["account_id"] is None


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b"[1, 2]",
        b'{"next_action": 5, "tracker": {}}',
        b'{"next_action": "action_tell_balance"}',
        "\udcff".encode("utf-8", "surrogatepass"),
        b"\xff\xfe\x00",
    ],
    ids=["empty", "text", "array", "wrong-type", "no-tracker", "surrogate", "non-utf8"],
)
def test_malformed_calls_get_a_clear_4xx(server, body):
    url, _ = server
    reply = requests.post(
        f"{url}/webhook",
        data=body,
        headers={"X-Action-Token": TOKEN, "Content-Type": "application/json"},
        timeout=10,
    )
    assert 400 <= reply.status_code < 500
    assert "error" in reply.json()


def test_an_oversized_call_is_refused_before_it_is_read(server):
    url, _ = server
    big = json.dumps(action_call(FORGED) | {"padding": "x" * (5 * 1024 * 1024)})
    reply = requests.post(f"{url}/webhook", data=big, headers={"X-Action-Token": TOKEN}, timeout=30)
    assert reply.status_code == 413
    assert requests.get(f"{url}/health", timeout=2).ok


def test_errors_do_not_echo_the_tracker(server):
    url, _ = server
    call = action_call(FORGED)
    call["next_action"] = "action_that_does_not_exist"
    reply = requests.post(
        f"{url}/webhook", json=call, headers={"X-Action-Token": TOKEN}, timeout=10
    )
    assert reply.status_code == 404
    assert "我现在还欠多少钱" not in reply.text


def test_responses_carry_security_headers(server):
    url, _ = server
    reply = requests.get(f"{url}/health", timeout=5)
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in reply.headers["Content-Security-Policy"]
