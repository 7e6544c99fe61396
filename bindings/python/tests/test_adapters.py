"""``adapters.RequestsAuth`` and ``adapters.HttpxAuth`` against the sandbox (HTTP and HTTPS),
their refusals, and that the module imports without requests or httpx installed."""

from __future__ import annotations

import asyncio
import ssl
import subprocess
import sys

import httpx
import pytest
import requests

import trello_auth as ta
from trello_auth.adapters import HttpxAuth, RequestsAuth
from trello_auth.sandbox import Sandbox


def creds(sb: Sandbox) -> ta.Credentials:
    return ta.Credentials(sb.app_key, sb.token, api_base=sb.api_base)


def test_requests_against_the_sandbox(shared_sandbox: Sandbox) -> None:
    sb = shared_sandbox
    sb.clear_requests()
    r = requests.get(f"{sb.api_base}/1/members/me", auth=RequestsAuth(creds(sb)), timeout=10)
    assert r.status_code == 200 and r.json()["id"] == sb.member["id"]
    with requests.Session() as session:
        session.auth = RequestsAuth(creds(sb))
        card = sb.fixtures["card_id"]
        put = session.put(f"{sb.api_base}/1/cards/{card}/name", json={"value": "via requests"}, timeout=10)
        assert put.json()["name"] == "via requests"
    assert [r["placement"] for r in sb.requests()] == ["header", "header"]


def test_requests_over_tls(tls_sandbox: Sandbox) -> None:
    sb = tls_sandbox
    r = requests.get(f"{sb.api_base}/1/members/me", auth=RequestsAuth(creds(sb)), verify=sb.ca_file, timeout=10)
    assert r.json()["id"] == sb.member["id"]


def test_httpx_sync_async_and_tls(shared_sandbox: Sandbox, tls_sandbox: Sandbox) -> None:
    sb = shared_sandbox
    with httpx.Client(auth=HttpxAuth(creds(sb))) as client:
        assert client.get(f"{sb.api_base}/1/members/me").json()["id"] == sb.member["id"]

    async def fetch() -> str:
        async with httpx.AsyncClient(auth=HttpxAuth(creds(sb))) as client:
            r = await client.get(f"{sb.api_base}/1/members/me")
            return str(r.json()["id"])

    assert asyncio.run(fetch()) == sb.member["id"]
    tls = tls_sandbox
    assert tls.ca_file is not None
    with httpx.Client(auth=HttpxAuth(creds(tls)), verify=_httpx_verify(tls.ca_file)) as client:
        assert client.get(f"{tls.api_base}/1/members/me").json()["id"] == tls.member["id"]


def _httpx_verify(ca_file: str) -> ssl.SSLContext:
    # httpx 0.28 deprecates a path as `verify`: pass a context.
    return ssl.create_default_context(cafile=ca_file)


def test_credentials_do_not_follow_a_redirect_to_storage(shared_sandbox: Sandbox) -> None:
    # The attachment download answers 302 to another origin (SPEC S3.4): both libraries drop
    # the Authorization header there, and the sandbox's storage origin records what arrived.
    sb = shared_sandbox
    f = sb.fixtures
    url = f"{sb.api_base}/1/cards/{f['card_id']}/attachments/{f['attachment_id']}/download/{f['attachment_name']}"
    sb.clear_requests()
    r = requests.get(url, auth=RequestsAuth(creds(sb)), timeout=10)
    assert r.status_code == 200
    h = httpx.get(url, auth=HttpxAuth(creds(sb)), follow_redirects=True)
    assert h.status_code == 200
    storage = sb.storage_requests()
    assert len(storage) == 2
    assert not any(s["credentials_present"] for s in storage)


def test_plain_http_to_another_host_is_refused_before_sending() -> None:
    c = ta.Credentials("0123456789abcdef0123456789abcdef", "f" * 64)
    with pytest.raises(ta.PlacementError) as refused:
        requests.Request("GET", "http://api.trello.com/1/members/me", auth=RequestsAuth(c)).prepare()
    assert refused.value.code == "insecure_scheme" and isinstance(refused.value, ValueError)

    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    with httpx.Client(transport=httpx.MockTransport(record), auth=HttpxAuth(c)) as client:
        with pytest.raises(ta.PlacementError):
            client.get("http://api.trello.com/1/members/me")
        assert sent == []
        # https anywhere, and plain http to loopback, get the header.
        for url in ("https://api.trello.com/1/members/me", "http://localhost:8080/x", "http://[::1]:1/x", "http://127.0.0.2/"):
            client.get(url)
        assert [r.headers["authorization"] for r in sent] == [c.authorization_header()] * 4


def test_a_request_that_already_has_credentials_is_refused() -> None:
    c = ta.Credentials("0123456789abcdef0123456789abcdef", "f" * 64)
    auth = RequestsAuth(c)
    with pytest.raises(ta.PlacementError) as header:
        requests.Request("GET", "https://api.trello.com/", headers={"Authorization": "x"}, auth=auth).prepare()
    assert header.value.code == "credentials_present"
    with pytest.raises(ta.PlacementError) as query:
        requests.Request("GET", "https://api.trello.com/?token=x", auth=auth).prepare()
    assert query.value.code == "credentials_present"
    with pytest.raises(TypeError, match="credentials"):
        RequestsAuth("not credentials")  # type: ignore[arg-type]
    assert "[redacted]" in repr(auth) and "f" * 64 not in repr(auth)


def test_adapters_import_without_requests_or_httpx() -> None:
    code = (
        "import sys\n"
        "sys.modules['requests'] = None\n"  # None in sys.modules makes `import` fail
        "sys.modules['httpx'] = None\n"
        "import trello_auth, trello_auth.adapters\n"
        "assert 'requests' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
        "c = trello_auth.Credentials('0123456789abcdef0123456789abcdef', 'f' * 64)\n"
        "trello_auth.adapters.RequestsAuth(c); trello_auth.adapters.HttpxAuth(c)\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
