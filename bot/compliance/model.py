"""The sentence classifier at run time: a TF-IDF + multinomial logistic regression.

The model is trained by ``bot.compliance.train`` with scikit-learn and stored as plain
arrays (``var/models/guard/guard.npz``: vocabulary, idf, coefficients, intercepts, classes,
threshold). ``bot.textclf.TfidfLogistic`` scores them again with numpy, so a check needs
neither scikit-learn nor a pickle, and costs a few dozen microseconds per sentence.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from bot.compliance import features, rules
from bot.textclf import TfidfLogistic

logger = logging.getLogger(__name__)


class GuardModelError(RuntimeError):
    """The guard model is missing, unreadable, or stale and cannot be rebuilt."""


@dataclass(frozen=True)
class Prediction:
    """The classifier's view of one sentence.

    Attributes:
        label: The most likely violating category (never ``ok``).
        p_ok: Probability that the sentence is compliant.
        violating: True when ``p_ok`` is below the model's threshold.
    """

    label: str
    p_ok: float
    violating: bool


class LinearModel:
    """TF-IDF features and a linear multinomial classifier, scored with numpy."""

    def __init__(self, scorer: TfidfLogistic, threshold: float, fingerprint: str = "") -> None:
        """Build a model from its fitted scorer.

        Args:
            scorer: The TF-IDF vocabulary and coefficients (one class is ``ok``).
            threshold: A sentence is violating when P(ok) < threshold.
            fingerprint: Hash of the training data and feature version.
        """
        self.scorer = scorer
        self.classes = scorer.classes
        self.threshold = float(threshold)
        self.fingerprint = fingerprint
        self.ok_column = self.classes.index(rules.OK_LABEL)

    def probabilities(self, text: str) -> NDArray[np.float64]:
        """Return class probabilities for a sentence, in ``self.classes`` order."""
        return self.scorer.probabilities(features.analyze(text))

    def predict(self, text: str) -> Prediction:
        """Classify one sentence."""
        probs = self.probabilities(text)
        p_ok = float(probs[self.ok_column])
        ranked = np.argsort(-probs)
        label = next(self.classes[i] for i in ranked if i != self.ok_column)
        return Prediction(label, p_ok, p_ok < self.threshold)

    def save(self, path: Path) -> None:
        """Write the model arrays to ``path`` (a .npz file), atomically."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        with partial.open("wb") as handle:
            np.savez_compressed(
                handle,
                **self.scorer.arrays(),
                threshold=np.array(self.threshold),
                fingerprint=np.array(self.fingerprint, dtype=str),
            )
        os.replace(partial, path)  # atomic: a concurrent reader never sees half a file

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        """Read a model written by ``save``.

        Raises:
            GuardModelError: When the file is missing or malformed.
        """
        try:
            with np.load(path, allow_pickle=False) as arrays:
                return cls(
                    TfidfLogistic.from_arrays(arrays),
                    threshold=float(arrays["threshold"]),
                    fingerprint=str(arrays["fingerprint"]),
                )
        except (OSError, KeyError, ValueError) as error:
            raise GuardModelError(f"cannot read guard model {path}: {error}") from error
