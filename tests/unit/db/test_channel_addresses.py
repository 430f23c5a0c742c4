"""Where outreach can reach a borrower: bound on verification, stopped by an unsubscribe."""

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.channels.senders import split_sender_id
from bot.db import channel_addresses as addresses
from bot.db.models import ChannelAddress
from bot.db.repositories import Repositories
from bot.db.settings import make_session_factory, session_scope

from .conftest import NOW

HOUR = dt.timedelta(hours=1)


def _customer(session: Session, mobile: str = "13800001111") -> int:
    return Repositories(session).customers.add(name="张伟", mobile=mobile, id_last4="1234").id


def test_an_address_is_reachable_only_once_verified_and_while_subscribed(session: Session) -> None:
    customer = _customer(session)
    addresses.subscribe(session, channel="wechat", address="oABC", now=NOW)
    assert addresses.reachable(session, [customer]) == {}

    addresses.bind(session, channel="wechat", address="oABC", customer_id=customer, now=NOW)
    [found] = addresses.reachable(session, [customer])[customer]
    assert (found.channel, found.conversation_id) == ("wechat", "wechat-oABC")

    addresses.unsubscribe(session, channel="wechat", address="oABC", now=NOW + HOUR)
    assert addresses.reachable(session, [customer]) == {}
    assert addresses.unsubscribed(session, [customer]) == {customer}

    addresses.subscribe(session, channel="wechat", address="oABC", now=NOW + 2 * HOUR)
    assert customer in addresses.reachable(session, [customer])
    assert session.scalar(select(func.count()).select_from(ChannelAddress)) == 1


def test_the_most_recently_verified_address_comes_first(session: Session) -> None:
    customer = _customer(session)
    addresses.bind(session, channel="wechat", address="old", customer_id=customer, now=NOW)
    addresses.bind(session, channel="telegram", address="42", customer_id=customer, now=NOW + HOUR)
    found = addresses.reachable(session, [customer])[customer]
    assert [a.conversation_id for a in found] == ["telegram-42", "wechat-old"]


def test_rebinding_moves_the_address_to_the_customer_who_verified_last(session: Session) -> None:
    first, second = _customer(session), _customer(session, "13900002222")
    addresses.bind(session, channel="wechat", address="shared", customer_id=first, now=NOW)
    addresses.bind(session, channel="wechat", address="shared", customer_id=second, now=NOW + HOUR)
    assert addresses.reachable(session, [first, second]).keys() == {second}


@pytest.mark.parametrize(
    ("channel", "address"), [("rest", "x"), ("web", "x"), ("wechat", ""), ("wechat", "x" * 129)]
)
def test_only_push_channels_and_sane_addresses_are_stored(
    session: Session, channel: str, address: str
) -> None:
    with pytest.raises(ValueError):
        addresses.subscribe(session, channel=channel, address=address, now=NOW)


def test_conversation_ids_split_back_into_channel_and_address() -> None:
    assert split_sender_id("wechat-oABC") == ("wechat", "oABC")
    assert split_sender_id("telegram-42") == ("telegram", "42")
    assert split_sender_id("web-123") is None
    assert split_sender_id("wechat-") is None


def test_concurrent_first_events_of_one_address_make_one_row(engine: Engine) -> None:
    factory = make_session_factory(engine)
    errors: list[BaseException] = []

    def event(index: int) -> None:
        try:
            with session_scope(factory) as session:
                if index % 2:
                    addresses.subscribe(session, channel="wechat", address="oRACE", now=NOW)
                else:
                    addresses.unsubscribe(session, channel="wechat", address="oRACE", now=NOW)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=event, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with session_scope(factory) as session:
        assert session.scalar(select(func.count()).select_from(ChannelAddress)) == 1


def test_an_attempt_the_channel_refused_is_stored_failed_and_nothing_else_is(
    session: Session,
) -> None:
    repos = Repositories(session)
    customer = _customer(session)
    account = repos.accounts.add(
        customer_id=customer,
        card_last4="6217",
        principal=100,
        interest=0,
        late_fees=0,
        minimum_payment=10,
        days_past_due=3,
    ).id
    fields = dict(customer_id=customer, account_id=account, kind="overdue", script_id="s", at=NOW)
    attempt = repos.contact_attempts.add(status="failed", rule="channel_error", **fields)
    session.flush()
    assert session.get(ChannelAddress, 1) is None
    assert attempt.status == "failed"
    with pytest.raises(Exception):  # noqa: B017 - a CHECK violation or a validation error
        repos.contact_attempts.add(status="lost", **fields)
        session.flush()
