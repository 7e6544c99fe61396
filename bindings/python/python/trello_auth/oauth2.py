"""OAuth 2.0 for Trello (SPEC S8): the authorization code flow with PKCE, against Atlassian's
authorization server (``https://auth.atlassian.com``) or the sandbox's.

::

    import trello_auth as ta
    from trello_auth import oauth2

    req = oauth2.authorization_request(client_id, "http://127.0.0.1:8080/callback",
                                       scopes=["read:member:trello", "read:board:trello"])
    # open req.url in the user's browser; keep req.state and req.verifier
    code = oauth2.parse_redirect(redirected_to, req.state)   # AuthorizationDenied on Deny
    tokens = oauth2.exchange_code(client_id, code, req.verifier, req.redirect_uri,
                                  client_secret=secret)      # a public client passes none
    save(tokens)                                             # TokenSet: access, refresh, expiry
    tokens = oauth2.refresh(client_id, tokens.refresh_token, client_secret=secret)
    save(tokens)  # BEFORE using tokens.access_token: the old refresh token is now dead

``state`` and the PKCE verifier come from the operating system's CSPRNG. ``scopes`` are SPEC
S8.8's names; ``offline=True`` (the default) adds ``offline_access``, so that the answer has a
refresh token. The token calls are sent once, never retried, with the GIL released.

Errors: ``ConfigError`` (a ``ValueError``) for a refused input (``unknown_scope``,
``empty_scope``, ``invalid_redirect_uri``, ``insecure_redirect_uri``, ``invalid_client_id``,
...); ``AuthorizationDenied`` when the user pressed Deny; ``CaptureError`` (``state_mismatch``,
``malformed``) for a redirect that is not this flow's; ``TokenRevoked`` (a ``TokenRejected``,
reason ``grant_revoked``) for the endpoint's ``invalid_grant``: authorize the user again;
``OAuth2Error`` for its other refusals; ``TransportError``.

``TokenSet``, ``AuthorizationRequest`` and ``Pkce`` never show a token, a verifier or a state
in their ``repr``. ``parse_token_response`` reads a token endpoint answer without sending
anything (the conformance vectors use it).
"""

from __future__ import annotations

from ._trello_auth import (
    AuthorizationRequest,
    Pkce,
    TokenSet,
    authorization_request,
    exchange_code,
    parse_redirect,
    parse_token_response,
    refresh,
)

#: The ten Trello scopes of SPEC S8.8 (``offline_access`` is asked for by ``offline=True``).
SCOPES = (
    "read:board:trello",
    "write:board:trello",
    "write:board:membership:trello",
    "read:organization:trello",
    "write:organization:trello",
    "write:organization:membership:trello",
    "read:member:trello",
    "write:member:trello",
    "read:enterprise:trello",
    "write:enterprise:trello",
)

__all__ = [
    "SCOPES",
    "AuthorizationRequest",
    "Pkce",
    "TokenSet",
    "authorization_request",
    "exchange_code",
    "parse_redirect",
    "parse_token_response",
    "refresh",
]
