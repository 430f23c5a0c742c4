"""Roles, login sessions, CSRF tokens and the role check every view declares.

Roles and what they may do (``PERMISSIONS``):

| permission | agent | trainer | admin |
|---|---|---|---|
| ``assist`` (agent assist page and API) | yes | yes | yes |
| ``desk`` (the hand-off queue and live takeover) | yes | | yes |
| ``review`` (review, annotate, export) | | yes | yes |
| ``dashboard`` | | yes | yes |
| ``users`` (user administration) | | | yes |
| ``payments`` (record the issuer's payments, ``POST /api/payments``) | | | yes |
| ``notices`` (read and download the formal notices issued, ``/notices/<id>``) | | yes | yes |

Recording payments changes balances and promise outcomes, so it is an admin's permission: the
issuer's system that posts payments logs in as a dedicated admin user (``docs/payments.md``).

A view wrapped in :func:`require` answers an anonymous request with a redirect to the login
page (pages) or ``401`` JSON (``/api/``), and a user without the permission with a ``403`` page
or ``403`` JSON. The session (an encrypted cookie) holds the user id, the user's session
version (checked against the database on every request) and a CSRF token; every
state-changing request must echo the token in the ``_csrf`` form field or the ``X-CSRF-Token``
header (:mod:`bot.web.middlewares` checks it).
"""

from __future__ import annotations

import functools
import hmac
import logging
import secrets
import unicodedata
from collections.abc import Awaitable, Callable
from urllib.parse import unquote, urlencode, urlsplit

from aiohttp import web
from aiohttp_session import Session, get_session, new_session

from bot.db.web_models import StaffRole
from bot.web.staff import StaffView, end_sessions
from bot.web.state import USER, run_db

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

PERMISSIONS: dict[str, frozenset[StaffRole]] = {
    "assist": frozenset({StaffRole.AGENT, StaffRole.TRAINER, StaffRole.ADMIN}),
    "desk": frozenset({StaffRole.AGENT, StaffRole.ADMIN}),
    "review": frozenset({StaffRole.TRAINER, StaffRole.ADMIN}),
    "dashboard": frozenset({StaffRole.TRAINER, StaffRole.ADMIN}),
    "users": frozenset({StaffRole.ADMIN}),
    "payments": frozenset({StaffRole.ADMIN}),
    "notices": frozenset({StaffRole.TRAINER, StaffRole.ADMIN}),
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
SESSION_VERSION_KEY = "session_version"
MAX_NEXT = 2000
API_PREFIX = "/api/"


def is_api(request: web.Request) -> bool:
    """Tell whether the request goes to the JSON API (errors are then JSON too)."""
    return request.path.startswith(API_PREFIX)


def allowed(user: StaffView | None, permission: str) -> bool:
    """Tell whether a user has a permission (``False`` for anonymous users)."""
    return user is not None and user.role in PERMISSIONS[permission]


def _is_local_path(text: str) -> bool:
    if not text.startswith("/") or text.startswith("//") or "\\" in text:
        return False
    if any(c.isspace() or unicodedata.category(c) in ("Cc", "Cf") for c in text):
        return False
    parts = urlsplit(text)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default: str = "/") -> str:
    """Return a same-site path to go to after login (never another site).

    The target must be a relative path starting with a single ``/``, with no backslash, no
    scheme or host, and no whitespace or control character, in itself and after every level
    of URL-decoding (browsers drop tabs and newlines: ``/%09/evil.com`` would become
    ``//evil.com``).

    Args:
        target: The ``next`` the caller asked for.
        default: What to return when ``target`` is missing or unsafe.
    """
    if not target or len(target) > MAX_NEXT:
        return default
    text = target
    for _ in range(4):
        if not _is_local_path(text):
            return default
        decoded = unquote(text)
        if decoded == text:
            return target
        text = decoded
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
    """Start a fresh session for ``user`` (new cookie, new CSRF token: no session fixation).

    The session remembers the user's session version; a later logout or password change raises
    the version in the database, and every copy of this cookie stops working.
    """
    session = await new_session(request)
    session[USER_ID_KEY] = user.id
    session[SESSION_VERSION_KEY] = user.session_version
    session[CSRF_KEY] = new_token()
    logger.info("staff user %s logged in", user.name)


def session_is_current(session: Session, user: StaffView) -> bool:
    """Tell whether a session was started at the user's current session version."""
    return session.get(SESSION_VERSION_KEY) == user.session_version


async def log_out(request: web.Request) -> None:
    """End the session here, and every copy of it (the user's session version goes up)."""
    session = await get_session(request)
    user: StaffView | None = request.get(USER)
    if user is not None:
        await run_db(request, end_sessions, user.id)
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
