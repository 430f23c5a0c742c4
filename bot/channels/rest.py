"""The REST channel with bounded, validated input and an approved reply on every failure.

It replaces Rasa's ``rest`` channel under the same name and URL
(``POST /webhooks/rest/webhook`` with ``{"sender": "...", "message": "..."}``), and differs in
what an untrusted caller can do:

- a body that is not a JSON object with a string ``sender`` (1–128 printable characters) and a
  string ``message`` gets 400 with a clear error, never a 500;
- a ``sender`` that starts with another channel's prefix (``wechat-``, ``telegram-``:
  :mod:`bot.channels.senders`) gets 400: those conversations belong to their platform's user,
  and verification is held per conversation;
- control, bidi and zero-width characters are removed (:func:`bot.inbound.clean_text`), and
  a leading ``/`` (Rasa's intent-command syntax) is dropped; an empty message gets 400;
- a message above :data:`bot.inbound.MAX_MESSAGE_CHARS` is answered with the approved
  ``input.too_long`` reply and never reaches the NLU;
- ``input_channel`` and ``metadata`` cannot be set by the caller. The only metadata is
  ``client``: the caller's address, or the borrower's address forwarded by a proxy on loopback
  (the web app's ``metadata.client``, nginx's ``X-Real-IP``), used to limit verification
  failures per client;
- when handling fails (tracker store down, an exception) or produces no reply at all (action
  server down), the borrower gets an approved reply: the caring reply for a message in
  distress, otherwise "unavailable" with the hotline. The failure is logged and counted.
  No reply is not a failure while the conversation is paused: a person at the agent desk holds
  it (Rasa's ``pause`` event) and the bot must stay silent; the agent answers.
"""

from __future__ import annotations

import ipaddress
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.senders import RESERVED_PREFIXES, is_reserved
from bot.dialogue.messages import library
from bot.dialogue.safe_replies import TOO_LONG_SCRIPT, count_failure, safe_messages
from bot.inbound import MAX_MESSAGE_CHARS, borrower_text, clean_text, too_long

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 128

Handler = Callable[[Request], Awaitable[HTTPResponse]]


class BadRequest(ValueError):
    """The request body is not a valid channel message."""


def parse_body(raw: bytes) -> tuple[str, str, Any]:
    """Return ``(sender, message, forwarded_client)`` from a request body.

    Raises:
        BadRequest: With a message fit to show the caller.
    """
    try:
        body = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadRequest("body must be UTF-8 encoded JSON") from None
    except ValueError:
        raise BadRequest("body must be JSON") from None
    if not isinstance(body, dict):
        raise BadRequest('body must be a JSON object {"sender": ..., "message": ...}')
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not isinstance(message, str):
        raise BadRequest('"sender" and "message" must be strings')
    sender = clean_text(sender)
    if not sender or len(sender) > MAX_SENDER_CHARS:
        raise BadRequest(f'"sender" must have 1 to {MAX_SENDER_CHARS} visible characters')
    if is_reserved(sender):
        raise BadRequest(f'"sender" must not start with {", ".join(RESERVED_PREFIXES)}')
    # A leading "/" would make Rasa read the text as an intent command ("/greet{...}"): a
    # borrower's words are never commands.
    message = borrower_text(message)
    if not message:
        raise BadRequest('"message" is empty')
    metadata = body.get("metadata")
    forwarded = metadata.get("client") if isinstance(metadata, dict) else None
    return sender, message, forwarded


def _route(blueprint: Blueprint, uri: str, method: str) -> Callable[[Handler], Handler]:
    """``blueprint.route(uri, methods=[method])``, typed: sanic's ``Blueprint.route`` is not."""
    decorator: Callable[[Handler], Handler] = blueprint.route(uri, methods=[method])
    return decorator


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def client_address(request: Request, forwarded: Any) -> str:
    """The borrower's address: forwarded values count only from a proxy on loopback."""
    peer = request.ip or ""
    if _is_loopback(peer):
        for candidate in (forwarded, request.headers.get("X-Real-IP")):
            if isinstance(candidate, str) and candidate.strip():
                return candidate.strip()[:64]
    return peer


class BoundedRestInput(InputChannel):  # type: ignore[misc]  # Rasa is untyped: subclassing Any
    """Rasa's REST channel, hardened (see the module docstring)."""

    @classmethod
    def name(cls) -> str:
        """Same name and URL as Rasa's REST channel."""
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """``GET /`` (health) and ``POST /webhook``."""
        hook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @_route(hook, "/", "GET")
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @_route(hook, "/webhook", "POST")
        async def receive(request: Request) -> HTTPResponse:
            try:
                sender, text, forwarded = parse_body(request.body or b"")
            except BadRequest as error:
                return response.json({"error": str(error)}, status=400)
            if too_long(text):
                reply = library().render(TOO_LONG_SCRIPT, {"max_chars": MAX_MESSAGE_CHARS}, sender)
                return response.json([_bot_message(sender, reply.text)])
            metadata = {"client": client_address(request, forwarded)}
            replies = await self._handle(on_new_message, sender, text, metadata)
            if replies is None:  # no reply: expected while an agent holds the conversation
                replies = await unanswered(request, sender, text)
            return response.json(replies)

        return hook

    async def _handle(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        sender: str,
        text: str,
        metadata: dict[str, Any],
    ) -> list[dict[str, Any]] | None:
        """The bot's replies; ``None`` when it produced none (see :func:`is_paused`)."""
        collector = CollectingOutputChannel()
        message = UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata)
        return await handle(on_new_message, message, collector)


async def handle(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    message: UserMessage,
    collector: CollectingOutputChannel,
) -> list[dict[str, Any]] | None:
    """Run the bot on ``message``, whose output channel is ``collector``.

    Returns:
        The bot's replies; the approved safe replies when handling raised (logged and counted
        as ``channel``); ``None`` when the bot produced no reply (see :func:`unanswered`).
    """
    sender, text = message.sender_id, message.text or ""
    try:
        await on_new_message(message)
    except Exception:
        logger.exception("handling a message of conversation %s failed", sender)
        count_failure("channel")
        return [_bot_message(sender, m.text) for m in safe_messages(text, sender)]
    if not collector.messages:
        return None
    replies: list[dict[str, Any]] = collector.messages
    return replies


async def unanswered(request: Request, sender: str, text: str) -> list[dict[str, Any]]:
    """What a message the bot gave no reply gets: nothing while paused, else the safe reply.

    A conversation an agent holds (:func:`is_paused`) stays silent; otherwise no reply is a
    failure (the action server down), logged and counted as ``no_reply``.
    """
    if await is_paused(request, sender):
        return []
    logger.error("conversation %s: no reply to a message; safe reply sent", sender)
    count_failure("no_reply")
    return [_bot_message(sender, m.text) for m in safe_messages(text, sender)]


async def is_paused(request: Request, sender: str) -> bool:
    """Whether Rasa holds the conversation paused (an agent at the desk took it over).

    Read from the tracker store only when a message got no reply; any failure counts as not
    paused (the borrower then gets the safe reply).
    """
    agent = getattr(request.app.ctx, "agent", None)
    store = getattr(agent, "tracker_store", None)
    if store is None:
        return False
    try:
        tracker = await store.retrieve(sender)
    except Exception:
        logger.exception("conversation %s: tracker unreadable after a message", sender)
        return False
    return tracker is not None and bool(tracker.is_paused())


def _bot_message(sender: str, text: str) -> dict[str, Any]:
    return {"recipient_id": sender, "text": text}


async def turn_texts(
    request: Request,
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    message: UserMessage,
    collector: CollectingOutputChannel,
) -> list[str]:
    """The bot's texts for ``message``, or the approved replies this channel would give.

    For channels that answer with texts only (WeChat, Telegram): :func:`handle`, then
    :func:`unanswered` when the bot gave no reply.
    """
    replies = await handle(on_new_message, message, collector)
    if replies is None:
        replies = await unanswered(request, message.sender_id, message.text or "")
    return [r["text"] for r in replies if isinstance(r.get("text"), str) and r["text"]]
