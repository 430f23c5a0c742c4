"""Load, validate and render the scripts library (`scripts_library/*.yml`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot import settings

logger = logging.getLogger(__name__)

STATUSES = ("draft", "approved", "retired")
# What a script states (issue 12): "account" facts (ledger figures, plan quotes, card digits)
# only to a verified borrower; "general" facts (law, policy, how fees and plans work) to
# anyone, before verification, after a lock, to a wrong person. No ``facts``: neither.
FACTS = ("account", "general")
LOCALES = ("zh-CN", "en-US")
# Who speaks first (issue 14): "inbound" scripts answer the borrower inside a conversation;
# "outbound" scripts open one (the outreach scheduler) and may be read by someone else, so
# they state no account fact at all and carry the opening disclosures and an opt-out.
DIRECTIONS = ("inbound", "outbound")
# What a script is (issue 14): a chat "message", or a formal written "document" (a notice, 函件)
# rendered to HTML and PDF by :mod:`bot.notices`, in the line markup of :mod:`bot.scripts.document`.
FORMS = ("message", "document")
REQUIRED_FIELDS = (
    "id",
    "answers",
    "locale",
    "status",
    "version",
    "approved_by",
    "approved_at",
    "rules_checked",
    "variants",
)


class ScriptError(ValueError):
    """A script file or a rendering request is invalid."""


@dataclass(frozen=True)
class Script:
    """One approved (or draft/retired) piece of phrasing with its review metadata."""

    id: str
    stage: str
    answers: tuple[str, ...]
    locale: str
    status: str
    version: int
    approved_by: str
    approved_at: dt.date
    rules_checked: tuple[str, ...]
    variants: tuple[str, ...]
    source: str
    facts: str | None = None
    direction: str = "inbound"
    form: str = "message"

    @property
    def document(self) -> bool:
        """A formal written document (a notice), not a chat message."""
        return self.form == "document"

    @property
    def outbound(self) -> bool:
        """Opens a conversation (sent by the outreach scheduler)."""
        return self.direction == "outbound"

    @property
    def requires_verification(self) -> bool:
        """Said only to a verified borrower: it states account facts."""
        return self.facts == "account"

    @property
    def general_facts(self) -> bool:
        """States general facts about debts, to anyone (see ``FACTS``)."""
        return self.facts == "general"

    @property
    def placeholders(self) -> frozenset[str]:
        """Names of the `{placeholders}` used by any variant."""
        return frozenset(name for text in self.variants for name in placeholder_names(text))


@dataclass(frozen=True)
class RenderedMessage:
    """A sentence ready to send, traceable to the script and version that produced it."""

    text: str
    script_id: str
    version: int


def placeholder_names(text: str) -> list[str]:
    """Return the placeholder names in a variant, in order."""
    return [field for _, field, _, _ in string.Formatter().parse(text) if field]


class Library:
    """All scripts, indexed by id."""

    def __init__(self, scripts: list[Script]) -> None:
        self._by_id: dict[str, Script] = {}
        for script in scripts:
            if script.id in self._by_id:
                raise ScriptError(
                    f"duplicate script id {script.id!r} in {script.source} "
                    f"and {self._by_id[script.id].source}"
                )
            self._by_id[script.id] = script

    def __iter__(self) -> Iterator[Script]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, script_id: str) -> Script:
        """Return the script with this id (any status).

        Raises:
            ScriptError: no such script.
        """
        try:
            return self._by_id[script_id]
        except KeyError:
            raise ScriptError(f"unknown script id {script_id!r}") from None

    def approved(self, script_id: str) -> Script:
        """Return the script if it is approved; the bot never sends anything else."""
        script = self.get(script_id)
        if script.status != "approved":
            raise ScriptError(f"script {script_id!r} is {script.status}, not approved")
        return script

    def outbound(self, script_id: str) -> Script:
        """Return the script if it is approved and outbound; the scheduler sends nothing else.

        Raises:
            ScriptError: no such script, not approved, or not outbound.
        """
        script = self.approved(script_id)
        if not script.outbound:
            raise ScriptError(f"script {script_id!r} is not an outbound script")
        return script

    def document(self, script_id: str) -> Script:
        """Return the script if it is an approved document; notices are made of nothing else.

        Raises:
            ScriptError: no such script, not approved, or not a document.
        """
        script = self.approved(script_id)
        if not script.document:
            raise ScriptError(f"script {script_id!r} is not a document")
        return script

    def by_stage(self, stage: str | None = None) -> list[Script]:
        """Scripts of one stage (or all), in file order."""
        return [s for s in self._by_id.values() if stage is None or s.stage == stage]

    def answering(self, situation: str) -> list[Script]:
        """Approved scripts that answer an intent or situation."""
        return [
            s for s in self._by_id.values() if s.status == "approved" and situation in s.answers
        ]

    def render(
        self, script_id: str, params: Mapping[str, Any] | None = None, seed: str = ""
    ) -> RenderedMessage:
        """Fill an approved script's placeholders.

        Args:
            script_id: the script to send.
            params: a value for every placeholder of the chosen variant.
            seed: picks the variant deterministically (e.g. the conversation id), so a
                conversation sees a stable wording and tests are reproducible.

        Raises:
            ScriptError: the script is not approved or a placeholder has no value.
        """
        script = self.approved(script_id)
        index = int(hashlib.sha1(f"{seed}:{script_id}".encode()).hexdigest(), 16)
        variant = script.variants[index % len(script.variants)]
        values = dict(params or {})
        missing = [name for name in placeholder_names(variant) if name not in values]
        if missing:
            raise ScriptError(f"script {script_id!r} needs values for {missing}")
        return RenderedMessage(variant.format(**values), script.id, script.version)


def _parse_script(raw: Any, stage: str, source: str) -> Script:
    if not isinstance(raw, dict):
        raise ScriptError(f"{source}: every script must be a mapping, got {raw!r}")
    missing = [f for f in REQUIRED_FIELDS if f not in raw]
    if missing:
        raise ScriptError(f"{source}: script {raw.get('id', '?')!r} lacks {missing}")
    sid = str(raw["id"])
    problems = []
    if raw["status"] not in STATUSES:
        problems.append(f"status must be one of {STATUSES}")
    if raw["locale"] not in LOCALES:
        problems.append(f"locale must be one of {LOCALES}")
    if raw.get("facts") not in (None, *FACTS):
        problems.append(f"facts must be one of {FACTS} (or absent)")
    if raw.get("direction", "inbound") not in DIRECTIONS:
        problems.append(f"direction must be one of {DIRECTIONS} (or absent: inbound)")
    if raw.get("form", "message") not in FORMS:
        problems.append(f"form must be one of {FORMS} (or absent: message)")
    if "requires_verification" in raw:
        problems.append("requires_verification is now `facts: account`")
    if not isinstance(raw["version"], int) or raw["version"] < 1:
        problems.append("version must be a positive integer")
    if not isinstance(raw["approved_at"], dt.date):
        problems.append("approved_at must be a date (YYYY-MM-DD)")
    variants = raw["variants"]
    if (
        not isinstance(variants, list)
        or not variants
        or not all(isinstance(v, str) and v.strip() for v in variants)
    ):
        problems.append("variants must be a non-empty list of texts")
    if not sid.startswith(f"{stage}.") and stage not in sid.split(".")[0]:
        logger.debug("script %s is filed under stage %s", sid, stage)
    if problems:
        raise ScriptError(f"{source}: script {sid!r}: " + "; ".join(problems))
    return Script(
        id=sid,
        stage=stage,
        answers=tuple(str(a) for a in raw["answers"]),
        locale=raw["locale"],
        status=raw["status"],
        version=raw["version"],
        approved_by=str(raw["approved_by"]),
        approved_at=raw["approved_at"],
        rules_checked=tuple(str(r) for r in raw["rules_checked"]),
        variants=tuple(variants),
        source=source,
        facts=raw.get("facts"),
        direction=raw.get("direction", "inbound"),
        form=raw.get("form", "message"),
    )


def load_library(directory: str | os.PathLike[str] | None = None) -> Library:
    """Read every `*.yml` file of ``directory`` (default: ``SCRIPTS_DIR``, :mod:`bot.settings`).

    Raises:
        ScriptError: a file is malformed; the message names the file and the script.
    """
    root = Path(directory or settings.current().scripts_dir)
    scripts: list[Script] = []
    for path in sorted(root.glob("*.yml")):
        with path.open(encoding="utf-8") as handle:
            try:
                doc = yaml.safe_load(handle)
            except yaml.YAMLError as exc:
                raise ScriptError(f"{path.name}: not valid YAML: {exc}") from exc
        if not isinstance(doc, dict) or "stage" not in doc or "scripts" not in doc:
            raise ScriptError(f"{path.name}: expected a mapping with 'stage' and 'scripts'")
        scripts.extend(_parse_script(raw, str(doc["stage"]), path.name) for raw in doc["scripts"])
    if not scripts:
        raise ScriptError(f"no scripts found in {root}")
    return Library(scripts)
