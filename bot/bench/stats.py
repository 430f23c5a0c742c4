"""Percentiles and summaries of measured latencies (pure functions)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0-100) by the nearest-rank method; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class Sample:
    """What a load phase measured."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    conversations: int = 0
    unverified: int = 0
    seconds: float = 0.0
    first_error: str = ""

    def failed(self, reason: str) -> None:
        """Count a failed message; the first reason is kept for the report."""
        self.errors += 1
        self.first_error = self.first_error or reason

    def add(self, other: Sample) -> None:
        """Merge another borrower's sample into this one (``seconds`` is the caller's)."""
        self.latencies += other.latencies
        self.errors += other.errors
        self.first_error = self.first_error or other.first_error
        self.conversations += other.conversations
        self.unverified += other.unverified


def summary(sample: Sample) -> dict[str, Any]:
    """Messages, throughput, errors and p50/p95/p99 in milliseconds."""
    ms = [1000 * value for value in sample.latencies]
    rate = len(ms) / sample.seconds if sample.seconds > 0 else math.nan
    return {
        "messages": len(ms),
        "msg_per_s": round(rate, 2),
        "errors": sample.errors,
        "conversations": sample.conversations,
        "unverified": sample.unverified,
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "p99_ms": round(percentile(ms, 99), 1),
        "first_error": sample.first_error,
    }
