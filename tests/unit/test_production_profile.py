"""The production profile (endpoints.prod.yml) against the local PostgreSQL and Redis, for real.

Several Rasa instances share conversations through the SQL tracker store and serialise each
conversation with the Redis lock store; this checks both stores as Rasa builds them from the file.
"""

import asyncio
import socket
import uuid
from pathlib import Path

import pytest
from rasa.core.lock_store import LockStore
from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

ROOT = Path(__file__).resolve().parents[2]
PROFILE_ENV = {
    "ACTION_ENDPOINT_URL": "http://127.0.0.1:5055/webhook",
    "ACTION_SERVER_TOKEN": "profile-test-token-0123456789",
    "TRACKER_DB_HOST": "127.0.0.1",
    "TRACKER_DB_PORT": "5432",
    "TRACKER_DB_NAME": "test",
    "TRACKER_DB_USER": "postgres",
    "TRACKER_DB_PASSWORD": "",
    "REDIS_HOST": "127.0.0.1",
    "REDIS_PORT": "6379",
    "REDIS_DB": "1",
}


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def endpoints(monkeypatch) -> AvailableEndpoints:
    if not (_listening(5432) and _listening(6379)):
        pytest.skip("PostgreSQL or Redis is not running locally")
    for name, value in PROFILE_ENV.items():
        monkeypatch.setenv(name, value)
    return AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.prod.yml"))


@pytest.mark.postgres
def test_rasa_sends_the_action_server_secret(endpoints):
    assert endpoints.action.headers["X-Action-Token"] == PROFILE_ENV["ACTION_SERVER_TOKEN"]


def test_conversations_survive_in_postgres_across_instances(endpoints):
    domain = Domain.from_path(ROOT / "domain.yml")
    sender = f"prod-{uuid.uuid4().hex[:8]}"

    async def scenario() -> DialogueStateTracker | None:
        first = TrackerStore.create(endpoints.tracker_store, domain)
        tracker = DialogueStateTracker(sender, domain.slots)
        tracker.update(UserUttered("你好"))
        tracker.update(BotUttered("您好", metadata={"script_id": "opening.disclosure"}))
        await first.save(tracker)
        second = TrackerStore.create(endpoints.tracker_store, domain)  # another instance
        return await second.retrieve(sender)

    restored = asyncio.run(scenario())
    assert restored is not None
    bot = [e for e in restored.events if isinstance(e, BotUttered)]
    assert bot[0].metadata["script_id"] == "opening.disclosure"


@pytest.mark.redis
def test_the_redis_lock_serialises_one_conversation(endpoints):
    sender = f"lock-{uuid.uuid4().hex[:8]}"
    order: list[str] = []

    async def handle(store: LockStore, name: str) -> None:
        async with store.lock(sender, wait_time_in_seconds=0.05):
            order.append(f"{name} in")
            await asyncio.sleep(0.2)
            order.append(f"{name} out")

    async def scenario() -> None:
        stores = [LockStore.create(endpoints.lock_store) for _ in range(2)]  # two instances
        await asyncio.gather(handle(stores[0], "a"), handle(stores[1], "b"))

    asyncio.run(scenario())
    assert order in (["a in", "a out", "b in", "b out"], ["b in", "b out", "a in", "a out"])
