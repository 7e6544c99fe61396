"""Shared fixtures of the trello_auth test suite: where the conformance vectors live, sandboxes
in the shapes the tests need, and the helper that plays the user on the consent page (SPEC S1);
reading the page is the sandbox's own code (``_Sandbox.consent_submission``, ``first_pre``)."""

from __future__ import annotations

import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

import pytest

from trello_auth._trello_auth import _Sandbox  # its static methods read the sandbox's pages
from trello_auth.sandbox import Sandbox
from trello_auth.sandbox import sandbox as sandbox  # the library's own fixture, re-exported

#: tests/vectors of the workspace (bindings/python/tests -> the root).
VECTORS = Path(os.environ.get("TRELLO_AUTH_VECTORS", Path(__file__).resolve().parents[3] / "tests" / "vectors"))


@pytest.fixture(scope="module")
def shared_sandbox() -> Iterator[Sandbox]:
    """One sandbox for a module's read-only tests (starting one costs a few ms, but TLS ones
    generate keys)."""
    with Sandbox() as sb:
        yield sb


@pytest.fixture(scope="module")
def tls_sandbox() -> Iterator[Sandbox]:
    """An HTTPS sandbox with its generated CA in ``ca_file``."""
    with Sandbox(tls=True) as sb:
        yield sb


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Answer:
    """What the browser got after clicking: a redirect ``location`` or a page."""

    def __init__(self, status: int, location: Optional[str], page: str) -> None:
        self.status = status
        self.location = location
        self.page = page

    def pre(self) -> Optional[str]:
        """The first ``<pre>`` of the page: the token (display mode) or the verifier (oob)."""
        return _Sandbox.first_pre(self.page)


def click(url: str, button: str = "Allow") -> Answer:
    """Plays the user: loads the consent page at ``url``, posts what pressing ``button``
    (``Allow`` or ``Deny``) sends (the sandbox's own reader of its page builds it), and returns
    the answer without following a redirect (the return_url has no server behind it)."""
    opener = urllib.request.build_opener(_NoRedirect)
    with opener.open(url, timeout=10) as page:
        text = page.read().decode()
    action, body = _Sandbox.consent_submission(text, button)
    target = urllib.parse.urljoin(url, action)
    try:
        with opener.open(urllib.request.Request(target, data=body.encode()), timeout=10) as answer:
            return Answer(answer.status, None, answer.read().decode())
    except urllib.error.HTTPError as e:
        with e:
            return Answer(e.code, e.headers.get("location"), e.read().decode())


def header_params(header: str) -> dict[str, str]:
    """``OAuth a="x", b="y"`` -> decoded ``{a: x, b: y}``; ValueError if it is not that."""
    if not header.startswith("OAuth "):
        raise ValueError("authorization does not start with `OAuth `")
    out = {}
    for p in header[len("OAuth ") :].split(", "):
        name, sep, quoted = p.partition("=")
        if not sep:
            raise ValueError(f"bad param {p!r}")
        if not (len(quoted) >= 2 and quoted[0] == '"' and quoted[-1] == '"'):
            raise ValueError(f"unquoted param {name}")
        out[name] = urllib.parse.unquote(quoted[1:-1], errors="strict")
    return out
