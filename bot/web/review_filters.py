"""Filters of the trainer's conversation list: parsed from the query string, written back to links.

Pure: no database, no tracker store. The queries that apply a filter are in
:mod:`bot.web.review_queries`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from bot.db.web_models import TAG_LENGTH
from bot.web.review_errors import FilterError
from bot.web.transcript import FLAGS

logger = logging.getLogger(__name__)

MAX_TAGS = 20
NO_OUTCOME = "none"
OUTCOME_CHOICES: dict[str, str] = {
    "plan": "还款方案",
    "promise": "承诺还款",
    "dispute": "异议",
    "handoff": "转人工",
    "paid_claim": "声称已还",
    "stop_contact": "停止联系",
    "wrong_person": "非本人",
    "distress": "心理危机",
    NO_OUTCOME: "无结果",
}
_TAG_SPLIT = re.compile(r"[\s,，、;；]+")
_TAG_OK = re.compile(r"^[\w\-\u4e00-\u9fff]+$")


@dataclass(frozen=True)
class ReviewFilter:
    """What the trainer asked the conversation list to show.

    Attributes:
        start: First local day a conversation may start on.
        end: Last local day a conversation may start on.
        outcome: One of ``OUTCOME_CHOICES`` (``none``: no outcome and no hand-off).
        flags: Every flag a conversation must have (keys of ``transcript.FLAGS``).
        reviewed: Only reviewed (True) or unreviewed (False) ones.
        tag: A tag the conversation must carry.
        page: 1-based page number.
    """

    start: dt.date | None = None
    end: dt.date | None = None
    outcome: str | None = None
    flags: frozenset[str] = frozenset()
    reviewed: bool | None = None
    tag: str | None = None
    page: int = 1

    @classmethod
    def from_query(cls, query: Any) -> ReviewFilter:
        """Parse the list page's query string (a ``MultiDict`` or a plain mapping).

        Raises:
            FilterError: A date, outcome, flag, reviewed value or page is invalid.
        """
        flags = query.getall("flag", []) if hasattr(query, "getall") else query.get("flag", [])
        flags = [flags] if isinstance(flags, str) else list(flags)
        unknown = [f for f in flags if f not in FLAGS]
        if unknown:
            raise FilterError(f"未知标记：{', '.join(unknown)}")
        outcome = (query.get("outcome") or "").strip() or None
        if outcome is not None and outcome not in OUTCOME_CHOICES:
            raise FilterError(f"未知结果：{outcome}")
        reviewed = {"": None, "yes": True, "no": False}.get((query.get("reviewed") or "").strip())
        if reviewed is None and (query.get("reviewed") or "").strip():
            raise FilterError("reviewed 只能是 yes 或 no")
        page = (query.get("page") or "1").strip()
        if not page.isdigit() or int(page) < 1:
            raise FilterError("页码无效")
        tags = normalize_tags(query.get("tag") or "")
        start, end = _date(query.get("start")), _date(query.get("end"))
        if start and end and start > end:
            raise FilterError("开始日期晚于结束日期")
        return cls(
            start=start,
            end=end,
            outcome=outcome,
            flags=frozenset(flags),
            reviewed=reviewed,
            tag=tags[0] if tags else None,
            page=int(page),
        )

    def query(self, **changes: Any) -> str:
        """Return this filter as a query string, with some fields changed (for links)."""
        current = replace(self, **changes)
        pairs: list[tuple[str, str]] = []
        if current.start:
            pairs.append(("start", current.start.isoformat()))
        if current.end:
            pairs.append(("end", current.end.isoformat()))
        if current.outcome:
            pairs.append(("outcome", current.outcome))
        pairs.extend(("flag", flag) for flag in sorted(current.flags))
        if current.reviewed is not None:
            pairs.append(("reviewed", "yes" if current.reviewed else "no"))
        if current.tag:
            pairs.append(("tag", current.tag))
        if current.page != 1:
            pairs.append(("page", str(current.page)))
        return urlencode(pairs)


def _date(value: str | None) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise FilterError(f"日期格式应为 YYYY-MM-DD：{value}") from None


def normalize_tags(raw: str | Iterable[str]) -> list[str]:
    """Split, lower-case and deduplicate tags; drop the ones with odd characters.

    Args:
        raw: ``"wrong-intent, 好例子"`` or a list of tags.

    Returns:
        At most ``MAX_TAGS`` tags of letters, digits, ``_``, ``-`` or Chinese characters.
    """
    parts = _TAG_SPLIT.split(raw) if isinstance(raw, str) else list(raw)
    tags: list[str] = []
    for part in parts:
        tag = part.strip().lower()[:TAG_LENGTH]
        if tag and _TAG_OK.match(tag) and tag not in tags:
            tags.append(tag)
    return tags[:MAX_TAGS]


def day_bounds(start: dt.date | None, end: dt.date | None, zone: ZoneInfo) -> tuple[Any, Any]:
    """Return Unix seconds of local midnight at ``start`` and after ``end`` (or ``None``)."""

    def midnight(day: dt.date) -> float:
        return dt.datetime.combine(day, dt.time(), tzinfo=zone).timestamp()

    return (
        midnight(start) if start else None,
        midnight(end + dt.timedelta(days=1)) if end else None,
    )
