"""Small inline SVG charts rendered on the server (pure; no JavaScript, no CDN).

Every text placed in the SVG is escaped; colours come from CSS classes in ``static/app.css``
(``series-0`` ...), so the markup carries no inline style and passes a strict CSP.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

logger = logging.getLogger(__name__)

WIDTH = 640
HEIGHT = 200
MARGIN_LEFT = 44
MARGIN_RIGHT = 12
MARGIN_TOP = 16
MARGIN_BOTTOM = 46


@dataclass(frozen=True)
class Series:
    """One named row of values (``None``: no value that day)."""

    name: str
    values: Sequence[float | int | Decimal | None]


def _escape(text: str) -> str:
    return html.escape(str(text), quote=True)


def nice_max(value: float) -> float:
    """Round a maximum up to 1, 2 or 5 times a power of ten (at least 1)."""
    if value <= 1:
        return 1.0
    power = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def _frame(title: str, labels: Sequence[str], top: float, percent: bool) -> list[str]:
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{_escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{_escape(title)}</title>",
    ]
    for fraction in (0, 0.5, 1):
        y = MARGIN_TOP + plot_h * (1 - fraction)
        value = top * fraction
        text = f"{value * 100:.0f}%" if percent else f"{value:g}"
        parts.append(
            f'<line class="grid" x1="{MARGIN_LEFT}" y1="{y:.1f}" x2="{WIDTH - MARGIN_RIGHT}" '
            f'y2="{y:.1f}"/>'
        )
        parts.append(
            f'<text class="axis" x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{_escape(text)}</text>'
        )
    step = max(1, len(labels) // 7)
    slot = plot_w / max(1, len(labels))
    for index, label in enumerate(labels):
        if index % step == 0:
            x = MARGIN_LEFT + slot * (index + 0.5)
            parts.append(
                f'<text class="axis" x="{x:.1f}" y="{MARGIN_TOP + plot_h + 16}" '
                f'text-anchor="middle">{_escape(label)}</text>'
            )
    return parts


def _legend(series: Sequence[Series]) -> list[str]:
    parts = []
    x = MARGIN_LEFT
    for index, item in enumerate(series):
        parts.append(
            f'<rect class="series-{index}" x="{x}" y="{HEIGHT - 13}" width="10" height="9"/>'
        )
        parts.append(
            f'<text class="legend" x="{x + 14}" y="{HEIGHT - 4}">{_escape(item.name)}</text>'
        )
        x += 14 + 13 * len(item.name) + 16
    return parts


def bar_chart(title: str, labels: Sequence[str], series: Sequence[Series]) -> str:
    """Return grouped bars (one group per label, one bar per series) as SVG markup.

    Args:
        title: Accessible title (also the tooltip of the chart).
        labels: One label per group, e.g. ``11-30``.
        series: The values, each as long as ``labels``.

    Raises:
        ValueError: A series does not have one value per label.
    """
    for item in series:
        if len(item.values) != len(labels):
            raise ValueError(f"series {item.name!r} has {len(item.values)} values")
    values = [float(v) for item in series for v in item.values if v is not None]
    top = nice_max(max(values, default=0.0))
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    slot = plot_w / max(1, len(labels))
    bar_w = slot * 0.8 / max(1, len(series))
    parts = _frame(title, labels, top, percent=False)
    for s_index, item in enumerate(series):
        for index, value in enumerate(item.values):
            if not value:
                continue
            height = plot_h * float(value) / top
            x = MARGIN_LEFT + slot * index + slot * 0.1 + bar_w * s_index
            y = MARGIN_TOP + plot_h - height
            parts.append(
                f'<rect class="bar series-{s_index}" x="{x:.1f}" y="{y:.1f}" '
                f'width="{bar_w:.1f}" height="{height:.1f}">'
                f"<title>{_escape(labels[index])} {_escape(item.name)}: "
                f"{_escape(f'{float(value):g}')}</title></rect>"
            )
    parts += _legend(series)
    parts.append("</svg>")
    return "".join(parts)


def line_chart(title: str, labels: Sequence[str], series: Sequence[Series]) -> str:
    """Return rates (0..1) as lines with points; days without a value break the line.

    Raises:
        ValueError: A series does not have one value per label.
    """
    for item in series:
        if len(item.values) != len(labels):
            raise ValueError(f"series {item.name!r} has {len(item.values)} values")
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    slot = plot_w / max(1, len(labels))
    parts = _frame(title, labels, 1.0, percent=True)
    for s_index, item in enumerate(series):
        segment: list[str] = []
        segments: list[list[str]] = [segment]
        for index, value in enumerate(item.values):
            if value is None:
                segment = []
                segments.append(segment)
                continue
            x = MARGIN_LEFT + slot * (index + 0.5)
            y = MARGIN_TOP + plot_h * (1 - min(1.0, max(0.0, float(value))))
            segment.append(f"{x:.1f},{y:.1f}")
            parts.append(
                f'<circle class="point series-{s_index}" cx="{x:.1f}" cy="{y:.1f}" r="3">'
                f"<title>{_escape(labels[index])} {_escape(item.name)}: "
                f"{float(value) * 100:.1f}%</title></circle>"
            )
        for points in segments:
            if len(points) > 1:
                parts.append(
                    f'<polyline class="line series-{s_index}" points="{" ".join(points)}"/>'
                )
    parts += _legend(series)
    parts.append("</svg>")
    return "".join(parts)
