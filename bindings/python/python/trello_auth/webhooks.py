"""Verifying what Trello sends to a webhook's callback URL (SPEC S9).

::

    import trello_auth as ta

    # Flask: the raw bytes, and the URL exactly as registered with POST /1/webhooks
    ta.webhooks.verify(APP_SECRET, "https://example.com/hook", request.get_data(),
                       request.headers.get("X-Trello-Webhook"))

``verify`` returns ``None`` or raises ``WebhookSignatureError`` (a ``ValueError``) with ``code``
``missing_header``, ``malformed_header`` or ``mismatch``. The comparison is constant-time. The
body must be ``bytes``: a ``str`` or a parsed JSON is a ``TypeError``, since re-serialised JSON
is not what Trello signed. Behind a proxy, pass the URL you registered, not the one your server
sees.
"""

from __future__ import annotations

from typing import Optional

from ._trello_auth import webhook_verify

__all__ = ["HEADER", "verify"]

#: The header that carries the signature.
HEADER = "X-Trello-Webhook"


def verify(secret: str, callback_url: str, body: bytes, header: Optional[str]) -> None:
    """Checks a delivery: ``body`` exactly as received, ``callback_url`` exactly as registered,
    ``header`` the ``X-Trello-Webhook`` value (``None`` when absent)."""
    webhook_verify(secret, callback_url, body, header)
