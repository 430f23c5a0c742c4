"""The borrower's web chat: a phone-sized page and a proxy to Rasa's REST channel.

The page talks only to this app (same origin: no CORS). Each browser session gets its own
random conversation id (``web-...``), kept in the encrypted session cookie.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session

from bot.web.rasa_client import RasaUnavailableError
from bot.web.state import LIBRARY, POLICY, RASA

logger = logging.getLogger(__name__)

SENDER_KEY = "chat_sender"
MAX_MESSAGE = 500
# What the page itself says to the borrower comes from the scripts library too.
HINT_SCRIPT = "opening.chat_hint"
UNAVAILABLE_SCRIPT = "fallback.unavailable"


def _new_sender() -> str:
    return f"web-{secrets.token_hex(8)}"


async def _sender(request: web.Request) -> str:
    session = await get_session(request)
    sender = session.get(SENDER_KEY)
    if not sender:
        sender = session[SENDER_KEY] = _new_sender()
    return sender


@aiohttp_jinja2.template("chat.html")
async def chat_page(request: web.Request) -> dict[str, Any]:
    """Show the chat page (public: borrowers do not log in)."""
    sender = await _sender(request)
    library = request.app[LIBRARY]
    hotline = request.app[POLICY].institution.hotline
    return {
        "hint": library.render(HINT_SCRIPT, seed=sender).text,
        "unavailable": library.render(UNAVAILABLE_SCRIPT, {"hotline": hotline}, seed=sender).text,
        "max_message": MAX_MESSAGE,
    }


async def send_message(request: web.Request) -> web.StreamResponse:
    """Forward ``{"message": ...}`` to Rasa; answer ``{"messages": [{"text": ...}]}``."""
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text="body must be JSON") from None
    message = str((body or {}).get("message", "")).strip() if isinstance(body, dict) else ""
    if not message:
        raise web.HTTPBadRequest(text="message is empty")
    if len(message) > MAX_MESSAGE:
        raise web.HTTPBadRequest(text=f"message longer than {MAX_MESSAGE} characters")
    sender = await _sender(request)
    try:
        replies = await request.app[RASA].send(sender, message)
    except RasaUnavailableError as error:
        logger.warning("chat proxy: %s", error)
        raise web.HTTPBadGateway(text="assistant unavailable, please try again later") from None
    messages = [{"text": str(reply["text"])} for reply in replies if reply.get("text")]
    return web.json_response({"messages": messages})


async def reset(request: web.Request) -> web.StreamResponse:
    """Start a new conversation (a new conversation id) for this browser."""
    session = await get_session(request)
    session[SENDER_KEY] = _new_sender()
    return web.json_response({"ok": True})
