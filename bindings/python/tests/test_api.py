"""DESIGN.md's Python contract, name by name: every public name exists where DESIGN puts it, the
exception tree has the builtin bases a Python user expects, and the small pure functions return
what SPEC says."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

import trello_auth as ta

KEY = "0123456789abcdef0123456789abcdef"
TOKEN = "ATTA" + "a" * 64 + "0123ABCD"


def test_the_contract_names_exist() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", ta.__version__)
    for name in ("authorize_url", "parse_fragment", "parse_post_message", "Credentials", "classify", "Verdict", "Client"):
        assert hasattr(ta, name), name
    assert callable(ta.oauth1.sign) and callable(ta.oauth1.Flow)
    assert callable(ta.adapters.RequestsAuth) and callable(ta.adapters.HttpxAuth)
    assert callable(ta.sandbox.Sandbox)
    # OAuth 2.0 (DESIGN "OAuth 2.0"): ta.oauth2's flow, ta.TokenSet and ta.OAuth2Client.
    for name in ("authorization_request", "parse_redirect", "exchange_code", "refresh"):
        assert callable(getattr(ta.oauth2, name)), name
    assert ta.oauth2.TokenSet is ta.TokenSet and callable(ta.OAuth2Client)
    for name in ("oauth2_client_id", "oauth2_client_secret", "oauth2_redirect_uri"):
        assert isinstance(getattr(ta.sandbox.Sandbox, name), property), name
    assert set(ta.__all__) <= set(dir(ta))
    assert set(ta.oauth2.__all__) <= set(dir(ta.oauth2))


@pytest.mark.parametrize(
    ("error", "bases"),
    [
        (ta.TokenRejected, (ta.TrelloAuthError, PermissionError)),
        (ta.TokenRevoked, (ta.TokenRejected, PermissionError)),
        (ta.TokenExpired, (ta.TokenRejected, PermissionError)),
        (ta.KeyRejected, (ta.TrelloAuthError, PermissionError)),
        (ta.PermissionDenied, (ta.TrelloAuthError, PermissionError)),
        (ta.RateLimited, (ta.TrelloAuthError,)),
        (ta.AuthorizationDenied, (ta.TrelloAuthError,)),
        (ta.CaptureError, (ta.TrelloAuthError, ValueError)),
        (ta.ConfigError, (ta.TrelloAuthError, ValueError)),
        (ta.PlacementError, (ta.TrelloAuthError, ValueError)),
        (ta.TransportError, (ta.TrelloAuthError, ConnectionError)),
        (ta.ApiError, (ta.TrelloAuthError,)),
        (ta.OAuthError, (ta.TrelloAuthError,)),
        (ta.OAuth2Error, (ta.TrelloAuthError,)),
    ],
)
def test_the_exception_tree(error: type[Exception], bases: tuple[type[Exception], ...]) -> None:
    for base in bases:
        assert issubclass(error, base), f"{error.__name__} is not a {base.__name__}"
    e = error("message")
    assert str(e) == "message" and isinstance(e.code, str)  # type: ignore[attr-defined]


def test_the_native_module_checks_the_exception_classes_on_import() -> None:
    # The native module names each class it raises as a Rust type (a misspelt one does not
    # compile) and checks them all on import: an errors.py without one is an ImportError there,
    # not a crash on the first error raised.
    code = """if True:
        import importlib.util, sys, types
        spec = importlib.util.find_spec("trello_auth")
        package = types.ModuleType("trello_auth")
        package.__path__ = list(spec.submodule_search_locations)
        errors = types.ModuleType("trello_auth.errors")
        errors.TrelloAuthError = type("TrelloAuthError", (Exception,), {})
        errors.TokenRevoked = "not a class"
        sys.modules.update({"trello_auth": package, "trello_auth.errors": errors})
        try:
            import trello_auth._trello_auth
        except ImportError as e:
            print(e)
        """
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.startswith("trello_auth.errors defines no exception class TokenRevoked"), done


def test_a_deny_is_not_malformed_input() -> None:
    assert not issubclass(ta.AuthorizationDenied, ValueError)
    assert not issubclass(ta.AuthorizationDenied, ta.CaptureError)


def test_authorize_url_as_spec_s1_2_says() -> None:
    url = ta.authorize_url(
        KEY,
        scope=("write", "read"),
        expiration="1day",
        name="My App",
        callback_method="fragment",
        return_url="http://localhost:8080/cb",
    )
    assert url == (
        "https://trello.com/1/authorize?key=0123456789abcdef0123456789abcdef&response_type=token"
        "&scope=read%2Cwrite&expiration=1day&name=My+App&callback_method=fragment"
        "&return_url=http%3A%2F%2Flocalhost%3A8080%2Fcb"
    )
    with pytest.raises(ta.ConfigError) as unpaired:
        ta.authorize_url(KEY, callback_method="fragment")
    assert unpaired.value.code == "unpaired_callback"


def test_credentials() -> None:
    c = ta.Credentials(KEY, TOKEN)
    assert (c.key, c.token, c.api_base) == (KEY, TOKEN, "https://api.trello.com")
    assert c.authorization_header() == f'OAuth oauth_consumer_key="{KEY}", oauth_token="{TOKEN}"'
    assert c.query_params() == {"key": KEY, "token": TOKEN}
    body = {"name": "x"}
    assert c.apply_to_body(body) == {"name": "x", "key": KEY, "token": TOKEN}
    assert body == {"name": "x"}, "the caller's mapping is not changed"
    assert repr(c) == "Credentials(key='0123…', token=[redacted], api_base='https://api.trello.com')"
    method, url, headers, sent = c.authorize("GET", "https://api.trello.com/1/members/me", placement="query")
    assert (method, headers, sent) == ("GET", {}, b"")
    assert url == f"https://api.trello.com/1/members/me?key={KEY}&token={TOKEN}"
    with pytest.raises(ta.PlacementError) as foreign:
        c.authorize("GET", "https://example.com/")
    assert foreign.value.code == "foreign_host"


def test_classify() -> None:
    v = ta.classify(429, '{"error":"API_KEY_LIMIT_EXCEEDED"}', {"Retry-After": "2"})
    assert (v.kind, v.action, v.limit, v.retry_after, v.status, v.reason) == (
        "rate_limited",
        "retry_after",
        "key",
        2.0,
        429,
        None,
    )
    assert "wait" in v.message
    expired = ta.classify(401, "expired token")
    assert (expired.kind, expired.reason, expired.action) == ("token_rejected", "expired", "reauthorize")
    assert repr(expired) == "Verdict(kind='token_rejected', action='reauthorize', status=401, reason='expired')"
    assert ta.classify(403, "invalid token").kind == "forbidden"
