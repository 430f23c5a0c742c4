import datetime as dt

import pytest

from bot.assist.drafts import bigrams, check_draft, closest_script, cosine
from bot.dialogue.values import placeholder_values
from bot.policy import load_policy
from bot.scripts import load_library

POLICY = load_policy()
LIBRARY = load_library()
VALUES = placeholder_values(POLICY, dt.date(2026, 11, 30))


def test_draft_check_highlights_violations_and_offers_the_truthful_alternative() -> None:
    result = check_draft("不还就让你坐牢，老赖！", LIBRARY, VALUES, verified=True)
    assert not result.ok
    assert {v["rule"] for v in result.violations} == {"no-threat", "no-insult"}
    assert "".join(s.text for s in result.segments) == "不还就让你坐牢，老赖！"
    flagged = {s.text: s.rules for s in result.segments if s.rules}
    assert flagged == {"坐牢": ("no-threat",), "老赖": ("no-insult",)}
    # The truthful answer to the threat: not jail, and the real consequences.
    assert result.alternative.script_id == "consequences.no_jail"


def test_draft_check_of_a_compliant_sentence() -> None:
    result = check_draft("请通过官方客服电话核实", LIBRARY, VALUES, verified=False)
    assert result.ok and result.violations == []
    assert [s.rules for s in result.segments] == [()]


def test_draft_check_masks_the_text_it_returns() -> None:
    result = check_draft("您的卡号6217000012345678逾期了", LIBRARY, VALUES, verified=True)
    assert "6217000012345678" not in "".join(s.text for s in result.segments)
    assert all("6217000012345678" not in v["excerpt"] for v in result.violations)


def test_closest_script_prefers_the_stage_of_the_broken_rule() -> None:
    plain = closest_script("请通过手机银行App还款", LIBRARY, VALUES, verified=True)
    assert plain.script_id == "payment_methods.official"
    channel = closest_script(
        "转到我个人卡上", LIBRARY, VALUES, verified=True, rules=["official-channels"]
    )
    assert channel.script_id == "payment_methods.official"
    unverified = closest_script("您的应还总额是", LIBRARY, VALUES, verified=False)
    assert not LIBRARY.get(unverified.script_id).requires_verification


def test_the_formal_notice_is_never_offered_as_a_chat_message() -> None:
    draft = "如您对欠款有异议，请于收到本函之日起30日内提出并提供相关证据，我行会备注并核实"
    alternative = closest_script(draft, LIBRARY, VALUES, verified=True)
    assert not LIBRARY.get(alternative.script_id).document


def test_bigram_cosine() -> None:
    assert cosine(bigrams("分期还款"), bigrams("分期还款")) == pytest.approx(1)
    assert cosine(bigrams("分期"), bigrams("征信")) == 0
    assert bigrams("{x}，。") == {}
    assert bigrams("分期 还款") == {"分期": 1, "期还": 1, "还款": 1}
    assert bigrams("{x}款！") == {"款": 1}
