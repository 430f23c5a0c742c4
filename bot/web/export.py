"""Exports a trainer commits: corrected NLU examples and conversation test stories (pure).

Both are Rasa 3.1-format YAML that names only intents, entities and actions of ``domain.yml``.
Texts are exported masked; the digits masking hid are written as ``0`` (``13800001111`` →
``138****1111`` → ``13800001111`` with the middle four zeroed), so a masked phone or ID number
still reads as one to the entity extractors, while the borrower's digits never leave the app.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.db.masking import MASK_CHAR, mask_text
from bot.web.rasa_domain import DomainSpec
from bot.web.tracker import StoredEvent
from bot.web.transcript import Entity, entities_of

logger = logging.getLogger(__name__)

RASA_FORMAT = "3.1"
MIN_MASKED_NUMBER = 7  # the shortest masked number is a mobile (11 characters)
# A run of digits and mask characters (with the separators numbers are written with).
_MASKED_NUMBER = re.compile(r"[\d*Xx](?:[\d* \-]*[\d*Xx])?")
_SKIPPED_ACTIONS = frozenset({"action_listen", "action_session_start", "action_extract_slots"})
_BRACKETS = str.maketrans({"[": "［", "]": "］"})


class ExportError(ValueError):
    """The export would not be valid training data (the message names what is wrong)."""


@dataclass(frozen=True)
class NluExample:
    """A user message with its correct intent and entities (text masked)."""

    intent: str
    text: str
    entities: tuple[Entity, ...] = ()


def pseudonymize(masked: str) -> str:
    """Write the digits hidden by masking as ``0`` so the text keeps its shape.

    Only mask characters inside a number-like run of at least ``MIN_MASKED_NUMBER`` digits
    and masks (masking hides two or more in a row) are replaced; other ``*`` stay.

    Args:
        masked: Text already passed through :func:`mask_text`.
    """

    def zero(match: re.Match[str]) -> str:
        run = match.group(0)
        symbols = sum(1 for char in run if char.isalnum() or char == MASK_CHAR)
        masked = MASK_CHAR * 2 in run and any(char.isdigit() for char in run)
        return run.replace(MASK_CHAR, "0") if masked and symbols >= MIN_MASKED_NUMBER else run

    return _MASKED_NUMBER.sub(zero, masked)


def safe_text(text: str) -> str:
    """Mask and pseudonymize a text; make it one line without entity brackets.

    Masking and pseudonymizing keep the length, and so does the bracket and newline
    replacement, so entity offsets stay valid.
    """
    one_line = re.sub(r"[\r\n\t]", " ", text)
    return pseudonymize(mask_text(one_line)).translate(_BRACKETS)


def annotated_text(text: str, entities: Iterable[Entity]) -> str:
    """Return ``text`` with Rasa entity markup: ``[span](entity)`` or ``[span]{...}``.

    A value that differs from its span is written as ``{"entity": ..., "value": ...}``.

    Raises:
        ExportError: An entity lies outside the text or overlaps another one.
    """
    text = safe_text(text)
    pieces: list[str] = []
    cursor = 0
    for entity in sorted(entities, key=lambda e: e.start):
        if entity.start < cursor or entity.end > len(text) or entity.start >= entity.end:
            raise ExportError(f"entity {entity.entity} at {entity.start}-{entity.end} is invalid")
        span = text[entity.start : entity.end]
        value = pseudonymize(mask_text(str(entity.value)))
        pieces.append(text[cursor : entity.start])
        if value == span:
            pieces.append(f"[{span}]({entity.entity})")
        else:
            label = json.dumps({"entity": entity.entity, "value": value}, ensure_ascii=False)
            pieces.append(f"[{span}]{label}")
        cursor = entity.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _check_names(intent: str, entities: Iterable[Entity], spec: DomainSpec) -> None:
    if intent not in spec.intents:
        raise ExportError(f"intent {intent!r} is not in domain.yml")
    for entity in entities:
        if entity.entity not in spec.entities:
            raise ExportError(f"entity {entity.entity!r} is not in domain.yml")


def nlu_yaml(examples: Sequence[NluExample], spec: DomainSpec, comment: str = "") -> str:
    """Return corrected examples as a Rasa NLU training file, grouped by intent.

    Duplicate examples are written once; intents follow the domain's order.

    Raises:
        ExportError: An example names an intent or entity the domain does not declare.
    """
    by_intent: dict[str, list[str]] = {}
    for example in examples:
        _check_names(example.intent, example.entities, spec)
        line = annotated_text(example.text, example.entities)
        lines = by_intent.setdefault(example.intent, [])
        if line.strip() and line not in lines:
            lines.append(line)
    out = [f'version: "{RASA_FORMAT}"', ""]
    if comment:
        out += [f"# {line}" for line in comment.splitlines()]
    out.append("nlu:" if by_intent else "nlu: []")
    for intent in (i for i in spec.intents if i in by_intent):
        out.append(f"- intent: {intent}")
        out.append("  examples: |")
        out.extend(f"    - {line}" for line in by_intent[intent])
    return "\n".join(out) + "\n"


@dataclass(frozen=True)
class Correction:
    """What a trainer said a user message should have been parsed as."""

    intent: str
    entities: tuple[Entity, ...]


def _scalar(value: Any) -> str:
    """Render a slot value as a YAML flow scalar (masked)."""
    if isinstance(value, str):
        value = mask_text(value)
    return json.dumps(value, ensure_ascii=False)


def _session_steps(
    events: Sequence[StoredEvent],
    corrections: Mapping[int, Correction],
    spec: DomainSpec,
) -> list[str]:
    steps: list[str] = []
    seen_user = False
    for event in events:
        data = event.data
        if event.type_name == "user":
            seen_user = True
            parse = data.get("parse_data") or {}
            correction = corrections.get(event.id)
            intent = (
                correction.intent
                if correction
                else str((parse.get("intent") or {}).get("name") or event.intent_name or "")
            )
            entities = correction.entities if correction else entities_of(parse)
            _check_names(intent, entities, spec)
            text = annotated_text(str(data.get("text") or ""), entities)
            steps += ["  - user: |", f"      {text}", f"    intent: {intent}"]
        elif not seen_user:
            continue  # session start: initial slots and the opening are not story steps
        elif event.type_name == "action":
            name = str(data.get("name") or event.action_name or "")
            if name in _SKIPPED_ACTIONS:
                continue
            if not spec.knows_action(name):
                raise ExportError(f"action {name!r} is not in domain.yml")
            steps.append(f"  - action: {name}")
        elif event.type_name == "active_loop":
            loop = data.get("name")
            steps.append(f"  - active_loop: {loop if loop else 'null'}")
        elif event.type_name == "slot" and data.get("name") in spec.featurized_slots:
            step = ["  - slot_was_set:", f"    - {data['name']}: {_scalar(data.get('value'))}"]
            if steps[-2:] != step:  # setting a slot to the value it just got changes nothing
                steps += step
    return steps


def split_sessions(events: Sequence[StoredEvent]) -> list[list[StoredEvent]]:
    """Split a conversation's events at every session start or restart."""
    sessions: list[list[StoredEvent]] = [[]]
    for event in events:
        name = event.data.get("name") if event.type_name == "action" else None
        if name == "action_session_start" or event.type_name == "restart":
            sessions.append([])
            continue
        sessions[-1].append(event)
    return [session for session in sessions if any(e.type_name == "user" for e in session)]


def story_yaml(
    conversation_id: str,
    events: Sequence[StoredEvent],
    corrections: Mapping[int, Correction],
    spec: DomainSpec,
) -> str:
    """Return a conversation as Rasa test stories, one per session, with corrections applied.

    Steps: every user message (text masked, corrected intent and entities), every action but
    ``action_listen``, form activations, and the slots that influence the conversation.

    Raises:
        ExportError: No user message, or a name the domain does not declare.
    """
    sessions = split_sessions(events)
    if not sessions:
        raise ExportError("the conversation has no user message")
    safe_id = re.sub(r"[^\w\-]", "_", mask_text(conversation_id))
    out = [
        f'version: "{RASA_FORMAT}"',
        "",
        f"# Exported from conversation {safe_id}; texts masked, corrections applied.",
        "stories:",
    ]
    for number, session in enumerate(sessions, start=1):
        title = f"{safe_id} session {number}" if len(sessions) > 1 else safe_id
        out += ["", f"- story: {json.dumps(title, ensure_ascii=False)}", "  steps:"]
        out += _session_steps(session, corrections, spec)
    return "\n".join(out) + "\n"
