"""The learned half of the answer-fit check: one linear classifier per misfit label.

The phrase lists of ``fit_cues`` hold what earlier writers happened to say; on each new
writer's pairs their recall stopped between 0.80 and 0.86 (five held-out sets, see
docs/adding-a-compliance-rule.md). A TF-IDF + logistic regression over the character n-grams
of the message and of the reply's opening, trained on every labelled pair in
``data/answer_fit/``, generalises across writers: trained on five of the six pair files and
tested on the sixth, on the one file the phrase lists had not been tuned on, recall went from
0.81 to 0.91–0.93 at precision 0.96–0.97. ``check_reply`` flags a label when the rules find
it or this model is at least ``THRESHOLD`` sure.

The model is stored as plain arrays (``var/models/guard/answer_fit.npz``) like the guard's,
scored with numpy (no scikit-learn at run time), and rebuilt from the data when it is missing
or its data changed (``python -m bot.compliance.train``, which ``make guard-train`` runs,
builds it next to the guard's).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from bot.compliance import paths, rules
from bot.compliance.text import normalize
from bot.textclf import TfidfLogistic, char_ngrams

logger = logging.getLogger(__name__)

#: Labelled (message, reply) pairs the model learns from; ``tests/answer_fit/`` stays out.
DATA_DIR = paths.ROOT / "data" / "answer_fit"
MODEL_FILE = "answer_fit.npz"
#: A label is flagged when the model gives it at least this probability (chosen by leaving
#: each pair file out in turn: 0.7 kept precision over 0.95 on the unseen file).
THRESHOLD = 0.7
C = 4.0
#: How much of the reply the model reads: the opening decides most misfits.
REPLY_CHARS = 60
FEATURE_VERSION = "u1-3+r1-3@60;balanced"
_YES, _NO = "y", "n"

_lock = threading.Lock()
_model: FitModel | None = None


def pair_grams(user_text: str, reply_text: str) -> list[str]:
    """The features of a pair: character 1–3-grams of the message and of the reply's opening."""
    user = normalize(user_text).text
    reply = normalize(reply_text).text[:REPLY_CHARS]
    return [
        *("u:" + gram for gram in char_ngrams(f" {user} ", 1, 3)),
        *("r:" + gram for gram in char_ngrams(f" {reply} ", 1, 3)),
    ]


class FitModel:
    """One binary scorer per misfit label."""

    def __init__(self, scorers: dict[str, TfidfLogistic], fingerprint: str = "") -> None:
        """Build the model from its fitted scorers (label -> yes/no scorer)."""
        self.scorers = scorers
        self.fingerprint = fingerprint

    def probabilities(self, user_text: str, reply_text: str) -> dict[str, float]:
        """The probability of each label for the pair."""
        grams = pair_grams(user_text, reply_text)
        found = {}
        for label, scorer in self.scorers.items():
            found[label] = float(scorer.probabilities(grams)[scorer.column_of[_YES]])
        return found

    def labels(self, user_text: str, reply_text: str) -> list[str]:
        """The labels at or over ``THRESHOLD``, in ``rules.FIT_LABELS`` order."""
        probabilities = self.probabilities(user_text, reply_text)
        return [label for label in rules.FIT_LABELS if probabilities.get(label, 0.0) >= THRESHOLD]

    def save(self, path: Path) -> None:
        """Write every scorer's arrays to one .npz file, atomically."""
        arrays: dict[str, Any] = {"fingerprint": np.array(self.fingerprint, dtype=str)}
        for label, scorer in self.scorers.items():
            arrays.update({f"{label}.{name}": value for name, value in scorer.arrays().items()})
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        with partial.open("wb") as handle:
            np.savez_compressed(handle, **arrays)
        os.replace(partial, path)

    @classmethod
    def load(cls, path: Path) -> FitModel:
        """Read a model written by ``save`` (OSError, KeyError or ValueError when unusable)."""
        with np.load(path, allow_pickle=False) as arrays:
            scorers = {
                label: TfidfLogistic.from_arrays(
                    {
                        name.split(".", 1)[1]: arrays[name]
                        for name in arrays.files
                        if name.startswith(label + ".")
                    }
                )
                for label in rules.FIT_LABELS
                if f"{label}.classes" in arrays.files
            }
            return cls(scorers, str(arrays["fingerprint"]))


def data_files(directory: Path = DATA_DIR) -> list[Path]:
    """The pair files the model learns from, in name order."""
    return sorted(directory.glob("*.yml"))


def fingerprint(files: Sequence[Path]) -> str:
    """Hash of the training pairs, the features and the hyper-parameters."""
    digest = hashlib.sha256(f"{FEATURE_VERSION};C={C}".encode())
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_labelled(files: Iterable[Path]) -> list[tuple[str, str, frozenset[str]]]:
    """(message, reply, misfit labels) of every pair in the files."""
    pairs = []
    for path in files:
        for raw in yaml.safe_load(path.read_text(encoding="utf-8"))["pairs"]:
            labels = frozenset(str(label) for label in raw["labels"]) - {rules.FIT_OK}
            pairs.append((str(raw["user"]), str(raw["reply"]), labels))
    return pairs


def train(files: Sequence[Path]) -> FitModel:
    """Fit one balanced logistic regression per label (scikit-learn, imported on use)."""
    pairs = load_labelled(files)
    documents = [pair_grams(user, reply) for user, reply, _ in pairs]
    scorers = {}
    for label in rules.FIT_LABELS:
        targets = [_YES if label in labels else _NO for _, _, labels in pairs]
        if len(set(targets)) == 2:  # a label no pair has (or every pair has) is not learned
            scorers[label] = TfidfLogistic.fit(documents, targets, C=C, class_weight="balanced")
    return FitModel(scorers, fingerprint(files))


def model() -> FitModel | None:
    """The process-wide model, loaded (or built) on first use; None when it cannot be had.

    Without it the check runs on its phrase lists alone, and says so in the log once.
    """
    global _model
    with _lock:
        if _model is None:
            _model = _load_or_train()
        return _model if _model.scorers else None


def set_model(value: FitModel | None) -> None:
    """Replace the process-wide model (tests)."""
    global _model
    with _lock:
        _model = value


def _load_or_train() -> FitModel:
    path = paths.MODEL_DIR / MODEL_FILE
    files = data_files()
    expected = fingerprint(files)
    try:
        found = FitModel.load(path)
        if found.fingerprint == expected:
            return found
        logger.warning("answer-fit model %s is stale; rebuilding it", path)
    except (OSError, KeyError, ValueError):
        logger.warning("answer-fit model %s is missing or unreadable; building it", path)
    try:
        built = train(files)
    except (ImportError, OSError, ValueError, KeyError, TypeError) as error:
        logger.error("answer-fit model unavailable (%s): phrase lists only", error)
        return FitModel({})
    built.save(path)
    return built
