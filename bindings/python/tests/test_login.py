"""``ta.login()``, ``ta.load_credentials()``, ``ta.logout()`` and the ``trello-auth`` console
script, against the HTTPS sandbox, with the test playing the browser (``_loopback.Browser``):
success (stored in a 0600 file, usable by ``ta.Client``), Deny, a timeout, a busy port, an
``on_url`` that raises, Ctrl-C, the argument checks, and logout's revoke."""

from __future__ import annotations

import _thread
import datetime
import os
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import trello_auth as ta
from _loopback import Browser, free_port
from trello_auth.sandbox import Sandbox

KEY = "0123456789abcdef0123456789abcdef"


def token_of(result: ta.LoginResult) -> str:
    """The token of a key + token login (an OAuth 2.0 login has ``tokens`` instead)."""
    assert result.credentials is not None, "a key + token login"
    return result.credentials.token


@pytest.fixture
def store_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A credential store of this test's own (TRELLO_AUTH_CONFIG_DIR), without the environment
    override."""
    folder = tmp_path / "trello-auth"
    monkeypatch.setenv("TRELLO_AUTH_CONFIG_DIR", str(folder))
    for var in ("TRELLO_API_KEY", "TRELLO_TOKEN", "TRELLO_APP_SECRET"):
        monkeypatch.delenv(var, raising=False)
    return folder


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def sb(port: int) -> Iterator[Sandbox]:
    """An HTTPS sandbox whose app allows the login's loopback origin."""
    with Sandbox(tls=True, allowed_origins=[f"http://127.0.0.1:{port}"]) as sandbox:
        yield sandbox


def login(sb: Sandbox, port: int, browser: Any, **kw: Any) -> ta.LoginResult:
    """``ta.login`` against the sandbox on ``port``, the file store, no browser started."""
    args: dict[str, Any] = {
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
    return ta.login(sb.app_key, **args)


def test_login_stores_credentials_that_work(sb: Sandbox, port: int, store_dir: Path) -> None:
    browser = Browser(sb.ca_file)
    result = login(sb, port, browser, scope=("read", "write"), expiration="1day", name="Login Test")
    browser.join()

    # The URL given to on_url is the consent page, returning to the loopback origin.
    [url] = browser.urls
    assert url.startswith(f"{sb.auth_base}/1/authorize?")
    assert f"return_url=http%3A%2F%2F127.0.0.1%3A{port}%2Fcallback%2F" in url
    assert [a["outcome"] for a in browser.answers] == ["success"]

    assert isinstance(result, ta.LoginResult)
    creds = result.credentials
    assert isinstance(creds, ta.Credentials)
    assert creds.key == sb.app_key and creds.api_base == sb.api_base
    assert result.member == {"id": sb.member["id"], "username": sb.member["username"]}
    assert result.scopes == ("read", "write")
    assert result.store == "file" and result.profile == "default" and result.previous == "none"
    expires = result.expires
    assert isinstance(expires, datetime.datetime)
    assert expires.tzinfo is not None and expires.utcoffset() == datetime.timedelta(0)
    in_a_day = sb.now() + 86_400
    assert abs(expires.timestamp() - in_a_day) < 120
    assert creds.token not in repr(result) and sb.member["username"] in repr(result)

    # Stored: load_credentials gives them back, and the client accepts them.
    loaded = ta.load_credentials()
    assert (loaded.key, loaded.token, loaded.api_base) == (creds.key, creds.token, sb.api_base)
    client = ta.Client(loaded.key, loaded.token, api_base=loaded.api_base, ca_file=sb.ca_file)
    assert client.me()["id"] == sb.member["id"]

    # The token is in credentials.toml (0600, in a 0700 folder), never in config.toml.
    secrets = store_dir / "credentials.toml"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert stat.S_IMODE(store_dir.stat().st_mode) == 0o700
    assert creds.token in secrets.read_text()
    config = (store_dir / "config.toml").read_text()
    assert creds.token not in config
    assert sb.member["username"] in config and 'store = "file"' in config


def test_a_second_login_revokes_the_token_it_replaces(sb: Sandbox, port: int, store_dir: Path) -> None:
    first = login(sb, port, Browser(sb.ca_file))
    second = login(sb, port, Browser(sb.ca_file), profile="default")
    assert second.previous == "revoked"
    assert ta.load_credentials().token == token_of(second)
    with pytest.raises(ta.TokenRevoked):
        ta.Client(sb.app_key, token_of(first), api_base=sb.api_base, ca_file=sb.ca_file).me()
    # Profiles are separate.
    other = login(sb, port, Browser(sb.ca_file), profile="work")
    assert other.previous == "none" and ta.load_credentials("work").token == token_of(other)
    assert ta.load_credentials().token == token_of(second)


def test_deny_raises_authorization_denied_and_stores_nothing(
    sb: Sandbox, port: int, store_dir: Path
) -> None:
    browser = Browser(sb.ca_file, button="Deny")
    with pytest.raises(ta.AuthorizationDenied) as denied:
        login(sb, port, browser)
    browser.join()
    assert [a["outcome"] for a in browser.answers] == ["denied"]
    assert denied.value.code == "denied"
    assert denied.value.message == "Token request rejected"
    assert not isinstance(denied.value, ValueError)
    with pytest.raises(ta.LoginError) as nothing:
        ta.load_credentials()
    assert nothing.value.code == "not_logged_in" and nothing.value.profile == "default"


def test_a_timeout_raises_login_timeout(port: int, store_dir: Path) -> None:
    urls: list[str] = []
    started = time.monotonic()
    with pytest.raises(ta.LoginTimeout) as late:
        # Nobody answers; no server is needed before the token arrives.
        ta.login(KEY, port=port, open_browser=False, on_url=urls.append, timeout=0.5, store="file")
    assert time.monotonic() - started < 10
    err = late.value
    assert isinstance(err, ta.LoginError) and isinstance(err, TimeoutError)
    assert err.code == "timeout" and err.timeout == 0.5
    assert "0.5 s" in str(err) and "timeout=" in str(err)
    assert len(urls) == 1 and urls[0].startswith("https://trello.com/1/authorize?")
    assert not store_dir.exists(), "nothing was stored"
    # The listener is closed: the port can be bound again.
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))


def test_a_busy_port_is_a_config_error_naming_the_origin(port: int, store_dir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        with pytest.raises(ta.ConfigError) as busy:
            ta.login(KEY, port=port, open_browser=False, on_url=lambda url: None, store="file")
    err = busy.value
    assert isinstance(err, ValueError)
    assert err.code == "port_busy" and err.port == port
    assert err.origin == f"http://127.0.0.1:{port}" and err.origin in str(err)
    assert "port=" in str(err)


def test_an_exception_in_on_url_stops_the_login(port: int, store_dir: Path) -> None:
    def on_url(url: str) -> None:
        raise RuntimeError("the caller's own failure")

    started = time.monotonic()
    with pytest.raises(RuntimeError, match="the caller's own failure"):
        ta.login(KEY, port=port, open_browser=False, on_url=on_url, timeout=30, store="file")
    assert time.monotonic() - started < 10
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))


def test_ctrl_c_interrupts_the_login_with_keyboard_interrupt(port: int, store_dir: Path) -> None:
    # What Ctrl-C does: SIGINT's handler runs on the main thread, where the login waits.
    def press_ctrl_c(url: str) -> None:
        threading.Timer(0.3, _thread.interrupt_main).start()

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        ta.login(KEY, port=port, open_browser=False, on_url=press_ctrl_c, timeout=30, store="file")
    assert time.monotonic() - started < 10
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))


def test_the_url_is_printed_without_on_url(port: int, store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ta.LoginTimeout):
        ta.login(KEY, port=port, open_browser=False, timeout=0.3, store="file")
    err = capsys.readouterr().err
    assert "Open this URL to log in: https://trello.com/1/authorize?" in err


@pytest.mark.parametrize(
    ("kwargs", "code", "argument"),
    [
        ({"mode": "smoke-signals"}, "invalid_argument", "mode"),
        ({"mode": "oauth2"}, "invalid_argument", "mode"),
        ({"mode": "oauth1"}, "missing_secret", "TRELLO_APP_SECRET"),
        ({"scope": ("read", "admin")}, "unknown_scope", "scope"),
        ({"expiration": "1week"}, "unknown_expiration", "expiration"),
        ({"port": 0}, "invalid_argument", "port"),
        ({"port": 70_000}, "invalid_argument", "port"),
        ({"timeout": 0}, "invalid_argument", "timeout"),
        ({"timeout": float("nan")}, "invalid_argument", "timeout"),
        ({"store": "disk"}, "unknown_store", "store"),
        ({"profile": "no spaces"}, "invalid_profile", "profile"),
        ({"auth_base": "http://trello.example"}, "insecure_scheme", "auth_base"),
        ({"ca_file": "/nonexistent/ca.pem"}, "invalid_argument", "ca_file"),
    ],
)
def test_bad_arguments_are_config_errors(
    kwargs: dict[str, Any], code: str, argument: str, port: int, store_dir: Path
) -> None:
    args: dict[str, Any] = {"port": port, "open_browser": False, "on_url": lambda url: None, "timeout": 0.3}
    args.update(kwargs)
    with pytest.raises(ta.ConfigError) as bad:
        ta.login(KEY, **args)
    assert bad.value.code == code, str(bad.value)
    assert argument in str(bad.value)


def test_a_key_that_is_not_a_key_is_refused(store_dir: Path) -> None:
    with pytest.raises(ta.ConfigError) as bad:
        ta.login("not-a-key", open_browser=False, on_url=lambda url: None)
    assert bad.value.code == "invalid_key"
    with pytest.raises(TypeError, match="on_url"):
        ta.login(KEY, on_url="https://example.com")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        ta.login(KEY, port="8080")  # type: ignore[arg-type]


def test_logout_revokes_then_forgets(sb: Sandbox, port: int, store_dir: Path) -> None:
    token = token_of(login(sb, port, Browser(sb.ca_file)))
    client = ta.Client(sb.app_key, token, api_base=sb.api_base, ca_file=sb.ca_file)
    assert client.me()["id"] == sb.member["id"]

    ta.logout(ca_file=sb.ca_file)
    with pytest.raises(ta.TokenRevoked):
        client.me()
    assert any(r["method"] == "DELETE" and r["path"].startswith("/1/tokens/") for r in sb.requests())
    with pytest.raises(ta.LoginError) as gone:
        ta.load_credentials()
    assert gone.value.code == "not_logged_in"
    assert "login" in str(gone.value)
    secrets = store_dir / "credentials.toml"
    assert not secrets.exists() or token not in secrets.read_text()
    with pytest.raises(ta.LoginError) as again:
        ta.logout(ca_file=sb.ca_file)
    assert again.value.code == "not_logged_in"


def test_logout_local_only_forgets_without_revoking(sb: Sandbox, port: int, store_dir: Path) -> None:
    token = token_of(login(sb, port, Browser(sb.ca_file), profile="ci"))
    ta.logout("ci", local_only=True)
    with pytest.raises(ta.LoginError):
        ta.load_credentials("ci")
    assert ta.Client(sb.app_key, token, api_base=sb.api_base, ca_file=sb.ca_file).me()


def test_a_failed_revoke_keeps_the_token(sb: Sandbox, port: int, store_dir: Path) -> None:
    token = token_of(login(sb, port, Browser(sb.ca_file)))
    # Without the sandbox's CA the revoke cannot reach the server: nothing is forgotten.
    with pytest.raises(ta.TransportError):
        ta.logout()
    assert ta.load_credentials().token == token


def test_environment_credentials_win_and_logout_leaves_them(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "ATTA" + "e" * 64 + "0123ABCD"
    monkeypatch.setenv("TRELLO_API_KEY", KEY)
    monkeypatch.setenv("TRELLO_TOKEN", token)
    creds = ta.load_credentials("anything")
    assert (creds.key, creds.token) == (KEY, token)
    ta.logout("anything")  # never revoked, never written
    assert ta.load_credentials("anything").token == token


def test_a_rejected_new_token_is_not_stored(sb: Sandbox, port: int, store_dir: Path) -> None:
    sb.inject_fault("/1/members/me", status=401, count=5)
    with pytest.raises(ta.TrelloAuthError) as refused:
        login(sb, port, Browser(sb.ca_file))
    assert "nothing was stored" in str(refused.value)
    with pytest.raises(ta.LoginError):
        ta.load_credentials()


# The console script: the same CLI as the Rust binary.


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "trello_auth._cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_the_console_script_prints_the_origin() -> None:
    done = run_cli("origin", "--port", "9999")
    assert (done.returncode, done.stdout) == (0, "http://127.0.0.1:9999\n"), done.stderr
    bad = run_cli("origin", "--port", "0")
    assert bad.returncode == 2 and "trello-auth" in bad.stderr
    assert run_cli("--version").stdout.startswith(f"trello-auth {ta.__version__}")


def test_the_trello_auth_entry_point_is_installed() -> None:
    script = Path(sys.executable).with_name("trello-auth")
    assert script.is_file() and os.access(script, os.X_OK)
    done = subprocess.run([str(script), "origin"], capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stdout) == (0, "http://127.0.0.1:8080\n"), done.stderr


def test_the_console_script_reads_what_login_stored(sb: Sandbox, port: int, store_dir: Path) -> None:
    result = login(sb, port, Browser(sb.ca_file))
    env = dict(os.environ, TRELLO_AUTH_CA_FILE=str(sb.ca_file))
    status = run_cli("status", "--json", env=env)
    assert status.returncode == 0, status.stderr
    assert sb.member["username"] in status.stdout and token_of(result) not in status.stdout
    token = run_cli("token", env=env)
    assert (token.returncode, token.stdout.strip()) == (0, token_of(result))
    assert run_cli("logout", env=env).returncode == 0
    assert run_cli("status", env=env).returncode == 2
    with pytest.raises(ta.LoginError):
        ta.load_credentials()
