from bot.compliance.text import normalize, split_sentences


def test_normalize_folds_fullwidth_and_case_keeping_offsets() -> None:
    norm = normalize("ＡＢｃ１２３")
    assert norm.text == "abc123"
    assert norm.offsets == (0, 1, 2, 3, 4, 5)


def test_normalize_drops_spaces_between_cjk_and_zero_width() -> None:
    text = "坐 \u200b牢 you  will"
    norm = normalize(text)
    assert norm.text == "坐牢 you will"
    start, end = norm.span(0, 2)
    assert text[start:end] == "坐 \u200b牢"


def test_span_of_empty_range_is_empty() -> None:
    norm = normalize("abc")
    assert norm.span(1, 1) == (1, 1)
    assert norm.span(3, 3) == (3, 3)
    assert normalize("").span(0, 0) == (0, 0)


def test_split_sentences_keeps_terminators_and_trims() -> None:
    text = "你好。 请问方便吗？Yes. ok"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["你好。", "请问方便吗？", "Yes.", "ok"]


def test_split_sentences_does_not_split_decimals_or_commas() -> None:
    text = "应还3.5元，谢谢"
    assert split_sentences(text) == [(0, len(text))]


def test_split_sentences_of_blank_text_is_empty() -> None:
    assert split_sentences("  \n ") == []
