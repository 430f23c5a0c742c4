"""Borrowers' addresses on channels that can start a conversation (WeChat, Telegram).

Outreach can only reach a borrower where a platform lets the issuer speak first: the web chat
and the REST API answer, they never push. A channel that can push (WeChat, Telegram:
:data:`bot.channels.senders.PREFIXED_CHANNELS`) records the person's platform id here:

- :func:`bind`: a conversation on the address verified as a customer (the dialogue's
  verification step calls it), so outreach knows where that customer can be reached;
- :func:`unsubscribe`: the platform said the person left (WeChat's ``unsubscribe`` event): a
  stop-contact for that channel; :func:`subscribe` clears it;
- :func:`reachable`: per customer, the addresses outreach may use.

The conversation on an address is ``<channel>-<address>`` (:func:`bot.channels.senders.sender_id`),
so ids of different channels never meet; the REST channel refuses senders with these prefixes.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.channels.senders import PREFIXED_CHANNELS, sender_id
from bot.db.models import ChannelAddress

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Address:
    """Where outreach can reach a customer.

    Attributes:
        channel: The channel's name (one of :data:`bot.channels.senders.PREFIXED_CHANNELS`).
        address: The platform's id of the person.
        verified_at: When a conversation on it last verified as the customer.
    """

    channel: str
    address: str
    verified_at: dt.datetime

    @property
    def conversation_id(self) -> str:
        """The Rasa conversation on this address."""
        return sender_id(self.channel, self.address)


def _check(channel: str, address: str) -> None:
    if channel not in PREFIXED_CHANNELS:
        raise ValueError(f"not a push channel: {channel!r}")
    if not address or len(address) > ChannelAddress.address.type.length:
        raise ValueError("address must be 1-128 characters")


def _row(session: Session, channel: str, address: str) -> ChannelAddress:
    """The address's row, inserted when new (concurrent inserts resolve to one row)."""
    _check(channel, address)
    statement = select(ChannelAddress).where(
        ChannelAddress.channel == channel, ChannelAddress.address == address
    )
    found: ChannelAddress | None = session.scalars(statement).first()
    if found is not None:
        return found
    try:
        with session.begin_nested():
            row = ChannelAddress(channel=channel, address=address)
            session.add(row)
    except IntegrityError:  # another request inserted it first
        row = session.scalars(statement).one()
    return row


def bind(
    session: Session, *, channel: str, address: str, customer_id: int, now: dt.datetime
) -> None:
    """Record that the conversation on ``address`` verified as ``customer_id``.

    Args:
        session: Open session; the caller commits.
        channel: A push channel.
        address: The platform's id of the person.
        customer_id: The verified customer.
        now: When (aware).

    Raises:
        ValueError: Not a push channel, or an empty or over-long address.
    """
    row = _row(session, channel, address)
    row.customer_id = customer_id
    row.verified_at = now
    session.flush()


def subscribe(session: Session, *, channel: str, address: str, now: dt.datetime) -> None:
    """The person (re)joined the channel: outreach may use the address again once verified."""
    row = _row(session, channel, address)
    row.unsubscribed_at = None
    session.flush()
    logger.info("%s address subscribed at %s", channel, now.isoformat())


def unsubscribe(session: Session, *, channel: str, address: str, now: dt.datetime) -> None:
    """The person left the channel: a stop-contact on it (outreach never uses the address)."""
    row = _row(session, channel, address)
    row.unsubscribed_at = now
    session.flush()
    logger.info("%s address unsubscribed: stop-contact on the channel", channel)


def reachable(session: Session, customer_ids: Iterable[int]) -> dict[int, list[Address]]:
    """Per customer, the verified, subscribed addresses, the most recently verified first.

    Args:
        session: Open session (only read).
        customer_ids: The customers wanted.

    Returns:
        Customers without any such address are absent.
    """
    wanted = list(customer_ids)
    if not wanted:
        return {}
    rows = session.scalars(
        select(ChannelAddress)
        .where(
            ChannelAddress.customer_id.in_(wanted),
            ChannelAddress.verified_at.is_not(None),
            ChannelAddress.unsubscribed_at.is_(None),
        )
        .order_by(ChannelAddress.verified_at.desc(), ChannelAddress.id.desc())
    )
    found: dict[int, list[Address]] = {}
    for row in rows:
        found.setdefault(row.customer_id, []).append(
            Address(row.channel, row.address, row.verified_at)
        )
    return found


def unsubscribed(session: Session, customer_ids: Iterable[int]) -> set[int]:
    """The customers with a verified address whose platform said they left."""
    wanted = list(customer_ids)
    if not wanted:
        return set()
    return set(
        session.scalars(
            select(ChannelAddress.customer_id).where(
                ChannelAddress.customer_id.in_(wanted),
                ChannelAddress.unsubscribed_at.is_not(None),
            )
        )
    )
