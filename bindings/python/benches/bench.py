"""The Python wheel's benchmark (issue 5, "Speed"), run by ``cargo xtask bench`` in one process:

1. ``trello_auth.oauth1.sign`` vs ``oauthlib.oauth1.Client.sign`` on the core issue's request
   (``tests/vectors/oauth1/trello_create_card_form_post.json``): target >= 30x.
2. Header placement, ``Credentials.authorization_header()`` (and the full SPEC S3 placement,
   ``Credentials.authorize``) vs building the header string by hand in Python.
3. ``Client.get('/1/members/me')`` against the in-process sandbox vs a ``requests.Session``
   with the header set by hand, both parsing the JSON: target >= 3x the requests throughput.

Timings are the best of several ``timeit`` repeats (the least disturbed run), on one CPU
(``cargo xtask bench`` pins the process with ``taskset -c 0``). Run it with a
release build of the extension (``cargo xtask bench`` installs one).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import sys
import time
import timeit
import urllib.parse
from typing import Callable

import oauthlib.oauth1
import requests

import trello_auth as ta
from trello_auth.sandbox import Sandbox

URL = "https://api.trello.com/1/cards?idList=5abbe4b7ddc1b351ef961414&pos=top"
BODY = urllib.parse.urlencode({"name": "Finish Final Presentation ✓ & more", "desc": "a b+c%d"})
CONSUMER_KEY = "5685e5c0826515cfed8f66f626720ab6"
CONSUMER_SECRET = "460808266575b61b37f19c4087d228b30e6d5e67d1ffe383fd25395d91cc0bf0"
TOKEN = "3c469e9d6c5875d37a43f353d4f88e61fcf812c66eee3457465a40b0da4153e0"
TOKEN_SECRET = "a2f73b74b9d42fcf003102f9c8317aca"
NONCE = "b3f1c2a9d8e7f6a5"
TIMESTAMP = 1714567890
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def per_call(fn: Callable[[], object], number: int, repeat: int = 7) -> float:
    """Seconds per call: the best of ``repeat`` runs of ``number`` calls."""
    fn()
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def signing() -> tuple[float, float]:
    def ours() -> str:
        return ta.oauth1.sign(
            "POST",
            URL,
            consumer_key=CONSUMER_KEY,
            consumer_secret=CONSUMER_SECRET,
            token=TOKEN,
            token_secret=TOKEN_SECRET,
            body=BODY,
            nonce=NONCE,
            timestamp=TIMESTAMP,
        )

    client = oauthlib.oauth1.Client(
        CONSUMER_KEY,
        client_secret=CONSUMER_SECRET,
        resource_owner_key=TOKEN,
        resource_owner_secret=TOKEN_SECRET,
        nonce=NONCE,
        timestamp=str(TIMESTAMP),
    )

    def peer() -> str:
        return str(client.sign(URL, "POST", BODY, FORM)[1]["Authorization"])

    # Same signature, or the comparison means nothing.
    sig = ta.oauth1.signature(
        "POST", URL, consumer_key=CONSUMER_KEY, consumer_secret=CONSUMER_SECRET, token=TOKEN,
        token_secret=TOKEN_SECRET, body=BODY, nonce=NONCE, timestamp=TIMESTAMP,
    ).signature
    assert urllib.parse.quote(sig, safe="") in peer(), "oauthlib and trello_auth disagree"
    return per_call(ours, 20_000), per_call(peer, 1_000)


def placement() -> tuple[float, float, float]:
    key, token = "0123456789abcdef0123456789abcdef", "ATTA" + "a" * 64 + "0123ABCD"
    creds = ta.Credentials(key, token)
    quote = urllib.parse.quote

    def by_hand() -> str:
        return f'OAuth oauth_consumer_key="{key}", oauth_token="{quote(token, safe="")}"'

    assert by_hand() == creds.authorization_header()
    url = "https://api.trello.com/1/members/me"
    return (
        per_call(creds.authorization_header, 200_000),
        per_call(lambda: creds.authorize("GET", url), 100_000),
        per_call(by_hand, 200_000),
    )


HOOK_URL = "https://example.com/hooks/trello?source=webhook"


def webhook_verify() -> tuple[float, float]:
    """``ta.webhooks.verify`` on a 2 KB delivery against the same check in the standard
    library: HMAC-SHA1 of body + URL, base64, ``hmac.compare_digest``."""
    head = b'{"action":{"id":"5f1d7c2b9a8e4d3c2b1a0f9e","type":"updateCard"},"model":{"desc":"'
    body = head + b"x" * (2048 - len(head) - 3) + b'"}}'
    assert len(body) == 2048
    key = CONSUMER_SECRET.encode()
    header = base64.b64encode(hmac.new(key, body + HOOK_URL.encode(), hashlib.sha1).digest()).decode()

    def ours() -> None:
        ta.webhooks.verify(CONSUMER_SECRET, HOOK_URL, body, header)

    def peer() -> bool:
        mac = hmac.new(key, body + HOOK_URL.encode(), hashlib.sha1).digest()
        return hmac.compare_digest(base64.b64encode(mac).decode(), header)

    assert peer()
    return per_call(ours, 20_000), per_call(peer, 20_000)


def throughput(call: Callable[[], object], seconds: float = 2.0) -> float:
    """Requests per second over about ``seconds``, after a warm-up; the best of 3 runs."""
    for _ in range(200):
        call()
    best = 0.0
    for _ in range(3):
        n, started = 0, time.perf_counter()
        while True:
            for _ in range(100):
                call()
            n += 100
            elapsed = time.perf_counter() - started
            if elapsed >= seconds:
                break
        best = max(best, n / elapsed)
    return best


def calls() -> tuple[float, float]:
    # Budgets the benchmark cannot spend; one server thread, as in the transport benchmark.
    with Sandbox(rate_limits=(2**32 - 1, 2**32 - 1, 10.0), worker_threads=1) as sb:
        # No client-side limiter: Trello's budget (100 per 10 s) would pace the loop to 10/s.
        client = ta.Client(sb.app_key, sb.token, api_base=sb.api_base, rate_limit=False)
        header = ta.Credentials(sb.app_key, sb.token).authorization_header()
        session = requests.Session()
        session.headers["Authorization"] = header
        url = f"{sb.api_base}/1/members/me"

        def ours() -> object:
            return client.get("/1/members/me")

        def peer() -> object:
            r = session.get(url)
            r.raise_for_status()
            return r.json()

        assert ours() == peer()
        peer_rate = throughput(peer)
        ours_rate = throughput(ours)
        session.close()
        return ours_rate, peer_rate


def main() -> int:
    print(f"trello_auth {ta.__version__} on Python {sys.version.split()[0]}")
    sign_ours, sign_peer = signing()
    header, authorize, by_hand = placement()
    ours_rate, peer_rate = calls()
    hook_ours, hook_peer = webhook_verify()

    rows = [
        ("oauth1.sign vs oauthlib Client.sign", f"{sign_ours * 1e6:.2f} µs", f"{sign_peer * 1e6:.1f} µs",
         sign_peer / sign_ours, 30.0),
        ("authorization_header() vs f-string + quote", f"{header * 1e6:.3f} µs", f"{by_hand * 1e6:.3f} µs",
         by_hand / header, None),
        ("authorize(GET url) vs f-string + quote", f"{authorize * 1e6:.3f} µs", f"{by_hand * 1e6:.3f} µs",
         by_hand / authorize, None),
        ("Client.get(/1/members/me) vs requests.Session", f"{ours_rate:,.0f} req/s", f"{peer_rate:,.0f} req/s",
         ours_rate / peer_rate, 3.0),
        ("webhooks.verify (2 KB) vs stdlib hmac + base64", f"{hook_ours * 1e6:.2f} µs", f"{hook_peer * 1e6:.2f} µs",
         hook_peer / hook_ours, None),
    ]
    print()
    print(f"{'python benchmark':<48}{'trello_auth':>14}{'peer':>14}{'ratio':>9}{'target':>10}")
    for name, ours, peer, ratio, target in rows:
        verdict = "—" if target is None else (f">= {target:.0f}x" + ("" if ratio >= target else " MISSED"))
        print(f"{name:<48}{ours:>14}{peer:>14}{ratio:>8.1f}x{verdict:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
