"""A Trello look-alike on loopback for tests, running in this process (the Rust sandbox on its
own threads): the consent page, fragment and postMessage delivery, tokens with scope and
expiry, ``/1/members/me``, the token resource with revocation, 429s, OAuth 1.0a, an OAuth 2.0
authorization server (``/authorize``, ``/oauth/token``; ``oauth2_client_id``,
``oauth2_client_secret``, ``oauth2_public_client_id``, ``oauth2_redirect_uri``), and admin
helpers to advance its clock, mint tokens and inject faults.

::

    import trello_auth as ta
    from trello_auth.sandbox import Sandbox

    with Sandbox() as sb:
        client = ta.Client(sb.app_key, sb.token, api_base=sb.api_base)
        assert client.me()["id"] == sb.member["id"]

With ``Sandbox(tls=True)`` the bases are ``https://`` and ``sb.ca_file`` is a PEM file to trust
(``ta.Client(..., ca_file=sb.ca_file)``, ``requests.get(..., verify=sb.ca_file)``).

pytest: this module also defines a ``sandbox`` fixture (a fresh sandbox per test). Use it with
``pytest_plugins = ["trello_auth.sandbox"]`` in your ``conftest.py``, or
``from trello_auth.sandbox import sandbox`` in a test module.

``SandboxMember``, ``SandboxFixtures`` and ``RecordedRequest`` are the ``TypedDict`` s of
``Sandbox.member``, ``Sandbox.fixtures`` and ``Sandbox.requests()`` (plain dicts at run time).
"""

from __future__ import annotations

import os
import ssl
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import Any, Optional

from ._trello_auth import _Sandbox
from ._types import RecordedRequest, SandboxFixtures, SandboxMember, WebhookDelivery

__all__ = [
    "RecordedRequest",
    "Sandbox",
    "SandboxFixtures",
    "SandboxMember",
    "WebhookDelivery",
    "sandbox",
]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """The consent page's redirect goes to the app, which has no server in a test."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Sandbox:
    """A running sandbox; a context manager that stops it on exit (``close()`` does too).

    ``rate_limits`` is ``(key_max, token_max, window_seconds)`` (Trello: 300, 100, 10 s);
    ``allowed_origins`` replaces the default app's allowed origins for ``return_url`` and OAuth
    callbacks (default ``http://localhost:8080`` and ``http://127.0.0.1:8080``).

    Webhooks (SPEC S9): a rename (``PUT /1/cards/{id}/name``) or a comment
    (``POST /1/cards/{id}/actions/comments``) is delivered, signed with ``app_secret``, to the
    webhooks of the card, its list and its board. A delivery not answered 2xx is retried after
    each of ``webhook_retry_delays`` seconds (default 0.25, 0.5, 1), an attempt failing after
    ``webhook_timeout`` seconds (default 3); 410 deletes the webhook. Plain ``http://``
    callbacks must be loopback.
    """

    def __init__(
        self,
        *,
        tls: bool = False,
        rate_limits: Optional[tuple[int, int, float]] = None,
        allowed_origins: Optional[Sequence[str]] = None,
        worker_threads: int = 2,
        webhook_retry_delays: Optional[Sequence[float]] = None,
        webhook_timeout: Optional[float] = None,
    ) -> None:
        origins = list(allowed_origins) if allowed_origins is not None else None
        delays = list(webhook_retry_delays) if webhook_retry_delays is not None else None
        self._native = _Sandbox(
            tls=tls,
            rate_limits=rate_limits,
            allowed_origins=origins,
            worker_threads=worker_threads,
            webhook_retry_delays=delays,
            webhook_timeout=webhook_timeout,
        )
        self._ca_file: Optional[str] = None
        pem = self._native.ca_pem
        if pem is not None:
            fd, path = tempfile.mkstemp(prefix="trello-auth-sandbox-ca-", suffix=".pem")
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(pem)
            self._ca_file = path

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stops the server, waits for its threads and removes the CA file (idempotent)."""
        self._native.close()
        if self._ca_file is not None:
            try:
                os.unlink(self._ca_file)
            except FileNotFoundError:
                pass
            self._ca_file = None

    @property
    def api_base(self) -> str:
        """The REST origin, like ``https://api.trello.com`` (``http://127.0.0.1:PORT``)."""
        return self._native.api_base

    @property
    def auth_base(self) -> str:
        """The authorize origin, like ``https://trello.com`` (the same server)."""
        return self._native.auth_base

    @property
    def storage_base(self) -> str:
        """The origin attachment downloads redirect to."""
        return self._native.storage_base

    @property
    def app_key(self) -> str:
        """The default app's API key."""
        return self._native.app_key

    @property
    def app_secret(self) -> str:
        """The default app's secret (the OAuth 1.0a consumer secret)."""
        return self._native.app_secret

    @property
    def app_name(self) -> str:
        """The default app's name, shown on the consent page."""
        return self._native.app_name

    @property
    def token(self) -> str:
        """A ``read,write`` token of the default member that never expires."""
        return self._native.token

    @property
    def ca_file(self) -> Optional[str]:
        """A PEM file with the CA to trust when ``tls=True``; ``None`` without TLS."""
        return self._ca_file

    @property
    def ca_pem(self) -> Optional[str]:
        """The CA certificate (PEM) when ``tls=True``; ``None`` without TLS."""
        return self._native.ca_pem

    @property
    def member(self) -> SandboxMember:
        """The default member: ``id``, ``username``, ``full_name``."""
        return self._native.member

    @property
    def fixtures(self) -> SandboxFixtures:
        """The default member's ``board_id``, ``list_id``, ``card_id``, ``attachment_id`` and
        ``attachment_name``."""
        return self._native.fixtures

    @property
    def running(self) -> bool:
        """Whether the server still runs."""
        return self._native.running

    @property
    def oauth2_client_id(self) -> str:
        """The confidential OAuth 2.0 client's id (SPEC S8): use it with
        ``oauth2_client_secret``; the sandbox's ``auth_base`` is its authorization server."""
        return self._native.oauth2_client_id

    @property
    def oauth2_client_secret(self) -> str:
        """The confidential OAuth 2.0 client's secret (starts with ``ATO`` like Atlassian's)."""
        return self._native.oauth2_client_secret

    @property
    def oauth2_public_client_id(self) -> str:
        """The public OAuth 2.0 client's id: no secret, PKCE alone."""
        return self._native.oauth2_public_client_id

    @property
    def oauth2_redirect_uri(self) -> str:
        """The first redirect URI both OAuth 2.0 clients accept
        (``http://127.0.0.1:8080/callback``)."""
        return self._native.oauth2_redirect_uris[0]

    @property
    def oauth2_redirect_uris(self) -> list[str]:
        """Every redirect URI both OAuth 2.0 clients accept, character for character."""
        return self._native.oauth2_redirect_uris

    def press(self, authorize_url: str, button: str = "Allow") -> str:
        """Plays the user at a consent page of this sandbox (Trello's, or OAuth 2.0's
        ``/authorize``): loads ``authorize_url``, presses ``button`` (``Allow`` or ``Deny``)
        and returns where the browser is sent back (the redirect's ``Location``, absolute),
        for ``ta.parse_fragment`` or ``ta.oauth2.parse_redirect``. A page instead of a
        redirect (display mode, an unregistered redirect URI) raises ``ValueError``."""
        context = ssl.create_default_context(cafile=self._ca_file) if self._ca_file else None
        opener = urllib.request.build_opener(
            _NoRedirect, urllib.request.HTTPSHandler(context=context)
        )
        with opener.open(authorize_url, timeout=10) as page:
            html = page.read().decode()
        action, body = _Sandbox.consent_submission(html, button)
        form = urllib.request.Request(urllib.parse.urljoin(authorize_url, action), body.encode())
        try:
            with opener.open(form, timeout=10) as answer:
                raise ValueError(f"the consent page answered {answer.status} with a page, not a redirect")
        except urllib.error.HTTPError as redirect:
            with redirect:
                location = redirect.headers.get("location")
                if redirect.code not in (302, 303) or location is None:
                    raise ValueError(f"the consent page answered {redirect.code}") from None
                return urllib.parse.urljoin(authorize_url, location)

    def revoke_oauth2_grant(self, client_id: str, member_id: Optional[str] = None) -> int:
        """Revokes the OAuth 2.0 grants of ``client_id`` (only ``member_id``'s, if given) with
        every token they issued, as a user revoking the app does; how many were revoked."""
        return self._native.revoke_oauth2_grant(client_id, member_id)

    def mint_token(
        self,
        *,
        scope: str = "read,write",
        expiration: str = "never",
        expires_in: Optional[float] = None,
    ) -> str:
        """A new token of the default member: ``scope`` like ``read,write``, ``expiration`` one
        of ``1hour``, ``1day``, ``30days``, ``never``, or ``expires_in`` seconds of sandbox
        time."""
        return self._native.mint_token(scope=scope, expiration=expiration, expires_in=expires_in)

    def revoke_token(self, token: str) -> bool:
        """Revokes ``token`` as ``DELETE /1/tokens/{token}`` would; ``False`` if unknown."""
        return self._native.revoke_token(token)

    def advance_clock(self, seconds: float) -> None:
        """Moves the sandbox clock forward: token expiry, OAuth timestamps, rate windows."""
        self._native.advance_clock(seconds)

    def now(self) -> int:
        """The sandbox clock in seconds since 1970."""
        return self._native.now()

    def inject_fault(
        self,
        path: str,
        *,
        count: int = 1,
        status: Optional[int] = None,
        latency: Optional[float] = None,
        close: bool = False,
        method: Optional[str] = None,
        exact: bool = False,
        after_applying: bool = False,
        redirect: Optional[str] = None,
        goaway: bool = False,
    ) -> None:
        """Arms a fault for the next ``count`` requests whose path starts with ``path`` (equals
        it with ``exact=True``): answer ``status``, wait ``latency`` seconds first, ``close``
        the connection mid-response, answer a 302 to ``redirect``, or serve and then close the
        connection gracefully (``goaway``: HTTP/2 GOAWAY, or ``Connection: close``). With
        ``after_applying=True`` the request is served first (its write applied), then answered
        with the ``status`` or ``close``: the work done and the answer lost."""
        self._native.inject_fault(
            path,
            count=count,
            status=status,
            latency=latency,
            close=close,
            method=method,
            exact=exact,
            after_applying=after_applying,
            redirect=redirect,
            goaway=goaway,
        )

    def applied_writes(self) -> dict[str, int]:
        """How many times each write (POST, PUT or DELETE served with a 2xx) was applied, by
        its ``X-Request-Id`` or, without one, by ``"METHOD path body"`` with credentials
        redacted. A count above 1 is a write sent twice."""
        return dict(self._native.applied_writes())

    def clear_applied_writes(self) -> None:
        """Forgets the applied-write counts."""
        self._native.clear_applied_writes()

    def clear_faults(self) -> None:
        """Disarms every fault."""
        self._native.clear_faults()

    def webhook_deliveries(self) -> list[WebhookDelivery]:
        """The webhook deliveries finished so far, oldest first, each with its attempts and
        its ``outcome``."""
        return self._native.webhook_deliveries()

    def wait_for_webhook_deliveries(self, count: int, *, timeout: float = 10.0) -> list[WebhookDelivery]:
        """Waits until at least ``count`` deliveries are over (or ``timeout`` seconds passed)
        and returns the log: how a test waits for retries to end, without sleeping."""
        return self._native.wait_for_webhook_deliveries(count, timeout=timeout)

    def webhook_ids(self) -> list[str]:
        """The ids of every registered webhook, of every token."""
        return self._native.webhook_ids()

    def requests(self) -> list[RecordedRequest]:
        """The requests received so far, every credential redacted."""
        return self._native.requests()

    def storage_requests(self) -> list[RecordedRequest]:
        """The requests that reached the storage origin."""
        return self._native.storage_requests()

    def clear_requests(self) -> None:
        """Forgets the recorded requests."""
        self._native.clear_requests()

    def __repr__(self) -> str:
        return f"Sandbox(api_base={self.api_base!r}, tls={self._ca_file is not None})"


def _sandbox_fixture() -> Iterator[Sandbox]:
    """A fresh sandbox for one test, stopped afterwards."""
    with Sandbox() as sb:
        yield sb


try:
    import pytest as _pytest
except ImportError:  # pragma: no cover - pytest is optional
    sandbox: Any = None
else:
    sandbox = _pytest.fixture(name="sandbox")(_sandbox_fixture)
