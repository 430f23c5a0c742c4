"""The WeChat channel on a real Sanic server, driven by a fake platform, with a stub bot.

The platform's side (signatures, AES envelopes, reading replies) is ``tests/wechat_fake.py``,
built on wechatpy's own crypto; the customer-service API is a fake HTTP server recording what
it gets. The bot is a stub that answers, fails, stays silent or takes its time.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage, register
from rasa.core.lock_store import RedisLockStore
from sanic import Sanic, response
from sqlalchemy import select

from bot import settings
from bot.channels.wechat import WeChatInput
from bot.channels.wechat.channel import NOT_TEXT_SCRIPT, WELCOME_SCRIPT
from bot.channels.wechat.config import WeChatConfig
from bot.channels.wechat.envelope import REPLAY_WINDOW_SECONDS, Inbound
from bot.db.models import ChannelAddress
from bot.db.settings import make_engine, make_session_factory
from bot.dialogue.messages import library
from bot.dialogue.runtime import policy
from bot.dialogue.safe_replies import FAILURES, TOO_LONG_SCRIPT
from bot.inbound import MAX_MESSAGE_CHARS, MAX_REQUEST_BYTES
from tests.wechat_fake import (
    ACCOUNT,
    AES_KEY,
    APP_ID,
    APP_SECRET,
    OPENID,
    TOKEN,
    Callback,
    CustomerServiceApi,
    Platform,
    cdata,
    customer_service_api,
    sign,
)

SENDER = f"wechat-{OPENID}"
DEADLINE = 0.5  # the tests' reply deadline (production: REPLY_DEADLINE_SECONDS)
_apps = itertools.count()


@dataclass
class StubBot:
    """Answers each message with ``replies`` after ``delay``; or raises; or says nothing."""

    replies: tuple[str, ...] = ("您好，这里是测试银行的智能客服助理。", "请问有什么可以帮您？")
    delay: float = 0.0
    fail: bool = False
    messages: list[UserMessage] = field(default_factory=list)

    async def __call__(self, message: UserMessage) -> None:
        self.messages.append(message)
        await asyncio.sleep(self.delay)
        if self.fail:
            raise RuntimeError("tracker store down")
        for text in self.replies:
            await message.output_channel.send_text_message(message.sender_id, text)


@dataclass
class Served:
    """The channel on a local port, the fake platform and the fake API."""

    url: str
    platform: Platform
    bot: StubBot
    api: CustomerServiceApi
    http: aiohttp.ClientSession

    async def call(self, callback: Callback, method: str = "POST") -> tuple[int, str]:
        async with self.http.request(
            method, self.url, params=callback.params, data=callback.body
        ) as answer:
            return answer.status, await answer.text()

    async def send(self, xml: str, **kwargs: Any) -> tuple[int, dict[str, Any] | None]:
        """Deliver ``xml``; the status and the reply as the platform reads it."""
        callback = self.platform.deliver(xml, **kwargs)
        status, body = await self.call(callback)
        if status != 200:
            return status, None
        return status, self.platform.read_reply(body, callback.params["nonce"])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def api() -> Iterator[CustomerServiceApi]:
    with customer_service_api() as fake:
        yield fake


async def serve(
    channel: WeChatInput,
    bot: StubBot,
    api: CustomerServiceApi,
    platform: Platform,
    lock_store: RedisLockStore | None = None,
) -> AsyncIterator[Served]:
    Sanic.test_mode = True  # several apps in one process (Sanic's touch-ups run once per app)
    app = Sanic(f"wechat_test_{next(_apps)}")
    app.ctx.agent = SimpleNamespace(tracker_store=None, lock_store=lock_store, handle_message=bot)
    app.add_route(_health, "/")  # Rasa's app always has routes; an app without any fails
    register([channel], app, "/webhooks/")
    port = _free_port()
    server = await app.create_server(
        host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
    )
    assert server is not None
    await server.startup()
    try:
        url = f"http://127.0.0.1:{port}/webhooks/wechat/webhook"
        async with aiohttp.ClientSession() as http:
            yield Served(url, platform, bot, api, http)
    finally:
        server.close()
        await server.wait_closed()
        await channel._customer_service.close()


def _config(api: CustomerServiceApi, safe: bool) -> WeChatConfig:
    return WeChatConfig(
        token=TOKEN,
        app_id=APP_ID,
        aes_key=AES_KEY if safe else "",
        app_secret=APP_SECRET,
        api_base=api.base,
    )


@pytest.fixture(params=["plain", "safe"])
async def wechat(request: pytest.FixtureRequest, api: CustomerServiceApi) -> AsyncIterator[Served]:
    safe = request.param == "safe"
    channel = WeChatInput(_config(api, safe), deadline=DEADLINE)
    platform = Platform(aes_key=AES_KEY if safe else None)
    async for served in serve(channel, StubBot(), api, platform):
        yield served


@pytest.fixture
async def plain(api: CustomerServiceApi) -> AsyncIterator[Served]:
    channel = WeChatInput(_config(api, safe=False), deadline=DEADLINE)
    async for served in serve(channel, StubBot(), api, Platform()):
        yield served


@pytest.fixture
async def safe(api: CustomerServiceApi) -> AsyncIterator[Served]:
    channel = WeChatInput(_config(api, safe=True), deadline=DEADLINE)
    async for served in serve(channel, StubBot(), api, Platform(aes_key=AES_KEY)):
        yield served


def _script(script_id: str, **params: Any) -> str:
    return library().render(script_id, params, SENDER).text


def _welcome() -> str:
    return _script(WELCOME_SCRIPT, institution=policy().institution.name)


# ---------------------------------------------------------------- the URL check


async def test_the_url_check_echoes_a_signed_echostr(wechat: Served) -> None:
    assert await wechat.call(wechat.platform.url_check("echo-123"), "GET") == (200, "echo-123")


async def test_the_url_check_refuses_a_bad_signature_and_an_old_timestamp(wechat: Served) -> None:
    forged = wechat.platform.url_check("echo-123")
    forged.params["signature"] = "0" * 40
    stale = wechat.platform.url_check("echo-123", timestamp=_now() - REPLAY_WINDOW_SECONDS - 60)
    assert (await wechat.call(forged, "GET"))[0] == 403
    assert (await wechat.call(stale, "GET"))[0] == 403


async def test_a_url_check_with_msg_signature_must_cover_the_echostr(safe: Served) -> None:
    check = safe.platform.url_check("echo-123")
    stamp, nonce = check.params["timestamp"], check.params["nonce"]
    check.params["msg_signature"] = sign(TOKEN, stamp, nonce, "echo-123")
    assert await safe.call(check, "GET") == (200, "echo-123")
    check.params["msg_signature"] = sign(TOKEN, stamp, nonce, "another")
    assert (await safe.call(check, "GET"))[0] == 403


# ---------------------------------------------------------------- text messages


async def test_a_text_gets_the_bots_replies_in_one_passive_reply(wechat: Served) -> None:
    status, reply = await wechat.send(wechat.platform.text("你好", msg_id=42))

    assert status == 200 and reply is not None
    assert (reply["ToUserName"], reply["FromUserName"]) == (OPENID, ACCOUNT)
    assert reply["MsgType"] == "text"
    assert reply["Content"] == "\n\n".join(StubBot.replies)
    [message] = wechat.bot.messages
    assert (message.sender_id, message.text, message.input_channel) == (SENDER, "你好", "wechat")
    assert message.message_id == "42"
    assert message.metadata == {"client": SENDER}


async def test_the_text_is_cleaned_as_on_the_rest_channel(plain: Served) -> None:
    await plain.send(plain.platform.text('/greet{"x": 1}\u202e\u200b 我想\n分期'))
    await plain.send(plain.platform.text('/\u3000/verify{"x": 1}'))
    assert plain.bot.messages[0].text == 'greet{"x": 1} 我想 分期'
    assert plain.bot.messages[1].text == 'verify{"x": 1}'


async def test_a_long_text_gets_the_approved_reply_and_never_reaches_the_bot(
    wechat: Served,
) -> None:
    _, reply = await wechat.send(wechat.platform.text("好" * (MAX_MESSAGE_CHARS + 1)))
    assert reply is not None
    assert reply["Content"] == _script(TOO_LONG_SCRIPT, max_chars=MAX_MESSAGE_CHARS)
    assert wechat.bot.messages == []


async def test_an_image_gets_the_approved_text_only_reply(wechat: Served) -> None:
    _, reply = await wechat.send(wechat.platform.image())
    assert reply is not None and reply["Content"] == _script(NOT_TEXT_SCRIPT)
    assert wechat.bot.messages == []


async def test_a_failing_bot_still_gets_the_borrower_an_approved_reply(plain: Served) -> None:
    plain.bot.fail = True
    before = FAILURES["channel"]
    _, reply = await plain.send(plain.platform.text("我还欠多少钱"))
    _, distress = await plain.send(plain.platform.text("我不想活了"))

    assert reply is not None and "热线" in reply["Content"]
    assert distress is not None and "12356" in distress["Content"]
    assert FAILURES["channel"] == before + 2


async def test_a_silent_bot_gets_the_safe_reply(plain: Served) -> None:
    plain.bot.replies = ()
    _, reply = await plain.send(plain.platform.text("你好"))
    assert reply is not None and "热线" in reply["Content"]


# ---------------------------------------------------------------- what is refused


async def test_a_bad_signature_is_refused_and_never_reaches_the_bot(wechat: Served) -> None:
    callback = wechat.platform.deliver(wechat.platform.text("你好"))
    callback.params["signature"] = sign("another-token", *_stamp(callback))
    assert (await wechat.call(callback))[0] == 403
    assert wechat.bot.messages == []


@pytest.mark.parametrize("offset", [-REPLAY_WINDOW_SECONDS - 30, REPLAY_WINDOW_SECONDS + 30])
async def test_a_timestamp_outside_the_window_is_refused_as_a_replay(
    wechat: Served, offset: int
) -> None:
    status, _ = await wechat.send(wechat.platform.text("你好"), timestamp=_now() + offset)
    assert status == 403
    assert wechat.bot.messages == []


async def test_a_timestamp_inside_the_window_is_taken(plain: Served) -> None:
    status, _ = await plain.send(plain.platform.text("你好"), timestamp=_now() - 240)
    assert status == 200 and len(plain.bot.messages) == 1


@pytest.mark.parametrize(
    "body",
    [
        b"not xml at all",
        b"<xml><ToUserName>a</ToUserName>",
        b"<message><MsgType>text</MsgType></message>",
        b"\xff\xfe<xml/>",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xml><Content>&a;</Content></xml>',
        cdata({"ToUserName": ACCOUNT, "CreateTime": 1, "MsgType": "text", "MsgId": 1}).encode(),
        cdata(
            {"ToUserName": ACCOUNT, "FromUserName": "o<1>", "CreateTime": 1, "MsgType": "text"}
        ).encode(),
        cdata(
            {"ToUserName": ACCOUNT, "FromUserName": OPENID, "CreateTime": "soon", "MsgType": "x"}
        ).encode(),
    ],
)
async def test_malformed_xml_gets_400_never_500(plain: Served, body: bytes) -> None:
    callback = plain.platform.deliver("")
    callback.body = body
    assert (await plain.call(callback))[0] == 400
    assert plain.bot.messages == []


async def test_an_oversized_body_gets_413(plain: Served) -> None:
    xml = plain.platform.text("好" * (MAX_REQUEST_BYTES // 3 + 10))
    status, _ = await plain.send(xml)
    assert status == 413


async def test_safe_mode_refuses_a_plain_message(safe: Served) -> None:
    callback = Platform().deliver(safe.platform.text("你好"))  # signed, but not encrypted
    assert (await safe.call(callback))[0] == 400
    assert safe.bot.messages == []


async def test_safe_mode_refuses_a_tampered_or_foreign_envelope(safe: Served) -> None:
    tampered = safe.platform.deliver(safe.platform.text("你好"))
    tampered.body = tampered.body.replace(b"<Encrypt><![CDATA[", b"<Encrypt><![CDATA[AAAA")
    foreign = Platform(app_id="wxffffffffffffffff", aes_key=AES_KEY).deliver(
        safe.platform.text("你好")
    )
    assert (await safe.call(tampered))[0] == 403
    assert (await safe.call(foreign))[0] == 403
    assert safe.bot.messages == []


async def test_an_envelope_that_does_not_decrypt_gets_400(safe: Served) -> None:
    callback = safe.platform.deliver(safe.platform.text("你好"))
    garbage = "Zm9v"  # base64, but not an AES envelope
    stamp, nonce = _stamp(callback)
    callback.params["msg_signature"] = sign(TOKEN, stamp, nonce, garbage)
    callback.body = cdata({"ToUserName": ACCOUNT, "Encrypt": garbage}).encode()
    assert (await safe.call(callback))[0] == 400


# ---------------------------------------------------------------- retries of one delivery


async def test_in_plain_mode_a_signed_url_carries_only_its_own_message(plain: Served) -> None:
    """Plain mode signs no body: a seen URL must not carry another borrower's message."""
    first = plain.platform.deliver(plain.platform.text("你好", openid="oBorrower"))
    assert (await plain.call(first))[0] == 200
    forged = plain.platform.text("13800001111 1234", openid="oAttacker")
    assert (await plain.call(Callback(first.params, forged.encode())))[0] == 403
    assert (await plain.call(first))[0] == 200  # the same delivery again: the platform's retry
    assert [m.sender_id for m in plain.bot.messages] == ["wechat-oBorrower"]


async def test_a_repeated_msgid_runs_the_bot_once_and_gets_the_same_reply(wechat: Served) -> None:
    xml = wechat.platform.text("你好")
    _, first = await wechat.send(xml)
    _, retry = await wechat.send(xml)  # the platform's retry: new timestamp and nonce

    assert first is not None and retry is not None
    assert retry["Content"] == first["Content"]
    assert len(wechat.bot.messages) == 1


async def test_a_retry_while_the_first_is_handled_gets_success(plain: Served) -> None:
    plain.bot.delay = DEADLINE / 2
    xml = plain.platform.text("你好")
    first, retry = await asyncio.gather(plain.send(xml), _later(plain.send(xml), DEADLINE / 10))

    assert first[1] is not None and first[1]["Content"]
    assert retry == (200, None)  # "success"
    assert len(plain.bot.messages) == 1


# ---------------------------------------------------------------- a slow bot


async def test_a_slow_bot_answers_through_the_customer_service_api(wechat: Served) -> None:
    wechat.bot.delay = DEADLINE * 2
    started = asyncio.get_running_loop().time()
    status, reply = await wechat.send(wechat.platform.text("我想分期"))
    waited = asyncio.get_running_loop().time() - started

    assert (status, reply) == (200, None)  # "success" within the deadline
    assert waited < DEADLINE * 1.5
    sent = await asyncio.to_thread(wechat.api.wait_for_sent, 1, 5)
    assert sent == [(OPENID, "\n\n".join(StubBot.replies))]


async def test_the_access_token_is_cached_and_renewed_when_revoked(plain: Served) -> None:
    plain.bot.delay = DEADLINE * 2
    for text in ("一", "二"):
        await plain.send(plain.platform.text(text))
    await asyncio.to_thread(plain.api.wait_for_sent, 2, 5)
    assert plain.api.tokens_issued == 1

    plain.api.revoke_next = 1
    await plain.send(plain.platform.text("三"))
    sent = await asyncio.to_thread(plain.api.wait_for_sent, 3, 5)
    assert len(sent) == 3
    token_calls = [r for r in plain.api.requests if r.path == "/cgi-bin/stable_token"]
    assert len(token_calls) == 2
    assert token_calls[0].body == {
        "grant_type": "client_credential",
        "appid": APP_ID,
        "secret": APP_SECRET,
    }


async def test_a_failing_api_is_logged_and_counted_never_raised(plain: Served) -> None:
    plain.bot.delay = DEADLINE * 2
    plain.api.fail_sends = True
    before = FAILURES["wechat_api"]
    status, _ = await plain.send(plain.platform.text("你好"))
    for _ in range(100):
        if FAILURES["wechat_api"] > before:
            break
        await asyncio.sleep(0.05)
    assert status == 200
    assert FAILURES["wechat_api"] == before + 1
    assert plain.api.sent == []


# ---------------------------------------------------------------- follow and unfollow


@pytest.fixture
def addresses(demo_database_url: str) -> Iterator[Any]:
    engine = make_engine(demo_database_url)
    factory = make_session_factory(engine)

    def rows() -> list[ChannelAddress]:
        with factory() as session:
            return list(
                session.scalars(select(ChannelAddress).where(ChannelAddress.address == OPENID))
            )

    yield rows
    engine.dispose()


async def test_follow_gets_the_welcome_and_unfollow_stops_contact(
    wechat: Served, addresses: Any
) -> None:
    _, welcome = await wechat.send(wechat.platform.event("subscribe"))
    assert welcome is not None and welcome["Content"] == _welcome()
    [row] = addresses()
    assert (row.channel, row.address, row.unsubscribed_at) == ("wechat", OPENID, None)

    _, reply = await wechat.send(wechat.platform.event("unsubscribe"))
    assert reply is None  # "success"
    [row] = addresses()
    assert row.unsubscribed_at is not None
    assert wechat.bot.messages == []


async def test_a_database_failure_does_not_break_the_platform_request(plain: Served) -> None:
    before = FAILURES["wechat_subscription"]
    down = "postgresql+psycopg2://postgres@127.0.0.1:1/down"  # nothing listens on port 1
    with settings.override(database_url=down):
        status, welcome = await plain.send(plain.platform.event("subscribe"))
        status_off, _ = await plain.send(plain.platform.event("unsubscribe", create_time=1))
    assert status == 200 and welcome is not None
    assert welcome["Content"] == _welcome()
    assert status_off == 200
    assert FAILURES["wechat_subscription"] == before + 2


async def test_other_events_get_success(plain: Served) -> None:
    status, reply = await plain.send(plain.platform.event("CLICK"))
    assert (status, reply) == (200, None)


# ---------------------------------------------------------------- switched off


async def test_without_a_token_the_channel_serves_nothing(api: CustomerServiceApi) -> None:
    channel = WeChatInput(WeChatConfig())
    async for served in serve(channel, StubBot(), api, Platform()):
        status, _ = await served.call(served.platform.url_check("x"), "GET")
        assert status == 404
        assert (await served.send(served.platform.text("你好")))[0] == 404


# ---------------------------------------------------------------- helpers


async def _health(request: Any) -> Any:
    return response.json({"status": "ok"})


def _now() -> int:
    import time

    return int(time.time())


def _stamp(callback: Callback) -> tuple[str, str]:
    return callback.params["timestamp"], callback.params["nonce"]


async def _later(coroutine: Any, delay: float) -> Any:
    await asyncio.sleep(delay)
    return await coroutine


# ---------------------------------------------------------------- two instances on Redis


def _redis_up() -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.mark.redis
async def test_a_retry_to_another_instance_does_not_run_the_bot_again(
    api: CustomerServiceApi,
) -> None:
    """Production: nginx may send the platform's retry to another Rasa instance."""
    if not _redis_up():
        pytest.skip("Redis is not running locally")
    prefix = f"wechattest{uuid.uuid4().hex[:10]}"
    stores = [RedisLockStore(host="127.0.0.1", port=6379, db=0, key_prefix=prefix) for _ in "ab"]
    bots, platform = [StubBot(), StubBot()], Platform()
    xml = platform.text("你好", msg_id=7001)
    try:
        replies = []
        for store, bot in zip(stores, bots, strict=True):
            channel = WeChatInput(_config(api, safe=False), deadline=DEADLINE)
            async for served in serve(channel, bot, api, platform, lock_store=store):
                replies.append(await served.send(xml))
        keys = [k.decode() for k in stores[0].red.scan_iter(f"{prefix}:*")]
    finally:
        for key in stores[0].red.scan_iter(f"{prefix}:*"):
            stores[0].red.delete(key)

    assert [len(bot.messages) for bot in bots] == [1, 0]
    assert replies[0] == replies[1] and replies[0][1] is not None
    # The delivery once; and, in plain mode, each signed URL with the message it carried.
    assert [k for k in keys if ":url:" not in k] == [f"{prefix}:wechat:delivery:7001"]
    assert len([k for k in keys if ":url:" in k]) == 2


async def test_when_the_platform_hangs_up_the_reply_goes_through_the_api(
    api: CustomerServiceApi,
) -> None:
    """A call cancelled before the deadline (the platform closed it) still gets its reply."""
    channel = WeChatInput(_config(api, safe=False), deadline=DEADLINE)
    bot = StubBot(delay=DEADLINE / 2)
    inbound = Inbound("text", "", OPENID, ACCOUNT, _now(), "99", "你好")
    request = SimpleNamespace(app=SimpleNamespace(ctx=SimpleNamespace(agent=None)))
    call = asyncio.ensure_future(channel.answer(request, bot, inbound))
    await asyncio.sleep(DEADLINE / 10)
    call.cancel()
    sent = await asyncio.to_thread(api.wait_for_sent, 1, 5)
    await channel._customer_service.close()
    assert sent == [(OPENID, "\n\n".join(StubBot.replies))]
