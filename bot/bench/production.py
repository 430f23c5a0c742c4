"""The production profile for the benchmark: nginx, several Rasa instances, PostgreSQL, Redis.

Laid out like ``make run-prod`` (``bin/run-stack`` with ``EDGE=nginx``), in a folder of its
own: the nginx configuration is rendered by :mod:`bot.serve.nginx` into ``work/var``; the
PostgreSQL database (``Backends.postgres_url``, default ``collection_bench``) is created when
missing and never emptied; the Redis lock keys carry a prefix unique to the run.
"""

from __future__ import annotations

import contextlib
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.bench.processes import free_port, stop
from bot.bench.stacks import (
    RASA_TOKEN,
    START_TIMEOUT,
    WEBHOOK,
    Backends,
    Stack,
    _endpoints,
    _env,
    _ours,
    _running,
    _spawn,
    seed,
)
from bot.serve.nginx import EdgeLayout, prepare_dirs, render

NGINX = "/usr/sbin/nginx"


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database of ``url`` when it does not exist (nothing is dropped)."""
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": parsed.database},
            ).first()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        admin.dispose()


def _trackers(backends: Backends, prefix: str) -> tuple[str, str]:
    url = make_url(backends.postgres_url)
    tracker = (
        f'  type: SQL\n  dialect: "postgresql"\n  url: "{url.host}"\n  port: {url.port or 5432}\n'
        f'  db: "{url.database}"\n  username: "{url.username or "postgres"}"\n'
        f'  password: "{url.password or ""}"\n'
    )
    lock = (
        f'lock_store:\n  type: "redis"\n  url: "{backends.redis_host}"\n'
        f"  port: {backends.redis_port}\n  db: {backends.redis_db}\n"
        f'  key_prefix: "{prefix}"\n'
    )
    return tracker, lock


def _wait_instances(ports: list[int], procs: list[subprocess.Popen[bytes]], timeout: float) -> None:
    """Wait until every Rasa instance answers ``/status`` (the model is loaded).

    Raises:
        RuntimeError: An instance exited, or not every one answered within ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    for port in ports:
        while True:
            for proc in procs:
                if proc.poll() is not None:
                    raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(
                    f"http://127.0.0.1:{port}/status", params={"token": RASA_TOKEN}, timeout=5
                ).ok:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"Rasa on port {port} did not answer within {timeout:.0f} s")
            time.sleep(0.2)


def production(
    model: Path, work: Path, instances: int, backends: Backends, key_prefix: str = ""
) -> contextlib.AbstractContextManager[Stack]:
    """The production profile (see the module docstring); its URL is nginx's edge.

    ``key_prefix`` names the Redis lock keys (default: one made for the run), so that a caller
    can find and delete them; nginx's access log is ``work/var/log/nginx-access.log`` and the
    Rasa instances are the roles ``rasa-0``, ``rasa-1`` ... of the returned stack.
    """
    ensure_database(backends.postgres_url)
    seed(backends.postgres_url)
    edge, api, web, actions_port = free_port(), free_port(), free_port(), free_port()
    rasa_ports = [free_port() for _ in range(instances)]
    layout = EdgeLayout("127.0.0.1", edge, api, tuple(rasa_ports), web, (work / "var").resolve())
    prepare_dirs(layout.var_dir)
    conf = layout.var_dir / "run" / "nginx.conf"
    conf.write_text(render(layout), encoding="utf-8")
    log = layout.var_dir / "log" / "nginx-error.log"
    tracker, lock = _trackers(backends, key_prefix or f"bench{uuid.uuid4().hex[:10]}")
    env = _env(DATABASE_URL=backends.postgres_url, ACTIONS_PORT=str(actions_port))
    stack = _ours(
        "production", model, work, env, _endpoints(actions_port, tracker, lock), rasa_ports
    )
    stack.url = f"http://127.0.0.1:{edge}{WEBHOOK}"
    nginx = [NGINX, "-p", f"{layout.var_dir}/", "-c", str(conf), "-e", str(log)]
    return _edge_after_instances(stack, rasa_ports, lambda: _spawn("nginx", nginx, env, work))


@contextlib.contextmanager
def _edge_after_instances(
    stack: Stack, rasa_ports: list[int], start_edge: Callable[[], subprocess.Popen[bytes]]
) -> Iterator[Stack]:
    """Start nginx only once every instance has its model, as ``bin/run-stack`` does.

    Started earlier, the edge answers the first requests with the approved "unavailable" reply,
    which the start-up probe cannot tell from a real answer; the start time then measured nginx.
    """
    try:
        _wait_instances(rasa_ports, list(stack.roles.values()), START_TIMEOUT)
        stack.roles["nginx"] = start_edge()
    except BaseException:
        stop(list(stack.roles.values()))
        raise
    with _running(stack) as running:
        yield running
