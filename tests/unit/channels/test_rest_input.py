"""The REST channel's input rules, without a running Rasa."""

from types import SimpleNamespace

import pytest

from bot.channels.rest import BadRequest, client_address, parse_body
from bot.inbound import MAX_MESSAGE_CHARS, clean_text, too_long


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"null",
        b"[]",
        b'"text"',
        b"{not json",
        b"\xff\xfe\xfa",
        b'{"sender": 1, "message": "hi"}',
        b'{"sender": "a", "message": ["hi"]}',
        b'{"sender": "a"}',
        b'{"sender": "", "message": "hi"}',
        b'{"sender": "a", "message": "\\u0000\\u202e "}',
        b'{"sender": "' + b"s" * 129 + b'", "message": "hi"}',
    ],
)
def test_bad_bodies_are_refused_with_a_reason(raw):
    with pytest.raises(BadRequest) as error:
        parse_body(raw)
    assert str(error.value)


def test_a_good_body_is_cleaned():
    sender, message, forwarded = parse_body(
        b'{"sender": "u1", "message": "\\u6211\\u0000\\u60f3\\u202e\\u5206\\u671f\\n12",'
        b' "metadata": {"client": "1.2.3.4"}}'
    )
    assert (sender, message, forwarded) == ("u1", "我想分期 12", "1.2.3.4")


@pytest.mark.parametrize(
    "text",
    [
        "/greet",
        '/ask_balance{"id_last4": "1234"}',
        "//greet",
        '/ /verify{"a": 1}',
        "/\t/greet",
        "/\u3000/greet",
        "/\u200b/greet",
        " \u00a0/greet",
    ],
)
def test_intent_commands_are_read_as_words(text):
    _, message, _ = parse_body(f'{{"sender": "u", "message": {_json(text)}}}'.encode())
    assert not message.lstrip().startswith("/") and message.endswith(text.rsplit("/", 1)[-1])


def test_injection_strings_pass_through_as_plain_text():
    for text in ("'; DROP TABLE events; --", "{{ 7*7 }}", "${jndi:ldap://x}", "<script>x</script>"):
        _, message, _ = parse_body(f'{{"sender": "u", "message": {_json(text)}}}'.encode())
        assert message == text


def _json(text: str) -> str:
    import json

    return json.dumps(text)


def test_clean_text_keeps_emoji_and_chinese():
    assert clean_text("😀😀 你好\u200b") == "😀😀 你好"


def test_the_length_limit():
    assert not too_long("好" * MAX_MESSAGE_CHARS)
    assert too_long("好" * (MAX_MESSAGE_CHARS + 1))


def _request(ip: str, **headers: str):
    return SimpleNamespace(ip=ip, headers=headers)


def test_forwarded_addresses_count_only_from_loopback():
    assert client_address(_request("127.0.0.1"), "203.0.113.9") == "203.0.113.9"
    assert client_address(_request("127.0.0.1", **{"X-Real-IP": "198.51.100.7"}), None) == (
        "198.51.100.7"
    )
    assert client_address(_request("203.0.113.5"), "10.0.0.1") == "203.0.113.5"
    assert client_address(_request("203.0.113.5", **{"X-Real-IP": "1.1.1.1"}), None) == (
        "203.0.113.5"
    )
