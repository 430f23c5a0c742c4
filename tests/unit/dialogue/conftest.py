"""Fixtures: a migrated SQLite database with the demo accounts, and a turn builder."""

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from bot.db.demo import seed_demo
from bot.db.migrate import upgrade_head
from bot.db.settings import make_engine, make_session_factory, session_scope
from bot.dialogue.handlers import Context
from bot.dialogue.sql_store import SqlStore
from bot.dialogue.turn import Turn
from bot.policy import load_policy

NOW = dt.datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("demo") / "template.db"
    url = f"sqlite:///{path}"
    upgrade_head(url)
    factory = make_session_factory(make_engine(url))
    with session_scope(factory) as session:
        seed_demo(session)
    return str(path)


@pytest.fixture
def session(demo_template: str, tmp_path) -> Iterator[Session]:
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    engine = make_engine(f"sqlite:///{path}")
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        yield session
    engine.dispose()


@pytest.fixture
def ctx(session: Session) -> Context:
    return Context(store=SqlStore(session), policy=load_policy())


@pytest.fixture
def verified_slots(ctx: Context) -> Callable[[str], dict]:
    """Slots of a conversation verified as one of the demo customers."""

    def build(mobile: str = "13800001111") -> dict:
        id_last4 = {"13800001111": "1234", "13900002222": "567X", "13700003333": "9012"}[mobile]
        result = ctx.store.verify("setup-" + mobile, mobile, id_last4, NOW)
        assert result.status == "verified"
        return {
            "verification": "verified",
            "customer_id": result.customer_id,
            "account_id": result.account_id,
        }

    return build


def make_turn(intent: str, text: str = "", slots: dict | None = None, **entities) -> Turn:
    return Turn(
        conversation_id="conv-1",
        intent=intent,
        text=text,
        entities=entities,
        slots=slots or {"verification": "unverified"},
        now=NOW,
    )
