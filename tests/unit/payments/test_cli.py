"""``python -m bot.payments``: import and settle on a migrated SQLite database with demo data."""

import datetime as dt
import logging
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from bot.db.models import PromiseStatus
from bot.db.repositories import Repositories
from bot.db.settings import make_engine, make_session_factory, session_scope
from bot.payments import __main__ as cli
from bot.settings import REPO_ROOT

HEADER = "reference,account,amount,paid_at,channel\n"
GOOD = (
    HEADER
    + "PAY-001,1,1258.00,2024-11-30T14:05:00+08:00,bank_transfer\nPAY-002,2,326.05,2024-11-30,\n"
)


@pytest.fixture
def database_url(demo_database_url: str) -> str:
    return demo_database_url


@pytest.fixture
def factory(database_url: str) -> Iterator[sessionmaker]:
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


def _write(tmp_path: Path, text: str | bytes, name: str = "payments.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def _total_due(factory: sessionmaker, account_id: int) -> Decimal:
    with session_scope(factory) as session:
        return Repositories(session).accounts.get(account_id).total_due


def test_import_a_good_file_then_again(tmp_path, factory, capsys) -> None:
    path = _write(tmp_path, GOOD)
    assert cli.main(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "2 rows: 2 recorded, 0 duplicates, 0 rejected" in out
    assert _total_due(factory, 1) == Decimal("11322.00")
    assert _total_due(factory, 2) == Decimal("2934.45")
    assert cli.main(["import", str(path)]) == 0
    assert "2 rows: 0 recorded, 2 duplicates, 0 rejected" in capsys.readouterr().out
    assert _total_due(factory, 1) == Decimal("11322.00")


def test_a_bad_file_exits_1_with_a_reason_per_row_and_records_the_good_rows(
    tmp_path, factory, capsys
) -> None:
    text = (
        HEADER + "PAY-1,1,abc,2024-11-30,\n"
        "PAY-2,99,5,2024-11-30,\n"
        "PAY-3,1,5,30/11/2026,\n"
        "PAY-4,1,5,2024-11-30,\n"
        "PAY-4,1,6,2024-11-30,\n"
    )
    assert cli.main(["import", str(_write(tmp_path, text))]) == 1
    out = capsys.readouterr().out
    assert "5 rows: 1 recorded, 0 duplicates, 4 rejected" in out
    assert "rejected line 2: amount: not an amount" in out
    assert "rejected line 3: account: unknown account" in out
    assert "rejected line 4: paid_at: not an ISO 8601 date-time" in out
    assert "rejected line 6: reference: repeated on line 5 differently" in out
    assert _total_due(factory, 1) == Decimal("12575.00")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"reference,account,amount\nR,1,5\n", "missing column(s): paid_at"),
        ((HEADER + "R,1,5,2024-11-30,转账\n").encode("gbk"), "not UTF-8"),
    ],
)
def test_unreadable_files_exit_1_and_change_nothing(tmp_path, factory, capsys, data, reason):
    assert cli.main(["import", str(_write(tmp_path, data))]) == 1
    assert reason in capsys.readouterr().out
    assert _total_due(factory, 1) == Decimal("12580.00")


def test_a_bom_file_is_read(tmp_path, factory, capsys) -> None:
    assert cli.main(["import", str(_write(tmp_path, "\ufeff" + GOOD))]) == 0
    assert _total_due(factory, 1) == Decimal("11322.00")


def test_a_missing_file_exits_2(tmp_path, database_url, capsys) -> None:
    assert cli.main(["import", str(tmp_path / "nope.csv")]) == 2
    assert "error:" in capsys.readouterr().err


def test_long_runs_show_progress(tmp_path, factory, capsys, monkeypatch) -> None:
    monkeypatch.setattr(cli, "PROGRESS_FROM", 3)
    rows = "".join(f"R{i},3,1.00,2024-11-30,\n" for i in range(450))
    assert cli.main(["import", str(_write(tmp_path, HEADER + rows))]) == 0
    err = capsys.readouterr().err
    assert "200/450 rows" in err and "450/450 rows" in err


def test_no_full_card_or_phone_number_in_logs_or_output(tmp_path, factory, capsys, caplog):
    card, phone = "6217001234565678", "13800001111"
    text = HEADER + f"{phone},1,5,2024-11-30,\nR2,{card},5,2024-11-30,{card}\n"
    with caplog.at_level(logging.DEBUG):
        assert cli.main(["import", str(_write(tmp_path, text))]) == 1
    captured = capsys.readouterr()
    for number in (card, phone):
        assert number not in caplog.text
        assert number not in captured.out and number not in captured.err


def test_settle_marks_an_unpaid_promise_broken_at_a_fixed_moment(factory, capsys) -> None:
    with session_scope(factory) as session:
        promise = Repositories(session).promises.add(
            account_id=2, amount="326.05", due_date=dt.date(2026, 11, 20)
        )
        promise.created_at = dt.datetime(2026, 11, 18, 2, 0, tzinfo=dt.timezone.utc)
    assert cli.main(["settle", "--at", "2026-11-20T23:59"]) == 0
    assert "promises kept 0, broken 0" in capsys.readouterr().out
    assert cli.main(["settle", "--at", "2026-11-21T00:00+08:00"]) == 0
    assert "promises kept 0, broken 1" in capsys.readouterr().out
    with session_scope(factory) as session:
        assert Repositories(session).promises.for_account(2)[0].status == PromiseStatus.BROKEN


def test_settle_refuses_a_bad_moment(database_url, capsys) -> None:
    assert cli.main(["settle", "--at", "tomorrow"]) == 2


def test_runs_as_a_module(tmp_path, database_url) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.payments", "import", str(_write(tmp_path, GOOD))],
        cwd=REPO_ROOT,
        env={"DATABASE_URL": database_url, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "2 recorded" in result.stdout
