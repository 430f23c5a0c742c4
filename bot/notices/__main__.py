"""Command line: ``python -m bot.notices issue --account N`` and ``render --account N --out F``.

``issue`` makes the account's next formal notice from the approved template, has the guard check
it, renders it to HTML and PDF and stores it (table ``notices``) with the template's id and
version and the PDF's SHA-256; it prints the notice's id, reference and hash. ``render`` makes
the same document and writes the PDF to a file without storing anything (a preview: the
reference is that of the next version). Exit status 2, with the reason on stderr and nothing
stored, when the account does not exist or may not get a notice now (nothing owed, dispute,
pause, distress, stop-contact), the guard refuses the text, or a setting, the template or the
database cannot be used. Uses ``DATABASE_URL``, ``POLICY_FILE``, ``SCRIPTS_DIR``, ``BOT_TODAY``.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot import settings
from bot.db.settings import make_engine, make_session_factory, session_scope
from bot.db.types import utcnow
from bot.notices.content import NoticeError
from bot.notices.issue import issue_notice, render_notice
from bot.policy import PolicyError, load_policy
from bot.scripts import ScriptError, load_library

logger = logging.getLogger(__name__)

MAX_ACCOUNT_ID = 2**31 - 1


class UsageError(ValueError):
    """A command-line value that cannot be used."""


def account_id(text: str) -> int:
    """An account id: a whole number from 1 (the ledger's ``accounts.id``)."""
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_ACCOUNT_ID:
        raise argparse.ArgumentTypeError(
            f"{text[:40]!r} is not an account id (the ledger's account number, e.g. 1)"
        )
    return int(text)


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot.notices",
        description="Formal written notices (函件) from the approved template ($DATABASE_URL).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    issuing = commands.add_parser("issue", help="issue and store the account's next notice")
    issuing.add_argument("--account", type=account_id, required=True, help="account id")
    rendering = commands.add_parser("render", help="write the next notice's PDF; store nothing")
    rendering.add_argument("--account", type=account_id, required=True, help="account id")
    rendering.add_argument("--out", type=Path, required=True, help="the PDF file to write")
    return parser.parse_args(argv)


def _issuer() -> str:
    try:
        return f"cli:{getpass.getuser()}"[:64]
    except (KeyError, OSError):  # no user name in this environment
        return "cli"


def _check_out(path: Path) -> None:
    if path.suffix.lower() != ".pdf":
        raise UsageError(f"--out must name a .pdf file, not {str(path)[:200]!r}")
    if not path.parent.is_dir():
        raise UsageError(f"--out: no folder {str(path.parent)[:200]!r}")


def run(args: argparse.Namespace) -> str:
    """Do the command in one transaction; return what to print.

    Raises:
        NoticeError, ScriptError, PolicyError, ConfigError, UsageError, SQLAlchemyError, OSError.
    """
    if args.command == "render":
        _check_out(args.out)
    policy = load_policy()
    library = load_library()
    now = utcnow()
    engine = make_engine(settings.current().database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            if args.command == "render":
                rendered = render_notice(
                    session, args.account, policy=policy, library=library, now=now
                )
                session.rollback()  # a preview: nothing is kept
                args.out.write_bytes(rendered.pdf)
                return (
                    f"preview of notice {rendered.reference} (not stored) written to {args.out}"
                    f" sha256 {rendered.sha256}"
                )
            notice = issue_notice(
                session, args.account, policy=policy, library=library, now=now, issued_by=_issuer()
            )
            return f"notice {notice.id} {notice.reference} sha256 {notice.sha256}"
    finally:
        engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command.

    Args:
        argv: Command-line arguments (default ``sys.argv[1:]``).

    Returns:
        0; 2 when the input, a setting, the template, the guard or the database says no.
    """
    args = _parse(argv)
    try:
        print(run(args))
    except (NoticeError, ScriptError, PolicyError, settings.ConfigError, UsageError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except IntegrityError:
        print(
            "error: another notice for this account was issued at the same moment; "
            "nothing was stored, run it again",
            file=sys.stderr,
        )
        return 2
    except SQLAlchemyError as error:
        print(f"error: database: {type(error).__name__}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: cannot write {error.filename}: {error.strerror}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(main())
