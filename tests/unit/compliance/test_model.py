from pathlib import Path

import numpy as np
import pytest

from bot.compliance import dataset, train
from bot.compliance.model import GuardModelError, LinearModel
from bot.textclf import TfidfLogistic


def test_numpy_scoring_matches_scikit_learn(tiny_dataset: Path) -> None:
    texts, labels = train.training_set(dataset.load_dir(tiny_dataset))
    vectorizer, classifier = train._fit(texts, labels)
    scorer = TfidfLogistic(
        vectorizer.get_feature_names_out().tolist(),
        vectorizer.idf_,
        classifier.coef_,
        classifier.intercept_,
        list(classifier.classes_),
    )
    model = LinearModel(scorer, threshold=0.5)
    probes = [*texts, "完全没见过的句子", "", "you will be arrested", "老赖老赖老赖"]
    expected = classifier.predict_proba(vectorizer.transform(probes))
    actual = np.array([model.probabilities(text) for text in probes])
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-12)


def test_predict_names_the_most_likely_violation(tiny_dataset: Path) -> None:
    model = train.build_model(tiny_dataset)
    prediction = model.predict("你这个废物蠢货")
    assert prediction.label == "no-insult"
    assert prediction.violating
    assert not model.predict("请通过官方渠道还款").violating


def test_save_and_load_round_trip(tiny_dataset: Path, tmp_path: Path) -> None:
    model = train.build_model(tiny_dataset)
    path = tmp_path / "guard" / "guard.npz"
    model.save(path)
    loaded = LinearModel.load(path)
    assert loaded.classes == model.classes
    assert loaded.threshold == model.threshold
    assert loaded.fingerprint == model.fingerprint
    assert loaded.scorer.index == model.scorer.index  # n-grams with leading/trailing spaces survive
    text = "等着坐牢吧 老赖"
    np.testing.assert_allclose(loaded.probabilities(text), model.probabilities(text))


def test_load_of_missing_or_bad_file_raises(tmp_path: Path) -> None:
    with pytest.raises(GuardModelError):
        LinearModel.load(tmp_path / "missing.npz")
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a model")
    with pytest.raises(GuardModelError):
        LinearModel.load(bad)
