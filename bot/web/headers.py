"""Security headers on every response: pages, JSON, static files and error pages alike.

They are added in the ``on_response_prepare`` signal, which runs for every response the app
sends, including those that middlewares build from exceptions (403, 404, 405, 413, 500).
"""

from __future__ import annotations

import logging

from aiohttp import web

logger = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)
HSTS = "max-age=31536000; includeSubDomains"
STATIC_PREFIX = "/static/"


def security_headers(secure: bool) -> dict[str, str]:
    """The headers every response carries.

    Args:
        secure: The app is served over HTTPS (secure cookies): add Strict-Transport-Security.
    """
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
    }
    if secure:
        headers["Strict-Transport-Security"] = HSTS
    return headers


def setup_security_headers(app: web.Application, secure: bool) -> None:
    """Add the security headers (and ``Cache-Control: no-store`` off ``/static/``) to the app."""
    fixed = security_headers(secure)

    async def add_headers(request: web.Request, response: web.StreamResponse) -> None:
        for name, value in fixed.items():
            response.headers.setdefault(name, value)
        if not request.path.startswith(STATIC_PREFIX):
            response.headers.setdefault("Cache-Control", "no-store")

    # aiohttp 3.8 declares the signal for aiosignal 1.3; aiosignal 1.4's ParamSpec typing no
    # longer matches it, though the call is the documented one.
    app.on_response_prepare.append(add_headers)  # type: ignore[arg-type]
