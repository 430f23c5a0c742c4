"""Labelled compliance sentences: loading the YAML files and deriving classifier labels.

Each file holds one category::

    category: no-third-party
    violating:            # sentences that break the category's rule
      - 再不还钱就通知你单位领导
      - text: 您本期欠款3200元      # an example may carry a GuardContext
        context: {verified: false}
    compliant:            # hard negatives: near the category, but allowed
      - 我们不会向您的家人透露任何欠款信息

Context keys: ``verified``, ``local_time`` (ISO datetime), ``channel``,
``recorded_legal_actions`` (list), ``jurisdiction``, ``borrower_name``,
``borrower_initiated``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from bot.compliance import rules
from bot.compliance.context import GuardContext


@dataclass(frozen=True)
class Example:
    """One labelled sentence.

    Attributes:
        text: The sentence.
        category: The category its file is about.
        violating: True when the sentence (in its context) breaks the rule.
        context: The conversation context it is judged in, or None.
        source: File it came from.
    """

    text: str
    category: str
    violating: bool
    context: GuardContext | None = None
    source: str = ""

    @property
    def train_label(self) -> str | None:
        """The classifier label, or None when the example is not for the classifier.

        Context-dependent examples and categories decided by rules alone (right-party,
        quiet-hours, pii-masking) are left out of classifier training; their compliant
        sentences still teach it what is fine.
        """
        if self.context is not None:
            return None
        if not self.violating:
            return rules.OK_LABEL
        return self.category if self.category in rules.TEXT_CATEGORIES else None


def parse_context(raw: dict[str, Any] | None) -> GuardContext | None:
    """Build a GuardContext from a YAML mapping.

    Args:
        raw: Mapping of context keys, or None.

    Returns:
        The context, or None when ``raw`` is empty.

    Raises:
        ValueError: On an unknown key.
    """
    if not raw:
        return None
    known = {
        "verified",
        "local_time",
        "channel",
        "recorded_legal_actions",
        "jurisdiction",
        "borrower_name",
        "borrower_initiated",
    }
    unknown = set(raw) - known
    if unknown:
        raise ValueError(f"unknown context keys: {sorted(unknown)}")
    values = dict(raw)
    if isinstance(values.get("local_time"), str):
        values["local_time"] = datetime.fromisoformat(values["local_time"])
    values["recorded_legal_actions"] = frozenset(values.get("recorded_legal_actions") or ())
    return GuardContext(**values)


def _examples(
    items: Iterable[Any] | None, category: str, violating: bool, source: str
) -> list[Example]:
    examples = []
    for item in items or ():
        if isinstance(item, str):
            examples.append(Example(item, category, violating, None, source))
        else:
            context = parse_context(item.get("context"))
            examples.append(Example(str(item["text"]), category, violating, context, source))
    return examples


def load_file(path: Path) -> list[Example]:
    """Load one category file.

    Args:
        path: A YAML file in the format described in the module docstring.

    Returns:
        Its examples, violating first.

    Raises:
        ValueError: When the category is unknown.
    """
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    category = document.get("category")
    if category not in rules.ALL_CATEGORIES and category != "general":
        raise ValueError(f"{path}: unknown category {category!r}")
    return _examples(document.get("violating"), category, True, path.name) + _examples(
        document.get("compliant"), category, False, path.name
    )


def data_files(directory: Path) -> list[Path]:
    """Return the YAML files of a data directory, sorted by name."""
    return sorted(directory.glob("*.yml"))


def load_dir(directory: Path) -> list[Example]:
    """Load every category file in a directory.

    Args:
        directory: ``data/compliance`` (training) or ``tests/compliance`` (held out).

    Returns:
        All examples, file by file.
    """
    examples: list[Example] = []
    for path in data_files(directory):
        examples.extend(load_file(path))
    return examples


def fingerprint(directory: Path) -> str:
    """Hash of a data directory's files (names and contents), to detect a stale model."""
    digest = hashlib.sha256()
    for path in data_files(directory):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
