"""A stand-in for Rasa's HTTP API on a free local port, recording what the outreach sender asks.

It runs in a thread of its own (the command under test runs its own event loop) and answers
``POST /conversations/{id}/tracker/events`` with each status of ``statuses`` in turn (then 200);
``HANG`` makes it answer only after ``hang_seconds``.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

HANG = 0


@dataclass(frozen=True)
class Received:
    """One request as Rasa would have seen it."""

    path: str
    query: dict[str, str]
    body: Any


@dataclass
class RasaStub:
    """What the stub was sent, and how it answers."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    hang_seconds: float = 2.0

    @property
    def events(self) -> list[dict[str, Any]]:
        """Every event received, in order."""
        return [event for r in self.received for event in r.body]


def _app(stub: RasaStub) -> web.Application:
    async def append_events(request: web.Request) -> web.Response:
        body = await request.json()
        stub.received.append(Received(request.path, dict(request.query), body))
        status = stub.statuses.pop(0) if stub.statuses else 200
        if status == HANG:
            await asyncio.sleep(stub.hang_seconds)
            status = 200
        if status >= 400:
            return web.json_response(
                {"status": "failure", "reason": "ConversationError"}, status=status
            )
        return web.json_response(
            {"sender_id": request.match_info["conversation_id"], "events": body}
        )

    app = web.Application()
    app.router.add_post("/conversations/{conversation_id}/tracker/events", append_events)
    return app


@contextmanager
def rasa_stub() -> Iterator[RasaStub]:
    """Serve the stub on 127.0.0.1 and a free port while the ``with`` block runs."""
    stub = RasaStub()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(_app(stub))
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    host, port = runner.addresses[0][:2]
    stub.url = f"http://{host}:{port}"
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
