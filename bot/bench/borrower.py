"""One simulated borrower: conversations on the REST channel, one sender id each."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass

import aiohttp

from bot.bench.conversation import Step, conversation
from bot.bench.stats import Sample

REQUEST_TIMEOUT_SECONDS = 30.0
PAUSE_AFTER_FAILURE_SECONDS = 1.0


@dataclass(frozen=True)
class Pace:
    """How a borrower behaves: think time between messages and when to stop.

    Attributes:
        think_seconds: Mean pause before each message; each pause is uniform in
            [0.5, 1.5] x this (0: no pause).
        deadline: ``time.monotonic()`` after which no new message is sent.
        conversations: Stop after this many conversations (0: only the deadline stops).
    """

    think_seconds: float
    deadline: float
    conversations: int = 0


async def say(http: aiohttp.ClientSession, url: str, sender: str, text: str) -> list[str]:
    """Send one message; return the bot's texts.

    Raises:
        aiohttp.ClientError: The request failed or did not answer 200.
        asyncio.TimeoutError: No answer within :data:`REQUEST_TIMEOUT_SECONDS`.
    """
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
    async with http.post(url, json={"sender": sender, "message": text}, timeout=timeout) as reply:
        reply.raise_for_status()
        body = await reply.json(content_type=None)
    return [m.get("text", "") for m in body if isinstance(m, dict)]


async def _step(
    http: aiohttp.ClientSession, url: str, sender: str, step: Step, sample: Sample
) -> bool:
    """Send one step, record its latency; False when the conversation cannot go on."""
    started = time.perf_counter()
    try:
        texts = await say(http, url, sender, step.text)
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        sample.failed(f"{step.text!r}: {type(error).__name__} {error}")
        return False
    sample.latencies.append(time.perf_counter() - started)
    if not texts:
        sample.failed(f"{step.text!r}: no answer")
        return False
    if step.expect and not any(step.expect in text for text in texts):
        sample.unverified += 1
        sample.first_error = sample.first_error or f"{step.text!r} answered {texts}"
        return False
    return True


def client_address(index: int) -> str:
    """A loopback address of borrower ``index``'s own (127.0.0.2 onwards, 250 per /24).

    Every borrower comes from its own address, as real borrowers do: nginx's per-address
    limits and the verification limit per client then apply to each one, not to the bench.
    """
    return f"127.0.{index // 250 % 256}.{index % 250 + 2}"


async def borrower(url: str, index: int, prefix: str, pace: Pace, rng: random.Random) -> Sample:
    """Borrower ``index`` holds conversations until the pace says stop; returns its sample."""
    connector = aiohttp.TCPConnector(local_addr=(client_address(index), 0))
    async with aiohttp.ClientSession(connector=connector) as http:
        return await _conversations(http, url, f"{prefix}-{index}", pace, rng)


async def _conversations(
    http: aiohttp.ClientSession, url: str, name: str, pace: Pace, rng: random.Random
) -> Sample:
    sample = Sample()
    number = 0
    while time.monotonic() < pace.deadline:
        if pace.conversations and number >= pace.conversations:
            break
        sender = f"{name}-{number}"
        for step in conversation(rng.randrange(3)):
            if pace.think_seconds:
                await asyncio.sleep(pace.think_seconds * rng.uniform(0.5, 1.5))
            if time.monotonic() >= pace.deadline:
                break
            if not await _step(http, url, sender, step, sample):
                await asyncio.sleep(PAUSE_AFTER_FAILURE_SECONDS)  # no hot loop of failures
                break
        else:
            sample.conversations += 1
        number += 1
    return sample
