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
    # No host resolves but loopback's (the rule covers IP literals too): nothing Chromium
    # fetches on its own leaves the machine. (Not --disable-crashpad-for-testing: with it,
    # Chromium 156's network service crashes on an "FD ownership violation".)
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
    "--window-size=1280,900",
]


def program(var: str, name: str) -> str:
    """``$VAR`` if set, else ``/usr/bin/<name>``, else ``<name>`` on ``PATH``; fails the test
    with what to install when there is none."""
    named = os.environ.get(var)
    if named:
        if not Path(named).is_file():
            pytest.fail(f"{var}={named} is not a file; {MISSING}", pytrace=False)
        return named
    usr_bin = Path("/usr/bin") / name
    if usr_bin.is_file():
        return str(usr_bin)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not in /usr/bin nor on PATH; {MISSING}", pytrace=False)
    return found


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[webdriver.Chrome]:
    """A headless Chromium with a fresh profile; quit (and the profile removed) afterwards."""
    monkeypatch.setenv("SE_OFFLINE", "true")
    chromedriver = program("CHROMEDRIVER", "chromedriver")
    chromium = program("CHROMIUM", "chromium")
    folder = Path(tempfile.mkdtemp(prefix="trello-auth-browser-"))
    # Chromium writes outside its profile too (crashpad's database in ~/.config, an NSS store in
    # ~/.pki): a HOME in the folder keeps that out of the user's.
    home = folder / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME")}
    env["HOME"] = str(home)
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    options.accept_insecure_certs = True
    for arg in ARGS:
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={folder / 'profile'}")
    # chromedriver adds --disable-popup-blocking by default; the tests must prove that a click
    # opens a popup.
    options.add_experimental_option("excludeSwitches", ["disable-popup-blocking"])
    service = Service(executable_path=chromedriver, env=env)
    try:
        driver = webdriver.Chrome(service=service, options=options)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    try:
        # A page that never loads fails the command (WebDriver's default is 300 s).
        driver.set_page_load_timeout(TIMEOUT)
        driver.set_script_timeout(TIMEOUT)
        yield driver
    finally:
        # Ends the session (chromedriver closes Chromium and reaps it), then chromedriver.
        driver.quit()
        shutil.rmtree(folder, ignore_errors=True)
