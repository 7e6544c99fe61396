"""The shapes of the dicts trello_auth returns, as ``TypedDict`` s: for type checkers only; at
run time they are plain ``dict`` s (Trello's JSON as it came, for ``Member`` and ``TokenInfo``).

``Member``, ``TokenInfo``, ``Permission`` and ``LoginMember`` are exported by ``trello_auth``;
``SandboxMember``, ``SandboxFixtures`` and ``RecordedRequest`` by ``trello_auth.sandbox``.
Keys that an answer may lack are in a ``total=False`` class (Python 3.9 has no
``NotRequired``).
"""

from __future__ import annotations

from typing import Any, Optional, TypedDict

__all__ = [
    "Counted",
    "LoginMember",
    "Member",
    "Permission",
    "RecordedRequest",
    "SandboxFixtures",
    "SandboxMember",
    "TokenInfo",
    "Webhook",
    "WebhookAttempt",
    "WebhookDelivery",
]


class _MemberKeys(TypedDict):
    id: str
    username: str


class Member(_MemberKeys, total=False):
    """``GET /1/members/me`` (``Client.me()``): the member behind the credentials (SPEC S5).
    ``id`` (24 hex digits) and ``username`` are always there; Trello sends many more fields
    than these, which a type checker sees only through ``cast``."""

    fullName: Optional[str]
    url: str
    idBoards: list[str]


class _PermissionKeys(TypedDict):
    idModel: str
    modelType: str


class Permission(_PermissionKeys, total=False):
    """One entry of ``TokenInfo["permissions"]``: ``idModel`` is a 24-hex id or ``"*"``;
    ``modelType`` (``Board``, ``Organization``, ``Member``, ``Enterprise`` or ``*``) comes in
    any case: compare it with ``.lower()`` (SPEC S5)."""

    read: bool
    write: bool


class _TokenInfoKeys(TypedDict):
    id: str
    idMember: str
    dateCreated: str


class TokenInfo(_TokenInfoKeys, total=False):
    """``GET /1/tokens/{token}`` (``Client.token_info()``): the token's own ``id`` (not the
    token), its member, its dates as ISO 8601 text (``dateExpires`` is ``None`` for a token that
    never expires) and what it may do (SPEC S5)."""

    identifier: Optional[str]
    dateExpires: Optional[str]
    permissions: list[Permission]
    appKey: str
    webhooks: list[dict[str, Any]]


class LoginMember(TypedDict):
    """``LoginResult.member``: the member the new token belongs to."""

    id: str
    username: str


class SandboxMember(TypedDict):
    """``Sandbox.member``: the sandbox's default member."""

    id: str
    username: str
    full_name: str


class SandboxFixtures(TypedDict):
    """``Sandbox.fixtures``: the default member's board, list, card and attachment."""

    board_id: str
    list_id: str
    card_id: str
    attachment_id: str
    attachment_name: str


class Counted(TypedDict):
    """A request counted against the rate limits (``RecordedRequest["counted"]``): the key and
    the token as SHA-256 prefixes in hex, and the sandbox clock's milliseconds."""

    key: str
    token: str
    at_ms: int


class RecordedRequest(TypedDict):
    """One request the sandbox received (``Sandbox.requests()``), every credential redacted.
    ``listener`` is ``api`` or ``storage``; ``placement`` is where credentials were found
    (``none``, ``query``, ``header``, ``signed_header``, ``body``, ``multiple``); ``version``
    is ``HTTP/1.1`` or ``HTTP/2.0``; ``body`` is
    the redacted body or its size, ``None`` without one; ``counted`` says which key and token
    a rate-limited request drew on, and when."""

    listener: str
    method: str
    version: str
    path: str
    placement: str
    credentials_present: bool
    authorization: Optional[str]
    body: Optional[str]
    status: int
    counted: Optional[Counted]


class _WebhookKeys(TypedDict):
    id: str
    description: str
    idModel: str
    callbackURL: str
    active: bool


class Webhook(_WebhookKeys, total=False):
    """A webhook (``Client.create_webhook()``, ``Client.webhooks()``), as Trello answers it:
    ``callbackURL`` is the URL its deliveries are signed over; other keys may be present."""

    consecutiveFailures: int
    firstConsecutiveFailDate: Optional[str]


class WebhookAttempt(TypedDict):
    """One attempt of a sandbox delivery: the ``status`` answered, or the ``error``
    (``timeout``, ``connect``) when there was none."""

    status: Optional[int]
    error: Optional[str]


class WebhookDelivery(TypedDict):
    """A delivery the sandbox finished (``Sandbox.webhook_deliveries()``): every attempt, and
    the ``outcome``: ``delivered`` (2xx), ``failed`` (out of retries) or ``gone`` (410, the
    webhook deleted)."""

    webhook_id: str
    id_model: str
    callback_url: str
    action_type: str
    action_id: str
    attempts: list[WebhookAttempt]
    outcome: str
