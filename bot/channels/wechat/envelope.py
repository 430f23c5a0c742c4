"""The platform's side of a request: signatures, timestamps, the AES envelope, the XML.

Everything cryptographic is wechatpy's (``wechatpy.utils.WeChatSigner`` for the SHA-1
signatures, ``wechatpy.crypto.WeChatCrypto`` for the AES envelope); the XML is read with
xmltodict (entities disabled) and replies are rendered by ``wechatpy.replies.TextReply``.
What this module adds is the checks a request must pass, each mapped to one answer:

- :class:`Refused` (403): a signature that does not match, a timestamp more than
  :data:`REPLAY_WINDOW_SECONDS` away from now (a replayed request), a body whose envelope
  names another AppID;
- :class:`Malformed` (400): a body that is not the XML of a message, an envelope that does not
  decrypt, a plain message where safe mode expects an encrypted one.

The platform signs every request with the Token: ``signature`` is the SHA-1 of the sorted
Token, ``timestamp`` and ``nonce``; in safe mode ``msg_signature`` also covers the ``Encrypt``
element of the body (and, on a URL check that carries it, the ``echostr``).
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import WeChatSigner

from bot.channels.wechat.config import WeChatConfig

REPLAY_WINDOW_SECONDS = 300
"""A request whose timestamp is further from now than this (either side) is refused."""
MAX_ECHO_CHARS = 256
_OPENID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_MAX_OPENID_CHARS = 64
EVENT = "event"
TEXT = "text"


class Refused(Exception):
    """The request is not the platform's, or is a replay (403)."""


class Malformed(ValueError):
    """The request cannot be a platform message (400)."""


@dataclass(frozen=True)
class Query:
    """The signed query string of a callback."""

    signature: str
    timestamp: str
    nonce: str
    echostr: str = ""
    msg_signature: str = ""
    encrypt_type: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> Query:
        """From Sanic's ``request.args`` (each value a list); missing values are empty."""

        def first(name: str) -> str:
            values = args.get(name) or [""]
            return str(values[0] if isinstance(values, list) else values)

        return cls(
            signature=first("signature"),
            timestamp=first("timestamp"),
            nonce=first("nonce"),
            echostr=first("echostr"),
            msg_signature=first("msg_signature"),
            encrypt_type=first("encrypt_type").lower(),
        )


@dataclass(frozen=True)
class Inbound:
    """One message or event of the platform, as the channel reads it.

    Attributes:
        msg_type: ``MsgType``, lower case (``text``, ``image``, ``voice``, ``event`` ...).
        event: ``Event``, lower case, for an event; empty otherwise.
        openid: ``FromUserName``: the person's OpenID on this account.
        account: ``ToUserName``: the account's own id, the sender of a passive reply.
        create_time: ``CreateTime`` (Unix seconds).
        msg_id: ``MsgId``; empty for events.
        content: ``Content`` of a text message.
    """

    msg_type: str
    event: str
    openid: str
    account: str
    create_time: int
    msg_id: str = ""
    content: str | None = None

    @property
    def delivery_key(self) -> str:
        """What a retry of this delivery repeats.

        ``MsgId``, or for an event the sender, ``CreateTime`` and event (the platform's own
        advice for de-duplicating events).
        """
        return self.msg_id or f"{self.openid}:{self.create_time}:{self.event}"


def sign(token: str, *parts: str) -> str:
    """The platform's signature of ``parts`` with ``token`` (wechatpy's signer)."""
    signer = WeChatSigner()
    signer.add_data(token, *parts)
    signature: str = signer.signature
    return signature


def _matches(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())


def check_signed(config: WeChatConfig, query: Query, now: float) -> None:
    """Refuse a request the platform did not sign, or one signed too long ago (or ahead).

    Raises:
        Refused: A bad or missing signature, or a timestamp outside the replay window.
    """
    if not (query.signature and query.timestamp and query.nonce):
        raise Refused("signature, timestamp and nonce are required")
    if not _matches(sign(config.token, query.timestamp, query.nonce), query.signature):
        raise Refused("bad signature")
    if not query.timestamp.isdigit() or abs(now - int(query.timestamp)) > REPLAY_WINDOW_SECONDS:
        raise Refused("timestamp outside the replay window")


def echo(config: WeChatConfig, query: Query, now: float) -> str:
    """The answer to the platform's URL check: its ``echostr``, once the request is signed.

    Raises:
        Refused: See :func:`check_signed`; also a ``msg_signature`` that does not cover the
            ``echostr``.
        Malformed: No ``echostr``, or a long one.
    """
    check_signed(config, query, now)
    if not query.echostr or len(query.echostr) > MAX_ECHO_CHARS:
        raise Malformed(f"echostr must have 1-{MAX_ECHO_CHARS} characters")
    expected = sign(config.token, query.timestamp, query.nonce, query.echostr)
    if query.msg_signature and not _matches(expected, query.msg_signature):
        raise Refused("bad msg_signature")
    return query.echostr


def _crypto(config: WeChatConfig) -> WeChatCrypto:
    return WeChatCrypto(config.token, config.aes_key, config.app_id)


def _xml_fields(text: str) -> dict[str, Any]:
    try:
        document = xmltodict.parse(text)  # expat; entity declarations are refused
    except Exception as error:  # ExpatError, or ValueError for entities
        raise Malformed(f"not XML: {error}") from None
    fields = document.get("xml") if isinstance(document, dict) else None
    if not isinstance(fields, dict):
        raise Malformed("the root element must be <xml>")
    return fields


def open_body(config: WeChatConfig, query: Query, body: bytes) -> str:
    """The message's XML: the body in plain mode, the decrypted envelope in safe mode.

    Call :func:`check_signed` first.

    Raises:
        Refused: The envelope's signature or AppID does not match.
        Malformed: Not UTF-8 XML, no envelope where safe mode needs one, or one that does not
            decrypt.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Malformed("the body must be UTF-8 XML") from None
    if not config.safe_mode:
        return text
    if query.encrypt_type != "aes" or not query.msg_signature:
        raise Malformed("safe mode: the message must be encrypted (encrypt_type=aes)")
    envelope = _xml_fields(text)
    encrypted = envelope.get("Encrypt")
    if not isinstance(encrypted, str) or not encrypted:
        raise Malformed("safe mode: the body has no <Encrypt> element")
    expected = sign(config.token, query.timestamp, query.nonce, encrypted)
    if not _matches(expected, query.msg_signature):
        raise Refused("bad msg_signature")
    try:
        plain: str = _crypto(config).decrypt_message(
            {"Encrypt": encrypted}, query.msg_signature, query.timestamp, query.nonce
        )
    except (InvalidSignatureException, InvalidAppIdException):
        raise Refused("the envelope is not for this account") from None
    except Exception:  # bad base64, padding or length: wechatpy raises what the codecs raise
        raise Malformed("the envelope does not decrypt") from None
    return plain


def _field(fields: Mapping[str, Any], name: str, required: bool = True) -> str:
    value = fields.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise Malformed(f"<{name}> must be text")
    return value.strip() if name != "Content" else value


def parse(xml: str) -> Inbound:
    """Read a message or event.

    Raises:
        Malformed: Not the XML of a message, or an OpenID, time or id out of shape.
    """
    fields = _xml_fields(xml)
    openid = _field(fields, "FromUserName")
    if len(openid) > _MAX_OPENID_CHARS or not set(openid) <= _OPENID_CHARS:
        raise Malformed("<FromUserName> is not an OpenID")
    create_time = _field(fields, "CreateTime")
    msg_id = _field(fields, "MsgId", required=False)
    if not create_time.isdigit() or (msg_id and not msg_id.isdigit()):
        raise Malformed("<CreateTime> and <MsgId> must be numbers")
    msg_type = _field(fields, "MsgType").lower()
    return Inbound(
        msg_type=msg_type,
        event=_field(fields, "Event").lower() if msg_type == EVENT else "",
        openid=openid,
        account=_field(fields, "ToUserName"),
        create_time=int(create_time),
        msg_id=msg_id,
        content=_field(fields, "Content", required=False) if msg_type == TEXT else None,
    )


def text_reply(inbound: Inbound, text: str, now: int) -> str:
    """The passive reply's XML: a text message from the account to the person."""
    # A CDATA section cannot hold "]]>": wechatpy writes the text as it is, so split it.
    content = text.replace("]]>", "]]]]><![CDATA[>")
    reply = TextReply(source=inbound.account, target=inbound.openid, content=content, time=now)
    xml: str = reply.render()
    return xml


def seal(config: WeChatConfig, xml: str, nonce: str, now: int) -> str:
    """The reply as the platform expects it: as it is in plain mode, encrypted in safe mode."""
    if not config.safe_mode:
        return xml
    sealed: str = _crypto(config).encrypt_message(xml, nonce, str(now))
    return sealed
