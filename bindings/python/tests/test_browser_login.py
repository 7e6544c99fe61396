"""``ta.login`` in headless Chromium (SPEC S1.3, S10): the sandbox's consent page, Allow, the
loopback page's script handing the token over, for fragment and postMessage delivery."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

import trello_auth as ta
from _browser import TIMEOUT
from _browser import browser as browser  # the fixture
from _loopback import free_port
from trello_auth.sandbox import Sandbox

ALLOW = "form [name=approve][value=Allow]"


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def sb(port: int) -> Iterator[Sandbox]:
    with Sandbox(tls=True, allowed_origins=[f"http://127.0.0.1:{port}"]) as sandbox:
        yield sandbox


@pytest.fixture(autouse=True)
def store_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TRELLO_AUTH_CONFIG_DIR", str(tmp_path))
    return tmp_path


class Background:
    """``ta.login`` on a thread of its own; ``url()`` is what it asked the user to open."""

    def __init__(self, sb: Sandbox, port: int, mode: str) -> None:
        self._urls: queue.Queue[str] = queue.Queue()
        self.result: Any = None
        self.error: BaseException | None = None

        def run() -> None:
            try:
                self.result = ta.login(
                    sb.app_key,
                    mode=mode,
                    scope=("read", "write"),
                    port=port,
                    open_browser=False,
                    on_url=self._urls.put,
                    timeout=60.0,
                    store="file",
                    auth_base=sb.auth_base,
                    api_base=sb.api_base,
                    ca_file=sb.ca_file,
                )
            except BaseException as e:  # noqa: BLE001 - handed to the test thread
                self.error = e

        self._thread = threading.Thread(target=run)
        self._thread.start()

    def url(self) -> str:
        return self._urls.get(timeout=TIMEOUT)

    def join(self) -> Any:
        self._thread.join(TIMEOUT)
        assert not self._thread.is_alive(), "ta.login returned"
        if self.error is not None:
            raise self.error
        return self.result


def test_fragment_login_in_chromium(browser: webdriver.Chrome, sb: Sandbox, port: int) -> None:
    login = Background(sb, port, "fragment")
    browser.get(login.url())
    wait = WebDriverWait(browser, TIMEOUT)
    wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, ALLOW))).click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "main[data-current=success]")))
    result = login.join()
    assert result.member["id"] == sb.member["id"]
    assert result.scopes == ("read", "write")
    assert result.store == "file"
    assert "#token=" not in browser.current_url
    client = ta.Client(sb.app_key, ta.load_credentials().token, api_base=sb.api_base,
                       ca_file=sb.ca_file)
    assert client.me()["username"] == sb.member["username"]


def test_post_message_login_in_chromium(browser: webdriver.Chrome, sb: Sandbox, port: int) -> None:
    login = Background(sb, port, "postMessage")
    browser.get(login.url())
    wait = WebDriverWait(browser, TIMEOUT)
    main = browser.current_window_handle
    wait.until(
        ec.element_to_be_clickable((By.CSS_SELECTOR, "button[data-action=open]"))
    ).click()
    wait.until(ec.number_of_windows_to_be(2))
    popup = next(w for w in browser.window_handles if w != main)
    browser.switch_to.window(popup)
    wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, ALLOW))).click()
    browser.switch_to.window(main)
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "main[data-current=success]")))
    result = login.join()
    assert result.member["id"] == sb.member["id"]
