"""Settings of the Rasa server and the action server, read once from the environment.

- ``BIND_HOST`` (``127.0.0.1``): the address both servers listen on;
- ``RASA_PORT``, ``ACTIONS_PORT``, ``WEB_PORT`` (``5005``, ``5055``, ``8000``): ports;
- ``RASA_TOKEN`` (required): the token of Rasa's HTTP API (``?token=``), sent by the web app
  and tools;
- ``ACTION_SERVER_TOKEN`` (required): the shared secret Rasa sends to the action server in
  the header ``X-Action-Token``;
- ``CORS_ORIGIN`` (``http://127.0.0.1:$WEB_PORT``): the one origin allowed to call Rasa from
  a browser.

``bin/run-stack`` makes random tokens for a local run when none are set; a deployment sets its
own (see README, "Security").

Why this is not part of :class:`bot.settings.Settings`: these are the serving layer's settings,
read by the two launchers (:mod:`bot.serve.rasa_server`, :mod:`bot.serve.action_server`) and
passed down explicitly, and the tokens are required: a server must refuse to start without
them. The dialogue code, the command-line tools, the web app and the unit tests read
:mod:`bot.settings` and must work without any token, so folding these in would either make the
tokens optional (losing the check at start) or demand them everywhere. The variables this
shares with the web app (``WEB_PORT``, ``RASA_TOKEN``) are parsed by the one parser in
:mod:`bot.settings`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from bot import settings
from bot.settings import ConfigError, port

ACTION_TOKEN_HEADER = "X-Action-Token"
MIN_TOKEN_CHARS = 16


def _required_secret(name: str, value: str | None) -> str:
    if value is None or len(value) < MIN_TOKEN_CHARS:
        raise ConfigError(
            f"{name} must be set to a secret of at least {MIN_TOKEN_CHARS} characters"
        )
    return value


@dataclass(frozen=True)
class ServeSettings:
    """Where the servers listen and the secrets they check (see the module docstring)."""

    host: str
    rasa_port: int
    actions_port: int
    rasa_token: str
    action_token: str
    cors_origin: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServeSettings:
        """Read and validate the settings.

        Raises:
            bot.settings.ConfigError: A token is missing or too short, or a port is not a port.
        """
        env = os.environ if environ is None else environ
        web_port = settings.web_port(env)
        return cls(
            host=env.get("BIND_HOST", "").strip() or "127.0.0.1",
            rasa_port=port(env, "RASA_PORT", 5005),
            actions_port=port(env, "ACTIONS_PORT", 5055),
            rasa_token=_required_secret("RASA_TOKEN", settings.rasa_token(env)),
            action_token=_required_secret(
                "ACTION_SERVER_TOKEN", env.get("ACTION_SERVER_TOKEN", "").strip() or None
            ),
            cors_origin=env.get("CORS_ORIGIN", "").strip() or f"http://127.0.0.1:{web_port}",
        )
