import re

import pytest

from bot.web import charts
from bot.web.charts import Series


def test_nice_max() -> None:
    assert [charts.nice_max(v) for v in (0, 0.4, 3, 7, 12, 49, 51, 1000)] == [
        1,
        1,
        5,
        10,
        20,
        50,
        100,
        1000,
    ]


def test_bar_chart_draws_one_bar_per_nonzero_value_and_escapes_text() -> None:
    svg = charts.bar_chart(
        "<b>对话</b>", ["11-28", "<x>"], [Series("a&b", [3, 0]), Series("c", [1, 2])]
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert len(re.findall(r'<rect class="bar', svg)) == 3
    assert "<b>" not in svg and "&lt;b&gt;对话&lt;/b&gt;" in svg
    assert "&lt;x&gt;" in svg and "a&amp;b" in svg
    assert "style=" not in svg and "<script" not in svg


def test_bar_heights_are_proportional() -> None:
    svg = charts.bar_chart("t", ["a", "b"], [Series("s", [5, 10])])
    heights = [float(h) for h in re.findall(r'class="bar[^"]*"[^>]*height="([\d.]+)"', svg)]
    assert heights[1] == pytest.approx(2 * heights[0])


def test_line_chart_breaks_on_missing_values() -> None:
    svg = charts.line_chart(
        "比率", ["1", "2", "3", "4", "5"], [Series("r", [0.5, 1.0, None, 0.25, 0.75])]
    )
    assert len(re.findall("<polyline", svg)) == 2
    assert len(re.findall("<circle", svg)) == 4
    assert "100%" in svg and "50.0%" in svg


def test_series_must_match_the_labels() -> None:
    with pytest.raises(ValueError, match="values"):
        charts.bar_chart("t", ["a", "b"], [Series("s", [1])])
    with pytest.raises(ValueError, match="values"):
        charts.line_chart("t", ["a"], [Series("s", [1, 2])])
