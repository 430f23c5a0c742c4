"""Middlewares: error pages, the logged-in user, CSRF checks.

Order (outermost first): errors → session (aiohttp-session) → user → CSRF. Security headers are
added to every response, error pages included, by :mod:`bot.web.headers`.
"""

from __future__ import annotations

import logging

import aiohttp_jinja2
from aiohttp import web
from aiohttp.typedefs import Handler
from aiohttp_session import get_session

from bot.web import staff
from bot.web.payload import form_data
from bot.web.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    USER_ID_KEY,
    is_api,
    session_is_current,
    token_matches,
)
from bot.web.state import CONFIG, USER, run_db
from bot.web.templating import base_context, fallback_context

logger = logging.getLogger(__name__)

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
ERROR_TITLES = {
    400: "请求有误",
    401: "请先登录",
    403: "没有权限",
    404: "页面不存在",
    405: "不支持的请求",
    413: "内容太长",
    502: "后端服务不可用",
    503: "服务暂时不可用",
}


async def _error_response(request: web.Request, status: int, detail: str) -> web.StreamResponse:
    title = ERROR_TITLES.get(status, "服务器出错")
    if is_api(request):
        return web.json_response({"error": detail or title, "status": status}, status=status)
    try:
        context = await base_context(request)
    except Exception:  # the session itself may be what failed
        context = fallback_context(request)
    context.update(status=status, title=title, detail=detail)
    response = aiohttp_jinja2.render_template("error.html", request, context)
    response.set_status(status)
    return response


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Render HTTP errors as pages (JSON under ``/api/``) and hide unexpected exceptions."""
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        detail = error.text if error.content_type == "text/plain" else error.reason
        if detail and detail.startswith(f"{error.status}:"):
            detail = error.reason
        if error.status == 413:
            limit = request.app[CONFIG].max_body_bytes // 1024
            detail = f"内容太长：请求不能超过 {limit} KiB"
        return await _error_response(request, error.status, detail or "")
    except Exception:
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return await _error_response(request, 500, "")


@web.middleware
async def user_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Load the logged-in staff user (``request[USER]``).

    A session of a deactivated user, or one started before the user's last logout or password
    change (an older session version), is ended. A session without a user (a borrower, or
    staff before login) is kept in a browser-session cookie: no ``Max-Age``, no ``Expires``.
    """
    request[USER] = None
    if request.path.startswith("/static/"):
        return await handler(request)
    session = await get_session(request)
    user_id = session.get(USER_ID_KEY)
    if isinstance(user_id, int):
        user = await run_db(request, staff.get_user, user_id)
        if user is None or not session_is_current(session, user):
            session.invalidate()
            user = None
        request[USER] = user
    try:
        return await handler(request)
    finally:
        current = await get_session(request)
        if USER_ID_KEY not in current:
            current.max_age = None


@web.middleware
async def csrf_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse a state-changing request whose CSRF token does not match the session's."""
    if request.method in UNSAFE_METHODS:
        candidate = request.headers.get(CSRF_HEADER)
        if candidate is None and request.content_type in FORM_TYPES:
            form = await form_data(request)
            value = form.get(CSRF_FIELD)
            candidate = value if isinstance(value, str) else None
        session = await get_session(request)
        if not token_matches(session, candidate):
            logger.warning("CSRF token missing or wrong on %s %s", request.method, request.path)
            raise web.HTTPForbidden(reason="CSRF token missing or invalid")
    return await handler(request)
