"""TF-IDF features with a multinomial logistic regression, stored as plain arrays.

Shared by the compliance guard (``bot.compliance.model``) and the intent classifier
(``bot.nlu.intent_classifier``). The caller turns a text into its n-grams; this module fits
the model with scikit-learn and scores it again with numpy, so inference needs neither
scikit-learn nor a pickle (the arrays go into a ``.npz`` file with ``allow_pickle=False``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

ARRAY_NAMES = ("vocabulary", "idf", "coef", "intercept", "classes", "sublinear_tf")


def char_ngrams(framed: str, min_n: int, max_n: int) -> list[str]:
    """Every character n-gram (min_n..max_n) of ``framed``, repeated as often as it occurs.

    Grams made only of spaces are skipped; frame the text with spaces so grams see its edges.
    """
    return [
        gram
        for size in range(min_n, max_n + 1)
        for start in range(len(framed) - size + 1)
        if not (gram := framed[start : start + size]).isspace()
    ]


class TfidfLogistic:
    """A fitted TF-IDF vocabulary and linear classifier, scored with numpy."""

    def __init__(
        self,
        vocabulary: Sequence[str],
        idf: NDArray[np.float64],
        coef: NDArray[np.float64],
        intercept: NDArray[np.float64],
        classes: Sequence[str],
        sublinear_tf: bool = True,
    ) -> None:
        """Build a scorer from its arrays.

        Args:
            vocabulary: The n-gram of each feature column.
            idf: Inverse document frequency per column, shape (V,).
            coef: Coefficients, shape (K, V) for K classes.
            intercept: Intercepts, shape (K,).
            classes: The label of each row of ``coef``.
            sublinear_tf: Whether term frequency was 1 + log(tf) in training.
        """
        self.vocabulary = list(vocabulary)
        self.index = {gram: column for column, gram in enumerate(self.vocabulary)}
        self.idf = np.asarray(idf, dtype=np.float64)
        self.weights = np.ascontiguousarray(np.asarray(coef, dtype=np.float64).T)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.classes = [str(label) for label in classes]
        self.column_of = {label: row for row, label in enumerate(self.classes)}
        self.sublinear_tf = bool(sublinear_tf)

    @classmethod
    def fit(
        cls,
        documents: Sequence[Sequence[str]],
        labels: Sequence[str],
        *,
        C: float,
        seed: int = 42,
        max_iter: int = 5000,
        solver: str = "lbfgs",
        class_weight: str | None = None,
    ) -> TfidfLogistic:
        """Fit on documents given as their n-grams (scikit-learn, imported here).

        Args:
            documents: The n-grams of each training text, repeated as often as they occur.
            labels: The label of each document.
            C: Inverse regularisation strength of the logistic regression.
            seed: Random state of the solver.
            max_iter: Iteration budget of the solver.
            solver: scikit-learn solver name.
            class_weight: scikit-learn's ``class_weight`` (``"balanced"`` for rare labels).

        Raises:
            ValueError: With fewer than two distinct labels.
        """
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        if len(set(labels)) < 2:
            raise ValueError("a classifier needs at least two labels")
        vectorizer = TfidfVectorizer(analyzer=list, sublinear_tf=True, dtype=np.float64)
        matrix = vectorizer.fit_transform([list(grams) for grams in documents])
        classifier = LogisticRegression(
            C=C, solver=solver, max_iter=max_iter, random_state=seed, class_weight=class_weight
        )
        classifier.fit(matrix, list(labels))
        coef, intercept = classifier.coef_, classifier.intercept_
        if coef.shape[0] == 1:  # two classes: one row of scores for the second; softmax needs both
            coef = np.vstack([np.zeros_like(coef), coef])
            intercept = np.concatenate([np.zeros_like(intercept), intercept])
        return cls(
            vocabulary=vectorizer.get_feature_names_out().tolist(),
            idf=vectorizer.idf_,
            coef=coef,
            intercept=intercept,
            classes=[str(label) for label in classifier.classes_],
        )

    def probabilities(self, grams: Iterable[str]) -> NDArray[np.float64]:
        """Class probabilities of one text given its n-grams, in ``self.classes`` order."""
        counts = Counter(grams)
        columns: list[int] = []
        values: list[float] = []
        for gram, count in counts.items():
            column = self.index.get(gram)
            if column is None:
                continue
            columns.append(column)
            values.append(1.0 + math.log(count) if self.sublinear_tf else float(count))
        scores = self.intercept.copy()
        if columns:
            weights = np.asarray(values) * self.idf[columns]
            norm = math.sqrt(float(weights @ weights))
            scores += (weights / norm) @ self.weights[columns]
        scores -= scores.max()
        exp = np.exp(scores)
        probabilities: NDArray[np.float64] = exp / exp.sum()
        return probabilities

    def arrays(self) -> dict[str, NDArray[Any]]:
        """The arrays that ``from_arrays`` reads back (for ``np.savez``)."""
        return {
            "vocabulary": np.array(self.vocabulary, dtype=str),
            "idf": self.idf,
            "coef": self.weights.T,
            "intercept": self.intercept,
            "classes": np.array(self.classes, dtype=str),
            "sublinear_tf": np.array(self.sublinear_tf),
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, NDArray[Any]] | np.lib.npyio.NpzFile) -> TfidfLogistic:
        """Rebuild a scorer from ``arrays()`` output.

        Raises:
            KeyError: When an array is missing.
        """
        return cls(
            vocabulary=[str(gram) for gram in arrays["vocabulary"]],
            idf=arrays["idf"],
            coef=arrays["coef"],
            intercept=arrays["intercept"],
            classes=[str(label) for label in arrays["classes"]],
            sublinear_tf=bool(arrays["sublinear_tf"]),
        )
