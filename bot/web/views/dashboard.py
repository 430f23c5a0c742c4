"""The dashboard: daily counts and rates, and outbound contacts, as a page and as JSON."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from markupsafe import Markup

from bot.web import charts, dashboard
from bot.web.security import require
from bot.web.state import TRACKER, ZONE, run_db

logger = logging.getLogger(__name__)


def _day(request: web.Request, name: str) -> dt.date | None:
    raw = request.query.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise web.HTTPBadRequest(text=f"{name} must be YYYY-MM-DD") from None


async def _period(request: web.Request) -> dashboard.Period:
    zone = request.app[ZONE]
    try:
        start, end = dashboard.period(
            _day(request, "start"), _day(request, "end"), dt.datetime.now(zone).date()
        )
    except dashboard.DashboardError as error:
        raise web.HTTPBadRequest(text=str(error)) from None
    return await run_db(
        request,
        lambda session: dashboard.daily_stats(request.app[TRACKER], session, start, end, zone),
    )


def _charts(period: dashboard.Period) -> list[tuple[str, Markup]]:
    """The three charts of the page, as (title, SVG); charts.py escapes every text it writes."""
    labels = [day.day.strftime("%m-%d") for day in period.days if day.day]
    days = period.days
    series = charts.Series
    counts = [
        series("对话", [d.conversations for d in days]),
        series("已核身", [d.verified for d in days]),
    ]
    outcomes = [
        series("分期", [d.plans for d in days]),
        series("承诺", [d.promises for d in days]),
        series("异议", [d.disputes for d in days]),
        series("转人工", [d.handoffs for d in days]),
        series("拦截", [d.blocked for d in days]),
    ]
    rates = [
        series("核身率", [d.verified_rate for d in days]),
        series("分期率", [d.plan_rate for d in days]),
        series("承诺率", [d.promise_rate for d in days]),
        series("守约率", [d.kept_rate for d in days]),
    ]
    return [
        ("每日对话与核身", Markup(charts.bar_chart("每日对话与核身", labels, counts))),
        ("每日结果", Markup(charts.bar_chart("每日结果", labels, outcomes))),
        ("每日比率", Markup(charts.line_chart("每日比率", labels, rates))),
    ]


@require("dashboard")
@aiohttp_jinja2.template("dashboard.html")
async def dashboard_page(request: web.Request) -> dict[str, Any]:
    """Counts, rates and charts for the chosen days (default: the last 14)."""
    period = await _period(request)
    return {"period": period, "charts": _charts(period)}


@require("dashboard")
async def dashboard_api(request: web.Request) -> web.StreamResponse:
    """The same figures as JSON."""
    period = await _period(request)
    return web.json_response(
        {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "days": [day.as_dict() for day in period.days],
            "totals": period.totals.as_dict(),
            "contacts": [row.as_dict() for row in period.contacts],
        }
    )
