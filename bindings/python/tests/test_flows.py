"""The transport issue's flows, from Python, against the in-process sandbox: authorize URL →
consent (the test plays the user) → capture → me → token_info → revoke → TokenRevoked; expiry
on the sandbox clock; 429s with small budgets; injected 5xx retried; TLS; every placement."""

from __future__ import annotations

import json
import re
import time
import urllib.parse
from collections.abc import Iterator

import pytest

import trello_auth as ta
from conftest import click
from trello_auth.sandbox import Sandbox

RETURN_URL = "http://localhost:8080/cb"


def client_for(sb: Sandbox, token: str, **kw: object) -> ta.Client:
    return ta.Client(sb.app_key, token, api_base=sb.api_base, **kw)  # type: ignore[arg-type]


def test_fragment_flow_from_consent_to_revocation(sandbox: Sandbox) -> None:
    # The library's own pytest fixture, `trello_auth.sandbox.sandbox`, gives a fresh sandbox.
    sb = sandbox
    url = ta.authorize_url(
        sb.app_key,
        scope=("read", "write"),
        expiration="1day",
        name="Python test",
        callback_method="fragment",
        return_url=RETURN_URL,
        auth_base=sb.auth_base,
    )
    answer = click(url, "Allow")
    assert answer.status == 302 and answer.location is not None
    assert answer.location.startswith(RETURN_URL + "#token=")
    token = ta.parse_fragment(answer.location)

    client = client_for(sb, token)
    me = client.me()
    assert me["id"] == sb.member["id"]
    info = client.token_info()
    assert info["idMember"] == sb.member["id"]
    assert any(p["read"] and p["write"] for p in info["permissions"])
    assert info["dateExpires"] is not None

    client.revoke()
    with pytest.raises(ta.TokenRevoked) as revoked:
        client.me()
    err = revoked.value
    assert isinstance(err, ta.TokenRejected) and isinstance(err, PermissionError)
    assert (err.code, err.reason) == ("token_rejected", "invalid")
    assert str(err) == "token revoked: re-authorize"
    assert ta.classify(401, "invalid token").action == "reauthorize"


def test_deny_is_its_own_error(shared_sandbox: Sandbox) -> None:
    sb = shared_sandbox
    url = ta.authorize_url(sb.app_key, callback_method="fragment", return_url=RETURN_URL, auth_base=sb.auth_base)
    answer = click(url, "Deny")
    assert answer.location is not None
    with pytest.raises(ta.AuthorizationDenied) as denied:
        ta.parse_fragment(answer.location)
    assert denied.value.message == "Token request rejected"
    assert denied.value.code == "denied"
    assert not isinstance(denied.value, ValueError), "a deny is not malformed input"


def test_display_delivery_and_a_pasted_token(shared_sandbox: Sandbox) -> None:
    sb = shared_sandbox
    page = click(ta.authorize_url(sb.app_key, auth_base=sb.auth_base), "Allow")
    shown = page.pre()
    assert shown is not None
    token = ta.parse_pasted_token(f"  {shown}\n")
    assert client_for(sb, token).me()["id"] == sb.member["id"]
    with pytest.raises(ta.CaptureError) as key:
        ta.parse_pasted_token(sb.app_key)
    assert key.value.code == "looks_like_key"


def test_post_message_delivery(shared_sandbox: Sandbox) -> None:
    sb = shared_sandbox
    url = ta.authorize_url(
        sb.app_key, callback_method="postMessage", return_url=RETURN_URL, auth_base=sb.auth_base
    )
    page = click(url, "Allow").page
    found = re.search(r"window\.opener\.postMessage\((.*), (\".*\")\);", page)
    assert found, page
    data, target = found.group(1), json.loads(found.group(2))
    assert target == "http://localhost:8080"
    # What the opener's listener receives: event.origin is the authorize origin.
    token = ta.parse_post_message(sb.auth_base, data, trusted_origin=sb.auth_base)
    assert client_for(sb, token).me()["id"] == sb.member["id"]
    with pytest.raises(ta.CaptureError) as spoofed:
        ta.parse_post_message("https://evil.example", data, trusted_origin=sb.auth_base)
    assert spoofed.value.code == "wrong_origin"


def test_an_expired_token_on_the_sandbox_clock(shared_sandbox: Sandbox) -> None:
    sb = shared_sandbox
    token = sb.mint_token(scope="read", expiration="1hour")
    client = client_for(sb, token)
    assert client.me()["id"] == sb.member["id"]
    sb.advance_clock(3601)
    with pytest.raises(ta.TokenExpired) as expired:
        client.me()
    assert expired.value.reason == "expired"
    assert isinstance(expired.value, PermissionError)


@pytest.fixture()
def tight() -> Iterator[Sandbox]:
    """A sandbox whose token budget is 2 requests per 10 s of sandbox time."""
    with Sandbox(rate_limits=(300, 2, 10.0)) as sb:
        yield sb


def test_429_after_the_budget_is_spent(tight: Sandbox) -> None:
    # No client-side limiter: the server's 429 is what is tested here.
    client = client_for(tight, tight.token, max_retries=0, rate_limit=False)
    client.me()
    client.me()
    with pytest.raises(ta.RateLimited) as limited:
        client.me()
    assert (limited.value.code, limited.value.limit) == ("rate_limited", "token")
    assert ta.classify(429, '{"error":"API_TOKEN_LIMIT_EXCEEDED"}').action == "retry_after"
    # A new window of sandbox time: the budget is back.
    tight.advance_clock(10)
    assert client.me()["id"] == tight.member["id"]


def test_a_429_is_retried_after_the_backoff(sandbox: Sandbox) -> None:
    # A 429 armed on the route, not a spent budget: the sandbox's windows are fixed, so two
    # calls can straddle a window's end and never meet a 429 (the window itself is tested with
    # the sandbox clock above).
    sb = sandbox
    client = client_for(sb, sb.token, max_retries=4, backoff=0.05, rate_limit=False)
    sb.inject_fault("/1/members/me", status=429, count=2)
    assert client.me()["id"] == sb.member["id"]
    assert [r["status"] for r in sb.requests()] == [429, 429, 200]


def test_a_configured_rate_limit_paces_calls_so_none_is_refused() -> None:
    # The server allows 2 per 0.5 s; the client's limiter 1 per 0.5 s, so that a few
    # milliseconds of network jitter cannot put two of its sends in one server window.
    # Without pacing the third call would be answered 429, and max_retries=0 would raise it.
    with Sandbox(rate_limits=(300, 2, 0.5)) as sb:
        client = client_for(sb, sb.token, max_retries=0, rate_limit=(300, 1, 0.5))
        for _ in range(3):
            assert client.me()["id"] == sb.member["id"]
        assert [r["status"] for r in sb.requests()] == [200, 200, 200]


@pytest.mark.parametrize(
    ("rate_limit", "error"),
    [
        ((0, 1, 1.0), ValueError),
        ((1, 1, 0.0), ValueError),
        ((1, 1, float("nan")), ValueError),
        ((1, 2**40, 1.0), ValueError),
        ("fast", TypeError),
        ((1, 1), TypeError),
        (1, TypeError),
    ],
)
def test_a_bad_rate_limit_is_refused(shared_sandbox: Sandbox, rate_limit: object, error: type) -> None:
    with pytest.raises(error, match="rate_limit"):
        client_for(shared_sandbox, shared_sandbox.token, rate_limit=rate_limit)


def test_injected_503s_are_retried(shared_sandbox: Sandbox) -> None:
    sb = shared_sandbox
    sb.clear_requests()
    sb.inject_fault("/1/members/me", count=2, status=503)
    client = client_for(sb, sb.token, backoff=0.05)
    assert client.me()["id"] == sb.member["id"]
    assert [r["status"] for r in sb.requests()] == [503, 503, 200]

    sb.inject_fault("/1/members/me", count=2, status=503)
    impatient = client_for(sb, sb.token, backoff=0.05, max_retries=1)
    with pytest.raises(ta.ApiError) as failed:
        impatient.me()
    assert (failed.value.code, failed.value.status) == ("server_error", 503)
    sb.clear_faults()


def test_a_dropped_connection_is_a_transport_error(shared_sandbox: Sandbox) -> None:
    sb = shared_sandbox
    sb.inject_fault("/1/members/me", count=10, close=True)
    client = client_for(sb, sb.token, backoff=0.01, max_retries=1)
    with pytest.raises(ta.TransportError) as broken:
        client.me()
    assert isinstance(broken.value, ConnectionError)
    assert broken.value.code == "transport" and broken.value.kind in ("io", "protocol")
    sb.clear_faults()
    refused = ta.Client(sb.app_key, sb.token, api_base="http://127.0.0.1:9", max_retries=0)
    with pytest.raises(ta.TransportError) as nobody:
        refused.me()
    assert nobody.value.kind == "connect"


def test_tls_with_the_sandbox_ca(tls_sandbox: Sandbox) -> None:
    sb = tls_sandbox
    assert sb.api_base.startswith("https://") and sb.ca_file is not None
    with open(sb.ca_file, encoding="ascii") as f:
        assert f.read() == sb.ca_pem
    assert client_for(sb, sb.token, ca_file=sb.ca_file).me()["id"] == sb.member["id"]
    with pytest.raises(ta.TransportError) as untrusted:
        client_for(sb, sb.token, max_retries=0).me()
    assert untrusted.value.kind == "tls"


def test_every_placement_and_verb(shared_sandbox: Sandbox) -> None:
    sb = shared_sandbox
    f = sb.fixtures
    sb.clear_requests()
    header = client_for(sb, sb.token)
    board = header.get(f"/1/boards/{f['board_id']}", params={"fields": "name"})
    assert board["id"] == f["board_id"]
    query = client_for(sb, sb.token, placement="query")
    assert query.get("/1/members/me?fields=id")["id"] == sb.member["id"]
    body = client_for(sb, sb.token, placement="body")
    renamed = body.put(f"/1/cards/{f['card_id']}/name", {"value": "Done ✓"})
    assert renamed["name"] == "Done ✓"
    card = body.post("/1/cards", {"idList": f["list_id"], "name": "From Python"})
    assert card["idList"] == f["list_id"]
    placements = [r["placement"] for r in sb.requests()]
    assert placements == ["header", "query", "body", "body"]
    # A GET cannot carry a body (SPEC S3.4): refused before anything is sent.
    with pytest.raises(ta.PlacementError) as refused:
        body.me()
    assert refused.value.code == "body_not_allowed" and isinstance(refused.value, ValueError)
    assert len(sb.requests()) == 4
    # DELETE of the token resource revokes it.
    token = sb.mint_token()
    client_for(sb, token).delete(f"/1/tokens/{token}")
    with pytest.raises(ta.TokenRevoked):
        client_for(sb, token).me()


def test_trello_answers_become_typed_errors(shared_sandbox: Sandbox) -> None:
    sb = shared_sandbox
    client = client_for(sb, sb.token)
    with pytest.raises(ta.ApiError) as missing:
        client.get("/1/no/such/route")
    assert (missing.value.code, missing.value.status) == ("not_found", 404)
    with pytest.raises(ta.ApiError) as bad:
        client.get("/1/cards/not-an-id")
    assert bad.value.code == "bad_request"
    f = sb.fixtures
    with pytest.raises(ta.ApiError) as moved:
        client.get(f"/1/cards/{f['card_id']}/attachments/{f['attachment_id']}/download/{f['attachment_name']}")
    assert (moved.value.code, moved.value.status) == ("unexpected", 302)
    with pytest.raises(ta.KeyRejected) as key:
        ta.Client("0" * 32, sb.token, api_base=sb.api_base).me()
    assert isinstance(key.value, PermissionError)
    reader = client_for(sb, sb.mint_token(scope="read"))
    with pytest.raises(ta.PermissionDenied) as denied:
        reader.put(f"/1/cards/{f['card_id']}/name", params={"value": "x"})
    assert denied.value.reason == "unauthorized_permission"


def test_client_arguments_are_checked() -> None:
    key, token = "0123456789abcdef0123456789abcdef", "f" * 64
    with pytest.raises(ta.ConfigError, match="^api_base: ") as insecure:
        ta.Client(key, token, api_base="http://api.trello.com")
    assert insecure.value.code == "insecure_scheme"
    with pytest.raises(ta.ConfigError, match="^placement: "):
        ta.Client(key, token, placement="cookie")
    for bad in (0, -1, float("nan"), float("inf")):
        with pytest.raises(ta.ConfigError, match="^timeout: "):
            ta.Client(key, token, timeout=bad)
    with pytest.raises(ta.ConfigError, match="^max_retries: "):
        ta.Client(key, token, max_retries=-1)
    with pytest.raises(ta.ConfigError, match="^ca_file: "):
        ta.Client(key, token, ca_file="/nonexistent/ca.pem")
    with pytest.raises(ta.ConfigError) as not_pem:
        ta.Client(key, token, ca_file=__file__)
    assert not_pem.value.code == "transport_config"
    client = ta.Client(key, token, api_base="http://127.0.0.1:9")
    with pytest.raises(ta.ConfigError, match="^path: "):
        client.get("members/me")
    with pytest.raises(ta.ConfigError, match="^path: "):
        client.get("//evil.example/x")
    with pytest.raises(TypeError, match="^params: "):
        client.get("/1/members/me", params={"fields": object()})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="^json: "):
        client.post("/1/cards", {"a": {1, 2}})
    assert repr(client) == "Client(api_base='http://127.0.0.1:9', auth='header')"


def test_params_are_encoded(shared_sandbox: Sandbox) -> None:
    sb = shared_sandbox
    sb.clear_requests()
    client_for(sb, sb.token).get("/1/members/me?fields=id", params={"a b": "c&d", "n": 1, "t": True})
    path = sb.requests()[-1]["path"]
    assert urllib.parse.urlsplit(path).query == "fields=id&a+b=c%26d&n=1&t=true"
