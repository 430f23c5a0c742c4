"""One HTTP session per endpoint (the action server above all), kept open, not one per call.

Why: ``EndpointConfig.request`` (``rasa/utils/endpoints.py:131-188``) opens a new
``aiohttp.ClientSession`` for every request (``async with self.session()``) and closes it
afterwards, so every action call, one to four per message, built a session and a connector,
opened a TCP connection to the action server and tore it down again: 7 % of a production
Rasa instance's busy time, plus the action server's accept and close. Here each endpoint keeps
one session (made by Rasa's own ``EndpointConfig.session()``: same headers, auth and timeout)
per event loop, and its connections stay open between calls (aiohttp closes an idle one after
15 s, before the action server's keep-alive of 75 s ends, see :mod:`bot.serve.action_server`).
The request itself is Rasa's: same headers, parameters, TLS context, errors and JSON handling.

A session belongs to the event loop it was made on: a request on another loop (a test, a tool
calling ``asyncio.run`` twice) gets a session of its own, and a closed session is replaced.
:func:`close_sessions` closes them all; it runs when the Rasa server stops (after Rasa's own
``close_resources``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import ssl
import weakref
from typing import Any

import aiohttp
import rasa.core.run
from aiohttp.client_exceptions import ContentTypeError
from rasa.shared.exceptions import FileNotFoundException
from rasa.utils.endpoints import ClientResponseError, EndpointConfig, concat_url

logger = logging.getLogger(__name__)

SESSION = "_bot_http_session"  # attribute on the EndpointConfig: (event loop, session)

RASA_REQUEST = EndpointConfig.request  # Rasa's own, for the tests
RASA_CLOSE_RESOURCES = rasa.core.run.close_resources

_open: weakref.WeakKeyDictionary[aiohttp.ClientSession, asyncio.AbstractEventLoop] = (
    weakref.WeakKeyDictionary()
)


def session_for(endpoint: EndpointConfig) -> aiohttp.ClientSession:
    """The open session of ``endpoint`` on the running event loop (made when missing)."""
    loop = asyncio.get_running_loop()
    kept: tuple[asyncio.AbstractEventLoop, aiohttp.ClientSession] | None
    kept = endpoint.__dict__.get(SESSION)
    if kept is not None and kept[0] is loop and not kept[1].closed:
        return kept[1]
    session: aiohttp.ClientSession = endpoint.session()
    endpoint.__dict__[SESSION] = (loop, session)
    _open[session] = loop
    return session


async def close_sessions() -> None:
    """Close every kept session of the running event loop."""
    loop = asyncio.get_running_loop()
    for session, owner in list(_open.items()):
        if owner is loop and not session.closed:
            await session.close()


async def request(
    self: EndpointConfig,
    method: str = "post",
    subpath: str | None = None,
    content_type: str | None = "application/json",
    compress: bool = False,
    **kwargs: Any,
) -> Any | None:
    """``EndpointConfig.request`` (Rasa's code) on the endpoint's kept session.

    Raises:
        ClientResponseError: The endpoint answered with a status of 400 or more.
        FileNotFoundException: The configured ``cafile`` does not exist.
    """
    headers = {}
    if content_type:
        headers["Content-Type"] = content_type

    if "headers" in kwargs:
        headers.update(kwargs["headers"])
        del kwargs["headers"]

    if self.headers:
        headers.update(self.headers)

    url = concat_url(self.url, subpath)

    sslcontext = None
    if self.cafile:
        try:
            sslcontext = ssl.create_default_context(cafile=self.cafile)
        except FileNotFoundError as e:
            raise FileNotFoundException(
                f"Failed to find certificate file, '{os.path.abspath(self.cafile)}' does not exist."
            ) from e

    session = session_for(self)
    async with session.request(
        method,
        url,
        headers=headers,
        params=self.combine_parameters(kwargs),
        compress=compress,
        ssl=sslcontext,
        **kwargs,
    ) as response:
        if response.status >= 400:
            raise ClientResponseError(
                response.status,
                response.reason,
                await response.content.read(),
            )
        try:
            return await response.json()
        except ContentTypeError:
            return None


async def close_resources(app: Any, loop: Any) -> None:
    """Rasa's ``close_resources`` at server stop, then the kept sessions."""
    try:
        await RASA_CLOSE_RESOURCES(app, loop)
    finally:
        await close_sessions()


def apply() -> None:
    """Replace ``EndpointConfig.request`` and the server's shutdown listener."""
    if EndpointConfig.request is request:
        return
    EndpointConfig.request = request
    rasa.core.run.close_resources = close_resources  # looked up by serve_application
