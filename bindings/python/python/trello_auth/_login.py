"""``login()``: a Trello token on the user's machine (SPEC S10), the whole flow in Rust with the
GIL released. ``load_credentials()`` and ``logout()`` (native) use what it stored."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Optional, Union

from . import _trello_auth
from ._trello_auth import LoginResult

__all__ = ["login"]

#: The key + token default; ``mode="oauth2"`` given it asks for its own default scopes.
_KEY_TOKEN_SCOPE = ("read",)


def login(
    key: Optional[str] = None,
    *,
    mode: str = "fragment",
    scope: Union[str, Iterable[str]] = _KEY_TOKEN_SCOPE,
    expiration: str = "30days",
    name: Optional[str] = None,
    port: Optional[int] = None,
    open_browser: bool = True,
    on_url: Optional[Callable[[str], object]] = None,
    timeout: float = 300.0,
    store: str = "auto",
    profile: str = "default",
    auth_base: Optional[str] = None,
    api_base: Optional[str] = None,
    ca_file: Optional[Union[str, os.PathLike[str]]] = None,
    client_id: Optional[str] = None,
    client_secret: Optional[str] = None,
) -> LoginResult:
    """Logs the user in to Trello and stores the token under ``profile``.

    Listens on ``http://127.0.0.1:<port>`` (``port=None`` is 8080; that exact origin must be an
    allowed origin of ``key``: ``trello-auth origin --port N`` prints it), opens the browser on
    Trello's consent page unless ``open_browser=False`` (or there is no display), and waits up
    to ``timeout`` seconds for the one delivery. ``on_url(url)``, if given, is called with the
    URL the user must open; without it the URL is printed on ``sys.stderr``. The token is then
    checked with Trello (``GET /1/members/me``, ``GET /1/tokens/{token}``) and stored: in the OS
    keyring or a 0600 file (``store="auto"``), or where ``store="keyring"`` / ``"file"`` says.
    A token the profile held before is revoked once the new one is stored.

    ``mode`` is ``"fragment"`` (Trello redirects to the listener), ``"postmessage"`` (a popup),
    ``"paste"`` (the user pastes the token on standard input), ``"oauth1"`` (the app secret
    from ``TRELLO_APP_SECRET``) or ``"oauth2"``. ``auth_base`` / ``api_base`` replace Trello's
    origins and ``ca_file`` adds a CA to trust (the sandbox's).

    ``mode="oauth2"`` (SPEC S8) takes no ``key``: it runs the authorization code flow with PKCE
    for ``client_id`` (``client_secret`` for a confidential client, stored with the tokens for
    the refreshes), with ``http://127.0.0.1:<port>/callback`` as the redirect URI to register.
    ``scope`` then names OAuth 2.0 scopes (default ``("read:member:trello",
    "read:board:trello")``, always with ``offline_access``; ``read:member:trello`` is always
    asked for). The token set is stored under ``profile``; the result's ``credentials`` is
    ``None``, ``scopes`` the granted ones and ``expires`` the access token's expiry. A redirect
    with another login's ``state`` raises ``LoginError`` (code ``state_mismatch``).

    Blocks; Ctrl-C interrupts it (``KeyboardInterrupt``), and so does an exception raised by
    ``on_url``, which is raised in its place. Raises ``AuthorizationDenied`` (Deny),
    ``LoginTimeout``, ``LoginClosed``, ``ConfigError`` (bad arguments; code ``port_busy`` when the
    port is taken), ``TokenRejected`` and the other client errors when Trello refuses the new
    token, ``LoginError`` otherwise. Nothing is stored unless it returns.
    """
    # The key + token default means "the mode's default": OAuth 2.0 has scopes of its own.
    native_scope: Optional[Union[str, Iterable[str]]] = scope
    if mode.lower() == "oauth2" and scope is _KEY_TOKEN_SCOPE:
        native_scope = None
    return _trello_auth.login(
        key,
        mode=mode,
        scope=native_scope,
        expiration=expiration,
        name=name,
        port=port,
        open_browser=open_browser,
        on_url=on_url,
        timeout=timeout,
        store=store,
        profile=profile,
        auth_base=auth_base,
        api_base=api_base,
        ca_file=ca_file,
        client_id=client_id,
        client_secret=client_secret,
    )
