"""Conversation probes: multi-turn conversations written by people who have not seen the rules.

Each ``batch_N.yml`` holds conversations; each turn has a user message and checks on the bot's
reply to it (all texts of the turn joined): ``any`` (one of these substrings), ``all`` (every
one) and ``none`` (not one). ``known_gaps.yml`` lists conversations that fail for a reason
that is recorded there, with the issue that will fix it; they run as strict expected failures,
so fixing one without removing it from the list fails the run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Turn:
    """One user message and what the bot's reply to it must and must not contain."""

    user: str
    any: tuple[str, ...] = ()
    all: tuple[str, ...] = ()
    none: tuple[str, ...] = ()

    def problems(self, reply: str) -> list[str]:
        """What the reply breaks, in words; empty when it passes."""
        found = []
        if self.any and not any(s in reply for s in self.any):
            found.append(f"contains none of {list(self.any)}")
        found += [f"lacks {s!r}" for s in self.all if s not in reply]
        found += [f"contains forbidden {s!r}" for s in self.none if s in reply]
        return found


@dataclass(frozen=True)
class Conversation:
    """A probe conversation from one batch."""

    id: str
    batch: int
    about: str
    turns: tuple[Turn, ...]


def _strings(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)  # type: ignore[attr-defined]


def load(folder: Path = HERE) -> list[Conversation]:
    """Every conversation of every batch file in ``folder``, in batch order."""
    found = []
    for path in sorted(folder.glob("batch_*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for raw in data["conversations"]:
            turns = tuple(
                Turn(
                    str(t["user"]),
                    _strings(t.get("any")),
                    _strings(t.get("all")),
                    _strings(t.get("none")),
                )
                for t in raw["turns"]
            )
            found.append(Conversation(raw["id"], int(data["batch"]), raw.get("about", ""), turns))
    return found


def known_gaps(folder: Path = HERE) -> dict[str, str]:
    """Conversation id → why it fails today (and which issue fixes it)."""
    path = folder / "known_gaps.yml"
    if not path.exists():
        return {}
    return {str(k): str(v) for k, v in (yaml.safe_load(path.read_text()) or {}).items()}


def run(conversation: Conversation, say: Callable[[str], list[str]]) -> list[str]:
    """Hold the conversation through ``say``; return every failed check, with its turn."""
    failures = []
    for number, turn in enumerate(conversation.turns, 1):
        reply = "\n".join(say(turn.user))
        for problem in turn.problems(reply):
            failures.append(f"turn {number} {turn.user!r} → {reply!r}: {problem}")
    return failures
