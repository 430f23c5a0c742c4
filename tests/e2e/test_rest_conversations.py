"""Borrower conversations over the REST channel, against the running stack and its database."""

import uuid

from sqlalchemy import select

from bot.db import models


def new_sender() -> str:
    return f"e2e-{uuid.uuid4().hex[:10]}"


def verify(stack, sender: str, mobile="13800001111", last4="1234") -> list[str]:
    stack.say(sender, "你好")
    return stack.say(sender, f"{mobile} {last4}")


def joined(replies: list[str]) -> str:
    return "\n".join(replies)


def test_opening_discloses_institution_automation_and_recording(stack):
    first = joined(stack.say(new_sender(), "你好"))
    assert "示例银行信用卡中心" in first and "自动应答" in first and "记录" in first
    assert "手机号码" in first and "后四位" in first


def test_no_debt_fact_before_verification(stack):
    sender = new_sender()
    replies = joined(stack.say(sender, "我还欠你们多少钱"))
    assert "12,580" not in replies and "6217" not in replies and "张伟" not in replies
    assert "核实" in replies


def test_verification_in_two_messages_then_balance(stack):
    sender = new_sender()
    stack.say(sender, "帮我查一下欠款")
    assert "后四位" in joined(stack.say(sender, "13800001111"))
    replies = joined(stack.say(sender, "1234"))
    assert "核实成功" in replies and "12,580.00" in replies and "1,258.00" in replies


def test_lockout_after_three_failures_across_conversations(stack):
    for attempt, sender in enumerate([new_sender(), new_sender()]):
        stack.say(sender, "查账单")
        for wrong in ["1111", "2222"] if attempt == 0 else ["3333"]:
            stack.say(sender, f"13700003333 {wrong}")
    sender = new_sender()
    stack.say(sender, "查账单")
    replies = joined(stack.say(sender, "13700003333 9012"))
    assert "58,000" not in replies and "400-800-0000" in replies
    with stack.session() as session:
        locks = session.execute(select(models.VerificationLock)).scalars().all()
    assert locks


def test_installment_plan_is_quoted_exactly_and_recorded(stack):
    sender = new_sender()
    verify(stack, sender)
    assert "1,131.36" in joined(stack.say(sender, "我想分12期"))
    assert "已为您登记" in joined(stack.say(sender, "可以，就这样"))
    with stack.session() as session:
        plans = (
            session.execute(
                select(models.RepaymentPlan).where(models.RepaymentPlan.conversation_id == sender)
            )
            .scalars()
            .all()
        )
    assert [(p.tenor, str(p.monthly_amount)) for p in plans] == [(12, "1131.36")]


def test_affordability_offer(stack):
    sender = new_sender()
    verify(stack, sender)
    replies = joined(stack.say(sender, "我每个月最多只能还800"))
    assert "24" in replies and "605.94" in replies


def test_promise_to_pay_is_read_back_with_the_date(stack):
    sender = new_sender()
    verify(stack, sender)
    replies = joined(stack.say(sender, "我明天还1258"))
    assert "2026年12月1日" in replies and "1,258.00" in replies


def test_distress_gets_the_hotline_and_an_urgent_handoff(stack):
    sender = new_sender()
    stack.say(sender, "你好")
    replies = joined(stack.say(sender, "我真的不想活了"))
    assert "12356" in replies
    with stack.session() as session:
        handoffs = (
            session.execute(select(models.Handoff).where(models.Handoff.conversation_id == sender))
            .scalars()
            .all()
        )
    assert [(h.reason, h.urgency) for h in handoffs] == [("distress", "urgent")]


def test_every_bot_message_is_traceable_to_an_approved_script(stack):
    sender = new_sender()
    verify(stack, sender)
    stack.say(sender, "我想分期")
    bot_events = [e for e in stack.tracker(sender)["events"] if e["event"] == "bot"]
    assert bot_events
    for event in bot_events:
        assert event["metadata"].get("script_id"), event
        assert event["metadata"].get("script_version") >= 1


def test_despair_mixed_with_debt_words_still_gets_care(stack):
    sender = new_sender()
    verify(stack, sender)
    replies = joined(stack.say(sender, "欠这么多钱 我只想死"))
    assert "12356" in replies and "12,580" not in replies


def outcomes(stack, sender: str) -> list[str]:
    with stack.session() as session:
        rows = session.execute(
            select(models.ConversationOutcome).where(
                models.ConversationOutcome.conversation_id == sender
            )
        ).scalars()
        return [row.outcome for row in rows]


def handoff_reasons(stack, sender: str) -> list[str]:
    with stack.session() as session:
        rows = session.execute(
            select(models.Handoff).where(models.Handoff.conversation_id == sender)
        ).scalars()
        return [row.reason for row in rows]


def test_dispute_is_recorded_and_pauses_collection(stack):
    sender = new_sender()
    verify(stack, sender, "13900002222", "567X")
    assert "异议" in joined(stack.say(sender, "这笔消费不是我刷的"))
    assert outcomes(stack, sender) == ["dispute"]
    assert "dispute" in handoff_reasons(stack, sender)


def test_paid_claim_hardship_and_waiver(stack):
    sender = new_sender()
    verify(stack, sender, "13900002222", "567X")
    assert "核实" in joined(stack.say(sender, "我已经还了"))
    assert "难处" in joined(stack.say(sender, "我失业了，没钱还"))
    assert "人工" in joined(stack.say(sender, "能免掉滞纳金吗"))
    assert outcomes(stack, sender) == ["paid_claim"]


def test_wrong_person_discloses_nothing(stack):
    sender = new_sender()
    stack.say(sender, "你好")
    replies = joined(stack.say(sender, "你们找错人了"))
    assert "抱歉" in replies and "张伟" not in replies and "12,580" not in replies
    assert outcomes(stack, sender) == ["wrong_person"]


def test_stop_contact_human_and_complaint_are_recorded(stack):
    sender = new_sender()
    assert "停止" in joined(stack.say(sender, "别再打电话了"))
    assert "人工" in joined(stack.say(sender, "转人工"))
    assert "投诉" in joined(stack.say(sender, "我要投诉"))
    assert outcomes(stack, sender)[0] == "stop_contact"
    assert handoff_reasons(stack, sender) == ["request", "complaint"]


def test_not_understood_twice_goes_to_a_human(stack):
    sender = new_sender()
    stack.say(sender, "你好")
    first = joined(stack.say(sender, "今天天气怎么样"))
    second = joined(stack.say(sender, "给我讲个笑话吧"))
    assert "换个说法" in first and "转接人工" in second
    assert handoff_reasons(stack, sender) == ["fallback"]


def test_a_greeting_after_the_mobile_number_keeps_verification_going(stack):
    sender = new_sender()
    stack.say(sender, "13800001111")
    replies = joined(stack.say(sender, "你好"))
    assert "后四位" in replies and "出了点问题" not in replies
    # No greeting meant for a verified borrower.
    assert "您好" not in replies.replace("您好，这里是", "")
    assert "核实成功" in joined(stack.say(sender, "1234"))
