"""One ``send`` at a time: two runs at once would both plan the same contacts and send each twice.

:func:`send_lock` holds, for the whole run, a PostgreSQL session advisory lock
(``pg_try_advisory_lock``, on a connection of its own in autocommit, so no transaction stays
open) or, on SQLite and other databases, an exclusive ``flock`` on a lock file next to the
database file (``<database>.outreach-send.lock``; ``var/run/outreach-send.lock`` for a database
without a file). Either is released when the run ends, however it ends: a crashed run leaves no
stale lock (the server drops a closed session's locks, the kernel a dead process's ``flock``).
A second run does not wait: it raises :class:`AlreadyRunningError` and sends nothing.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot import settings

logger = logging.getLogger(__name__)

ADVISORY_KEY = (0x4F55_5452, 1)
"""The advisory lock of ``send`` (``pg_try_advisory_lock(int, int)``): "OUTR", 1."""

LOCK_SUFFIX = ".outreach-send.lock"
DEFAULT_LOCK_FILE = settings.REPO_ROOT / "var" / "run" / "outreach-send.lock"


class AlreadyRunningError(RuntimeError):
    """Another ``send`` holds the lock."""


def lock_file(engine: Engine) -> Path:
    """The lock file of a database that is not PostgreSQL."""
    database = engine.url.database
    on_disk = database and database != ":memory:" and not database.startswith("file:")
    if engine.dialect.name == "sqlite" and on_disk:
        return Path(f"{database}{LOCK_SUFFIX}")
    return DEFAULT_LOCK_FILE


@contextmanager
def send_lock(engine: Engine) -> Iterator[None]:
    """Hold the lock of ``send`` on this database for the ``with`` block.

    Raises:
        AlreadyRunningError: Another run holds it.
    """
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine):
            yield
    else:
        with _file_lock(lock_file(engine)):
            yield


@contextmanager
def _advisory_lock(engine: Engine) -> Iterator[None]:
    space, key = ADVISORY_KEY
    params = {"space": space, "key": key}
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        taken = connection.execute(text("SELECT pg_try_advisory_lock(:space, :key)"), params)
        if not taken.scalar_one():
            raise AlreadyRunningError("another outreach send is running on this database")
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:space, :key)"), params)


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyRunningError(f"another outreach send holds {path.name}") from None
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)
