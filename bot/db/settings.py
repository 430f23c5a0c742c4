"""Database engine and session helpers.

The database is ``DATABASE_URL`` (any SQLAlchemy URL, e.g.
``postgresql+psycopg2://user@127.0.0.1:5432/collection``), read by :mod:`bot.settings`; without
it the assistant uses the SQLite file ``<repo>/var/collection.db``. Nothing here runs at import
time: callers create the engine and session factory once (at action-server or web-app start) and
open one session per action call or request with :func:`session_scope`.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from bot import settings

logger = logging.getLogger(__name__)


def _ensure_sqlite_folder(url: str) -> None:
    """Create the folder of a file-based SQLite database if it does not exist yet."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return
    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _enable_sqlite_foreign_keys(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(
    url: str | None = None, *, sqlite_foreign_keys: bool = True, **kwargs: Any
) -> Engine:
    """Create a SQLAlchemy 2.0-style engine.

    For SQLite the database folder is created when missing and foreign keys are enforced on
    every connection.

    Args:
        url: Database URL; defaults to ``DATABASE_URL`` (:func:`bot.settings.current`).
        sqlite_foreign_keys: Enforce foreign keys on SQLite (migrations turn this off, because
            batch table rebuilds need it off).
        **kwargs: Passed on to :func:`sqlalchemy.create_engine`.

    Returns:
        The engine (``future=True``).
    """
    url = url or settings.current().database_url
    _ensure_sqlite_folder(url)
    engine = create_engine(url, future=True, **kwargs)
    if engine.dialect.name == "sqlite" and sqlite_foreign_keys:
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
    logger.debug("created %s engine", engine.dialect.name)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker:
    """Create the session factory for an engine.

    Sessions keep their objects' loaded attributes after commit (``expire_on_commit=False``), so
    an action can read what it just wrote after the session is closed.

    Args:
        engine: The engine from :func:`make_engine`.

    Returns:
        A ``sessionmaker`` producing 2.0-style sessions.
    """
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker) -> Iterator[Session]:
    """Open a session as one unit of work: commit on success, roll back on error.

    Args:
        factory: A factory from :func:`make_session_factory`.

    Yields:
        The session; repositories built on it never commit themselves.
    """
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
