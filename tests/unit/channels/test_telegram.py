"""The Telegram channel: genuine private text updates reach the bot, the rest never does.

Replies go out through a local fake of the Bot API (a real HTTP server recording what aiogram
sends), so the output path is the one production uses.
"""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import pytest
from aiohttp import web
from rasa.core.lock_store import RedisLockStore

from bot.channels import telegram
from bot.channels.telegram import BoundedTelegramInput, TelegramSettings
from bot.dialogue.messages import library
from bot.dialogue.safe_replies import OPENING_SCRIPT, TOO_LONG_SCRIPT, safe_messages
from bot.inbound import MAX_MESSAGE_CHARS
from bot.policy import load_policy

TOKEN = "123456:TEST-token_abc"
SECRET = "s3cret-token"


class FakeBotApi:
    """Records every Bot API call; ``sendMessage`` answers like Telegram, or fails on demand."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.fail = False

    async def handle(self, request: web.Request) -> web.Response:
        token, method = request.match_info["token"], request.match_info["method"]
        assert token == TOKEN
        form = dict(await request.post())
        self.calls.append((method, form))
        if self.fail:
            return web.json_response({"ok": False, "error_code": 500, "description": "down"})
        result: Any = True
        if method == "sendMessage":
            result = {
                "message_id": len(self.calls),
                "date": 0,
                "chat": {"id": int(str(form["chat_id"])), "type": "private"},
                "text": form["text"],
            }
        return web.json_response({"ok": True, "result": result})

    @property
    def sent(self) -> list[tuple[int, str]]:
        return [
            (int(str(f["chat_id"])), str(f["text"])) for m, f in self.calls if m == "sendMessage"
        ]


@pytest.fixture
async def api(aiohttp_server: Any) -> AsyncIterator[tuple[FakeBotApi, str]]:
    fake = FakeBotApi()
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", fake.handle)
    server = await aiohttp_server(app)
    yield fake, str(server.make_url(""))


@pytest.fixture
async def channel(api: tuple[FakeBotApi, str]) -> AsyncIterator[BoundedTelegramInput]:
    _, url = api
    made = BoundedTelegramInput(TelegramSettings(TOKEN, SECRET, None, url))
    yield made
    await made.get_output_channel().session.close()


class Bot:
    """A stand-in for Rasa: answers, raises, or stays silent; remembers what it was given."""

    def __init__(self, mode: str = "answer") -> None:
        self.mode = mode
        self.seen: list[Any] = []

    async def __call__(self, message: Any) -> None:
        self.seen.append(message)
        if self.mode == "raise":
            raise RuntimeError("tracker store down")
        if self.mode == "answer":
            message.output_channel.messages.append(
                {"recipient_id": message.sender_id, "text": f"回复：{message.text}"}
            )


def _request(
    update: Any, secret: str | None = SECRET, raw: bytes | None = None, lock_store: Any = None
) -> Any:
    headers = {} if secret is None else {telegram.SECRET_HEADER: secret}
    body = raw if raw is not None else json.dumps(update).encode()
    agent = SimpleNamespace(lock_store=lock_store) if lock_store is not None else None
    return SimpleNamespace(
        headers=headers, body=body, app=SimpleNamespace(ctx=SimpleNamespace(agent=agent))
    )


def _text(update_id: int, text: str, chat_type: str = "private", chat_id: int = 42) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": chat_id, "type": chat_type},
            "text": text,
        },
    }


async def test_a_private_text_reaches_the_bot_as_its_own_conversation_and_the_reply_goes_back(
    channel: BoundedTelegramInput, api: tuple[FakeBotApi, str]
) -> None:
    fake, _ = api
    bot = Bot()
    result = await channel.handle(_request(_text(1, "我想分期")), bot)
    assert result.status == 200
    [message] = bot.seen
    assert (message.sender_id, message.text, message.input_channel) == (
        "telegram-42",
        "我想分期",
        "telegram",
    )
    assert fake.sent == [(42, "回复：我想分期")]


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x"])
async def test_an_update_without_the_secret_token_is_refused(
    channel: BoundedTelegramInput, api: tuple[FakeBotApi, str], secret: str | None
) -> None:
    fake, _ = api
    bot = Bot()
    result = await channel.handle(_request(_text(1, "你好"), secret=secret), bot)
    assert result.status == 403
    assert bot.seen == [] and fake.calls == []


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"{not json", 400),
        (b"\xff\xfe", 400),
        (b"[]", 400),
        (b'{"update_id": "1"}', 400),
        (b'{"update_id": true}', 400),
        (b"x" * (64 * 1024), 413),
    ],
)
async def test_malformed_updates_get_a_clear_4xx(
    channel: BoundedTelegramInput, raw: bytes, status: int
) -> None:
    bot = Bot()
    result = await channel.handle(_request(None, raw=raw), bot)
    assert result.status == status
    assert bot.seen == []


async def test_a_retried_update_is_answered_once(
    channel: BoundedTelegramInput, api: tuple[FakeBotApi, str]
) -> None:
    fake, _ = api
    bot = Bot()
    for _ in range(3):
        assert (await channel.handle(_request(_text(7, "还款")), bot)).status == 200
    assert len(bot.seen) == 1 and len(fake.sent) == 1


def _redis_up() -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.mark.redis
async def test_a_retry_to_another_instance_is_not_answered_again(
    api: tuple[FakeBotApi, str],
) -> None:
    """Production: nginx may send Telegram's retry to another Rasa instance."""
    if not _redis_up():
        pytest.skip("Redis is not running locally")
    fake, url = api
    prefix = f"telegramtest{uuid.uuid4().hex[:10]}"
    stores = [RedisLockStore(host="127.0.0.1", port=6379, db=0, key_prefix=prefix) for _ in "ab"]
    bots = [Bot(), Bot()]
    try:
        for store, bot in zip(stores, bots, strict=True):
            instance = BoundedTelegramInput(TelegramSettings(TOKEN, SECRET, None, url))
            update = _text(9001, "还款")
            assert (await instance.handle(_request(update, lock_store=store), bot)).status == 200
            await instance.get_output_channel().session.close()
        keys = [k.decode() for k in stores[0].red.scan_iter(f"{prefix}:*")]
    finally:
        for key in stores[0].red.scan_iter(f"{prefix}:*"):
            stores[0].red.delete(key)
    assert [len(bot.seen) for bot in bots] == [1, 0]
    assert len(fake.sent) == 1
    assert keys == [f"{prefix}:telegram:update:9001"]


async def test_group_chats_edits_and_channel_posts_get_no_answer(
    channel: BoundedTelegramInput, api: tuple[FakeBotApi, str]
) -> None:
    fake, _ = api
    bot = Bot()
    edited = {"update_id": 3, "edited_message": _text(3, "改了")["message"]}
    for update in (_text(1, "欠多少", chat_type="group"), _text(2, "欠多少", "supergroup"), edited):
        assert (await channel.handle(_request(update), bot)).status == 200
    assert bot.seen == [] and fake.calls == []


async def test_commands_are_words_and_start_gets_the_opening_disclosure(
    channel: BoundedTelegramInput, api: tuple[FakeBotApi, str]
) -> None:
    fake, _ = api
    bot = Bot()
    await channel.handle(_request(_text(1, "/start")), bot)
    await channel.handle(_request(_text(2, '/ask_balance{"id_last4": "1234"}')), bot)
    await channel.handle(_request(_text(3, '/ /verify{"id_last4": "1234"}')), bot)
    assert bot.seen[0].text == 'ask_balance{"id_last4": "1234"}'
    assert bot.seen[1].text == 'verify{"id_last4": "1234"}'
    institution = load_policy().institution.name
    assert institution in fake.sent[0][1] and fake.sent[0][1] in {
        variant.replace("{institution}", institution)
        for variant in library().get(OPENING_SCRIPT).variants
    }
    assert len(bot.seen) == 2


async def test_not_text_and_too_long_messages_get_approved_replies_without_the_bot(
    channel: BoundedTelegramInput, api: tuple[FakeBotApi, str]
) -> None:
    fake, _ = api
    bot = Bot()
    sticker = _text(1, "")
    del sticker["message"]["text"]
    sticker["message"]["sticker"] = {"file_id": "x"}
    await channel.handle(_request(sticker), bot)
    await channel.handle(_request(_text(2, "好" * (MAX_MESSAGE_CHARS + 1))), bot)
    assert bot.seen == []
    not_text = library().render(telegram.NOT_TEXT_SCRIPT, {}, "telegram-42").text
    too_long = library().render(TOO_LONG_SCRIPT, {"max_chars": MAX_MESSAGE_CHARS}, "telegram-42")
    assert [text for _, text in fake.sent] == [not_text, too_long.text]


async def test_when_the_bot_fails_the_borrower_still_gets_an_approved_reply(
    channel: BoundedTelegramInput, api: tuple[FakeBotApi, str]
) -> None:
    fake, _ = api
    await channel.handle(_request(_text(1, "我不想活了")), Bot("raise"))
    await channel.handle(_request(_text(2, "查一下账单")), Bot("silent"))
    distress, unavailable = (text for _, text in fake.sent)
    assert [distress] == [m.text for m in safe_messages("我不想活了", "telegram-42")]
    assert "12356" in distress
    assert [unavailable] == [m.text for m in safe_messages("查一下账单", "telegram-42")]


async def test_a_bot_api_failure_is_absorbed(
    channel: BoundedTelegramInput, api: tuple[FakeBotApi, str]
) -> None:
    fake, _ = api
    fake.fail = True
    result = await channel.handle(_request(_text(1, "你好")), Bot())
    assert result.status == 200  # Telegram must not retry: the bot already answered


def test_settings_need_the_token_and_a_valid_secret() -> None:
    with pytest.raises(ValueError, match="TELEGRAM_TOKEN"):
        telegram.settings_from_env({})
    for token in ("abc", "12345", "abc:def", "12 3:x"):
        with pytest.raises(ValueError, match="bot token"):
            telegram.settings_from_env({"TELEGRAM_TOKEN": token, "TELEGRAM_SECRET_TOKEN": SECRET})
    for secret in ("", "has space", "x" * 257, "中文"):
        with pytest.raises(ValueError, match="SECRET"):
            telegram.settings_from_env({"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_SECRET_TOKEN": secret})
    settings = telegram.settings_from_env(
        {"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_SECRET_TOKEN": SECRET, "TELEGRAM_API_URL": "http://x"}
    )
    assert (settings.token, settings.secret_token, settings.api_url) == (TOKEN, SECRET, "http://x")


async def test_set_webhook_sends_the_url_and_the_secret(api: tuple[FakeBotApi, str]) -> None:
    fake, url = api
    settings = TelegramSettings(
        TOKEN, SECRET, "https://bank.example/webhooks/telegram/webhook", url
    )
    assert await telegram.set_webhook(settings) is True
    [(method, form)] = fake.calls
    assert method == "setWebhook"
    assert form["url"] == settings.webhook_url and form["secret_token"] == SECRET


async def test_the_output_channel_sends_through_the_configured_server_without_a_webhook(
    channel: BoundedTelegramInput, api: tuple[FakeBotApi, str]
) -> None:
    fake, _ = api
    output = channel.get_output_channel()
    assert output is channel.get_output_channel()
    await output.send_response("telegram-42", {"text": "您好"})  # as Rasa's API addresses it
    assert fake.sent == [(42, "您好")] and [m for m, _ in fake.calls] == ["sendMessage"]


def test_without_a_token_the_channel_is_off_and_cannot_send(monkeypatch) -> None:
    monkeypatch.delenv("TELEGRAM_TOKEN", raising=False)
    off = BoundedTelegramInput.from_credentials(None)
    assert off.get_output_channel() is None
    assert not off.blueprint(Bot())._future_routes  # no route: /webhooks/telegram/* is a 404


def test_a_token_without_a_valid_secret_stops_the_start(monkeypatch) -> None:
    monkeypatch.setenv("TELEGRAM_TOKEN", TOKEN)
    monkeypatch.delenv("TELEGRAM_SECRET_TOKEN", raising=False)
    with pytest.raises(ValueError, match="SECRET"):
        BoundedTelegramInput.from_credentials(None)
    monkeypatch.setenv("TELEGRAM_SECRET_TOKEN", SECRET)
    on = BoundedTelegramInput.from_credentials(None)
    assert on.blueprint(Bot())._future_routes
