"""Model comparison behind the guard's design: ``python -m bot.compliance.compare``.

Trains each candidate sentence classifier on ``data/compliance``, picks its P(ok)
threshold by the same 5-fold cross-validation, plugs it into ``check()`` and reports
held-out recall / false alarms (``tests/compliance``), training time and latency:

* ``tfidf-lr``: char 1-4-gram TF-IDF + logistic regression (what the guard ships);
* ``spacy-bow``: spaCy ``textcat`` with ``TextCatBOW`` (char 1-4-grams) on a blank
  ``zh`` pipeline (character segmenter), 20 epochs;
* ``spacy-ensemble``: spaCy's default ``textcat`` (BOW + CNN tok2vec ensemble).

spaCy is imported only here; the guard itself does not need it. Slow (minutes): it
trains every spaCy model six times.
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from bot.compliance import dataset, features, guard, paths, rules, train
from bot.compliance.bench import measure, sample_texts
from bot.compliance.evaluate import evaluate
from bot.compliance.model import Prediction

if TYPE_CHECKING:
    from spacy.pipeline import TextCategorizer

EPOCHS = 20
BOW_CONFIG = {
    "model": {
        "@architectures": "spacy.TextCatBOW.v2",
        "exclusive_classes": True,
        "ngram_size": 4,
        "no_output_layer": False,
    }
}


def fit_spacy(texts: list[str], labels: list[str], architecture: str) -> Any:
    """Train a spaCy textcat pipeline on a blank ``zh`` pipeline.

    Args:
        texts: Sentences.
        labels: Their labels (``ok`` or a category).
        architecture: ``bow`` or ``ensemble``.

    Returns:
        The trained ``Language`` object.
    """
    import spacy
    from spacy.training.example import Example
    from spacy.util import minibatch
    from thinc.api import fix_random_seed  # what spacy.util re-exports

    fix_random_seed(train.SEED)
    shuffler = random.Random(train.SEED)
    nlp = spacy.blank("zh")
    config = BOW_CONFIG if architecture == "bow" else {}
    textcat = cast("TextCategorizer", nlp.add_pipe("textcat", config=config))
    classes = sorted(set(labels))
    for label in classes:
        textcat.add_label(label)
    examples = [
        Example.from_dict(
            nlp.make_doc(features.prepare(text)),
            {"cats": {label: float(label == gold) for label in classes}},
        )
        for text, gold in zip(texts, labels, strict=True)
    ]
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(EPOCHS):
        shuffler.shuffle(examples)
        # spacy.util.minibatch has no annotations, hence the ignore.
        for batch in minibatch(examples, size=16):  # type: ignore[no-untyped-call]
            nlp.update(batch, sgd=optimizer)
    return nlp


@dataclass
class SpacyModel:
    """Adapter giving a spaCy pipeline the guard model's ``predict`` interface."""

    nlp: Any
    threshold: float

    def predict(self, text: str) -> Prediction:
        """Classify one sentence."""
        cats = self.nlp(features.prepare(text)).cats
        p_ok = float(cats[rules.OK_LABEL])
        label = max((c for c in cats if c != rules.OK_LABEL), key=cats.__getitem__)
        return Prediction(label, p_ok, p_ok < self.threshold)


def _spacy_p_ok(architecture: str) -> Any:
    def fit_predict(train_texts: list[str], train_labels: list[str], texts: list[str]) -> Any:
        nlp = fit_spacy(train_texts, train_labels, architecture)
        return np.array([nlp(features.prepare(t)).cats[rules.OK_LABEL] for t in texts])

    return fit_predict


def _score(model: Any, threshold: float, started: float) -> dict[str, float]:
    train_seconds = time.perf_counter() - started
    guard.set_model(model)
    try:
        overall = evaluate(dataset.load_dir(paths.TEST_DIR))["ALL"]
        latency = measure(sample_texts(), rounds=1)
    finally:
        guard.set_model(None)
    return {
        "threshold": threshold,
        "recall": overall.recall,
        "false_alarm": overall.false_alarm,
        "train_s": train_seconds,
        "mean_ms": latency["mean"],
        "p95_ms": latency["p95"],
    }


def compare(candidates: list[str]) -> dict[str, dict[str, float]]:
    """Train, evaluate and time each candidate; return their numbers."""
    texts, labels = train.training_set(dataset.load_dir(paths.TRAIN_DIR))
    results = {}
    for name in candidates:
        started = time.perf_counter()
        if name == "tfidf-lr":
            model: Any = train.build_model(paths.TRAIN_DIR)
            threshold = model.threshold
        else:
            architecture = name.removeprefix("spacy-")
            p_ok = train.cross_validated_p_ok(texts, labels, _spacy_p_ok(architecture))
            threshold, _ = train.choose_threshold(p_ok, texts, labels)
            model = SpacyModel(fit_spacy(texts, labels, architecture), threshold)
        results[name] = _score(model, threshold, started)
        print(name, _format(results[name]), flush=True)
    return results


def _format(row: dict[str, float]) -> str:
    return (
        f"threshold {row['threshold']:.2f}  held-out recall {row['recall']:.3f}  "
        f"false alarms {row['false_alarm']:.3f}  train+cv {row['train_s']:.0f}s  "
        f"check() mean {row['mean_ms']:.3f} ms p95 {row['p95_ms']:.3f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print one line per candidate."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "candidates",
        nargs="*",
        default=["tfidf-lr", "spacy-bow", "spacy-ensemble"],
        help="tfidf-lr, spacy-bow, spacy-ensemble",
    )
    compare(parser.parse_args(argv).candidates)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
