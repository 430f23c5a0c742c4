"""Demo borrowers: the accounts the README shows and the acceptance tests use (a contract).

``python -m bot.db.demo`` upgrades the schema to the latest migration and seeds the demo data
into the database selected by ``DATABASE_URL`` (default: ``var/collection.db``).

Each demo account's statement fell due ``days_past_due`` days before the seeding day (the
policy's calendar), and each demo customer verified once over WeChat (a fake OpenID:
:data:`DEMO_WECHAT_PREFIX` and the customer's id), so that the outreach scheduler can reach
them there once ``WECHAT_TOKEN`` enables the channel (docs/outreach.md).
"""

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.clock import local_today
from bot.db import channel_addresses
from bot.db.masking import mask_phone
from bot.db.migrate import upgrade_head
from bot.db.repositories import AccountRepository, CustomerRepository
from bot.db.settings import make_engine, make_session_factory, session_scope
from bot.db.types import utcnow
from bot.policy import load_policy

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoAccount:
    """One demo customer with one active card account."""

    name: str
    mobile: str
    id_last4: str
    card_last4: str
    principal: Decimal
    interest: Decimal
    late_fees: Decimal
    total_due: Decimal
    minimum_payment: Decimal
    days_past_due: int


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        name="张伟",
        mobile="13800001111",
        id_last4="1234",
        card_last4="6217",
        principal=Decimal("12000.00"),
        interest=Decimal("380.00"),
        late_fees=Decimal("200.00"),
        total_due=Decimal("12580.00"),
        minimum_payment=Decimal("1258.00"),
        days_past_due=45,
    ),
    DemoAccount(
        name="李娜",
        mobile="13900002222",
        id_last4="567X",
        card_last4="4392",
        principal=Decimal("3100.00"),
        interest=Decimal("110.50"),
        late_fees=Decimal("50.00"),
        total_due=Decimal("3260.50"),
        minimum_payment=Decimal("326.05"),
        days_past_due=12,
    ),
    DemoAccount(
        name="王强",
        mobile="13700003333",
        id_last4="9012",
        card_last4="8810",
        principal=Decimal("55000.00"),
        interest=Decimal("2400.00"),
        late_fees=Decimal("600.00"),
        total_due=Decimal("58000.00"),
        minimum_payment=Decimal("5800.00"),
        days_past_due=120,
    ),
)


DEMO_WECHAT_PREFIX = "oDEMO"
"""Fake WeChat OpenIDs of the demo customers: this prefix and the customer's id (``oDEMO1``)."""


def seed_demo(session: Session, now: dt.datetime | None = None) -> int:
    """Insert the demo customers and accounts if the customers table is empty.

    The caller commits the session.

    Args:
        session: Open session on a migrated database.
        now: The seeding moment (default: now; ``BOT_TODAY`` pins its date): statement due
            dates count back from its day, and the WeChat addresses are verified at it.

    Returns:
        The number of customers inserted (0 when the table already had rows).
    """
    customers = CustomerRepository(session)
    if customers.count() > 0:
        logger.info("demo data not seeded: customers table is not empty")
        return 0
    now = now or utcnow()
    today = local_today(load_policy().time_zone, now)
    accounts = AccountRepository(session)
    for demo in DEMO_ACCOUNTS:
        customer = customers.add(name=demo.name, mobile=demo.mobile, id_last4=demo.id_last4)
        channel_addresses.bind(
            session,
            channel="wechat",
            address=f"{DEMO_WECHAT_PREFIX}{customer.id}",
            customer_id=customer.id,
            now=now,
        )
        accounts.add(
            customer_id=customer.id,
            card_last4=demo.card_last4,
            principal=demo.principal,
            interest=demo.interest,
            late_fees=demo.late_fees,
            total_due=demo.total_due,
            minimum_payment=demo.minimum_payment,
            days_past_due=demo.days_past_due,
            statement_due_date=today - dt.timedelta(days=demo.days_past_due),
        )
        logger.info("seeded demo customer %s", mask_phone(demo.mobile))
    return len(DEMO_ACCOUNTS)


def main(url: str | None = None) -> int:
    """Upgrade the schema to head and seed the demo data.

    Args:
        url: Database URL; defaults to ``DATABASE_URL`` / ``var/collection.db``.

    Returns:
        The number of customers inserted.
    """
    upgrade_head(url)
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            inserted = seed_demo(session)
    finally:
        engine.dispose()
    return inserted


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    count = main()
    logger.info("demo seeding done: %d customers inserted", count)
