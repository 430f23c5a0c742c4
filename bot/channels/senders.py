"""Conversation ids of the channels that name conversations after a platform's user id.

Rasa keeps one namespace of sender ids for all channels, and the assistant holds a borrower's
verification per conversation id (:mod:`bot.db.conversation_state`). A channel whose
conversations are the platform's id of a person (WeChat's OpenID, a Telegram chat id) names
them ``<channel>-<id>`` (:func:`sender_id`). The REST channel lets its caller choose the sender,
so it refuses every prefix here (:func:`is_reserved`): otherwise anyone could post as
``wechat-<OpenID>`` and talk inside that borrower's verified WeChat conversation.

This module is the one list of those channels: they are also the channels outreach can push on
(``bot.db.channel_addresses``), each enabled by its token variable (``bot.settings``).
"""

from __future__ import annotations

CHANNEL_TOKENS = {"wechat": "WECHAT_TOKEN", "telegram": "TELEGRAM_TOKEN"}
"""Each prefixed channel, with the variable whose presence turns it on (its platform token)."""

PREFIXED_CHANNELS = tuple(CHANNEL_TOKENS)
"""Channels whose conversation ids are ``<channel>-<platform id>`` (Rasa channel names)."""

RESERVED_PREFIXES = tuple(f"{channel}-" for channel in PREFIXED_CHANNELS)
"""Sender prefixes no caller of the REST channel may use."""


def sender_id(channel: str, address: str) -> str:
    """The conversation (Rasa sender id) of the person ``address`` on ``channel``.

    Raises:
        ValueError: ``channel`` is not one of :data:`PREFIXED_CHANNELS`, or ``address`` is empty.
    """
    if channel not in PREFIXED_CHANNELS:
        raise ValueError(f"not a prefixed channel: {channel!r}")
    if not address:
        raise ValueError("a platform id is required")
    return f"{channel}-{address}"


def is_reserved(sender: str) -> bool:
    """Whether ``sender`` belongs to a prefixed channel (compared without regard to case)."""
    return sender.casefold().startswith(RESERVED_PREFIXES)


def split_sender_id(sender: str) -> tuple[str, str] | None:
    """``(channel, platform id)`` of a prefixed channel's conversation id, else None."""
    for channel in PREFIXED_CHANNELS:
        prefix = f"{channel}-"
        if sender.startswith(prefix) and len(sender) > len(prefix):
            return channel, sender[len(prefix) :]
    return None
