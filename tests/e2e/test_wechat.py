"""The WeChat channel on the real stack (trained model, action server, database), in both modes.

The platform is the local fake of ``tests/wechat_fake.py``: it signs (and in safe mode
encrypts) each callback with wechatpy's own crypto and reads the reply back as the platform
would; the customer-service API is a fake HTTP server that records what it is sent. Each mode
gets a stack of its own, started with the ``WECHAT_*`` variables, and one REST message to warm
the action server up (its first turn loads the guard), so that timings are the steady state's.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from sqlalchemy import select

from bot.db.models import ChannelAddress, Customer
from tests.e2e.conftest import MODEL, Stack, running_stack
from tests.wechat_fake import (
    AES_KEY,
    APP_ID,
    APP_SECRET,
    TOKEN,
    Callback,
    CustomerServiceApi,
    Platform,
    customer_service_api,
)

PLATFORM_LIMIT_SECONDS = 5.0
DISCLOSURE = "自动应答程序"  # opening.disclosure: the first message says it is automated
_openids = iter(f"oE2eTest{n:020d}" for n in range(10**6))


@dataclass
class WeChatStack:
    """The stack with the channel on, the fake platform and the fake API."""

    stack: Stack
    platform: Platform
    api: CustomerServiceApi

    @property
    def url(self) -> str:
        return f"{self.stack.rasa_url}/webhooks/wechat/webhook"

    def call(self, callback: Callback, method: str = "POST") -> tuple[int, str, float]:
        started = time.monotonic()
        answer = requests.request(
            method, self.url, params=callback.params, data=callback.body, timeout=30
        )
        return answer.status_code, answer.text, time.monotonic() - started

    def send(self, xml: str, **kwargs: Any) -> tuple[int, dict[str, Any] | None, float]:
        """Deliver ``xml``: the status, the reply as the platform reads it, the seconds taken."""
        callback = self.platform.deliver(xml, **kwargs)
        status, body, took = self.call(callback)
        reply = self.platform.read_reply(body, callback.params["nonce"]) if status == 200 else None
        return status, reply, took

    def user_turns(self, openid: str) -> list[str]:
        events = self.stack.tracker(f"wechat-{openid}")["events"]
        return [e["text"] for e in events if e["event"] == "user"]


@pytest.fixture(scope="module")
def api() -> Iterator[CustomerServiceApi]:
    with customer_service_api() as fake:
        yield fake


@pytest.fixture(scope="module", params=["plain", "safe"])
def wechat(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    api: CustomerServiceApi,
) -> Iterator[WeChatStack]:
    if not MODEL.exists():
        pytest.skip(f"no trained model at {MODEL}: run `make train`")
    safe = request.param == "safe"
    work = tmp_path_factory.mktemp(f"wechat-{request.param}")
    env = {
        "WECHAT_TOKEN": TOKEN,
        "WECHAT_APP_ID": APP_ID,
        "WECHAT_AES_KEY": AES_KEY if safe else "",
        "WECHAT_APP_SECRET": APP_SECRET,
        "WECHAT_API_BASE": api.base,
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        with running_stack(work, f"sqlite:///{work / 'collection.db'}") as stack:
            stack.say("warm-up", "你好")
            yield WeChatStack(stack, Platform(aes_key=AES_KEY if safe else None), api)


def test_the_url_check_passes(wechat: WeChatStack) -> None:
    status, body, _ = wechat.call(wechat.platform.url_check("e2e-echo"), "GET")
    assert (status, body) == (200, "e2e-echo")


def test_a_text_gets_a_valid_xml_reply_within_5_s(wechat: WeChatStack) -> None:
    openid = next(_openids)
    status, reply, took = wechat.send(wechat.platform.text("你好", openid=openid))

    assert status == 200 and took < PLATFORM_LIMIT_SECONDS
    assert reply is not None, "the passive reply was 'success'"
    assert (reply["MsgType"], reply["ToUserName"]) == ("text", openid)
    assert DISCLOSURE in reply["Content"]
    assert wechat.user_turns(openid) == ["你好"]


def test_the_borrower_verifies_on_wechat_as_anywhere(wechat: WeChatStack) -> None:
    openid = next(_openids)
    wechat.send(wechat.platform.text("我还欠多少钱", openid=openid))
    _, reply, _ = wechat.send(wechat.platform.text("13800001111 身份证后四位1234", openid=openid))
    assert reply is not None and "12,580.00" in reply["Content"]


def test_a_bad_signature_gets_403(wechat: WeChatStack) -> None:
    openid = next(_openids)
    callback = wechat.platform.deliver(wechat.platform.text("你好", openid=openid))
    callback.params["signature"] = "f" * 40
    assert wechat.call(callback)[0] == 403
    assert wechat.user_turns(openid) == []


def test_a_replayed_timestamp_gets_403(wechat: WeChatStack) -> None:
    openid = next(_openids)
    old = int(time.time()) - 3600
    status, _, _ = wechat.send(wechat.platform.text("你好", openid=openid), timestamp=old)
    assert status == 403
    assert wechat.user_turns(openid) == []


def test_a_duplicate_msgid_runs_the_bot_once(wechat: WeChatStack) -> None:
    openid = next(_openids)
    xml = wechat.platform.text("我想分期", openid=openid)
    _, first, _ = wechat.send(xml)
    _, retry, _ = wechat.send(xml)
    assert first is not None and retry == first | {"CreateTime": retry["CreateTime"]}
    assert wechat.user_turns(openid) == ["我想分期"]


def test_malformed_xml_gets_400(wechat: WeChatStack) -> None:
    callback = wechat.platform.deliver("<xml><Content>unclosed")  # in safe mode: sealed
    status, _, _ = wechat.call(callback)
    assert status == 400


def test_follow_welcomes_and_unfollow_stops_contact(wechat: WeChatStack) -> None:
    openid = next(_openids)
    _, welcome, took = wechat.send(wechat.platform.event("subscribe", openid=openid))
    assert welcome is not None and DISCLOSURE in welcome["Content"]
    assert took < PLATFORM_LIMIT_SECONDS
    _, reply, _ = wechat.send(wechat.platform.event("unsubscribe", openid=openid))
    assert reply is None  # "success"
    with wechat.stack.session() as session:
        row = session.scalars(select(ChannelAddress).where(ChannelAddress.address == openid)).one()
    assert (row.channel, row.unsubscribed_at is not None) == ("wechat", True)


def test_a_slow_bot_answers_through_the_customer_service_api(wechat: WeChatStack) -> None:
    """The action server stalls for 6 s: the platform gets "success", the borrower the reply."""
    openid, before = next(_openids), len(wechat.api.sent)
    actions = wechat.stack.procs["actions"]
    actions.send_signal(signal.SIGSTOP)
    resume = threading.Timer(6.0, actions.send_signal, args=(signal.SIGCONT,))
    resume.start()
    try:
        status, reply, took = wechat.send(wechat.platform.text("你好", openid=openid))
        assert (status, reply) == (200, None)  # "success"
        assert took < PLATFORM_LIMIT_SECONDS
        sent = wechat.api.wait_for_sent(before + 1, timeout=30)
    finally:
        resume.join()
    assert any(touser == openid and DISCLOSURE in text for touser, text in sent)


def test_the_rest_channel_refuses_a_wechat_conversation(wechat: WeChatStack) -> None:
    answer = requests.post(
        f"{wechat.stack.rasa_url}/webhooks/rest/webhook",
        json={"sender": "wechat-oSomeoneElse", "message": "我还欠多少钱"},
        timeout=30,
    )
    assert answer.status_code == 400


def _daytime_zone() -> str:
    """A fixed-offset zone where it is now between 10:00 and 19:59 (outside quiet hours)."""
    utc_hour = dt.datetime.now(dt.timezone.utc).hour
    offset = next(o for o in range(-12, 15) if 10 <= (utc_hour + o) % 24 < 20)
    return f"Etc/GMT{-offset:+d}"  # the Etc zones' sign is the other way round


def test_outreach_starts_a_conversation_with_a_borrower_who_verified_on_wechat(
    wechat: WeChatStack,
) -> None:
    """``python -m bot.outreach send`` → Rasa's API → the channel → the customer-service API."""
    openid = next(_openids)
    wechat.send(wechat.platform.text("你好", openid=openid))
    wechat.send(wechat.platform.text("13800001111 身份证后四位1234", openid=openid))
    zone = _daytime_zone()
    with wechat.stack.session() as session:
        bound = session.scalars(select(ChannelAddress).where(ChannelAddress.address == openid))
        assert bound.one().customer_id is not None  # verification bound the address
        for customer in session.scalars(select(Customer)):
            customer.time_zone = zone  # every demo borrower in daytime, whenever this runs
        for demo in session.scalars(select(ChannelAddress).where(ChannelAddress.address != openid)):
            session.delete(demo)  # the demo's own bindings: only this borrower is reachable
        session.commit()
    before = len(wechat.api.sent)
    env = {
        **os.environ,
        "DATABASE_URL": wechat.stack.database_url,
        "RASA_URL": wechat.stack.rasa_url,
        "RASA_TOKEN": wechat.stack.token,
    }
    run = subprocess.run(
        [sys.executable, "-m", "bot.outreach", "send"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "sent     account 1 张* overdue outreach.overdue_follow_up via wechat" in run.stdout
    assert "1 sent, 0 failed, 2 suppressed" in run.stdout  # the others: no_channel
    sent = wechat.api.wait_for_sent(before + 1, timeout=30)[before:]
    outbound = [text for touser, text in sent if touser == openid]
    assert len(outbound) == 1
    assert "停止联系" in outbound[0] and "12,580" not in outbound[0]
    events = wechat.stack.tracker(f"wechat-{openid}")["events"]
    [opening] = [
        e for e in events if e.get("metadata", {}).get("script_id", "").startswith("outreach.")
    ]
    assert opening["text"] == outbound[0]
    _, reply, took = wechat.send(wechat.platform.text("我还欠多少钱", openid=openid))
    assert reply is not None and took < PLATFORM_LIMIT_SECONDS  # the conversation goes on
    again = subprocess.run(
        [sys.executable, "-m", "bot.outreach", "send"], env=env, capture_output=True, text=True
    )
    assert again.returncode == 0 and "0 sent" in again.stdout  # one follow-up a day
