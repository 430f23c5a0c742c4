"""Realistic tracker-store rows and outcome rows for the web app's tests.

Events are built with Rasa's own event classes (``as_dict()`` gives the exact JSON Rasa 3.6
stores) and inserted the way ``SQLTrackerStore.save`` does: ``type_name``, ``timestamp``,
``intent_name`` (from ``parse_data``), ``action_name`` (``name``) and ``data`` (the JSON).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from zoneinfo import ZoneInfo

from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.db.repositories import Repositories
from bot.db.settings import make_engine
from bot.web.tracker import EVENTS, tracker_metadata

ZONE = ZoneInfo("Asia/Shanghai")
DAY_1 = dt.datetime(2026, 11, 28, 10, 0, tzinfo=ZONE)
DAY_2 = dt.datetime(2026, 11, 29, 15, 0, tzinfo=ZONE)
DAY_3 = dt.datetime(2026, 11, 30, 9, 30, tzinfo=ZONE)

PHONE_TEXT = "13800001111 身份证后四位1234"


class Clock:
    """Hands out increasing timestamps from a start time."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start.timestamp()

    def __call__(self, seconds: float = 1.0) -> float:
        self.now += seconds
        return self.now


def parse_data(text: str, intent: str, confidence: float, entities: Sequence[dict] = ()) -> dict:
    """A ``/model/parse``-shaped result, as Rasa stores it in ``parse_data``."""
    ranking = [{"name": intent, "confidence": confidence}]
    if intent != "nlu_fallback":
        ranking.append({"name": "nlu_fallback", "confidence": round(1 - confidence, 4)})
    return {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": list(entities),
        "intent_ranking": ranking,
        "message_id": "m" + str(abs(hash(text)) % 10**8),
        "metadata": {},
    }


def entity(text: str, span: str, name: str, value: object | None = None) -> dict:
    """An entity as our extractor reports it (offsets into ``text``)."""
    start = text.index(span)
    return {
        "entity": name,
        "start": start,
        "end": start + len(span),
        "value": span if value is None else value,
        "extractor": "CollectionEntityExtractor",
        "processors": [],
    }


def user(
    clock: Clock, text: str, intent: str, confidence: float = 0.97, entities: Sequence[dict] = ()
) -> UserUttered:
    """A borrower message as Rasa records it."""
    return UserUttered(
        text,
        intent={"name": intent, "confidence": confidence},
        entities=list(entities),
        parse_data=parse_data(text, intent, confidence, entities),
        timestamp=clock(),
        input_channel="rest",
        message_id="m" + str(int(clock.now)),
    )


def bot(clock: Clock, text: str, script_id: str, version: int = 1) -> BotUttered:
    """A bot message from one of our actions (metadata: script id and version)."""
    data = {
        "elements": None,
        "quick_replies": None,
        "buttons": None,
        "attachment": None,
        "image": None,
        "custom": None,
    }
    metadata = {"script_id": script_id, "script_version": version}
    return BotUttered(text, data=data, metadata=metadata, timestamp=clock(0.1))


def action(clock: Clock, name: str, policy: str = "RulePolicy", confidence: float = 1.0) -> Event:
    """An executed action."""
    return ActionExecuted(name, policy=policy, confidence=confidence, timestamp=clock(0.1))


def session_start(clock: Clock) -> list[Event]:
    """What Rasa logs when a session starts, with our opening message."""
    return [
        ActionExecuted("action_session_start", timestamp=clock(0)),
        SessionStarted(timestamp=clock(0)),
        bot(
            clock,
            "您好，这里是示例银行信用卡中心的智能助手，本次对话将被录音记录。",
            "opening.disclosure",
        ),
        SlotSet("verification", "unverified", timestamp=clock(0)),
        ActionExecuted("action_listen", timestamp=clock(0)),
    ]


def conversation_plan(start: dt.datetime = DAY_1) -> list[Event]:
    """Balance question, identity in one message, 12 installments, yes."""
    c = Clock(start)
    identity = [
        entity(PHONE_TEXT, "13800001111", "phone"),
        entity(PHONE_TEXT, "1234", "id_last4"),
    ]
    return [
        *session_start(c),
        user(c, "我还欠多少钱", "ask_balance", 0.98),
        action(c, "action_remember_request"),
        bot(c, "请先提供您的手机号和身份证后四位。", "verification.verify_first"),
        SlotSet("pending_request", "ask_balance", timestamp=c(0)),
        action(c, "verification_form"),
        ActiveLoop("verification_form", timestamp=c(0)),
        SlotSet("requested_slot", "mobile", timestamp=c(0)),
        action(c, "action_listen"),
        user(c, PHONE_TEXT, "provide_identity", 0.95, identity),
        SlotSet("mobile", "13800001111", timestamp=c(0)),
        SlotSet("id_last4", "1234", timestamp=c(0)),
        action(c, "verification_form"),
        SlotSet("verification", "verified", timestamp=c(0)),
        ActiveLoop(None, timestamp=c(0)),
        SlotSet("requested_slot", None, timestamp=c(0)),
        action(c, "action_after_verification"),
        bot(c, "核实成功，谢谢您。", "verification.success"),
        bot(
            c,
            "您尾号6217的信用卡目前应还总额为12,580.00元，最低还款额为1,258.00元，已逾期45天。",
            "balance.summary",
        ),
        action(c, "action_listen"),
        user(
            c,
            "我想分12期",
            "request_installment",
            0.91,
            [entity("我想分12期", "12", "installments", 12)],
        ),
        action(c, "action_offer_installment"),
        bot(
            c,
            "分12期方案：每期还款1,131.36元，分期手续费共996.34元，合计还款13,576.34元。请问您确认办理这个方案吗？",
            "plans.quote",
        ),
        action(c, "action_listen"),
        user(c, "好的", "affirm", 0.99),
        action(c, "action_confirm"),
        bot(c, "已为您登记分12期还款方案：每期1,131.36元，合计13,576.34元。", "plans.recorded"),
        action(c, "action_listen"),
    ]


def conversation_fallback(start: dt.datetime = DAY_2) -> list[Event]:
    """Two messages the model did not understand, then a hand-off."""
    c = Clock(start)
    return [
        *session_start(c),
        user(c, "阿巴阿巴", "nlu_fallback", 0.31),
        action(c, "action_fallback", "RulePolicy"),
        bot(c, "抱歉，我没有理解您的意思，能换个说法吗？", "fallback.rephrase"),
        action(c, "action_listen"),
        user(c, "天气不错", "out_of_scope", 0.52),
        action(c, "action_fallback", "RulePolicy"),
        bot(c, "我为您转接人工客服。", "fallback.handoff"),
        action(c, "action_listen"),
    ]


def conversation_distress(start: dt.datetime = DAY_2) -> list[Event]:
    """A borrower in distress (self-harm): caring reply, hotline 12356."""
    c = Clock(start + dt.timedelta(hours=2))
    return [
        *session_start(c),
        user(c, "我真的不想活了", "express_distress", 0.93),
        action(c, "action_handle_distress"),
        bot(c, "听到您这样说我很担心。请拨打全国心理援助热线12356。", "safety.distress"),
        action(c, "action_listen"),
    ]


def conversation_lockout(start: dt.datetime = DAY_3) -> list[Event]:
    """Three wrong identities: locked (the text carries a full number to mask)."""
    c = Clock(start)
    wrong = "13912345678 后四位0000"
    events: list[Event] = [*session_start(c)]
    for _ in range(3):
        events += [
            user(c, wrong, "provide_identity", 0.94, [entity(wrong, "13912345678", "phone")]),
            action(c, "verification_form"),
            bot(c, "信息不匹配，请再核对一下。", "verification.mismatch"),
            action(c, "action_listen"),
        ]
    events += [
        bot(
            c,
            "为保护您的信息，核实已暂时锁定，请拨打官方客服热线400-800-0000。",
            "verification.locked",
        )
    ]
    return events


def conversation_blocked(start: dt.datetime = DAY_3) -> list[Event]:
    """A reply the guard blocked and replaced by the safe fallback."""
    c = Clock(start + dt.timedelta(hours=1))
    return [
        *session_start(c),
        user(c, "怎么还款", "ask_payment_methods", 0.96),
        action(c, "action_payment_methods"),
        bot(c, "抱歉，这条消息暂时无法发送，已为您转接人工。", "fallback.blocked"),
        action(c, "action_listen"),
    ]


CONVERSATIONS = {
    "conv-plan": conversation_plan,
    "conv-fallback": conversation_fallback,
    "conv-distress": conversation_distress,
    "conv-lockout": conversation_lockout,
    "conv-blocked": conversation_blocked,
}


def event_row(sender: str, event: Event) -> dict:
    """The row ``SQLTrackerStore.save`` writes for an event."""
    data = event.as_dict()
    return {
        "sender_id": sender,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }


def write_tracker(url: str, conversations: dict[str, list[Event]]) -> None:
    """Create the ``events`` table (if needed) and store the conversations."""
    engine = make_engine(url, sqlite_foreign_keys=False)
    try:
        tracker_metadata.create_all(engine)
        with engine.begin() as connection:
            for sender, events in conversations.items():
                connection.execute(insert(EVENTS), [event_row(sender, e) for e in events])
    finally:
        engine.dispose()


def _at(row: object, moment: dt.datetime) -> None:
    row.created_at = moment  # type: ignore[attr-defined]


def seed_outcomes(session: Session) -> None:
    """Outcome rows matching the sample conversations (demo accounts must exist).

    Day 1 (11-28): conv-plan verified, a plan, a promise (kept). Day 2 (11-29): conv-fallback
    and conv-distress hand-offs. Day 3 (11-30): conv-lockout locked, conv-blocked blocked.
    """
    repos = Repositories(session)
    account = repos.accounts.for_customer(repos.customers.find_by_mobile("13800001111").id)[0]
    at = DAY_1 + dt.timedelta(minutes=1)
    repos.verification.record_verification_attempt(
        conversation_id="conv-plan",
        customer_id=account.customer_id,
        mobile="13800001111",
        success=True,
        at=at,
    )
    plan = repos.plans.add(
        account_id=account.id,
        kind="installment",
        tenor=12,
        monthly_amount=Decimal("1131.36"),
        total_fees=Decimal("996.34"),
        total_repaid=Decimal("13576.34"),
        status="accepted",
        conversation_id="conv-plan",
    )
    _at(plan, at)
    promise = repos.promises.add(
        account_id=account.id,
        amount=Decimal("1258.00"),
        due_date=dt.date(2026, 12, 5),
        conversation_id="conv-plan",
    )
    _at(promise, at)
    repos.promises.set_status(promise.id, "kept")
    repos.outcomes.add(conversation_id="conv-plan", outcome="plan", account_id=account.id, at=at)
    _at(repos.handoffs.add(conversation_id="conv-fallback", reason="fallback"), DAY_2)
    repos.outcomes.add(
        conversation_id="conv-fallback", outcome="handoff", detail="fallback", at=DAY_2
    )
    distress = repos.handoffs.add(
        conversation_id="conv-distress", reason="distress", urgency="urgent"
    )
    _at(distress, DAY_2)
    repos.outcomes.add(conversation_id="conv-distress", outcome="distress", at=DAY_2)
    repos.verification.lock(None, DAY_3 + dt.timedelta(hours=24), conversation_id="conv-lockout")
    repos.compliance_events.add(
        rule="no-threat",
        blocked_text="不还就让你坐牢，打13800001111找我",
        conversation_id="conv-blocked",
        script_id="fallback.blocked",
        at=DAY_3 + dt.timedelta(hours=1),
    )
    seed_contact_attempts(repos)
    session.flush()


def seed_contact_attempts(repos: Repositories) -> None:
    """Outbound contacts: day 1 one sent; day 2 one held by quiet hours at two runs (one
    contact) and one with no channel; day 3 one failed, and one still being sent."""
    rows = (
        (1, "sent", None, DAY_1 + dt.timedelta(minutes=5)),
        (2, "suppressed", "quiet_hours", DAY_2.replace(hour=22, minute=30)),
        (2, "suppressed", "quiet_hours", DAY_2.replace(hour=23, minute=30)),
        (3, "suppressed", "no_channel", DAY_2),
        (2, "failed", "rasa_unavailable", DAY_3),
        (3, "planned", None, DAY_3),
    )
    for account_id, status, rule, at in rows:
        repos.contact_attempts.add(
            customer_id=account_id,  # the demo's customer n owns account n
            account_id=account_id,
            kind="overdue",
            script_id="outreach.overdue_follow_up",
            status=status,
            rule=rule,
            at=at,
        )
