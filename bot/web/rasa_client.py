"""The Rasa HTTP calls the web app makes: parse, send, read a tracker, append events.

The agent desk reads a conversation's tracker and appends events to it (``pause``, ``resume``,
an agent's ``bot`` message); the outreach sender (``python -m bot.outreach send``) appends a
``bot`` event with ``output_channel`` and ``execute_side_effects=true``, so that Rasa delivers it
through that channel and stores it in the transcript.

``POST {RASA_URL}/model/parse`` and ``/conversations/{id}/tracker[/events]`` need Rasa started
with ``--enable-api``;
``POST {RASA_URL}/webhooks/rest/webhook`` is the REST channel of ``credentials.yml``. Every call
carries Rasa's auth token (``--auth-token``) as the ``token`` query parameter when one is set,
and a borrower message carries the borrower's address as ``metadata.client``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import quote

import aiohttp

logger = logging.getLogger(__name__)


class RasaUnavailableError(RuntimeError):
    """Rasa did not answer, or answered with an error.

    Attributes:
        status: The HTTP status Rasa answered with, or None when it did not answer (no
            connection, a timeout, an answer that is not JSON).
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


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

    async def _post(
        self,
        path: str,
        payload: dict[str, Any] | list[dict[str, Any]],
        params: dict[str, str] | None = None,
    ) -> Any:
        return await self._call("POST", path, payload, params)

    async def _get(self, path: str) -> Any:
        return await self._call("GET", path)

    async def _call(
        self, method: str, path: str, payload: Any = None, params: dict[str, str] | None = None
    ) -> Any:
        """One call with the token; its JSON answer, or RasaUnavailableError."""
        try:
            async with self._http.request(
                method,
                f"{self._base}{path}",
                json=payload,
                params={**(params or {}), **self._params},
                timeout=self._timeout,
            ) as response:
                if response.status >= 400:
                    raise RasaUnavailableError(
                        f"Rasa answered {response.status} on {path}", response.status
                    )
                return await response.json(content_type=None)
        # asyncio.TimeoutError is not the built-in TimeoutError before Python 3.11.
        except (aiohttp.ClientError, asyncio.TimeoutError, TimeoutError, ValueError) as error:
            raise RasaUnavailableError(f"Rasa unreachable on {path}: {error}") from error

    @staticmethod
    def _conversation(conversation_id: str) -> str:
        return "/conversations/" + quote(conversation_id, safe="")

    async def tracker(self, conversation_id: str) -> dict[str, Any]:
        """Return a conversation's tracker (events, slots, ``paused``).

        Raises:
            RasaUnavailableError: No usable answer.
        """
        result = await self._get(self._conversation(conversation_id) + "/tracker")
        if not isinstance(result, dict):
            raise RasaUnavailableError("unexpected tracker answer")
        return result

    async def append_events(
        self,
        conversation_id: str,
        events: list[dict[str, Any]],
        output_channel: str | None = None,
    ) -> None:
        """Append events to a conversation (Rasa takes the conversation's lock for it).

        ``{"event": "pause"}`` silences the bot in the conversation (Rasa logs the borrower's
        messages but predicts no action), ``{"event": "resume"}`` gives it back; a ``bot``
        event stores an agent's message in the transcript.

        Args:
            conversation_id: The conversation.
            events: The events.
            output_channel: When given, Rasa also sends the ``bot`` events through this
                channel (``?output_channel=<name>&execute_side_effects=true``): how a
                conversation is started on a channel that can push.

        Raises:
            RasaUnavailableError: Not stored (or, with ``output_channel``, not delivered).
        """
        params = None
        if output_channel is not None:
            params = {"output_channel": output_channel, "execute_side_effects": "true"}
        await self._post(self._conversation(conversation_id) + "/tracker/events", events, params)

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
