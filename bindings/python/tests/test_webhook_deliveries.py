"""Webhooks end to end (SPEC S9): ``ta.Client`` creates them against the sandbox, the sandbox
delivers real signed ``POST`` s to a receiver on loopback, and ``ta.webhooks.verify`` checks
them; retries, 410 and revocation as Trello does them."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import trello_auth as ta
from trello_auth.sandbox import Sandbox

#: A bound on waiting for a delivery when things work, not a pause.
PATIENCE = 20.0


class Receiver:
    """A callback URL on 127.0.0.1: answers HEAD 200 and each POST with the next scripted
    status (200 when none), and queues what it got."""

    def __init__(self) -> None:
        self.got: queue.Queue[tuple[str, Message, bytes]] = queue.Queue()
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_HEAD(self) -> None:
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                # HTTPMessage: names are case-insensitive (hyper sends them lowercase).
                receiver.got.put((self.path, self.headers, body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/trello"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def delivery(self) -> tuple[str, Message, bytes]:
        return self.got.get(timeout=PATIENCE)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    with Sandbox(webhook_retry_delays=[0.02, 0.02, 0.02], webhook_timeout=0.5) as s:
        yield s


def rename(client: ta.Client, card: str, name: str) -> None:
    client.put(f"/1/cards/{card}/name", {"value": name})


def test_a_rename_is_delivered_signed_and_verifies(sb: Sandbox, receiver: Receiver) -> None:
    client = ta.Client(sb.app_key, sb.token, api_base=sb.api_base)
    card = sb.fixtures["card_id"]
    url = receiver.url + "?via=proxy"
    hook = client.create_webhook(url, card, description="py")
    assert hook["callbackURL"] == url and hook["idModel"] == card
    assert client.webhooks() == [hook]

    rename(client, card, "Renamed from Python")
    path, headers, body = receiver.delivery()
    ta.webhooks.verify(sb.app_secret, url, body, headers.get(ta.webhooks.HEADER))
    # What a proxy's backend would see is not what was registered.
    with pytest.raises(ta.WebhookSignatureError) as caught:
        ta.webhooks.verify(sb.app_secret, "http://10.0.0.7:8080" + path, body, headers[ta.webhooks.HEADER])
    assert caught.value.code == "mismatch"
    delivered = json.loads(body)
    assert delivered["action"]["type"] == "updateCard"
    assert delivered["action"]["data"]["old"]["name"] == "Welcome to the sandbox"
    assert delivered["model"]["name"] == "Renamed from Python"

    client.post(f"/1/cards/{card}/actions/comments", {"text": "from Python"})
    _, headers, body = receiver.delivery()
    ta.webhooks.verify(sb.app_secret, url, body, headers[ta.webhooks.HEADER])
    assert json.loads(body)["action"]["data"]["text"] == "from Python"

    # The canary: the secret that signs is nowhere the sandbox shows a delivery.
    shown = repr(sb.wait_for_webhook_deliveries(2, timeout=PATIENCE)) + repr(sb.requests()) + repr(sb)
    assert sb.app_secret not in shown

    client.delete_webhook(hook["id"])
    assert client.webhooks() == []


def test_retries_then_410_deletes_the_webhook(sb: Sandbox, receiver: Receiver) -> None:
    client = ta.Client(sb.app_key, sb.token, api_base=sb.api_base)
    card = sb.fixtures["card_id"]
    hook = client.create_webhook(receiver.url, card)
    receiver.statuses = [500, 502, 410]
    rename(client, card, "Gone")
    log = sb.wait_for_webhook_deliveries(1, timeout=PATIENCE)
    assert [a["status"] for a in log[0]["attempts"]] == [500, 502, 410]
    assert log[0]["outcome"] == "gone"
    assert hook["id"] not in sb.webhook_ids()
    assert client.webhooks() == []


def test_no_webhook_without_a_200_head_or_to_a_remote_http_url(sb: Sandbox) -> None:
    client = ta.Client(sb.app_key, sb.token, api_base=sb.api_base)
    card = sb.fixtures["card_id"]
    # Nothing listens on this port: the HEAD check cannot answer 200.
    with pytest.raises(ta.ApiError) as refused:
        client.create_webhook("http://127.0.0.1:9/nothing", card)
    with pytest.raises(ta.ApiError) as refused:
        client.create_webhook("http://example.com/hook", card)
    with pytest.raises(ValueError):
        client.create_webhook("not a url", card)
    assert sb.webhook_ids() == []


def test_revoking_the_token_deletes_its_webhooks(sb: Sandbox, receiver: Receiver) -> None:
    token = sb.mint_token()
    client = ta.Client(sb.app_key, token, api_base=sb.api_base)
    hook = client.create_webhook(receiver.url, sb.fixtures["board_id"])
    assert sb.webhook_ids() == [hook["id"]]
    client.revoke()
    assert sb.webhook_ids() == []
