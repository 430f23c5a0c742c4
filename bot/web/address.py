"""The client's network address, as the app may trust it."""

from __future__ import annotations

import logging

from aiohttp import web

logger = logging.getLogger(__name__)

UNKNOWN = "unknown"
MAX_ADDRESS = 64


def client_address(request: web.Request, trust_proxy: bool) -> str:
    """Return the address of the client that sent ``request``.

    Args:
        request: The request.
        trust_proxy: A reverse proxy (nginx) is in front: use the last ``X-Forwarded-For``
            entry, the one the proxy itself appended (earlier entries are the client's word).

    Returns:
        The address, or ``"unknown"`` when there is none.
    """
    if trust_proxy:
        forwarded = request.headers.get("X-Forwarded-For", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last[:MAX_ADDRESS]
    return (request.remote or UNKNOWN)[:MAX_ADDRESS]
