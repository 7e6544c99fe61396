"""OAuth 1.0a for Trello (SPEC S6): HMAC-SHA1 signing exactly as RFC 5849 §3.4 says, with the
nonce and timestamp passed in, and the three-legged flow.

::

    from trello_auth import oauth1

    header = oauth1.sign("GET", "https://api.trello.com/1/members/me",
                         consumer_key=key, consumer_secret=secret,
                         token=token, token_secret=token_secret,
                         nonce=secrets.token_hex(16), timestamp=int(time.time()))

    flow = oauth1.Flow(key, secret, callback="http://localhost:8080/cb")
    url = flow.authorize_url(name="My App", scope="read,write", expiration="1day")
    access = flow.finish(callback_url)            # or the PIN the user copied (callback="oob")
    client = trello_auth.Client(key, access.token, app_secret=secret,
                                token_secret=access.token_secret)

``body`` is the form-encoded body as ``str`` (or ``bytes``): its parameters are signed when
``content_type`` is ``application/x-www-form-urlencoded`` (the default); pass
``content_type=None`` or a JSON type for a body that is not signed.
"""

from __future__ import annotations

from ._trello_auth import AccessToken, Flow, Signature, sign, signature

__all__ = ["AccessToken", "Flow", "Signature", "sign", "signature"]
