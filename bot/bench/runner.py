"""One benchmark run: each stack started, measured phase by phase, stopped; then a summary."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.bench import load
from bot.bench.processes import MemoryWatch
from bot.bench.stacks import Stack

logger = logging.getLogger(__name__)

StackFactory = Callable[[Path], AbstractContextManager[Stack]]


@dataclass(frozen=True)
class Settings:
    """How hard and how long each phase drives a stack."""

    sequential_conversations: int = 5
    capacity_levels: tuple[int, ...] = (5, 10, 20, 40, 80, 160)
    capacity_think_s: float = 1.0
    capacity_step_s: float = 12.0
    borrowers: int = 50
    think_s: float = 2.0
    thinking_s: float = 45.0

    @classmethod
    def quick(cls) -> Settings:
        """A smoke run of about two minutes for all stacks."""
        return cls(2, (5, 20, 40), 1.0, 5.0, 50, 2.0, 12.0)


PHASES = ("sequential", "capacity", "thinking")


def measure(stack: Stack, settings: Settings, phases: tuple[str, ...]) -> dict[str, Any]:
    """Run ``phases`` against a started stack; memory is watched throughout."""
    result: dict[str, Any] = {"start_s": stack.start_s, "url": stack.url}
    watched = {role: proc.pid for role, proc in stack.roles.items()}
    with MemoryWatch(watched) as memory:
        if "sequential" in phases:
            result["sequential"] = load.sequential(stack.url, settings.sequential_conversations)
            logger.info("%s sequential: %s", stack.name, result["sequential"])
        if "capacity" in phases:
            result["capacity"] = load.capacity(
                stack.url,
                settings.capacity_levels,
                settings.capacity_think_s,
                settings.capacity_step_s,
            )
            logger.info("%s capacity: %s", stack.name, result["capacity"]["capacity_msg_per_s"])
        if "thinking" in phases:
            thinking = load.thinking(
                stack.url, settings.borrowers, settings.think_s, settings.thinking_s
            )
            thinking["failures"] = f"{thinking['errors']} / {thinking['unverified']}"
            result["thinking"] = thinking
            logger.info("%s %d borrowers: %s", stack.name, settings.borrowers, thinking)
    rasa = [mb for role, mb in memory.peak_mb.items() if role.startswith("rasa")]
    result["memory"] = {
        "rasa_instance_mb": round(max(rasa, default=0.0), 1),
        "stack_mb": round(sum(memory.peak_mb.values()), 1),
        "by_role_mb": {role: round(mb, 1) for role, mb in memory.peak_mb.items()},
    }
    return result


def run_all(
    factories: dict[str, StackFactory], plan: dict[str, tuple[str, ...]], settings: Settings
) -> dict[str, Any]:
    """Start, measure and stop each stack in turn."""
    results: dict[str, Any] = {}
    for name, factory in factories.items():
        with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as folder:
            logger.info("starting %s", name)
            try:
                with factory(Path(folder)) as stack:
                    logger.info("%s answered %.1f s after start", name, stack.start_s)
                    results[name] = measure(stack, settings, plan[name])
            except Exception as error:
                logger.exception("%s failed", name)
                results[name] = {"error": str(error), "logs": _tail_logs(Path(folder))}
    return results


def _tail_logs(folder: Path, chars: int = 2000) -> dict[str, str]:
    return {log.name: log.read_text(errors="replace")[-chars:] for log in folder.glob("*.log")}


def training_seconds(path: Path) -> float | None:
    """Training time from the file the train step writes (``{"seconds": ...}`` or a number)."""
    try:
        raw = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    value = raw.get("seconds") if isinstance(raw, dict) else raw
    return float(value) if isinstance(value, int | float) else None


def summarise(stacks: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """Headline comparisons: capacity ratio to stock, criteria of the production profile."""

    def get(name: str, *path: str) -> Any:
        value: Any = stacks.get(name, {})
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        return value

    summary: dict[str, Any] = {}
    stock = get("stock", "capacity", "capacity_msg_per_s")
    ours = get("production", "capacity", "capacity_msg_per_s")
    if stock is not None and ours is not None:
        ratio = round(ours / stock, 2) if stock else "stock sustained no step"
        summary["capacity production / stock (target >= 3)"] = ratio
    p99 = get("production", "thinking", "p99_ms")
    if p99 is not None:
        summary[f"production p99 at {settings.borrowers} borrowers <= 500 ms"] = p99 <= 500
    p50 = get("embedded", "sequential", "p50_ms")
    if p50 is not None:
        summary["embedded sequential p50 <= 40 ms"] = p50 <= 40
    return summary


def machine() -> dict[str, Any]:
    """What the numbers were measured on, and how busy it was."""
    return {"cpus": os.cpu_count(), "loadavg": os.getloadavg()}
