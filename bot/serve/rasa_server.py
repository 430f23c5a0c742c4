"""The Rasa server, started the safe way: ``python -m bot.serve.rasa_server [rasa run options]``.

It applies our Rasa patches (:mod:`bot.rasa_patches`), then runs ``rasa run`` with the
boundary settings of :class:`bot.serve.settings.ServeSettings` that no caller may leave out:

- listening on ``BIND_HOST`` (loopback by default), port ``RASA_PORT``;
- the HTTP API on, behind ``--auth-token $RASA_TOKEN`` (channel webhooks stay open: they are
  how borrowers talk);
- CORS for the web app's origin only.

Any other ``rasa run`` option (``--model``, ``--endpoints``, ``--credentials`` ...) is passed
through; ``--interface``, ``--port``, ``--auth-token``, ``--cors`` and ``--enable-api`` given
on the command line are refused, so a profile cannot silently open the boundary.
"""

from __future__ import annotations

import sys

from bot.serve.settings import ServeSettings

MANAGED = ("-i", "--interface", "-p", "--port", "--auth-token", "-t", "--cors", "--enable-api")


def rasa_arguments(settings: ServeSettings, extra: list[str]) -> list[str]:
    """The ``rasa`` command line for our settings plus ``extra`` options.

    Raises:
        SystemExit: ``extra`` sets an option this entry point manages.
    """
    managed = [arg for arg in extra if arg.split("=")[0] in MANAGED]
    if managed:
        raise SystemExit(
            f"these options are set from the environment, not the command line: {managed}"
        )
    return [
        "rasa",
        "run",
        "--interface",
        settings.host,
        "--port",
        str(settings.rasa_port),
        "--enable-api",
        "--auth-token",
        settings.rasa_token,
        "--cors",
        settings.cors_origin,
        *extra,
    ]


def main() -> None:
    """Patch Rasa, then run it."""
    settings = ServeSettings.from_env()
    from bot import rasa_patches

    rasa_patches.apply()
    import rasa.__main__

    sys.argv = rasa_arguments(settings, sys.argv[1:])
    rasa.__main__.main()


if __name__ == "__main__":
    main()
