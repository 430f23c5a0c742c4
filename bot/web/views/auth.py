"""Log in, log out, and the home page that sends each role to its work."""

from __future__ import annotations

import logging

import aiohttp_jinja2
from aiohttp import web

from bot.web import staff
from bot.web.security import HOME_BY_ROLE, log_in, log_out, safe_next
from bot.web.state import current_user, run_db

logger = logging.getLogger(__name__)


async def home(request: web.Request) -> web.StreamResponse:
    """Send a user to the page of their role, an anonymous visitor to the login page."""
    user = current_user(request)
    raise web.HTTPFound(HOME_BY_ROLE[user.role] if user else "/login")


@aiohttp_jinja2.template("login.html")
async def login_page(request: web.Request) -> dict[str, object]:
    """Show the login form."""
    return {"next": safe_next(request.query.get("next"), ""), "error": None, "name": ""}


async def login(request: web.Request) -> web.StreamResponse:
    """Check the name and password; start a new session on success."""
    form = await request.post()
    name = str(form.get("name", ""))[:64]
    password = str(form.get("password", ""))[:1024]
    target = safe_next(str(form.get("next", "")), "")
    user = await run_db(request, staff.authenticate, name, password)
    if user is None:
        context = {"next": target, "error": "用户名或密码错误", "name": name}
        response = aiohttp_jinja2.render_template("login.html", request, context)
        response.set_status(401)
        return response
    await log_in(request, user)
    raise web.HTTPFound(target or HOME_BY_ROLE[user.role])


async def logout(request: web.Request) -> web.StreamResponse:
    """End the session and go back to the login page."""
    await log_out(request)
    raise web.HTTPFound("/login")
