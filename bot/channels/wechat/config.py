"""The WeChat channel's settings, from the environment, checked once at start.

- ``WECHAT_TOKEN``: the Token of the account's server settings (3-32 letters and digits);
  unset, the channel is off (it serves no route);
- ``WECHAT_APP_ID``: the AppID, required when the channel is on (the AES envelope names it, the
  customer-service API needs it);
- ``WECHAT_AES_KEY``: the EncodingAESKey (43 characters); set, the channel is in safe mode
  (every message and reply encrypted), unset in plain mode;
- ``WECHAT_APP_SECRET``: the AppSecret, for the customer-service message API; unset, replies
  later than the deadline (and outreach) cannot be sent;
- ``WECHAT_API_BASE`` (``https://api.weixin.qq.com``): where that API is (the tests' fake).

``credentials.yml`` may give the same values under the keys of :data:`KEYS` (a deployment
that writes ``token: ${WECHAT_TOKEN}`` in its own credentials file); a key that is absent or
empty is read from the environment.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.settings import ConfigError

OFFICIAL_API_BASE = "https://api.weixin.qq.com"
KEYS = {
    "token": "WECHAT_TOKEN",
    "app_id": "WECHAT_APP_ID",
    "aes_key": "WECHAT_AES_KEY",
    "app_secret": "WECHAT_APP_SECRET",
    "api_base": "WECHAT_API_BASE",
}
"""Credential key -> environment variable."""

_TOKEN = re.compile(r"[A-Za-z0-9]{3,32}")
_AES_KEY = re.compile(r"[A-Za-z0-9+/]{43}")
_APP_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class WeChatConfig:
    """What the channel needs (see the module docstring).

    Attributes:
        token: The server-settings Token; empty when the channel is off.
        app_id: The account's AppID.
        aes_key: The EncodingAESKey; empty in plain mode.
        app_secret: The AppSecret; empty when the customer-service API is not used.
        api_base: The API's scheme and host, without a trailing slash.
    """

    token: str = ""
    app_id: str = ""
    aes_key: str = ""
    app_secret: str = ""
    api_base: str = OFFICIAL_API_BASE

    @property
    def enabled(self) -> bool:
        """Whether the channel serves its webhook (``WECHAT_TOKEN`` is set)."""
        return bool(self.token)

    @property
    def safe_mode(self) -> bool:
        """Whether messages and replies are AES-encrypted (``WECHAT_AES_KEY`` is set)."""
        return bool(self.aes_key)

    @property
    def can_push(self) -> bool:
        """Whether the customer-service message API can be called (AppSecret known)."""
        return self.enabled and bool(self.app_secret)

    @classmethod
    def load(
        cls, credentials: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
    ) -> WeChatConfig:
        """Read and check the settings: credential values first, then the environment.

        Raises:
            bot.settings.ConfigError: A value the platform would refuse; the message names it.
        """
        env = os.environ if environ is None else environ
        given = credentials or {}
        values = {
            key: str(given.get(key) or env.get(variable, "")).strip()
            for key, variable in KEYS.items()
        }
        config = cls(
            token=values["token"],
            app_id=values["app_id"],
            aes_key=values["aes_key"],
            app_secret=values["app_secret"],
            api_base=(values["api_base"] or OFFICIAL_API_BASE).rstrip("/"),
        )
        if config.enabled:
            config.check()
        return config

    def check(self) -> None:
        """Raise :class:`~bot.settings.ConfigError` for a value the platform would refuse."""
        if not _TOKEN.fullmatch(self.token):
            raise ConfigError("WECHAT_TOKEN must be 3-32 letters and digits")
        if not _APP_ID.fullmatch(self.app_id):
            raise ConfigError("WECHAT_APP_ID must be set when WECHAT_TOKEN is (the AppID)")
        if self.aes_key and not _is_aes_key(self.aes_key):
            raise ConfigError("WECHAT_AES_KEY must be the 43-character EncodingAESKey")
        if not self.api_base.startswith(("https://", "http://")):
            raise ConfigError("WECHAT_API_BASE must be an http(s) URL")


def _is_aes_key(value: str) -> bool:
    if not _AES_KEY.fullmatch(value):
        return False
    try:
        return len(base64.b64decode(value + "=", validate=True)) == 32
    except binascii.Error:
        return False
