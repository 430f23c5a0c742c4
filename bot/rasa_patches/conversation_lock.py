"""One message of a conversation at a time, in arrival order, on one Rasa instance or many.

Why: Rasa serialises the messages of a conversation with a ticket lock
(``Agent.handle_message``, ``rasa/core/agent.py:418``; ``rasa/core/lock_store.py``,
``rasa/core/lock.py``), and two defects in it let a second message run while the first one is
still being handled:

1. a ticket expires ``TICKET_LOCK_LIFETIME`` (60 s) after it was *issued*
   (``lock.py:70-84``), and nothing renews it while its message waits or is being handled.
   Under load (a new conversation's first message runs the session start, the NLU and several
   action calls while every other new conversation does the same) the first message's ticket
   expires, the second one is "now serving" and both run at once. The second message's ticket
   expires too, and once the first message's ``cleanup`` deletes the lock, it finds no lock and
   raises ``LockError`` (``lock_store.py:119-142``): the message is never handled;
2. ``RedisLockStore`` changes the lock with GET, modify, SET (``issue_ticket``,
   ``lock_store.py:79-83``; ``finish_serving`` / ``cleanup``, ``lock_store.py:171-185``),
   not atomically. Two instances taking a ticket at the same moment both get ticket 0 and
   both are served; a ``cleanup`` that reads the lock just before another instance adds its
   ticket writes it back (or deletes it) without that ticket: ``LockError`` again.

Two handlers of one conversation at once break it for good: both see an empty tracker, both
run ``action_session_start``, and ``SQLTrackerStore.save``
(``rasa/core/tracker_store.py:1333-1375``) stores ``tracker.events[n:]`` where ``n`` is the
number of rows stored since the latest ``SessionStarted``: a count of the *other* handler's
rows. The second save drops the head of its events (the borrower's message among them) and
appends a tail with no ``action_listen`` behind it, so later turns count actions back into
that tail and trip the circuit breaker.

The fix, in ``LockStore.lock`` (used by every caller: the channels, the HTTP API, reminders):

- every change to a lock is atomic: one Redis transaction (WATCH/MULTI/EXEC, retried on a
  conflict) for the Redis store; the in-memory store changes it without awaiting, in one thread;
- the in-memory store's tickets never expire (it lives and dies with its one process, and a
  ticket is always given back when its message is done); a shared store's ticket is kept alive
  (its expiry pushed forward every lifetime / :data:`KEEPALIVE_PER_LIFETIME`) for as long as
  its message waits or is handled, so it only expires when its instance is gone, and a waiter
  never overtakes a ticket of its own instance's messages, even when an event loop blocked for
  longer than the lifetime let it expire;
- ticket numbers are never reused (a fresh lock starts from the clock in milliseconds), a
  waiter polls every :data:`POLL_SECONDS` (Rasa: 1 s), and a waiter whose ticket vanished
  takes a new one instead of raising ``LockError`` and losing the message.

A custom lock store class keeps its own ``get_lock`` / ``save_lock`` / ``delete_lock`` and gets
the keep-alive, but atomicity only where its storage has it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import time
from collections.abc import AsyncIterator, Callable, Collection
from dataclasses import dataclass
from typing import Any, TypeVar

import rasa.core.lock_store as rasa_lock_store
from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockError, LockStore, RedisLockStore

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.05
KEEPALIVE_PER_LIFETIME = 3

T = TypeVar("T")

RASA_LOCK = LockStore.lock  # Rasa's own, kept for comparison in the tests
Change = Callable[["TicketLock | None"], "tuple[TicketLock | None, T]"]


# ---------------------------------------------------------------- pure steps on a TicketLock


def next_number(lock: TicketLock, now: float) -> int:
    """A ticket number above every number this conversation's lock has issued.

    Rasa restarts at 0 whenever the lock was deleted; a stale waiter could then mistake a new
    ticket for its own. A fresh lock starts from the clock in milliseconds instead.
    """
    if lock.tickets:
        last_issued: int = lock.last_issued
        return last_issued + 1
    return int(now * 1000)


def prune(lock: TicketLock, alive: Collection[int] = ()) -> None:
    """Drop expired tickets, except those of messages still handled in this process."""
    lock.tickets = type(lock.tickets)(
        t for t in lock.tickets if t.number in alive or not t.has_expired()
    )


def issue(
    lock: TicketLock | None,
    conversation_id: str,
    lifetime: float,
    now: float,
    alive: Collection[int] = (),
) -> tuple[TicketLock, int]:
    """The lock with a new ticket at the end of the queue, and that ticket's number."""
    lock = lock or TicketLock(conversation_id)
    prune(lock, alive)
    number = next_number(lock, now)
    lock.tickets.append(Ticket(number, now + lifetime))
    return lock, number


def refresh(
    lock: TicketLock | None, number: int, lifetime: float, now: float
) -> tuple[TicketLock | None, bool]:
    """The lock with ticket ``number`` valid for ``lifetime`` more; False if it is gone."""
    for ticket in lock.tickets if lock is not None else ():
        if ticket.number == number:
            ticket.expires = now + lifetime
            return lock, True
    return lock, False


def release(
    lock: TicketLock | None, number: int, alive: Collection[int] = ()
) -> tuple[TicketLock | None, None]:
    """The lock without ticket ``number`` (None, to delete it, when no ticket is left)."""
    if lock is None:
        return None, None
    lock.tickets = type(lock.tickets)(t for t in lock.tickets if t.number != number)
    prune(lock, alive)
    return (lock if lock.tickets else None), None


def position(lock: TicketLock | None, number: int, alive: Collection[int] = ()) -> str:
    """``"served"``, ``"waiting"`` or ``"lost"`` (the ticket is no longer in the lock).

    Tickets in ``alive`` (messages still handled in this process) count even when expired:
    an event loop blocked for longer than the lifetime must not let a waiter overtake them.
    """
    if lock is None:
        return "lost"
    numbers = [t.number for t in lock.tickets if t.number in alive or not t.has_expired()]
    if number not in numbers:
        return "lost"
    return "served" if numbers[0] == number else "waiting"


# ---------------------------------------------------------------- atomic changes per store


def change(store: LockStore, conversation_id: str, step: Change[T]) -> T:
    """Apply ``step`` to the stored lock of ``conversation_id`` atomically; return its result."""
    if isinstance(store, RedisLockStore):
        return _redis_change(store, conversation_id, step)
    new_lock, result = step(store.get_lock(conversation_id))
    if new_lock is None:
        if store.get_lock(conversation_id) is not None:
            store.delete_lock(conversation_id)
    else:
        store.save_lock(new_lock)
    return result


def _redis_change(store: RedisLockStore, conversation_id: str, step: Change[T]) -> T:
    key = store.key_prefix + conversation_id

    def attempt(pipe: Any) -> T:
        raw = pipe.get(key)  # immediate: the key is watched
        lock = TicketLock.from_dict(json.loads(raw)) if raw else None
        new_lock, result = step(lock)
        pipe.multi()
        if new_lock is None:
            pipe.delete(key)
        else:
            pipe.set(key, new_lock.dumps())
        return result

    # redis-py re-runs `attempt` on a WatchError (another instance changed the lock meanwhile).
    result: T = store.red.transaction(attempt, key, value_from_callable=True)
    return result


# ---------------------------------------------------------------- the lock


@dataclass
class Claim:
    """One message's place in its conversation's queue."""

    store: LockStore
    conversation_id: str
    number: int
    lifetime: float

    @property
    def alive(self) -> set[int]:
        """Ticket numbers of this conversation held or awaited by messages in this process."""
        return _LIVE.setdefault((id(self.store), self.conversation_id), set())


# (lock store, conversation id) -> numbers of the tickets of this process's pending messages
_LIVE: dict[tuple[int, str], set[int]] = {}


def lifetime_for(store: LockStore, lock_lifetime: float | None) -> float:
    """How long a ticket lives unless renewed.

    A lock store shared between instances uses Rasa's ``TICKET_LOCK_LIFETIME`` (60 s): after
    that long without renewal the instance is taken for dead. The in-memory store lives and
    dies with the one process whose messages it orders: its tickets never expire.
    """
    if isinstance(store, InMemoryLockStore):
        return math.inf
    return float(lock_lifetime or rasa_lock_store.LOCK_LIFETIME)


def _take_ticket(claim: Claim) -> None:
    alive = set(claim.alive)
    try:
        claim.number = change(
            claim.store,
            claim.conversation_id,
            lambda lock: issue(lock, claim.conversation_id, claim.lifetime, time.time(), alive),
        )
    except Exception as error:
        raise LockError(f"Error while acquiring lock. Error:\n{error}") from error
    claim.alive.add(claim.number)


def _drop_ticket(claim: Claim) -> None:
    claim.alive.discard(claim.number)
    alive = set(claim.alive)
    if not claim.alive:
        _LIVE.pop((id(claim.store), claim.conversation_id), None)
    change(claim.store, claim.conversation_id, lambda lock: release(lock, claim.number, alive))


async def _keep_alive(claim: Claim) -> None:
    if math.isinf(claim.lifetime):
        return
    while True:
        await asyncio.sleep(claim.lifetime / KEEPALIVE_PER_LIFETIME)
        try:
            alive = change(
                claim.store,
                claim.conversation_id,
                lambda lock: refresh(lock, claim.number, claim.lifetime, time.time()),
            )
        except Exception:
            logger.exception("could not renew the lock of conversation %s", claim.conversation_id)
            continue
        if not alive:
            logger.error(
                "lock ticket %s of conversation %s was gone when renewed",
                claim.number,
                claim.conversation_id,
            )


async def _wait_turn(claim: Claim, poll_seconds: float) -> TicketLock:
    while True:
        lock = claim.store.get_lock(claim.conversation_id)
        where = position(lock, claim.number, claim.alive)
        if where == "served" and lock is not None:
            return lock
        if where == "lost":
            logger.warning(
                "lock ticket %s of conversation %s vanished while waiting; taking a new one",
                claim.number,
                claim.conversation_id,
            )
            claim.alive.discard(claim.number)
            _take_ticket(claim)
            continue
        await asyncio.sleep(poll_seconds)


@contextlib.asynccontextmanager
async def conversation_lock(
    self: LockStore,
    conversation_id: str,
    lock_lifetime: float | None = None,
    wait_time_in_seconds: float = POLL_SECONDS,
) -> AsyncIterator[TicketLock]:
    """``LockStore.lock``: hold the conversation until the block ends (see the module docstring)."""
    claim = Claim(self, conversation_id, -1, lifetime_for(self, lock_lifetime))
    _take_ticket(claim)
    keeper = asyncio.create_task(_keep_alive(claim))
    try:
        yield await _wait_turn(claim, wait_time_in_seconds)
    finally:
        keeper.cancel()
        _drop_ticket(claim)


def apply() -> None:
    """Replace ``LockStore.lock`` (inherited by the in-memory and the Redis lock store)."""
    if LockStore.lock is conversation_lock:
        return
    LockStore.lock = conversation_lock
