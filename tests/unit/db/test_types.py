import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from bot.db.models import Account, Customer, VerificationAttempt
from bot.db.types import utcnow

from .conftest import NOW


def _customer(session: Session) -> Customer:
    customer = Customer(name="测试", mobile="13800009999", id_last4="0000")
    session.add(customer)
    session.flush()
    return customer


def _account(customer_id: int, **amounts: object) -> Account:
    values = {
        "principal": Decimal("100.00"),
        "interest": Decimal("0.10"),
        "late_fees": Decimal("0"),
        "total_due": Decimal("100.10"),
        "minimum_payment": Decimal("10.01"),
    }
    values.update(amounts)
    return Account(customer_id=customer_id, card_last4="0000", days_past_due=1, **values)


def test_utcnow_is_aware_utc() -> None:
    assert utcnow().utcoffset() == dt.timedelta(0)


def test_money_round_trips_as_two_place_decimal(session: Session) -> None:
    customer = _customer(session)
    session.add(_account(customer.id, principal=Decimal("9999999999.99"), late_fees=5))
    session.commit()
    session.expire_all()
    account = session.scalars(select(Account)).one()
    assert account.principal == Decimal("9999999999.99")
    assert str(account.interest) == "0.10"
    assert str(account.late_fees) == "5.00"
    assert isinstance(account.minimum_payment, Decimal)


@pytest.mark.parametrize("bad", [1.5, Decimal("1.005")])
def test_money_refuses_floats_and_fractions_of_a_cent(session: Session, bad: object) -> None:
    customer = _customer(session)
    session.add(_account(customer.id, late_fees=bad))
    with pytest.raises(StatementError):
        session.flush()


def test_timestamps_are_stored_in_utc_and_returned_aware(session: Session) -> None:
    shanghai = dt.timezone(dt.timedelta(hours=8))
    local = dt.datetime(2025, 3, 10, 17, 30, tzinfo=shanghai)
    session.add(VerificationAttempt(conversation_id="c", mobile_masked="x", success=True, at=local))
    session.commit()
    session.expire_all()
    attempt = session.scalars(select(VerificationAttempt)).one()
    assert attempt.at == NOW
    assert attempt.at.tzinfo == dt.timezone.utc
    assert attempt.created_at.tzinfo == dt.timezone.utc
    assert attempt.updated_at >= attempt.created_at


def test_naive_timestamps_are_refused(session: Session) -> None:
    session.add(
        VerificationAttempt(
            conversation_id="c", mobile_masked="x", success=True, at=dt.datetime(2025, 3, 10)
        )
    )
    with pytest.raises(StatementError, match="naive datetime"):
        session.flush()


def test_updated_at_moves_on_update(session: Session) -> None:
    customer = _customer(session)
    session.commit()
    before = customer.updated_at
    customer.locale = "en-US"
    session.commit()
    assert customer.updated_at > before
    assert customer.created_at <= before
