"""Fixtures shared by the unit tests.

``demo_database_url``: a migrated SQLite database with the demo accounts, copied fresh from a
module-wide template for each test, and set as the settings' ``database_url`` meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import settings
from bot.db.demo import seed_demo
from bot.db.migrate import upgrade_head
from bot.db.settings import make_engine, make_session_factory, session_scope


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The migrated, seeded database, built once per module."""
    path = tmp_path_factory.mktemp("demo") / "template.db"
    upgrade_head(f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
    with session_scope(make_session_factory(engine)) as session:
        seed_demo(session)
    engine.dispose()
    return path


@pytest.fixture
def demo_database_url(demo_template: Path, tmp_path: Path) -> Iterator[str]:
    """A fresh copy of the template for one test; the settings point at it meanwhile."""
    path = tmp_path / "collection.db"
    path.write_bytes(demo_template.read_bytes())
    url = f"sqlite:///{path}"
    with settings.override(database_url=url):
        yield url
