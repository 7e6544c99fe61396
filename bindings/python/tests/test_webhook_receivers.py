"""The Flask and FastAPI receivers of docs/webhooks.md run (SPEC S9): each is executed as written
and driven through its framework's test client, as Trello would through a proxy."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from flask import Flask

import trello_auth as ta

GUIDE = Path(__file__).resolve().parents[3] / "docs" / "webhooks.md"
#: A canary: it must never show up in an answer or a log.
SECRET = "c4n4ry" + secrets.token_hex(16)
#: What was passed as callbackURL to POST /1/webhooks ...
REGISTERED = "https://example.com/hooks/trello"
#: ... and where the deliveries arrive, through a proxy.
SEEN = "http://10.0.0.7:8080"
PATH = "/hooks/trello"
BODY = (
    '{"action":{"type":"updateCard","data":{"card":{"name":"Café ✓"}}},'
    '"model":{"id":"5abbe4b7ddc1b351ef961414"}}'
).encode()


def signature(body: bytes, url: str = REGISTERED) -> str:
    # What Trello sends, computed with the standard library alone.
    return base64.b64encode(hmac.new(SECRET.encode(), body + url.encode(), hashlib.sha1).digest()).decode()


def example(marker: str) -> str:
    blocks: list[str] = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    found = [b for b in blocks if marker in b]
    assert len(found) == 1, f"docs/webhooks.md: one python block with {marker!r}, got {len(found)}"
    return found[0]


@dataclass
class Answer:
    status: int
    #: The body and the headers, to look for what must not leak.
    text: str


@dataclass
class Receiver:
    head: Callable[[], Answer]
    post: Callable[[bytes, Optional[str]], Answer]
    received: list[bytes]


def headers(header: Optional[str]) -> dict[str, str]:
    h = {"Content-Type": "application/json"}
    if header is not None:
        h[ta.webhooks.HEADER] = header
    return h


def run(marker: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    monkeypatch.setenv("TRELLO_APP_SECRET", SECRET)
    monkeypatch.setenv("TRELLO_CALLBACK_URL", REGISTERED)
    namespace: dict[str, object] = {"__name__": f"webhooks_{marker.split()[-1]}"}
    exec(compile(example(marker), f"docs/webhooks.md ({marker})", "exec"), namespace)
    return namespace


@pytest.fixture(params=["flask", "fastapi"])
def receiver(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    namespace = run(f"from {request.param}", monkeypatch)
    received = namespace["received"]
    assert isinstance(received, list)
    app = namespace["app"]
    if isinstance(app, Flask):
        flask_client = app.test_client()

        def flask_head() -> Answer:
            r = flask_client.head(SEEN + PATH)
            return Answer(r.status_code, r.get_data(as_text=True) + str(r.headers))

        def flask_post(body: bytes, header: Optional[str]) -> Answer:
            r = flask_client.post(SEEN + PATH, data=body, headers=headers(header))
            return Answer(r.status_code, r.get_data(as_text=True) + str(r.headers))

        yield Receiver(flask_head, flask_post, received)
    else:
        assert isinstance(app, FastAPI)
        with TestClient(app, base_url=SEEN) as client:

            def fastapi_head() -> Answer:
                r = client.head(PATH)
                return Answer(r.status_code, r.text + str(r.headers))

            def fastapi_post(body: bytes, header: Optional[str]) -> Answer:
                r = client.post(PATH, content=body, headers=headers(header))
                return Answer(r.status_code, r.text + str(r.headers))

            yield Receiver(fastapi_head, fastapi_post, received)


def test_head_answers_200(receiver: Receiver) -> None:
    # Trello creates the webhook only if HEAD callbackURL answers 200.
    assert receiver.head().status == 200


def test_a_delivery_signed_over_the_registered_url_is_accepted(receiver: Receiver) -> None:
    # Posted to SEEN, signed over REGISTERED: the example must not use request.url.
    assert signature(BODY) != signature(BODY, SEEN + PATH)
    assert receiver.post(BODY, signature(BODY)).status == 200
    assert receiver.received == [BODY]
    assert json.loads(receiver.received[0])["action"]["data"]["card"]["name"] == "Café ✓"


def test_a_body_that_is_not_utf8_verifies_as_bytes(receiver: Receiver) -> None:
    body = b'{"action":{"data":{"text":"\xff\xfe"}},"model":{}}'
    assert receiver.post(body, signature(body)).status == 200
    assert receiver.received == [body]


def test_bad_deliveries_get_401_and_leak_nothing(
    receiver: Receiver, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    reserialised = json.dumps(json.loads(BODY), indent=1).encode()
    cases = {
        "re-serialised JSON": (reserialised, signature(BODY)),
        "signed over the URL the server sees": (BODY, signature(BODY, SEEN + PATH)),
        "no header": (BODY, None),
        "not base64": (BODY, "not a signature"),
    }
    for what, (body, header) in cases.items():
        answer = receiver.post(body, header)
        assert answer.status == 401, what
        assert SECRET not in answer.text, what
    assert receiver.received == []
    for code in ("mismatch", "missing_header", "malformed_header"):
        assert code in caplog.text
    out = capsys.readouterr()
    for where in (caplog.text, out.out, out.err):
        assert SECRET not in where
        assert signature(BODY) not in where and signature(BODY, SEEN + PATH) not in where


def test_the_flask_receiver_verifies_the_sandboxs_real_deliveries(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from werkzeug.serving import make_server

    from trello_auth.sandbox import Sandbox

    with Sandbox() as sb:
        namespace = run("from flask", monkeypatch)
        app = namespace["app"]
        assert isinstance(app, Flask)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        url = f"http://127.0.0.1:{server.server_port}{PATH}"
        # The example read its settings at import: give it the sandbox's secret and this URL.
        namespace["APP_SECRET"], namespace["CALLBACK_URL"] = sb.app_secret, url
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            client = ta.Client(sb.app_key, sb.token, api_base=sb.api_base)
            card = sb.fixtures["card_id"]
            client.create_webhook(url, card)  # the sandbox's HEAD got 200 from Flask
            client.put(f"/1/cards/{card}/name", {"value": "Verified by Flask"})
            log = sb.wait_for_webhook_deliveries(1, timeout=20.0)
        finally:
            server.shutdown()
            thread.join()
    assert log[0]["outcome"] == "delivered" and log[0]["attempts"] == [{"status": 200, "error": None}]
    received = namespace["received"]
    assert isinstance(received, list) and len(received) == 1
    assert json.loads(received[0])["model"]["name"] == "Verified by Flask"
