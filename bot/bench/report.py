"""The benchmark's results: a JSON file and a short table, stacks side by side."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

# (label, getter over one stack's results, format)
ROWS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("start to first answer (s)", ("start_s",), "{:.1f}"),
    ("sequential p50 (ms)", ("sequential", "p50_ms"), "{:.0f}"),
    ("capacity, p99 < 1 s (msg/s)", ("capacity", "capacity_msg_per_s"), "{:.1f}"),
    ("N borrowers: msg/s", ("thinking", "msg_per_s"), "{:.1f}"),
    ("N borrowers: p50 (ms)", ("thinking", "p50_ms"), "{:.0f}"),
    ("N borrowers: p95 (ms)", ("thinking", "p95_ms"), "{:.0f}"),
    ("N borrowers: p99 (ms)", ("thinking", "p99_ms"), "{:.0f}"),
    ("N borrowers: errors / unverified", ("thinking", "failures"), "{}"),
    ("memory per Rasa instance, peak (MB)", ("memory", "rasa_instance_mb"), "{:.0f}"),
    ("memory, whole stack, peak (MB)", ("memory", "stack_mb"), "{:.0f}"),
)


def _get(result: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = result
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _cell(value: Any, fmt: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return fmt.format(value)


def table(results: dict[str, Any]) -> str:
    """The printed summary: one column per stack, plus training time and the ratio."""
    stacks = results["stacks"]
    names = list(stacks)
    borrowers = results["settings"]["borrowers"]
    lines = [
        "| metric | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for label, path, fmt in ROWS:
        label = label.replace("N borrowers", f"{borrowers} borrowers")
        cells = [_cell(_get(stacks[name], path), fmt) for name in names]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("")
    for key, value in results["summary"].items():
        lines.append(f"{key}: {value}")
    return "\n".join(lines)


def write(path: Path, results: dict[str, Any]) -> None:
    """Write the results as JSON (folders created as needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
