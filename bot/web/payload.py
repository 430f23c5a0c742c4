"""Reading what a caller sends: a JSON object or a form, and text cleaned of invisible controls.

Every malformed input is a ``400`` with a short reason (never a 500): a body that is empty, not
UTF-8, not JSON, too deeply nested, or not an object; a field of the wrong type or length.
"""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from multidict import MultiDictProxy

from bot import inbound

logger = logging.getLogger(__name__)


def clean_text(text: str) -> str:
    """Remove control characters (newline kept), bidi controls and lone surrogates; trim."""
    return inbound.clean_text(text, keep_newlines=True)


async def json_body(request: web.Request, *, decimals: bool = False) -> Any:
    """Return the request body as JSON (any value).

    Args:
        request: The request.
        decimals: Read numbers with a fraction as ``Decimal`` (amounts), not ``float``.

    Raises:
        web.HTTPBadRequest: Empty, not UTF-8, not JSON, or too deep.
        web.HTTPRequestEntityTooLarge: Larger than the app's ``client_max_size``.
    """
    raw = await request.read()
    if not raw.strip():
        raise web.HTTPBadRequest(text="body is empty")
    try:
        return json.loads(raw.decode("utf-8"), parse_float=Decimal if decimals else None)
    except UnicodeDecodeError:
        raise web.HTTPBadRequest(text="body must be UTF-8") from None
    except (ValueError, RecursionError, ArithmeticError):
        raise web.HTTPBadRequest(text="body must be JSON") from None


async def json_object(request: web.Request) -> dict[str, Any]:
    """Return the request body as a JSON object.

    Raises:
        web.HTTPBadRequest: Empty, not UTF-8, not JSON, too deep, or not an object.
        web.HTTPRequestEntityTooLarge: Larger than the app's ``client_max_size``.
    """
    body = await json_body(request)
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="body must be a JSON object")
    return body


async def form_data(request: web.Request) -> MultiDictProxy[Any]:
    """Return the posted form (URL-encoded or multipart).

    Raises:
        web.HTTPBadRequest: Not decodable (bytes that are not UTF-8, an unknown charset, a
            broken multipart body).
        web.HTTPRequestEntityTooLarge: Larger than the app's ``client_max_size``.
    """
    try:
        return await request.post()
    except (UnicodeDecodeError, LookupError, ValueError, HttpProcessingError) as error:
        logger.info("unreadable form on %s: %s", request.path, error)
        raise web.HTTPBadRequest(text="form must be UTF-8 form data") from None


def text_field(body: dict[str, Any], key: str, limit: int, required: bool = True) -> str:
    """Return a cleaned string field of a JSON object.

    Args:
        body: The object.
        key: Field name.
        limit: Largest length in characters (after cleaning).
        required: Refuse a missing or blank field.

    Raises:
        web.HTTPBadRequest: Not a string, blank when required, or too long.
    """
    value = body.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise web.HTTPBadRequest(text=f"{key} must be a string")
    value = clean_text(value)
    if required and not value:
        raise web.HTTPBadRequest(text=f"{key} is empty")
    if len(value) > limit:
        raise web.HTTPBadRequest(text=f"{key} longer than {limit} characters")
    return value
