"""Leave one pair file out: how the learned answer-fit check does on a writer it has not seen.

``python -m bot.compliance.fit_model_cv [--threshold 0.7]`` trains ``fit_model`` on every file of
``data/answer_fit/`` but one, checks that one with the phrase lists alone and with the model
added, and prints precision and recall per held-out file and overall. Only a file the phrase
lists were not developed on says how the rules generalise; every file says how the model does.
The held-out sets in ``tests/answer_fit/`` are never read.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.compliance import fit_model, rules
from bot.compliance.answer_fit import check_reply


@dataclass
class Counts:
    """Decisions over (pair, label): true and false positives, misses."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, expected: bool, found: bool) -> None:
        """Count one (pair, label) decision."""
        self.tp += expected and found
        self.fp += found and not expected
        self.fn += expected and not found

    def text(self) -> str:
        """Precision / recall."""
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return f"{precision:.3f} / {recall:.3f}"


def leave_one_out(files: Sequence[Path], threshold: float) -> dict[str, tuple[Counts, Counts]]:
    """(phrase lists, phrase lists + model) counts for each file held out in turn."""
    results = {}
    for held in files:
        model = fit_model.train([path for path in files if path != held])
        words, learned = Counts(), Counts()
        for user, reply, labels in fit_model.load_labelled([held]):
            by_words = set(check_reply(user, reply).labels)
            probabilities = model.probabilities(user, reply)
            by_model = by_words | {k for k, p in probabilities.items() if p >= threshold}
            for label in rules.FIT_LABELS:
                words.add(label in labels, label in by_words)
                learned.add(label in labels, label in by_model)
        results[held.name] = (words, learned)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=fit_model.THRESHOLD)
    args = parser.parse_args(argv)
    results = leave_one_out(fit_model.data_files(), args.threshold)
    print(f"{'held-out file':<18}{'phrase lists':>16}{'+ model':>16}   (precision / recall)")
    for name, (words, learned) in results.items():
        print(f"{name:<18}{words.text():>16}{learned.text():>16}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
