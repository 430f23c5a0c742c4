"""Train the guard's sentence classifier: ``python -m bot.compliance.train``.

Char 1-4-gram TF-IDF (``features.analyze``) + multinomial logistic regression
(scikit-learn), trained on ``data/compliance`` only. The P(ok) threshold is picked by
5-fold cross-validation on the training data, counting a sentence as flagged when a
pattern or the classifier flags it: the highest recall whose false-alarm rate stays within
``FALSE_ALARM_BUDGET`` (below the 0.05 target, whose compliant side here is mostly hard
negatives), else the lowest cost (misses cost twice as much as false alarms).
Everything is seeded, so the same data gives the same model.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from bot.compliance import dataset, features, fit_model, paths, patterns, rules
from bot.compliance.model import LinearModel
from bot.compliance.text import normalize
from bot.textclf import TfidfLogistic

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

logger = logging.getLogger(__name__)

SEED = 20240601
C = 20.0
FOLDS = 5
MISS_COST = 2.0
FALSE_ALARM_BUDGET = 0.04
THRESHOLDS = tuple(round(0.20 + 0.02 * step, 2) for step in range(36))  # 0.20 .. 0.90


def training_fingerprint(train_dir: Path) -> str:
    """Hash of the training data, the feature version and the hyper-parameters."""
    digest = hashlib.sha256(dataset.fingerprint(train_dir).encode())
    digest.update(
        f"features={features.FEATURE_VERSION};C={C};seed={SEED};"
        f"budget={FALSE_ALARM_BUDGET}".encode()
    )
    return digest.hexdigest()


def training_set(examples: list[dataset.Example]) -> tuple[list[str], list[str]]:
    """Return (texts, labels) of the examples that train the classifier."""
    pairs = [(ex.text, ex.train_label) for ex in examples if ex.train_label is not None]
    return [text for text, _ in pairs], [str(label) for _, label in pairs]


def _fit(texts: list[str], labels: list[str]) -> tuple[TfidfVectorizer, LogisticRegression]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer=features.analyze, sublinear_tf=True, dtype=np.float64)
    matrix = vectorizer.fit_transform(texts)
    classifier = LogisticRegression(C=C, solver="newton-cg", max_iter=1000, random_state=SEED)
    classifier.fit(matrix, labels)
    return vectorizer, classifier


def _pattern_flags(texts: list[str]) -> NDArray[np.bool_]:
    return np.array([bool(patterns.find(normalize(text).text)) for text in texts])


def sklearn_p_ok(
    train_texts: list[str], train_labels: list[str], texts: list[str]
) -> NDArray[np.float64]:
    """Fit on one split and return P(ok) for ``texts`` (used for cross-validation)."""
    vectorizer, classifier = _fit(train_texts, train_labels)
    probs = classifier.predict_proba(vectorizer.transform(texts))
    p_ok: NDArray[np.float64] = probs[:, list(classifier.classes_).index(rules.OK_LABEL)]
    return p_ok


def cross_validated_p_ok(
    texts: list[str],
    labels: list[str],
    fit_predict: Callable[[list[str], list[str], list[str]], NDArray[np.float64]] = sklearn_p_ok,
) -> NDArray[np.float64]:
    """Out-of-fold P(ok) per sentence, by stratified k-fold cross-validation.

    Args:
        texts: Training sentences.
        labels: Their labels.
        fit_predict: Trains on (texts, labels) and returns P(ok) for other texts.

    Returns:
        P(ok) for every sentence, predicted by a model that did not see it.
    """
    from sklearn.model_selection import StratifiedKFold

    y = np.array(labels)
    p_ok = np.zeros(len(texts))
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for train_index, test_index in folds.split(texts, y):
        p_ok[test_index] = fit_predict(
            [texts[i] for i in train_index],
            [str(label) for label in y[train_index]],
            [texts[i] for i in test_index],
        )
    return p_ok


def choose_threshold(
    p_ok: NDArray[np.float64], texts: list[str], labels: list[str]
) -> tuple[float, dict[str, float]]:
    """Pick the P(ok) threshold from out-of-fold predictions.

    A sentence counts as flagged when a pattern or the classifier flags it. Among the
    thresholds whose false-alarm rate is within ``FALSE_ALARM_BUDGET``, the one with the
    highest recall wins (the lowest such threshold on ties); when none is, the one with
    the lowest cost (a missed violation costs ``MISS_COST``, a false alarm 1).

    Args:
        p_ok: Out-of-fold P(ok) per sentence.
        texts: The sentences.
        labels: Their labels.

    Returns:
        The threshold and the cross-validated recall / false-alarm rate at it.
    """
    violating = np.array(labels) != rules.OK_LABEL
    pattern = _pattern_flags(texts)
    best: tuple[float, float, dict[str, float]] | None = None
    within: tuple[float, float, dict[str, float]] | None = None
    for threshold in THRESHOLDS:
        flagged = pattern | (p_ok < threshold)
        misses = int(np.sum(violating & ~flagged))
        alarms = int(np.sum(~violating & flagged))
        cost = MISS_COST * misses + alarms
        stats = {
            "recall": 1 - misses / max(1, int(violating.sum())),
            "false_alarm": alarms / max(1, int((~violating).sum())),
        }
        if best is None or cost < best[0]:
            best = (cost, threshold, stats)
        if stats["false_alarm"] <= FALSE_ALARM_BUDGET and (
            within is None or stats["recall"] > within[0]
        ):
            within = (stats["recall"], threshold, stats)
    chosen = within or best
    assert chosen is not None
    return chosen[1], chosen[2]


def build_model(train_dir: Path = paths.TRAIN_DIR) -> LinearModel:
    """Train the classifier on a training directory and return it (not saved).

    Args:
        train_dir: Directory of category YAML files.

    Returns:
        The trained model, with its threshold and data fingerprint.

    Raises:
        ValueError: When the directory holds no usable training sentence.
    """
    texts, labels = training_set(dataset.load_dir(train_dir))
    if len(set(labels)) < 2 or rules.OK_LABEL not in labels:
        raise ValueError(f"no usable training data in {train_dir}")
    threshold, stats = choose_threshold(cross_validated_p_ok(texts, labels), texts, labels)
    vectorizer, classifier = _fit(texts, labels)
    vocabulary = vectorizer.get_feature_names_out().tolist()
    logger.info(
        "guard model: %d sentences, %d features, threshold %.2f "
        "(cv recall %.3f, false alarms %.3f)",
        len(texts),
        len(vocabulary),
        threshold,
        stats["recall"],
        stats["false_alarm"],
    )
    scorer = TfidfLogistic(
        vocabulary, vectorizer.idf_, classifier.coef_, classifier.intercept_, classifier.classes_
    )
    return LinearModel(
        scorer,
        threshold=threshold,
        fingerprint=training_fingerprint(train_dir),
    )


def main(argv: list[str] | None = None) -> int:
    """Train and save the model; print a one-line summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=paths.TRAIN_DIR, help="training data dir")
    parser.add_argument("--out", type=Path, default=paths.MODEL_DIR, help="model output dir")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    started = time.perf_counter()
    model = build_model(args.data)
    target = args.out / paths.MODEL_FILE
    model.save(target)
    print(
        f"saved {target} ({len(model.scorer.index)} features, classes {len(model.classes)}, "
        f"threshold {model.threshold:.2f}) in {time.perf_counter() - started:.1f}s"
    )
    if args.out == paths.MODEL_DIR:  # the answer-fit check's learned half, from data/answer_fit
        fit_files = fit_model.data_files()
        fit_model.train(fit_files).save(paths.MODEL_DIR / fit_model.MODEL_FILE)
        print(f"saved the answer-fit model ({len(fit_files)} pair files)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
