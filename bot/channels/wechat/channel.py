"""The WeChat Official Account channel: ``/webhooks/wechat/webhook`` (docs/wechat.md).

- ``GET /webhook``: the platform's URL check, answered with its ``echostr`` once signed;
- ``POST /webhook``: a message or event as XML (plain mode), or inside an AES envelope (safe
  mode, when ``WECHAT_AES_KEY`` is set). A request that is not signed with the Token, or whose
  timestamp is outside the replay window, gets 403; a body that is not a message gets 400,
  never a 500; one above :data:`bot.inbound.MAX_REQUEST_BYTES` gets 413.

What a message gets, always within the platform's 5 seconds:

- a text: the bot's replies, joined into one passive XML reply (encrypted in safe mode). The
  bot gets :data:`REPLY_DEADLINE_SECONDS`; when it has not answered by then, the platform gets
  "success" at once and the replies go afterwards through the customer-service message API
  (:mod:`~bot.channels.wechat.customer_service`). The text is cleaned as on the REST channel
  (:func:`bot.inbound.clean_text`, no leading ``/``); one above
  :data:`bot.inbound.MAX_MESSAGE_CHARS` gets the approved "too long" reply without the NLU;
- handling that fails (tracker store down, an exception) or gives no reply gets the approved
  safe reply, as on the REST channel (:func:`bot.channels.rest.handle`,
  :func:`bot.channels.rest.unanswered`); a conversation an agent holds stays silent;
- an image, voice, video, location, link or file: the approved reply that only text is read;
- ``subscribe`` (follow): the approved welcome, and the address recorded as reachable;
  ``unsubscribe`` (unfollow): a stop-contact on the channel; other events: nothing.
  A database failure there is logged and counted; the platform still gets its answer;
- a delivery the platform repeats (same ``MsgId``, or for an event the same sender and time)
  never runs the bot again: it gets the first delivery's reply when ready, else "success"
  (:mod:`bot.channels.deliveries`: in memory, or in the lock store's Redis when Rasa
  runs with one).

The conversation is ``wechat-<OpenID>`` (:mod:`bot.channels.senders`); the borrower verifies
as on every channel. Without ``WECHAT_TOKEN`` the channel serves no route at all.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import (
    CollectingOutputChannel,
    InputChannel,
    OutputChannel,
    UserMessage,
)
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.deliveries import Deliveries, deliveries_for
from bot.channels.rest import _route, turn_texts
from bot.channels.senders import sender_id, split_sender_id
from bot.channels.wechat import subscriptions
from bot.channels.wechat.config import WeChatConfig
from bot.channels.wechat.customer_service import CustomerService
from bot.channels.wechat.envelope import (
    EVENT,
    REPLAY_WINDOW_SECONDS,
    TEXT,
    Inbound,
    Malformed,
    Query,
    Refused,
    check_signed,
    echo,
    open_body,
    parse,
    seal,
    text_reply,
)
from bot.dialogue.messages import library
from bot.dialogue.runtime import policy
from bot.dialogue.safe_replies import (
    OPENING_SCRIPT,
    TOO_LONG_SCRIPT,
    count_failure,
    opening_disclosure,
    safe_messages,
)
from bot.inbound import MAX_MESSAGE_CHARS, MAX_REQUEST_BYTES, borrower_text, too_long

logger = logging.getLogger(__name__)

CHANNEL = "wechat"
REPLY_DEADLINE_SECONDS = 4.0
"""How long the bot may take for a passive reply (the platform waits 5 s, then retries)."""
SUCCESS = "success"
"""The platform's "received, no reply" answer: it neither retries nor shows an error."""
REPLY_SEPARATOR = "\n\n"
WELCOME_SCRIPT = OPENING_SCRIPT  # the first message names the institution, "automated", "recorded"
"""What ``/start`` and a follow get: :func:`bot.dialogue.safe_replies.opening_disclosure`."""
NOT_TEXT_SCRIPT = "input.not_text"
FOLLOW, UNFOLLOW = "subscribe", "unsubscribe"
DELIVERY_KEY_PREFIX = "wechat:delivery:"
DELIVERY_TTL_SECONDS = 2 * REPLAY_WINDOW_SECONDS
"""A retried delivery is recognised as long as a replay of it would be accepted."""

Bot = Callable[[UserMessage], Awaitable[Any]]


class NotDelivered(RuntimeError):
    """The customer-service API did not take a message Rasa's API asked to send."""


class WeChatOutput(OutputChannel):  # type: ignore[misc]  # Rasa is untyped: subclassing Any
    """Rasa's output channel ``wechat``: texts through the customer-service message API.

    Rasa's HTTP API uses it for ``output_channel=wechat`` (the outreach sender); the recipient is
    the conversation id ``wechat-<OpenID>``. A message the API does not take raises
    :class:`NotDelivered`, so Rasa answers 500 without saving the tracker and the sender records
    the contact as failed, not sent.
    """

    def __init__(self, customer_service: CustomerService) -> None:
        self._customer_service = customer_service

    @classmethod
    def name(cls) -> str:
        """The channel's name."""
        return CHANNEL

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Send one text.

        Raises:
            NotDelivered: Not a WeChat conversation, or the API did not take it (logged and
                counted as ``wechat_api`` by the client).
        """
        pushed = split_sender_id(str(recipient_id))
        if pushed is None or pushed[0] != CHANNEL:
            raise NotDelivered(f"{recipient_id} is not a WeChat conversation")
        if not await self._customer_service.send_text(pushed[1], text):
            raise NotDelivered(f"the customer-service API did not take a message to {recipient_id}")


class WeChatInput(InputChannel):  # type: ignore[misc]  # Rasa is untyped: subclassing Any
    """The channel (see the module docstring)."""

    def __init__(
        self,
        config: WeChatConfig,
        *,
        deadline: float = REPLY_DEADLINE_SECONDS,
        deliveries: Deliveries | None = None,
        customer_service: CustomerService | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self._deadline, self._clock = deadline, clock
        self._deliveries = deliveries
        self._customer_service = customer_service or CustomerService(config)
        self._late: set[asyncio.Future[None]] = set()

    @classmethod
    def name(cls) -> str:
        """``/webhooks/wechat/webhook``."""
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """Settings from ``credentials.yml``, else the environment (:mod:`.config`)."""
        return cls(WeChatConfig.load(credentials))

    def get_output_channel(self) -> OutputChannel | None:
        """The customer-service output channel, when the AppSecret is known."""
        return WeChatOutput(self._customer_service) if self.config.can_push else None

    def blueprint(self, on_new_message: Bot) -> Blueprint:
        """``GET /webhook`` (the URL check) and ``POST /webhook`` (messages and events)."""
        hook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)
        if not self.config.enabled:
            logger.info("WeChat channel off: WECHAT_TOKEN is not set")
            return hook
        mode = "safe (AES)" if self.config.safe_mode else "plain"
        logger.info("WeChat channel on, %s mode", mode)
        if not self.config.can_push:
            logger.warning("WECHAT_APP_SECRET unset: replies later than the deadline are lost")

        @_route(hook, "/webhook", "GET")
        async def url_check(request: Request) -> HTTPResponse:
            try:
                return response.text(echo(self.config, Query.from_args(request.args), self._now()))
            except Refused as error:
                return _refused(error)
            except Malformed as error:
                return response.text(str(error), status=400)

        @_route(hook, "/webhook", "POST")
        async def receive(request: Request) -> HTTPResponse:
            return await self.receive(request, on_new_message)

        async def close(app: Any, loop: Any) -> None:
            await self._customer_service.close()

        hook.listener("after_server_stop")(close)
        return hook

    def _now(self) -> float:
        return self._clock()

    async def receive(self, request: Request, on_new_message: Bot) -> HTTPResponse:
        """One callback: 403, 413 or 400 for what is not a platform message, else 200."""
        now = self._now()
        body = request.body or b""
        if len(body) > MAX_REQUEST_BYTES:
            return response.text("request body too large", status=413)
        query = Query.from_args(request.args)
        try:
            check_signed(self.config, query, now)
            inbound = parse(open_body(self.config, query, body))
            if not self.config.safe_mode:
                self._check_url_carries_this_message(request, query, inbound)
        except Refused as error:
            return _refused(error)
        except Malformed as error:
            return response.text(str(error), status=400)
        texts = await self.once(request, on_new_message, inbound)
        if not texts:
            return response.text(SUCCESS)
        xml = text_reply(inbound, REPLY_SEPARATOR.join(texts), int(now))
        sealed = seal(self.config, xml, query.nonce, int(now))
        return response.text(sealed, content_type="application/xml; charset=utf-8")

    async def once(self, request: Request, on_new_message: Bot, inbound: Inbound) -> list[str]:
        """The reply texts of a delivery, worked out once however often it is delivered."""
        deliveries = self._deliveries_for(request)
        key = inbound.delivery_key
        try:
            seen = deliveries.claim(key)
        except Exception:  # Redis down: answering twice beats answering never
            logger.exception("WeChat: delivery %s could not be claimed", key)
            count_failure("wechat_dedupe")
            seen = None
        if seen is not None:
            logger.info("WeChat: delivery %s repeated; the bot is not run again", key)
            return list(seen.texts) if seen.ready else []
        texts: list[str] = []
        try:
            texts = await self._answer_safely(request, on_new_message, inbound)
        finally:
            try:
                deliveries.finish(key, texts)
            except Exception:
                logger.exception("WeChat: the reply of delivery %s was not kept", key)
                count_failure("wechat_dedupe")
        return texts

    def _check_url_carries_this_message(
        self, request: Request, query: Query, inbound: Inbound
    ) -> None:
        """Plain mode: a signed URL carries the one message it first came with.

        The plain-mode signature covers the timestamp and nonce, not the body, so anyone who
        saw one signed URL could post any message as any OpenID with it while its timestamp is
        in the window. The first message seen with a (timestamp, nonce) is remembered (as the
        retries are, :mod:`bot.channels.deliveries`); the same URL with another message is
        refused. Safe mode signs the encrypted body itself and needs none of this.

        Raises:
            Refused: The URL came with another message before.
        """
        key = f"url:{query.timestamp}:{query.nonce}"
        deliveries = self._deliveries_for(request)
        try:
            seen = deliveries.claim(key)
            if seen is None:
                deliveries.finish(key, [inbound.delivery_key])
                return
        except Exception:  # Redis down: the signature and the window still hold
            logger.exception("WeChat: a signed URL could not be checked for reuse")
            count_failure("wechat_dedupe")
            return
        if not seen.ready or list(seen.texts) != [inbound.delivery_key]:
            raise Refused("a signed URL used again for another message")

    def _deliveries_for(self, request: Request) -> Deliveries:
        """The lock store's Redis when Rasa has one (several instances), else this process."""
        if self._deliveries is None:
            agent = getattr(request.app.ctx, "agent", None)
            self._deliveries = deliveries_for(agent, DELIVERY_KEY_PREFIX, DELIVERY_TTL_SECONDS)
        return self._deliveries

    async def _answer_safely(
        self, request: Request, on_new_message: Bot, inbound: Inbound
    ) -> list[str]:
        """:meth:`answer`; when it raises (the scripts or the policy unreadable), the safe reply."""
        try:
            return await self.answer(request, on_new_message, inbound)
        except Exception:
            logger.exception("WeChat: delivery %s could not be answered", inbound.delivery_key)
            count_failure("channel")
        sender = sender_id(CHANNEL, inbound.openid)
        try:
            return [m.text for m in safe_messages(inbound.content or "", sender)]
        except Exception:  # not even the safe reply: the platform still gets "success"
            logger.exception("WeChat: no safe reply for delivery %s", inbound.delivery_key)
            return []

    async def answer(self, request: Request, on_new_message: Bot, inbound: Inbound) -> list[str]:
        """The texts of the passive reply (empty: "success") for one message or event."""
        sender = sender_id(CHANNEL, inbound.openid)
        if inbound.msg_type == EVENT:
            return await self._on_event(inbound, sender)
        text = borrower_text(inbound.content or "")
        if inbound.msg_type != TEXT or not text:
            return [library().render(NOT_TEXT_SCRIPT, {}, sender).text]
        if too_long(text):
            params = {"max_chars": MAX_MESSAGE_CHARS}
            return [library().render(TOO_LONG_SCRIPT, params, sender).text]
        return await self._converse(request, on_new_message, inbound, sender, text)

    async def _on_event(self, inbound: Inbound, sender: str) -> list[str]:
        if inbound.event == FOLLOW:
            await subscriptions.record(inbound.openid, subscribed=True)
            return [opening_disclosure(sender, policy()).text]
        if inbound.event == UNFOLLOW:
            await subscriptions.record(inbound.openid, subscribed=False)
        return []

    async def _converse(
        self, request: Request, on_new_message: Bot, inbound: Inbound, sender: str, text: str
    ) -> list[str]:
        """Run the bot; its texts if it answers within the deadline, else [] (sent later)."""
        collector = CollectingOutputChannel()
        message = UserMessage(
            text,
            collector,
            sender,
            input_channel=CHANNEL,
            message_id=inbound.msg_id or None,
            metadata={"client": sender},  # the per-client verification limit: one person
        )
        turn = asyncio.ensure_future(turn_texts(request, on_new_message, message, collector))
        try:
            return await asyncio.wait_for(asyncio.shield(turn), self._deadline)
        except asyncio.TimeoutError:
            logger.info("conversation %s: the bot took over %.1f s", sender, self._deadline)
            self._send_later(turn, inbound.openid)
            return []
        except asyncio.CancelledError:  # the platform hung up: the reply cannot come back here
            self._send_later(turn, inbound.openid)
            raise

    def _send_later(self, turn: asyncio.Future[list[str]], openid: str) -> None:
        async def deliver() -> None:
            try:
                texts = await turn
            except Exception:
                logger.exception("WeChat: a late turn failed")
                count_failure("channel")
                return
            if texts:
                await self._customer_service.send_text(openid, REPLY_SEPARATOR.join(texts))

        task = asyncio.ensure_future(deliver())
        self._late.add(task)  # keep a reference until it is done
        task.add_done_callback(self._late.discard)


def _refused(error: Exception) -> HTTPResponse:
    logger.warning("WeChat: request refused (%s)", error)
    return response.text("forbidden", status=403)
