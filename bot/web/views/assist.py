"""Agent assist: the page, suggestions for a borrower message, and the draft check (JSON).

Inputs are cleaned of control and bidi characters; malformed bodies answer 400.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from bot.assist.accounts import UnknownAccountError, account_choices
from bot.assist.drafts import draft_check
from bot.assist.parsing import borrower_lines, parsed_from_rasa
from bot.assist.suggestions import advise
from bot.clock import local_now
from bot.compliance import GuardModelError
from bot.web.payload import json_object, text_field
from bot.web.rasa_client import RasaUnavailableError
from bot.web.security import require
from bot.web.state import CONFIG, LIBRARY, POLICY, RASA, run_db

logger = logging.getLogger(__name__)

MAX_TEXT = 1000
MAX_HISTORY = 5000
MAX_ACCOUNT_DIGITS = 12


def _account_id(body: dict[str, Any]) -> int | None:
    value = body.get("account_id")
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise web.HTTPBadRequest(text="account_id must be a number")
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > MAX_ACCOUNT_DIGITS:
        raise web.HTTPBadRequest(text="account_id must be a number")
    return int(text)


@require("assist")
@aiohttp_jinja2.template("assist.html")
async def assist_page(request: web.Request) -> dict[str, Any]:
    """Show the assist page with the accounts the agent can select."""
    return {"accounts": await run_db(request, account_choices)}


@require("assist")
async def suggest(request: web.Request) -> web.StreamResponse:
    """``{"message", "history"?, "account_id"?}`` → parse, situation, approved scripts."""
    started = time.perf_counter()
    body = await json_object(request)
    message = text_field(body, "message", MAX_TEXT)
    history = borrower_lines(text_field(body, "history", MAX_HISTORY, required=False))
    account_id = _account_id(body)
    texts = [*history, message]
    rasa = request.app[RASA]
    try:
        results = await asyncio.gather(*(rasa.parse(text) for text in texts))
    except RasaUnavailableError as error:
        logger.warning("assist: %s", error)
        raise web.HTTPBadGateway(text="Rasa is unavailable") from None
    parsed = [parsed_from_rasa(t, r) for t, r in zip(texts, results, strict=True)]
    policy = request.app[POLICY]
    try:
        advice = await run_db(
            request,
            advise,
            parsed[-1],
            parsed[:-1],
            account_id,
            library=request.app[LIBRARY],
            policy=policy,
            now=local_now(policy.time_zone),
            low_confidence=request.app[CONFIG].low_confidence,
        )
    except UnknownAccountError as error:
        raise web.HTTPNotFound(text=str(error)) from None
    payload = advice.public()
    payload["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return web.json_response(payload)


@require("assist")
async def check(request: web.Request) -> web.StreamResponse:
    """``{"text", "account_id"?}`` → the guard's violations, highlighted, and an alternative."""
    started = time.perf_counter()
    body = await json_object(request)
    text = text_field(body, "text", MAX_TEXT)
    policy = request.app[POLICY]
    try:
        result = await run_db(
            request,
            draft_check,
            text,
            _account_id(body),
            library=request.app[LIBRARY],
            policy=policy,
            today=local_now(policy.time_zone).date(),
        )
    except UnknownAccountError as error:
        raise web.HTTPNotFound(text=str(error)) from None
    except GuardModelError as error:
        logger.error("draft check impossible: %s", error)
        raise web.HTTPServiceUnavailable(text="compliance guard unavailable") from None
    elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
    return web.json_response({**result.public(), "elapsed_ms": elapsed_ms})
