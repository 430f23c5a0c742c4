"""Request size limit and API security headers on the Rasa server.

Why: Sanic's default ``REQUEST_MAX_SIZE`` is 100 MB, and Rasa reads any body it is sent. A
channel webhook (what borrowers and the internet reach) declaring more than
:data:`bot.inbound.MAX_REQUEST_BYTES` gets 413 before its body is read, so no NLU work starts;
the token-protected API (test stories, events) may send up to
:data:`bot.inbound.MAX_ACTION_REQUEST_BYTES`, Sanic's hard limit for everything. Every
response carries the headers of :data:`bot.serve.headers.API_HEADERS`. A JSON body that is not
JSON, or a ``/model/parse`` body without a string ``text``, gets 400 (Rasa answered 500).
``rasa.core.run.configure_app`` builds the app for ``rasa run``; we wrap it.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import rasa.core.run
from sanic import response

from bot.inbound import MAX_ACTION_REQUEST_BYTES, MAX_REQUEST_BYTES
from bot.serve.headers import add_api_headers

WEBHOOKS = "/webhooks/"


def body_limit(path: str) -> int:
    """The largest body a request to ``path`` may declare."""
    return MAX_REQUEST_BYTES if path.startswith(WEBHOOKS) else MAX_ACTION_REQUEST_BYTES


async def refuse_large_bodies(request: Any) -> Any:
    """Sanic request middleware: 413 for a declared body above the path's limit."""
    declared = request.headers.get("Content-Length", "0")
    if not declared.isdigit() or int(declared) > body_limit(request.path):
        return response.json({"error": "request body too large"}, status=413)
    return None


def bad_json(path: str, content_type: str, body: bytes) -> str | None:
    """Why a request body cannot be what the route expects, or None."""
    is_parse = path == "/model/parse"
    if not is_parse and (not body or "json" not in content_type):
        return None
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return "body must be UTF-8 encoded JSON"
    if path == "/model/parse" and not (
        isinstance(data, dict) and isinstance(data.get("text"), str)
    ):
        return 'body must be a JSON object with a string "text"'
    return None


async def refuse_bad_json(request: Any) -> Any:
    """Sanic request middleware: 400 for a malformed JSON body on the API."""
    if request.path.startswith(WEBHOOKS) or request.method not in ("POST", "PUT"):
        return None
    reason = bad_json(request.path, request.content_type or "", request.body or b"")
    return response.json({"error": reason}, status=400) if reason else None


def harden(app: Any) -> Any:
    """Set the size limits and the header middleware on a Sanic app; return it."""
    app.config.REQUEST_MAX_SIZE = MAX_ACTION_REQUEST_BYTES
    app.register_middleware(refuse_large_bodies, "request")
    app.register_middleware(refuse_bad_json, "request")
    app.register_middleware(add_api_headers, "response")
    return app


def apply() -> None:
    """Wrap ``rasa.core.run.configure_app``."""
    original = rasa.core.run.configure_app
    if getattr(original, "_hardened", False):
        return

    @functools.wraps(original)
    def configure_app(*args: Any, **kwargs: Any) -> Any:
        return harden(original(*args, **kwargs))

    configure_app._hardened = True  # type: ignore[attr-defined]  # a marker on the wrapper
    rasa.core.run.configure_app = configure_app
