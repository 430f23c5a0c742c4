"""Checks on the scripts library, run by `python -m bot.scripts lint` and by `make test`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.scripts.document import parse_document, plain_text
from bot.scripts.library import Library, Script, ScriptError, load_library, placeholder_names
from bot.scripts.placeholders import PLACEHOLDERS, sample_values

ROOT = Path(__file__).resolve().parents[2]
OPENING_SCRIPT = "opening.disclosure"
# The first message must name the institution, say it is automated and that it is recorded.
OPENING_DISCLOSURES = {
    "institution": re.compile(r"\{institution\}"),
    "automated assistant": re.compile(r"自动|智能|机器人"),
    "recording": re.compile(r"记录|录音"),
}
# An outbound message opens the conversation and may be read by someone else: it carries the
# opening's disclosures and tells the reader how to stop the messages (opt-out).
OUTBOUND_DISCLOSURES = {
    **OPENING_DISCLOSURES,
    "opt-out": re.compile(r"退订|停止联系|不再联系"),
}
# What a collection notice must tell the cardholder (《商业银行信用卡业务监督管理办法》2011,
# Art. 69): each element, the placeholders that carry its facts, and the words that state it.
ART69_ELEMENTS: tuple[tuple[str, frozenset[str], re.Pattern[str] | None], ...] = (
    ("the cardholder's name", frozenset({"borrower_name"}), None),
    (
        "the amount owed and its parts",
        frozenset({"principal", "interest", "late_fees", "total_due", "minimum_payment"}),
        None,
    ),
    (
        "the reason and basis of the debt",
        frozenset({"card_last4", "days_past_due"}),
        re.compile(r"领用合约.*第六十九条|第六十九条.*领用合约", re.S),
    ),
    ("the cardholder's rights and obligations", frozenset(), re.compile(r"权利.*义务", re.S)),
    ("how to check the account and the debt", frozenset({"hotline"}), re.compile(r"查询|核实")),
    (
        "how to object and give evidence, and by when",
        frozenset({"objection_days"}),
        re.compile(r"异议.*证据", re.S),
    ),
    ("how to repay", frozenset({"channels"}), None),
    (
        "the issuer's contact details",
        frozenset({"institution", "hotline", "correspondence_address"}),
        None,
    ),
    ("the issuer's seal", frozenset(), re.compile(r"盖章|公章")),
)
# Where the code names scripts: handlers (`.say("id"`) and actions (`script_id = "id"`).
SCRIPT_REFERENCE = re.compile(
    r"""(?:\.say\(|script_id\s*=\s*|_SCRIPT\s*=\s*)\s*["']([a-z_]+\.[a-z_0-9]+)["']"""
)
CODE_DIRS = ("bot", "actions")

# A guard returns the violated rule ids of a text given "verified or not" and "general facts".
Guard = Callable[[str, bool, bool], list[str]]


@dataclass(frozen=True)
class Problem:
    """One lint finding."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def default_guard(text: str, verified: bool, general_facts: bool = False) -> list[str]:
    """The runtime compliance guard, as the bot applies it."""
    from bot.compliance import GuardContext, check

    context = GuardContext(verified=verified, general_facts=general_facts)
    return [v.rule for v in check(text, context).violations]


def check_placeholders(script: Script) -> list[Problem]:
    """Every placeholder must be known (and so come from the ledger, policy or calculator)."""
    unknown = sorted(script.placeholders - PLACEHOLDERS.keys())
    return [Problem(script.id, f"unknown placeholder {{{name}}}") for name in unknown]


def check_right_party(script: Script) -> list[Problem]:
    """A script that states account facts must be marked ``facts: account``.

    A ``facts: general`` script is said to anyone, so it may use no account placeholder; the
    guard check below keeps its text free of amounts, card digits and names. An unmarked
    script that speaks of debts at all fails that check: it must say which it is.
    """
    facts = sorted(
        name
        for name in script.placeholders
        if name in PLACEHOLDERS and PLACEHOLDERS[name].debt_fact
    )
    if facts and not script.requires_verification:
        return [Problem(script.id, f"states account facts {facts} but lacks `facts: account`")]
    return []


def check_guard(script: Script, guard: Guard) -> list[Problem]:
    """Every approved variant, filled with sample values, must pass the guard.

    Scripts that may be said before verification are checked as if the other party were
    unverified; the others as said to a verified borrower.
    """
    if script.status != "approved":
        return []
    samples = sample_values()
    problems = []
    for index, variant in enumerate(script.variants):
        text = variant.format(**{name: samples.get(name, "") for name in script.placeholders})
        if script.document:
            text = plain_text(parse_document(text))  # what a reader reads, without the markup
        for rule in sorted(set(guard(text, script.requires_verification, script.general_facts))):
            problems.append(Problem(f"{script.id}[{index}]", f"violates {rule}: {text}"))
    return problems


def check_outbound(script: Script) -> list[Problem]:
    """An outbound script states no account fact and carries the disclosures and an opt-out.

    It may reach a shared phone or a third party before anyone is verified (rules right-party,
    no-third-party), so it may be neither ``facts: account`` nor ``facts: general``, and the
    guard checks it as said to an unverified party.
    """
    if not script.outbound:
        return []
    problems = []
    if script.facts is not None:
        problems.append(Problem(script.id, f"outbound but marked `facts: {script.facts}`"))
    problems += [
        Problem(script.id, f"outbound variant {i} lacks the {what} disclosure")
        for i, text in enumerate(script.variants)
        for what, pattern in OUTBOUND_DISCLOSURES.items()
        if not pattern.search(text)
    ]
    return problems


def check_document(script: Script) -> list[Problem]:
    """A document is one text for the cardholder alone, carrying every Art. 69 element.

    It states account facts to the cardholder by name (``facts: account``), answers no message,
    opens no conversation, and has one wording, so that its id and version name the text of every
    notice made from it.
    """
    if not script.document:
        return []
    problems = []
    if script.facts != "account":
        problems.append(Problem(script.id, "a document states account facts: `facts: account`"))
    if script.answers or script.outbound:
        problems.append(Problem(script.id, "a document answers no message and is not outbound"))
    if len(script.variants) != 1:
        problems.append(Problem(script.id, "a document has exactly one variant"))
    for index, text in enumerate(script.variants):
        used = frozenset(placeholder_names(text))
        for element, placeholders, words in ART69_ELEMENTS:
            missing = sorted(placeholders - used)
            if missing or (words is not None and not words.search(text)):
                detail = f" (placeholders {missing})" if missing else ""
                problems.append(
                    Problem(f"{script.id}[{index}]", f"lacks Art. 69 element: {element}{detail}")
                )
    return problems


def check_opening(library: Library) -> list[Problem]:
    """The opening script carries the required disclosures in every variant."""
    try:
        script = library.approved(OPENING_SCRIPT)
    except ScriptError as exc:
        return [Problem(OPENING_SCRIPT, str(exc))]
    return [
        Problem(OPENING_SCRIPT, f"variant {i} lacks the {what} disclosure")
        for i, text in enumerate(script.variants)
        for what, pattern in OPENING_DISCLOSURES.items()
        if not pattern.search(text)
    ]


def referenced_scripts(root: Path = ROOT) -> dict[str, str]:
    """Script ids named in the code, with the first file naming each."""
    found: dict[str, str] = {}
    for folder in CODE_DIRS:
        for path in sorted((root / folder).rglob("*.py")):
            for script_id in SCRIPT_REFERENCE.findall(path.read_text(encoding="utf-8")):
                found.setdefault(script_id, str(path.relative_to(root)))
    return found


def check_references(library: Library, root: Path = ROOT) -> list[Problem]:
    """Every script the code sends exists and is approved."""
    problems = []
    for script_id, where in referenced_scripts(root).items():
        try:
            library.approved(script_id)
        except ScriptError as exc:
            problems.append(Problem(where, str(exc)))
    return problems


def check_domain(domain_path: Path = ROOT / "domain.yml") -> list[Problem]:
    """The domain holds no text of its own: every bot sentence comes from the library."""
    domain: dict[str, Any] = yaml.safe_load(domain_path.read_text(encoding="utf-8")) or {}
    return [
        Problem(f"domain.yml responses.{name}", "free text in the domain; use a script")
        for name in (domain.get("responses") or {})
    ]


def lint(
    library: Library | None = None, guard: Guard | None = default_guard, root: Path = ROOT
) -> list[Problem]:
    """Run every check; an empty list means the library is fit to ship."""
    try:
        library = library or load_library()
    except ScriptError as exc:
        return [Problem("scripts_library", str(exc))]
    problems: list[Problem] = []
    for script in library:
        problems += check_placeholders(script)
        problems += check_right_party(script)
        problems += check_outbound(script)
        problems += check_document(script)
        if guard is not None:
            problems += check_guard(script, guard)
    problems += check_opening(library)
    problems += check_references(library, root)
    problems += check_domain(root / "domain.yml")
    return problems


def describe(scripts: Iterable[Script]) -> str:
    """Scripts as a person reads them: id, status, approval, answers, texts."""
    lines = []
    for s in scripts:
        lines.append(
            f"{s.id}  v{s.version} {s.status}  ({s.locale}; {s.approved_by} {s.approved_at})"
        )
        lines.append(f"  answers: {', '.join(s.answers)}   rules: {', '.join(s.rules_checked)}")
        lines.extend(f"  - {text}" for text in s.variants)
    return "\n".join(lines)
