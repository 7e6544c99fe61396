"""Canary: known secrets (a token, a token secret, an app secret) are pushed through every object
and failure the package has, and no repr, str, exception message, exception args or formatted
traceback may contain them (DESIGN: no secret ever leaks)."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import trello_auth as ta
from trello_auth.adapters import HttpxAuth, RequestsAuth
from trello_auth.sandbox import Sandbox

KEY = "0123456789abcdef0123456789abcdef"
TOKEN = "ATTA" + "c4n4ry" * 10 + "beefbeef" + "CANARY12"
TOKEN_SECRET = "tokensecretcanary" * 2
APP_SECRET = "appsecretcanary" * 4
SECRETS: tuple[str, ...] = (TOKEN, TOKEN_SECRET, APP_SECRET, "c4n4ryc4n4ry")


def token_of(result: ta.LoginResult) -> str:
    """The token of a key + token login (an OAuth 2.0 login has ``tokens`` instead)."""
    assert result.credentials is not None, "a key + token login"
    return result.credentials.token


def texts(obj: object) -> Iterator[str]:
    yield repr(obj)
    yield str(obj)
    if isinstance(obj, BaseException):
        yield from (repr(a) for a in obj.args)
        yield "".join(traceback.format_exception(type(obj), obj, obj.__traceback__))
        yield repr(vars(obj))


def assert_clean(obj: object) -> None:
    for text in texts(obj):
        for secret in SECRETS:
            assert secret not in text, f"a secret leaked in {type(obj).__name__}: {text[:200]}"


def failure(call: Callable[[], Any]) -> BaseException:
    try:
        call()
    except Exception as e:  # every error type is under test
        return e
    raise AssertionError("expected a failure")


def test_objects_never_show_secrets() -> None:
    creds = ta.Credentials(KEY, TOKEN)
    objects: list[object] = [
        creds,
        RequestsAuth(creds),
        HttpxAuth(creds),
        ta.Client(KEY, TOKEN),
        ta.Client(KEY, TOKEN, app_secret=APP_SECRET, token_secret=TOKEN_SECRET),
        ta.Client(KEY, TOKEN, placement="query"),
        ta.classify(401, f"invalid token {TOKEN}", {"x-token": TOKEN}),
        ta.oauth1.signature(
            "GET",
            f"https://api.trello.com/1/members/me?t={TOKEN}",
            consumer_key=KEY,
            consumer_secret=APP_SECRET,
            token=TOKEN,
            token_secret=TOKEN_SECRET,
            nonce="n",
            timestamp=1,
        ),
        ta.oauth1.Flow(KEY, APP_SECRET),
    ]
    for obj in objects:
        assert_clean(obj)


def test_failures_never_show_secrets() -> None:
    creds = ta.Credentials(KEY, TOKEN)
    failures = [
        lambda: ta.Credentials(TOKEN, TOKEN),  # the token where the key belongs
        lambda: ta.Credentials(KEY, TOKEN + " x"),  # a token with a space
        lambda: ta.Credentials(KEY, TOKEN, api_base=f"http://{TOKEN}.example"),
        lambda: ta.parse_fragment(f"#token={TOKEN}&error=x"),
        lambda: ta.parse_fragment(f"#token={TOKEN}&token={TOKEN}"),
        lambda: ta.parse_fragment(f"#token=&error=Denied%20{TOKEN}"),
        lambda: ta.parse_post_message("https://evil.example", f'"{TOKEN}"'),  # the origin is public
        lambda: ta.parse_post_message("https://trello.com", f'{{"error": "no {TOKEN}"}}'),
        lambda: ta.parse_pasted_token(f"Token: {TOKEN}"),
        lambda: ta.parse_pasted_token(f"https://trello.com/x?token={TOKEN}"),
        lambda: creds.authorize("GET", f"https://api.trello.com/1/x?token={TOKEN}"),
        lambda: creds.authorize("GET", "https://evil.example/"),
        lambda: creds.authorize("GET", "http://api.trello.com/", placement="query"),
        lambda: creds.authorize("PUT", "https://api.trello.com/1/x", body=f"[{TOKEN}]", placement="body",
                                headers={"content-type": "application/json"}),
        lambda: creds.apply_to_body({"token": TOKEN}),
        lambda: creds.header_for(f"http://example.com/?token={TOKEN}"),
        lambda: RequestsAuth(creds)(_Req(f"http://example.com/?x={TOKEN}")),
        lambda: ta.oauth1.sign("GET", f"https://x.example/?oauth_token={TOKEN}", consumer_key=KEY,
                               consumer_secret=APP_SECRET, token=TOKEN, nonce="n", timestamp=1),
        lambda: ta.oauth1.sign("GET", "https://x.example/", consumer_key=KEY, consumer_secret=APP_SECRET,
                               token=TOKEN + " x", nonce="n", timestamp=1),
        lambda: ta.Client(KEY, TOKEN, api_base=f"http://{TOKEN}.example"),
        lambda: ta.Client(KEY, TOKEN, app_secret=KEY),
        lambda: ta.Client(KEY, TOKEN, api_base="http://127.0.0.1:9", max_retries=0).get(f"/1/x?token={TOKEN}"),
        lambda: ta.Client(KEY, TOKEN).get(f"x{TOKEN}"),
    ]
    for call in failures:
        assert_clean(failure(call))


class _Req:
    def __init__(self, url: str) -> None:
        self.url = url
        self.headers: dict[str, str] = {}


def test_client_failures_against_the_sandbox_never_show_secrets() -> None:
    with Sandbox() as sb:
        global SECRETS
        saved = SECRETS
        SECRETS = saved + (sb.token, sb.app_secret)
        try:
            client = ta.Client(sb.app_key, sb.token, api_base=sb.api_base, backoff=0.01)
            assert_clean(client)
            assert_clean(sb)
            sb.inject_fault("/1/members/me", count=10, status=503)
            assert_clean(failure(client.me))
            sb.clear_faults()
            sb.inject_fault("/1/members/me", count=10, close=True)
            assert_clean(failure(client.me))
            sb.clear_faults()
            flow = ta.oauth1.Flow(sb.app_key, sb.app_secret, auth_base=sb.auth_base)
            flow.authorize_url()
            assert_clean(failure(lambda: flow.finish("wrong-pin")))
            client.revoke()
            assert_clean(failure(client.me))
            assert_clean(failure(client.token_info))
            for recorded in sb.requests():
                assert_clean(recorded)
        finally:
            SECRETS = saved


ACCESS = "eyJhbGciOi" + "acc3ss" * 6 + "CANARY34"
REFRESH = "eyJraWQiOi" + "r3fr3sh" * 6 + "CANARY56"
CLIENT_SECRET = "ATOA" + "cl13nt" * 6 + "CANARY78"
VERIFIER = "v3r1f13r" * 6


def test_oauth2_objects_and_failures_never_show_secrets() -> None:
    global SECRETS
    saved = SECRETS
    SECRETS = saved + (ACCESS, REFRESH, CLIENT_SECRET, VERIFIER)
    try:
        tokens = ta.TokenSet(ACCESS, REFRESH, 1_700_003_600, ("read:member:trello",))
        request = ta.oauth2.authorization_request(
            "client", "http://127.0.0.1:8080/callback", scopes=["read:member:trello"], verifier=VERIFIER
        )
        SECRETS = SECRETS + (request.state,)
        client = ta.OAuth2Client("client", tokens, client_secret=CLIENT_SECRET, on_tokens=None)
        for obj in (tokens, ta.TokenSet(ACCESS), request, ta.oauth2.Pkce(VERIFIER), client, client.tokens):
            assert_clean(obj)
        failures = [
            lambda: ta.TokenSet(ACCESS + " x"),
            lambda: ta.TokenSet(ACCESS, REFRESH + "\n"),
            lambda: ta.oauth2.Pkce(VERIFIER + " "),
            lambda: ta.oauth2.authorization_request(
                "client", f"http://127.0.0.1/cb#{ACCESS}", scopes=["read:member:trello"]
            ),
            lambda: ta.oauth2.authorization_request("client", "http://127.0.0.1/cb", scopes=[ACCESS]),
            lambda: ta.oauth2.parse_redirect(f"http://127.0.0.1/cb?code={ACCESS}&state=x", "y"),
            lambda: ta.oauth2.parse_redirect(
                f"http://127.0.0.1/cb?error={ACCESS}&error_description=no%20{REFRESH}&state=x", "x"
            ),
            lambda: ta.oauth2.parse_redirect(f"http://127.0.0.1/cb?code={ACCESS}&code={ACCESS}&state=x", "x"),
            lambda: ta.oauth2.parse_token_response(200, f'{{"access_token":"{ACCESS} x"}}', now=0),
            lambda: ta.oauth2.parse_token_response(
                200, f'{{"access_token":"{ACCESS}","token_type":"mac-{REFRESH}"}}', now=0
            ),
            lambda: ta.oauth2.parse_token_response(
                400, f'{{"error":"invalid_{REFRESH}","error_description":"{ACCESS}"}}', now=0
            ),
            lambda: ta.oauth2.parse_token_response(403, f'{{"error":"invalid_grant","x":"{REFRESH}"}}', now=0),
            lambda: ta.oauth2.refresh("client", REFRESH + " x", client_secret=CLIENT_SECRET),
            lambda: ta.oauth2.refresh("client", REFRESH, client_secret=CLIENT_SECRET + " x"),
            lambda: ta.oauth2.refresh(
                "client", REFRESH, client_secret=CLIENT_SECRET, auth_base=f"http://{ACCESS}.example"
            ),
            lambda: ta.oauth2.exchange_code(
                "client", ACCESS, VERIFIER, "http://127.0.0.1/cb", client_secret=CLIENT_SECRET,
                auth_base="http://127.0.0.1:9",
            ),
            lambda: ta.OAuth2Client("client", tokens, client_secret=CLIENT_SECRET + " x", on_tokens=None),
            lambda: ta.OAuth2Client(
                "client", tokens, client_secret=CLIENT_SECRET, on_tokens=None, api_base=f"http://{ACCESS}.example"
            ),
            client.token_info,
            # An expired token refreshed at an endpoint that is not there.
            ta.OAuth2Client(
                "client", ta.TokenSet(ACCESS, REFRESH, 0), client_secret=CLIENT_SECRET, on_tokens=None,
                api_base="http://127.0.0.1:9", auth_base="http://127.0.0.1:9", max_retries=0,
            ).me,
        ]
        for call in failures:
            assert_clean(failure(call))
    finally:
        SECRETS = saved


def test_oauth2_against_the_sandbox_never_shows_secrets() -> None:
    from conftest import click

    with Sandbox() as sb:
        global SECRETS
        saved = SECRETS
        try:
            request = ta.oauth2.authorization_request(
                sb.oauth2_client_id, sb.oauth2_redirect_uri, scopes=["read:member:trello"], auth_base=sb.auth_base
            )
            back = click(request.url).location
            assert back is not None
            code = ta.oauth2.parse_redirect(back, request.state)
            kw: dict[str, Any] = {"client_secret": sb.oauth2_client_secret, "auth_base": sb.auth_base}
            tokens = ta.oauth2.exchange_code(sb.oauth2_client_id, code, request.verifier, request.redirect_uri, **kw)
            assert tokens.refresh_token is not None
            SECRETS = saved + (
                sb.oauth2_client_secret, code, request.verifier, tokens.access_token, tokens.refresh_token,
            )
            assert_clean(sb)
            assert_clean(tokens)
            assert_clean(request)
            fresh = ta.oauth2.refresh(sb.oauth2_client_id, tokens.refresh_token, **kw)
            assert fresh.refresh_token is not None
            SECRETS = SECRETS + (fresh.access_token, fresh.refresh_token)
            assert_clean(fresh)
            # The client over the grant: a rotation through a failing on_tokens, then a dead grant.
            rotated: list[ta.TokenSet] = []

            def on_tokens(new: ta.TokenSet) -> None:
                rotated.append(new)
                if len(rotated) == 1:
                    raise OSError("the store is read-only")

            expired = ta.TokenSet(fresh.access_token, fresh.refresh_token, 0, fresh.scopes)
            client = ta.OAuth2Client(sb.oauth2_client_id, expired, on_tokens=on_tokens,
                                     api_base=sb.api_base, **kw)
            assert_clean(client)
            assert_clean(failure(client.me))
            assert_clean(client.tokens)
            SECRETS = SECRETS + (rotated[0].access_token, rotated[0].refresh_token or "")
            assert_clean(client.me())
            assert_clean(client)
            assert_clean(failure(client.token_info))
            assert_clean(failure(client.revoke))
            sb.revoke_oauth2_grant(sb.oauth2_client_id)
            assert_clean(failure(client.me))
            # The code again, the rotated refresh token, a wrong secret.
            assert_clean(failure(lambda: ta.oauth2.exchange_code(
                sb.oauth2_client_id, code, request.verifier, request.redirect_uri, **kw)))
            assert_clean(failure(lambda: ta.oauth2.refresh(sb.oauth2_client_id, tokens.refresh_token or "", **kw)))
            assert_clean(failure(lambda: ta.oauth2.refresh(
                sb.oauth2_client_id, fresh.refresh_token or "", client_secret="ATOAwrong", auth_base=sb.auth_base)))
            for recorded in sb.requests():
                assert_clean(recorded)
        finally:
            SECRETS = saved


@pytest.mark.parametrize("secret", SECRETS[:3])
def test_the_canary_can_fail(secret: str) -> None:
    # The check itself works: an object that shows a secret is caught.
    with pytest.raises(AssertionError, match="leaked"):
        assert_clean(ValueError(f"oops {secret}"))


def test_login_results_and_failures_never_show_secrets(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    from _loopback import Browser, free_port

    monkeypatch.setenv("TRELLO_AUTH_CONFIG_DIR", str(tmp_path / "store"))
    for var in ("TRELLO_API_KEY", "TRELLO_TOKEN", "TRELLO_APP_SECRET"):
        monkeypatch.delenv(var, raising=False)
    port = free_port()
    with Sandbox(tls=True, allowed_origins=[f"http://127.0.0.1:{port}"]) as sb:
        global SECRETS
        saved = SECRETS
        try:
            kw: dict[str, Any] = {
                "port": port,
                "open_browser": False,
                "auth_base": sb.auth_base,
                "api_base": sb.api_base,
                "ca_file": sb.ca_file,
                "store": "file",
                "timeout": 30.0,
            }
            result = ta.login(sb.app_key, on_url=Browser(sb.ca_file), **kw)
            SECRETS = saved + (token_of(result), sb.app_secret)
            assert_clean(result)
            assert_clean(result.credentials)
            assert_clean(ta.load_credentials())
            # A delivery with the canary token and an error; one Trello then refuses.
            broken = Browser(sb.ca_file, fragment=lambda h: f"#token={TOKEN}&error=x")
            assert_clean(failure(lambda: ta.login(sb.app_key, on_url=broken, **kw)))
            forged = Browser(sb.ca_file, fragment=lambda h: f"#token={TOKEN}")
            assert_clean(failure(lambda: ta.login(sb.app_key, on_url=forged, **kw)))
            for answer in broken.answers + forged.answers:
                assert_clean(answer)
            sb.inject_fault("/1/members/me", status=401, count=5)
            assert_clean(failure(lambda: ta.login(sb.app_key, on_url=Browser(sb.ca_file), **kw)))
            sb.clear_faults()
            assert_clean(failure(lambda: ta.login(sb.app_key, on_url=Browser(sb.ca_file, "Deny"), **kw)))
            assert_clean(failure(lambda: ta.login(sb.app_key, on_url=lambda u: None, **dict(kw, timeout=0.2))))
            with socket.socket() as taken:
                # The earlier logins' connections leave the port in TIME_WAIT.
                taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                taken.bind(("127.0.0.1", port))
                taken.listen()
                assert_clean(failure(lambda: ta.login(sb.app_key, on_url=lambda u: None, **kw)))
            assert_clean(failure(lambda: ta.login(TOKEN, on_url=lambda u: None, **kw)))  # the token as key
            assert_clean(failure(ta.logout))  # the revoke cannot reach the sandbox without its CA
            ta.logout(ca_file=sb.ca_file)
            assert_clean(failure(ta.load_credentials))
            assert_clean(failure(lambda: ta.logout(ca_file=sb.ca_file)))
            # Credentials from the environment.
            monkeypatch.setenv("TRELLO_API_KEY", KEY)
            monkeypatch.setenv("TRELLO_TOKEN", TOKEN + " x")
            assert_clean(failure(ta.load_credentials))
            monkeypatch.setenv("TRELLO_TOKEN", TOKEN)
            assert_clean(ta.load_credentials())
        finally:
            SECRETS = saved
