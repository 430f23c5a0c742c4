"""Server-sent events: open a stream, write events, and wait without outliving the app.

A stream lasts at most ``MAX_STREAM_SECONDS`` (the browser's ``EventSource`` reconnects by
itself after ``RETRY_MS``), and ends at once when the app shuts down, so a closing server never
waits for open pages.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from aiohttp import web

from bot.web.state import CLOSING

logger = logging.getLogger(__name__)

MAX_STREAM_SECONDS = 300.0
RETRY_MS = 1000
KEEPALIVE_SECONDS = 15.0


async def open_stream(request: web.Request) -> web.StreamResponse:
    """Start a ``text/event-stream`` response (no caching, no proxy buffering)."""
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream; charset=utf-8",
            "Cache-Control": "no-cache, no-store",
            "X-Accel-Buffering": "no",
        }
    )
    await response.prepare(request)
    await response.write(f"retry: {RETRY_MS}\n\n".encode())
    return response


async def send(
    response: web.StreamResponse, event: str, data: Any, event_id: str | None = None
) -> None:
    """Write one event (``data`` as JSON on one line)."""
    lines = [f"event: {event}"]
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append("data: " + json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    await response.write(("\n".join(lines) + "\n\n").encode("utf-8"))


async def ping(response: web.StreamResponse) -> None:
    """Write a comment, so proxies and the browser keep the connection."""
    await response.write(b": ping\n\n")


def gone(request: web.Request) -> bool:
    """Whether the client left or the app is shutting down."""
    transport = request.transport
    return transport is None or transport.is_closing() or request.app[CLOSING].is_set()


async def pause(request: web.Request, seconds: float) -> bool:
    """Sleep up to ``seconds``; return ``False`` when the stream must end instead."""
    closing = request.app[CLOSING]
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(closing.wait(), seconds)
    return not gone(request)


async def on_shutdown(app: web.Application) -> None:
    """End every open stream (``app.on_shutdown``)."""
    app[CLOSING].set()
