"""The conversation-probe runner judges replies as the probe writers meant."""

from __future__ import annotations

from tests.conversations.probes import Conversation, Turn, known_gaps, load, run


def test_any_all_and_none_checks() -> None:
    turn = Turn("会坐牢吗", any=("不会", "不属于"), all=("征信",), none=("可以的",))
    assert turn.problems("不会坐牢。逾期会影响征信。") == []
    assert turn.problems("可以的。逾期会影响征信。") == [
        "contains none of ['不会', '不属于']",
        "contains forbidden '可以的'",
    ]
    assert turn.problems("不会。") == ["lacks '征信'"]


def test_a_conversation_reports_each_failed_turn_with_the_reply() -> None:
    conversation = Conversation(
        "x", 1, "test", (Turn("你好", any=("您好",)), Turn("余额", none=("12,580",)))
    )
    replies = iter([["您好，请问有什么可以帮您"], ["您的欠款是12,580.00元"]])
    failures = run(conversation, lambda text: next(replies))
    assert len(failures) == 1
    assert "turn 2 '余额'" in failures[0] and "forbidden '12,580'" in failures[0]


def test_batches_load_with_batch_numbers_and_known_gaps_name_probes(tmp_path) -> None:
    (tmp_path / "batch_2.yml").write_text(
        "batch: 2\nconversations:\n- id: b2_a\n  about: a\n  turns:\n"
        "  - user: 你好\n    any: 您好\n  - user: 再见\n",
        encoding="utf-8",
    )
    (tmp_path / "known_gaps.yml").write_text("b2_a: needs issue 13\n", encoding="utf-8")
    [conversation] = load(tmp_path)
    assert conversation.batch == 2
    assert conversation.turns[0].any == ("您好",)
    assert conversation.turns[1] == Turn("再见")
    assert known_gaps(tmp_path) == {"b2_a": "needs issue 13"}
