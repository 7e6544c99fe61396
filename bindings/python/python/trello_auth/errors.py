"""The exception tree of trello_auth: the one place where every error of the Rust core gets its
Python class (the native module imports this module and raises these classes).

Every exception carries ``.code``, the stable snake_case name of VECTORS.md (``"denied"``,
``"insecure_scheme"``, ``"token_rejected"``, ...), and also subclasses the builtin a Python user
expects: ``PermissionError`` for rejected credentials, ``ValueError`` for bad input,
``ConnectionError`` for transport failures. No message ever contains a token or a secret.

::

    TrelloAuthError
    ├── TokenRejected (PermissionError)      401 invalid/expired token: re-authorize
    │   ├── TokenRevoked                     reason "invalid"
    │   └── TokenExpired                     reason "expired"
    ├── KeyRejected (PermissionError)        401 invalid key: fix the configured key
    ├── PermissionDenied (PermissionError)   other 401s: scope or placement
    ├── RateLimited                          429 after the allowed retries
    ├── ApiError                             404, 400, 403, 5xx, unexpected statuses, bad JSON
    ├── AuthorizationDenied                  the user clicked Deny (not malformed input)
    ├── CaptureError (ValueError)            the token could not be read from a delivery
    ├── ConfigError (ValueError)             an invalid key, URL, scope, argument value, ...
    ├── PlacementError (ValueError)          credentials refused on this request (SPEC S3)
    ├── OAuthError                           an OAuth 1.0a step failed
    ├── OAuth2Error                          an OAuth 2.0 token endpoint refused or garbled
    ├── TransportError (ConnectionError)     the request could not be sent or answered
    ├── RateBudgetUnavailable (ConnectionError)  a RedisBudget could not answer: not sent
    ├── WebhookSignatureError (ValueError)   a webhook delivery that does not verify
    └── LoginError                           login() / load_credentials() / logout() failed
        ├── LoginTimeout (TimeoutError)      no answer from the browser in time
        └── LoginClosed                      the Trello popup was closed without an answer

``login()`` raises ``AuthorizationDenied`` for Deny, ``ConfigError`` with code ``port_busy``
when its port is taken, and the client's classes (``TokenRejected``, ...) when Trello refuses
the new token; Ctrl-C raises the ``KeyboardInterrupt`` itself.

OAuth 2.0 (``trello_auth.oauth2``, SPEC S8): an ``invalid_grant`` from the token endpoint (a
dead code, or a refresh token unknown, expired, rotated or revoked) raises ``TokenRevoked``
with ``reason`` ``"grant_revoked"`` (authorize the user again); the endpoint's other refusals
raise ``OAuth2Error``; a Deny on the consent page raises ``AuthorizationDenied`` (``.error``,
``.description``); a redirect with another flow's state raises ``CaptureError`` with code
``state_mismatch``.
"""

from __future__ import annotations

__all__ = [
    "ApiError",
    "AuthorizationDenied",
    "CaptureError",
    "ConfigError",
    "KeyRejected",
    "LoginClosed",
    "LoginError",
    "LoginTimeout",
    "OAuth2Error",
    "OAuthError",
    "PermissionDenied",
    "PlacementError",
    "RateBudgetUnavailable",
    "RateLimited",
    "TokenExpired",
    "TokenRejected",
    "TokenRevoked",
    "TransportError",
    "TrelloAuthError",
    "WebhookSignatureError",
]


class TrelloAuthError(Exception):
    """Base of every trello_auth error. ``code`` is VECTORS.md's name for what went wrong."""

    code: str = "error"

    def __init__(self, message: str, code: str | None = None) -> None:
        # One positional argument only: OSError subclasses read two as (errno, strerror).
        super().__init__(message)
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class TokenRejected(TrelloAuthError, PermissionError):
    """401 ``invalid token`` or ``expired token`` (SPEC S4.1): send the user through the
    authorize flow again; retrying with this token cannot work. ``reason`` is ``"invalid"`` or
    ``"expired"``."""

    code = "token_rejected"
    reason: str = "invalid"
    #: The token endpoint's HTTP status for an OAuth 2.0 ``invalid_grant``, else ``None``.
    status: int | None = None


class TokenRevoked(TokenRejected):
    """The token was revoked, deleted or never existed (401 ``invalid token``); for OAuth 2.0
    (reason ``grant_revoked``), the token endpoint's ``invalid_grant`` or a second 401 after a
    refresh: the grant is dead, authorize the user again."""

    reason = "invalid"


class TokenExpired(TokenRejected):
    """The token is past its expiration (401 ``expired token``)."""

    reason = "expired"


class KeyRejected(TrelloAuthError, PermissionError):
    """401 ``invalid key`` (SPEC S4.1): the API key is missing or wrong; fix the configuration."""

    code = "key_rejected"


class PermissionDenied(TrelloAuthError, PermissionError):
    """Another 401 (SPEC S4.1): the token's scope or the credentials' placement does not grant
    this call. ``reason`` names which 401 Trello sent."""

    code = "permission_denied"
    reason: str = "other"


class RateLimited(TrelloAuthError):
    """429 (SPEC S4.3) still after the allowed retries. ``limit`` names the spent budget
    (``token``, ``key``, ``member``, ``database``, ``other``); ``retry_after`` is the server's
    hint in seconds, or ``None``."""

    code = "rate_limited"
    limit: str = "other"
    retry_after: float | None = None


class ApiError(TrelloAuthError):
    """Trello answered with a failure that is not about credentials: ``not_found``,
    ``bad_request``, ``forbidden``, ``server_error`` (after the allowed retries), ``unexpected``
    (a redirect where JSON was expected), or ``decode`` (a success that is not JSON).
    ``status`` is the HTTP status, or ``None`` for ``decode``."""

    code = "unexpected"
    status: int | None = None


class AuthorizationDenied(TrelloAuthError):
    """The user clicked Deny on the consent page (SPEC S1.4), or refused the OAuth 1.0a or
    OAuth 2.0 authorization. Not malformed input: tell the user and offer to ask again.
    ``message`` is Trello's text (e.g. ``Token request rejected``). For an OAuth 2.0 redirect
    (SPEC S8.3), ``error`` is its ``error`` parameter (``access_denied`` for a deny) and
    ``description`` its ``error_description`` or ``None`` (words of 32 characters or more
    redacted); ``message`` is the description, else the error."""

    code = "denied"
    message: str = ""
    error: str | None = None
    description: str | None = None


class CaptureError(TrelloAuthError, ValueError):
    """The token could not be taken from what was delivered or pasted: ``malformed``,
    ``empty``, ``wrong_origin``, ``looks_like_key``, ``looks_like_url`` (VECTORS.md)."""

    code = "malformed"


class ConfigError(TrelloAuthError, ValueError):
    """A configured value is invalid: ``invalid_key``, ``unknown_scope``, ``insecure_scheme``
    (an http:// base to a non-loopback host), ``invalid_argument`` (a Python argument out of
    range), ``port_busy`` (``login()``'s loopback port is taken by another program; ``port``
    and ``origin`` name it), ... (VECTORS.md)."""

    code = "invalid_argument"
    port: int | None = None
    origin: str | None = None


class PlacementError(TrelloAuthError, ValueError):
    """The credentials were not placed on a request (SPEC S3): ``insecure_scheme``,
    ``foreign_host``, ``body_not_allowed``, ``credentials_present``, ``unsupported_body``."""

    code = "credentials_present"


class OAuthError(TrelloAuthError):
    """An OAuth 1.0a step failed (SPEC S6): ``http_status``, ``token_mismatch``,
    ``missing_verifier``, ``invalid_callback``, ... The message says what to do."""

    code = "invalid_request"


class OAuth2Error(TrelloAuthError):
    """An OAuth 2.0 token endpoint call failed (SPEC S8.6), other than ``invalid_grant`` (which
    is ``TokenRevoked``): ``code`` is the endpoint's ``error`` (``invalid_client``: fix the
    client id or secret; ``invalid_request``, ``unsupported_grant_type``; ``invalid_scope``,
    ``unauthorized_client``: check the app's settings; ``other``; ``server_error``: retry
    later) with ``status`` the HTTP status, or ``malformed`` / ``unsupported_token_type`` for an
    answer that cannot be used (``status`` ``None``)."""

    code = "other"
    status: int | None = None


class TransportError(TrelloAuthError, ConnectionError):
    """The request could not be sent or its answer not received, after the allowed retries.
    ``code`` is ``"transport"``; ``kind`` is ``connect``, ``timeout``, ``tls``, ``io``,
    ``protocol``, ``refused`` or ``other``."""

    code = "transport"
    kind: str = "other"


class RateBudgetUnavailable(TrelloAuthError, ConnectionError):
    """The fleet's rate budget (``RedisBudget``) could not answer within its timeout and its
    policy is ``"fail_closed"``: the request was not sent. ``code`` is
    ``"rate_budget_unavailable"``. Check Redis, or choose ``on_redis_down="local_share"``."""

    code = "rate_budget_unavailable"


class WebhookSignatureError(TrelloAuthError, ValueError):
    """A webhook delivery whose ``X-Trello-Webhook`` does not verify (SPEC S9): ``code`` is
    ``missing_header``, ``malformed_header`` or ``mismatch``. Answer it 401 and do not act on
    it; the message says what to check (the raw body, the registered URL, the app secret)."""

    code = "mismatch"


class LoginError(TrelloAuthError):
    """``login()``, ``load_credentials()`` or ``logout()`` did not finish: ``not_logged_in``
    (nothing is stored for the profile; ``profile`` names it), ``listen`` (the loopback port
    could not be opened), ``cancelled``, a delivery the browser garbled (``bad_delivery``, ...),
    or a credential-store failure with the store's code (``store_io``, ``keyring_unavailable``,
    ``token_missing``, ...). The message says what to do; nothing was stored."""

    code = "login"
    profile: str | None = None


class LoginTimeout(LoginError, TimeoutError):
    """No answer came from the browser before ``timeout`` seconds (also ``.timeout``). Nothing
    was stored: call ``login()`` again, perhaps with a longer timeout."""

    code = "timeout"
    timeout: float = 0.0


class LoginClosed(LoginError):
    """The Trello popup (``mode="postmessage"``) was closed before the user chose Allow or Deny.
    Nothing was stored: offer to log in again."""

    code = "closed"
