"""Trainers see the desk's turns in /review like bot turns, under the agent's name."""

from __future__ import annotations

from rasa.shared.core.events import (
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    SessionStarted,
)

from bot.db.settings import make_engine
from bot.web.tracker import TrackerReader
from bot.web.transcript import BotTurn, build_transcript
from tests.unit.web.desk.conftest import log_in
from tests.unit.web.sample_data import DAY_3, Clock, user, write_tracker


def _conversation() -> list:
    clock = Clock(DAY_3)
    return [
        SessionStarted(timestamp=clock()),
        user(clock, "我要转人工", "request_human"),
        ConversationPaused(timestamp=clock()),
        BotUttered(
            "您好，我是人工客服。",
            metadata={"agent": "alice", "script_id": None, "script_version": None, "edited": False},
            timestamp=clock(),
        ),
        BotUttered(
            "可以为您申请分期，是否批准以银行审核为准。请问您方便吗？",
            metadata={
                "agent": "alice",
                "script_id": "plans.offer",
                "script_version": 1,
                "edited": True,
            },
            timestamp=clock(),
        ),
        user(clock, "好的", "affirm"),
        ConversationResumed(timestamp=clock()),
    ]


def test_the_transcript_names_the_agent(tracker_url) -> None:
    write_tracker(tracker_url, {"conv-agent": _conversation()})
    events = TrackerReader(make_engine(tracker_url, sqlite_foreign_keys=False)).events("conv-agent")
    turns = [i for i in build_transcript("conv-agent", events, 0.6).items if isinstance(i, BotTurn)]
    assert [(t.agent, t.script_id, t.edited) for t in turns] == [
        ("alice", None, False),
        ("alice", "plans.offer", True),
    ]


async def test_the_review_page_shows_the_agents_name(client, tracker_url) -> None:
    write_tracker(tracker_url, {"conv-agent": _conversation()})
    await log_in(client, "trainer")
    page = await (await client.get("/review/conversations/conv-agent")).text()
    assert "坐席 alice" in page and "已修改" in page and "坐席自拟" in page


async def test_a_taken_over_conversation_still_exports(client, tracker_url) -> None:
    write_tracker(tracker_url, {"conv-agent": _conversation()})
    await log_in(client, "trainer")
    response = await client.get("/review/conversations/conv-agent/story.yml")
    assert response.status == 200
    assert "request_human" in await response.text()
