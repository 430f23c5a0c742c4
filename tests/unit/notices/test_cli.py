"""``python -m bot.notices``: issue and render on the demo database; exit 2 and nothing stored on
bad input."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest
from sqlalchemy import func, select

from bot import settings
from bot.db.models import Notice
from bot.db.notices import NoticeRepository, pdf_digest
from bot.db.repositories import Repositories
from bot.db.settings import session_scope
from bot.notices import __main__ as cli
from bot.settings import REPO_ROOT
from tests.unit.notices.conftest import pdf_text

ISSUED = re.compile(r"^notice (\d+) (N\d{6}-\d{2}) sha256 ([0-9a-f]{64})$")


@pytest.fixture(autouse=True)
def _today():
    with settings.override(today=dt.date(2026, 12, 4)):
        yield


def _count(factory) -> int:
    with session_scope(factory) as session:
        return session.execute(select(func.count(Notice.id))).scalar_one()


def test_issue_prints_the_id_and_the_hash_of_what_it_stored(factory, capsys) -> None:
    assert cli.main(["issue", "--account", "1"]) == 0
    match = ISSUED.match(capsys.readouterr().out.strip())
    assert match, "one line: notice <id> <reference> sha256 <hash>"
    notice_id, reference, digest = int(match[1]), match[2], match[3]
    with session_scope(factory) as session:
        stored = NoticeRepository(session).get(notice_id)
        assert stored is not None and stored.reference == reference == "N000001-01"
        assert stored.sha256 == digest == pdf_digest(bytes(stored.pdf))
        assert stored.issued_by.startswith("cli")


def test_an_unknown_account_exits_2_and_stores_nothing(factory, capsys) -> None:
    assert cli.main(["issue", "--account", "99"]) == 2
    assert capsys.readouterr().err.strip() == "error: no account 99"
    assert _count(factory) == 0


@pytest.mark.parametrize("value", ["x", "0", "-1", "1.5", "１", "99999999999"])
def test_an_account_that_is_not_an_id_exits_2(demo_database_url, capsys, value) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["issue", "--account", value])
    assert exit_.value.code == 2
    assert "is not an account id" in capsys.readouterr().err


def test_a_missing_account_option_exits_2(demo_database_url, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["issue"])
    assert exit_.value.code == 2 and "--account" in capsys.readouterr().err


def test_a_template_the_guard_refuses_exits_2_and_stores_nothing(factory, capsys, tmp_path) -> None:
    folder = tmp_path / "scripts"
    shutil.copytree(REPO_ROOT / "scripts_library", folder)
    path = folder / "notices.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "尊敬的{borrower_name}：", "{borrower_name}，你这个老赖："
        ),
        encoding="utf-8",
    )
    with settings.override(scripts_dir=folder):
        assert cli.main(["issue", "--account", "1"]) == 2
    error = capsys.readouterr().err
    assert "the compliance guard refused notices.formal_notice v1: no-insult" in error
    assert "nothing was stored" in error and _count(factory) == 0


def test_a_disputed_account_exits_2(factory, capsys) -> None:
    with session_scope(factory) as session:
        Repositories(session).disputes.add(account_id=2, reason="金额不对")
    assert cli.main(["issue", "--account", "2"]) == 2
    assert capsys.readouterr().err.strip() == ("error: account 2 may not get a notice now: dispute")


def test_render_writes_the_pdf_and_stores_nothing(factory, capsys, tmp_path) -> None:
    out = tmp_path / "notice.pdf"
    assert cli.main(["render", "--account", "1", "--out", str(out)]) == 0
    assert "not stored" in capsys.readouterr().out
    assert "尊敬的张伟" in pdf_text(out.read_bytes(), tmp_path)
    assert _count(factory) == 0


@pytest.mark.parametrize(
    ("out", "message"),
    [("notice.txt", "must name a .pdf file"), ("no/such/folder/n.pdf", "no folder")],
)
def test_render_refuses_a_bad_out_path(demo_database_url, capsys, tmp_path, out, message):
    assert cli.main(["render", "--account", "1", "--out", str(tmp_path / out)]) == 2
    assert message in capsys.readouterr().err


def test_a_database_without_the_schema_exits_2(tmp_path, capsys) -> None:
    with settings.override(database_url=f"sqlite:///{tmp_path / 'empty.db'}"):
        assert cli.main(["issue", "--account", "1"]) == 2
    assert capsys.readouterr().err.startswith("error: database: ")
