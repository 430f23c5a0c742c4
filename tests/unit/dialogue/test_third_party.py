"""Someone asking for the borrower is told nothing and asked for nothing (issue 12 probes)."""

import pytest

from bot.dialogue.intents import ACTION_HANDLERS, answer_turn
from bot.dialogue.messages import compose
from bot.dialogue.third_party import asks_for_someone_else

from .conftest import make_turn


@pytest.mark.parametrize(
    "text",
    [
        "我是王强同事，他让我帮他问问还欠多少",
        "我是他老婆，帮他问一下欠多少",
        "I am his colleague, he asked me to check the balance",
    ],
)
def test_someone_asking_for_the_borrower_is_recognised(text):
    assert asks_for_someone_else(text)


@pytest.mark.parametrize("text", ["我老婆让我问问还欠多少", "我是本人", "我欠多少", "我是张伟"])
def test_the_borrower_asking_is_not(text):
    assert not asks_for_someone_else(text)


@pytest.mark.parametrize(
    ("intent", "action"),
    [("nlu_fallback", "action_fallback"), ("ask_balance", "action_tell_balance")],
)
def test_only_the_holder_is_answered_and_nothing_is_asked(ctx, intent, action):
    turn = make_turn(intent, "我是王强同事，他让我帮他问问还欠多少")
    outcome = answer_turn(ACTION_HANDLERS[action], turn, ctx)
    assert [r.script_id for r in outcome.replies] == ["verification.holder_only"]
    assert outcome.end_form
    text = "".join(m.text for m in compose(outcome.replies, seed="t").messages)
    assert "本人" in text and "手机号" not in text and "后四位" not in text
