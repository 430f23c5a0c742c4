"""What the fault tests hold a run against: pure functions on transcripts, stored events, logs.

- :func:`stored_problems`: one conversation's rows in Rasa's tracker store against what the
  borrower sent and got: every message answered normally stored exactly once, in the order
  sent, its stored answer the one returned; a message answered "unavailable" stored at most
  once (whether it got that far depends on when the fault struck); no event stored twice, no
  event out of order, one session start;
- :func:`lost_events`: rows committed before a fault that are gone or changed after it;
- :func:`upstreams_by_client`: from nginx's access log, which instance served each request of
  each borrower (every borrower has its own address).
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Sequence
from typing import Any

from tests.prod.borrowers import Exchange, Transcript

Event = dict[str, Any]  # a row of Rasa's `events` table: id, type_name, timestamp, data (dict)


def align(sent: Sequence[Exchange], stored: Sequence[str]) -> list[int] | None:
    """Which exchange each stored user message is, or None when no assignment exists.

    The stored messages must be the sent ones in order, each at most once, with every message
    answered normally among them; a message that was not answered normally may be missing.
    """

    @functools.cache
    def match(i: int, j: int) -> tuple[int, ...] | None:
        if i == len(stored):
            rest = sent[j:]
            return () if all(ex.kind != "normal" for ex in rest) else None
        if j == len(sent):
            return None
        if sent[j].text == stored[i]:
            tail = match(i + 1, j + 1)
            if tail is not None:
                return (j, *tail)
        if sent[j].kind != "normal":
            return match(i, j + 1)
        return None

    found = match(0, 0)
    return None if found is None else list(found)


def _turns(events: Sequence[Event]) -> list[list[str]]:
    """Bot texts after each user message (those before the first one, the opening, go first)."""
    turns: list[list[str]] = [[]]
    users = 0
    for event in events:
        if event["type_name"] == "user":
            users += 1
            if users > 1:
                turns.append([])
        elif event["type_name"] == "bot":
            turns[-1].append(event["data"].get("text"))
    return turns


def stored_problems(transcript: Transcript, events: Sequence[Event]) -> list[str]:
    """What is wrong with one conversation as stored (see the module docstring)."""
    found: list[str] = []
    if not events:
        return ["nothing stored"]
    users = [e["data"].get("text") for e in events if e["type_name"] == "user"]
    sent = transcript.exchanges
    order = align(sent, users)
    if order is None:
        found.append(f"stored user messages {users}, sent {[(ex.text, ex.kind) for ex in sent]}")
    else:
        for turn, index in zip(_turns(events), order, strict=False):
            exchange = sent[index]
            if exchange.kind == "normal" and exchange.texts != turn:
                found.append(f"the answer to {exchange.text!r} is not the one stored: {turn}")
    starts = sum(e["type_name"] == "session_started" for e in events)
    if starts != 1:
        found.append(f"{starts} session starts")
    seen: set[str] = set()
    for event in events:
        key = json.dumps(event["data"], sort_keys=True, ensure_ascii=False)
        if key in seen:
            found.append(f"stored twice: {key[:160]}")
        seen.add(key)
    stamps = [e["timestamp"] for e in events]
    if stamps != sorted(stamps):
        found.append("events stored out of order (timestamps go back)")
    return found


def lost_events(before: Sequence[Event], after: Sequence[Event]) -> list[str]:
    """Rows of ``before`` (committed earlier) missing or changed in ``after``."""
    now = {e["id"]: e for e in after}
    return [
        f"event {e['id']} ({e['type_name']}) lost or changed"
        for e in before
        if now.get(e["id"], {}).get("data") != e["data"]
    ]


# deploy/nginx/edge.conf.template, log_format edge
_ACCESS = re.compile(
    r'^(?P<client>\S+) \[[^\]]*\] "POST (?P<uri>\S+)" (?P<status>\d+) .* upstream=(?P<up>.*)$'
)


def upstreams_by_client(access_log: str, uri: str) -> dict[str, list[str]]:
    """Per client address, the instance (``host:port``) that answered each request to ``uri``.

    A request nginx had to pass on (the first instance refused it) counts for the one that
    answered: the last of ``$upstream_addr``'s comma-separated list.
    """
    found: dict[str, list[str]] = {}
    for line in access_log.splitlines():
        match = _ACCESS.match(line)
        if match and match["uri"] == uri:
            last = match["up"].split(",")[-1].strip()
            found.setdefault(match["client"], []).append(last)
    return found


def switches(upstreams: Sequence[str]) -> int:
    """How many times consecutive requests went to different instances."""
    return sum(a != b for a, b in itertools.pairwise(upstreams))
