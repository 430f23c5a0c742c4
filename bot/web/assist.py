"""Agent assist: the situation behind a borrower message, approved scripts for it, draft checks.

Suggestions come from two places, best first:

1. what the assistant itself would answer: the dialogue handlers run on the parsed message
   (and the borrower's previous messages, so a "yes" knows what it answers) against a
   read-only view of the selected account, and their scripts are rendered with every
   placeholder filled from the ledger, the policy file and the plan calculator;
2. the other approved scripts answering the same intent, with the placeholders the selected
   account and the policy can fill; unknown ones stay visible as ``{name}``.

Without a selected account the borrower counts as unverified: debt questions then get the
verification scripts only (right-party rule). A draft check runs the compliance guard and
offers the closest approved script (character-bigram cosine, deterministic) as an alternative.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import math
import re
import string
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.compliance import GuardContext, check
from bot.db.masking import mask_text
from bot.db.models import Account, Customer
from bot.dialogue.handlers import Context
from bot.dialogue.history import first_entity_values
from bot.dialogue.intents import DEBT_INTENTS, INTENT_LABELS, respond
from bot.dialogue.sql_store import SqlStore
from bot.dialogue.store import AccountView, Verification
from bot.dialogue.turn import UNVERIFIED, VERIFICATION, VERIFIED, Reply, Turn
from bot.dialogue.values import placeholder_values
from bot.policy import PlanQuote, Policy
from bot.scripts import Library, Script, ScriptError

logger = logging.getLogger(__name__)

MAX_SUGGESTIONS = 5
PREVIEW_CONVERSATION = "agent-assist-preview"
SAFETY_INTENT = "express_distress"
UNVERIFIED_SITUATION = "unverified_debt_question"
AGENT_PREFIX = re.compile(r"^\s*(坐席|客服|机器人|助手|agent|bot|a)\s*[:：]\s*", re.I)
BORROWER_PREFIX = re.compile(r"^\s*(客户|借款人|用户|borrower|customer|user|b|c)\s*[:：]\s*", re.I)


# ------------------------------------------------------------------ parsing


@dataclass(frozen=True)
class Parsed:
    """A borrower message as the Rasa model understood it (entity values masked)."""

    text: str
    intent: str
    confidence: float | None
    entities: tuple[dict[str, Any], ...] = ()
    raw_entities: tuple[dict[str, Any], ...] = field(default=(), repr=False)

    def public(self) -> dict[str, Any]:
        """Return the masked, JSON-ready view."""
        return {
            "text": mask_text(self.text),
            "intent": self.intent,
            "label": INTENT_LABELS.get(self.intent, self.intent),
            "confidence": self.confidence,
            "entities": list(self.entities),
        }


def parsed_from_rasa(text: str, result: Mapping[str, Any]) -> Parsed:
    """Build a :class:`Parsed` from Rasa's ``/model/parse`` answer."""
    intent = result.get("intent") or {}
    raw = tuple(e for e in result.get("entities") or [] if isinstance(e, dict))
    entities = tuple(
        {
            "entity": str(e.get("entity")),
            "value": mask_text(str(e.get("value"))),
            "text": mask_text(text[e["start"] : e["end"]])
            if isinstance(e.get("start"), int) and isinstance(e.get("end"), int)
            else "",
        }
        for e in raw
    )
    confidence = intent.get("confidence")
    return Parsed(
        text=text,
        intent=str(intent.get("name") or "nlu_fallback"),
        confidence=float(confidence) if confidence is not None else None,
        entities=entities,
        raw_entities=raw,
    )


def borrower_lines(history: str, limit: int = 3) -> list[str]:
    """Return the borrower's last messages from a pasted conversation, oldest first.

    Lines starting with an agent or bot prefix (``坐席：``, ``agent:`` ...) are skipped; a
    borrower prefix (``客户：``, ``borrower:`` ...) is removed; unprefixed lines count as the
    borrower's.
    """
    lines = []
    for line in history.splitlines():
        if not line.strip() or AGENT_PREFIX.match(line):
            continue
        lines.append(BORROWER_PREFIX.sub("", line).strip())
    return [line for line in lines if line][-limit:]


# ------------------------------------------------------------------ accounts


@dataclass(frozen=True)
class AccountChoice:
    """An account the agent can select (the name is shown masked)."""

    id: int
    label: str


def mask_name(name: str) -> str:
    """Keep the first character of a name: ``张伟`` → ``张*``."""
    return name[:1] + "*" * max(0, len(name) - 1)


def account_choices(session: Session) -> list[AccountChoice]:
    """Return every account as a masked label, most days past due first."""
    rows = session.execute(
        select(Account.id, Account.card_last4, Account.days_past_due, Customer.name)
        .join(Customer, Customer.id == Account.customer_id)
        .order_by(Account.days_past_due.desc(), Account.id)
    )
    return [
        AccountChoice(
            row.id, f"{mask_name(row.name)} · 尾号{row.card_last4} · 逾期{row.days_past_due}天"
        )
        for row in rows
    ]


class PreviewStore:
    """A read-only :class:`~bot.dialogue.store.Store`: the ledger is read, nothing is written."""

    def __init__(self, session: Session) -> None:
        self._sql = SqlStore(session)

    def account(self, account_id: int) -> AccountView:
        """Load an account's ledger figures."""
        return self._sql.account(account_id)

    def verify(
        self,
        conversation_id: str,
        mobile: str,
        id_last4: str,
        now: dt.datetime,
        client: str | None = None,
    ) -> Verification:
        """Never verifies: the agent verifies the borrower, not the preview."""
        return Verification("mismatch")

    # Every write of the Store protocol is a no-op: a preview records nothing.

    def forget_verification(self, conversation_id: str) -> None:
        """Write nothing."""

    def set_account_status(self, account_id: int, status: str) -> None:
        """Write nothing."""

    def record_plan(
        self, conversation_id: str, account_id: int, quote: PlanQuote, kind: str, status: str
    ) -> None:
        """Write nothing."""

    def record_promise(
        self, conversation_id: str, account_id: int, amount: Decimal, due: dt.date
    ) -> None:
        """Write nothing."""

    def record_paid_claim(self, conversation_id: str, account_id: int) -> None:
        """Write nothing."""

    def record_dispute(self, conversation_id: str, account_id: int, reason: str) -> None:
        """Write nothing."""

    def record_contact_preference(
        self,
        conversation_id: str,
        customer_id: int | None,
        mobile: str | None,
        channel: str,
        *,
        stop_contact: bool = False,
        wrong_number: bool = False,
    ) -> None:
        """Write nothing."""

    def record_handoff(
        self,
        conversation_id: str,
        customer_id: int | None,
        account_id: int | None,
        reason: str,
        urgency: str = "normal",
    ) -> None:
        """Write nothing."""

    def record_outcome(
        self, conversation_id: str, outcome: str, account_id: int | None, detail: str = ""
    ) -> None:
        """Write nothing."""

    def record_compliance_event(
        self, conversation_id: str, rule: str, blocked_text: str, script_id: str
    ) -> None:
        """Write nothing."""


# ------------------------------------------------------------------ placeholders


def fill(template: str, values: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    """Fill the placeholders that have a value; leave the others visible as ``{name}``.

    Returns:
        The text and the names of the placeholders left unfilled.
    """
    out: list[str] = []
    missing: list[str] = []
    for literal, name, spec, _conversion in string.Formatter().parse(template):
        out.append(literal)
        if name is None:
            continue
        if name in values:
            out.append(format(values[name], spec or ""))
        else:
            missing.append(name)
            out.append("{" + name + "}")
    return "".join(out), tuple(dict.fromkeys(missing))


# ------------------------------------------------------------------ situation and suggestions


@dataclass(frozen=True)
class Situation:
    """What the agent is facing."""

    intent: str
    label: str
    verified: bool
    keys: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Suggestion:
    """An approved script ready to say (or to complete where ``missing`` is not empty)."""

    script_id: str
    version: int
    stage: str
    text: str
    missing: tuple[str, ...] = ()
    source: str = "library"

    def public(self) -> dict[str, Any]:
        """Return the JSON-ready view."""
        return {
            "script_id": self.script_id,
            "version": self.version,
            "stage": self.stage,
            "text": mask_text(self.text),
            "missing": list(self.missing),
            "source": self.source,
        }


def situation_of(
    parsed: Parsed, previous: Sequence[Parsed], verified: bool, low_confidence: float
) -> Situation:
    """Describe the situation: the intent, the scripts' situation keys and notes for the agent."""
    intents = [p.intent for p in (*previous, parsed)]
    notes: list[str] = []
    keys: list[str] = []
    if SAFETY_INTENT in intents:
        notes.append("客户可能有心理危机：先安抚，提供全国心理援助热线 12356，停止催收并转人工。")
        keys.append(SAFETY_INTENT)
    if parsed.intent in DEBT_INTENTS and not verified:
        notes.append("客户尚未核身：先核实手机号和身份证后四位，不得透露任何欠款信息。")
        keys.append(UNVERIFIED_SITUATION)
    else:
        keys.append(parsed.intent)
    if parsed.confidence is not None and parsed.confidence < low_confidence:
        notes.append("模型对意图把握不大：请先确认客户的意思。")
        keys.append("nlu_fallback")
    label = INTENT_LABELS.get(parsed.intent, parsed.intent)
    return Situation(parsed.intent, label, verified, tuple(dict.fromkeys(keys)), tuple(notes))


def _slots(account: AccountView | None) -> dict[str, Any]:
    if account is None:
        return {VERIFICATION: UNVERIFIED}
    return {
        VERIFICATION: VERIFIED,
        "account_id": account.account_id,
        "customer_id": account.customer_id,
    }


def assistant_replies(
    parsed: Parsed,
    previous: Sequence[Parsed],
    account: AccountView | None,
    session: Session,
    policy: Policy,
    now: dt.datetime,
) -> list[Reply]:
    """Run the dialogue handlers on the messages, nothing written; return the last replies."""
    ctx = Context(store=PreviewStore(session), policy=policy)
    slots = _slots(account)
    replies: list[Reply] = []
    for message in (*previous, parsed):
        turn = Turn(
            conversation_id=PREVIEW_CONVERSATION,
            intent=message.intent,
            text=message.text,
            entities=first_entity_values(message.raw_entities),
            slots=slots,
            channel="agent",
            now=now,
        )
        outcome = respond(turn, ctx)
        slots = {**slots, **outcome.slots}
        replies = outcome.replies
    return replies


def _script_text(script: Script, values: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    return fill(script.variants[0], values)


def applies(script_id: str, values: Mapping[str, Any]) -> bool:
    """Tell whether a script's own condition holds (most scripts have none).

    ``plans.tenor_unavailable`` only answers a tenor the policy does not offer.
    """
    if script_id == "plans.tenor_unavailable":
        offered = str(values.get("tenors", "")).split("、")
        return "tenor" in values and values["tenor"] not in offered
    return True


def suggest(
    situation: Situation,
    replies: Iterable[Reply],
    library: Library,
    values: Mapping[str, Any],
) -> list[Suggestion]:
    """Return up to ``MAX_SUGGESTIONS`` approved scripts: the assistant's answer first."""
    found: dict[str, Suggestion] = {}
    safety_first = SAFETY_INTENT in situation.keys
    if safety_first:
        for script in library.answering(SAFETY_INTENT):
            text, missing = _script_text(script, values)
            found[script.id] = Suggestion(script.id, script.version, script.stage, text, missing)
    for reply in replies:
        if reply.script_id in found:
            continue
        try:
            message = library.render(reply.script_id, dict(reply.params), seed=PREVIEW_CONVERSATION)
            script = library.get(reply.script_id)
            found[reply.script_id] = Suggestion(
                script.id, message.version, script.stage, message.text, source="assistant"
            )
        except ScriptError as error:
            logger.warning("preview reply %s not renderable: %s", reply.script_id, error)
    for key in situation.keys:
        for script in library.answering(key):
            if script.id in found:
                continue
            if not situation.verified and script.requires_verification:
                continue
            if not applies(script.id, values):
                continue
            text, missing = _script_text(script, values)
            found[script.id] = Suggestion(script.id, script.version, script.stage, text, missing)
    return list(found.values())[:MAX_SUGGESTIONS]


# ------------------------------------------------------------------ draft check


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


_NOT_WORD = re.compile(r"[\s\W_]+")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def bigrams(text: str) -> Counter[str]:
    """Character bigrams of a text without placeholders, spaces and punctuation."""
    cleaned = _NOT_WORD.sub("", _PLACEHOLDER.sub("", text.lower()))
    if len(cleaned) < 2:
        return Counter([cleaned]) if cleaned else Counter()
    return Counter(cleaned[i : i + 2] for i in range(len(cleaned) - 1))


def cosine(a: Counter[str], b: Counter[str]) -> float:
    """Cosine similarity of two bigram counts (0 when either is empty)."""
    if not a or not b:
        return 0.0
    dot = sum(count * b[gram] for gram, count in a.items())
    norm = math.sqrt(sum(c * c for c in a.values())) * math.sqrt(sum(c * c for c in b.values()))
    return dot / norm


# The stages whose scripts are the compliant way to say what a broken rule tried to say.
RULE_STAGES: dict[str, tuple[str, ...]] = {
    "no-threat": ("consequences",),
    "no-false-legal": ("consequences",),
    "no-exaggeration": ("consequences",),
    "no-insult": ("consequences",),
    "no-third-party": ("consequences",),
    "official-channels": ("payment_methods",),
    "no-new-debt": ("plans", "hardship"),
    "no-false-relief": ("waiver", "plans", "hardship"),
    "no-impersonation": ("opening",),
    "right-party": ("verification",),
    "pii-masking": ("balance", "verification"),
    "quiet-hours": ("closing",),
}


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
    left out for an unverified borrower.
    """
    preferred = {stage for rule in rules for stage in RULE_STAGES.get(rule, ())}
    target = bigrams(text)
    best: tuple[bool, float, str] | None = None
    chosen: Script | None = None
    for script in library:
        if script.status != "approved" or script.answers == ("plan_option_line",):
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
    filled, missing = _script_text(chosen, values)
    return Suggestion(chosen.id, chosen.version, chosen.stage, filled, missing)


def check_draft(
    text: str, library: Library, values: Mapping[str, Any], verified: bool
) -> DraftCheck:
    """Run the compliance guard on a draft and find the closest approved script.

    Args:
        text: The agent's sentence.
        library: The scripts library.
        values: Placeholder values for the alternative (see :func:`placeholder_values`).
        verified: Whether the borrower has passed verification (right-party rule).
    """
    verdict = check(text, GuardContext(verified=verified, channel="agent", borrower_initiated=True))
    masked = mask_text(text)
    violations = [
        {
            "rule": v.rule,
            "message": v.message,
            "start": v.start,
            "end": v.end,
            "excerpt": masked[v.start : v.end],
        }
        for v in verdict.violations
    ]
    return DraftCheck(
        ok=verdict.ok,
        violations=violations,
        segments=segments_of(text, verdict.violations),
        alternative=closest_script(text, library, values, verified, verdict.rules),
    )


# ------------------------------------------------------------------ entry points for the views


class UnknownAccountError(LookupError):
    """The selected account does not exist."""


@dataclass(frozen=True)
class Advice:
    """Everything the assist page shows for a borrower message."""

    parsed: Parsed
    situation: Situation
    suggestions: list[Suggestion]

    def public(self) -> dict[str, Any]:
        """Return the JSON-ready view."""
        return {
            "parse": self.parsed.public(),
            "situation": {
                "intent": self.situation.intent,
                "label": self.situation.label,
                "verified": self.situation.verified,
                "notes": list(self.situation.notes),
            },
            "suggestions": [s.public() for s in self.suggestions],
        }


def _load_account(session: Session, account_id: int | None) -> AccountView | None:
    if account_id is None:
        return None
    try:
        return SqlStore(session).account(account_id)
    except LookupError:
        raise UnknownAccountError(f"account {account_id} does not exist") from None


def advise(
    session: Session,
    parsed: Parsed,
    previous: Sequence[Parsed],
    account_id: int | None,
    *,
    library: Library,
    policy: Policy,
    now: dt.datetime,
    low_confidence: float,
) -> Advice:
    """Situation and suggestions for a parsed message (nothing is written).

    Raises:
        UnknownAccountError: ``account_id`` names no account.
    """
    account = _load_account(session, account_id)
    situation = situation_of(parsed, previous, account is not None, low_confidence)
    try:
        replies = assistant_replies(parsed, previous, account, session, policy, now)
    except (LookupError, ValueError, ArithmeticError) as error:
        logger.warning("assistant preview failed for %s: %s", parsed.intent, error)
        replies = []
    entities = first_entity_values(parsed.raw_entities)
    values = placeholder_values(policy, now.date(), account, entities, library=library)
    return Advice(parsed, situation, suggest(situation, replies, library, values))


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
    account = _load_account(session, account_id)
    values = placeholder_values(policy, today, account, library=library)
    return check_draft(text, library, values, verified=account is not None)
