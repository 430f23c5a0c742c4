"""In-process limits: sliding-window counters (login failures, chat rate) and the hashing gate.

State lives in memory, per process: behind several web processes each counts on its own, so
the edge (nginx ``limit_req``) stays the first line. Memory is bounded: a counter forgets
keys whose window has passed and never holds more than ``max_keys`` keys.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Callable, Hashable

logger = logging.getLogger(__name__)

Clock = Callable[[], float]
DEFAULT_MAX_KEYS = 10_000


class BusyError(RuntimeError):
    """No hashing slot became free in time."""


class SlidingWindow:
    """Counts events per key over the last ``window`` seconds.

    Args:
        limit: Events allowed per key and window.
        window: Window length in seconds.
        clock: Monotonic time source (replaced in tests).
        max_keys: Keys kept at most; the least recently used are forgotten first.
    """

    def __init__(
        self,
        limit: int,
        window: float,
        clock: Clock = time.monotonic,
        max_keys: int = DEFAULT_MAX_KEYS,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._max_keys = max_keys
        self._events: OrderedDict[Hashable, deque[float]] = OrderedDict()

    def _recent(self, key: Hashable) -> deque[float]:
        events = self._events.get(key)
        if events is None:
            return deque()
        horizon = self._clock() - self.window
        while events and events[0] <= horizon:
            events.popleft()
        if not events:
            del self._events[key]
        return events

    def retry_after(self, key: Hashable) -> float:
        """Seconds until ``key`` may have another event (0 when it may now)."""
        events = self._recent(key)
        if len(events) < self.limit:
            return 0.0
        return max(0.0, events[-self.limit] + self.window - self._clock())

    def add(self, key: Hashable) -> None:
        """Record one event for ``key``."""
        events = self._recent(key)
        events.append(self._clock())
        self._events[key] = events
        self._events.move_to_end(key)
        while len(events) > self.limit:
            events.popleft()
        while len(self._events) > self._max_keys:
            self._events.popitem(last=False)

    def clear(self, key: Hashable) -> None:
        """Forget every event of ``key``."""
        self._events.pop(key, None)


def retry_seconds(*waits: float) -> int:
    """The ``Retry-After`` value (whole seconds, at least 1) for the longest wait."""
    return max(1, math.ceil(max(waits, default=0.0)))


class LoginThrottle:
    """Failed logins per account name and per client address.

    After ``limit`` failures within ``window`` seconds for a name, or from an address, further
    attempts are refused without checking the password until the oldest failure leaves the
    window. A successful login clears the name's failures (not the address's).
    """

    def __init__(self, limit: int, window: float, clock: Clock = time.monotonic) -> None:
        self._names = SlidingWindow(limit, window, clock)
        self._addresses = SlidingWindow(limit, window, clock)

    @staticmethod
    def _name_key(name: str) -> str:
        return name.strip().casefold()

    def retry_after(self, name: str, address: str) -> float:
        """Seconds to wait before this name may be tried from this address (0: now)."""
        return max(
            self._names.retry_after(self._name_key(name)),
            self._addresses.retry_after(address),
        )

    def failed(self, name: str, address: str) -> None:
        """Record a failed login."""
        self._names.add(self._name_key(name))
        self._addresses.add(address)

    def succeeded(self, name: str) -> None:
        """Forget the failures of an account after a correct password."""
        self._names.clear(self._name_key(name))


class ChatLimiter:
    """Chat messages per client address and per conversation over one minute."""

    def __init__(self, per_minute: int, clock: Clock = time.monotonic) -> None:
        self._window = SlidingWindow(per_minute, 60.0, clock)

    def allow(self, address: str, sender: str) -> bool:
        """Record a message and return ``True``, or return ``False`` when over the limit."""
        keys = (("address", address), ("sender", sender))
        if any(self._window.retry_after(key) > 0 for key in keys):
            return False
        for key in keys:
            self._window.add(key)
        return True


class HashGate:
    """At most ``slots`` password hashes at once; a request waits ``wait`` seconds at most.

    Create it inside the running event loop (the app does so in ``cleanup_ctx``).
    """

    def __init__(self, slots: int, wait: float) -> None:
        self._semaphore = asyncio.Semaphore(slots)
        self._wait = wait

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a hashing slot for the body of the ``async with``.

        Raises:
            BusyError: No slot became free within the wait.
        """
        if self._semaphore.locked():
            try:
                await asyncio.wait_for(self._semaphore.acquire(), timeout=self._wait)
            except asyncio.TimeoutError:
                raise BusyError("too many password checks at once") from None
        else:
            await self._semaphore.acquire()
        try:
            yield
        finally:
            self._semaphore.release()
