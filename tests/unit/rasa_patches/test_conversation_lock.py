"""The conversation lock: one message at a time, in arrival order, on one instance or many.

Rasa's own lock (kept as ``conversation_lock.RASA_LOCK``) is run next to ours where it shows the
defect the patch fixes: a ticket that expires while its message is still being handled, and
tickets lost or doubled when two Redis clients change the lock at the same moment.
"""

import asyncio
import socket
import threading
import time
import uuid
from collections import deque

import pytest
from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore

from bot.rasa_patches import conversation_lock
from bot.rasa_patches.conversation_lock import (
    RASA_LOCK,
    change,
    issue,
    position,
    refresh,
    release,
)
from bot.rasa_patches.conversation_lock import (
    conversation_lock as patched_lock,
)

NOW = 1_800_000_000.0


@pytest.fixture(autouse=True)
def patched() -> None:
    conversation_lock.apply()


def _lock(*numbers: int, expires: float = NOW + 60) -> TicketLock:
    return TicketLock("c", deque(Ticket(n, expires) for n in numbers))


# ---------------------------------------------------------------- pure steps


def test_a_fresh_lock_numbers_from_the_clock_and_then_counts_up() -> None:
    lock, first = issue(None, "c", 60, NOW)
    lock, second = issue(lock, "c", 60, NOW)
    assert (first, second) == (int(NOW * 1000), int(NOW * 1000) + 1)
    assert [t.number for t in lock.tickets] == [first, second]


def test_numbers_are_not_reused_after_the_lock_was_deleted() -> None:
    lock, first = issue(None, "c", 60, NOW)
    emptied, _ = release(lock, first)
    assert emptied is None  # deleted: nobody waits
    _, again = issue(emptied, "c", 60, NOW + 0.01)
    assert again > first


def test_refresh_extends_a_ticket_still_in_the_lock() -> None:
    lock = _lock(1, 2, expires=time.time() - 1)  # expired: an event loop was blocked
    lock, present = refresh(lock, 2, 60, NOW)
    assert present and lock.tickets[1].expires == NOW + 60
    assert refresh(lock, 3, 60, NOW)[1] is False
    assert refresh(None, 2, 60, NOW) == (None, False)


def test_release_drops_the_ticket_and_deletes_an_empty_lock() -> None:
    lock, _ = release(_lock(1, 2, expires=time.time() + 60), 1)
    assert [t.number for t in lock.tickets] == [2]
    assert release(lock, 2) == (None, None)


def test_expired_tickets_are_dropped_unless_still_handled_here() -> None:
    lock = _lock(1, 2, 3, expires=time.time() - 1)
    released, _ = release(lock, 1, alive={3})
    assert [t.number for t in released.tickets] == [3]


def test_position_in_the_queue() -> None:
    future = time.time() + 60
    assert position(_lock(1, 2, expires=future), 1) == "served"
    assert position(_lock(1, 2, expires=future), 2) == "waiting"
    assert position(_lock(1, expires=future), 2) == "lost"
    assert position(None, 1) == "lost"


def test_an_expired_ticket_of_this_process_is_not_overtaken() -> None:
    lock = _lock(1, 2, expires=time.time() - 1)
    assert position(lock, 2) == "lost"  # another instance's dead messages: skipped
    lock.tickets[1].expires = time.time() + 60
    assert position(lock, 2) == "served"
    assert position(lock, 2, alive={1, 2}) == "waiting"  # 1 is still being handled here


def test_apply_patches_every_lock_store_once() -> None:
    conversation_lock.apply()
    assert LockStore.lock is patched_lock
    assert InMemoryLockStore.lock is patched_lock and RedisLockStore.lock is patched_lock


# ---------------------------------------------------------------- behaviour, in memory


async def _record(store: LockStore, sender: str, name: str, work: float, log: list, **kw) -> None:
    async with store.lock(sender, **kw):
        log.append(f"{name} in")
        await asyncio.sleep(work)
        log.append(f"{name} out")


async def _arrive_in_order(stores: list[LockStore], names: str, work: float, **kw) -> list[str]:
    """Messages arrive 10 ms apart (alternating between stores) and are handled together."""
    sender, log, tasks = f"s-{uuid.uuid4().hex}", [], []
    for index, name in enumerate(names):
        store = stores[index % len(stores)]
        tasks.append(asyncio.create_task(_record(store, sender, name, work, log, **kw)))
        await asyncio.sleep(0.01)
    await asyncio.gather(*tasks)
    return log


def _serial(names: str) -> list[str]:
    return [step for name in names for step in (f"{name} in", f"{name} out")]


async def test_messages_run_one_at_a_time_in_arrival_order() -> None:
    log = await _arrive_in_order([InMemoryLockStore()], "abcde", 0.05)
    assert log == _serial("abcde")


async def test_a_message_longer_than_the_lock_lifetime_keeps_the_lock() -> None:
    store = InMemoryLockStore()
    assert await _arrive_in_order([store], "ab", 0.6, lock_lifetime=0.2) == _serial("ab")
    assert store.conversation_locks == {}  # nothing left behind


async def test_a_blocked_event_loop_does_not_let_the_next_message_in() -> None:
    store, sender, log = InMemoryLockStore(), "blocked", []

    async def blocking(name: str) -> None:
        async with store.lock(sender, lock_lifetime=0.1):
            log.append(f"{name} in")
            await asyncio.sleep(0.01)
            time.sleep(0.3)  # synchronous work (the NLU) longer than the lifetime
            await asyncio.sleep(0.01)
            log.append(f"{name} out")

    first = asyncio.create_task(blocking("a"))
    await asyncio.sleep(0.005)
    await asyncio.gather(first, blocking("b"))
    assert log == _serial("ab")


async def test_rasas_own_lock_lets_the_second_message_in_after_the_lifetime() -> None:
    """The defect: with Rasa's lock, b starts while a is still being handled."""
    store, sender, log = InMemoryLockStore(), "rasa-own", []

    async def handle(name: str) -> None:
        async with RASA_LOCK(store, sender, lock_lifetime=0.2, wait_time_in_seconds=0.05):
            log.append(f"{name} in")
            await asyncio.sleep(0.6)
            log.append(f"{name} out")

    first = asyncio.create_task(handle("a"))
    await asyncio.sleep(0.1)
    second = asyncio.create_task(handle("b"))
    await asyncio.gather(first, second)
    assert log == ["a in", "b in", "a out", "b out"]


async def test_a_waiter_whose_ticket_vanished_takes_a_new_one() -> None:
    store, sender, log = InMemoryLockStore(), "vanished", []
    holder = asyncio.create_task(_record(store, sender, "a", 0.3, log))
    await asyncio.sleep(0.05)
    waiter = asyncio.create_task(_record(store, sender, "b", 0.01, log))
    await asyncio.sleep(0.05)
    store.get_lock(sender).tickets.pop()  # b's ticket disappears (e.g. a store flushed)
    await asyncio.wait_for(asyncio.gather(holder, waiter), timeout=5)
    assert log == _serial("ab")


async def test_a_cancelled_waiter_gives_its_place_up() -> None:
    store, sender, log = InMemoryLockStore(), "cancelled", []
    holder = asyncio.create_task(_record(store, sender, "a", 0.2, log))
    await asyncio.sleep(0.02)
    gone = asyncio.create_task(_record(store, sender, "b", 0.01, log))
    await asyncio.sleep(0.02)
    late = asyncio.create_task(_record(store, sender, "c", 0.01, log))
    await asyncio.sleep(0.02)
    gone.cancel()  # the borrower's connection dropped
    await asyncio.wait_for(asyncio.gather(holder, late), timeout=5)
    assert log == _serial("ac")
    assert store.conversation_locks == {}


# ---------------------------------------------------------------- two instances on Redis


def _redis_up() -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.fixture
def redis_stores() -> list[RedisLockStore]:
    """Two lock stores, as two Rasa instances build them, under a key prefix of their own."""
    if not _redis_up():
        pytest.skip("Redis is not running locally")
    prefix = f"locktest{uuid.uuid4().hex[:10]}"
    stores = [
        RedisLockStore(host="127.0.0.1", port=6379, db=0, key_prefix=prefix) for _ in range(2)
    ]
    yield stores
    for key in stores[0].red.scan_iter(f"{prefix}:*"):
        stores[0].red.delete(key)


def _issue_from_threads(stores: list[RedisLockStore], take) -> list[int]:
    """Twenty clients take a ticket for one conversation at the same moment."""
    numbers: list[int] = []
    start = threading.Barrier(20)

    def client(index: int) -> None:
        store = RedisLockStore(
            host="127.0.0.1", port=6379, db=0, key_prefix=stores[0].key_prefix.split(":")[0]
        )
        start.wait()
        numbers.append(take(store))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return numbers


@pytest.mark.redis
def test_tickets_taken_at_once_on_redis_are_all_distinct_and_kept(redis_stores) -> None:
    sender = "simultaneous"
    numbers = _issue_from_threads(
        redis_stores,
        lambda store: change(store, sender, lambda lock: issue(lock, sender, 60, time.time())),
    )
    stored = [t.number for t in redis_stores[0].get_lock(sender).tickets]
    assert len(set(numbers)) == 20
    assert sorted(stored) == sorted(numbers)


@pytest.mark.redis
def test_rasas_own_redis_tickets_collide_when_taken_at_once(redis_stores) -> None:
    """The defect (a race, so it shows on most runs, not all): GET, modify, SET loses tickets."""
    sender = "rasa-own"
    lost = 0
    for attempt in range(5):
        conversation = f"{sender}-{attempt}"
        numbers = _issue_from_threads(
            redis_stores,
            lambda store, conversation=conversation: store.issue_ticket(conversation, 60),
        )
        stored = redis_stores[0].get_lock(conversation).tickets
        lost += len(numbers) - len(stored)
    if lost == 0:
        pytest.skip("the race did not happen this time")
    assert lost > 0


@pytest.mark.redis
async def test_two_instances_serve_one_conversation_in_arrival_order(redis_stores) -> None:
    log = await _arrive_in_order(redis_stores, "abcdef", 0.05)
    assert log == _serial("abcdef")


@pytest.mark.redis
async def test_on_redis_a_long_message_keeps_the_lock(redis_stores) -> None:
    log = await _arrive_in_order(redis_stores, "ab", 0.6, lock_lifetime=0.2)
    assert log == _serial("ab")


@pytest.mark.redis
async def test_on_redis_a_blocked_instance_keeps_its_own_order(redis_stores) -> None:
    store, sender, log = redis_stores[0], "blocked", []

    async def blocking(name: str) -> None:
        async with store.lock(sender, lock_lifetime=0.1):
            log.append(f"{name} in")
            await asyncio.sleep(0.01)
            time.sleep(0.3)  # longer than the lifetime: no renewal can run
            await asyncio.sleep(0.01)
            log.append(f"{name} out")

    first = asyncio.create_task(blocking("a"))
    await asyncio.sleep(0.005)
    await asyncio.gather(first, blocking("b"))
    assert log == _serial("ab")


@pytest.mark.redis
async def test_a_dead_instances_ticket_blocks_only_for_its_lifetime(redis_stores) -> None:
    sender = "dead-holder"
    change(redis_stores[1], sender, lambda lock: issue(lock, sender, 0.3, time.time()))
    started = time.monotonic()
    async with redis_stores[0].lock(sender, lock_lifetime=5):
        waited = time.monotonic() - started
    assert 0.2 < waited < 2
