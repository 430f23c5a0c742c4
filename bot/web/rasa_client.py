"""The two Rasa HTTP calls the web app makes: parse a text, and send a borrower message.

``POST {RASA_URL}/model/parse`` needs Rasa started with ``--enable-api``;
``POST {RASA_URL}/webhooks/rest/webhook`` is the REST channel of ``credentials.yml``. Every call
carries Rasa's auth token (``--auth-token``) as the ``token`` query parameter when one is set,
and a borrower message carries the borrower's address as ``metadata.client``.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp

logger = logging.getLogger(__name__)


class RasaUnavailableError(RuntimeError):
    """Rasa did not answer, or answered with an error."""


class RasaClient:
    """A thin client on a shared ``aiohttp.ClientSession``.

    Args:
        http: The app's client session (created and closed in ``cleanup_ctx``).
        base_url: Rasa's base URL, e.g. ``http://localhost:5005``.
        timeout: Seconds to wait for an answer.
        token: Rasa's auth token, sent as ``?token=`` on every call (``None``: no token).
    """

    def __init__(
        self,
        http: aiohttp.ClientSession,
        base_url: str,
        timeout: float = 30.0,
        token: str | None = None,
    ) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._params = {"token": token} if token else {}

    async def _post(self, path: str, payload: dict[str, Any]) -> Any:
        try:
            async with self._http.post(
                f"{self._base}{path}", json=payload, params=self._params, timeout=self._timeout
            ) as response:
                if response.status >= 400:
                    raise RasaUnavailableError(f"Rasa answered {response.status} on {path}")
                return await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            raise RasaUnavailableError(f"Rasa unreachable on {path}: {error}") from error

    async def parse(self, text: str) -> dict[str, Any]:
        """Return Rasa's NLU result for a text (intent, entities, ranking).

        Raises:
            RasaUnavailableError: No usable answer.
        """
        result = await self._post("/model/parse", {"text": text})
        if not isinstance(result, dict):
            raise RasaUnavailableError("unexpected /model/parse answer")
        return result

    async def send(
        self, sender: str, message: str, client: str | None = None
    ) -> list[dict[str, Any]]:
        """Send a message over the REST channel; return the bot's messages.

        Args:
            sender: The conversation id.
            message: The borrower's text.
            client: The borrower's network address, sent as ``metadata.client`` (Rasa's
                channel accepts it only from loopback).

        Raises:
            RasaUnavailableError: No usable answer.
        """
        payload: dict[str, Any] = {"sender": sender, "message": message}
        if client:
            payload["metadata"] = {"client": client}
        result = await self._post("/webhooks/rest/webhook", payload)
        if not isinstance(result, list):
            raise RasaUnavailableError("unexpected REST channel answer")
        return [item for item in result if isinstance(item, dict)]
