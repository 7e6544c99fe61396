"""``ta.login(mode="oauth2", client_id=...)`` (SPEC S8) against the HTTPS sandbox's
authorization server, with the test playing the browser: Allow stores the token set (secrets in
the 0600 file only, ``config.toml`` says kind, scopes and expiry), Deny raises
``AuthorizationDenied`` and stores nothing, a redirect with another state is refused, the
argument checks, and ``ta.logout`` only forgets (there is no revocation endpoint)."""

from __future__ import annotations

import json
import ssl
import stat
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable, Optional

import pytest

import trello_auth as ta
from _loopback import TIMEOUT, _Consent, _NoRedirect, free_port
from trello_auth.sandbox import Sandbox

CLIENT_ID = "py-oauth2-login-client"


@pytest.fixture
def store_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "trello-auth"
    monkeypatch.setenv("TRELLO_AUTH_CONFIG_DIR", str(folder))
    for var in ("TRELLO_API_KEY", "TRELLO_TOKEN", "TRELLO_CLIENT_SECRET"):
        monkeypatch.delenv(var, raising=False)
    return folder


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def sb(port: int) -> Iterator[Sandbox]:
    with Sandbox(tls=True) as sandbox:
        yield sandbox


def opener(sb: Sandbox) -> urllib.request.OpenerDirector:
    assert sb.ca_file is not None
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        _NoRedirect(),
        urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=sb.ca_file)),
    )


def register_client(sb: Sandbox, port: int) -> str:
    """A confidential client whose callback is the listener's (admin API); its secret."""
    body = json.dumps(
        {"client_id": CLIENT_ID, "redirect_uris": [f"http://127.0.0.1:{port}/callback"]}
    ).encode()
    request = urllib.request.Request(
        f"{sb.api_base}/__sandbox/oauth2/clients",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with opener(sb).open(request, timeout=TIMEOUT) as answer:
        registered = json.loads(answer.read())
    secret = registered["client_secret"]
    assert isinstance(secret, str)
    return secret


class OAuth2Browser:
    """The ``on_url`` of an OAuth 2.0 login: on a thread, presses ``button`` on the consent
    page, then follows the redirect to the listener (``rewrite`` may change it first) and keeps
    the listener's page."""

    def __init__(
        self, sb: Sandbox, button: str = "Allow", rewrite: Optional[Callable[[str], str]] = None
    ) -> None:
        self._opener = opener(sb)
        self.button = button
        self.rewrite = rewrite
        self.urls: list[str] = []
        self.pages: list[tuple[int, str]] = []
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
        assert form.action is not None and self.button in form.buttons
        target = urllib.parse.urljoin(url, form.action)
        data = urllib.parse.urlencode(form.fields + [("approve", self.button)]).encode()
        try:
            with self._opener.open(urllib.request.Request(target, data=data), timeout=TIMEOUT) as r:
                raise AssertionError(f"expected a redirect to the listener, got {r.status}")
        except urllib.error.HTTPError as e:
            with e:
                assert e.code == 302
                location = e.headers["location"]
        if self.rewrite is not None:
            location = self.rewrite(location)
        try:
            with self._opener.open(location, timeout=TIMEOUT) as landed:
                self.pages.append((landed.status, landed.read().decode()))
        except urllib.error.HTTPError as e:
            with e:
                self.pages.append((e.code, e.read().decode()))


def login(sb: Sandbox, port: int, browser: Any, **kw: Any) -> ta.LoginResult:
    args: dict[str, Any] = {
        "mode": "oauth2",
        "client_id": CLIENT_ID,
        "port": port,
        "open_browser": False,
        "on_url": browser,
        "auth_base": sb.auth_base,
        "api_base": sb.api_base,
        "ca_file": sb.ca_file,
        "store": "file",
        "timeout": 30.0,
    }
    args.update(kw)
    return ta.login(**args)


def test_allow_stores_the_token_set_and_no_secret_in_config(
    sb: Sandbox, port: int, store_dir: Path
) -> None:
    secret = register_client(sb, port)
    browser = OAuth2Browser(sb)
    result = login(
        sb, port, browser, client_secret=secret, scope=("read:board:trello", "write:board:trello")
    )
    browser.join()

    [url] = browser.urls
    assert url.startswith(f"{sb.auth_base}/authorize?client_id={CLIENT_ID}&")
    assert f"redirect_uri=http%3A%2F%2F127.0.0.1%3A{port}%2Fcallback" in url
    assert "code_challenge_method=S256" in url and "offline_access" in url
    [(status, page)] = browser.pages
    assert status == 200 and 'data-current="success"' in page

    assert result.credentials is None
    # The token set goes straight into an OAuth2Client, which makes Bearer calls with it.
    assert result.tokens is not None and result.tokens.refresh_token is not None
    assert result.tokens.access_token not in repr(result.tokens)
    client = ta.OAuth2Client(
        CLIENT_ID,
        result.tokens,
        client_secret=secret,
        on_tokens=None,
        api_base=sb.api_base,
        auth_base=sb.auth_base,
        ca_file=sb.ca_file,
    )
    assert client.me()["username"] == sb.member["username"]
    assert result.member == {"id": sb.member["id"], "username": sb.member["username"]}
    for scope in ("read:member:trello", "read:board:trello", "write:board:trello"):
        assert scope in result.scopes
    assert result.expires is not None
    assert result.store == "file" and result.previous == "none"

    config = (store_dir / "config.toml").read_text()
    assert 'kind = "oauth2"' in config and f'client_id = "{CLIENT_ID}"' in config
    assert "read:board:trello" in config and "expires = " in config
    secrets_file = store_dir / "credentials.toml"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    held = secrets_file.read_text()
    assert "access_token" in held and "refresh_token" in held and secret in held
    assert secret not in config and secret not in repr(result)
    for line in held.splitlines():
        if "=" in line:
            value = line.split("=", 1)[1].strip().strip('"')
            assert value not in config, "config.toml holds a secret"
            assert value not in repr(result)

    # A key + token reader is told what the profile holds; logout only forgets.
    with pytest.raises(ta.TrelloAuthError) as wrong:
        ta.load_credentials()
    assert wrong.value.code == "wrong_kind"
    ta.logout()
    assert not secrets_file.exists()
    assert "[profiles.default]" not in (store_dir / "config.toml").read_text()


def test_deny_raises_and_stores_nothing(sb: Sandbox, port: int, store_dir: Path) -> None:
    register_client(sb, port)
    browser = OAuth2Browser(sb, button="Deny")
    with pytest.raises(ta.AuthorizationDenied) as denied:
        login(sb, port, browser)
    browser.join()
    assert denied.value.code == "denied"
    [(status, page)] = browser.pages
    assert status == 200 and 'data-current="denied"' in page
    assert not (store_dir / "config.toml").exists()


def test_a_redirect_with_another_state_is_refused(sb: Sandbox, port: int, store_dir: Path) -> None:
    register_client(sb, port)

    def forge(location: str) -> str:
        parts = urllib.parse.urlsplit(location)
        query = [
            (k, "not-this-login" if k == "state" else v)
            for k, v in urllib.parse.parse_qsl(parts.query)
        ]
        return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))

    browser = OAuth2Browser(sb, rewrite=forge)
    with pytest.raises(ta.CaptureError) as refused:
        login(sb, port, browser)
    browser.join()
    assert refused.value.code == "state_mismatch"
    [(status, page)] = browser.pages
    assert status == 400 and 'data-current="error"' in page
    assert not (store_dir / "config.toml").exists()


def test_oauth2_arguments_are_checked_before_anything_starts(store_dir: Path) -> None:
    with pytest.raises(ta.ConfigError, match="client_id"):
        ta.login(mode="oauth2")
    with pytest.raises(ta.ConfigError, match="key"):
        ta.login("0123456789abcdef0123456789abcdef", mode="oauth2", client_id="x")
    with pytest.raises(ta.ConfigError, match="client_id"):
        ta.login("0123456789abcdef0123456789abcdef", client_id="x")
    with pytest.raises(ta.ConfigError, match="scope"):
        ta.login(mode="oauth2", client_id="x", scope="read:everything")
    with pytest.raises(ta.ConfigError, match="key"):
        ta.login()
    assert not store_dir.exists()
