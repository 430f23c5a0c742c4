"""Fixtures: a migrated SQLite database with the demo accounts, copied for every test."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from bot.db.demo import seed_demo
from bot.db.migrate import upgrade_head
from bot.db.settings import make_engine, make_session_factory, session_scope


@pytest.fixture(scope="session")
def assist_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("assist") / "template.db"
    url = f"sqlite:///{path}"
    upgrade_head(url)
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        seed_demo(session)
    engine.dispose()
    return path


@pytest.fixture
def session_factory(assist_template: Path, tmp_path: Path) -> Iterator[sessionmaker]:
    path = tmp_path / "assist.db"
    shutil.copy(assist_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield make_session_factory(engine)
    engine.dispose()
