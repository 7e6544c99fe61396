"""Auth objects for ``requests`` and ``httpx`` that put the credentials in the
``Authorization: OAuth oauth_consumer_key=..., oauth_token=...`` header (SPEC S3.2).

::

    import requests, httpx
    from trello_auth import Credentials
    from trello_auth.adapters import HttpxAuth, RequestsAuth

    creds = Credentials(key, token)
    requests.get("https://api.trello.com/1/members/me", auth=RequestsAuth(creds))
    httpx.get("https://api.trello.com/1/members/me", auth=HttpxAuth(creds))

Neither library is imported here: both accept a callable as ``auth`` (``requests`` calls it
with the prepared request, ``httpx`` wraps it for sync and async clients alike), so this module
imports cleanly without them. The header goes to any ``https://`` URL and to plain ``http://``
only on a loopback host (``localhost``, ``127.0.0.0/8``, ``[::1]``, such as the sandbox); any
other ``http://`` URL raises :class:`~trello_auth.PlacementError` (``insecure_scheme``) before
anything is sent. A request that already carries credentials (an ``Authorization`` header, or
``key``/``token`` in its query) raises ``credentials_present``: never send two sets (SPEC S3.4).
Both libraries drop the header when a redirect leaves the host (an attachment download's 302
to storage), so credentials do not follow it.
"""

from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

from ._trello_auth import Credentials
from .errors import PlacementError

__all__ = ["HttpxAuth", "RequestsAuth"]

_Request = TypeVar("_Request")


class _HeaderAuth:
    """Adds the credentials' header to a request object with ``.url`` and ``.headers``."""

    __slots__ = ("_credentials",)

    def __init__(self, credentials: Credentials) -> None:
        if not isinstance(credentials, Credentials):
            raise TypeError(
                f"credentials: expected trello_auth.Credentials, got {type(credentials).__name__}"
            )
        self._credentials = credentials

    def __call__(self, request: _Request) -> _Request:
        target: Any = request
        url = str(target.url)
        if "authorization" in (name.lower() for name in target.headers):
            raise PlacementError(
                "the request already carries credentials (authorization header): "
                "send exactly one set",
                code="credentials_present",
            )
        query = urlsplit(url).query
        if any(name in ("key", "token") for name, _ in parse_qsl(query, keep_blank_values=True)):
            raise PlacementError(
                "the request already carries credentials (query): send exactly one set",
                code="credentials_present",
            )
        target.headers["Authorization"] = self._credentials.header_for(url)
        return request

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._credentials!r})"


class RequestsAuth(_HeaderAuth):
    """``requests`` auth: ``requests.get(url, auth=RequestsAuth(creds))``, or set it as a
    ``Session``'s ``auth``."""

    __slots__ = ()


class HttpxAuth(_HeaderAuth):
    """``httpx`` auth for ``httpx.Client`` and ``httpx.AsyncClient``:
    ``httpx.Client(auth=HttpxAuth(creds))``."""

    __slots__ = ()
