"""A conversation an agent took over (Rasa's pause) gets no reply, not the safe reply."""

from __future__ import annotations

from types import SimpleNamespace

from rasa.shared.core.events import ActionExecuted, ConversationPaused, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.rest import BoundedRestInput, is_paused


class Store:
    def __init__(self, paused: bool, fail: bool = False) -> None:
        self.paused, self.fail = paused, fail

    async def retrieve(self, sender: str) -> DialogueStateTracker:
        if self.fail:
            raise RuntimeError("tracker store down")
        events = [ActionExecuted("action_listen"), UserUttered("你好")]
        if self.paused:
            events.insert(0, ConversationPaused())
        return DialogueStateTracker.from_events(sender, events)


def _request(store: Store | None) -> SimpleNamespace:
    agent = SimpleNamespace(tracker_store=store) if store else None
    return SimpleNamespace(app=SimpleNamespace(ctx=SimpleNamespace(agent=agent)))


async def test_is_paused_reads_the_tracker() -> None:
    assert await is_paused(_request(Store(paused=True)), "c") is True
    assert await is_paused(_request(Store(paused=False)), "c") is False
    assert await is_paused(_request(Store(paused=True, fail=True)), "c") is False
    assert await is_paused(_request(None), "c") is False


async def test_no_reply_is_reported_for_the_route_to_decide() -> None:
    async def silent(message) -> None:  # the bot predicted nothing (paused, or broken)
        return None

    async def answers(message) -> None:
        message.output_channel.messages.append({"recipient_id": "c", "text": "您好"})

    channel = BoundedRestInput()
    assert await channel._handle(silent, "c", "你好", {}) is None
    assert await channel._handle(answers, "c", "你好", {}) == [
        {"recipient_id": "c", "text": "您好"}
    ]
