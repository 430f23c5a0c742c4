import pytest
from sqlalchemy import select

from bot.db.settings import session_scope
from bot.db.web_models import StaffRole, StaffUser
from bot.web import staff
from tests.unit.web.conftest import PASSWORD


def test_create_user_stores_an_argon2_hash_never_the_password(session_factory) -> None:
    with session_scope(session_factory) as session:
        user = staff.create_user(session, "新人_01", "a-long-password", "agent")
        row = session.get(StaffUser, user.id)
        assert row.password_hash.startswith("$argon2id$")
        assert "a-long-password" not in row.password_hash
        assert user.role is StaffRole.AGENT and user.active


@pytest.mark.parametrize(
    ("name", "password", "role", "error"),
    [
        ("tom", "another-password", "agent", staff.UserExistsError),
        ("bob", "short", "agent", staff.WeakPasswordError),
        ("bob", "long-enough-pass", "boss", staff.StaffError),
        ("b", "long-enough-pass", "agent", staff.StaffError),
        ("bad name!", "long-enough-pass", "agent", staff.StaffError),
    ],
)
def test_create_user_refusals(session_factory, name, password, role, error) -> None:
    with session_scope(session_factory) as session, pytest.raises(error):
        staff.create_user(session, name, password, role)


def test_authenticate(session_factory) -> None:
    with session_scope(session_factory) as session:
        user = staff.authenticate(session, "tom", PASSWORD)
        assert user is not None and user.role is StaffRole.TRAINER
        assert session.get(StaffUser, user.id).last_login_at is not None
        assert staff.authenticate(session, "tom", PASSWORD + "x") is None
        assert staff.authenticate(session, "nobody", PASSWORD) is None


def test_deactivated_user_cannot_log_in_and_is_not_loaded(session_factory) -> None:
    with session_scope(session_factory) as session:
        user = staff.set_active(session, "alice", False)
        assert staff.authenticate(session, "alice", PASSWORD) is None
        assert staff.get_user(session, user.id) is None
        staff.set_active(session, "alice", True)
        # deactivating ended alice's sessions for good: reactivation keeps the new version
        assert user.session_version == 2
        assert staff.get_user(session, user.id) == user.__class__(
            user.id, "alice", user.role, True, session_version=2
        )


def test_set_role_and_password(session_factory) -> None:
    with session_scope(session_factory) as session:
        assert staff.set_role(session, "alice", "trainer").role is StaffRole.TRAINER
        staff.set_password(session, "alice", "brand-new-password")
        assert staff.authenticate(session, "alice", PASSWORD) is None
        assert staff.authenticate(session, "alice", "brand-new-password") is not None
        with pytest.raises(staff.UnknownUserError):
            staff.set_role(session, "ghost", "agent")
        with pytest.raises(staff.WeakPasswordError):
            staff.set_password(session, "alice", "123")


def test_list_users_sorted_by_name(session_factory) -> None:
    with session_scope(session_factory) as session:
        assert [u.name for u in staff.list_users(session)] == ["ada", "alice", "tom"]
        names = session.scalars(select(StaffUser.name)).all()
        assert len(names) == 3
