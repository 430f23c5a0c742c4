"""A named output channel that cannot send is an error, not a silent collector.

Why: ``POST /conversations/<id>/tracker/events?output_channel=wechat&execute_side_effects=true``
is how the outreach sender (``python -m bot.outreach send``) starts a conversation on a
borrower's channel. Rasa's ``_get_output_channel`` (``rasa/server.py``) falls back to a
``CollectingOutputChannel`` when no registered input channel has that name (WeChat not enabled
on this server) or when the channel cannot push (``rest``): the bot message is stored, nothing
is delivered, and Rasa answers 200, so the sender would record a contact as sent that nobody
received. Here that case raises :class:`UnknownOutputChannelError`; the routes that ask for an
output channel (append events, execute an action, trigger an intent) catch it and answer 500
without saving the tracker, which the sender records as a failed ``channel_error``. No
``output_channel``, and ``output_channel=latest``, behave as before.
"""

from __future__ import annotations

import functools
from typing import Any

import rasa.server
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel

RASA_GET_OUTPUT_CHANNEL = rasa.server._get_output_channel  # Rasa's own, for the tests


class UnknownOutputChannelError(ValueError):
    """The request names an output channel this server cannot send through."""


@functools.wraps(RASA_GET_OUTPUT_CHANNEL)
def get_output_channel(request: Any, tracker: Any) -> OutputChannel:
    """Rasa's choice of output channel, refused when a named channel fell back to collecting.

    Raises:
        UnknownOutputChannelError: ``output_channel`` names no registered channel that can
            send.
    """
    channel = RASA_GET_OUTPUT_CHANNEL(request, tracker)
    requested = request.args.get(rasa.server.OUTPUT_CHANNEL_QUERY_KEY)
    latest = rasa.server.USE_LATEST_INPUT_CHANNEL_AS_OUTPUT_CHANNEL
    if requested and requested != latest and type(channel) is CollectingOutputChannel:
        raise UnknownOutputChannelError(f"no input channel named {requested!r} can send")
    return channel


def apply() -> None:
    """Replace ``rasa.server._get_output_channel`` (the routes look it up when called)."""
    rasa.server._get_output_channel = get_output_channel
