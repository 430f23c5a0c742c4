"""The runtime's answer-fit check reads the NLU's intent as well as the words (issue 12).

A borrower in distress or disputing the debt writes it in words no phrase list holds
("想紫砂" before it was listed, "这玩意儿跟我八竿子打不着"); the NLU, trained on hundreds of such
messages, reads them. A confident intent counts; an unsure one ("忙死了 下午再说" at 0.45) does not.
"""

import pytest

from bot.dialogue.messages import DISTRESS_SCRIPT, Composed, check_fit
from bot.scripts.library import RenderedMessage

COLLECTION = "请问您计划哪天还款？最低还款额是1,258元。"


def composed(text: str) -> Composed:
    return Composed([RenderedMessage(text, "promise.ask_date", 1)], [])


def test_a_confident_distress_intent_replaces_collection_with_care():
    checked = check_fit("我最近总想着离开", composed(COLLECTION), "t", intent="express_distress")
    assert [m.script_id for m in checked.messages] == [DISTRESS_SCRIPT]
    assert [b.rule for b in checked.blocked] == ["distress_ignored"]


def test_an_unsure_intent_is_not_trusted():
    checked = check_fit(
        "忙死了 下午再说", composed(COLLECTION), "t", intent="express_distress", confidence=0.45
    )
    assert checked.blocked == []


@pytest.mark.parametrize("intent", ["dispute_debt", "wrong_person"])
def test_a_dispute_read_by_the_nlu_blocks_debt_facts(intent):
    user = "这玩意儿跟我八竿子打不着"  # no phrase list holds it
    checked = check_fit(user, composed(COLLECTION), "t", intent=intent, confidence=0.8)
    assert "facts_after_dispute" in [b.rule for b in checked.blocked]
    assert check_fit(user, composed(COLLECTION), "t", intent="promise_to_pay").blocked == []
