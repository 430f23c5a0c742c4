"""The borrower's web chat: a phone-sized page and a proxy to Rasa's REST channel.

The page talks only to this app (same origin: no CORS). Each browser session gets its own
random conversation id (``web-...``), kept in the encrypted session cookie, which for a
borrower lasts as long as the browser session. After ``WEB_CHAT_IDLE_MINUTES`` without a
message the next message starts a new conversation id (Rasa also expires verification on its
side). Messages are limited per client address and per conversation
(``WEB_CHAT_RATE_PER_MINUTE``). Whatever goes wrong past the input checks, the borrower reads an
approved script: ``{"messages": [{"text": ...}]}`` with 429 (too fast) or 503 (Rasa down).

``GET /api/chat/events`` pushes what a person at the agent desk says (server-sent events): while
an agent holds this browser's conversation, the stream polls Rasa's tracker about once a second
for new ``bot`` events of the agent or the desk ("a person has joined", "the assistant is
back"). The tracker is the one source, so it works with any number of web processes; when no
agent holds the conversation the stream only checks our database, and never calls Rasa (which
would create a tracker for every page view).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import secrets
import time
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session

from bot.db.types import utcnow
from bot.desk import live
from bot.desk.claims import under_takeover
from bot.dialogue.safe_replies import TOO_LONG_SCRIPT, UNAVAILABLE_SCRIPT
from bot.inbound import MAX_MESSAGE_CHARS
from bot.web import sse
from bot.web.address import client_address
from bot.web.payload import json_object, text_field
from bot.web.rasa_client import RasaUnavailableError
from bot.web.state import CHAT_LIMITER, CONFIG, LIBRARY, POLICY, RASA, run_db

logger = logging.getLogger(__name__)

SENDER_KEY = "chat_sender"
SEEN_KEY = "chat_seen"  # wall-clock seconds of the conversation's last activity
RETRY_AFTER_SECONDS = 60
# What the page itself says to the borrower comes from the scripts library too.
HINT_SCRIPT = "opening.chat_hint"
RATE_LIMITED_SCRIPT = "fallback.rate_limited"
# How long after a hand-off closed the page still follows the tracker (for the hand-back notice).
TAKEOVER_GRACE = dt.timedelta(seconds=10)


def _now() -> float:
    """Wall-clock time (the cookie outlives the process); replaced in tests."""
    return time.time()


def _new_sender() -> str:
    return f"web-{secrets.token_hex(8)}"


async def _conversation(request: web.Request) -> tuple[str, bool]:
    """Return this browser's conversation id, and whether it was just replaced after idling."""
    session = await get_session(request)
    sender = session.get(SENDER_KEY)
    seen = session.get(SEEN_KEY)
    now = _now()
    idle = request.app[CONFIG].chat_idle_seconds
    expired = not isinstance(seen, (int, float)) or now - seen > idle
    restarted = bool(sender) and expired
    if not sender or expired:
        sender = session[SENDER_KEY] = _new_sender()
    session[SEEN_KEY] = now
    return sender, restarted


def _script(request: web.Request, script_id: str, seed: str) -> str:
    values = {"hotline": request.app[POLICY].institution.hotline, "max_chars": MAX_MESSAGE_CHARS}
    return request.app[LIBRARY].render(script_id, values, seed=seed).text


def _apology(request: web.Request, script_id: str, seed: str, status: int) -> web.Response:
    body = {"messages": [{"text": _script(request, script_id, seed)}]}
    response = web.json_response(body, status=status)
    if status == 429:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@aiohttp_jinja2.template("chat.html")
async def chat_page(request: web.Request) -> dict[str, Any]:
    """Show the chat page (public: borrowers do not log in)."""
    sender, _ = await _conversation(request)
    return {
        "hint": request.app[LIBRARY].render(HINT_SCRIPT, seed=sender).text,
        "unavailable": _script(request, UNAVAILABLE_SCRIPT, sender),
        # What the page shows when the edge (nginx) refuses a message before this app sees it.
        "too_long": _script(request, TOO_LONG_SCRIPT, sender),
        "rate_limited": _script(request, RATE_LIMITED_SCRIPT, sender),
        "max_message": MAX_MESSAGE_CHARS,
    }


async def send_message(request: web.Request) -> web.StreamResponse:
    """Forward ``{"message": ...}`` to Rasa; answer ``{"messages": [{"text": ...}]}``.

    The text is cleaned of control and bidi characters first. Over the rate limit: 429; Rasa
    unavailable: 503; both with an approved script as the one message.
    """
    sender, restarted = await _conversation(request)
    address = client_address(request, request.app[CONFIG].trust_proxy)
    if not request.app[CHAT_LIMITER].allow(address, sender):
        logger.warning("chat rate limit reached by %s (%s)", address, sender)
        return _apology(request, RATE_LIMITED_SCRIPT, sender, 429)
    message = text_field(await json_object(request), "message", MAX_MESSAGE_CHARS)
    try:
        replies = await request.app[RASA].send(sender, message, client=address)
    except RasaUnavailableError as error:
        logger.warning("chat proxy: %s", error)
        return _apology(request, UNAVAILABLE_SCRIPT, sender, 503)
    messages = [{"text": str(reply["text"])} for reply in replies if reply.get("text")]
    return web.json_response({"messages": messages, "restarted": restarted})


async def reset(request: web.Request) -> web.StreamResponse:
    """Start a new conversation (a new conversation id) for this browser."""
    session = await get_session(request)
    session[SENDER_KEY] = _new_sender()
    session[SEEN_KEY] = _now()
    return web.json_response({"ok": True})


def _stream_cursor(request: web.Request) -> float:
    """Where the stream starts: ``Last-Event-ID`` after a reconnection, else now (no history)."""
    try:
        value = float(request.headers.get("Last-Event-ID", ""))
    except ValueError:
        return time.time()
    return value if value >= 0 else time.time()


async def events(request: web.Request) -> web.StreamResponse:
    """Server-sent ``message`` events: what the agent holding this conversation says.

    Only this browser's own conversation (the id in its session cookie); without one the stream
    stays empty.
    """
    session = await get_session(request)
    sender = session.get(SENDER_KEY)
    cursor = _stream_cursor(request)
    interval = min(request.app[CONFIG].desk_poll_seconds, 1.0)
    response = await sse.open_stream(request)
    if not isinstance(sender, str):
        return response
    deadline = asyncio.get_running_loop().time() + sse.MAX_STREAM_SECONDS
    with contextlib.suppress(ConnectionResetError):
        while asyncio.get_running_loop().time() < deadline:
            cursor = await _push_agent_messages(request, response, sender, cursor)
            if not await sse.pause(request, interval):
                break
    return response


async def _push_agent_messages(
    request: web.Request, response: web.StreamResponse, sender: str, cursor: float
) -> float:
    if not await run_db(request, under_takeover, sender, utcnow(), TAKEOVER_GRACE):
        return cursor
    try:
        tracker = await request.app[RASA].tracker(sender)
    except RasaUnavailableError as error:
        logger.warning("chat stream: %s", error)
        return cursor
    for message in live.desk_notices_after(tracker, cursor):
        body = {"text": message.text, "agent": message.who == "agent"}
        await sse.send(response, "message", body, event_id=repr(message.at))
        cursor = message.at
    return cursor
