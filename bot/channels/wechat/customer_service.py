"""The platform's customer-service message API: a text to a person, outside a passive reply.

Used when the bot answers after the passive reply's deadline, and by Rasa's output channel
(:class:`bot.channels.wechat.channel.WeChatOutput`). Two calls, both JSON over HTTPS:

- ``POST {api_base}/cgi-bin/stable_token`` (``grant_type=client_credential``, AppID, AppSecret):
  the access token, cached until a minute before it expires. The stable token is the same for
  every caller while it is valid, so several Rasa instances can each cache their own without
  invalidating each other's (the older ``/cgi-bin/token`` would);
- ``POST {api_base}/cgi-bin/message/custom/send?access_token=...``
  (``{"touser": OpenID, "msgtype": "text", "text": {"content": ...}}``). An answer saying the
  token is invalid or expired (40001, 40014, 42001) drops the cached token and tries once more.

:meth:`CustomerService.send_text` never raises: a refused, failed or timed-out call is logged
(without the text) and counted as ``wechat_api`` (:func:`bot.dialogue.safe_replies.count_failure`).
The platform accepts these messages within 48 hours of the person's last message to the
account.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import aiohttp

from bot.channels.wechat.config import WeChatConfig
from bot.dialogue.safe_replies import count_failure

logger = logging.getLogger(__name__)

API_TIMEOUT_SECONDS = 5.0
TOKEN_MARGIN_SECONDS = 60
"""A cached token is renewed this long before the platform says it expires."""
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
"""Error codes meaning the access token is invalid or expired."""
FAILURE_KIND = "wechat_api"


class ApiError(RuntimeError):
    """The API refused a call, or could not be reached."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class CustomerService:
    """An access-token cache and the text-message call (see the module docstring)."""

    def __init__(
        self,
        config: WeChatConfig,
        timeout: float = API_TIMEOUT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._config, self._timeout, self._clock = config, timeout, clock
        self._token: tuple[str, float] | None = None  # (token, renew at)
        self._token_lock: asyncio.Lock | None = None
        self._http: aiohttp.ClientSession | None = None

    async def send_text(self, openid: str, text: str) -> bool:
        """Send ``text`` to ``openid``; whether the platform took it. Never raises."""
        if not self._config.can_push:
            logger.error("WeChat: a reply for the customer-service API, but no WECHAT_APP_SECRET")
            count_failure(FAILURE_KIND)
            return False
        try:
            await self._send(openid, text)
        except Exception as error:  # ApiError, network errors, timeouts, bad JSON
            logger.error("WeChat customer-service message failed: %s", _describe(error))
            count_failure(FAILURE_KIND)
            return False
        return True

    async def close(self) -> None:
        """Close the HTTP session (at server stop)."""
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def _send(self, openid: str, text: str) -> None:
        body = {"touser": openid, "msgtype": "text", "text": {"content": text}}
        for attempt in range(2):
            token = await self._access_token()
            try:
                await self._call("/cgi-bin/message/custom/send", body, {"access_token": token})
                return
            except ApiError as error:
                if error.code not in TOKEN_ERRORS or attempt:
                    raise
                self._token = None  # revoked or expired early: fetch a new one once

    async def _access_token(self) -> str:
        if self._token_lock is None:
            self._token_lock = asyncio.Lock()
        async with self._token_lock:  # one fetch at a time; the others use its result
            if self._token is not None and self._clock() < self._token[1]:
                return self._token[0]
            answer = await self._call(
                "/cgi-bin/stable_token",
                {
                    "grant_type": "client_credential",
                    "appid": self._config.app_id,
                    "secret": self._config.app_secret,
                },
            )
            token, expires_in = answer.get("access_token"), answer.get("expires_in", 7200)
            if not isinstance(token, str) or not token or not isinstance(expires_in, int):
                raise ApiError("the token answer has no access_token")
            self._token = (token, self._clock() + max(expires_in - TOKEN_MARGIN_SECONDS, 0))
            return token

    async def _call(
        self, path: str, body: dict[str, Any], params: dict[str, str] | None = None
    ) -> dict[str, Any]:
        if self._http is None:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self._timeout))
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")  # the API wants UTF-8 text
        async with self._http.post(
            f"{self._config.api_base}{path}",
            data=data,
            params=params or {},
            headers={"Content-Type": "application/json; charset=utf-8"},
        ) as response:
            if response.status != 200:
                raise ApiError(f"{path} answered HTTP {response.status}")
            answer = await response.json(content_type=None)
        if not isinstance(answer, dict):
            raise ApiError(f"{path} answered something other than a JSON object")
        code = answer.get("errcode", 0)
        if code:
            raise ApiError(f"{path} answered errcode {code}: {answer.get('errmsg')}", code)
        return answer


def _describe(error: Exception) -> str:
    """The error without secrets: never the URL's query (it carries the access token)."""
    if isinstance(error, ApiError):
        return str(error)
    if isinstance(error, asyncio.TimeoutError):
        return "timed out"
    return type(error).__name__
