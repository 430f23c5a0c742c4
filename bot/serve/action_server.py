"""The action server: rasa-sdk's app behind a shared secret, on loopback, with bounded input.

``python -m bot.serve.action_server`` replaces ``rasa run actions --actions actions``:

- ``POST /webhook`` answers only a caller that sends the header ``X-Action-Token`` equal to
  ``ACTION_SERVER_TOKEN`` (Rasa sends it: see ``endpoints.yml``); anyone else gets 401, so a
  forged tracker posted to the action server runs nothing;
- a body that is not a JSON object with ``next_action`` and ``tracker`` gets 400, one above
  :data:`bot.inbound.MAX_ACTION_REQUEST_BYTES` gets 413;
- an error answers 500 without echoing the request (rasa-sdk's own handler returns the whole
  tracker, personal data included);
- ``GET /health`` stays open, for the process supervisor.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.request import Request

from bot import settings as bot_settings
from bot.inbound import MAX_ACTION_REQUEST_BYTES
from bot.serve.headers import add_api_headers
from bot.serve.settings import ACTION_TOKEN_HEADER, ServeSettings

logger = logging.getLogger(__name__)

ACTIONS_PACKAGE = "actions"
KEEP_ALIVE_SECONDS = 75


def _bad_action_call(raw: bytes) -> str | None:
    """Why a webhook body is not an action call, or None when it is one."""
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return "body must be UTF-8 encoded JSON"
    if not isinstance(body, dict):
        return "body must be a JSON object"
    if not isinstance(body.get("next_action"), str) or not isinstance(body.get("tracker"), dict):
        return '"next_action" (string) and "tracker" (object) are required'
    return None


def build_app(token: str, actions_package: str = ACTIONS_PACKAGE) -> Sanic:
    """rasa-sdk's app with the checks of the module docstring."""
    app: Sanic = create_app(actions_package, cors_origins=None)
    app.config.REQUEST_MAX_SIZE = MAX_ACTION_REQUEST_BYTES
    # Rasa's HTTP client keeps connections for 15 s (aiohttp's default); Sanic closed them after
    # 5 s, so under load Rasa wrote into a connection the server was closing ("Cannot write to
    # closing transport") and the action's events were lost. The client now always closes first.
    app.config.KEEP_ALIVE_TIMEOUT = KEEP_ALIVE_SECONDS
    expected = token.encode()

    async def check_call(request: Request) -> Any:
        if request.path != "/webhook":
            return None
        given = request.headers.get(ACTION_TOKEN_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            logger.warning("action call refused: missing or wrong %s", ACTION_TOKEN_HEADER)
            return response.json({"error": "unauthorized"}, status=401)
        declared = request.headers.get("Content-Length", "0")
        if not declared.isdigit() or int(declared) > MAX_ACTION_REQUEST_BYTES:
            return response.json({"error": "request body too large"}, status=413)
        if request.headers.get("Content-Encoding"):
            return response.json({"error": "compressed bodies are not accepted"}, status=415)
        reason = _bad_action_call(request.body or b"")
        if reason:
            return response.json({"error": reason}, status=400)
        return None

    async def on_error(request: Request, exception: Exception) -> Any:
        status = getattr(exception, "status_code", 500)
        if status >= 500:
            logger.error("action server error on %s", request.path, exc_info=exception)
            return response.json({"error": "internal error"}, status=500)
        return response.json({"error": str(exception)}, status=status)

    app.register_middleware(check_call, "request")
    app.register_middleware(add_api_headers, "response")
    app.error_handler.add(Exception, on_error)
    return app


def main() -> None:
    """Serve the actions on ``BIND_HOST:ACTIONS_PORT``."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = ServeSettings.from_env()
    bot_settings.current()  # database, policy, scripts and clock settings: checked before serving
    app = build_app(settings.action_token)
    logger.info("action server on http://%s:%s", settings.host, settings.actions_port)
    app.run(settings.host, settings.actions_port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
