# These tests pass wrong types on purpose.
# mypy: disable-error-code="arg-type, list-item"
"""Bad input from Python: wrong types, ``None`` where a value is needed, huge strings, invalid
enum strings and arbitrary text raise a ``TypeError`` or a ``ValueError`` subclass naming the
argument; ``str`` and ``bytes`` both work where DESIGN.md takes either; and nothing panics
(a Rust panic would surface as ``pyo3_runtime.PanicException``, a ``BaseException`` that the
``except Exception`` below would not catch)."""

from __future__ import annotations

import os
import re
from typing import Any, Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import trello_auth as ta

KEY = "0123456789abcdef0123456789abcdef"
TOKEN = "f" * 64
CREDS = ta.Credentials(KEY, TOKEN)
FUZZ = settings(max_examples=300, deadline=None, database=None, derandomize=bool(os.environ.get("CI")))


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: ta.authorize_url(123), "key"),
        (lambda: ta.authorize_url(None), "key"),
        (lambda: ta.authorize_url(KEY, scope=5), "scope"),
        (lambda: ta.authorize_url(KEY, scope=["read", 5]), "scope"),
        (lambda: ta.authorize_url(KEY, expiration=None), "expiration"),
        (lambda: ta.parse_fragment(None), "fragment_or_url"),
        (lambda: ta.parse_fragment(b"#token=x"), "fragment_or_url"),
        (lambda: ta.parse_post_message("https://trello.com", 5), "data"),
        (lambda: ta.Credentials(None, TOKEN), "key"),
        (lambda: ta.Credentials(KEY, None), "token"),
        (lambda: ta.Credentials(KEY, TOKEN, api_base=None), "api_base"),
        (lambda: CREDS.apply_to_body(["key"]), "body"),
        (lambda: CREDS.authorize("GET", "https://api.trello.com/", headers="x"), "headers"),
        (lambda: CREDS.authorize("GET", "https://api.trello.com/", headers=[("a",)]), "headers"),
        (lambda: CREDS.authorize("GET", "https://api.trello.com/", body=5), "body"),
        (lambda: ta.classify("200", ""), "status"),
        (lambda: ta.classify(200, 5), "body"),
        (lambda: ta.classify(200, "", 5), "headers"),
        (lambda: ta.classify(200, "", {"a": 5}), "headers"),
        (lambda: ta.Client(KEY, TOKEN, timeout="30"), "timeout"),
        (lambda: ta.Client(KEY, TOKEN, max_retries=None), "max_retries"),
        (lambda: ta.Client(KEY, TOKEN, ca_file=5), "ca_file"),
        (lambda: ta.oauth1.sign("GET", "https://x.example/", consumer_key="k", consumer_secret="s", nonce="n", timestamp=None), "timestamp"),
        (lambda: ta.oauth1.sign("GET", "https://x.example/", consumer_key=None, consumer_secret="s", nonce="n", timestamp=1), "consumer_key"),
    ],
)
def test_wrong_types_raise_type_error_naming_the_argument(call: Callable[[], Any], argument: str) -> None:
    # Our own checks put the argument in the message; pyo3's extraction adds the note
    # "while processing '<argument>'" (PEP 678, shown by tracebacks on Python >= 3.11).
    with pytest.raises(TypeError) as e:
        call()
    shown = "\n".join([str(e.value), *getattr(e.value, "__notes__", [])])
    assert re.search(rf"\b{argument}\b", shown), shown


@pytest.mark.parametrize(
    ("call", "code", "argument"),
    [
        (lambda: ta.authorize_url(KEY, expiration="forever"), "unknown_expiration", "expiration"),
        (lambda: ta.authorize_url(KEY, scope=["admin"]), "unknown_scope", "scope"),
        (lambda: ta.authorize_url(KEY, scope=[]), "empty_scope", "scope"),
        (lambda: ta.authorize_url(KEY, callback_method="email", return_url="https://x.example/"), "unknown_callback_method", "callback_method"),
        (lambda: ta.authorize_url("nope"), "invalid_key", "key"),
        (lambda: CREDS.authorize("GET", "https://api.trello.com/", placement="cookie"), "unknown_placement", "placement"),
        (lambda: CREDS.authorize("GET /", "https://api.trello.com/"), "invalid_argument", "method"),
        (lambda: CREDS.authorize("GET", "https://api.trello.com/", headers={"bad name": "x"}), "invalid_argument", "headers"),
        (lambda: ta.classify(42, ""), "invalid_argument", "status"),
        (lambda: ta.classify(2**70, ""), "invalid_argument", "status"),
        (lambda: ta.classify(200, b"", {"a": "x\ny"}), "invalid_argument", "headers"),
        (lambda: ta.parse_post_message("https://trello.com", b"\xff"), "invalid_argument", "data"),
        (lambda: ta.Credentials(KEY, KEY), "key_as_token", "token"),
        (lambda: ta.Credentials(KEY, TOKEN, api_base="ftp://x"), "invalid_base_url", "api_base"),
        (lambda: ta.parse_post_message("https://trello.com", '"x"', trusted_origin="nope"), "invalid_base_url", "trusted_origin"),
    ],
)
def test_invalid_values_raise_config_error_naming_the_argument(call: Callable[[], Any], code: str, argument: str) -> None:
    with pytest.raises(ta.ConfigError) as e:
        call()
    assert isinstance(e.value, ValueError)
    assert e.value.code == code
    assert str(e.value).startswith(f"{argument}: "), str(e.value)


def test_str_and_bytes_both_work() -> None:
    body = '{"error":"API_TOKEN_LIMIT_EXCEEDED"}'
    a = ta.classify(429, body, {"Retry-After": "3"})
    b = ta.classify(429, body.encode(), {b"retry-after": b"3"})
    c = ta.classify(429, bytearray(body.encode()), [("RETRY-AFTER", "3")])
    assert (a.kind, a.limit, a.retry_after) == (b.kind, b.limit, b.retry_after) == (c.kind, c.limit, c.retry_after)
    assert a.retry_after == 3.0 and repr(a).endswith("retry_after=3.0)")
    assert ta.classify(204, None).kind == "success"
    t = f'"{TOKEN}"'
    assert ta.parse_post_message("https://trello.com", t) == ta.parse_post_message("https://trello.com", t.encode()) == TOKEN
    put = "https://api.trello.com/1/cards/5abbe4b7ddc1b351ef961414"
    form = {"content-type": "application/x-www-form-urlencoded"}
    assert CREDS.authorize("PUT", put, headers=form, body="a=1", placement="body") == CREDS.authorize(
        "PUT", put, headers=form, body=b"a=1", placement="body"
    )
    kw: dict[str, Any] = dict(consumer_key="k", consumer_secret="s", nonce="n", timestamp="1")
    assert ta.oauth1.sign("POST", put, body="a=1", **kw) == ta.oauth1.sign("POST", put, body=b"a=1", **{**kw, "timestamp": 1})
    assert ta.authorize_url(KEY, scope="read, write") == ta.authorize_url(KEY, scope=("read", "write"))


def test_huge_strings_are_refused_or_handled_with_short_messages() -> None:
    huge = "a" * 10_000_000
    for call in (
        lambda: ta.Credentials(huge, TOKEN),
        lambda: ta.Credentials(KEY, huge + " x"),
        lambda: ta.authorize_url(KEY, expiration=huge),
        lambda: ta.authorize_url(KEY, return_url="https://x.example/#" + huge, callback_method="fragment"),
        lambda: CREDS.authorize("GET", "https://evil.example/" + huge),
        lambda: ta.parse_pasted_token(huge + " " + huge),
    ):
        with pytest.raises(ValueError) as e:
            call()
        assert len(str(e.value)) < 500
    assert ta.parse_fragment("#token=" + huge) == huge
    assert ta.classify(200, huge).kind == "success"
    assert ta.authorize_url(KEY, name=huge[:100_000]).startswith("https://trello.com/1/authorize?")


def test_surrogates_are_a_value_error() -> None:
    with pytest.raises(UnicodeEncodeError):
        ta.parse_fragment("#token=\ud800")
    with pytest.raises(ValueError):
        ta.Credentials(KEY, "\udfff")


ANY_TEXT = st.text(max_size=200) | st.sampled_from(["#token=", "token=x&error=y", "https://trello.com", '"x"', '{"error":1}'])


@FUZZ
@given(ANY_TEXT, ANY_TEXT, st.integers(min_value=-10, max_value=1200))
def test_arbitrary_text_never_panics(a: str, b: str, status: int) -> None:
    calls: list[Callable[[], object]] = [
        lambda: ta.parse_fragment(a),
        lambda: ta.parse_pasted_token(a),
        lambda: ta.parse_post_message(a, b),
        lambda: ta.parse_post_message("https://trello.com", a, trusted_origin=b),
        lambda: ta.authorize_url(a, scope=b, expiration=b, name=a, callback_method=b, return_url=a, auth_base=b),
        lambda: ta.authorize_url(KEY, callback_method="fragment", return_url=a, auth_base=b),
        lambda: ta.Credentials(a, b),
        lambda: ta.Credentials(KEY, TOKEN, api_base=a),
        lambda: ta.classify(status, a, {"retry-after": b, "date": a, "content-type": b}),
        lambda: CREDS.authorize(a, b),
        lambda: CREDS.authorize("PUT", "https://api.trello.com/1/x", body=a, placement="body",
                                headers={"content-type": b}),
        lambda: CREDS.authorize("GET", "https://api.trello.com/" + a, placement=b),
        lambda: CREDS.header_for(a),
        lambda: ta.oauth1.sign(a, b, consumer_key=a, consumer_secret=b, token=a, token_secret=b, body=a,
                               nonce=b, timestamp=a, callback=a, verifier=b, content_type=b),
        lambda: ta.oauth1.sign("POST", "https://x.example/?" + a, consumer_key="k", consumer_secret="s",
                               body=b, nonce="n", timestamp=1),
    ]
    for call in calls:
        try:
            call()
        except (ValueError, TypeError, ta.TrelloAuthError):
            pass
