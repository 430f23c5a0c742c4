"""Character n-gram features shared by training and inference.

Training hands ``analyze`` to scikit-learn's TfidfVectorizer; inference recomputes
the same TF-IDF vector by hand (``model.LinearModel``), so both see identical features.
"""

from __future__ import annotations

import re

from bot.compliance.text import normalize
from bot.textclf import char_ngrams

#: Bump when the feature function changes: a stored model with another version is stale.
FEATURE_VERSION = 1
MIN_N = 1
MAX_N = 4
_DIGITS = re.compile(r"\d+")


def prepare(text: str) -> str:
    """Normalise a sentence for the classifier (digits runs become one ``0``).

    Args:
        text: A sentence.

    Returns:
        Normalised text framed by spaces, so n-grams see its edges.
    """
    return " " + _DIGITS.sub("0", normalize(text).text) + " "


def analyze(text: str) -> list[str]:
    """Return the character n-grams (MIN_N..MAX_N) of a sentence.

    Args:
        text: A sentence (raw; it is prepared here).

    Returns:
        Every n-gram, repeated as often as it occurs; pure-space grams are skipped.
    """
    return char_ngrams(prepare(text), MIN_N, MAX_N)
