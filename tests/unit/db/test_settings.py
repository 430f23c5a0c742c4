import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot import settings
from bot.db.models import Account, Customer
from bot.db.settings import make_engine, make_session_factory, session_scope


def test_make_engine_creates_the_sqlite_folder(tmp_path) -> None:
    path = tmp_path / "missing" / "folder" / "x.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        connection.execute(text("select 1"))
    engine.dispose()
    assert path.exists()


def test_make_engine_uses_database_url(tmp_path) -> None:
    with settings.override(database_url=f"sqlite:///{tmp_path / 'env.db'}"):
        engine = make_engine()
    assert engine.url.database == str(tmp_path / "env.db")
    engine.dispose()


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with pytest.raises(IntegrityError), session_scope(factory) as session:
        session.add(
            Account(
                customer_id=999,
                card_last4="0000",
                principal=0,
                interest=0,
                late_fees=0,
                total_due=0,
                minimum_payment=0,
                days_past_due=0,
            )
        )


def test_session_scope_commits_on_success(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        session.add(Customer(name="甲", mobile="13800000001", id_last4="0001"))
    with session_scope(factory) as session:
        customer = session.scalars(select(Customer)).one()
    # expire_on_commit=False: attributes stay readable after the session closed.
    assert customer.mobile == "13800000001"
    assert customer.locale == "zh-CN"
    assert customer.time_zone == "Asia/Shanghai"


def test_session_scope_rolls_back_on_error(engine: Engine) -> None:
    factory = make_session_factory(engine)
    with pytest.raises(RuntimeError), session_scope(factory) as session:
        session.add(Customer(name="甲", mobile="13800000001", id_last4="0001"))
        session.flush()
        raise RuntimeError("boom")
    with session_scope(factory) as session:
        assert session.scalars(select(Customer)).all() == []


def test_sqlite_foreign_keys_can_be_turned_off_for_migrations(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}", sqlite_foreign_keys=False)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 0
    engine.dispose()
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
    engine.dispose()
