"""Headless Chromium for the browser tests, through selenium and Debian's chromedriver: a
``browser`` fixture giving one fresh browser (and profile) per test, stopped afterwards.

The programs are ``/usr/bin/chromium`` and ``/usr/bin/chromedriver`` (Debian's ``chromium`` and
``chromium-driver``; ``cargo xtask test`` installs them when run as root), or those that
``CHROMIUM`` and ``CHROMEDRIVER`` name. Selenium Manager never runs: the driver's path is given,
and it is told to stay offline in case a later selenium asks it anyway. Chromium resolves no
host name but ``localhost`` and trusts the sandbox's per-run CA through
``accept_insecure_certs``; popups open only from a user gesture (a click), as in a user's
browser. Use it with ``from _browser import browser`` in a test module.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

#: How long a wait may take before the test fails (a failure bound, not a pause).
TIMEOUT = 20.0

MISSING = (
    "the browser tests need Chromium and chromedriver: install Debian's packages with "
    "`sudo apt-get install chromium chromium-driver` (`cargo xtask test` does so when run as "
    "root), or point CHROMIUM and CHROMEDRIVER at other builds"
)

ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    # crashpad's handlers detach from chromedriver and write into ~/.config, outside the profile.
    "--disable-crashpad-for-testing",
    # Host names other than localhost do not resolve: nothing Chromium fetches on its own leaves
    # the machine.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
    "--window-size=1280,900",
]


def program(var: str, name: str) -> str:
    """``$VAR`` if set, else ``/usr/bin/<name>``, else ``<name>`` on ``PATH``; fails the test
    with what to install when there is none."""
    named = os.environ.get(var)
    if named:
        if not Path(named).is_file():
            pytest.fail(f"{var}={named} is not a file. {MISSING}", pytrace=False)
        return named
    usr_bin = Path("/usr/bin") / name
    if usr_bin.is_file():
        return str(usr_bin)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not in /usr/bin nor on PATH. {MISSING}", pytrace=False)
    return found


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[webdriver.Chrome]:
    """A headless Chromium with a fresh profile; quit (and the profile removed) afterwards."""
    monkeypatch.setenv("SE_OFFLINE", "true")
    chromedriver = program("CHROMEDRIVER", "chromedriver")
    chromium = program("CHROMIUM", "chromium")
    profile = tempfile.mkdtemp(prefix="trello-auth-browser-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    options.accept_insecure_certs = True
    for arg in ARGS:
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={profile}")
    # chromedriver adds --disable-popup-blocking by default; the tests must prove that a click
    # opens a popup.
    options.add_experimental_option("excludeSwitches", ["disable-popup-blocking"])
    try:
        driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    except BaseException:
        shutil.rmtree(profile, ignore_errors=True)
        raise
    try:
        yield driver
    finally:
        # Ends the session (chromedriver closes Chromium and reaps it), then chromedriver.
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
