"""Jinja2 templates: the environment (autoescape on), filters and the variables every page sees."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_session import get_session

from bot.web.security import CSRF_KEY, allowed, new_token, pop_flashes
from bot.web.state import USER, ZONE

logger = logging.getLogger(__name__)

ROLE_LABELS = {"agent": "坐席", "trainer": "训练师", "admin": "管理员"}


async def base_context(request: web.Request) -> dict[str, Any]:
    """Variables every template sees: the user, the CSRF token, permissions, flashes."""
    user = request.get(USER)
    session = await get_session(request)
    if not session.get(CSRF_KEY):
        session[CSRF_KEY] = new_token()
    return {
        "user": user,
        "csrf_token": session[CSRF_KEY],
        "can": lambda permission: allowed(user, permission),
        "flashes": await pop_flashes(request),
        "role_labels": ROLE_LABELS,
    }


def fallback_context(request: web.Request) -> dict[str, Any]:
    """Variables for a page rendered when the session cannot be read (error pages)."""
    user = request.get(USER)
    return {
        "user": user,
        "csrf_token": "",
        "can": lambda permission: allowed(user, permission),
        "flashes": [],
        "role_labels": ROLE_LABELS,
    }


def _filters(app: web.Application) -> dict[str, Any]:
    def localtime(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
        if value is None:
            return ""
        return value.astimezone(app[ZONE]).strftime(fmt)

    def percent(value: Decimal | float | None) -> str:
        return "—" if value is None else f"{float(value) * 100:.1f}%"

    def confidence(value: float | None) -> str:
        return "—" if value is None else f"{value:.2f}"

    return {"localtime": localtime, "percent": percent, "confidence": confidence}


def setup_templates(app: web.Application) -> None:
    """Attach the Jinja2 environment to the app (HTML autoescaped, undefined names fail)."""
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.PackageLoader("bot.web", "templates"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        context_processors=[base_context],
        filters=_filters(app),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
