"""Reading a Rasa tracker for the desk and the borrower's page."""

from bot.desk import live
from bot.desk.queue import NORMAL, PRESSING, URGENT, account_label, rank

TRACKER = {
    "paused": True,
    "events": [
        {"event": "session_started", "timestamp": 1.0},
        {
            "event": "user",
            "timestamp": 2.0,
            "text": "我的手机13800001111",
            "parse_data": {"intent": {"name": "provide_identity"}},
        },
        {"event": "bot", "timestamp": 3.0, "text": "请稍候", "metadata": {}},
        {"event": "pause", "timestamp": 4.0},
        {"event": "bot", "timestamp": 5.0, "text": "人工已加入", "metadata": {"desk": "joined"}},
        {"event": "bot", "timestamp": 6.0, "text": "您好", "metadata": {"agent": "alice"}},
        {
            "event": "user",
            "timestamp": 7.0,
            "text": "我不想活了",
            "parse_data": {"intent": {"name": "express_distress"}},
        },
        "not an event",
    ],
}


def test_messages_after_a_cursor_are_masked_and_attributed() -> None:
    messages = live.messages_after(TRACKER, 0.0)
    assert [(m.who, m.agent) for m in messages] == [
        ("borrower", None),
        ("bot", None),
        ("bot", None),
        ("agent", "alice"),
        ("borrower", None),
    ]
    assert messages[0].text == "我的手机138****1111"
    assert [m.at for m in live.messages_after(TRACKER, 5.0)] == [6.0, 7.0]


def test_the_borrowers_page_gets_only_the_desks_messages() -> None:
    assert [m.text for m in live.desk_notices_after(TRACKER, 0.0)] == ["人工已加入", "您好"]
    assert [m.text for m in live.desk_notices_after(TRACKER, 5.0)] == ["您好"]


def test_tracker_facts() -> None:
    assert live.last_borrower_text(TRACKER) == "我不想活了"
    assert live.borrower_intents(TRACKER) == ["provide_identity", "express_distress"]
    assert live.latest_timestamp(TRACKER) == 7.0 and live.is_paused(TRACKER)
    assert live.messages_after({"events": "broken"}, 0) == [] and live.latest_timestamp({}) == 0


def test_rank_and_masked_account() -> None:
    assert rank("distress", "normal") == rank("fallback", "urgent") == URGENT
    assert rank("dispute", "normal") == rank("complaint", "normal") == PRESSING
    assert rank("request", "normal") == NORMAL
    assert account_label("王强", "13700003333", "8810") == "王* · 尾号8810 · 137****3333"
    assert account_label(None, None, None) is None
