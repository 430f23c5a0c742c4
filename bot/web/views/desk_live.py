"""The conversation an agent took over: messages, suggestions, checked replies, verification.

Only the agent holding the hand-off may use these (403 for another user, 409 when nobody holds
it any more); every POST carries the CSRF token; Rasa unreachable: 503.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from aiohttp import web

from bot.assist.parsing import parsed_from_rasa
from bot.clock import local_now
from bot.compliance import GuardModelError
from bot.desk import live
from bot.desk.drafts import (
    UnknownScriptError,
    agent_event,
    from_body,
    review_draft,
)
from bot.desk.suggest import advise_conversation
from bot.desk.verification import identity_in, verify_for_agent
from bot.web import sse
from bot.web.desk_requests import (
    RASA_DOWN,
    contact_of,
    desk_user,
    held_handoff,
    rasa_append,
    rasa_tracker,
)
from bot.web.payload import json_object, text_field
from bot.web.rasa_client import RasaUnavailableError
from bot.web.security import require
from bot.web.state import CONFIG, LIBRARY, POLICY, RASA, run_db

logger = logging.getLogger(__name__)

MAX_MESSAGE = 500  # what a borrower may send, an agent may send


@require("desk")
async def conversation(request: web.Request) -> web.StreamResponse:
    """The held conversation now: messages, contact facts, cursor (JSON)."""
    state = await held_handoff(request)
    tracker = await rasa_tracker(request, state.conversation_id)
    contact = await contact_of(request, state.conversation_id, tracker)
    return web.json_response(
        {
            "conversation_id": state.conversation_id,
            "paused": live.is_paused(tracker),
            "contact": contact.public(),
            "messages": [m.public() for m in live.messages_after(tracker, 0.0)],
            "cursor": live.latest_timestamp(tracker),
        }
    )


@require("desk")
async def conversation_events(request: web.Request) -> web.StreamResponse:
    """The held conversation as server-sent events, polling Rasa's tracker.

    A ``message`` event for each new message, a ``contact`` event when the contact facts change.
    """
    state = await held_handoff(request)
    cursor = _cursor(request)
    interval = min(request.app[CONFIG].desk_poll_seconds, 1.0)
    response = await sse.open_stream(request)
    contact_seen: dict[str, Any] | None = None
    deadline = asyncio.get_running_loop().time() + sse.MAX_STREAM_SECONDS
    with contextlib.suppress(ConnectionResetError):
        while asyncio.get_running_loop().time() < deadline:
            cursor, contact_seen = await _conversation_step(
                request, response, state.conversation_id, cursor, contact_seen
            )
            if not await sse.pause(request, interval):
                break
    return response


async def _conversation_step(
    request: web.Request,
    response: web.StreamResponse,
    conversation_id: str,
    cursor: float,
    contact_seen: dict[str, Any] | None,
) -> tuple[float, dict[str, Any] | None]:
    """One poll of the conversation stream: new messages, and the contact facts if changed."""
    try:
        tracker = await request.app[RASA].tracker(conversation_id)
    except RasaUnavailableError as error:
        logger.warning("desk stream: %s", error)
        await sse.send(response, "unavailable", {"error": RASA_DOWN})
        return cursor, contact_seen
    for message in live.messages_after(tracker, cursor):
        await sse.send(response, "message", message.public(), event_id=repr(message.at))
        cursor = message.at
    contact = (await contact_of(request, conversation_id, tracker)).public()
    contact["paused"] = live.is_paused(tracker)
    if contact != contact_seen:
        await sse.send(response, "contact", contact)
    return cursor, contact


def _cursor(request: web.Request) -> float:
    """The cursor a stream resumes from: ``Last-Event-ID`` or ``?after=`` (default 0)."""
    raw = request.headers.get("Last-Event-ID") or request.query.get("after") or "0"
    try:
        value = float(raw)
    except ValueError:
        raise web.HTTPBadRequest(text="after must be a number") from None
    if value != value or value < 0:  # NaN or negative
        raise web.HTTPBadRequest(text="after must be a number")
    return value


# ---------------------------------------------------------------- suggestions and messages


@require("desk")
async def suggestions(request: web.Request) -> web.StreamResponse:
    """Up to 5 approved scripts for the borrower's latest message, with the verified account."""
    state = await held_handoff(request)
    tracker = await rasa_tracker(request, state.conversation_id)
    contact = await contact_of(request, state.conversation_id, tracker)
    turns = [
        parsed_from_rasa(str(e.get("text")), e.get("parse_data") or {})
        for e in live.events_of(tracker)
        if e.get("event") == "user" and isinstance(e.get("text"), str)
    ]
    policy = request.app[POLICY]
    advice = await run_db(
        request,
        advise_conversation,
        turns,
        contact.account_id if contact.may_disclose else None,
        library=request.app[LIBRARY],
        policy=policy,
        now=local_now(policy.time_zone),
        low_confidence=request.app[CONFIG].low_confidence,
    )
    if advice is None:
        return web.json_response({"suggestions": [], "contact": contact.public(), "parse": None})
    payload = advice.public()
    payload["contact"] = contact.public()
    return web.json_response(payload)


@require("desk")
async def send_message(request: web.Request) -> web.StreamResponse:
    """``{"text", "script_id"?, "script_version"?, "suggested_text"?}``: check, then send.

    Blocked (guard or answer fit): 422 with the violations, the highlighted segments and the
    closest approved script; nothing reaches Rasa. Clean: appended to the tracker as a ``bot``
    event carrying the agent's name, the script and whether it was edited.
    """
    state = await held_handoff(request)
    body = await json_object(request)
    text = text_field(body, "text", MAX_MESSAGE)
    library = request.app[LIBRARY]
    try:
        draft = from_body(body, text, library)
    except UnknownScriptError as error:
        raise web.HTTPBadRequest(text=str(error)) from None
    tracker = await rasa_tracker(request, state.conversation_id)
    contact = await contact_of(request, state.conversation_id, tracker)
    policy = request.app[POLICY]
    try:
        result = await run_db(
            request,
            review_draft,
            text,
            last_user_text=live.last_borrower_text(tracker),
            may_disclose=contact.may_disclose,
            account_id=contact.account_id,
            library=library,
            policy=policy,
            today=local_now(policy.time_zone).date(),
            general_facts=draft.general_facts,
            in_distress=contact.distress,
            approved_as_is=bool(draft.script_id) and not draft.edited,
        )
    except GuardModelError as error:
        logger.error("desk message check impossible: %s", error)
        raise web.HTTPServiceUnavailable(text="compliance guard unavailable") from None
    if not result.ok:
        logger.info(
            "desk: message of %s blocked (%s)",
            desk_user(request).name,
            ", ".join(v["rule"] for v in result.violations),
        )
        return web.json_response({**result.public(), "sent": False}, status=422)
    await rasa_append(request, state.conversation_id, [agent_event(draft, desk_user(request).name)])
    return web.json_response(
        {"ok": True, "sent": True, "edited": draft.edited, "script_id": draft.script_id}
    )


@require("desk")
async def verify(request: web.Request) -> web.StreamResponse:
    """Run the verification step on the numbers the borrower typed (the agent never sees them).

    Answers ``{"status": "verified" | "mismatch" | "locked" | "missing"}``.
    """
    state = await held_handoff(request)
    tracker = await rasa_tracker(request, state.conversation_id)
    policy = request.app[POLICY]
    result = await run_db(
        request,
        verify_for_agent,
        state.conversation_id,
        identity_in(tracker),
        local_now(policy.time_zone),
        policy.verification,
    )
    if result.slot_events():
        await rasa_append(request, state.conversation_id, result.slot_events())
    return web.json_response({"status": result.status})
