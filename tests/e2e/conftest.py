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
from dataclasses import dataclass
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
        reply = requests.post(f"{self.rasa_url}/model/parse", json={"text": text}, timeout=60)
        reply.raise_for_status()
        return reply.json()

    def tracker(self, sender: str) -> dict:
        """The stored conversation."""
        reply = requests.get(f"{self.rasa_url}/conversations/{sender}/tracker", timeout=60)
        reply.raise_for_status()
        return reply.json()

    def session(self) -> Session:
        """A session on the stack's database (caller closes it)."""
        return make_session_factory(make_engine(self.database_url))()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.skip(f"no trained model at {MODEL}: run `make train`")
    work = tmp_path_factory.mktemp("stack")
    database_url = f"sqlite:///{work / 'collection.db'}"
    upgrade_head(database_url)
    with session_scope(make_session_factory(make_engine(database_url))) as session:
        seed_demo(session)
    rasa_port, actions_port = _free_port(), _free_port()
    endpoints = work / "endpoints.yml"
    tracker_db = work / "rasa_tracker.db"  # Rasa's SQL tracker store, read by the web app
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{tracker_db}"\n'
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "BOT_TODAY": TODAY,
        "RASA_TELEMETRY_ENABLED": "false",
    }
    rasa = str(Path(sys.executable).with_name("rasa"))
    logs = [work / "actions.log", work / "rasa.log"]
    commands = [
        [rasa, "run", "actions", "--actions", "actions", "--port", str(actions_port)],
        [
            rasa,
            "run",
            "--model",
            str(MODEL),
            "--enable-api",
            "--endpoints",
            str(endpoints),
            "--credentials",
            str(ROOT / "credentials.yml"),
            "--port",
            str(rasa_port),
        ],
    ]
    procs = [
        subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
        for cmd, log in zip(commands, logs, strict=True)
    ]
    try:
        _wait(f"http://127.0.0.1:{actions_port}/health", procs, logs)
        _wait(f"http://127.0.0.1:{rasa_port}/status", procs, logs)
        yield Stack(f"http://127.0.0.1:{rasa_port}", database_url, f"sqlite:///{tracker_db}")
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
