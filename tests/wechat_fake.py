"""A local fake of WeChat's side, for the channel's unit and end-to-end tests.

- :class:`Platform` builds callbacks as the platform sends them: the query signed with the
  Token, the XML of a message or event, in safe mode inside an AES envelope with its
  ``msg_signature``; and reads a passive reply back (in safe mode: checks its signature and
  decrypts it). All the cryptography is wechatpy's own, the library the platform's SDKs follow.
- :class:`CustomerServiceApi` is the customer-service message API on a free local port (a
  real HTTP server in a thread): it issues access tokens, takes text messages and records
  every request it gets, and can fail on demand.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

TOKEN = "fakeToken2026"
APP_ID = "wx0123456789abcdef"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as the console makes
APP_SECRET = "fake-app-secret-0123456789"
ACCOUNT = "gh_0123456789ab"
OPENID = "oAbCdEfGhIjKlMnOpQrStUvWxYz0"


def sign(token: str, *parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(token, *parts)
    return signer.signature


def cdata(fields: dict[str, Any]) -> str:
    """``<xml>`` with each field, strings as CDATA, as the platform writes them."""
    parts = []
    for name, value in fields.items():
        text = str(value) if isinstance(value, int) else f"<![CDATA[{value}]]>"
        parts.append(f"<{name}>{text}</{name}>")
    return "<xml>" + "".join(parts) + "</xml>"


@dataclass
class Callback:
    """One request as the platform sends it."""

    params: dict[str, str]
    body: bytes = b""


@dataclass
class Platform:
    """The platform's side of the callbacks (plain mode without ``aes_key``)."""

    token: str = TOKEN
    app_id: str = APP_ID
    aes_key: str | None = None
    msg_ids: Iterator[int] = field(default_factory=lambda: iter(range(10**15, 10**16)))

    @property
    def crypto(self) -> WeChatCrypto:
        assert self.aes_key, "plain mode has no envelope"
        return WeChatCrypto(self.token, self.aes_key, self.app_id)

    def _signed(self, timestamp: int | None, nonce: str | None) -> dict[str, str]:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce = nonce or secrets.token_hex(5)
        return {"timestamp": stamp, "nonce": nonce, "signature": sign(self.token, stamp, nonce)}

    def url_check(self, echostr: str, timestamp: int | None = None) -> Callback:
        params = self._signed(timestamp, None)
        params["echostr"] = echostr
        return Callback(params)

    def deliver(self, xml: str, timestamp: int | None = None, nonce: str | None = None) -> Callback:
        """A POST of ``xml``: as it is in plain mode, in an envelope in safe mode."""
        params = self._signed(timestamp, nonce)
        params["openid"] = OPENID
        if not self.aes_key:
            return Callback(params, xml.encode("utf-8"))
        sealed = xmltodict.parse(
            self.crypto.encrypt_message(xml, params["nonce"], params["timestamp"])
        )["xml"]
        params.update(encrypt_type="aes", msg_signature=sealed["MsgSignature"])
        body = cdata({"ToUserName": ACCOUNT, "Encrypt": sealed["Encrypt"]})
        return Callback(params, body.encode("utf-8"))

    def text(self, content: str, openid: str = OPENID, msg_id: int | None = None) -> str:
        return cdata(
            {
                "ToUserName": ACCOUNT,
                "FromUserName": openid,
                "CreateTime": int(time.time()),
                "MsgType": "text",
                "Content": content,
                "MsgId": next(self.msg_ids) if msg_id is None else msg_id,
            }
        )

    def image(self, openid: str = OPENID) -> str:
        return cdata(
            {
                "ToUserName": ACCOUNT,
                "FromUserName": openid,
                "CreateTime": int(time.time()),
                "MsgType": "image",
                "PicUrl": "http://mmbiz.example/pic.jpg",
                "MediaId": "media-1",
                "MsgId": next(self.msg_ids),
            }
        )

    def event(self, event: str, openid: str = OPENID, create_time: int | None = None) -> str:
        return cdata(
            {
                "ToUserName": ACCOUNT,
                "FromUserName": openid,
                "CreateTime": int(time.time()) if create_time is None else create_time,
                "MsgType": "event",
                "Event": event,
            }
        )

    def read_reply(self, body: str, nonce: str) -> dict[str, Any] | None:
        """The passive reply's fields; None for "success". Safe mode: verified and decrypted.

        Raises:
            AssertionError: The reply is not what the platform accepts.
        """
        if body == "success":
            return None
        document = xmltodict.parse(body)["xml"]  # raises on anything that is not XML
        if self.aes_key:
            assert set(document) == {"Encrypt", "MsgSignature", "TimeStamp", "Nonce"}, document
            assert document["Nonce"] == nonce
            expected = sign(self.token, document["TimeStamp"], nonce, document["Encrypt"])
            assert document["MsgSignature"] == expected, "reply signature"
            inner = self.crypto.decrypt_message(
                body, document["MsgSignature"], document["TimeStamp"], nonce
            )
            document = xmltodict.parse(inner)["xml"]
        return dict(document)


@dataclass
class Recorded:
    """One request the fake API got."""

    path: str
    params: dict[str, str]
    body: dict[str, Any]
    accepted: bool = False


class CustomerServiceApi:
    """The customer-service message API (see the module docstring); ``base`` is its URL."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.tokens_issued = 0
        self.revoke_next = 0  # answer this many sends with 40001 (token revoked)
        self.fail_sends = False  # answer every send with an error code
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def sent(self) -> list[tuple[str, str]]:
        """``(OpenID, text)`` of every text message the API accepted."""
        return [
            (r.body["touser"], r.body["text"]["content"])
            for r in self.requests
            if r.path == "/cgi-bin/message/custom/send" and r.accepted
        ]

    def wait_for_sent(self, count: int, timeout: float) -> list[tuple[str, str]]:
        deadline = time.monotonic() + timeout
        while len(self.sent) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.sent

    def answer(self, path: str, params: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            record = Recorded(path, params, body)
            self.requests.append(record)
            if path == "/cgi-bin/stable_token":
                if (body.get("appid"), body.get("secret")) != (APP_ID, APP_SECRET):
                    return {"errcode": 40125, "errmsg": "invalid appsecret"}
                self.tokens_issued += 1
                return {"access_token": f"TOKEN-{self.tokens_issued}", "expires_in": 7200}
            if path == "/cgi-bin/message/custom/send":
                if params.get("access_token") != f"TOKEN-{self.tokens_issued}":
                    return {"errcode": 40014, "errmsg": "invalid access_token"}
                if self.revoke_next:
                    self.revoke_next -= 1
                    self.tokens_issued += 1  # the old token is gone
                    return {"errcode": 40001, "errmsg": "invalid credential"}
                if self.fail_sends:
                    return {"errcode": 45015, "errmsg": "response out of time limit"}
                record.accepted = True
                return {"errcode": 0, "errmsg": "ok"}
            return {"errcode": 404, "errmsg": "no such API"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # http.server's name for it
                url = urlsplit(self.path)
                params = {k: v[0] for k, v in parse_qs(url.query).items()}
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                answer = fake.answer(url.path, params, json.loads(raw.decode("utf-8")))
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    def start(self) -> CustomerServiceApi:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def customer_service_api() -> Iterator[CustomerServiceApi]:
    api = CustomerServiceApi().start()
    try:
        yield api
    finally:
        api.stop()
