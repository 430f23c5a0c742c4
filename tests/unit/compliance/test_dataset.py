"""The labelled data itself: size, spread, and a held-out split that is really held out."""

from collections import Counter
from pathlib import Path

import pytest

from bot.compliance import dataset, paths, rules
from bot.compliance.text import normalize

TRAIN = dataset.load_dir(paths.TRAIN_DIR)
TEST = dataset.load_dir(paths.TEST_DIR)


def test_training_split_size_and_spread() -> None:
    assert sum(ex.violating for ex in TRAIN) >= 300
    assert sum(not ex.violating for ex in TRAIN) >= 300
    per_category = Counter(ex.category for ex in TRAIN if ex.violating)
    for category in rules.ALL_CATEGORIES:
        assert per_category[category] >= 5, category
    for category in rules.TEXT_CATEGORIES:
        assert per_category[category] >= 25, category


def test_held_out_split_size_and_spread() -> None:
    assert sum(ex.violating for ex in TEST) >= 120
    assert sum(not ex.violating for ex in TEST) >= 120
    per_category = Counter(ex.category for ex in TEST if ex.violating)
    for category in rules.ALL_CATEGORIES:
        assert per_category[category] >= 3, category


def test_both_splits_have_english() -> None:
    for split in (TRAIN, TEST):
        english = [ex for ex in split if ex.text.isascii()]
        assert len(english) >= 0.1 * len(split)


def _grams(text: str) -> set[str]:
    norm = normalize(text).text
    return {norm[i : i + 3] for i in range(max(1, len(norm) - 2))}


def test_held_out_sentences_are_not_near_copies_of_training() -> None:
    train_grams = [(ex.text, _grams(ex.text)) for ex in TRAIN]
    for example in TEST:
        grams = _grams(example.text)
        for text, other in train_grams:
            similarity = len(grams & other) / len(grams | other)
            # the few identical short context examples (quiet hours, right-party) differ in context
            if example.context is None or example.text != text:
                assert similarity < 0.6, (example.text, text)


def test_no_duplicates_within_a_split() -> None:
    for split in (TRAIN, TEST):
        keys = Counter((ex.text, ex.context) for ex in split)
        assert [key for key, count in keys.items() if count > 1] == []


def test_parse_context() -> None:
    context = dataset.parse_context(
        {
            "verified": False,
            "local_time": "2024-05-20T23:10:00",
            "recorded_legal_actions": ["lawsuit"],
        }
    )
    assert context is not None
    assert context.verified is False
    assert context.local_time is not None and context.local_time.hour == 23
    assert context.recorded_legal_actions == frozenset({"lawsuit"})
    assert dataset.parse_context(None) is None
    with pytest.raises(ValueError, match="unknown context keys"):
        dataset.parse_context({"verfied": True})


def test_unknown_category_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "x.yml"
    path.write_text("category: nonsense\nviolating: [a]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown category"):
        dataset.load_file(path)
