"""The load phases: one borrower without pauses, capacity steps, many borrowers thinking."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Sequence
from typing import Any

from bot.bench.borrower import Pace, borrower
from bot.bench.stats import Sample, summary

P99_LIMIT_MS = 1000.0


async def drive(
    url: str,
    borrowers: int,
    think_seconds: float,
    seconds: float,
    conversations: int = 0,
    seed: int = 7,
    first: int = 0,
) -> Sample:
    """Run ``borrowers`` borrowers against ``url`` for at most ``seconds``; merge their samples.

    With think time the borrowers start spread over one pause, not all at once.
    """
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    started = time.monotonic()
    pace = Pace(think_seconds, started + seconds, conversations)
    tasks = [
        borrower(url, i, prefix, pace, random.Random(seed * 1000 + i))
        for i in range(first, first + borrowers)
    ]
    results = await asyncio.gather(*tasks)
    total = Sample(seconds=time.monotonic() - started)
    for result in results:
        total.add(result)
    return total


def sequential(url: str, conversations: int) -> dict[str, Any]:
    """One conversation after the other, no pauses: a message's latency on an idle server.

    Each conversation comes from its own address, as in the other phases: a borrower does
    not type seven messages in a second, and the edge's per-address limit would refuse it.
    """
    asyncio.run(drive(url, 1, 0.0, 120.0, conversations=1, seed=1))  # warm-up, not counted
    total = Sample()
    for number in range(1, conversations + 1):
        sample = asyncio.run(drive(url, 1, 0.0, 120.0, conversations=1, first=number))
        total.add(sample)
        total.seconds += sample.seconds
    return summary(total)


def capacity(
    url: str, levels: Sequence[int], think_seconds: float, step_seconds: float
) -> dict[str, Any]:
    """Steps of more and more borrowers, each pausing about ``think_seconds`` per message.

    Capacity is the highest throughput of a step whose p99 stayed under
    :data:`P99_LIMIT_MS` without errors; the steps stop at the first one that did not.
    """
    steps = []
    for level in levels:
        result = summary(asyncio.run(drive(url, level, think_seconds, step_seconds)))
        steps.append({"borrowers": level, **result})
        if not _sustained(result):
            break
    good = [step["msg_per_s"] for step in steps if _sustained(step)]
    return {"capacity_msg_per_s": max(good, default=0.0), "think_s": think_seconds, "steps": steps}


def _sustained(result: dict[str, Any]) -> bool:
    return result["p99_ms"] < P99_LIMIT_MS and not result["errors"] and not result["unverified"]


def thinking(url: str, borrowers: int, think_seconds: float, seconds: float) -> dict[str, Any]:
    """``borrowers`` borrowers pausing about ``think_seconds`` before each message."""
    result = summary(asyncio.run(drive(url, borrowers, think_seconds, seconds)))
    return {"borrowers": borrowers, "think_s": think_seconds, **result}
