"""Claiming hand-offs at the agent desk: one winner per race, on SQLite and PostgreSQL."""

import datetime as dt
import threading

from sqlalchemy.engine import Engine

from bot.db.models import HandoffOutcome, HandoffStatus
from bot.db.repositories import Repositories
from bot.db.settings import make_session_factory, session_scope
from bot.web import staff

NOW = dt.datetime(2026, 12, 4, 4, 0, tzinfo=dt.timezone.utc)
RACERS = 8


def _setup(engine: Engine) -> tuple[int, list[int]]:
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        handoff = Repositories(session).handoffs.add(conversation_id="c1", reason="request")
        agents = [
            staff.create_user(session, f"agent{i}", "password-long-enough", "agent").id
            for i in range(RACERS)
        ]
        return handoff.id, agents


def test_of_many_concurrent_claims_exactly_one_wins(engine: Engine) -> None:
    handoff_id, agents = _setup(engine)
    factory = make_session_factory(engine)
    barrier = threading.Barrier(RACERS)
    results: dict[int, bool] = {}

    def race(agent: int) -> None:
        barrier.wait()
        with session_scope(factory) as session:
            results[agent] = Repositories(session).handoffs.claim(handoff_id, agent, NOW)

    threads = [threading.Thread(target=race, args=(a,)) for a in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [agent for agent, won in results.items() if won]
    assert len(results) == RACERS and len(winners) == 1
    with session_scope(factory) as session:
        handoff = Repositories(session).handoffs.get(handoff_id)
        assert handoff.status == HandoffStatus.ASSIGNED
        assert handoff.claimed_by_id == winners[0] and handoff.claimed_at == NOW


def test_finish_only_by_the_holder_and_only_once(engine: Engine) -> None:
    handoff_id, agents = _setup(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        repos = Repositories(session)
        other = repos.handoffs.add(conversation_id="c1", reason="distress", urgency="urgent")
        assert repos.handoffs.claim(handoff_id, agents[0], NOW)
        assert repos.handoffs.claim_siblings("c1", agents[0], NOW) == 1
        assert repos.handoffs.assigned_for_conversation("c1") is not None
        assert repos.handoffs.finish("c1", agents[1], HandoffOutcome.PLAN, NOW) == 0
        assert repos.handoffs.finish("c1", agents[0], HandoffOutcome.PLAN, NOW) == 2
        assert repos.handoffs.finish("c1", agents[0], HandoffOutcome.PLAN, NOW) == 0
        session.expire_all()
        for row in (repos.handoffs.get(handoff_id), repos.handoffs.get(other.id)):
            assert (row.status, row.outcome, row.closed_at) == ("closed", "plan", NOW)
        assert repos.handoffs.open_queue() == []


def test_the_alert_is_marked_once(engine: Engine) -> None:
    handoff_id, _ = _setup(engine)
    with session_scope(make_session_factory(engine)) as session:
        repos = Repositories(session)
        assert repos.handoffs.mark_notified(handoff_id, NOW) is True
        assert repos.handoffs.mark_notified(handoff_id, NOW) is False


def test_the_queue_ranks_distress_then_disputes_and_complaints(engine: Engine) -> None:
    with session_scope(make_session_factory(engine)) as session:
        repos = Repositories(session)
        add = repos.handoffs.add
        request = add(conversation_id="a", reason="request")
        complaint = add(conversation_id="b", reason="complaint")
        distress = add(conversation_id="c", reason="distress")  # urgent by its reason alone
        dispute = add(conversation_id="d", reason="dispute")
        urgent = add(conversation_id="e", reason="fallback", urgency="urgent")
        order = [h.id for h in repos.handoffs.open_queue()]
        assert order == [distress.id, urgent.id, complaint.id, dispute.id, request.id]
