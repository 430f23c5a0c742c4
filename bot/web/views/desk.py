"""The agent desk: the page, the live queue, claiming, handing back and closing.

Every endpoint needs the ``desk`` permission (agents and admins); every POST carries the CSRF
token (the middleware). Rasa unreachable: 503 with a reason, and nothing changes (a claim whose
pause failed is released again). The taken-over conversation's endpoints are in
:mod:`bot.web.views.desk_live`.

Takeover is Rasa's own pause: on claim the app appends ``pause`` (Rasa then logs the borrower's
messages but predicts no action, ``MessageProcessor._should_handle_message``) and the approved
"a person has joined" script; on hand-back or close, the approved "the assistant is back"
script and ``resume``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from bot.db.models import HandoffOutcome
from bot.db.types import utcnow
from bot.desk import claims
from bot.web import sse
from bot.web.desk_requests import (
    desk_notice,
    desk_user,
    handoff_id_of,
    held_handoff,
    rasa_append_control,
)
from bot.web.payload import json_object
from bot.web.security import require
from bot.web.state import CONFIG, DESK, run_db

logger = logging.getLogger(__name__)

JOINED_SCRIPT = "handoff.agent_joined"
LEFT_SCRIPT = "handoff.agent_left"
OUTCOME_LABELS = {
    HandoffOutcome.PLAN.value: "达成分期方案",
    HandoffOutcome.PROMISE.value: "承诺还款",
    HandoffOutcome.DISPUTE.value: "登记异议",
    HandoffOutcome.REFERRAL.value: "转交其他部门",
}


# ---------------------------------------------------------------- the queue


@require("desk")
@aiohttp_jinja2.template("desk.html")
async def desk_page(request: web.Request) -> dict[str, Any]:
    """Show the desk: the live queue, and the conversation the agent takes over."""
    return {
        "outcomes": list(OUTCOME_LABELS.items()),
        "poll_ms": int(request.app[CONFIG].desk_poll_seconds * 1000),
    }


def _queue_payload(request: web.Request) -> dict[str, Any]:
    watcher = request.app[DESK]
    now = utcnow()
    return {"version": watcher.version, "items": [i.public(now) for i in watcher.items]}


@require("desk")
async def queue_api(request: web.Request) -> web.StreamResponse:
    """The queue now (JSON), most pressing first."""
    await request.app[DESK].tick()
    return web.json_response(_queue_payload(request))


@require("desk")
async def queue_events(request: web.Request) -> web.StreamResponse:
    """The queue as server-sent events: a ``queue`` event at once and at every change."""
    watcher = request.app[DESK]
    response = await sse.open_stream(request)
    loop = asyncio.get_running_loop()
    seen = -1
    written = started = loop.time()
    with contextlib.suppress(ConnectionResetError):
        while not sse.gone(request) and loop.time() - started < sse.MAX_STREAM_SECONDS:
            if watcher.version != seen:
                payload = _queue_payload(request)
                seen = payload["version"]
                await sse.send(response, "queue", payload)
                written = loop.time()
            elif loop.time() - written > sse.KEEPALIVE_SECONDS:
                await sse.ping(response)
                written = loop.time()
            await watcher.wait_change(seen, 1.0)
    return response


# ---------------------------------------------------------------- claim, hand back, close


@require("desk")
async def claim(request: web.Request) -> web.StreamResponse:
    """Take a hand-off over: 200, or 409 when another agent was first."""
    handoff_id = handoff_id_of(request)
    user = desk_user(request)
    try:
        state = await run_db(request, claims.claim, handoff_id, user.id, utcnow())
    except claims.HandoffNotFoundError:
        raise web.HTTPNotFound(text="no such hand-off") from None
    except claims.AlreadyClaimedError:
        raise web.HTTPConflict(text="another agent already took this conversation over") from None
    try:
        await rasa_append_control(
            request,
            state.conversation_id,
            [{"event": "pause"}, desk_notice(request, JOINED_SCRIPT, "joined")],
        )
    except web.HTTPServiceUnavailable:
        await run_db(request, claims.release, handoff_id, user.id, utcnow())
        raise
    await request.app[DESK].tick()
    logger.info("desk: %s took over conversation %s", user.name, state.conversation_id)
    return web.json_response({"ok": True, "handoff_id": handoff_id})


async def _finish(request: web.Request, outcome: HandoffOutcome) -> web.StreamResponse:
    state = await held_handoff(request)
    user = desk_user(request)
    await rasa_append_control(
        request,
        state.conversation_id,
        [desk_notice(request, LEFT_SCRIPT, "left"), {"event": "resume"}],
    )
    try:
        await run_db(
            request, claims.finish, state.handoff_id, user.id, outcome, utcnow(), agent=user.name
        )
    except claims.NotHolderError:
        raise web.HTTPConflict(text="this hand-off is not held any more") from None
    await request.app[DESK].tick()
    return web.json_response({"ok": True, "outcome": outcome.value})


@require("desk")
async def hand_back(request: web.Request) -> web.StreamResponse:
    """Give the conversation back to the bot (Rasa ``resume``)."""
    return await _finish(request, HandoffOutcome.HANDBACK)


@require("desk")
async def close(request: web.Request) -> web.StreamResponse:
    """``{"outcome": plan|promise|dispute|referral}``: record it, close, give back to the bot."""
    body = await json_object(request)
    value = body.get("outcome")
    try:
        outcome = HandoffOutcome(value)
    except ValueError:
        outcome = HandoffOutcome.HANDBACK
    if outcome not in claims.CLOSING_OUTCOMES:
        allowed = ", ".join(sorted(o.value for o in claims.CLOSING_OUTCOMES))
        raise web.HTTPBadRequest(text=f"outcome must be one of {allowed}")
    return await _finish(request, outcome)
