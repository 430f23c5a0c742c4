"""Fixtures: migrated SQLite and PostgreSQL databases for the persistence tests.

SQLite: a template database is migrated once per test session and copied for every test.
PostgreSQL (127.0.0.1:5432, database ``test``, or ``$TEST_POSTGRES_URL``): each fixture works
in its own schema, dropped afterwards; the shared migrated schema is emptied before every test.
PostgreSQL tests are skipped only when the server is unreachable.
"""

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from bot.db.migrate import upgrade_head
from bot.db.models import metadata
from bot.db.settings import make_engine, make_session_factory

POSTGRES_CANDIDATES = (
    "postgresql+psycopg2://postgres@127.0.0.1:5432/test",
    "postgresql+psycopg2://root@127.0.0.1:5432/test",
)

NOW = dt.datetime(2025, 3, 10, 9, 30, tzinfo=dt.timezone.utc)

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _reachable_postgres_url() -> str | None:
    override = os.environ.get("TEST_POSTGRES_URL")
    for url in [override] if override else POSTGRES_CANDIDATES:
        engine = create_engine(url, future=True, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as connection:
                connection.execute(text("select 1"))
            return url
        except OperationalError:
            continue
        finally:
            engine.dispose()
    return None


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """URL of the reachable local PostgreSQL server (skips when there is none)."""
    url = _reachable_postgres_url()
    if url is None:
        pytest.skip("PostgreSQL server unreachable (127.0.0.1:5432 or $TEST_POSTGRES_URL)")
    return url


@pytest.fixture(scope="session")
def postgres_schema_factory(postgres_server_url: str) -> Iterator[Callable[[], str]]:
    """Create empty schemas on demand; returns URLs whose search_path is the new schema."""
    admin = create_engine(postgres_server_url, future=True)
    created: list[str] = []

    def new_schema() -> str:
        name = f"bot_db_test_{uuid.uuid4().hex[:12]}"
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{name}"'))
        created.append(name)
        return f"{postgres_server_url}?options=-csearch_path%3D{name}"

    yield new_schema
    with admin.begin() as connection:
        for name in created:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def migrated_postgres_url(postgres_schema_factory: Callable[[], str]) -> str:
    """A PostgreSQL schema migrated to head once per test session."""
    url = postgres_schema_factory()
    upgrade_head(url)
    return url


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Path of a SQLite file migrated to head once per test session."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade_head(f"sqlite:///{path}")
    return str(path)


def _empty_postgres_tables(url: str) -> None:
    engine = make_engine(url)
    names = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """URL of an empty database migrated to head, on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "collection.db"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("migrated_postgres_url")
    _empty_postgres_tables(url)
    return url


@pytest.fixture(params=BACKENDS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """URL of a database with no tables at all, on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return request.getfixturevalue("postgres_schema_factory")()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the migrated database; the test decides whether to commit."""
    session = make_session_factory(engine)()
    yield session
    session.rollback()
    session.close()
