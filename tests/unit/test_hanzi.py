"""Traditional characters read as simplified, keeping every offset (bot.hanzi)."""

import pytest

from bot.hanzi import to_simplified


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("會唔會有差人上門拉我", "会唔会有差人上门拉我"),
        ("呢張卡唔係我申請嘅", "呢张卡唔系我申请嘅"),
        ("欠款記錄會上報征信", "欠款记录会上报征信"),
    ],
)
def test_traditional_characters_become_simplified(traditional: str, simplified: str) -> None:
    assert to_simplified(traditional) == simplified


@pytest.mark.parametrize(
    "text", ["我想分期还款，下周五还2000", "I will pay on Friday", "", "😀 ok"]
)
def test_simplified_text_and_other_scripts_are_unchanged(text: str) -> None:
    assert to_simplified(text) == text


def test_the_length_never_changes_so_spans_stay_valid() -> None:
    text = "乾隆後來著書，會計師說：「這筆錢不是我借的」"
    assert len(to_simplified(text)) == len(text)
