"""OAuth 2.0 (SPEC S8) through ``ta.oauth2`` against the sandbox's authorization server: the code
flow with PKCE for confidential and public clients, Deny, a redirect of another flow, refresh
rotation and the reuse of a rotated refresh token, and the inputs refused before anything is
sent. The consent page is played by the conftest's ``click`` (the sandbox's own reader of its
page)."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest

import trello_auth as ta
from conftest import click
from trello_auth import oauth2
from trello_auth.sandbox import Sandbox

SCOPES = ["read:member:trello", "read:board:trello"]


def consent(sb: Sandbox, request: oauth2.AuthorizationRequest, button: str = "Allow") -> str:
    """Plays the user on the consent page of ``request``: where the browser is sent back."""
    answer = click(request.url, button)
    assert answer.status in (302, 303), answer.page
    assert answer.location is not None
    return urllib.parse.urljoin(request.url, answer.location)


def start(sb: Sandbox, client_id: str | None = None, **kwargs: Any) -> oauth2.AuthorizationRequest:
    return oauth2.authorization_request(
        client_id or sb.oauth2_client_id,
        sb.oauth2_redirect_uri,
        scopes=kwargs.pop("scopes", SCOPES),
        auth_base=sb.auth_base,
        **kwargs,
    )


def confidential_tokens(sb: Sandbox, **kwargs: Any) -> ta.TokenSet:
    request = start(sb, **kwargs)
    code = oauth2.parse_redirect(consent(sb, request), request.state)
    return oauth2.exchange_code(
        sb.oauth2_client_id,
        code,
        request.verifier,
        request.redirect_uri,
        client_secret=sb.oauth2_client_secret,
        auth_base=sb.auth_base,
    )


def bearer_status(sb: Sandbox, access_token: str, path: str = "/1/members/me") -> tuple[int, Any]:
    request = urllib.request.Request(sb.api_base + path, headers={"Authorization": f"Bearer {access_token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as e:
        with e:
            return e.code, None


def token_calls(sb: Sandbox) -> list[int]:
    """The statuses of the ``/oauth/token`` calls the sandbox received."""
    return [r["status"] for r in sb.requests() if r["path"].split("?")[0] == "/oauth/token"]


# --- the code flow ------------------------------------------------------------------------------


def test_confidential_client_code_flow_gives_working_tokens(sandbox: Sandbox) -> None:
    before = int(time.time())
    tokens = confidential_tokens(sandbox)
    assert isinstance(tokens, ta.TokenSet)
    assert tokens.refresh_token is not None
    assert tokens.expires_at is not None and before + 3600 <= tokens.expires_at <= int(time.time()) + 3600
    assert tokens.scopes == ("read:board:trello", "read:member:trello", "offline_access")
    status, member = bearer_status(sandbox, tokens.access_token)
    assert status == 200
    assert member["id"] == sandbox.member["id"]
    assert token_calls(sandbox) == [200]


def test_public_client_uses_pkce_alone_and_offline_false_gives_no_refresh_token(sandbox: Sandbox) -> None:
    request = start(sandbox, sandbox.oauth2_public_client_id, scopes=["read:member:trello"], offline=False)
    assert "offline_access" not in urllib.parse.parse_qs(urllib.parse.urlsplit(request.url).query)["scope"][0]
    code = oauth2.parse_redirect(consent(sandbox, request), request.state)
    tokens = oauth2.exchange_code(
        sandbox.oauth2_public_client_id, code, request.verifier, request.redirect_uri, auth_base=sandbox.auth_base
    )
    assert tokens.refresh_token is None
    assert tokens.scopes == ("read:member:trello",)
    assert bearer_status(sandbox, tokens.access_token)[0] == 200


def test_a_public_client_with_a_secret_or_a_confidential_one_without_is_invalid_client(sandbox: Sandbox) -> None:
    for client_id, secret in (
        (sandbox.oauth2_public_client_id, sandbox.oauth2_client_secret),
        (sandbox.oauth2_client_id, None),
    ):
        request = start(sandbox, client_id)
        code = oauth2.parse_redirect(consent(sandbox, request), request.state)
        with pytest.raises(ta.OAuth2Error) as e:
            oauth2.exchange_code(
                client_id, code, request.verifier, request.redirect_uri, client_secret=secret, auth_base=sandbox.auth_base
            )
        assert e.value.code == "invalid_client"
        assert e.value.status == 401
        assert "fix the client id or secret" in str(e.value)


def test_deny_raises_authorization_denied(sandbox: Sandbox) -> None:
    request = start(sandbox)
    back = consent(sandbox, request, "Deny")
    with pytest.raises(ta.AuthorizationDenied) as e:
        oauth2.parse_redirect(back, request.state)
    assert e.value.code == "denied"
    assert e.value.error == "access_denied"
    assert e.value.description is not None
    assert "access_denied" in str(e.value)
    assert token_calls(sandbox) == []


def test_a_redirect_of_another_flow_is_refused(sandbox: Sandbox) -> None:
    first, second = start(sandbox), start(sandbox)
    assert first.state != second.state
    back = consent(sandbox, first)
    with pytest.raises(ta.CaptureError) as e:
        oauth2.parse_redirect(back, second.state)
    assert e.value.code == "state_mismatch"
    assert isinstance(e.value, ValueError)
    assert "start again" in str(e.value)
    with pytest.raises(ta.CaptureError) as e:
        oauth2.parse_redirect("not a url", first.state)
    assert e.value.code == "malformed"
    with pytest.raises(ta.ConfigError) as c:
        oauth2.parse_redirect(back, "")
    assert c.value.code == "invalid_state"


def test_a_code_is_single_use_and_bound_to_its_verifier(sandbox: Sandbox) -> None:
    request = start(sandbox)
    code = oauth2.parse_redirect(consent(sandbox, request), request.state)
    other = oauth2.Pkce()
    with pytest.raises(ta.TokenRejected) as e:
        oauth2.exchange_code(
            sandbox.oauth2_client_id,
            code,
            other.verifier,
            request.redirect_uri,
            client_secret=sandbox.oauth2_client_secret,
            auth_base=sandbox.auth_base,
        )
    assert isinstance(e.value, ta.TokenRevoked)
    assert e.value.reason == "grant_revoked"
    assert e.value.status == 400
    assert "authorize the user again" in str(e.value)
    # The wrong verifier spent the code: the right one cannot use it any more.
    with pytest.raises(ta.TokenRejected):
        oauth2.exchange_code(
            sandbox.oauth2_client_id,
            code,
            request.verifier,
            request.redirect_uri,
            client_secret=sandbox.oauth2_client_secret,
            auth_base=sandbox.auth_base,
        )
    assert token_calls(sandbox) == [400, 400]


# --- refresh ------------------------------------------------------------------------------------


def test_refresh_rotates_and_an_old_refresh_token_is_rejected(sandbox: Sandbox) -> None:
    first = confidential_tokens(sandbox)
    assert first.refresh_token is not None
    kw: dict[str, Any] = {"client_secret": sandbox.oauth2_client_secret, "auth_base": sandbox.auth_base}
    second = oauth2.refresh(sandbox.oauth2_client_id, first.refresh_token, **kw)
    assert second.refresh_token is not None and second.refresh_token != first.refresh_token
    assert second.access_token != first.access_token
    assert second.scopes == first.scopes
    assert bearer_status(sandbox, second.access_token)[0] == 200
    # Reusing the rotated one (within the 10-minute leeway) is refused; the grant lives on.
    with pytest.raises(ta.TokenRejected) as e:
        oauth2.refresh(sandbox.oauth2_client_id, first.refresh_token, **kw)
    assert e.value.reason == "grant_revoked"
    assert e.value.status == 403
    third = oauth2.refresh(sandbox.oauth2_client_id, second.refresh_token, **kw)
    assert third.refresh_token is not None
    assert bearer_status(sandbox, third.access_token)[0] == 200
    # After the leeway, a reuse revokes the whole grant (SPEC S8.5).
    sandbox.advance_clock(601)
    with pytest.raises(ta.TokenRejected):
        oauth2.refresh(sandbox.oauth2_client_id, first.refresh_token, **kw)
    assert bearer_status(sandbox, third.access_token)[0] == 401
    with pytest.raises(ta.TokenRejected):
        oauth2.refresh(sandbox.oauth2_client_id, third.refresh_token, **kw)
    assert token_calls(sandbox) == [200, 200, 403, 200, 403, 403]


def test_a_public_client_refreshes_without_a_secret(sandbox: Sandbox) -> None:
    request = start(sandbox, sandbox.oauth2_public_client_id)
    code = oauth2.parse_redirect(consent(sandbox, request), request.state)
    tokens = oauth2.exchange_code(
        sandbox.oauth2_public_client_id, code, request.verifier, request.redirect_uri, auth_base=sandbox.auth_base
    )
    assert tokens.refresh_token is not None
    fresh = oauth2.refresh(sandbox.oauth2_public_client_id, tokens.refresh_token, auth_base=sandbox.auth_base)
    assert fresh.refresh_token not in (None, tokens.refresh_token)


def test_a_revoked_grant_cannot_refresh(sandbox: Sandbox) -> None:
    tokens = confidential_tokens(sandbox)
    assert tokens.refresh_token is not None
    assert sandbox.revoke_oauth2_grant(sandbox.oauth2_client_id) == 1
    with pytest.raises(ta.TokenRejected):
        oauth2.refresh(
            sandbox.oauth2_client_id,
            tokens.refresh_token,
            client_secret=sandbox.oauth2_client_secret,
            auth_base=sandbox.auth_base,
        )


def test_token_calls_are_sent_once_never_retried(sandbox: Sandbox) -> None:
    tokens = confidential_tokens(sandbox)
    assert tokens.refresh_token is not None
    sandbox.clear_requests()
    sandbox.inject_fault("/oauth/token", status=503)
    with pytest.raises(ta.OAuth2Error) as e:
        oauth2.refresh(
            sandbox.oauth2_client_id,
            tokens.refresh_token,
            client_secret=sandbox.oauth2_client_secret,
            auth_base=sandbox.auth_base,
        )
    assert e.value.code in ("server_error", "other")
    assert e.value.status == 503
    assert token_calls(sandbox) == [503]


def test_refresh_over_tls_trusts_ca_file(tls_sandbox: Sandbox) -> None:
    sb = tls_sandbox
    assert sb.auth_base.startswith("https://")
    with pytest.raises(ta.TokenRejected):
        oauth2.refresh(sb.oauth2_client_id, "no-such-refresh-token", client_secret=sb.oauth2_client_secret,
                       auth_base=sb.auth_base, ca_file=sb.ca_file)
    with pytest.raises(ta.TransportError) as e:
        oauth2.refresh(sb.oauth2_client_id, "no-such-refresh-token", auth_base=sb.auth_base)
    assert e.value.kind == "tls"


def test_an_unreachable_token_endpoint_is_a_transport_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ta.TransportError):
        oauth2.refresh("client", "refresh", auth_base=f"http://127.0.0.1:{port}")


# --- inputs -------------------------------------------------------------------------------------


def test_authorization_request_draws_state_and_pkce_from_a_csprng() -> None:
    seen = set()
    for _ in range(3):
        request = oauth2.authorization_request("client", "http://127.0.0.1:8080/callback", scopes=SCOPES)
        assert len(request.verifier) == 43
        assert len(request.state) >= 22
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(request.url).query))
        assert query["state"] == request.state
        assert query["code_challenge"] == oauth2.Pkce(request.verifier).challenge
        assert query["code_challenge_method"] == "S256"
        assert query["scope"] == "read:board:trello read:member:trello offline_access"
        assert request.url.startswith("https://auth.atlassian.com/authorize?client_id=client&")
        seen.add((request.state, request.verifier))
    assert len(seen) == 3


def test_scopes_are_checked_with_a_clear_value_error() -> None:
    uri = "http://127.0.0.1:8080/callback"
    with pytest.raises(ValueError) as e:
        oauth2.authorization_request("client", uri, scopes=["read:member:trello", "read"])
    assert isinstance(e.value, ta.ConfigError)
    assert e.value.code == "unknown_scope"
    assert "'read'" in str(e.value) and "read:board:trello" in str(e.value)
    for empty in ([], ["offline_access"], ""):
        with pytest.raises(ta.ConfigError) as e:
            oauth2.authorization_request("client", uri, scopes=empty)
        assert e.value.code == "empty_scope"
    # One space-separated string is a list of scopes, as the token endpoint writes them.
    request = oauth2.authorization_request("client", uri, scopes="read:member:trello write:board:trello")
    assert "scope=write%3Aboard%3Atrello%20read%3Amember%3Atrello" in request.url
    with pytest.raises(TypeError):
        oauth2.authorization_request("client", uri, scopes=[1])  # type: ignore[list-item]
    assert oauth2.SCOPES[0] == "read:board:trello" and len(oauth2.SCOPES) == 10


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"client_id": ""}, "invalid_client_id"),
        ({"redirect_uri": "http://example.com/callback"}, "insecure_redirect_uri"),
        ({"redirect_uri": "/callback"}, "invalid_redirect_uri"),
        ({"state": ""}, "invalid_state"),
        ({"verifier": "short"}, "invalid_verifier"),
        ({"auth_base": "http://auth.example"}, "insecure_scheme"),
    ],
)
def test_authorization_request_refuses_bad_inputs(kwargs: dict[str, Any], code: str) -> None:
    args: dict[str, Any] = {"client_id": "client", "redirect_uri": "http://127.0.0.1:8080/callback"}
    args.update(kwargs)
    with pytest.raises(ta.ConfigError) as e:
        oauth2.authorization_request(args.pop("client_id"), args.pop("redirect_uri"), scopes=SCOPES, **args)
    assert e.value.code == code


def test_token_calls_refuse_bad_inputs_before_sending() -> None:
    # Nothing listens on the Atlassian default from here: an input refusal comes first.
    with pytest.raises(ta.ConfigError) as e:
        oauth2.refresh("", "refresh")
    assert e.value.code == "invalid_client_id"
    with pytest.raises(ta.ConfigError) as e:
        oauth2.refresh("client", "")
    assert e.value.code == "invalid_refresh_token"
    with pytest.raises(ta.ConfigError) as e:
        oauth2.refresh("client", "refresh", client_secret="")
    assert e.value.code == "invalid_client_secret"
    with pytest.raises(ta.ConfigError) as e:
        oauth2.exchange_code("client", "code", "short", "http://127.0.0.1:8080/callback")
    assert e.value.code == "invalid_verifier"
    with pytest.raises(ta.ConfigError) as e:
        oauth2.refresh("client", "refresh", auth_base="http://auth.example")
    assert e.value.code == "insecure_scheme"


def test_token_set_holds_what_was_stored() -> None:
    tokens = ta.TokenSet("at-1", "rt-1", 1_700_003_600, ("read:member:trello", "offline_access"))
    assert tokens.access_token == "at-1"
    assert tokens.refresh_token == "rt-1"
    assert tokens.expires_at == 1_700_003_600
    assert tokens.scopes == ("read:member:trello", "offline_access")
    assert tokens == ta.TokenSet("at-1", refresh_token="rt-1", expires_at=1_700_003_600.9,
                                 scopes=["read:member:trello", "offline_access"])
    assert tokens != ta.TokenSet("at-2", "rt-1", 1_700_003_600, ("read:member:trello", "offline_access"))
    bare = ta.TokenSet("at-1")
    assert (bare.refresh_token, bare.expires_at, bare.scopes) == (None, None, ())
    assert repr(bare) == "TokenSet(access_token=[redacted], refresh_token=None, expires_at=None, scopes=())"
    assert repr(ta.TokenSet("a", "r", 5, ["read:member:trello"])) == (
        "TokenSet(access_token=[redacted], refresh_token=[redacted], expires_at=5, scopes=('read:member:trello',))"
    )
    assert ta.oauth2.TokenSet is ta.TokenSet
    with pytest.raises(ta.ConfigError) as e:
        ta.TokenSet("")
    assert e.value.code == "invalid_access_token"
    with pytest.raises(ta.ConfigError) as e:
        ta.TokenSet("at", "has space")
    assert e.value.code == "invalid_refresh_token"
    with pytest.raises(ta.ConfigError):
        ta.TokenSet("at", expires_at=-1)
    with pytest.raises(TypeError):
        ta.TokenSet("at", expires_at="soon")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ta.TokenSet("at", expires_at=True)


def test_parse_token_response_reads_an_answer_without_sending() -> None:
    body = '{"access_token":"at","refresh_token":"rt","expires_in":3600,"scope":"read:member:trello","token_type":"Bearer"}'
    tokens = oauth2.parse_token_response(200, body, now=1_700_000_000)
    assert (tokens.access_token, tokens.refresh_token, tokens.expires_at) == ("at", "rt", 1_700_003_600)
    with pytest.raises(ta.TokenRejected) as e:
        oauth2.parse_token_response(403, b'{"error":"invalid_grant"}', now=0)
    assert e.value.status == 403
    with pytest.raises(ta.OAuth2Error) as o:
        oauth2.parse_token_response(200, "<html>", now=0)
    assert (o.value.code, o.value.status) == ("malformed", None)


def test_pkce_pairs() -> None:
    rfc = oauth2.Pkce("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
    assert rfc.challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    assert "dBjft" not in repr(rfc)
    assert len(oauth2.Pkce().verifier) == 43
    assert oauth2.Pkce().verifier != oauth2.Pkce().verifier
    assert oauth2.Pkce.from_bytes(bytes(32)).verifier == "A" * 43
    with pytest.raises(ta.ConfigError):
        oauth2.Pkce.from_bytes(b"short")
    with pytest.raises(TypeError):
        oauth2.Pkce.from_bytes("A" * 32)  # type: ignore[arg-type]
    with pytest.raises(ta.ConfigError) as e:
        oauth2.Pkce("too-short")
    assert e.value.code == "invalid_verifier"


def test_the_sandbox_names_its_oauth2_clients(sandbox: Sandbox) -> None:
    assert sandbox.oauth2_client_id and sandbox.oauth2_public_client_id
    assert sandbox.oauth2_client_id != sandbox.oauth2_public_client_id
    assert sandbox.oauth2_client_secret.startswith("ATO")
    assert sandbox.oauth2_redirect_uri == "http://127.0.0.1:8080/callback"
    assert sandbox.oauth2_redirect_uris[0] == sandbox.oauth2_redirect_uri
    assert sandbox.oauth2_client_secret not in repr(sandbox)


def test_sandbox_press_plays_the_user_and_returns_where_the_browser_goes(sandbox: Sandbox) -> None:
    request = start(sandbox)
    denied = sandbox.press(request.url, "Deny")
    assert denied.startswith(sandbox.oauth2_redirect_uri + "?")
    with pytest.raises(ta.AuthorizationDenied):
        oauth2.parse_redirect(denied, request.state)
    allowed = sandbox.press(start(sandbox).url)
    assert "code=" in allowed
    with pytest.raises(ValueError, match="button"):
        sandbox.press(start(sandbox).url, "Maybe")
