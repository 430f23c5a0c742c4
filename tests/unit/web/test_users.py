import pytest

from bot.db.settings import make_engine, make_session_factory, session_scope
from bot.web import staff, users
from tests.unit.web.conftest import PASSWORD


def _authenticate(url: str, name: str, password: str):
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            return staff.authenticate(session, name, password)
    finally:
        engine.dispose()


def test_add_reads_the_password_from_the_environment_and_never_prints_it(
    database_url, monkeypatch, capsys
) -> None:
    monkeypatch.setenv(users.PASSWORD_ENV, "from-the-env-123")
    assert users.main(["add", "bob", "--role", "trainer"], url=database_url) == 0
    out = capsys.readouterr()
    assert "created bob (trainer)" in out.out
    assert "from-the-env-123" not in out.out + out.err
    assert _authenticate(database_url, "bob", "from-the-env-123").role.value == "trainer"


def test_add_on_an_empty_database_migrates_first(tmp_path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    monkeypatch.setenv(users.PASSWORD_ENV, "fresh-password-1")
    assert users.main(["add", "root", "--role", "admin"], url=url) == 0
    assert _authenticate(url, "root", "fresh-password-1") is not None


def test_refusals_exit_1_with_the_reason(database_url, monkeypatch, capsys) -> None:
    monkeypatch.setenv(users.PASSWORD_ENV, "whatever-password")
    assert users.main(["add", "tom", "--role", "agent"], url=database_url) == 1
    assert "已存在" in capsys.readouterr().err
    monkeypatch.setenv(users.PASSWORD_ENV, "short")
    assert users.main(["add", "zed", "--role", "agent"], url=database_url) == 1
    assert users.main(["set-role", "ghost", "admin"], url=database_url) == 1


def test_usage_errors_exit_2(database_url) -> None:
    with pytest.raises(SystemExit) as exit_info:
        users.main(["add", "bob", "--role", "boss"], url=database_url)
    assert exit_info.value.code == 2


def test_list_set_role_disable_enable_passwd(database_url, monkeypatch, capsys) -> None:
    assert users.main(["list"], url=database_url) == 0
    assert "tom\ttrainer\tactive" in capsys.readouterr().out
    assert users.main(["set-role", "tom", "admin"], url=database_url) == 0
    assert users.main(["disable", "tom"], url=database_url) == 0
    assert _authenticate(database_url, "tom", PASSWORD) is None
    assert users.main(["enable", "tom"], url=database_url) == 0
    monkeypatch.setenv(users.PASSWORD_ENV, "rotated-password-9")
    assert users.main(["passwd", "tom"], url=database_url) == 0
    user = _authenticate(database_url, "tom", "rotated-password-9")
    assert user is not None and user.role.value == "admin"


def test_read_password_prompts_twice_without_echo(monkeypatch) -> None:
    monkeypatch.delenv(users.PASSWORD_ENV, raising=False)
    answers = iter(["typed-password-1", "typed-password-1"])
    assert users.read_password(lambda prompt: next(answers)) == "typed-password-1"
    answers = iter(["typed-password-1", "different-typed"])
    with pytest.raises(users.CommandError, match="differ"):
        users.read_password(lambda prompt: next(answers))


def test_read_password_without_a_terminal_asks_for_the_variable(monkeypatch) -> None:
    monkeypatch.delenv(users.PASSWORD_ENV, raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(users.CommandError, match=users.PASSWORD_ENV):
        users.read_password()
