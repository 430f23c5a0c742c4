"""Latency benchmark of ``check()``: ``python -m bot.compliance.bench``.

Times ``check()`` on every held-out and training sentence (the model is loaded before
timing starts) and prints the mean, median, p95 and max per call. Target: mean <= 2 ms.
This is a benchmark, not a test: it never fails on a slow machine unless ``--strict``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence
from datetime import datetime

from bot.compliance import dataset, paths
from bot.compliance.context import GuardContext
from bot.compliance.guard import check, get_model

TARGET_MS = 2.0


def sample_texts() -> list[str]:
    """Return the benchmark sentences: held-out first, then training, plus a long message."""
    texts = [ex.text for ex in dataset.load_dir(paths.TEST_DIR)]
    texts += [ex.text for ex in dataset.load_dir(paths.TRAIN_DIR)]
    texts.append("。".join(texts[:8]))
    return texts


def measure(texts: Sequence[str], rounds: int = 3) -> dict[str, float]:
    """Time ``check()`` over ``texts`` ``rounds`` times, with a full context.

    Args:
        texts: Messages to check.
        rounds: How many passes over the messages.

    Returns:
        Milliseconds per call: ``mean``, ``median``, ``p95``, ``max``, and ``calls``.
    """
    get_model()
    context = GuardContext(
        verified=True,
        local_time=datetime(2024, 5, 20, 10, 0),
        recorded_legal_actions=frozenset(),
    )
    for text in texts[:20]:
        check(text, context)  # warm-up
    timings = []
    for _ in range(rounds):
        for text in texts:
            started = time.perf_counter()
            check(text, context)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "calls": float(len(timings)),
        "mean": statistics.fmean(timings),
        "median": statistics.median(timings),
        "p95": timings[int(0.95 * (len(timings) - 1))],
        "max": timings[-1],
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="passes over the sentences")
    parser.add_argument("--strict", action="store_true", help="exit 1 when mean > 2 ms")
    args = parser.parse_args(argv)
    stats = measure(sample_texts(), args.rounds)
    print(
        f"check(): {int(stats['calls'])} calls, mean {stats['mean']:.3f} ms, "
        f"median {stats['median']:.3f} ms, p95 {stats['p95']:.3f} ms, max {stats['max']:.3f} ms "
        f"(target mean <= {TARGET_MS} ms)"
    )
    return 1 if args.strict and stats["mean"] > TARGET_MS else 0


if __name__ == "__main__":
    raise SystemExit(main())
