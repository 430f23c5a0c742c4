"""``python -m bot.bench``: the load benchmark (``make bench-load``); see :mod:`bot.bench`."""

from __future__ import annotations

import argparse
import functools
import logging
import signal
import sys
import time
from dataclasses import asdict
from pathlib import Path

from bot.bench import report, runner
from bot.bench.production import production
from bot.bench.stacks import ROOT, Backends, embedded, stock

TRAIN_TIME_FILE = ROOT / "results" / "train-time.json"
STACKS = ("stock", "embedded", "production")
# The embedded profile is held to its sequential latency; the others are loaded fully.
PLAN = {
    "stock": runner.PHASES,
    "embedded": ("sequential",),
    "production": runner.PHASES,
}


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a ~2-minute smoke run")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "collection.tar.gz")
    parser.add_argument("--stacks", default=",".join(STACKS), help="comma-separated subset")
    parser.add_argument("--instances", type=int, default=2, help="Rasa instances (production)")
    parser.add_argument("--borrowers", type=int, help="borrowers of the think-time phase")
    parser.add_argument("--postgres-url", default=Backends.postgres_url)
    parser.add_argument("--redis-db", type=int, default=Backends.redis_db)
    parser.add_argument(
        "--train-time-file", type=Path, default=ROOT / "results" / "train-time.json"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "bench-load.json")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark, write the JSON file, print the table."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    # A terminated run still stops the servers it started (the stacks' `with` blocks).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    args = _arguments(argv)
    settings = runner.Settings.quick() if args.quick else runner.Settings()
    if args.borrowers:
        settings = runner.Settings(**{**asdict(settings), "borrowers": args.borrowers})
    backends = Backends(postgres_url=args.postgres_url, redis_db=args.redis_db)
    model = args.model.resolve()
    factories: dict[str, runner.StackFactory] = {
        "stock": functools.partial(stock, model),
        "embedded": functools.partial(embedded, model),
        "production": lambda work: production(model, work, args.instances, backends),
    }
    chosen = [name for name in args.stacks.split(",") if name in factories]
    started = time.monotonic()
    before = runner.machine()
    stacks = runner.run_all({name: factories[name] for name in chosen}, PLAN, settings)
    results = {
        "model": str(model),
        "settings": {**asdict(settings), "instances": args.instances, "quick": args.quick},
        "machine": {**before, "loadavg_after": runner.machine()["loadavg"]},
        "training_s": runner.training_seconds(args.train_time_file),
        "stacks": stacks,
        "summary": runner.summarise(stacks, settings),
        "duration_s": round(time.monotonic() - started, 1),
    }
    report.write(args.out, results)
    print(report.table(results))
    training = results["training_s"]
    print(
        f"training time (s): {training if training else f'not recorded in {args.train_time_file}'}"
    )
    print(f"written to {args.out} in {results['duration_s']} s")


if __name__ == "__main__":
    main()
