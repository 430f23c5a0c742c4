"""``python -m bot.bench.cpu``: CPU time per message of each server over the same conversations.

Latency on a shared machine moves with whatever else runs; the CPU time a server spends per
message does not (much). This starts one stack (``embedded`` or ``production``, as
``make bench-load`` does), sends ``--conversations`` bench conversations one after the other
(after two warm-up ones) and reports each process's CPU time (``/proc/PID/stat``, user +
system, all threads) divided by the messages sent, with the stack's start time and the
latencies. ``--off`` leaves Rasa patches out (``RASA_PATCHES_OFF``) and ``--full-domain``
sends the whole domain on every action call, to measure a change against its absence::

    python -m bot.bench.cpu --stack production --conversations 20
    python -m bot.bench.cpu --stack production --conversations 20 --off stored_events
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.bench import stacks
from bot.bench.conversation import MESSAGES_PER_CONVERSATION
from bot.bench.load import drive
from bot.bench.production import production
from bot.bench.stats import Sample, summary

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (all its threads) in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14, 15)


def measure(stack: stacks.Stack, conversations: int) -> dict[str, Any]:
    """CPU per message of each role over ``conversations`` sequential conversations."""
    asyncio.run(drive(stack.url, 1, 0.0, 120.0, conversations=2, seed=1))  # warm-up
    pids = {role: proc.pid for role, proc in stack.roles.items()}
    before = {role: cpu_seconds(pid) for role, pid in pids.items()}
    total = Sample()
    started = time.monotonic()
    for number in range(1, conversations + 1):
        total.add(asyncio.run(drive(stack.url, 1, 0.0, 120.0, conversations=1, first=number)))
    total.seconds = time.monotonic() - started
    messages = len(total.latencies)
    used = {role: cpu_seconds(pid) - before[role] for role, pid in pids.items()}
    rasa = sum(s for role, s in used.items() if role.startswith("rasa"))
    return {
        "messages": messages,
        "expected_messages": conversations * MESSAGES_PER_CONVERSATION,
        "cpu_ms_per_message": {
            "rasa": round(1000 * rasa / max(messages, 1), 1),
            **{role: round(1000 * s / max(messages, 1), 1) for role, s in used.items()},
        },
        "latency": summary(total),
        "start_s": stack.start_s,
        "loadavg": os.getloadavg(),
    }


def main(argv: list[str] | None = None) -> None:
    """Start the stack, measure, stop it, print one JSON object."""
    parser = argparse.ArgumentParser(prog="python -m bot.bench.cpu", description=__doc__)
    parser.add_argument("--stack", choices=("embedded", "production"), default="production")
    parser.add_argument("--instances", type=int, default=1)
    parser.add_argument("--conversations", type=int, default=15)
    parser.add_argument("--model", type=Path, default=stacks.ROOT / "models" / "collection.tar.gz")
    parser.add_argument("--off", default="", help="Rasa patches to leave out (comma-separated)")
    parser.add_argument("--full-domain", action="store_true", help="no selective domain")
    args = parser.parse_args(argv)
    os.environ["RASA_PATCHES_OFF"] = args.off
    stacks.SELECTIVE_DOMAIN = not args.full_domain
    model = args.model.resolve()
    with tempfile.TemporaryDirectory(prefix=f"bench-cpu-{args.stack}-") as folder:
        work = Path(folder)
        factory = (
            stacks.embedded(model, work)
            if args.stack == "embedded"
            else production(model, work, args.instances, stacks.Backends())
        )
        with factory as stack:
            result = measure(stack, args.conversations)
    result.update(
        stack=args.stack, instances=args.instances, off=args.off, full_domain=args.full_domain
    )
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
