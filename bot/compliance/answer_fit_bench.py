"""Latency benchmark of ``check_reply()``: ``python -m bot.compliance.answer_fit_bench``.

Times ``check_reply()`` on every development pair (``data/answer_fit/dev.yml``) plus a long
pair (a message and a reply of a few hundred characters each) and prints the mean,
median, p95 and max per call. Target: at most 2 ms per call (issue 12: "≤ 2 ms per
turn"). A benchmark, not a test: it fails only with ``--strict`` and a p95 over target.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from bot.compliance import paths
from bot.compliance.answer_fit import check_reply
from bot.compliance.answer_fit_eval import load_pairs

TARGET_MS = 2.0
DEV_PAIRS = paths.ROOT / "data" / "answer_fit" / "dev.yml"


def sample_pairs(path: Path = DEV_PAIRS) -> list[tuple[str, str]]:
    """The benchmark pairs: the development pairs, then one long pair built from them."""
    pairs = [(pair.user, pair.reply) for pair in load_pairs(path)]
    users = "，".join(user for user, _ in pairs[:12])
    replies = "".join(reply for _, reply in pairs[:12])
    return [*pairs, (users, replies)]


def measure(
    pairs: Sequence[tuple[str, str]], rounds: int = 3, learned: bool = False
) -> dict[str, float]:
    """Time ``check_reply()`` over ``pairs`` ``rounds`` times.

    Args:
        pairs: (message, reply) pairs.
        rounds: How many passes over the pairs.
        learned: Time ``check_reply(learned=True)`` (the agent desk's check).

    Returns:
        Milliseconds per call: ``mean``, ``median``, ``p95``, ``max``, and ``calls``.
    """
    for user, reply in pairs[:20]:
        check_reply(user, reply, learned=learned)  # warm-up: patterns, the model
    timings = []
    for _ in range(rounds):
        for user, reply in pairs:
            started = time.perf_counter()
            check_reply(user, reply, learned=learned)
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
    parser.add_argument("--data", type=Path, default=DEV_PAIRS, help="pairs file to time")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the pairs")
    parser.add_argument("--strict", action="store_true", help="exit 1 when p95 > 2 ms")
    parser.add_argument("--learned", action="store_true", help="with the learned model")
    args = parser.parse_args(argv)
    stats = measure(sample_pairs(args.data), args.rounds, args.learned)
    name = "check_reply(learned=True)" if args.learned else "check_reply()"
    print(
        f"{name}: {int(stats['calls'])} calls, mean {stats['mean']:.3f} ms, "
        f"median {stats['median']:.3f} ms, p95 {stats['p95']:.3f} ms, "
        f"max {stats['max']:.3f} ms (target <= {TARGET_MS} ms per call)"
    )
    return 1 if args.strict and stats["p95"] > TARGET_MS else 0


if __name__ == "__main__":
    raise SystemExit(main())
