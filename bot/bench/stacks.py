"""The stacks the benchmark compares, each started from nothing on free loopback ports.

- ``stock``: ``rasa run`` + ``rasa run actions`` as Rasa ships them (SQLite tracker store);
- ``embedded``: our servers as ``make run`` starts them (SQLite tracker store, one instance);
- ``production``: the ``make run-prod`` layout: nginx in front of ``instances`` Rasa
  instances, conversations and our data in PostgreSQL, the lock in Redis (a key prefix of
  this run's own).

Every stack gets its own working folder (endpoints, credentials, SQLite files, logs); a stack
is stopped (its processes terminated) when its ``with`` block ends.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.bench.processes import first_answer, free_port, stop

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
WEBHOOK = "/webhooks/rest/webhook"
RASA_TOKEN = "bench-rasa-token-0123456789"
ACTION_TOKEN = "bench-action-token-0123456789"
START_TIMEOUT = 300.0
# Our stacks send the domain only to actions that need it, as endpoints.yml does.
SELECTIVE_DOMAIN = True


@dataclass(frozen=True)
class Backends:
    """Where the production profile keeps its state."""

    postgres_url: str = "postgresql+psycopg2://postgres@127.0.0.1:5432/collection_bench"
    redis_host: str = "127.0.0.1"
    redis_port: int = 6379
    redis_db: int = 0


@dataclass
class Stack:
    """A running stack: its REST webhook, processes by role, and how long it took to start."""

    name: str
    url: str
    roles: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    start_s: float = 0.0

    def rasa_pids(self) -> dict[str, int]:
        """The Rasa server processes by role."""
        return {r: p.pid for r, p in self.roles.items() if r.startswith("rasa")}


def _env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "RASA_TOKEN": RASA_TOKEN,
        "ACTION_SERVER_TOKEN": ACTION_TOKEN,
        **extra,
    }


def _spawn(role: str, cmd: list[str], env: dict[str, str], logs: Path) -> subprocess.Popen[bytes]:
    log = (logs / f"{role}.log").open("w")
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def seed(database_url: str) -> None:
    """Migrate ``database_url`` and load the demo borrowers (when it has none yet)."""
    subprocess.run(
        [sys.executable, "-m", "bot.db.demo"],
        cwd=ROOT,
        env=_env(DATABASE_URL=database_url),
        check=True,
        capture_output=True,
    )


def _endpoints(
    actions_port: int, tracker: str, lock: str = "", selective_domain: bool | None = None
) -> str:
    selective = SELECTIVE_DOMAIN if selective_domain is None else selective_domain
    return (
        f"action_endpoint:\n  url: http://127.0.0.1:{actions_port}/webhook\n"
        "  headers:\n    X-Action-Token: ${ACTION_SERVER_TOKEN}\n"
        + ("  enable_selective_domain: true\n" if selective else "")
        + f"tracker_store:\n{tracker}{lock}"
    )


def _sqlite_tracker(path: Path) -> str:
    return f'  type: SQL\n  dialect: "sqlite"\n  db: "{path}"\n'


@contextlib.contextmanager
def _running(stack: Stack, ready_timeout: float = START_TIMEOUT) -> Iterator[Stack]:
    procs = list(stack.roles.values())
    try:
        first_answer(stack.url, procs, ready_timeout)
        stack.start_s = round(time.monotonic() - stack.start_s, 1)
        yield stack
    finally:
        stop(procs)


def stock(model: Path, work: Path) -> contextlib.AbstractContextManager[Stack]:
    """``rasa run`` and ``rasa run actions`` as shipped, SQLite for conversations and data."""
    database = f"sqlite:///{work / 'collection.db'}"
    seed(database)
    rasa_port, actions_port = free_port(), free_port()
    (work / "endpoints.yml").write_text(
        _endpoints(actions_port, _sqlite_tracker(work / "tracker.db"), selective_domain=False)
    )
    (work / "credentials.yml").write_text("rest:\n")
    env = _env(DATABASE_URL=database)
    stack = Stack("stock", f"http://127.0.0.1:{rasa_port}{WEBHOOK}", start_s=time.monotonic())
    rasa = str(VENV_BIN / "rasa")
    stack.roles["actions"] = _spawn(
        "actions",
        [rasa, "run", "actions", "--actions", "actions", "--port", str(actions_port)],
        env,
        work,
    )
    stack.roles["rasa"] = _spawn(
        "rasa",
        [
            rasa,
            "run",
            "--model",
            str(model),
            "--endpoints",
            str(work / "endpoints.yml"),
            "--credentials",
            str(work / "credentials.yml"),
            "--interface",
            "127.0.0.1",
            "--port",
            str(rasa_port),
        ],
        env,
        work,
    )
    return _running(stack)


def _ours(
    name: str, model: Path, work: Path, env: dict[str, str], endpoints: str, ports: list[int]
) -> Stack:
    (work / "endpoints.yml").write_text(endpoints)
    stack = Stack(name, "", start_s=time.monotonic())
    stack.roles["actions"] = _spawn(
        "actions", [sys.executable, "-m", "bot.serve.action_server"], env, work
    )
    for i, port in enumerate(ports):
        stack.roles[f"rasa-{i}"] = _spawn(
            f"rasa-{i}",
            [
                sys.executable,
                "-m",
                "bot.serve.rasa_server",
                "--model",
                str(model),
                "--endpoints",
                str(work / "endpoints.yml"),
                "--credentials",
                str(ROOT / "credentials.yml"),
            ],
            {**env, "RASA_PORT": str(port)},
            work,
        )
    return stack


def embedded(model: Path, work: Path) -> contextlib.AbstractContextManager[Stack]:
    """Our servers as ``make run`` starts them: one Rasa instance, SQLite."""
    database = f"sqlite:///{work / 'collection.db'}"
    seed(database)
    rasa_port, actions_port = free_port(), free_port()
    env = _env(DATABASE_URL=database, ACTIONS_PORT=str(actions_port))
    endpoints = _endpoints(actions_port, _sqlite_tracker(work / "tracker.db"))
    stack = _ours("embedded", model, work, env, endpoints, [rasa_port])
    stack.url = f"http://127.0.0.1:{rasa_port}{WEBHOOK}"
    return _running(stack)
