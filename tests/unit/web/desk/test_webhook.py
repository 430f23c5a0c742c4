"""The urgent-hand-off webhook against a local fake: once per hand-off, no personal data."""

from __future__ import annotations

import asyncio
import json
import logging

import aiohttp
import pytest
from aiohttp import web

from bot.db.repositories import Repositories
from bot.db.settings import session_scope
from bot.desk.watcher import QueueWatcher


@pytest.fixture
async def hook(aiohttp_server):
    received: list[dict] = []
    state = {"status": 200, "delay": 0.0}

    async def receive(request: web.Request) -> web.Response:
        received.append(await request.json())
        await asyncio.sleep(state["delay"])
        return web.Response(status=state["status"])

    app = web.Application()
    app.router.add_post("/hook", receive)
    server = await aiohttp_server(app)
    return str(server.make_url("/hook")), received, state


async def _watcher(session_factory, url: str, http, timeout: float = 2.0) -> QueueWatcher:
    return QueueWatcher(session_factory, http=http, webhook_url=url, webhook_timeout=timeout)


async def test_each_urgent_handoff_is_announced_once_without_personal_data(session_factory, hook):
    url, received, _ = hook
    with session_scope(session_factory) as session:
        repos = Repositories(session)
        customer = repos.customers.find_by_mobile("13800001111")
        account = repos.accounts.for_customer(customer.id)[0]
        urgent = repos.handoffs.add(
            conversation_id="conv-sos",
            reason="distress",
            urgency="urgent",
            account_id=account.id,
            customer_id=customer.id,
            detail="我不想活了 13800001111",
        )
    async with aiohttp.ClientSession() as http:
        first = await _watcher(session_factory, url, http)
        second = await _watcher(session_factory, url, http)  # another web process
        for _ in range(2):
            await first.tick()
            await second.tick()
        await first.drain()
        await second.drain()
    ids = sorted(body["handoff_id"] for body in received)
    assert ids == sorted([2, urgent.id])  # the sample distress hand-off and the new one, once each
    body = next(b for b in received if b["handoff_id"] == urgent.id)
    assert body == {
        "event": "urgent_handoff",
        "handoff_id": urgent.id,
        "reason": "distress",
        "urgency": "urgent",
        "account": "尾号6217",
        "created_at": body["created_at"],
        "desk_path": "/desk",
    }
    text = json.dumps(received, ensure_ascii=False)
    for personal in ("13800001111", "138****1111", "张", "不想活", "conv-sos"):
        assert personal not in text


async def test_a_failing_hook_is_logged_not_raised(session_factory, hook, caplog):
    url, received, state = hook
    state["status"] = 500
    async with aiohttp.ClientSession() as http:
        watcher = await _watcher(session_factory, url, http)
        with caplog.at_level(logging.WARNING, logger="bot.desk.webhook"):
            await watcher.tick()
            await watcher.drain()
    assert received and "answered 500" in caplog.text


async def test_a_slow_hook_times_out(session_factory, hook, caplog):
    url, _, state = hook
    state["delay"] = 2.0
    async with aiohttp.ClientSession() as http:
        watcher = await _watcher(session_factory, url, http, timeout=0.2)
        with caplog.at_level(logging.WARNING, logger="bot.desk.webhook"):
            await watcher.tick()
            await watcher.drain()
    assert "failed" in caplog.text


async def test_an_unreachable_hook_is_logged(session_factory, caplog, unused_tcp_port):
    async with aiohttp.ClientSession() as http:
        watcher = await _watcher(session_factory, f"http://127.0.0.1:{unused_tcp_port}/x", http)
        with caplog.at_level(logging.WARNING, logger="bot.desk.webhook"):
            assert await watcher.tick() is True
            await watcher.drain()
    assert "failed" in caplog.text


async def test_without_a_url_nothing_is_marked_notified(session_factory):
    watcher = QueueWatcher(session_factory)
    await watcher.tick()
    with session_scope(session_factory) as session:
        assert Repositories(session).handoffs.get(2).notified_at is None
