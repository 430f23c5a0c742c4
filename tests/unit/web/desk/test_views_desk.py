"""The agent desk through the app: queue order, claim races, takeover, checked messages."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import select

from bot.db.models import ConversationOutcome, Handoff
from bot.db.repositories import Repositories
from bot.db.settings import session_scope
from bot.desk.live import AGENT_KEY
from tests.unit.web.desk.conftest import log_in

DISTRESS_ID = 2  # sample data: conv-fallback (1, fallback) and conv-distress (2, urgent)
FALLBACK_ID = 1
THREAT = "再不还钱就去你单位找你"


def _add_handoffs(session_factory, *reasons: str) -> list[int]:
    with session_scope(session_factory) as session:
        repos = Repositories(session)
        return [
            repos.handoffs.add(conversation_id=f"conv-{reason}-{i}", reason=reason).id
            for i, reason in enumerate(reasons)
        ]


async def _claim(client, token: str, handoff_id: int):
    return await client.post(
        f"/api/desk/handoffs/{handoff_id}/claim", json={}, headers={"X-CSRF-Token": token}
    )


async def _send(client, token: str, handoff_id: int, body: dict):
    return await client.post(
        f"/api/desk/handoffs/{handoff_id}/messages", json=body, headers={"X-CSRF-Token": token}
    )


async def test_queue_is_urgent_first_then_disputes_and_complaints(client, session_factory):
    request, complaint, dispute = _add_handoffs(session_factory, "request", "complaint", "dispute")
    token = await log_in(client, "agent")
    del token
    body = await (await client.get("/api/desk/queue")).json()
    ids = [item["id"] for item in body["items"]]
    assert ids[0] == DISTRESS_ID and body["items"][0]["urgent"]
    assert set(ids[1:3]) == {complaint, dispute}
    assert ids[3:] == [FALLBACK_ID, request]  # the rest, oldest first
    assert all(item["waiting_seconds"] >= 0 for item in body["items"])


async def test_queue_shows_the_account_masked(client, session_factory):
    with session_scope(session_factory) as session:
        repos = Repositories(session)
        customer = repos.customers.find_by_mobile("13800001111")
        account = repos.accounts.for_customer(customer.id)[0]
        repos.handoffs.add(
            conversation_id="conv-x",
            reason="dispute",
            account_id=account.id,
            customer_id=customer.id,
        )
    await log_in(client, "agent")
    items = (await (await client.get("/api/desk/queue")).json())["items"]
    label = next(i["account"] for i in items if i["conversation_id"] == "conv-x")
    assert label == "张* · 尾号6217 · 138****1111"
    assert "13800001111" not in json.dumps(items) and "张伟" not in json.dumps(items)


async def test_the_queue_stream_sends_the_queue_at_once_and_on_change(client, session_factory):
    await log_in(client, "agent")
    response = await client.get("/api/desk/events")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/event-stream")

    async def next_queue():
        while True:
            line = (await response.content.readline()).decode()
            if line.startswith("data: "):
                return json.loads(line[6:])

    first = await asyncio.wait_for(next_queue(), 5)
    assert first["items"][0]["id"] == DISTRESS_ID
    with session_scope(session_factory) as session:
        new = Repositories(session).handoffs.add(
            conversation_id="conv-new", reason="distress", urgency="urgent"
        )
    started = asyncio.get_running_loop().time()
    second = await asyncio.wait_for(next_queue(), 5)
    assert asyncio.get_running_loop().time() - started < 2  # the desk sees it within 2 s
    assert [i["id"] for i in second["items"]][:2] == [DISTRESS_ID, new.id]
    response.close()


async def test_two_agents_claiming_at_once_one_wins(client, second_client, session_factory):
    alice = await log_in(client, "agent")
    ada = await log_in(second_client, "admin")
    first, second = await asyncio.gather(
        _claim(client, alice, FALLBACK_ID), _claim(second_client, ada, FALLBACK_ID)
    )
    assert sorted([first.status, second.status]) == [200, 409]
    with session_scope(session_factory) as session:
        handoff = session.get(Handoff, FALLBACK_ID)
        assert handoff.status == "assigned" and handoff.claimed_by_id is not None
        assert handoff.claimed_at is not None


async def test_claim_pauses_rasa_and_tells_the_borrower(client, rasa_stub):
    token = await log_in(client, "agent")
    assert (await _claim(client, token, FALLBACK_ID)).status == 200
    sender, events = rasa_stub.appended[-1]
    assert sender == "conv-fallback"
    assert events[0] == {"event": "pause"}
    assert events[1]["event"] == "bot" and "人工客服已加入对话" in events[1]["text"]
    assert events[1]["metadata"]["script_id"] == "handoff.agent_joined"
    assert rasa_stub.tracker("conv-fallback")["paused"] is True


async def test_claim_with_rasa_down_answers_503_and_leaves_it_open(
    client, rasa_stub, session_factory
):
    token = await log_in(client, "agent")
    rasa_stub.fail = True
    response = await _claim(client, token, FALLBACK_ID)
    assert response.status == 503
    assert "Rasa" in (await response.json())["error"]
    with session_scope(session_factory) as session:
        assert session.get(Handoff, FALLBACK_ID).status == "open"


async def test_claim_of_an_unknown_handoff_is_404_and_bad_ids_never_500(client):
    token = await log_in(client, "agent")
    assert (await _claim(client, token, 999)).status == 404
    response = await client.post(
        "/api/desk/handoffs/abc/claim", json={}, headers={"X-CSRF-Token": token}
    )
    assert response.status == 404


async def test_a_clean_message_reaches_the_tracker_with_the_agents_name(client, rasa_stub):
    token = await log_in(client, "agent")
    await _claim(client, token, FALLBACK_ID)
    text = "您好，我是人工客服，请问有什么可以帮您？"
    response = await _send(client, token, FALLBACK_ID, {"text": text})
    assert response.status == 200, await response.text()
    _, events = rasa_stub.appended[-1]
    assert events == [
        {
            "event": "bot",
            "text": text,
            "metadata": {
                AGENT_KEY: "alice",
                "script_id": None,
                "script_version": None,
                "edited": False,
            },
        }
    ]


async def test_on_wechat_the_agents_words_go_out_through_the_channel_or_not_at_all(
    client, rasa_stub, session_factory
) -> None:
    [wechat] = _add_handoffs(session_factory, "request")
    with session_scope(session_factory) as session:
        session.get(Handoff, wechat).conversation_id = "wechat-oBorrower1"
    token = await log_in(client, "agent")
    assert (await _claim(client, token, wechat)).status == 200
    text = "您好，我是人工客服，请问有什么可以帮您？"
    assert (await _send(client, token, wechat, {"text": text})).status == 200
    assert rasa_stub.pushed[-1] == ("wechat-oBorrower1", "wechat", "true")

    rasa_stub.refuse_push = True
    refused = await _send(client, token, wechat, {"text": "请问您方便现在沟通吗？"})
    assert refused.status == 503
    assert "未能通过 wechat 送达" in (await refused.json())["error"]
    assert "请问您方便现在沟通吗？" not in [
        e.get("text") for e in rasa_stub.tracker("wechat-oBorrower1")["events"]
    ]
    await _send(client, token, FALLBACK_ID, {"text": text})  # the web chat: stored, not pushed
    assert all(
        channel is None for sender, channel, _ in rasa_stub.pushed if sender == "conv-fallback"
    )


async def test_a_channel_that_refuses_the_notices_never_leaves_the_bot_paused(
    client, rasa_stub, session_factory
) -> None:
    """WeChat outside its 48-hour window: take-over and hand-back still pause and resume."""
    [wechat] = _add_handoffs(session_factory, "request")
    with session_scope(session_factory) as session:
        session.get(Handoff, wechat).conversation_id = "wechat-oQuiet"
    rasa_stub.refuse_push = True
    token = await log_in(client, "agent")
    assert (await _claim(client, token, wechat)).status == 200
    assert rasa_stub.tracker("wechat-oQuiet")["paused"] is True
    handback = await client.post(
        f"/api/desk/handoffs/{wechat}/handback", json={}, headers={"X-CSRF-Token": token}
    )
    assert handback.status == 200, await handback.text()
    assert rasa_stub.tracker("wechat-oQuiet")["paused"] is False
    with session_scope(session_factory) as session:
        assert session.get(Handoff, wechat).status == "closed"
    texts = [e.get("text") for e in rasa_stub.tracker("wechat-oQuiet")["events"]]
    assert all(text is None for text in texts)  # notices not delivered are not stored


async def test_a_suggestion_keeps_its_script_and_an_edit_is_marked(client, rasa_stub):
    token = await log_in(client, "agent")
    await _claim(client, token, FALLBACK_ID)
    script = "handoff.to_human"
    original = "好的，已为您转接人工服务，工作人员会尽快与您联系。"
    body = {"text": original, "script_id": script, "script_version": 1, "suggested_text": original}
    assert (await _send(client, token, FALLBACK_ID, body)).status == 200
    assert rasa_stub.appended[-1][1][0]["metadata"]["edited"] is False
    body["text"] = original + "请稍候。"
    assert (await _send(client, token, FALLBACK_ID, body)).status == 200
    metadata = rasa_stub.appended[-1][1][0]["metadata"]
    assert metadata == {
        AGENT_KEY: "alice",
        "script_id": script,
        "script_version": 1,
        "edited": True,
    }
    body["script_id"] = "no.such_script"
    assert (await _send(client, token, FALLBACK_ID, body)).status == 400


async def test_a_threat_is_blocked_and_never_reaches_rasa(client, rasa_stub):
    token = await log_in(client, "agent")
    await _claim(client, token, FALLBACK_ID)
    appended = len(rasa_stub.appended)
    response = await _send(client, token, FALLBACK_ID, {"text": THREAT})
    assert response.status == 422
    body = await response.json()
    assert body["sent"] is False and not body["ok"]
    assert body["violations"] and any(s["rules"] for s in body["segments"])
    assert body["alternative"]["script_id"].startswith("consequences.")
    assert len(rasa_stub.appended) == appended


async def test_debt_facts_are_blocked_before_verification(client, rasa_stub):
    token = await log_in(client, "agent")
    await _claim(client, token, FALLBACK_ID)
    facts = "您的信用卡欠款12,580.00元已逾期45天。"
    response = await _send(client, token, FALLBACK_ID, {"text": facts})
    assert response.status == 422
    assert "right-party" in {v["rule"] for v in (await response.json())["violations"]}


async def test_only_the_holder_may_act_on_a_conversation(client, second_client):
    alice = await log_in(client, "agent")
    ada = await log_in(second_client, "admin")
    await _claim(client, alice, FALLBACK_ID)
    assert (await _send(second_client, ada, FALLBACK_ID, {"text": "您好"})).status == 403
    response = await second_client.get(f"/api/desk/handoffs/{FALLBACK_ID}/conversation")
    assert response.status == 403
    # Not claimed by anyone: 409.
    assert (await _send(client, alice, DISTRESS_ID, {"text": "您好"})).status == 409


async def test_conversation_and_suggestions_follow_the_tracker(client, rasa_stub):
    rasa_stub.borrower_says("conv-fallback", "我想分12期")
    token = await log_in(client, "agent")
    await _claim(client, token, FALLBACK_ID)
    rasa_stub.borrower_says("conv-fallback", "我不想活了")  # paused: logged, no reply
    body = await (await client.get(f"/api/desk/handoffs/{FALLBACK_ID}/conversation")).json()
    assert body["paused"] is True
    assert [m["who"] for m in body["messages"]] == ["borrower", "bot", "bot", "borrower"]
    assert body["contact"]["verified"] is False and body["contact"]["distress"] is True
    suggestions = await (await client.get(f"/api/desk/handoffs/{FALLBACK_ID}/suggestions")).json()
    assert 0 < len(suggestions["suggestions"]) <= 5
    assert suggestions["suggestions"][0]["stage"] == "safety"


async def test_hand_back_resumes_the_bot(client, rasa_stub, session_factory):
    token = await log_in(client, "agent")
    await _claim(client, token, FALLBACK_ID)
    assert rasa_stub.borrower_says("conv-fallback", "你好") == []
    response = await client.post(
        f"/api/desk/handoffs/{FALLBACK_ID}/handback", json={}, headers={"X-CSRF-Token": token}
    )
    assert response.status == 200
    events = rasa_stub.appended[-1][1]
    assert events[0]["metadata"]["script_id"] == "handoff.agent_left"
    assert events[-1] == {"event": "resume"}
    assert rasa_stub.borrower_says("conv-fallback", "你好") == ["收到：你好"]
    with session_scope(session_factory) as session:
        handoff = session.get(Handoff, FALLBACK_ID)
        assert (handoff.status, handoff.outcome) == ("closed", "handback")
        assert handoff.closed_at is not None


async def test_close_records_the_outcome_like_the_bot(client, session_factory):
    token = await log_in(client, "agent")
    await _claim(client, token, FALLBACK_ID)
    headers = {"X-CSRF-Token": token}
    url = f"/api/desk/handoffs/{FALLBACK_ID}/close"
    assert (await client.post(url, json={"outcome": "nonsense"}, headers=headers)).status == 400
    assert (await client.post(url, json={"outcome": "handback"}, headers=headers)).status == 400
    assert (await client.post(url, json={"outcome": "promise"}, headers=headers)).status == 200
    with session_scope(session_factory) as session:
        outcomes = session.scalars(
            select(ConversationOutcome).where(
                ConversationOutcome.conversation_id == "conv-fallback",
                ConversationOutcome.outcome == "promise",
            )
        ).all()
        assert len(outcomes) == 1 and "alice" in outcomes[0].detail
        assert session.get(Handoff, FALLBACK_ID).outcome == "promise"
    # Closed: nothing more to do on it.
    assert (await client.post(url, json={"outcome": "plan"}, headers=headers)).status == 409


async def test_the_borrowers_page_receives_the_agents_messages(
    client, second_client, rasa_stub, session_factory
):
    token = await log_in(client, "agent")
    await second_client.get("/chat")
    borrower_token = await _borrower_token(second_client)
    await second_client.post(
        "/api/chat", json={"message": "我要转人工"}, headers={"X-CSRF-Token": borrower_token}
    )
    sender = rasa_stub.sent[-1]["sender"]
    with session_scope(session_factory) as session:
        handoff = Repositories(session).handoffs.add(conversation_id=sender, reason="request")
    stream = await second_client.get("/api/chat/events")
    assert stream.status == 200
    assert (await _claim(client, token, handoff.id)).status == 200
    await _send(client, token, handoff.id, {"text": "您好，我是人工客服，请问有什么可以帮您？"})

    async def messages(count: int) -> list[dict]:
        found = []
        while len(found) < count:
            line = (await stream.content.readline()).decode()
            if line.startswith("data: "):
                found.append(json.loads(line[6:]))
        return found

    pushed = await asyncio.wait_for(messages(2), 10)
    assert "人工客服已加入对话" in pushed[0]["text"] and not pushed[0]["agent"]
    assert pushed[1] == {"text": "您好，我是人工客服，请问有什么可以帮您？", "agent": True}
    # While the agent holds it, the borrower's message gets no bot reply.
    reply = await second_client.post(
        "/api/chat", json={"message": "好的"}, headers={"X-CSRF-Token": borrower_token}
    )
    assert (await reply.json())["messages"] == []
    stream.close()


async def _borrower_token(client) -> str:
    from tests.unit.web.conftest import page_token

    return await page_token(client, "/chat")


def _verify(session_factory, conversation_id: str) -> None:
    from bot.clock import local_now
    from bot.db.conversation_state import remember_verified

    with session_scope(session_factory) as session:
        repos = Repositories(session)
        customer = repos.customers.find_by_mobile("13800001111")
        account = repos.accounts.for_customer(customer.id)[0]
        remember_verified(
            session, conversation_id, customer.id, account.id, local_now("Asia/Shanghai")
        )


async def test_after_verification_the_agent_may_state_the_balance(
    client, rasa_stub, session_factory
):
    _verify(session_factory, "conv-fallback")
    rasa_stub.borrower_says("conv-fallback", "我还欠多少钱")
    token = await log_in(client, "agent")
    await _claim(client, token, FALLBACK_ID)
    body = await (await client.get(f"/api/desk/handoffs/{FALLBACK_ID}/conversation")).json()
    assert body["contact"]["verified"] is True and body["contact"]["may_disclose"] is True
    suggestions = await (await client.get(f"/api/desk/handoffs/{FALLBACK_ID}/suggestions")).json()
    assert any("12,580.00" in s["text"] for s in suggestions["suggestions"])
    response = await _send(client, token, FALLBACK_ID, {"text": "您目前的应还总额为12,580.00元。"})
    assert response.status == 200, await response.text()


async def test_nothing_about_the_debt_to_a_wrong_person(client, rasa_stub, session_factory):
    _verify(session_factory, "conv-fallback")
    rasa_stub.add(
        "conv-fallback",
        {
            "event": "user",
            "text": "我不是本人，你们打错了",
            "parse_data": {"intent": {"name": "wrong_person", "confidence": 0.97}},
        },
    )
    token = await log_in(client, "agent")
    await _claim(client, token, FALLBACK_ID)
    body = await (await client.get(f"/api/desk/handoffs/{FALLBACK_ID}/conversation")).json()
    assert body["contact"]["wrong_person"] is True and body["contact"]["may_disclose"] is False
    response = await _send(client, token, FALLBACK_ID, {"text": "您目前的应还总额为12,580.00元。"})
    assert response.status == 422


async def test_the_chat_stream_never_asks_rasa_when_no_agent_holds_it(client, rasa_stub):
    await client.get("/chat")
    stream = await client.get("/api/chat/events")
    assert stream.status == 200
    await asyncio.sleep(1.5)
    assert rasa_stub.trackers == {} and rasa_stub.tokens == []
    stream.close()


async def test_rasa_down_during_a_takeover_answers_503(client, rasa_stub):
    token = await log_in(client, "agent")
    await _claim(client, token, FALLBACK_ID)
    rasa_stub.fail = True
    for response in (
        await client.get(f"/api/desk/handoffs/{FALLBACK_ID}/conversation"),
        await client.get(f"/api/desk/handoffs/{FALLBACK_ID}/suggestions"),
        await _send(client, token, FALLBACK_ID, {"text": "您好"}),
        await client.post(
            f"/api/desk/handoffs/{FALLBACK_ID}/handback", json={}, headers={"X-CSRF-Token": token}
        ),
    ):
        assert response.status == 503
        assert "Rasa" in (await response.json())["error"]


async def test_malformed_messages_are_400(client):
    token = await log_in(client, "agent")
    await _claim(client, token, FALLBACK_ID)
    for body in (
        {},
        {"text": ""},
        {"text": 5},
        {"text": "x" * 501},
        {"text": "好", "script_id": 3},
    ):
        assert (await _send(client, token, FALLBACK_ID, body)).status == 400, body
    response = await client.post(
        f"/api/desk/handoffs/{FALLBACK_ID}/messages",
        data=b"not json",
        headers={"X-CSRF-Token": token, "Content-Type": "application/json"},
    )
    assert response.status == 400
    bad_cursor = await client.get(f"/api/desk/handoffs/{FALLBACK_ID}/events?after=nan")
    assert bad_cursor.status == 400


async def test_the_desk_runs_the_verification_step(client, rasa_stub, session_factory):
    token = await log_in(client, "agent")
    await _claim(client, token, FALLBACK_ID)
    url = f"/api/desk/handoffs/{FALLBACK_ID}/verify"
    headers = {"X-CSRF-Token": token}
    assert (await (await client.post(url, json={}, headers=headers)).json()) == {
        "status": "missing"
    }
    rasa_stub.borrower_says("conv-fallback", "13800001111 身份证后四位1234")  # paused: no reply
    assert (await (await client.post(url, json={}, headers=headers)).json()) == {
        "status": "verified"
    }
    body = await (await client.get(f"/api/desk/handoffs/{FALLBACK_ID}/conversation")).json()
    assert body["contact"]["verified"] is True
    assert "13800001111" not in json.dumps(body)
    slots = [e for e in rasa_stub.appended[-1][1] if e["event"] == "slot"]
    assert slots[0] == {"event": "slot", "name": "verification", "value": "verified"}


async def test_a_wrong_number_is_a_mismatch_and_counts(client, rasa_stub, session_factory):
    from bot.db.models import VerificationAttempt

    token = await log_in(client, "agent")
    await _claim(client, token, FALLBACK_ID)
    rasa_stub.add(
        "conv-fallback",
        {
            "event": "user",
            "text": "13800001111 9999",
            "parse_data": {
                "intent": {"name": "provide_identity", "confidence": 0.9},
                "entities": [
                    {"entity": "phone", "value": "13800001111"},
                    {"entity": "id_last4", "value": "9999"},
                ],
            },
        },
    )
    response = await client.post(
        f"/api/desk/handoffs/{FALLBACK_ID}/verify", json={}, headers={"X-CSRF-Token": token}
    )
    assert (await response.json()) == {"status": "mismatch"}
    with session_scope(session_factory) as session:
        attempts = session.scalars(
            select(VerificationAttempt).where(
                VerificationAttempt.conversation_id == "conv-fallback"
            )
        ).all()
        assert [a.success for a in attempts] == [False]


async def test_after_distress_the_agent_cannot_collect(client, rasa_stub, session_factory):
    _verify(session_factory, "conv-fallback")
    rasa_stub.add(
        "conv-fallback",
        {
            "event": "user",
            "text": "我真的不想活了",
            "parse_data": {"intent": {"name": "express_distress", "confidence": 0.99}},
        },
    )
    rasa_stub.add("conv-fallback", {"event": "user", "text": "嗯", "parse_data": {}})
    token = await log_in(client, "agent")
    await _claim(client, token, FALLBACK_ID)
    collect = await _send(client, token, FALLBACK_ID, {"text": "请问您计划哪天还款？"})
    assert collect.status == 422
    rules = {v["rule"] for v in (await collect.json())["violations"]}
    assert any(rule.endswith("distress_ignored") for rule in rules)
    care = "我很担心您，现在先不谈还款。请拨打全国心理援助热线12356。"
    assert (await _send(client, token, FALLBACK_ID, {"text": care})).status == 200
