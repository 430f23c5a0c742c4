import pytest

from bot.db.web_models import StaffRole
from bot.web.security import PERMISSIONS, allowed, require, safe_next, token_matches
from bot.web.staff import StaffView


def _user(role: StaffRole) -> StaffView:
    return StaffView(1, "x", role, True)


def test_roles_matrix() -> None:
    expected = {
        StaffRole.AGENT: {"assist", "desk"},
        StaffRole.TRAINER: {"assist", "review", "dashboard", "notices"},
        StaffRole.ADMIN: {"assist", "desk", "review", "dashboard", "users", "payments", "notices"},
    }
    for role, permissions in expected.items():
        assert {p for p in PERMISSIONS if allowed(_user(role), p)} == permissions
    assert not any(allowed(None, p) for p in PERMISSIONS)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/review?x=1", "/review?x=1"),
        ("", "/"),
        (None, "/"),
        ("//evil.example", "/"),
        ("https://evil.example", "/"),
        ("/\\evil.example", "/"),
        ("review", "/"),
    ],
)
def test_safe_next(target, expected) -> None:
    assert safe_next(target) == expected


def test_token_matches() -> None:
    assert token_matches({"csrf": "abc"}, "abc")
    assert not token_matches({"csrf": "abc"}, "abd")
    assert not token_matches({"csrf": "abc"}, None)
    assert not token_matches({}, "")
    assert not token_matches({}, None)


def test_require_refuses_unknown_permissions_at_import_time() -> None:
    with pytest.raises(KeyError):
        require("superpowers")
