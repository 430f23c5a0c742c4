from bot.compliance import features


def test_prepare_normalises_and_folds_digits() -> None:
    assert features.prepare("应还３２００元") == " 应还0元 "


def test_analyze_yields_char_ngrams_without_blank_grams() -> None:
    grams = features.analyze("老赖")
    assert "老" in grams and "老赖" in grams and " 老赖 " in grams
    assert all(not gram.isspace() for gram in grams)
    assert max(len(gram) for gram in grams) == features.MAX_N


def test_analyze_of_empty_text_is_empty() -> None:
    assert features.analyze("") == []
