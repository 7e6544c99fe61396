"""``ta.OAuth2Client`` (SPEC S8.5, S8.7) against the sandbox: Bearer calls, the refresh before
expiry and after a 401, the rotated tokens handed to ``on_tokens`` before they are used (once
per rotation, also across 16 threads), a failing ``on_tokens``, a dead grant, and the
``/1/tokens/*`` helpers refused. Refreshes are counted in the sandbox's request log."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

import trello_auth as ta
from test_oauth2 import confidential_tokens, consent, start, token_calls
from trello_auth import oauth2
from trello_auth.sandbox import Sandbox


def client_for(sb: Sandbox, tokens: ta.TokenSet, saved: list[ta.TokenSet] | None = None, **kw: Any) -> ta.OAuth2Client:
    return ta.OAuth2Client(
        sb.oauth2_client_id,
        tokens,
        client_secret=sb.oauth2_client_secret,
        on_tokens=saved.append if saved is not None else None,
        api_base=sb.api_base,
        auth_base=sb.auth_base,
        **kw,
    )


def expiring(tokens: ta.TokenSet, seconds_left: int) -> ta.TokenSet:
    """``tokens`` as if their access token had ``seconds_left`` to live (by this machine's clock)."""
    return ta.TokenSet(tokens.access_token, tokens.refresh_token, int(time.time()) + seconds_left, tokens.scopes)


def test_calls_carry_the_access_token_as_bearer(sandbox: Sandbox) -> None:
    tokens = confidential_tokens(sandbox, scopes=["read:member:trello", "read:board:trello", "write:board:trello"])
    saved: list[ta.TokenSet] = []
    client = client_for(sandbox, tokens, saved)
    sandbox.clear_requests()
    assert client.me()["id"] == sandbox.member["id"]
    card = sandbox.fixtures["card_id"]
    assert client.get(f"/1/cards/{card}")["id"] == card
    assert client.put(f"/1/cards/{card}/name", params={"value": "Renamed"})["name"] == "Renamed"
    recorded = sandbox.requests()
    assert [r["status"] for r in recorded] == [200, 200, 200]
    assert all((r["authorization"] or "").startswith("Bearer ") for r in recorded)
    assert all(tokens.access_token not in str(r) for r in recorded)
    assert saved == []
    assert client.tokens == tokens
    assert not client.has_ended
    assert client.api_base == sandbox.api_base
    assert client.client_id == sandbox.oauth2_client_id


def test_an_expiring_token_is_refreshed_and_saved_before_it_is_used(sandbox: Sandbox) -> None:
    tokens = confidential_tokens(sandbox)
    saved: list[ta.TokenSet] = []
    seen_by_hook: list[int] = []

    def on_tokens(new: ta.TokenSet) -> None:
        # What the server had received when the hook ran: the refresh, not yet the call.
        seen_by_hook.append(len(sandbox.requests()))
        saved.append(new)

    client = ta.OAuth2Client(
        sandbox.oauth2_client_id,
        expiring(tokens, 30),
        client_secret=sandbox.oauth2_client_secret,
        on_tokens=on_tokens,
        api_base=sandbox.api_base,
        auth_base=sandbox.auth_base,
    )
    sandbox.clear_requests()
    assert client.me()["id"] == sandbox.member["id"]
    assert [r["path"].split("?")[0] for r in sandbox.requests()] == ["/oauth/token", "/1/members/me"]
    assert seen_by_hook == [1]
    assert len(saved) == 1
    assert saved[0].refresh_token not in (None, tokens.refresh_token)
    assert client.tokens == saved[0]
    # The new access token lives an hour: the next calls send no refresh.
    client.me()
    assert token_calls(sandbox) == [200]


def test_a_401_refreshes_once_and_retries_once(sandbox: Sandbox) -> None:
    tokens = confidential_tokens(sandbox)
    saved: list[ta.TokenSet] = []
    client = client_for(sandbox, tokens, saved)
    # The access token expires on the sandbox's clock while this machine's says it is fresh.
    sandbox.advance_clock(3600)
    sandbox.clear_requests()
    assert client.me()["id"] == sandbox.member["id"]
    statuses = [(r["path"].split("?")[0], r["status"]) for r in sandbox.requests()]
    assert statuses == [("/1/members/me", 401), ("/oauth/token", 200), ("/1/members/me", 200)]
    assert len(saved) == 1


def test_sixteen_threads_on_an_expired_token_make_one_refresh(sandbox: Sandbox) -> None:
    tokens = confidential_tokens(sandbox)
    saved: list[ta.TokenSet] = []
    client = client_for(sandbox, expiring(tokens, -10), saved)
    sandbox.clear_requests()
    barrier = threading.Barrier(16)
    results: list[Any] = []
    lock = threading.Lock()

    def call() -> None:
        barrier.wait()
        try:
            outcome: Any = client.me()["id"]
        except Exception as e:  # collected and checked below
            outcome = e
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=call) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [sandbox.member["id"]] * 16
    assert token_calls(sandbox) == [200]
    assert len(saved) == 1
    assert client.tokens == saved[0]
    # Every call used the new access token: none was refused.
    assert [r["status"] for r in sandbox.requests() if r["path"].startswith("/1/")] == [200] * 16


def test_a_failing_on_tokens_fails_that_call_and_the_next_saves_without_refreshing(sandbox: Sandbox) -> None:
    tokens = confidential_tokens(sandbox)
    calls: list[ta.TokenSet] = []

    def on_tokens(new: ta.TokenSet) -> None:
        calls.append(new)
        if len(calls) == 1:
            raise OSError("disk full")

    client = ta.OAuth2Client(
        sandbox.oauth2_client_id,
        expiring(tokens, 0),
        client_secret=sandbox.oauth2_client_secret,
        on_tokens=on_tokens,
        api_base=sandbox.api_base,
        auth_base=sandbox.auth_base,
    )
    sandbox.clear_requests()
    with pytest.raises(ta.OAuth2Error) as e:
        client.me()
    assert e.value.code == "tokens_not_saved"
    assert isinstance(e.value.__cause__, OSError)
    assert "on_tokens" in str(e.value)
    # Nothing used the unsaved tokens.
    assert [r["path"].split("?")[0] for r in sandbox.requests()] == ["/oauth/token"]
    assert client.me()["id"] == sandbox.member["id"]
    assert len(calls) == 2 and calls[0] == calls[1]
    assert token_calls(sandbox) == [200]
    assert client.tokens == calls[1]


def test_a_dead_grant_raises_token_rejected_until_replaced(sandbox: Sandbox) -> None:
    tokens = confidential_tokens(sandbox)
    saved: list[ta.TokenSet] = []
    client = client_for(sandbox, tokens, saved)
    assert sandbox.revoke_oauth2_grant(sandbox.oauth2_client_id) == 1
    with pytest.raises(ta.TokenRejected) as e:
        client.me()
    assert isinstance(e.value, ta.TokenRevoked)
    assert e.value.reason == "grant_revoked"
    assert "authorize the user again" in str(e.value)
    assert client.has_ended
    sent = len(sandbox.requests())
    with pytest.raises(ta.TokenRejected):
        client.me()
    assert len(sandbox.requests()) == sent  # an ended grant sends nothing
    assert saved == []
    # A new authorization brings the client back.
    client.replace(confidential_tokens(sandbox))
    assert not client.has_ended
    assert client.me()["id"] == sandbox.member["id"]


def test_reusing_a_rotated_refresh_token_elsewhere_ends_this_grant(sandbox: Sandbox) -> None:
    # Two clients restored from the same stored tokens: the second one's refresh token was
    # already spent by the first (SPEC S8.5: persist before use, never refresh twice).
    tokens = confidential_tokens(sandbox)
    first: list[ta.TokenSet] = []
    assert client_for(sandbox, expiring(tokens, 0), first).me()["id"] == sandbox.member["id"]
    sandbox.advance_clock(601)
    stale = client_for(sandbox, expiring(tokens, 0))
    with pytest.raises(ta.TokenRejected):
        stale.me()
    # The reuse after the leeway revoked the whole grant, the first client's tokens too.
    assert len(first) == 1
    with pytest.raises(ta.TokenRejected):
        client_for(sandbox, first[0]).me()


def test_a_public_client_refreshes_without_a_secret(sandbox: Sandbox) -> None:
    request = start(sandbox, sandbox.oauth2_public_client_id)
    code = oauth2.parse_redirect(consent(sandbox, request), request.state)
    tokens = oauth2.exchange_code(
        sandbox.oauth2_public_client_id, code, request.verifier, request.redirect_uri, auth_base=sandbox.auth_base
    )
    saved: list[ta.TokenSet] = []
    client = ta.OAuth2Client(
        sandbox.oauth2_public_client_id,
        expiring(tokens, 0),
        on_tokens=saved.append,
        api_base=sandbox.api_base,
        auth_base=sandbox.auth_base,
    )
    assert client.me()["id"] == sandbox.member["id"]
    assert len(saved) == 1


def test_token_routes_are_refused_for_oauth2(sandbox: Sandbox) -> None:
    client = client_for(sandbox, confidential_tokens(sandbox))
    sandbox.clear_requests()
    for method in (client.token_info, client.revoke):
        with pytest.raises(ta.ConfigError) as e:
            method()
        assert e.value.code == "invalid_request"
        assert "key + token" in str(e.value)
    assert sandbox.requests() == []


def test_arguments_are_checked() -> None:
    tokens = ta.TokenSet("at", "rt", None, ())
    with pytest.raises(TypeError):
        ta.OAuth2Client("client", tokens, on_tokens="save")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ta.OAuth2Client("client", "at", on_tokens=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ta.OAuth2Client("client", tokens)  # type: ignore[call-arg]  # on_tokens is required
    with pytest.raises(ta.ConfigError) as e:
        ta.OAuth2Client("", tokens, on_tokens=None)
    assert e.value.code == "invalid_client_id"
    with pytest.raises(ta.ConfigError) as e:
        ta.OAuth2Client("client", tokens, on_tokens=None, api_base="http://api.example")
    assert e.value.code == "insecure_scheme"
    with pytest.warns(DeprecationWarning, match="api_base"):
        client = ta.OAuth2Client("client", tokens, on_tokens=None, base_url="http://127.0.0.1:9")
    assert client.api_base == "http://127.0.0.1:9"
    assert repr(client) == "OAuth2Client(client_id='client', api_base='http://127.0.0.1:9')"
    default = ta.OAuth2Client("client", tokens, on_tokens=None)
    assert default.api_base == "https://api.trello.com"


def test_over_tls_both_endpoints_trust_ca_file(tls_sandbox: Sandbox) -> None:
    sb = tls_sandbox
    stale = ta.TokenSet("no-such-access-token", "no-such-refresh-token", 0)
    client = ta.OAuth2Client(
        sb.oauth2_client_id,
        stale,
        client_secret=sb.oauth2_client_secret,
        on_tokens=None,
        api_base=sb.api_base,
        auth_base=sb.auth_base,
        ca_file=sb.ca_file,
    )
    # The refresh reached the token endpoint over TLS, which refused the unknown refresh token.
    with pytest.raises(ta.TokenRevoked):
        client.me()
    assert token_calls(sb)[-1] == 403
    untrusted = ta.OAuth2Client(
        sb.oauth2_client_id, stale, on_tokens=None, api_base=sb.api_base, auth_base=sb.auth_base, max_retries=0
    )
    with pytest.raises(ta.TransportError) as e:
        untrusted.me()
    assert e.value.kind == "tls"
