"""Log in, log out, and the home page that sends each role to its work.

Logins back off: after ``WEB_LOGIN_MAX_FAILURES`` failures within ``WEB_LOGIN_WINDOW_MINUTES``
for one account name, or from one address, the form answers 429 without checking the password
until the window has passed. Password checks (Argon2, about 64 MiB each) run at most
``WEB_HASH_CONCURRENCY`` at a time; a login that finds no free slot in time gets a 503.
"""

from __future__ import annotations

import logging

import aiohttp_jinja2
from aiohttp import web

from bot.web import staff
from bot.web.address import client_address
from bot.web.payload import form_data
from bot.web.security import HOME_BY_ROLE, log_in, log_out, safe_next
from bot.web.state import CONFIG, HASH_GATE, LOGIN_THROTTLE, current_user, run_db
from bot.web.throttle import BusyError, retry_seconds

logger = logging.getLogger(__name__)

WRONG_LOGIN = "用户名或密码错误"
BUSY = "登录请求较多，请稍后再试"


def _too_many(minutes: int) -> str:
    return f"登录失败次数过多，请 {minutes} 分钟后再试"


async def home(request: web.Request) -> web.StreamResponse:
    """Send a user to the page of their role, an anonymous visitor to the login page."""
    user = current_user(request)
    raise web.HTTPFound(HOME_BY_ROLE[user.role] if user else "/login")


@aiohttp_jinja2.template("login.html")
async def login_page(request: web.Request) -> dict[str, object]:
    """Show the login form."""
    return {"next": safe_next(request.query.get("next"), ""), "error": None, "name": ""}


def _refuse(
    request: web.Request, status: int, error: str, name: str, target: str, retry: int = 0
) -> web.StreamResponse:
    context = {"next": target, "error": error, "name": name}
    response = aiohttp_jinja2.render_template("login.html", request, context)
    response.set_status(status)
    if retry:
        response.headers["Retry-After"] = str(retry)
    return response


async def login(request: web.Request) -> web.StreamResponse:
    """Check the name and password; start a new session on success."""
    form = await form_data(request)
    name = str(form.get("name", ""))[:64]
    password = str(form.get("password", ""))[:1024]
    target = safe_next(str(form.get("next", "")), "")
    address = client_address(request, request.app[CONFIG].trust_proxy)
    throttle = request.app[LOGIN_THROTTLE]
    wait = throttle.retry_after(name, address)
    if wait > 0:
        logger.warning("login refused for %r from %s: too many failures", name, address)
        retry = retry_seconds(wait)
        return _refuse(request, 429, _too_many(-(-retry // 60)), name, target, retry)
    try:
        async with request.app[HASH_GATE].slot():
            user = await run_db(request, staff.authenticate, name, password)
    except BusyError:
        logger.warning("login refused for %r: no free hashing slot", name)
        return _refuse(request, 503, BUSY, name, target, retry=5)
    if user is None:
        throttle.failed(name, address)
        return _refuse(request, 401, WRONG_LOGIN, name, target)
    throttle.succeeded(name)
    await log_in(request, user)
    raise web.HTTPFound(target or HOME_BY_ROLE[user.role])


async def logout(request: web.Request) -> web.StreamResponse:
    """End the session (and every copy of it) and go back to the login page."""
    await log_out(request)
    raise web.HTTPFound("/login")
