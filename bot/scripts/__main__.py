"""Scripts library CLI: `lint` checks the library, `show [stage]` lists it for a reader."""

from __future__ import annotations

import argparse
import sys

from bot.scripts.library import ScriptError, load_library
from bot.scripts.lint import describe, lint


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m bot.scripts")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("lint", help="check schema, ids, guard, disclosures, placeholders, domain")
    show = sub.add_parser("show", help="list scripts for a person reading them")
    show.add_argument("stage", nargs="?", help="only this stage (e.g. plans)")
    args = parser.parse_args(argv)

    if args.command == "lint":
        problems = lint()
        for problem in problems:
            print(problem)
        print(f"{len(problems)} problem(s)" if problems else "scripts library: OK")
        return 1 if problems else 0
    try:
        library = load_library()
    except ScriptError as exc:
        print(exc, file=sys.stderr)
        return 1
    scripts = library.by_stage(args.stage)
    if not scripts:
        print(f"no scripts for stage {args.stage!r}", file=sys.stderr)
        return 1
    print(describe(scripts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
