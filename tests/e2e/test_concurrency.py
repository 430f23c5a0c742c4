"""Two messages of a new conversation in flight at once (issue 9), on both profiles.

A borrower types "你好" and then "13800001111" before the first answer came back. Both
messages must be answered, processed one at a time in arrival order, and stored exactly once:
before :mod:`bot.rasa_patches.conversation_lock`, a third of such conversations ran both
messages at once, started the session twice and never answered again.

The embedded profile uses the shared ``stack`` fixture. The production profile (two Rasa
instances, PostgreSQL tracker store in a schema of its own, Redis lock store under a key prefix
of its own) starts here, once for the module; select it with ``-m "postgres and redis"`` (it is
skipped when either server is not running locally).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import redis
from sqlalchemy import create_engine, text

from bot.db.demo import seed_demo
from bot.db.migrate import upgrade_head
from bot.db.settings import make_engine, make_session_factory, session_scope
from tests.e2e.conftest import (
    ACTION_TOKEN,
    MODEL,
    RASA_TOKEN,
    ROOT,
    TODAY,
    Stack,
    _free_port,
    _wait,
    stop,
)

CONVERSATIONS = 30
FIRST_TWO = ("你好", "13800001111")
# The second message leaves before the first is answered, once the first has arrived: on one
# instance 0.2 s after it (more than the time to read a request, far less than the time to answer
# it); on two instances when the first one's ticket is in the Redis lock. Sent closer together,
# the two could reach a busy server in either order, and both orders would be "arrival order".
SECOND_AFTER_SECONDS = 0.2
NOT_ANSWERS = {"fallback.recovered", "fallback.unavailable"}  # circuit breaker, failure replies
POSTGRES_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"

Reply = tuple[int, Any]


async def _post(session: aiohttp.ClientSession, url: str, sender: str, message: str) -> Reply:
    async with session.post(
        f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": message}
    ) as reply:
        return reply.status, await reply.json(content_type=None)


async def _after_a_while(sender: str) -> None:
    await asyncio.sleep(SECOND_AFTER_SECONDS)


async def _two_at_once(
    urls: list[str], senders: list[str], first_arrived: Callable[[str], Awaitable[None]]
) -> list[list[Reply]]:
    """Each conversation's two messages, the second sent before the first is answered.

    Conversation ``i`` sends its first message to ``urls[i % n]`` and its second to the next
    instance, so with two instances the pair is split between them both ways round.
    """

    async def conversation(session: aiohttp.ClientSession, index: int, sender: str) -> list[Reply]:
        first_url, second_url = urls[index % len(urls)], urls[(index + 1) % len(urls)]
        first = asyncio.create_task(_post(session, first_url, sender, FIRST_TWO[0]))
        await first_arrived(sender)
        second = asyncio.create_task(_post(session, second_url, sender, FIRST_TWO[1]))
        return list(await asyncio.gather(first, second))

    timeout = aiohttp.ClientTimeout(total=300)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        return list(
            await asyncio.gather(*(conversation(session, i, s) for i, s in enumerate(senders)))
        )


def _turns(events: list[dict]) -> list[list[dict]]:
    """The bot messages that answered each user message (the first answer opens the session)."""
    turns: list[list[dict]] = [[]]
    users = 0
    for event in events:
        if event["event"] == "user":
            users += 1
            if users > 1:
                turns.append([])
        elif event["event"] == "bot":
            turns[-1].append(event)
    return turns


def problems(replies: list[Reply], tracker: dict) -> list[str]:
    """What is wrong with one conversation: unanswered, lost, doubled or reordered messages."""
    found = []
    for message, (status, body) in zip(FIRST_TWO, replies, strict=True):
        if status != 200 or not body or not all(m.get("text") for m in body):
            found.append(f"{message!r} got no answer: {status} {body}")
    events = tracker["events"]
    users = [event.get("text") for event in events if event["event"] == "user"]
    if users != list(FIRST_TWO):
        found.append(f"stored user messages {users}, sent {list(FIRST_TWO)}")
    starts = [event for event in events if event["event"] == "session_started"]
    if len(starts) != 1:
        found.append(f"{len(starts)} session starts")
    for message, (status, body), turn in zip(FIRST_TWO, replies, _turns(events), strict=False):
        scripts = {(bot.get("metadata") or {}).get("script_id") for bot in turn}
        if scripts & NOT_ANSWERS:
            found.append(f"{message!r} answered by {sorted(scripts & NOT_ANSWERS)}")
        if status == 200 and [m.get("text") for m in body] != [bot.get("text") for bot in turn]:
            found.append(f"the answer to {message!r} is not the one stored")
    return found


def _run(
    stacks: list[Stack], prefix: str, first_arrived: Callable[[str], Awaitable[None]]
) -> dict[str, list[str]]:
    senders = [f"{prefix}-{uuid.uuid4().hex[:8]}-{i}" for i in range(CONVERSATIONS)]
    replies = asyncio.run(
        _two_at_once([stack.rasa_url for stack in stacks], senders, first_arrived)
    )
    report = {}
    for index, (sender, pair) in enumerate(zip(senders, replies, strict=True)):
        found = problems(pair, stacks[index % len(stacks)].tracker(sender))
        if found:
            report[sender] = found
    return report


def test_two_first_messages_at_once_embedded(stack: Stack) -> None:
    assert _run([stack], "conc", _after_a_while) == {}


# ---------------------------------------------------------------- production profile


def _reachable(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _prod_endpoints(work: Path, key_prefix: str) -> Path:
    """endpoints.prod.yml with a Redis key prefix of this run's own."""
    source = (ROOT / "endpoints.prod.yml").read_text()
    assert 'key_prefix: "collection"' in source
    endpoints = work / "endpoints.prod.yml"
    endpoints.write_text(source.replace('key_prefix: "collection"', f'key_prefix: "{key_prefix}"'))
    return endpoints


@dataclass
class ProdStacks:
    """Two Rasa instances and the Redis key prefix of their lock store."""

    stacks: list[Stack]
    key_prefix: str

    async def first_arrived(self, sender: str) -> None:
        """Wait until a message of ``sender`` holds a ticket in the Redis lock (at most 10 s)."""
        keys = redis.Redis(host="127.0.0.1", port=6379, db=0)
        for _ in range(2000):
            if keys.exists(f"{self.key_prefix}:lock:{sender}"):
                return
            await asyncio.sleep(0.005)


@pytest.fixture(scope="module")
def prod_stacks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProdStacks]:
    """Two Rasa instances sharing a PostgreSQL tracker store and a Redis lock store."""
    if not MODEL.exists():
        pytest.skip(f"no trained model at {MODEL}: run `make train`")
    if not (_reachable(5432) and _reachable(6379)):
        pytest.skip("PostgreSQL or Redis is not running locally")
    run = uuid.uuid4().hex[:8]
    schema, key_prefix = f"conc_{run}", f"conc{run}"
    admin = create_engine(POSTGRES_URL, future=True)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    work = tmp_path_factory.mktemp("prod")
    database_url = f"sqlite:///{work / 'collection.db'}"
    upgrade_head(database_url)
    with session_scope(make_session_factory(make_engine(database_url))) as session:
        seed_demo(session)
    actions_port, ports = _free_port(), [_free_port(), _free_port()]
    endpoints = _prod_endpoints(work, key_prefix)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "BOT_TODAY": TODAY,
        "RASA_TELEMETRY_ENABLED": "false",
        "ACTIONS_PORT": str(actions_port),
        "RASA_TOKEN": RASA_TOKEN,
        "ACTION_SERVER_TOKEN": ACTION_TOKEN,
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook",
        "TRACKER_DB_HOST": "127.0.0.1",
        "TRACKER_DB_PORT": "5432",
        "TRACKER_DB_NAME": "test",
        "TRACKER_DB_USER": "postgres",
        "TRACKER_DB_PASSWORD": "",
        "POSTGRESQL_SCHEMA": schema,  # Rasa's tracker store works in this schema only
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": "6379",
        "REDIS_DB": "0",
    }
    rasa = [sys.executable, "-m", "bot.serve.rasa_server", "--model", str(MODEL)]
    rasa += ["--endpoints", str(endpoints), "--credentials", str(ROOT / "credentials.yml")]
    commands = [([sys.executable, "-m", "bot.serve.action_server"], {}, work / "actions.log")]
    commands += [
        (rasa, {"RASA_PORT": str(port)}, work / f"rasa-{i}.log") for i, port in enumerate(ports)
    ]
    procs = [
        subprocess.Popen(
            cmd, cwd=ROOT, env={**env, **extra}, stdout=log.open("w"), stderr=subprocess.STDOUT
        )
        for cmd, extra, log in commands
    ]
    logs = [log for _, _, log in commands]
    try:
        _wait(f"http://127.0.0.1:{actions_port}/health", procs, logs)
        for port in ports:
            _wait(f"http://127.0.0.1:{port}/status?token={RASA_TOKEN}", procs, logs)
        stacks = [Stack(f"http://127.0.0.1:{port}", database_url) for port in ports]
        yield ProdStacks(stacks, key_prefix)
    finally:
        stop(procs)
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
        keys = redis.Redis(host="127.0.0.1", port=6379, db=0)
        for key in keys.scan_iter(f"{key_prefix}:*"):
            keys.delete(key)


@pytest.mark.postgres
@pytest.mark.redis
def test_two_first_messages_at_once_on_two_instances(prod_stacks: ProdStacks) -> None:
    assert _run(prod_stacks.stacks, "conc-prod", prod_stacks.first_arrived) == {}
