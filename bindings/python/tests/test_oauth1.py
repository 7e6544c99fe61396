"""OAuth 1.0a (SPEC S6): ``oauth1.sign`` cross-checked against oauthlib (an independent
implementation) on generated requests, and the three-legged flow against the sandbox, whose
verifier is written independently of the core."""

from __future__ import annotations

import os
import re
import urllib.parse
from typing import Optional

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from oauthlib import oauth1 as oauthlib1

import trello_auth as ta
from conftest import click, header_params
from trello_auth.sandbox import Sandbox

# Reproducible in CI; exploring locally.
FUZZ = settings(
    max_examples=400,
    deadline=None,
    database=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow],
)

#: Text as it comes: ASCII, Latin, symbols, CJK, emoji, controls (surrogates cannot be UTF-8).
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=10)
NAME = TEXT.filter(lambda n: n != "" and not n.startswith("oauth_"))
PARAMS = st.lists(st.tuples(NAME, TEXT), max_size=5)
VISIBLE = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=40)
SECRET = st.text(st.characters(exclude_categories=["Cs", "Zs", "Cc"]), min_size=1, max_size=40)


@st.composite
def requests(draw: st.DrawFn) -> dict[str, object]:
    scheme = draw(st.sampled_from(["http", "https", "HTTPS"]))
    host = draw(st.sampled_from(["api.trello.com", "Trello.COM", "127.0.0.1", "example.net"]))
    port = draw(st.sampled_from(["", ":80", ":443", ":8443"]))
    segments = draw(st.lists(TEXT.filter(bool), min_size=1, max_size=3))
    path = "/" + "/".join(urllib.parse.quote(s, safe="") for s in segments)
    quote_via = draw(st.sampled_from([urllib.parse.quote, urllib.parse.quote_plus]))
    query = urllib.parse.urlencode(draw(PARAMS), quote_via=quote_via)
    method = draw(st.sampled_from(["GET", "POST", "PUT", "DELETE"]))
    body: Optional[str] = None
    if method in ("POST", "PUT") and draw(st.booleans()):
        body = urllib.parse.urlencode(draw(PARAMS), quote_via=quote_via)
    with_token = draw(st.booleans())
    return {
        "method": method,
        "url": f"{scheme}://{host}{port}{path}" + (f"?{query}" if query else ""),
        "body": body,
        "consumer_key": draw(VISIBLE),
        "consumer_secret": draw(SECRET),
        "token": draw(VISIBLE) if with_token else None,
        "token_secret": draw(st.one_of(st.just(""), SECRET)) if with_token else None,
        "nonce": draw(st.text(st.characters(min_codepoint=0x30, max_codepoint=0x7A), min_size=1, max_size=32)),
        "timestamp": draw(st.integers(min_value=0, max_value=2**40)),
        "callback": draw(st.sampled_from([None, "oob", "http://localhost:8080/cb?x=1 2"])),
        "verifier": draw(st.one_of(st.none(), VISIBLE)),
    }


@FUZZ
@given(requests())
def test_sign_agrees_with_oauthlib(r: dict[str, object]) -> None:
    secret = str(r["consumer_secret"])
    # The core refuses a 32-hex app secret: that is an API key pasted in the wrong place.
    assume(re.fullmatch(r"[0-9a-fA-F]{32}", secret.strip()) is None)
    ours = ta.oauth1.sign(
        str(r["method"]),
        str(r["url"]),
        consumer_key=str(r["consumer_key"]),
        consumer_secret=secret,
        token=r["token"],  # type: ignore[arg-type]
        token_secret=r["token_secret"],  # type: ignore[arg-type]
        body=r["body"],  # type: ignore[arg-type]
        nonce=str(r["nonce"]),
        timestamp=r["timestamp"],  # type: ignore[arg-type]
        callback=r["callback"],  # type: ignore[arg-type]
        verifier=r["verifier"],  # type: ignore[arg-type]
    )
    client = oauthlib1.Client(
        str(r["consumer_key"]),
        client_secret=secret,
        resource_owner_key=r["token"],
        resource_owner_secret=r["token_secret"],
        callback_uri=r["callback"],
        verifier=r["verifier"],
        nonce=str(r["nonce"]),
        timestamp=str(r["timestamp"]),
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if r["body"] is not None else {}
    _, signed_headers, _ = client.sign(str(r["url"]), http_method=str(r["method"]), body=r["body"], headers=headers)
    assert header_params(ours) == header_params(signed_headers["Authorization"])


def test_sign_matches_oauthlib_on_the_core_issue_request() -> None:
    # POST https://api.trello.com/1/cards?idList=...&pos=top with a form body (the bench case).
    url = "https://api.trello.com/1/cards?idList=5abbe4b7ddc1b351ef961414&pos=top"
    body = urllib.parse.urlencode({"name": "Finish Final Presentation ✓ & more", "desc": "a b+c%d"})
    kw = dict(consumer_key="5685e5c0826515cfed8f66f626720ab6", nonce="b3f1c2a9d8e7f6a5", timestamp=1714567890)
    ours = ta.oauth1.signature(
        "POST", url, consumer_secret="s" * 64, token="t" * 64, token_secret="u" * 32, body=body, **kw  # type: ignore[arg-type]
    )
    client = oauthlib1.Client(
        kw["consumer_key"],
        client_secret="s" * 64,
        resource_owner_key="t" * 64,
        resource_owner_secret="u" * 32,
        nonce=kw["nonce"],
        timestamp=str(kw["timestamp"]),
    )
    _, headers, _ = client.sign(url, "POST", body, {"Content-Type": "application/x-www-form-urlencoded"})
    assert header_params(ours.authorization) == header_params(headers["Authorization"])
    assert ours.params["oauth_signature"] == ours.signature
    assert ours.base_string.startswith("POST&https%3A%2F%2Fapi.trello.com%2F1%2Fcards&")
    assert "signature=" in repr(ours) and "t" * 64 not in repr(ours)


def test_a_json_body_is_not_signed() -> None:
    kw = dict(consumer_key="k", consumer_secret="cs", nonce="n", timestamp=1)
    url = "https://api.trello.com/1/cards"
    bare = ta.oauth1.signature("POST", url, **kw)  # type: ignore[arg-type]
    json_body = ta.oauth1.signature("POST", url, body='{"a":"b"}', content_type="application/json", **kw)  # type: ignore[arg-type]
    form_body = ta.oauth1.signature("POST", url, body="a=b", **kw)  # type: ignore[arg-type]
    assert json_body.signature == bare.signature
    assert form_body.signature != bare.signature
    assert ta.oauth1.sign("POST", url, body=b"a=b", **kw) == form_body.authorization  # type: ignore[arg-type]


def test_sign_refuses_bad_input_naming_the_argument() -> None:
    kw = dict(consumer_key="k", consumer_secret="cs", nonce="n")
    with pytest.raises(ta.ConfigError, match="^timestamp: "):
        ta.oauth1.sign("GET", "https://x.example/", timestamp=-1, **kw)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="timestamp"):
        ta.oauth1.sign("GET", "https://x.example/", timestamp=1.5, **kw)  # type: ignore[arg-type]
    with pytest.raises(ta.ConfigError, match="^url: "):
        ta.oauth1.sign("GET", "not a url", timestamp=1, **kw)  # type: ignore[arg-type]
    with pytest.raises(ta.OAuthError) as refused:
        ta.oauth1.sign("GET", "/relative", timestamp=1, **kw)  # type: ignore[arg-type]
    assert refused.value.code == "invalid_request"
    with pytest.raises(ta.ConfigError, match="^token: "):
        ta.oauth1.sign("GET", "https://x.example/", timestamp=1, token="has space", **kw)  # type: ignore[arg-type]
    with pytest.raises(ta.ConfigError, match="^token_secret: "):
        ta.oauth1.sign("GET", "https://x.example/", timestamp=1, token_secret="s", **kw)  # type: ignore[arg-type]
    with pytest.raises(ta.ConfigError, match="^consumer_secret: ") as secret:
        ta.oauth1.sign("GET", "https://x.example/", timestamp=1, **{**kw, "consumer_secret": ""})  # type: ignore[arg-type]
    assert secret.value.code == "invalid_secret"
    with pytest.raises(ta.OAuthError) as present:
        ta.oauth1.sign("GET", "https://x.example/?oauth_token=x", timestamp=1, **kw)  # type: ignore[arg-type]
    assert present.value.code == "credentials_present"


# --- the three-legged flow against the sandbox ---------------------------------------------------


def test_three_legged_flow_with_a_pin(shared_sandbox: Sandbox) -> None:
    sb = shared_sandbox
    flow = ta.oauth1.Flow(sb.app_key, sb.app_secret, auth_base=sb.auth_base)
    url = flow.authorize_url(name="My App", scope="read,write", expiration="1day")
    assert url.startswith(f"{sb.auth_base}/1/OAuthAuthorizeToken?oauth_token=")
    pin = click(url, "Allow").pre()
    assert pin
    access = flow.finish(pin.strip())
    assert "[redacted]" in repr(access) and access.token not in repr(access)
    client = ta.Client(
        sb.app_key, access.token, app_secret=sb.app_secret, token_secret=access.token_secret, api_base=sb.api_base
    )
    assert client.me()["id"] == sb.member["id"]
    assert "oauth1" in repr(client)
    assert sb.requests()[-1]["placement"] == "signed_header"
    # Signed calls reach the token routes too.
    assert client.token_info()["idMember"] == sb.member["id"]


def test_three_legged_flow_with_a_callback() -> None:
    with Sandbox() as sb:
        flow = ta.oauth1.Flow(sb.app_key, sb.app_secret, callback="http://localhost:8080/cb", auth_base=sb.auth_base)
        answer = click(flow.authorize_url(), "Allow")
        assert answer.status == 302 and answer.location is not None
        assert answer.location.startswith("http://localhost:8080/cb?")
        access = flow.finish(answer.location)
        client = ta.Client(
            sb.app_key, access.token, app_secret=sb.app_secret, token_secret=access.token_secret, api_base=sb.api_base
        )
        assert client.me()["username"] == sb.member["username"]


def test_flow_refusals() -> None:
    with Sandbox() as sb:
        flow = ta.oauth1.Flow(sb.app_key, sb.app_secret, callback="http://localhost:8080/cb", auth_base=sb.auth_base)
        with pytest.raises(ta.ConfigError, match="authorize_url"):
            flow.finish("1234")
        flow.authorize_url()
        with pytest.raises(ta.OAuthError) as mismatch:
            flow.finish("http://localhost:8080/cb?oauth_token=forged&oauth_verifier=v")
        assert mismatch.value.code == "token_mismatch"
        with pytest.raises(ta.AuthorizationDenied):
            flow.finish("http://localhost:8080/cb?denied=x")
        # The user clicks Deny: the sandbox redirects with oauth_problem=user_refused.
        answer = click(flow.authorize_url(), "Deny")
        assert answer.location is not None and "oauth_problem=user_refused" in answer.location
        with pytest.raises(ta.AuthorizationDenied) as denied:
            flow.finish(answer.location)
        assert denied.value.code == "denied"
        with pytest.raises(ta.OAuthError) as insecure:
            ta.oauth1.Flow(sb.app_key, sb.app_secret, callback="http://example.com/cb")
        assert insecure.value.code == "insecure_callback"
        wrong = ta.oauth1.Flow(sb.app_key, "f" * 64, auth_base=sb.auth_base)
        with pytest.raises(ta.OAuthError) as refused:
            wrong.authorize_url()
        assert refused.value.code == "http_status"
