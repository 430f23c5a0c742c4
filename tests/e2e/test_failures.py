"""Every failure the borrower can see ends in an approved reply; safety replies go out anyway.

A second stack whose action server cannot reach its database (nothing listens on port 1),
then the same stack with its action server stopped.
"""

import pytest

from tests.e2e.conftest import MODEL, running_stack

UNAVAILABLE = "暂时无法回复"
DISCLOSURE = "自动应答"


@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    if not MODEL.exists():
        pytest.skip(f"no trained model at {MODEL}: run `make train`")
    work = tmp_path_factory.mktemp("broken")
    with running_stack(work, "postgresql+psycopg2://nobody@127.0.0.1:1/none", seed=False) as s:
        yield s


def test_database_down_still_discloses_and_says_unavailable(broken):
    said = " ".join(broken.say("db-down-1", "你好"))
    assert DISCLOSURE in said and UNAVAILABLE in said and "400-800-0000" in said


def test_database_down_distress_gets_the_hotline(broken):
    broken.say("db-down-2", "你好")
    said = " ".join(broken.say("db-down-2", "欠这么多钱我真的不想活了"))
    assert "12356" in said


def test_action_server_down_gets_approved_replies(broken):
    broken.procs["actions"].terminate()
    broken.procs["actions"].wait(timeout=20)
    said = " ".join(broken.say("no-actions-1", "你好"))
    assert UNAVAILABLE in said
    said = " ".join(broken.say("no-actions-2", "我不想活了"))
    assert "12356" in said
