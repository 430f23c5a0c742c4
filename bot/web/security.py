"""Roles, login sessions, CSRF tokens and the role check every view declares.

Roles and what they may do (``PERMISSIONS``):

| permission | agent | trainer | admin |
|---|---|---|---|
| ``assist`` (agent assist page and API) | yes | yes | yes |
| ``review`` (review, annotate, export) | | yes | yes |
| ``dashboard`` | | yes | yes |
| ``users`` (user administration) | | | yes |

A view wrapped in :func:`require` answers an anonymous request with a redirect to the login
page (pages) or ``401`` JSON (``/api/``), and a user without the permission with a ``403`` page
or ``403`` JSON. The session (an encrypted cookie) holds the user id and a CSRF token; every
state-changing request must echo the token in the ``_csrf`` form field or the ``X-CSRF-Token``
header (:mod:`bot.web.middlewares` checks it).
"""

from __future__ import annotations

import functools
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from aiohttp import web
from aiohttp_session import Session, get_session, new_session

from bot.db.web_models import StaffRole
from bot.web.staff import StaffView
from bot.web.state import USER

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

PERMISSIONS: dict[str, frozenset[StaffRole]] = {
    "assist": frozenset({StaffRole.AGENT, StaffRole.TRAINER, StaffRole.ADMIN}),
    "review": frozenset({StaffRole.TRAINER, StaffRole.ADMIN}),
    "dashboard": frozenset({StaffRole.TRAINER, StaffRole.ADMIN}),
    "users": frozenset({StaffRole.ADMIN}),
}
HOME_BY_ROLE: dict[StaffRole, str] = {
    StaffRole.AGENT: "/assist",
    StaffRole.TRAINER: "/review",
    StaffRole.ADMIN: "/admin/users",
}
CSRF_KEY = "csrf"
CSRF_FIELD = "_csrf"
CSRF_HEADER = "X-CSRF-Token"
USER_ID_KEY = "user_id"
API_PREFIX = "/api/"


def is_api(request: web.Request) -> bool:
    """Tell whether the request goes to the JSON API (errors are then JSON too)."""
    return request.path.startswith(API_PREFIX)


def allowed(user: StaffView | None, permission: str) -> bool:
    """Tell whether a user has a permission (``False`` for anonymous users)."""
    return user is not None and user.role in PERMISSIONS[permission]


def safe_next(target: str | None, default: str = "/") -> str:
    """Return a local path to go to after login (never another site)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def login_url(request: web.Request) -> str:
    """Return the login page URL that comes back to this page."""
    return "/login?" + urlencode({"next": request.path_qs})


def require(permission: str) -> Callable[[Handler], Handler]:
    """Decorate a view: only users with ``permission`` may call it.

    Raises:
        KeyError: Unknown permission (at decoration time, so a typo fails at import).
    """
    roles = PERMISSIONS[permission]

    def decorator(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(request: web.Request) -> web.StreamResponse:
            user: StaffView | None = request.get(USER)
            if user is None:
                if is_api(request):
                    raise web.HTTPUnauthorized(reason="login required")
                raise web.HTTPFound(login_url(request))
            if user.role not in roles:
                logger.info("user %s refused %s (%s)", user.name, request.path, permission)
                raise web.HTTPForbidden(reason=f"forbidden: needs {permission}")
            return await handler(request)

        guarded.permission = permission  # type: ignore[attr-defined]
        return guarded

    return decorator


def new_token() -> str:
    """Return a fresh random CSRF token."""
    return secrets.token_urlsafe(32)


async def csrf_token(request: web.Request) -> str:
    """Return the session's CSRF token, creating it (and the session) if needed."""
    session = await get_session(request)
    token = session.get(CSRF_KEY)
    if not token:
        token = new_token()
        session[CSRF_KEY] = token
    return token


def token_matches(session: Session, candidate: str | None) -> bool:
    """Compare a submitted CSRF token with the session's in constant time."""
    expected = session.get(CSRF_KEY)
    return bool(expected and candidate) and hmac.compare_digest(str(expected), str(candidate))


async def log_in(request: web.Request, user: StaffView) -> None:
    """Start a fresh session for ``user`` (new cookie, new CSRF token: no session fixation)."""
    session = await new_session(request)
    session[USER_ID_KEY] = user.id
    session[CSRF_KEY] = new_token()
    logger.info("staff user %s logged in", user.name)


async def log_out(request: web.Request) -> None:
    """End the session."""
    session = await get_session(request)
    session.invalidate()


async def flash(request: web.Request, message: str, kind: str = "info") -> None:
    """Keep a message for the next page shown to this session."""
    session = await get_session(request)
    session["flash"] = [*session.get("flash", []), [kind, message]][-5:]


async def pop_flashes(request: web.Request) -> list[tuple[str, str]]:
    """Return and forget the messages kept for this session."""
    session = await get_session(request)
    messages = session.pop("flash", []) if "flash" in session else []
    return [(kind, text) for kind, text in messages]
