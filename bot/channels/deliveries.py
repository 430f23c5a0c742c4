"""Deliveries already seen, so that a platform's retries never run the bot twice.

WeChat delivers a message again when it had no answer within 5 seconds, up to three times in
all, and an event the same way; Telegram retries an update it got no 200 for. The first
delivery claims its key (WeChat: :attr:`bot.channels.wechat.envelope.Inbound.delivery_key`,
Telegram: the ``update_id``); a retry finds the claim and gets the first delivery's reply if it
is ready, otherwise nothing. :func:`deliveries_for` picks the store for a Rasa server.

Two stores of the same contract:

- :class:`MemoryDeliveries`: one process (the embedded profile), at most
  :data:`MAX_DELIVERIES` keys, each kept :data:`DELIVERY_TTL_SECONDS`;
- :class:`RedisDeliveries`: several Rasa instances behind nginx (the production profile), in
  the lock store's Redis: the claim is one ``SET NX EX``, the reply one ``SET XX EX``.

Each channel says how long a key is kept (WeChat: twice its replay window, so a request replayed
while its timestamp is still accepted is recognised as well).
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rasa.core.lock_store import DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX, RedisLockStore

DELIVERY_TTL_SECONDS = 600.0
"""How long a key is kept unless the channel says otherwise."""
MAX_DELIVERIES = 10_000
_PENDING = "pending"


@dataclass(frozen=True)
class Seen:
    """What an earlier delivery of the same key left.

    Attributes:
        ready: Its reply is known (``texts``); otherwise it is still being handled.
        texts: The reply's texts; empty when there is nothing to repeat (the reply went
            through the customer-service API, or there was none).
    """

    ready: bool
    texts: tuple[str, ...] = ()


class Deliveries(ABC):
    """Claims on delivery keys (see the module docstring)."""

    @abstractmethod
    def claim(self, key: str) -> Seen | None:
        """Claim ``key``: None for its first delivery (now claimed), else what was seen."""

    @abstractmethod
    def finish(self, key: str, texts: Sequence[str]) -> None:
        """Record the reply of the delivery that claimed ``key``."""


class MemoryDeliveries(Deliveries):
    """Claims in this process's memory: bounded in number and time."""

    def __init__(
        self,
        ttl: float = DELIVERY_TTL_SECONDS,
        max_keys: int = MAX_DELIVERIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl, self._max, self._clock = ttl, max_keys, clock
        self._seen: OrderedDict[str, tuple[float, Seen]] = OrderedDict()

    def _expire(self, now: float) -> None:
        while self._seen:
            key, (expires, _) = next(iter(self._seen.items()))
            if expires > now and len(self._seen) <= self._max:
                return
            del self._seen[key]

    def claim(self, key: str) -> Seen | None:
        """See :meth:`Deliveries.claim`."""
        now = self._clock()
        self._expire(now)
        found = self._seen.get(key)
        if found is not None:
            return found[1]
        self._seen[key] = (now + self._ttl, Seen(ready=False))
        self._expire(now)
        return None

    def finish(self, key: str, texts: Sequence[str]) -> None:
        """See :meth:`Deliveries.finish` (a key evicted meanwhile is not brought back)."""
        found = self._seen.get(key)
        if found is not None:
            self._seen[key] = (found[0], Seen(ready=True, texts=tuple(texts)))


class RedisDeliveries(Deliveries):
    """Claims in Redis, shared by every instance (``redis.StrictRedis``, e.g. the lock store's)."""

    def __init__(self, red: Any, prefix: str, ttl: float = DELIVERY_TTL_SECONDS) -> None:
        self._red, self._prefix, self._ttl = red, prefix, int(ttl)

    def _key(self, key: str) -> str:
        return f"{self._prefix}{key}"

    def claim(self, key: str) -> Seen | None:
        """See :meth:`Deliveries.claim`; Redis errors are raised to the caller."""
        name = self._key(key)
        for _ in range(2):  # the claim may expire between the SET and the GET
            if self._red.set(name, _PENDING, nx=True, ex=self._ttl):
                return None
            raw = self._red.get(name)
            if raw is None:
                continue
            value = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
            if value == _PENDING:
                return Seen(ready=False)
            return Seen(ready=True, texts=tuple(json.loads(value)))
        return Seen(ready=False)

    def finish(self, key: str, texts: Sequence[str]) -> None:
        """See :meth:`Deliveries.finish`; Redis errors are raised to the caller."""
        value = json.dumps(list(texts), ensure_ascii=False)
        self._red.set(self._key(key), value, xx=True, ex=self._ttl)


def deliveries_for(agent: Any, prefix: str, ttl: float = DELIVERY_TTL_SECONDS) -> Deliveries:
    """The lock store's Redis when Rasa has one (several instances), else this process's memory.

    Args:
        agent: Rasa's agent (``request.app.ctx.agent``), or None.
        prefix: The channel's key prefix (e.g. ``wechat:delivery:``).
        ttl: Seconds a key is kept.
    """
    store = getattr(agent, "lock_store", None)
    if isinstance(store, RedisLockStore):
        base = store.key_prefix.removesuffix(DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX)
        return RedisDeliveries(store.red, base + prefix, ttl)
    return MemoryDeliveries(ttl)
