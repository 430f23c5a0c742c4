"""Manage the web app's staff users from the command line.

Usage (the database is ``DATABASE_URL``, default ``var/collection.db``; its schema is upgraded
first)::

    python -m bot.web.users add NAME --role agent|trainer|admin
    python -m bot.web.users list
    python -m bot.web.users set-role NAME ROLE
    python -m bot.web.users passwd NAME
    python -m bot.web.users disable NAME
    python -m bot.web.users enable NAME

``add`` and ``passwd`` read the password from ``WEB_USER_PASSWORD`` if set, otherwise they ask
for it twice without echoing it. Exit status: 0 done, 1 refused (the reason is printed), 2 usage.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from bot import settings
from bot.db.migrate import upgrade_head
from bot.db.settings import make_engine, make_session_factory, session_scope
from bot.db.web_models import StaffRole
from bot.web import staff

logger = logging.getLogger(__name__)

PASSWORD_ENV = "WEB_USER_PASSWORD"


class CommandError(Exception):
    """The command cannot run (e.g. no password and no terminal to ask on)."""


def read_password(prompt: Callable[[str], str] = getpass.getpass) -> str:
    """Return the new password from ``WEB_USER_PASSWORD`` or from two hidden prompts.

    Args:
        prompt: Reads a line without echo (``getpass.getpass``; replaced in tests).

    Raises:
        CommandError: The two entries differ, or there is no terminal to ask on.
    """
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    if prompt is getpass.getpass and not sys.stdin.isatty():
        raise CommandError(f"no terminal to ask for the password: set {PASSWORD_ENV}")
    first = prompt("Password: ")
    if prompt("Password (again): ") != first:
        raise CommandError("the two passwords differ")
    return first


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.web.users", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="create a user")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[r.value for r in StaffRole])
    commands.add_parser("list", help="list users")
    set_role = commands.add_parser("set-role", help="change a user's role")
    set_role.add_argument("name")
    set_role.add_argument("role", choices=[r.value for r in StaffRole])
    for name, text in (
        ("passwd", "set a new password"),
        ("disable", "deactivate a user"),
        ("enable", "reactivate a user"),
    ):
        commands.add_parser(name, help=text).add_argument("name")
    return parser


def run(args: argparse.Namespace, session: Session, password: Callable[[], str]) -> list[str]:
    """Run one parsed command on a session; return the lines to print.

    Raises:
        staff.StaffError: The command was refused.
        CommandError: No usable password.
    """
    if args.command == "add":
        user = staff.create_user(session, args.name, password(), args.role)
        return [f"created {user.name} ({user.role.value})"]
    if args.command == "list":
        return [
            f"{u.name}\t{u.role.value}\t{'active' if u.active else 'disabled'}"
            for u in staff.list_users(session)
        ] or ["(no users)"]
    if args.command == "set-role":
        user = staff.set_role(session, args.name, args.role)
        return [f"{user.name} is now {user.role.value}"]
    if args.command == "passwd":
        user = staff.set_password(session, args.name, password())
        return [f"password of {user.name} changed"]
    user = staff.set_active(session, args.name, args.command == "enable")
    return [f"{user.name} {'enabled' if user.active else 'disabled'}"]


def main(argv: Sequence[str] | None = None, url: str | None = None) -> int:
    """Command-line entry point.

    Args:
        argv: Arguments (default ``sys.argv[1:]``).
        url: Database URL (default ``DATABASE_URL`` / the SQLite default).

    Returns:
        The exit status.
    """
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
    url = url or settings.current().database_url
    upgrade_head(url)
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            lines = run(args, session, read_password)
    except (staff.StaffError, CommandError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
