"""Plays the user's browser for ``ta.login()`` without a browser: an ``on_url`` callback that, on
a thread of its own, loads the sandbox's consent page, submits ``Allow`` or ``Deny``, follows
the redirect to the loopback listener's relay page and posts the fragment back as the page's
script does (``{"fragment": "#token=..."}`` as JSON to the same path). The browser tests
(Chromium) cover the real pages; these cover the flow."""

from __future__ import annotations

import html.parser
import json
import socket
import ssl
import threading
import urllib.error
import urllib.parse
import urllib.request
from typing import Callable, Optional

#: How long any one request of the helper may take (a failure bound, not a pause).
TIMEOUT = 10.0


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class _Consent(html.parser.HTMLParser):
    """The consent page's form: its action, hidden fields and ``approve`` buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.action: Optional[str] = None
        self.fields: list[tuple[str, str]] = []
        self.buttons: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, Optional[str]]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.action = a.get("action")
        elif tag == "input" and a.get("type") == "hidden":
            self.fields.append((a["name"], a.get("value", "")))
        elif tag in ("input", "button") and a.get("name") == "approve":
            self.buttons.append(a.get("value", ""))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Browser:
    """The ``on_url`` of a login: each URL it is given is answered by ``button`` on a thread;
    ``join()`` waits for it and re-raises what went wrong there. ``fragment`` replaces what is
    posted back (a broken page); ``answers`` holds the listener's JSON answers."""

    def __init__(
        self,
        ca_file: Optional[str],
        button: str = "Allow",
        fragment: Optional[Callable[[str], str]] = None,
    ) -> None:
        handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({}), _NoRedirect()]
        if ca_file is not None:
            handlers.append(urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=ca_file)))
        self._opener = urllib.request.build_opener(*handlers)
        self.button = button
        self.fragment = fragment
        self.urls: list[str] = []
        self.answers: list[dict[str, object]] = []
        self.errors: list[BaseException] = []
        self._threads: list[threading.Thread] = []

    def __call__(self, url: str) -> None:
        self.urls.append(url)
        thread = threading.Thread(target=self._run, args=(url,), daemon=True)
        self._threads.append(thread)
        thread.start()

    def join(self) -> None:
        for thread in self._threads:
            thread.join(TIMEOUT * 4)
        if self.errors:
            raise self.errors[0]

    def _run(self, url: str) -> None:
        try:
            self._answer(url)
        except BaseException as e:  # re-raised by join()
            self.errors.append(e)

    def _answer(self, url: str) -> None:
        with self._opener.open(url, timeout=TIMEOUT) as page:
            form = _Consent()
            form.feed(page.read().decode())
        assert form.action is not None, "the consent page has a form"
        assert self.button in form.buttons, f"the consent page offers {self.button}"
        target = urllib.parse.urljoin(url, form.action)
        data = urllib.parse.urlencode(form.fields + [("approve", self.button)]).encode()
        try:
            with self._opener.open(urllib.request.Request(target, data=data), timeout=TIMEOUT) as r:
                raise AssertionError(f"expected a redirect to the listener, got {r.status}")
        except urllib.error.HTTPError as e:
            with e:
                assert e.code == 302, f"expected a redirect to the listener, got {e.code}"
                location = e.headers["location"]
        # The relay page, then what its script does: post location.hash to the same path.
        page_url, _, hash_ = location.partition("#")
        listener = urllib.parse.urlsplit(page_url)
        with self._opener.open(page_url, timeout=TIMEOUT) as relay:
            assert relay.status == 200
            relay.read()
        posted = "#" + hash_ if self.fragment is None else self.fragment(hash_)
        delivery = urllib.request.Request(
            page_url,
            data=json.dumps({"fragment": posted}).encode(),
            headers={
                "Content-Type": "application/json",
                "Origin": f"{listener.scheme}://{listener.netloc}",
            },
            method="POST",
        )
        try:
            with self._opener.open(delivery, timeout=TIMEOUT) as answer:
                self.answers.append(json.loads(answer.read()))
        except urllib.error.HTTPError as e:
            with e:
                self.answers.append(json.loads(e.read()))
