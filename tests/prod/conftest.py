"""The production layout for the fault tests, started once for the module.

The benchmark's production stack (:func:`bot.bench.production.production`, laid out like
``make run-prod``): nginx rendered from ``deploy/nginx/edge.conf.template`` in front of two Rasa
instances (``python -m bot.serve.rasa_server``), one action server (``python -m
bot.serve.action_server``), conversations (Rasa's SQL tracker store) and our data in a
PostgreSQL database made for this run (``prodfault_<run>``, dropped at the end) with the demo
borrowers, the Redis lock store under a key prefix of this run's own (its keys deleted at the
end). Skipped when the model, nginx, PostgreSQL or Redis is missing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from bot.bench.processes import first_answer
from bot.bench.production import NGINX, production
from bot.bench.stacks import ROOT, WEBHOOK, Backends, Stack
from tests.prod.checks import Event
from tests.prod.faults import listening

MODEL = Path(os.environ.get("E2E_MODEL", ROOT / "models" / "collection.tar.gz"))
POSTGRES = "postgresql+psycopg2://postgres@127.0.0.1:5432"
INSTANCES = 2


@dataclass
class ProdStack:
    """The running production layout and where its state lives."""

    stack: Stack
    work: Path
    database_url: str
    key_prefix: str

    @property
    def url(self) -> str:
        """The borrower-facing REST webhook on nginx's edge."""
        return self.stack.url

    def access_log(self) -> str:
        """nginx's access log so far (client address, status and upstream of each request)."""
        return (self.work / "var" / "log" / "nginx-access.log").read_text(errors="replace")

    def instances(self) -> dict[str, subprocess.Popen]:
        """The Rasa instances by role (``rasa-0``, ``rasa-1``)."""
        return {role: p for role, p in self.stack.roles.items() if role.startswith("rasa")}

    def events(self, sender_prefix: str) -> dict[str, list[Event]]:
        """Every stored event of the conversations whose id starts with ``sender_prefix``."""
        engine = create_engine(self.database_url, future=True, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                rows = connection.execute(
                    text(
                        "SELECT id, sender_id, type_name, timestamp, data FROM events "
                        "WHERE sender_id LIKE :prefix ORDER BY id"
                    ),
                    {"prefix": f"{sender_prefix}%"},
                ).all()
        finally:
            engine.dispose()
        found: dict[str, list[Event]] = {}
        for row in rows:
            event = {
                "id": row.id,
                "type_name": row.type_name,
                "timestamp": row.timestamp,
                "data": json.loads(row.data),
            }
            found.setdefault(row.sender_id, []).append(event)
        return found

    def logs(self, chars: int = 3000) -> str:
        """The end of every server log, for a failure report."""
        parts = []
        for log in sorted(self.work.glob("*.log")):
            parts.append(f"--- {log.name}\n{log.read_text(errors='replace')[-chars:]}")
        return "\n".join(parts)


def _drop(database_url: str, key_prefix: str) -> None:
    name = database_url.rsplit("/", 1)[1]
    admin = create_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
    keys = redis.Redis(host="127.0.0.1", port=6379, db=0)
    for key in keys.scan_iter(f"{key_prefix}:*"):
        keys.delete(key)


def _fresh_edge(stack: Stack) -> None:
    """Reload nginx once every instance answers, then wait for the edge to answer again.

    While the instances load the model, the start-up probes through the edge are refused, and
    each nginx worker leaves an instance out for ``fail_timeout`` (10 s) after a refusal: with
    both left out, borrowers would get 503 ("no live upstreams") for up to 10 s after the stack
    is ready. A reload starts workers that have seen no failure. (``bin/run-stack`` has the
    same window after "Ready."; see the fault tests' report.)
    """
    nginx = stack.roles["nginx"]
    nginx.send_signal(signal.SIGHUP)
    time.sleep(1.0)  # the old workers close their listeners once the new ones run
    first_answer(stack.url, list(stack.roles.values()), 30)


@pytest.fixture(scope="module")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProdStack]:
    """nginx, two Rasa instances, the action server, PostgreSQL and Redis (module docstring)."""
    if not MODEL.exists():
        pytest.skip(f"no trained model at {MODEL}: run `make train`")
    if not Path(NGINX).exists():
        pytest.skip(f"{NGINX} is not installed: make nginx (as root)")
    if not (listening(5432) and listening(6379)):
        pytest.skip("PostgreSQL (127.0.0.1:5432) or Redis (127.0.0.1:6379) is not running")
    run = uuid.uuid4().hex[:8]
    database_url, key_prefix = f"{POSTGRES}/prodfault_{run}", f"prodfault{run}"
    work = tmp_path_factory.mktemp("prod")
    try:
        with production(
            MODEL.resolve(), work, INSTANCES, Backends(postgres_url=database_url), key_prefix
        ) as stack:
            assert stack.url.endswith(WEBHOOK)
            _fresh_edge(stack)
            yield ProdStack(stack, work, database_url, key_prefix)
    finally:
        _drop(database_url, key_prefix)
