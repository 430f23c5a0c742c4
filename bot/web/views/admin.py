"""User administration for admins: list, create, change role, (de)activate, reset password.

A password reset or a deactivation ends the user's sessions (their session version goes up);
an admin who resets their own password stays logged in on this session only. Hashing a new
password takes a slot of the hashing gate like a login does.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session

from bot.db.web_models import StaffRole
from bot.web import staff
from bot.web.payload import form_data
from bot.web.security import SESSION_VERSION_KEY, flash, require
from bot.web.state import HASH_GATE, current_user, run_db
from bot.web.throttle import BusyError

logger = logging.getLogger(__name__)


def _back() -> web.HTTPFound:
    return web.HTTPFound("/admin/users")


@require("users")
@aiohttp_jinja2.template("users.html")
async def users_page(request: web.Request) -> dict[str, Any]:
    """Every staff user, and the form to create one."""
    return {"users": await run_db(request, staff.list_users), "roles": list(StaffRole)}


async def _apply(
    request: web.Request, work: Any, *args: Any, done: str, hashes: bool = False
) -> web.StreamResponse:
    try:
        if hashes:
            async with request.app[HASH_GATE].slot():
                result = await run_db(request, work, *args)
        else:
            result = await run_db(request, work, *args)
    except staff.StaffError as error:
        await flash(request, str(error), "error")
    except BusyError:
        await flash(request, "请求较多，请稍后再试", "error")
    else:
        user = current_user(request)
        if isinstance(result, staff.StaffView) and user is not None and result.id == user.id:
            session = await get_session(request)
            session[SESSION_VERSION_KEY] = result.session_version
        await flash(request, done)
    raise _back()


@require("users")
async def create_user(request: web.Request) -> web.StreamResponse:
    """Create a user from the form (name, role, password)."""
    form = await form_data(request)
    name = str(form.get("name", "")).strip()
    return await _apply(
        request,
        staff.create_user,
        name,
        str(form.get("password", "")),
        str(form.get("role", "")),
        done=f"已创建用户 {name}",
        hashes=True,
    )


@require("users")
async def set_role(request: web.Request) -> web.StreamResponse:
    """Change a user's role."""
    form = await form_data(request)
    name = request.match_info["name"]
    return await _apply(
        request, staff.set_role, name, str(form.get("role", "")), done=f"{name} 的角色已更新"
    )


@require("users")
async def set_active(request: web.Request) -> web.StreamResponse:
    """Deactivate or reactivate a user (admins cannot deactivate themselves)."""
    form = await form_data(request)
    name = request.match_info["name"]
    active = str(form.get("active", "")) == "yes"
    user = current_user(request)
    if user is not None and user.name == name and not active:
        await flash(request, "不能停用自己的账号", "error")
        raise _back()
    return await _apply(
        request, staff.set_active, name, active, done=f"{name} 已{'启用' if active else '停用'}"
    )


@require("users")
async def set_password(request: web.Request) -> web.StreamResponse:
    """Set a new password for a user."""
    form = await form_data(request)
    name = request.match_info["name"]
    return await _apply(
        request,
        staff.set_password,
        name,
        str(form.get("password", "")),
        done=f"{name} 的密码已更新",
        hashes=True,
    )
