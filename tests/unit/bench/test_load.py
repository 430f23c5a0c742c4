"""The borrowers and the load phases against a small fake REST channel."""

import asyncio
import json
import threading
from collections.abc import Iterator

import pytest
from aiohttp import web

from bot.bench import load
from bot.bench.borrower import client_address
from bot.bench.conversation import MESSAGES_PER_CONVERSATION, conversation
from bot.db.demo import DEMO_ACCOUNTS


class FakeBot:
    """Answers every message; remembers who said what, from which address."""

    def __init__(self, status: int = 200, verify: bool = True) -> None:
        self.status, self.verify = status, verify
        self.seen: list[tuple[str, str, str]] = []

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.seen.append((body["sender"], body["message"], request.remote or ""))
        cards = " ".join(a.card_last4 for a in DEMO_ACCOUNTS) if self.verify else "请先核实身份"
        return web.Response(
            status=self.status,
            text=json.dumps([{"recipient_id": body["sender"], "text": f"{cards} 分12期"}]),
        )


@pytest.fixture
def serve() -> Iterator:
    """Run a FakeBot in a thread with its own loop; yield a function that starts one."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    runners = []

    def start(bot: FakeBot) -> str:
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", bot.webhook)
        runner = web.AppRunner(app)
        asyncio.run_coroutine_threadsafe(runner.setup(), loop).result(10)
        site = web.TCPSite(runner, "127.0.0.1", 0)
        asyncio.run_coroutine_threadsafe(site.start(), loop).result(10)
        runners.append(runner)
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return f"http://127.0.0.1:{port}/webhooks/rest/webhook"

    yield start
    for runner in runners:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


def test_the_conversation_verifies_with_correct_data() -> None:
    for index, account in enumerate(DEMO_ACCOUNTS):
        steps = conversation(index)
        texts = [step.text for step in steps]
        assert texts[1:3] == [account.mobile, account.id_last4]
        assert steps[3].expect == account.card_last4
        assert texts[4] == "我想分12期"
    assert MESSAGES_PER_CONVERSATION == 7


def test_each_borrower_has_its_own_loopback_address() -> None:
    addresses = [client_address(i) for i in range(1000)]
    assert len(set(addresses)) == 1000
    assert all(a.startswith("127.") and a != "127.0.0.1" for a in addresses)


def test_sequential_holds_whole_conversations_each_with_its_own_sender(serve) -> None:
    bot = FakeBot()
    result = load.sequential(serve(bot), conversations=2)
    assert result["messages"] == 2 * MESSAGES_PER_CONVERSATION
    assert (result["errors"], result["unverified"], result["conversations"]) == (0, 0, 2)
    senders = [sender for sender, _, _ in bot.seen]
    assert len(set(senders)) == 3  # warm-up + 2, one sender id per conversation


def test_borrowers_come_from_their_own_addresses(serve) -> None:
    bot = FakeBot()
    result = load.thinking(serve(bot), borrowers=3, think_seconds=0.01, seconds=0.5)
    assert result["errors"] == 0 and result["messages"] > 0
    assert {address for _, _, address in bot.seen} <= {client_address(i) for i in range(3)}
    assert len({address for _, _, address in bot.seen}) == 3


def test_a_failed_verification_ends_the_conversation_and_is_counted(serve) -> None:
    bot = FakeBot(verify=False)
    result = load.sequential(serve(bot), conversations=1)
    assert result["unverified"] == 1 and result["conversations"] == 0
    assert result["messages"] == 4  # greet, mobile, ID, balance: then it stops


def test_capacity_stops_at_the_first_step_with_errors(serve) -> None:
    result = load.capacity(serve(FakeBot(status=500)), [2, 4, 8], 0.01, 0.3)
    assert [step["borrowers"] for step in result["steps"]] == [2]
    assert result["capacity_msg_per_s"] == 0.0


def test_capacity_is_the_best_sustained_step(serve) -> None:
    result = load.capacity(serve(FakeBot()), [1, 2], 0.01, 0.3)
    assert len(result["steps"]) == 2
    assert result["capacity_msg_per_s"] == max(s["msg_per_s"] for s in result["steps"])
