"""A real stack for end-to-end tests: action server + Rasa server, the model loaded once.

Both servers run as subprocesses on free local ports against a fresh SQLite database with the
demo accounts; the date is pinned with BOT_TODAY so relative dates are reproducible. Skipped
when no trained model exists (``make train`` first; ``make test`` does it).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from sqlalchemy.orm import Session

from bot.db.demo import seed_demo
from bot.db.migrate import upgrade_head
from bot.db.settings import make_engine, make_session_factory, session_scope

ROOT = Path(__file__).resolve().parents[2]
MODEL = Path(os.environ.get("E2E_MODEL", ROOT / "models" / "collection.tar.gz"))
TODAY = "2026-11-30"  # a Monday; tests/nlu annotations are resolved against it
STARTUP_SECONDS = 420
RASA_TOKEN = "e2e-rasa-token-0123456789"
ACTION_TOKEN = "e2e-action-token-0123456789"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, procs: list[subprocess.Popen], logs: list[Path]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        for proc, log in zip(procs, logs, strict=True):
            if proc.poll() is not None:
                raise RuntimeError(f"server exited:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError(f"{url} not up after {STARTUP_SECONDS}s")


@dataclass
class Stack:
    """Where the running stack answers, and its database."""

    rasa_url: str
    database_url: str
    tracker_db_url: str = ""
    actions_url: str = ""
    token: str = RASA_TOKEN
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    def say(self, sender: str, text: str) -> list[str]:
        """Send a message over the REST channel; return the bot's texts."""
        reply = requests.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=60,
        )
        reply.raise_for_status()
        return [m.get("text", "") for m in reply.json()]

    def parse(self, text: str) -> dict:
        """Parse a message with the loaded model."""
        reply = requests.post(
            f"{self.rasa_url}/model/parse",
            params={"token": self.token},
            json={"text": text},
            timeout=60,
        )
        reply.raise_for_status()
        return reply.json()

    def tracker(self, sender: str) -> dict:
        """The stored conversation."""
        reply = requests.get(
            f"{self.rasa_url}/conversations/{sender}/tracker",
            params={"token": self.token},
            timeout=60,
        )
        reply.raise_for_status()
        return reply.json()

    def session(self) -> Session:
        """A session on the stack's database (caller closes it)."""
        return make_session_factory(make_engine(self.database_url))()


def stop(procs: list[subprocess.Popen]) -> None:
    """Terminate the servers, killing any that does not stop within 20 s."""
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def running_stack(work: Path, database_url: str, seed: bool = True) -> Iterator[Stack]:
    """Start an action server and a Rasa server on free ports; stop them on exit.

    ``database_url`` is our database as the action server sees it; with ``seed`` it is
    migrated and loaded with the demo accounts first.
    """
    if seed:
        upgrade_head(database_url)
        with session_scope(make_session_factory(make_engine(database_url))) as session:
            seed_demo(session)
    rasa_port, actions_port = _free_port(), _free_port()
    endpoints = work / "endpoints.yml"
    tracker_db = work / "rasa_tracker.db"  # Rasa's SQL tracker store, read by the web app
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
        "  headers:\n    X-Action-Token: ${ACTION_SERVER_TOKEN}\n"
        "  enable_selective_domain: true\n"  # as endpoints.yml
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{tracker_db}"\n'
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "BOT_TODAY": TODAY,
        "RASA_TELEMETRY_ENABLED": "false",
        "RASA_PORT": str(rasa_port),
        "ACTIONS_PORT": str(actions_port),
        "RASA_TOKEN": RASA_TOKEN,
        "ACTION_SERVER_TOKEN": ACTION_TOKEN,
    }
    logs = [work / "actions.log", work / "rasa.log"]
    commands = [
        [sys.executable, "-m", "bot.serve.action_server"],
        [
            sys.executable,
            "-m",
            "bot.serve.rasa_server",
            "--model",
            str(MODEL),
            "--endpoints",
            str(endpoints),
            "--credentials",
            str(ROOT / "credentials.yml"),
        ],
    ]
    procs = [
        subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
        for cmd, log in zip(commands, logs, strict=True)
    ]
    try:
        _wait(f"http://127.0.0.1:{actions_port}/health", procs, logs)
        _wait(f"http://127.0.0.1:{rasa_port}/status?token={RASA_TOKEN}", procs, logs)
        yield Stack(
            f"http://127.0.0.1:{rasa_port}",
            database_url,
            f"sqlite:///{tracker_db}",
            f"http://127.0.0.1:{actions_port}",
            procs={"actions": procs[0], "rasa": procs[1]},
        )
    finally:
        stop(procs)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.skip(f"no trained model at {MODEL}: run `make train`")
    work = tmp_path_factory.mktemp("stack")
    with running_stack(work, f"sqlite:///{work / 'collection.db'}") as running:
        yield running
