import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.db import demo
from bot.db.models import Account, AccountStatus, Customer
from bot.db.repositories import Repositories
from bot.db.settings import make_engine, make_session_factory, session_scope

# The contract from issue 3: (name, mobile, ID last 4, card) and (total, principal, interest,
# late fees, minimum payment, days past due).
CONTRACT = [
    (
        ("张伟", "13800001111", "1234", "6217"),
        ("12580.00", "12000.00", "380.00", "200.00", "1258.00", 45),
    ),
    (
        ("李娜", "13900002222", "567X", "4392"),
        ("3260.50", "3100.00", "110.50", "50.00", "326.05", 12),
    ),
    (
        ("王强", "13700003333", "9012", "8810"),
        ("58000.00", "55000.00", "2400.00", "600.00", "5800.00", 120),
    ),
]


def _snapshot(session: Session) -> list[tuple]:
    rows = session.execute(
        select(Customer, Account)
        .join(Account, Account.customer_id == Customer.id)
        .order_by(Customer.id)
    ).all()
    return [
        (
            (customer.name, customer.mobile, customer.id_last4, account.card_last4),
            (
                str(account.total_due),
                str(account.principal),
                str(account.interest),
                str(account.late_fees),
                str(account.minimum_payment),
                account.days_past_due,
            ),
        )
        for customer, account in rows
    ]


def test_seed_demo_inserts_exactly_the_contract_accounts(engine: Engine) -> None:
    with session_scope(make_session_factory(engine)) as session:
        assert demo.seed_demo(session) == 3
    with session_scope(make_session_factory(engine)) as session:
        assert _snapshot(session) == CONTRACT
        accounts = session.scalars(select(Account)).all()
        assert len(accounts) == 3
        assert {account.status for account in accounts} == {AccountStatus.ACTIVE}
        for account in accounts:
            assert account.total_due == account.principal + account.interest + account.late_fees
        customers = session.scalars(select(Customer)).all()
        assert {(c.locale, c.time_zone) for c in customers} == {("zh-CN", "Asia/Shanghai")}


def test_seed_demo_is_idempotent(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        demo.seed_demo(session)
    with session_scope(factory) as session:
        assert demo.seed_demo(session) == 0
    with session_scope(factory) as session:
        assert session.execute(select(func.count(Customer.id))).scalar_one() == 3
        assert session.execute(select(func.count(Account.id))).scalar_one() == 3


def test_seed_demo_leaves_a_non_empty_database_alone(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        Repositories(session).customers.add(name="别人", mobile="13600000000", id_last4="1111")
    with session_scope(factory) as session:
        assert demo.seed_demo(session) == 0
        assert [c.name for c in session.scalars(select(Customer))] == ["别人"]


def test_demo_contract_amounts_add_up() -> None:
    for account in demo.DEMO_ACCOUNTS:
        assert account.total_due == account.principal + account.interest + account.late_fees
        assert account.minimum_payment == (account.total_due / 10).quantize(Decimal("0.01"))


def test_main_migrates_an_empty_database_then_seeds_once(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'demo.db'}"
    assert demo.main(url) == 3
    assert demo.main(url) == 0
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        assert _snapshot(session) == CONTRACT
    engine.dispose()


def test_each_demo_customer_verified_once_over_wechat_and_each_statement_is_past_due(
    engine: Engine,
) -> None:
    from bot.db import channel_addresses

    seeded = dt.datetime(2026, 12, 4, 1, 0, tzinfo=dt.timezone.utc)  # 09:00 in Beijing
    with session_scope(make_session_factory(engine)) as session:
        demo.seed_demo(session, now=seeded)
    with session_scope(make_session_factory(engine)) as session:
        customers = session.scalars(select(Customer).order_by(Customer.id)).all()
        reachable = channel_addresses.reachable(session, [c.id for c in customers])
        assert [[a.conversation_id for a in reachable[c.id]] for c in customers] == [
            [f"wechat-oDEMO{c.id}"] for c in customers
        ]
        assert {a.verified_at for found in reachable.values() for a in found} == {seeded}
        accounts = session.scalars(select(Account).order_by(Account.id)).all()
        # days past due counted back from the seeding day in the policy's calendar
        assert [a.statement_due_date for a in accounts] == [
            dt.date(2026, 10, 20),
            dt.date(2026, 11, 22),
            dt.date(2026, 8, 6),
        ]
        assert all(
            (dt.date(2026, 12, 4) - a.statement_due_date).days == a.days_past_due for a in accounts
        )
