import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from sqlalchemy import func, select

from bot.db.settings import session_scope
from bot.db.web_models import ConversationTag
from bot.web.state import SESSIONS, USER, current_user, run_db


def _request(session_factory) -> web.Request:
    app = web.Application()
    app[SESSIONS] = session_factory
    return make_mocked_request("GET", "/", app=app)


def _count(session_factory) -> int:
    with session_scope(session_factory) as session:
        return session.execute(select(func.count(ConversationTag.id))).scalar_one()


async def test_run_db_commits_on_success(session_factory) -> None:
    def add(session, tag):
        session.add(ConversationTag(conversation_id="c", tag=tag))
        return tag

    assert await run_db(_request(session_factory), add, "kept") == "kept"
    assert _count(session_factory) == 1


async def test_run_db_rolls_back_on_error(session_factory) -> None:
    def fail(session):
        session.add(ConversationTag(conversation_id="c", tag="lost"))
        session.flush()
        raise LookupError("nope")

    with pytest.raises(LookupError):
        await run_db(_request(session_factory), fail)
    assert _count(session_factory) == 0


def test_current_user() -> None:
    request = make_mocked_request("GET", "/")
    assert current_user(request) is None
    request[USER] = "someone"
    assert current_user(request) == "someone"
