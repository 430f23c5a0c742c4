"""Telegram, through Rasa's built-in connector, bounded like the REST channel (issue 14).

Rasa's ``TelegramInput`` (``rasa.core.channels.telegram``, aiogram underneath) is kept for its
output channel and its name; :class:`BoundedTelegramInput` replaces its webhook because, as
shipped, it does not fit a product in front of real borrowers and attackers:

- it authenticates an update only by comparing the bot's public username, after calling
  Telegram's ``getMe`` on every update: ours checks the secret token Telegram sends in
  ``X-Telegram-Bot-Api-Secret-Token`` (set with the webhook) in constant time, 403 otherwise;
- it hands ``/intent{...}`` commands to Rasa: ours reads every text as words, and answers
  ``/start`` (Telegram's first message) with the approved opening disclosure;
- its conversation id is the bare chat id, which a REST caller could also use: ours is
  ``telegram-<chat id>`` (:mod:`bot.db.channel_addresses`), a prefix the REST channel refuses;
- it answers in groups: ours answers private chats only (in a group other people would read
  about the debt; compliance rule ``no-third-party``);
- it raises into Telegram on an error, so Telegram retries the update: ours answers with an
  approved reply (the caring reply for a message in distress) and ignores a retried
  ``update_id``, across instances in the production profile (:mod:`bot.channels.deliveries`);
- its ``get_output_channel`` sets the webhook with ``asyncio.run``, which fails inside the
  running server (Rasa's API could not send through Telegram, so outreach could not): ours
  sets the webhook only with ``python -m bot.channels.telegram set-webhook``.

Settings (environment, read by ``credentials.yml`` or :func:`settings_from_env`):
``TELEGRAM_TOKEN`` (from @BotFather), ``TELEGRAM_SECRET_TOKEN`` (1-256 of ``A-Za-z0-9_-``),
``TELEGRAM_WEBHOOK_URL`` (the public HTTPS URL of ``/webhooks/telegram/webhook``) and,
optionally, ``TELEGRAM_API_URL`` (a local Bot API server; the tests' fake).
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import json
import logging
import os
import re
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer, check_token
from aiogram.utils.exceptions import ValidationError
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.deliveries import Deliveries, deliveries_for
from bot.channels.rest import _route, turn_texts
from bot.channels.senders import sender_id, split_sender_id
from bot.dialogue.messages import library
from bot.dialogue.runtime import policy
from bot.dialogue.safe_replies import (
    OPENING_SCRIPT,
    TOO_LONG_SCRIPT,
    count_failure,
    opening_disclosure,
)
from bot.inbound import MAX_MESSAGE_CHARS, MAX_REQUEST_BYTES, borrower_text, clean_text, too_long

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")
START_COMMAND = "/start"
WELCOME_SCRIPT = OPENING_SCRIPT  # the first message names the institution, "automated", "recorded"
"""What ``/start`` and a follow get: :func:`bot.dialogue.safe_replies.opening_disclosure`."""
NOT_TEXT_SCRIPT = "input.not_text"
API_TIMEOUT_SECONDS = 8.0
"""The longest one Bot API call may take (aiohttp's default is 5 minutes): under the outreach
sender's wait, so a slow Telegram fails the call instead of holding Rasa's request."""
DELIVERY_KEY_PREFIX = "telegram:update:"
"""Update ids are remembered (in memory, or in the lock store's Redis) to ignore retries."""


@dataclass(frozen=True)
class TelegramSettings:
    """What the channel needs (see the module docstring for the variables)."""

    token: str
    secret_token: str
    webhook_url: str | None = None
    api_url: str | None = None


def settings_from_env(env: dict[str, str] | None = None) -> TelegramSettings:
    """The settings from the environment.

    Raises:
        ValueError: ``TELEGRAM_TOKEN`` is missing or not a bot token, or a valid
            ``TELEGRAM_SECRET_TOKEN`` is missing.
    """
    env = dict(os.environ) if env is None else env
    token = env.get("TELEGRAM_TOKEN", "").strip()
    secret = env.get("TELEGRAM_SECRET_TOKEN", "").strip()
    if not token:
        raise ValueError("TELEGRAM_TOKEN is not set")
    try:
        check_token(token)
    except ValidationError:
        raise ValueError("TELEGRAM_TOKEN is not a bot token (<digits>:<secret>)") from None
    if not SECRET_PATTERN.fullmatch(secret):
        raise ValueError("TELEGRAM_SECRET_TOKEN must be 1-256 characters of A-Z a-z 0-9 _ -")
    return TelegramSettings(
        token=token,
        secret_token=secret,
        webhook_url=env.get("TELEGRAM_WEBHOOK_URL") or None,
        api_url=env.get("TELEGRAM_API_URL") or None,
    )


class _Output(TelegramOutput):  # type: ignore[misc]  # Rasa is untyped: subclassing Any
    """Rasa's Telegram output channel, on a chosen Bot API server, addressed by conversation.

    Rasa addresses a reply to the conversation id (``telegram-<chat id>``); the Bot API wants
    the chat id.
    """

    def __init__(self, token: str, api_url: str | None) -> None:
        server = TelegramAPIServer.from_base(api_url) if api_url else TELEGRAM_PRODUCTION
        Bot.__init__(self, token, server=server, timeout=API_TIMEOUT_SECONDS)

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """Rasa's dispatch (text, buttons, images), to the chat of the conversation."""
        await super().send_response(chat_id_of(recipient_id), message)


def chat_id_of(recipient_id: str) -> str:
    """The chat id of a conversation id (``telegram-42`` → ``42``; a bare id is kept)."""
    pushed = split_sender_id(str(recipient_id))
    return pushed[1] if pushed and pushed[0] == CHANNEL else str(recipient_id)


@dataclass(frozen=True)
class Incoming:
    """A private text (or not-text) message of an update, as the channel reads it."""

    chat_id: int
    text: str | None


def read_update(update: Any) -> Incoming | None:
    """The private chat message of an update, or None for anything the bot does not answer.

    Edits, button presses, channel posts and group messages are not answered.
    """
    if not isinstance(update, dict):
        return None
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    chat = message.get("chat")
    if not isinstance(chat, dict) or chat.get("type") != "private":
        return None
    chat_id = chat.get("id")
    if not isinstance(chat_id, int) or isinstance(chat_id, bool):
        return None
    text = message.get("text")
    return Incoming(chat_id, text if isinstance(text, str) else None)


class BoundedTelegramInput(TelegramInput):  # type: ignore[misc]  # Rasa is untyped
    """Rasa's Telegram channel, hardened (see the module docstring)."""

    def __init__(self, settings: TelegramSettings | None) -> None:
        token = settings.token if settings else None
        webhook = settings.webhook_url if settings else None
        super().__init__(token, None, webhook, debug_mode=False)
        self.settings = settings
        self._deliveries: Deliveries | None = None
        self._output: _Output | None = None

    @classmethod
    def name(cls) -> str:
        """Rasa's name for the channel: ``/webhooks/telegram/webhook``."""
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Settings from ``credentials.yml`` values, else the environment; off without a token.

        Raises:
            ValueError: A token without a valid secret token (Rasa does not start).
        """
        values = {k: str(v) for k, v in (credentials or {}).items() if v not in (None, "")}
        env = (
            {
                "TELEGRAM_TOKEN": values.get("access_token", ""),
                "TELEGRAM_SECRET_TOKEN": values.get("secret_token", ""),
                "TELEGRAM_WEBHOOK_URL": values.get("webhook_url", ""),
                "TELEGRAM_API_URL": values.get("api_url", ""),
            }
            if values
            else dict(os.environ)
        )
        if not env.get("TELEGRAM_TOKEN", "").strip():
            return cls(None)
        return cls(settings_from_env(env))

    def get_output_channel(self) -> TelegramOutput | None:
        """Rasa's Telegram output channel (None when off); it never sets the webhook."""
        if self.settings is None:
            return None
        if self._output is None:
            self._output = _Output(self.settings.token, self.settings.api_url)
        return self._output

    def _authentic(self, request: Request) -> bool:
        if self.settings is None:
            return False
        given = request.headers.get(SECRET_HEADER, "")
        return hmac.compare_digest(given.encode(), self.settings.secret_token.encode())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """``GET /`` (health) and ``POST /webhook``."""
        hook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)
        if self.settings is None:
            logger.info("Telegram channel off: TELEGRAM_TOKEN is not set")
            return hook

        @_route(hook, "/", "GET")
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @_route(hook, "/webhook", "POST")
        async def receive(request: Request) -> HTTPResponse:
            return await self.handle(request, on_new_message)

        return hook

    async def handle(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        """One webhook call: 403, 413 or 400 for what is not a genuine update, else 200."""
        if not self._authentic(request):
            return response.text("forbidden", status=403)
        body = request.body or b""
        if len(body) > MAX_REQUEST_BYTES:
            return response.text("update too large", status=413)
        try:
            update = json.loads(body.decode("utf-8"))
        except ValueError:  # UnicodeDecodeError is a ValueError
            return response.text("body must be a JSON update", status=400)
        update_id = update.get("update_id") if isinstance(update, dict) else None
        if not isinstance(update_id, int) or isinstance(update_id, bool):
            return response.text("body must be a JSON update", status=400)
        incoming = read_update(update)
        if incoming is None or not self._first_time(request, update_id):
            return response.text("ok")
        texts = await self.replies(request, on_new_message, incoming)
        await self._deliver(incoming.chat_id, texts)
        return response.text("ok")

    def _first_time(self, request: Request, update_id: int) -> bool:
        """Claim the update; a retry of one already claimed (by any instance) is ignored."""
        if self._deliveries is None:
            agent = getattr(request.app.ctx, "agent", None)
            self._deliveries = deliveries_for(agent, DELIVERY_KEY_PREFIX)
        try:
            seen = self._deliveries.claim(str(update_id))
        except Exception:  # Redis down: answering twice beats answering never
            logger.exception("Telegram: update %d could not be claimed", update_id)
            count_failure("telegram_dedupe")
            return True
        if seen is not None:
            logger.info("Telegram: update %d repeated; the bot is not run again", update_id)
        return seen is None

    async def replies(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        incoming: Incoming,
    ) -> list[str]:
        """The texts to answer ``incoming`` with: the bot's, or an approved one."""
        sender = sender_id(CHANNEL, str(incoming.chat_id))
        if clean_text(incoming.text or "") == START_COMMAND:
            return [opening_disclosure(sender, policy()).text]
        text = borrower_text(incoming.text or "")
        if not text:
            return [library().render(NOT_TEXT_SCRIPT, {}, sender).text]
        if too_long(text):
            limit = {"max_chars": MAX_MESSAGE_CHARS}
            return [library().render(TOO_LONG_SCRIPT, limit, sender).text]
        collector = CollectingOutputChannel()
        # Telegram's servers send every update: the per-client verification limit counts
        # per conversation (one person), as on WeChat.
        message = UserMessage(
            text, collector, sender, input_channel=CHANNEL, metadata={"client": sender}
        )
        return await turn_texts(request, on_new_message, message, collector)

    async def _deliver(self, chat_id: int, texts: Sequence[str]) -> None:
        """Send the texts through the Bot API; a failure is logged and counted, not raised."""
        output = self.get_output_channel()
        if output is None:
            return
        for text in texts:
            try:
                await output.send_message(chat_id, text)
            except Exception:
                logger.exception("Telegram: sending a reply failed")
                count_failure("telegram_send")
                return


async def set_webhook(settings: TelegramSettings) -> bool:
    """Point Telegram at ``TELEGRAM_WEBHOOK_URL`` with the secret token (text updates only)."""
    if not settings.webhook_url:
        raise ValueError("TELEGRAM_WEBHOOK_URL is not set")
    bot = _Output(settings.token, settings.api_url)
    try:
        result = await bot.request(
            "setWebhook",
            {
                "url": settings.webhook_url,
                "secret_token": settings.secret_token,
                "allowed_updates": json.dumps(["message"]),
            },
        )
    finally:
        await bot.session.close()
    return bool(result)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bot.channels.telegram set-webhook``: 0 when Telegram took it, 2 otherwise."""
    parser = argparse.ArgumentParser(prog="python -m bot.channels.telegram")
    parser.add_argument("command", choices=["set-webhook"])
    parser.parse_args(argv)
    try:
        ok = asyncio.run(set_webhook(settings_from_env()))
    except Exception as error:  # a CLI: say what went wrong, exit 2
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        return 2
    print("webhook set" if ok else "Telegram refused the webhook")
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
