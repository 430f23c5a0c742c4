"""The WeChat channel's parts without a server: settings, retries remembered, conversation ids."""

from __future__ import annotations

import pytest

from bot.channels import senders
from bot.channels.deliveries import MemoryDeliveries, Seen
from bot.channels.rest import BadRequest, parse_body
from bot.channels.wechat import WeChatInput, WeChatOutput
from bot.channels.wechat.channel import NotDelivered
from bot.channels.wechat.config import OFFICIAL_API_BASE, WeChatConfig
from bot.settings import ConfigError
from tests.wechat_fake import AES_KEY, APP_ID, APP_SECRET, OPENID, TOKEN, customer_service_api

# ---------------------------------------------------------------- settings


def test_without_a_token_the_channel_is_off() -> None:
    config = WeChatConfig.load(None, {})
    assert not config.enabled and not config.can_push
    assert WeChatInput(config).get_output_channel() is None


def test_settings_come_from_the_environment() -> None:
    env = {"WECHAT_TOKEN": TOKEN, "WECHAT_APP_ID": APP_ID, "WECHAT_AES_KEY": AES_KEY}
    config = WeChatConfig.load(None, env)
    assert (config.enabled, config.safe_mode, config.can_push) == (True, True, False)
    assert config.api_base == OFFICIAL_API_BASE
    plain = WeChatConfig.load({}, {**env, "WECHAT_AES_KEY": "", "WECHAT_APP_SECRET": APP_SECRET})
    assert (plain.safe_mode, plain.can_push) == (False, True)


def test_credential_values_win_over_the_environment() -> None:
    config = WeChatConfig.load(
        {"token": TOKEN, "app_id": APP_ID, "api_base": "http://127.0.0.1:9/"},
        {"WECHAT_TOKEN": "otherToken", "WECHAT_APP_ID": "wxother"},
    )
    assert (config.token, config.app_id, config.api_base) == (TOKEN, APP_ID, "http://127.0.0.1:9")


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"WECHAT_TOKEN": "a b"}, "WECHAT_TOKEN"),
        ({"WECHAT_TOKEN": TOKEN}, "WECHAT_APP_ID"),
        ({"WECHAT_TOKEN": TOKEN, "WECHAT_APP_ID": APP_ID, "WECHAT_AES_KEY": "short"}, "AES"),
        (
            {"WECHAT_TOKEN": TOKEN, "WECHAT_APP_ID": APP_ID, "WECHAT_API_BASE": "ftp://x"},
            "WECHAT_API_BASE",
        ),
    ],
)
def test_a_setting_the_platform_would_refuse_stops_the_start(env: dict, named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        WeChatConfig.load(None, env)


# ---------------------------------------------------------------- retries remembered


def test_a_claim_is_seen_pending_then_with_its_reply() -> None:
    deliveries = MemoryDeliveries()
    assert deliveries.claim("1") is None
    assert deliveries.claim("1") == Seen(ready=False)
    deliveries.finish("1", ["您好"])
    assert deliveries.claim("1") == Seen(ready=True, texts=("您好",))
    assert deliveries.claim("2") is None


def test_claims_expire_and_are_bounded_in_number() -> None:
    now = [1000.0]
    deliveries = MemoryDeliveries(ttl=60, max_keys=3, clock=lambda: now[0])
    for key in "abc":
        deliveries.claim(key)
    deliveries.claim("d")  # over the bound: the oldest goes
    assert deliveries.claim("a") is None
    now[0] += 61
    assert all(deliveries.claim(key) is None for key in "bcd")


# ---------------------------------------------------------------- conversation ids


def test_a_wechat_conversation_is_the_openid_with_the_channels_prefix() -> None:
    assert senders.sender_id("wechat", OPENID) == f"wechat-{OPENID}"
    with pytest.raises(ValueError):
        senders.sender_id("rest", "x")


@pytest.mark.parametrize(
    "sender", [f"wechat-{OPENID}", "telegram-42", "WeChat-x", "\u200bwechat-x", "TELEGRAM-"]
)
def test_the_rest_channel_refuses_another_channels_conversations(sender: str) -> None:
    body = f'{{"sender": "{sender}", "message": "我还欠多少钱"}}'.encode()
    with pytest.raises(BadRequest, match="must not start with"):
        parse_body(body)


def test_the_rest_channel_keeps_other_senders() -> None:
    assert parse_body(b'{"sender": "wechatfan", "message": "hi"}')[0] == "wechatfan"


def test_every_conversation_outreach_can_reach_is_closed_to_rest_callers() -> None:
    for channel in senders.PREFIXED_CHANNELS:
        conversation = senders.sender_id(channel, "abc")
        assert conversation == senders.sender_id(channel, "abc")
        assert senders.is_reserved(conversation)


# ---------------------------------------------------------------- Rasa's output channel


async def test_the_output_channel_sends_through_the_api_and_raises_when_it_cannot() -> None:
    with customer_service_api() as api:
        config = WeChatConfig(token=TOKEN, app_id=APP_ID, app_secret=APP_SECRET, api_base=api.base)
        channel = WeChatInput(config)
        output = channel.get_output_channel()
        assert isinstance(output, WeChatOutput) and output.name() == "wechat"
        await output.send_text_message(f"wechat-{OPENID}", "提醒您：本次对话将被记录。")
        with pytest.raises(NotDelivered):
            await output.send_text_message("telegram-42", "not for WeChat")
        api.fail_sends = True  # e.g. outside the platform's 48 hours
        with pytest.raises(NotDelivered):
            await output.send_text_message(f"wechat-{OPENID}", "第二条")
        await channel._customer_service.close()
        assert api.sent == [(OPENID, "提醒您：本次对话将被记录。")]
