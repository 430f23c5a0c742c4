"""The Telegram channel on the real stack: Rasa loads it from credentials.yml with TELEGRAM_*.

The Bot API is a local fake (a threaded HTTP server recording what aiogram sends), pointed at with
``TELEGRAM_API_URL``. Updates are posted to the webhook as Telegram would, with the secret token
header.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from tests.e2e.conftest import MODEL, Stack, running_stack

TOKEN = "123456789:E2E-telegram_token"
SECRET = "e2e-secret_token"
DISCLOSURE = "自动应答程序"  # opening.disclosure: the first message says it is automated
_updates = itertools.count(1)
_chats = itertools.count(700001)


@dataclass
class FakeBotApi:
    """Records sendMessage calls; answers them as Telegram does."""

    sent: list[tuple[int, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def serve(self) -> ThreadingHTTPServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # http.server's name for it
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode()
                kind = self.headers.get("Content-Type", "")
                form = (
                    json.loads(raw)
                    if "json" in kind
                    else {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
                )
                method = self.path.rsplit("/", 1)[-1]
                result: Any = True
                if method == "sendMessage":
                    with fake.lock:
                        fake.sent.append((int(form["chat_id"]), str(form["text"])))
                    chat = {"id": int(form["chat_id"]), "type": "private"}
                    result = {"message_id": 1, "date": 0, "chat": chat, "text": form["text"]}
                body = json.dumps({"ok": True, "result": result}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:  # quiet
                return

        return ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    def to(self, chat_id: int) -> list[str]:
        with self.lock:
            return [text for chat, text in self.sent if chat == chat_id]

    def wait_for(self, chat_id: int, count: int, timeout: float = 30) -> list[str]:
        deadline = time.monotonic() + timeout
        while len(self.to(chat_id)) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.to(chat_id)


@dataclass
class TelegramStack:
    stack: Stack
    api: FakeBotApi

    def post(self, update: dict[str, Any], secret: str = SECRET) -> int:
        answer = requests.post(
            f"{self.stack.rasa_url}/webhooks/telegram/webhook",
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": secret},
            timeout=60,
        )
        return answer.status_code


def _text(chat_id: int, text: str, chat_type: str = "private") -> dict[str, Any]:
    update = next(_updates)
    message = {"message_id": update, "date": 0, "chat": {"id": chat_id, "type": chat_type}}
    return {"update_id": update, "message": {**message, "text": text}}


@pytest.fixture(scope="module")
def telegram(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TelegramStack]:
    if not MODEL.exists():
        pytest.skip(f"no trained model at {MODEL}: run `make train`")
    api = FakeBotApi()
    server = api.serve()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    work = tmp_path_factory.mktemp("telegram")
    env = {
        "TELEGRAM_TOKEN": TOKEN,
        "TELEGRAM_SECRET_TOKEN": SECRET,
        "TELEGRAM_API_URL": f"http://{host}:{port}",
    }
    try:
        with pytest.MonkeyPatch.context() as patch:
            for name, value in env.items():
                patch.setenv(name, value)
            with running_stack(work, f"sqlite:///{work / 'collection.db'}") as stack:
                yield TelegramStack(stack, api)
    finally:
        server.shutdown()


def test_a_private_text_reaches_the_bot_and_the_reply_goes_back_through_the_bot_api(
    telegram: TelegramStack,
) -> None:
    chat = next(_chats)
    assert telegram.post(_text(chat, "你好")) == 200
    replies = telegram.api.wait_for(chat, 1)
    assert DISCLOSURE in replies[0]
    events = telegram.stack.tracker(f"telegram-{chat}")["events"]
    assert [e["text"] for e in events if e["event"] == "user"] == ["你好"]


def test_the_borrower_verifies_on_telegram_as_anywhere(telegram: TelegramStack) -> None:
    chat = next(_chats)
    telegram.post(_text(chat, "我还欠多少钱"))
    telegram.post(_text(chat, "13800001111 身份证后四位1234"))
    replies = telegram.api.wait_for(chat, 2)
    assert any("12,580.00" in text for text in replies[1:])


def test_without_the_secret_or_in_a_group_nothing_reaches_the_bot(
    telegram: TelegramStack,
) -> None:
    chat = next(_chats)
    assert telegram.post(_text(chat, "你好"), secret="wrong") == 403
    assert telegram.post(_text(chat, "你好", chat_type="group")) == 200
    time.sleep(1)
    assert telegram.api.to(chat) == []
    events = telegram.stack.tracker(f"telegram-{chat}")["events"]
    assert [e for e in events if e["event"] == "user"] == []


def test_rasas_api_can_speak_first_through_telegram(telegram: TelegramStack) -> None:
    """What outreach and the agent desk do: append a bot event with output_channel=telegram."""
    chat = next(_chats)
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "session_started"},
        {"event": "action", "name": "action_listen"},
        {"event": "bot", "text": "您好，这里是测试消息。"},
    ]
    answer = requests.post(
        f"{telegram.stack.rasa_url}/conversations/telegram-{chat}/tracker/events",
        params={
            "token": telegram.stack.token,
            "output_channel": "telegram",
            "execute_side_effects": "true",
        },
        json=events,
        timeout=60,
    )
    assert answer.status_code == 200, answer.text
    assert telegram.api.wait_for(chat, 1) == ["您好，这里是测试消息。"]


def test_the_rest_channel_refuses_a_telegram_conversation(telegram: TelegramStack) -> None:
    answer = requests.post(
        f"{telegram.stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": "telegram-700001", "message": "我还欠多少钱"},
        timeout=30,
    )
    assert answer.status_code == 400
