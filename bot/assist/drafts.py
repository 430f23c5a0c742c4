"""The draft check: the compliance guard on an agent's sentence, and the closest approved script.

The alternative is chosen deterministically by character-bigram cosine
(:func:`bot.textclf.char_ngrams`), preferring the stages that say compliantly what a broken
rule tried to say.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from bot.assist.accounts import load_account
from bot.assist.suggestions import Suggestion, fill, script_text
from bot.compliance import GuardContext, check, rules
from bot.db.masking import mask_text
from bot.dialogue.values import FRAGMENTS, placeholder_values
from bot.policy import Policy
from bot.scripts import Library, Script
from bot.textclf import char_ngrams

logger = logging.getLogger(__name__)

_NOT_WORD = re.compile(r"[\s\W_]+")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")

# The stages whose scripts are the compliant way to say what a broken rule tried to say.
RULE_STAGES: dict[str, tuple[str, ...]] = {
    rules.NO_THREAT: ("consequences",),
    rules.NO_FALSE_LEGAL: ("consequences",),
    rules.NO_EXAGGERATION: ("consequences",),
    rules.NO_INSULT: ("consequences",),
    rules.NO_THIRD_PARTY: ("consequences",),
    rules.OFFICIAL_CHANNELS: ("payment_methods",),
    rules.NO_NEW_DEBT: ("plans", "hardship"),
    rules.NO_FALSE_RELIEF: ("waiver", "plans", "hardship"),
    rules.NO_IMPERSONATION: ("opening",),
    rules.RIGHT_PARTY: ("verification",),
    rules.PII_MASKING: ("balance", "verification"),
    rules.QUIET_HOURS: ("closing",),
}


@dataclass(frozen=True)
class Segment:
    """A piece of the draft; ``rules`` is empty for compliant text."""

    text: str
    rules: tuple[str, ...] = ()
    messages: tuple[str, ...] = ()


@dataclass(frozen=True)
class DraftCheck:
    """The guard's verdict on an agent's draft, for display."""

    ok: bool
    violations: list[dict[str, Any]]
    segments: list[Segment]
    alternative: Suggestion | None

    def public(self) -> dict[str, Any]:
        """The JSON-ready verdict (as ``/api/assist/check`` and the desk answer it)."""
        return {
            "ok": self.ok,
            "violations": self.violations,
            "segments": [
                {"text": s.text, "rules": list(s.rules), "messages": list(s.messages)}
                for s in self.segments
            ],
            "alternative": self.alternative.public() if self.alternative else None,
        }


def violation_dicts(text: str, violations: Sequence[Any]) -> list[dict[str, Any]]:
    """The violations as JSON, each with its excerpt of the masked text."""
    masked = mask_text(text)
    return [
        {
            "rule": v.rule,
            "message": v.message,
            "start": v.start,
            "end": v.end,
            "excerpt": masked[v.start : v.end],
        }
        for v in violations
    ]


def segments_of(text: str, violations: Sequence[Any]) -> list[Segment]:
    """Cut the (masked) text at every violation boundary; tag each piece with its rules."""
    masked = mask_text(text)
    cuts = sorted({0, len(masked)} | {v.start for v in violations} | {v.end for v in violations})
    pieces: list[Segment] = []
    for start, end in itertools.pairwise(cuts):
        if start >= end:
            continue
        hits = [v for v in violations if v.start < end and v.end > start]
        pieces.append(
            Segment(
                masked[start:end],
                tuple(dict.fromkeys(v.rule for v in hits)),
                tuple(dict.fromkeys(v.message for v in hits)),
            )
        )
    return pieces


def bigrams(text: str) -> Counter[str]:
    """Character bigrams of a text without placeholders, spaces and punctuation.

    A single remaining character counts as its own gram, so one-character texts still match.
    """
    cleaned = _NOT_WORD.sub("", _PLACEHOLDER.sub("", text.lower()))
    return Counter(char_ngrams(cleaned, 2, 2) if len(cleaned) > 1 else cleaned)


def cosine(a: Counter[str], b: Counter[str]) -> float:
    """Cosine similarity of two bigram counts (0 when either is empty)."""
    if not a or not b:
        return 0.0
    dot = sum(count * b[gram] for gram, count in a.items())
    norm = math.sqrt(sum(c * c for c in a.values())) * math.sqrt(sum(c * c for c in b.values()))
    return dot / norm


def closest_script(
    text: str,
    library: Library,
    values: Mapping[str, Any],
    verified: bool,
    rules: Iterable[str] = (),
) -> Suggestion | None:
    """Return the approved script closest to the text (deterministic).

    Scripts of the stages that say compliantly what a broken rule tried to say (e.g. the
    truthful consequences for a threat) come first; among them, and otherwise, the highest
    character-bigram cosine wins, ties going to the smaller id. Scripts stating debt facts are
    left out for an unverified borrower, and documents (the formal notice) always: they are not
    chat messages.
    """
    preferred = {stage for rule in rules for stage in RULE_STAGES.get(rule, ())}
    target = bigrams(text)
    best: tuple[bool, float, str] | None = None
    chosen: Script | None = None
    for script in library:
        if script.status != "approved" or script.id in FRAGMENTS or script.document:
            continue
        if not verified and script.requires_verification:
            continue
        similarity = max(
            cosine(target, bigrams(fill(variant, values)[0])) for variant in script.variants
        )
        key = (script.stage in preferred, similarity, script.id)
        if best is None or key[:2] > best[:2] or (key[:2] == best[:2] and key[2] < best[2]):
            best, chosen = key, script
    if chosen is None:
        return None
    filled, missing = script_text(chosen, values)
    return Suggestion(chosen.id, chosen.version, chosen.stage, filled, missing)


def check_draft(
    text: str, library: Library, values: Mapping[str, Any], verified: bool
) -> DraftCheck:
    """Run the compliance guard on a draft and find the closest approved script.

    Args:
        text: The agent's sentence.
        library: The scripts library.
        values: Placeholder values for the alternative (see
            :func:`bot.dialogue.values.placeholder_values`).
        verified: Whether the borrower has passed verification (right-party rule).
    """
    verdict = check(text, GuardContext(verified=verified, channel="agent", borrower_initiated=True))
    return DraftCheck(
        ok=verdict.ok,
        violations=violation_dicts(text, verdict.violations),
        segments=segments_of(text, verdict.violations),
        alternative=closest_script(text, library, values, verified, verdict.rules),
    )


def draft_check(
    session: Session,
    text: str,
    account_id: int | None,
    *,
    library: Library,
    policy: Policy,
    today: dt.date,
) -> DraftCheck:
    """Check an agent's draft against the guard, for the selected account (if any).

    Raises:
        UnknownAccountError: ``account_id`` names no account.
    """
    account = load_account(session, account_id)
    values = placeholder_values(policy, today, account, library=library)
    return check_draft(text, library, values, verified=account is not None)
