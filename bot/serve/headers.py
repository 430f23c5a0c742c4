"""Security headers of the JSON APIs (Rasa server, action server)."""

from __future__ import annotations

from typing import Any

API_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


async def add_api_headers(request: Any, response: Any) -> None:
    """Sanic response middleware: set :data:`API_HEADERS` on every response."""
    if response is None:
        return
    for name, value in API_HEADERS.items():
        response.headers.setdefault(name, value)
