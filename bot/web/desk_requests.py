"""What the agent desk's views share: the user, the held hand-off, Rasa calls, contact facts.

Rasa unreachable is a 503 with a reason the desk shows (:data:`RASA_DOWN`).
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from bot.channels.senders import split_sender_id
from bot.clock import local_now
from bot.desk import claims, live
from bot.desk.contact import ContactState, contact_state
from bot.desk.drafts import desk_event
from bot.web.rasa_client import RasaUnavailableError
from bot.web.staff import StaffView
from bot.web.state import LIBRARY, POLICY, RASA, current_user, run_db

logger = logging.getLogger(__name__)

RASA_DOWN = "对话服务（Rasa）暂时不可用，请稍后再试"
NOT_DELIVERED = "未能通过 {channel} 送达借款人，消息没有发出，请稍后再试"


def desk_user(request: web.Request) -> StaffView:
    """The logged-in staff user (the views are wrapped in ``@require``)."""
    user = current_user(request)
    assert user is not None  # @require guarantees it
    return user


def handoff_id_of(request: web.Request) -> int:
    """The hand-off id of the URL (404 for anything but a number)."""
    text = request.match_info["handoff_id"]
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise web.HTTPNotFound(text="no such hand-off")
    return int(text)


async def held_handoff(request: web.Request) -> claims.Held:
    """The hand-off of the URL, held by the current user (404 / 403 / 409 otherwise)."""
    handoff_id = handoff_id_of(request)
    user = desk_user(request)
    try:
        state = await run_db(request, claims.held, handoff_id)
    except claims.HandoffNotFoundError:
        raise web.HTTPNotFound(text="no such hand-off") from None
    if state.status != "assigned":
        raise web.HTTPConflict(text="this hand-off is not taken over (claim it first)")
    if state.claimed_by_id != user.id:
        raise web.HTTPForbidden(reason="forbidden: another agent holds this conversation")
    return state


async def rasa_tracker(request: web.Request, conversation_id: str) -> dict[str, Any]:
    """The conversation's tracker from Rasa (503 when Rasa cannot be reached)."""
    try:
        return await request.app[RASA].tracker(conversation_id)
    except RasaUnavailableError as error:
        logger.warning("desk: %s", error)
        raise web.HTTPServiceUnavailable(text=RASA_DOWN) from None


async def rasa_append(
    request: web.Request,
    conversation_id: str,
    events: list[dict[str, Any]],
    *,
    push: bool = True,
) -> None:
    """Append events to the conversation in Rasa (503 when Rasa cannot be reached).

    On a channel that pushes (WeChat, Telegram: :mod:`bot.channels.senders`) the ``bot`` events
    also go out through it (unless ``push`` is false), so the borrower reads the agent there;
    the web chat reads them from the tracker. Not delivered means not stored: the agent is told
    and may try again.
    """
    pushed = split_sender_id(conversation_id) if push else None
    channel = pushed[0] if pushed else None
    try:
        await request.app[RASA].append_events(conversation_id, events, output_channel=channel)
    except RasaUnavailableError as error:
        logger.warning("desk: %s", error)
        text = RASA_DOWN if channel is None else NOT_DELIVERED.format(channel=channel)
        raise web.HTTPServiceUnavailable(text=text) from None


async def rasa_append_control(
    request: web.Request, conversation_id: str, events: list[dict[str, Any]]
) -> None:
    """Pause or resume the bot, with the desk's notice to the borrower ("a person has joined").

    The pause or resume is stored whatever the borrower's channel does: when a push channel
    does not take the notice (WeChat outside its 48-hour window, no AppSecret), it is stored
    without the notice rather than leaving the conversation paused or the agent stuck.
    """
    try:
        await rasa_append(request, conversation_id, events)
    except web.HTTPServiceUnavailable:
        if split_sender_id(conversation_id) is None:
            raise
        logger.warning("desk: the channel did not take the desk notice; stored without it")
        control = [event for event in events if event.get("event") != "bot"]
        await rasa_append(request, conversation_id, control, push=False)


def desk_notice(request: web.Request, script_id: str, notice: str) -> dict[str, Any]:
    """The ``bot`` event of an approved desk notice (joined, left)."""
    message = request.app[LIBRARY].render(script_id, seed=notice)
    return desk_event(message.text, script_id, message.version, notice)


async def contact_of(
    request: web.Request, conversation_id: str, tracker: dict[str, Any]
) -> ContactState:
    """The contact facts of the conversation (verified, wrong person, stop-contact, distress)."""
    policy = request.app[POLICY]
    return await run_db(
        request,
        contact_state,
        conversation_id,
        live.borrower_intents(tracker),
        local_now(policy.time_zone),
        policy.verification.idle,
    )
