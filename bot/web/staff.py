"""Staff users of the web app: creation, password checks, roles (data module).

Passwords are hashed with Argon2id (``argon2-cffi``, its default parameters); only the hash is
stored. Functions take a session owned by the caller and never commit; they write through
:class:`~bot.db.web_repositories.StaffUserRepository`. They raise the domain errors below,
which the views turn into messages and the CLI into exit codes.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from bot.db.web_models import StaffRole, StaffUser
from bot.db.web_repositories import StaffUserRepository

logger = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 10
USER_NAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{2,64}$")
_HASHER = PasswordHasher()


class StaffError(ValueError):
    """A staff-user operation was refused (the message says why, for a person)."""


class UserExistsError(StaffError):
    """A user with this name exists already."""


class UnknownUserError(StaffError):
    """No user with this name or id."""


class WeakPasswordError(StaffError):
    """The password is too short."""


@dataclass(frozen=True)
class StaffView:
    """What the app keeps about the logged-in user for one request."""

    id: int
    name: str
    role: StaffRole
    active: bool
    session_version: int = 1

    @classmethod
    def of(cls, user: StaffUser) -> StaffView:
        """Build the view of a user row."""
        return cls(
            user.id,
            user.name,
            StaffRole(user.role),
            bool(user.active),
            int(user.session_version or 1),
        )


def hash_password(password: str) -> str:
    """Hash a password with Argon2id.

    Raises:
        WeakPasswordError: Shorter than ``MIN_PASSWORD_LENGTH`` characters.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符")
    return _HASHER.hash(password)


def parse_role(role: str) -> StaffRole:
    """Return the role named ``role``.

    Raises:
        StaffError: Not one of agent, trainer, admin.
    """
    try:
        return StaffRole(role.strip().lower())
    except ValueError:
        names = ", ".join(r.value for r in StaffRole)
        raise StaffError(f"未知角色 {role!r}（可选：{names}）") from None


def create_user(session: Session, name: str, password: str, role: StaffRole | str) -> StaffView:
    """Create an active staff user.

    Args:
        session: Caller-owned session.
        name: Login name (2-64 letters, digits, ``_.-`` or Chinese characters).
        password: Clear-text password (hashed here, never stored).
        role: ``agent``, ``trainer`` or ``admin``.

    Returns:
        The new user.

    Raises:
        StaffError: Bad name or role; ``UserExistsError``; ``WeakPasswordError``.
    """
    name = name.strip()
    if not USER_NAME.match(name):
        raise StaffError("用户名需为 2-64 个字母、数字、汉字或 _.-")
    role = parse_role(role) if isinstance(role, str) else role
    if _find(session, name) is not None:
        raise UserExistsError(f"用户 {name} 已存在")
    user = StaffUserRepository(session).add(
        name=name, password_hash=hash_password(password), role=role
    )
    logger.info("staff user %s created with role %s", name, role.value)
    return StaffView.of(user)


def authenticate(session: Session, name: str, password: str) -> StaffView | None:
    """Check a login; rehash the password when Argon2's parameters changed.

    Args:
        session: Caller-owned session (the last-login time is written to it).
        name: Login name.
        password: Clear-text password.

    Returns:
        The user, or ``None`` for an unknown or inactive user or a wrong password (callers do
        not learn which).
    """
    user = _find(session, name.strip())
    if user is None or not user.active:
        _verify(_dummy_hash(), password)
        return None
    if not _verify(user.password_hash, password):
        logger.info("failed login for staff user %s", user.name)
        return None
    rehashed = _HASHER.hash(password) if _HASHER.check_needs_rehash(user.password_hash) else None
    user = StaffUserRepository(session).record_login(user.id, password_hash=rehashed)
    return StaffView.of(user)


def get_user(session: Session, user_id: int) -> StaffView | None:
    """Return the active user with this id, or ``None`` (deleted or deactivated)."""
    user = StaffUserRepository(session).get(user_id)
    if user is None or not user.active:
        return None
    return StaffView.of(user)


def list_users(session: Session) -> list[StaffView]:
    """Return every user, by name."""
    return [StaffView.of(u) for u in StaffUserRepository(session).all()]


def set_role(session: Session, name: str, role: StaffRole | str) -> StaffView:
    """Change a user's role.

    Raises:
        UnknownUserError: No such user.
        StaffError: Unknown role.
    """
    user = _require(session, name)
    role = parse_role(role) if isinstance(role, str) else role
    user = StaffUserRepository(session).set_role(user.id, role)
    logger.info("staff user %s now has role %s", user.name, user.role.value)
    return StaffView.of(user)


def set_active(session: Session, name: str, active: bool) -> StaffView:
    """Activate or deactivate a user (a deactivated user cannot log in; sessions end).

    Raises:
        UnknownUserError: No such user.
    """
    users = StaffUserRepository(session)
    user = users.set_active(_require(session, name).id, active)
    if not active:
        user = users.end_sessions(user.id)  # a later reactivation does not revive old cookies
    logger.info("staff user %s %s", user.name, "activated" if active else "deactivated")
    return StaffView.of(user)


def set_password(session: Session, name: str, password: str) -> StaffView:
    """Replace a user's password; the user's existing sessions end.

    Raises:
        UnknownUserError: No such user.
        WeakPasswordError: Too short.
    """
    user = _require(session, name)
    user = StaffUserRepository(session).set_password_hash(user.id, hash_password(password))
    logger.info("password of staff user %s changed", user.name)
    return StaffView.of(user)


def end_sessions(session: Session, user_id: int) -> int | None:
    """End every session of a user (logout): raise the user's session version.

    Returns:
        The new version, or ``None`` when the user no longer exists.
    """
    users = StaffUserRepository(session)
    if users.get(user_id) is None:
        return None
    user = users.end_sessions(user_id)
    logger.info("sessions of staff user %s ended", user.name)
    return int(user.session_version)


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash checked when the user does not exist, so a wrong name costs like a wrong password."""
    return _HASHER.hash("not a real password: timing equaliser")


def _find(session: Session, name: str) -> StaffUser | None:
    if not USER_NAME.match(name):
        return None  # no such user can exist (and odd bytes never reach the database)
    return StaffUserRepository(session).find_by_name(name)


def _require(session: Session, name: str) -> StaffUser:
    user = _find(session, name.strip())
    if user is None:
        raise UnknownUserError(f"没有用户 {name}")
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
