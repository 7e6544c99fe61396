"""The sandbox's consent page in headless Chromium (SPEC S1, display mode): a click on Allow
shows a token in the page's ``<pre>``, and the API accepts it. Elements are found by the page's
contract (one ``form``, ``[name=approve]`` buttons, the ``<pre>``), not by its styling."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

import trello_auth as ta
from _browser import TIMEOUT
from _browser import browser as browser  # the fixture
from trello_auth.sandbox import Sandbox

ALLOW = "form [name=approve][value=Allow]"


@pytest.fixture
def https_sandbox() -> Iterator[Sandbox]:
    with Sandbox(tls=True) as sb:
        yield sb


def test_display_mode_allow_shows_a_token_the_api_accepts(
    browser: webdriver.Chrome, https_sandbox: Sandbox
) -> None:
    sb = https_sandbox
    url = ta.authorize_url(
        sb.app_key,
        scope=("read", "write"),
        expiration="1day",
        name="Browser Test",
        auth_base=sb.auth_base,
    )
    browser.get(url)
    wait = WebDriverWait(browser, TIMEOUT)
    wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, ALLOW))).click()
    pre = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "pre")))
    token = ta.parse_pasted_token(pre.text)

    client = ta.Client(sb.app_key, token, api_base=sb.api_base, ca_file=sb.ca_file)
    assert client.me()["id"] == sb.member["id"]
