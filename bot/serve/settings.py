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
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

ACTION_TOKEN_HEADER = "X-Action-Token"
MIN_TOKEN_CHARS = 16


class SettingsError(ValueError):
    """An environment variable is missing or unusable."""


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip() or str(default)
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SettingsError(f"{name} must be a port number, got {raw!r}")
    return int(raw)


def _token(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if len(value) < MIN_TOKEN_CHARS:
        raise SettingsError(
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
            SettingsError: A token is missing or too short, or a port is not a port.
        """
        env = os.environ if environ is None else environ
        web_port = _port(env, "WEB_PORT", 8000)
        return cls(
            host=env.get("BIND_HOST", "").strip() or "127.0.0.1",
            rasa_port=_port(env, "RASA_PORT", 5005),
            actions_port=_port(env, "ACTIONS_PORT", 5055),
            rasa_token=_token(env, "RASA_TOKEN"),
            action_token=_token(env, "ACTION_SERVER_TOKEN"),
            cors_origin=env.get("CORS_ORIGIN", "").strip() or f"http://127.0.0.1:{web_port}",
        )
