"""``ta.webhooks.verify`` (SPEC S9): the raw bytes and the registered URL, typed errors, and a
``TypeError`` for a body that is not ``bytes`` (re-serialised JSON never verifies)."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

import trello_auth as ta

SECRET = "0123456789abcdef" * 4
URL = "https://example.com/hook"
BODY = b'{"action":{"type":"updateCard"},"model":{"id":"abc"}}'


def signature(body: bytes, url: str) -> str:
    # What Trello sends, computed with the standard library alone.
    return base64.b64encode(hmac.new(SECRET.encode(), body + url.encode(), hashlib.sha1).digest()).decode()


def test_a_delivery_verifies_and_a_changed_one_does_not() -> None:
    ta.webhooks.verify(SECRET, URL, BODY, signature(BODY, URL))  # raises unless it verifies
    with pytest.raises(ta.WebhookSignatureError) as caught:
        ta.webhooks.verify(SECRET, "http://10.0.0.7:8080/hook", BODY, signature(BODY, URL))
    assert caught.value.code == "mismatch"
    assert isinstance(caught.value, ValueError)
    assert "registered" in str(caught.value) and SECRET not in str(caught.value)
    with pytest.raises(ta.WebhookSignatureError) as caught:
        ta.webhooks.verify(SECRET, URL, BODY, None)
    assert caught.value.code == "missing_header"
    with pytest.raises(ta.WebhookSignatureError) as caught:
        ta.webhooks.verify(SECRET, URL, BODY, "abc")
    assert caught.value.code == "malformed_header"


def test_a_body_that_is_not_bytes_is_a_type_error() -> None:
    bodies: tuple[object, ...] = (BODY.decode(), {"action": {}})
    for body in bodies:
        with pytest.raises(TypeError, match="raw request body as bytes"):
            ta.webhooks.verify(SECRET, URL, body, signature(BODY, URL))  # type: ignore[arg-type]
