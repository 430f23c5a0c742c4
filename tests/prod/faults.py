"""Faults injected while borrowers talk: the local PostgreSQL or Redis down for a few seconds.

Both servers are shared with the rest of the machine (other tests use them), so each fault is
short (:data:`OUTAGE_SECONDS`) and the server is started again in a ``finally``, also when the
test fails or is interrupted, and waited for until it answers.

- PostgreSQL: the Debian cluster ``15/main``, stopped and started with ``pg_ctlcluster
  --skip-systemctl-redirect`` (fast shutdown: open connections are cut, as in a crash of the
  server or a failover);
- Redis: ``redis-cli shutdown nosave``, then started again as the machine starts it (no
  persistence: it comes back empty, as a replacement Redis would).

Stopping and starting the cluster takes a few seconds of its own: PostgreSQL is down for about
five to eight seconds in all, Redis for about two and a half.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator

OUTAGE_SECONDS = 2.0
BACK_TIMEOUT_SECONDS = 60.0
PG_CLUSTER = ("15", "main")
PG_CTL = ["pg_ctlcluster", "--skip-systemctl-redirect", *PG_CLUSTER]
REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "-::1",
    "--port",
    "6379",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    "/var/lib/redis",
    "--logfile",
    "/var/log/redis/ci.log",
]


def listening(port: int) -> bool:
    """Whether something accepts connections on ``127.0.0.1:port``."""
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def can_restart_postgres() -> str:
    """Why this process cannot stop and start the local PostgreSQL ("" when it can)."""
    if shutil.which("pg_ctlcluster") is None:
        return "pg_ctlcluster is not installed"
    if os.geteuid() != 0:
        return "stopping the PostgreSQL cluster needs root"
    if not listening(5432):
        return "PostgreSQL is not running on 127.0.0.1:5432"
    return ""


def can_restart_redis() -> str:
    """Why this process cannot stop and start the local Redis ("" when it can)."""
    if shutil.which("redis-server") is None or shutil.which("redis-cli") is None:
        return "redis-server or redis-cli is not installed"
    if os.geteuid() != 0:
        return "starting Redis with its data folder needs root"
    if not listening(6379):
        return "Redis is not running on 127.0.0.1:6379"
    return ""


def _wait(ready: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + BACK_TIMEOUT_SECONDS
    while not ready():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come back within {BACK_TIMEOUT_SECONDS:.0f} s")
        time.sleep(0.2)


def _postgres_ready() -> bool:
    return (
        subprocess.run(
            ["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"], check=False
        ).returncode
        == 0
    )


def _redis_ready() -> bool:
    result = subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() == "PONG"


@contextlib.contextmanager
def postgres_stopped() -> Iterator[None]:
    """PostgreSQL stopped for the block; started again (and ready) afterwards, whatever happens."""
    try:
        subprocess.run([*PG_CTL, "stop"], check=True, capture_output=True)  # fast mode
        yield
    finally:
        if not _postgres_ready():
            subprocess.run([*PG_CTL, "start"], check=False, capture_output=True)
        _wait(_postgres_ready, "PostgreSQL")


@contextlib.contextmanager
def redis_stopped() -> Iterator[None]:
    """Redis shut down for the block; started again (and ready) afterwards, whatever happens."""
    try:
        subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave"],
            check=False,  # redis-cli reports the dropped connection of a successful shutdown
            capture_output=True,
        )
        _wait(lambda: not listening(6379), "Redis shutdown")
        yield
    finally:
        if not _redis_ready():
            subprocess.run(REDIS_START, check=False, capture_output=True)
        _wait(_redis_ready, "Redis")


def postgres_restart(seconds: float = OUTAGE_SECONDS) -> None:
    """Stop PostgreSQL, keep it down ``seconds``, start it again."""
    with postgres_stopped():
        time.sleep(seconds)


def redis_restart(seconds: float = OUTAGE_SECONDS) -> None:
    """Shut Redis down, keep it down ``seconds``, start it again."""
    with redis_stopped():
        time.sleep(seconds)
