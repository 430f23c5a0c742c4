import asyncio

import pytest

from bot.web.throttle import (
    BusyError,
    ChatLimiter,
    HashGate,
    LoginThrottle,
    SlidingWindow,
    retry_seconds,
)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_window_refuses_over_the_limit_until_the_oldest_event_leaves() -> None:
    clock = Clock()
    window = SlidingWindow(3, 60, clock)
    for _ in range(3):
        assert window.retry_after("k") == 0
        window.add("k")
        clock.now += 10
    assert window.retry_after("k") == pytest.approx(30)  # first event at 100, now 130
    clock.now += 30
    assert window.retry_after("k") == 0
    assert window.retry_after("other") == 0


def test_a_window_keeps_bounded_memory() -> None:
    window = SlidingWindow(1, 60, Clock(), max_keys=100)
    for key in range(10_000):
        window.add(key)
    assert len(window._events) == 100
    assert window.retry_after(9_999) > 0 and window.retry_after(0) == 0


def test_login_throttle_per_name_and_per_address() -> None:
    clock = Clock()
    throttle = LoginThrottle(5, 900, clock)
    for index in range(5):
        assert throttle.retry_after("Tom", f"10.0.0.{index}") == 0
        throttle.failed("Tom", f"10.0.0.{index}")
    assert throttle.retry_after(" tom ", "10.0.0.99") > 0  # the name, from anywhere
    assert throttle.retry_after("ada", "10.0.0.1") == 0  # other names from those addresses
    for name in ("a1", "a2", "a3", "a4", "a5"):
        throttle.failed(name, "192.0.2.1")
    assert throttle.retry_after("ada", "192.0.2.1") > 0  # the address, whatever the name
    clock.now += 900
    assert throttle.retry_after("tom", "192.0.2.1") == 0


def test_a_correct_password_clears_the_name_but_not_the_address() -> None:
    throttle = LoginThrottle(2, 900, Clock())
    throttle.failed("tom", "a")
    throttle.succeeded("tom")
    throttle.failed("tom", "a")
    assert throttle.retry_after("tom", "b") == 0
    assert throttle.retry_after("x", "a") > 0


def test_chat_limiter_counts_per_address_and_per_sender() -> None:
    clock = Clock()
    limiter = ChatLimiter(2, clock)
    assert limiter.allow("a", "s1") and limiter.allow("a", "s2")
    assert not limiter.allow("a", "s3")  # the address is over
    assert limiter.allow("b", "s4")
    assert limiter.allow("c", "s4")
    assert not limiter.allow("d", "s4")  # the conversation is over
    clock.now += 60
    assert limiter.allow("a", "s4")


def test_retry_seconds_rounds_up() -> None:
    assert retry_seconds(0.2) == 1 and retry_seconds(59.01, 3) == 60


async def test_the_hash_gate_bounds_concurrency_and_refuses_after_waiting() -> None:
    gate = HashGate(2, wait=0.05)
    running, peak = 0, 0

    async def work() -> str:
        nonlocal running, peak
        try:
            async with gate.slot():
                running += 1
                peak = max(peak, running)
                await asyncio.sleep(0.2)
                running -= 1
                return "done"
        except BusyError:
            return "busy"

    results = await asyncio.gather(*(work() for _ in range(5)))
    assert peak == 2
    assert results.count("done") == 2 and results.count("busy") == 3
    assert await work() == "done"  # slots are given back


async def test_a_waiting_request_gets_a_slot_that_frees_in_time() -> None:
    gate = HashGate(1, wait=1.0)
    order = []

    async def work(name: str, hold: float) -> None:
        async with gate.slot():
            order.append(name)
            await asyncio.sleep(hold)

    await asyncio.gather(work("first", 0.05), work("second", 0))
    assert order == ["first", "second"]
