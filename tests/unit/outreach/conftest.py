"""Fixtures of the outreach tests: the demo database's sessions, and WeChat enabled.

The demo customers each verified once over WeChat (``wechat-oDEMO1`` .. ``oDEMO3``); WeChat is
enabled in every test here, as ``WECHAT_TOKEN`` enables it, unless the test says otherwise
(``settings.override(push_channels=frozenset())``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import sessionmaker

from bot import settings
from bot.db.settings import make_engine, make_session_factory


@pytest.fixture(autouse=True)
def wechat_enabled() -> Iterator[None]:
    with settings.override(push_channels=frozenset({"wechat"})):
        yield


@pytest.fixture
def factory(demo_database_url: str) -> Iterator[sessionmaker]:
    """Sessions on a fresh copy of the demo database (the commands use it too)."""
    engine = make_engine(demo_database_url)
    yield make_session_factory(engine)
    engine.dispose()
