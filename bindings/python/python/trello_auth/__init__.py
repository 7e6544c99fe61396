"""trello_auth: get, use, check and revoke Trello API credentials, correctly (Trello's behaviour
as the repository's docs/trello.md describes it), safely (no token or secret in a repr, a
message or a log line) and fast (the work is done in Rust).

::

    import trello_auth as ta

    url = ta.authorize_url(key, scope=("read", "write"), expiration="1day", name="My App",
                           callback_method="fragment", return_url="http://localhost:8080/cb")
    token = ta.parse_fragment(redirected_to)          # raises ta.AuthorizationDenied on Deny
    client = ta.Client(key, token)                    # blocking; releases the GIL during I/O
    client.me(); client.token_info(); client.revoke()  # a ta.Member, a ta.TokenInfo (dicts)
    ta.classify(401, "invalid token").action          # 'reauthorize'

    result = ta.login(key, scope=("read", "write"))   # browser + loopback listener, then stored
    creds = ta.load_credentials()                     # later, in any process
    ta.logout()                                       # revokes on the server, then forgets

The wheel also installs the ``trello-auth`` command (``trello-auth login``, ``status``,
``token``, ``logout``, ``origin``, ``demo``).

Submodules: :mod:`trello_auth.oauth1` (signing and the three-legged flow),
:mod:`trello_auth.oauth2` (the OAuth 2.0 code flow with PKCE, token refresh; ``TokenSet``;
``OAuth2Client(client_id, tokens, on_tokens=save)`` calls the API with it, refreshing as needed),
:mod:`trello_auth.adapters` (``requests`` and ``httpx`` auth), :mod:`trello_auth.sandbox` (an
in-process Trello look-alike for tests, with a pytest fixture), :mod:`trello_auth.errors`.

Origins are ``api_base`` (the API, ``https://api.trello.com``) and ``auth_base`` (the consent
page, ``https://trello.com``) everywhere; ``Client(base_url=...)``, ``Client.base_url`` and
``authorize_url(base_url=...)`` are deprecated aliases that warn (``DeprecationWarning``) and go
in the next release.

``Member``, ``TokenInfo``, ``Permission`` and ``LoginMember`` are the ``TypedDict`` s of what
``Client.me()``, ``Client.token_info()`` and ``LoginResult.member`` return: plain ``dict`` s at
run time, typed for a type checker.
"""

from __future__ import annotations

from . import adapters, errors, oauth1, oauth2, sandbox, webhooks
from ._login import login
from ._types import LoginMember, Member, Permission, TokenInfo, Webhook
from ._trello_auth import (
    Client,
    Credentials,
    LoginResult,
    OAuth2Client,
    RedisBudget,
    TokenSet,
    Verdict,
    __version__,
    authorize_url,
    classify,
    load_credentials,
    logout,
    parse_fragment,
    parse_pasted_token,
    parse_post_message,
)
from .errors import (
    ApiError,
    AuthorizationDenied,
    CaptureError,
    ConfigError,
    KeyRejected,
    LoginClosed,
    LoginError,
    LoginTimeout,
    OAuth2Error,
    OAuthError,
    PermissionDenied,
    PlacementError,
    RateBudgetUnavailable,
    RateLimited,
    TokenExpired,
    TokenRejected,
    TokenRevoked,
    TransportError,
    TrelloAuthError,
    WebhookSignatureError,
)

__all__ = [
    "ApiError",
    "AuthorizationDenied",
    "CaptureError",
    "Client",
    "ConfigError",
    "Credentials",
    "KeyRejected",
    "LoginClosed",
    "LoginError",
    "LoginMember",
    "LoginResult",
    "LoginTimeout",
    "Member",
    "OAuth2Client",
    "OAuth2Error",
    "OAuthError",
    "Permission",
    "PermissionDenied",
    "PlacementError",
    "RateBudgetUnavailable",
    "RateLimited",
    "RedisBudget",
    "TokenExpired",
    "TokenInfo",
    "TokenRejected",
    "TokenRevoked",
    "TokenSet",
    "TransportError",
    "TrelloAuthError",
    "Verdict",
    "Webhook",
    "WebhookSignatureError",
    "__version__",
    "adapters",
    "authorize_url",
    "classify",
    "errors",
    "load_credentials",
    "login",
    "logout",
    "oauth1",
    "oauth2",
    "parse_fragment",
    "parse_pasted_token",
    "parse_post_message",
    "sandbox",
    "webhooks",
]
