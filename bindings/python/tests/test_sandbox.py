"""``trello_auth.sandbox``: the context manager, its TLS CA file, allowed origins, the admin
helpers' argument checks, and the pytest fixture users import."""

from __future__ import annotations

import os
from typing import Callable

import pytest

import trello_auth as ta
from conftest import click
from trello_auth.sandbox import Sandbox


def test_the_context_manager_stops_the_server_and_removes_the_ca_file() -> None:
    with Sandbox(tls=True) as sb:
        ca_file = sb.ca_file
        assert ca_file is not None and os.path.exists(ca_file)
        assert sb.running
        assert sb.token not in repr(sb)
    assert not sb.running
    assert not os.path.exists(ca_file)
    sb.close()  # idempotent
    with pytest.raises(ta.TransportError):
        ta.Client(sb.app_key, sb.token, api_base=sb.api_base, max_retries=0).me()
    with Sandbox() as plain:
        assert plain.ca_file is None and plain.ca_pem is None
        assert plain.api_base.startswith("http://127.0.0.1:")


def test_allowed_origins_replace_the_default_apps() -> None:
    with Sandbox(allowed_origins=["https://app.example"]) as sb:
        url = ta.authorize_url(
            sb.app_key, callback_method="fragment", return_url="https://app.example/cb", auth_base=sb.auth_base
        )
        answer = click(url, "Allow")
        assert answer.location is not None and answer.location.startswith("https://app.example/cb#token=")
        assert ta.Client(sb.app_key, ta.parse_fragment(answer.location), api_base=sb.api_base).me()


def test_admin_helpers(sandbox: Sandbox) -> None:
    sb = sandbox
    before = sb.now()
    sb.advance_clock(90)
    assert sb.now() >= before + 90
    token = sb.mint_token(scope="read", expires_in=5)
    assert sb.revoke_token(token) and not sb.revoke_token("f" * 64)
    with pytest.raises(ta.TokenRevoked):
        ta.Client(sb.app_key, token, api_base=sb.api_base).me()
    assert set(sb.fixtures) == {"board_id", "list_id", "card_id", "attachment_id", "attachment_name"}
    assert set(sb.member) == {"id", "username", "full_name"}
    assert sb.app_name


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"rate_limits": (-1, 10, 1.0)}, "rate_limits"),
        ({"rate_limits": (10, 2**40, 1.0)}, "rate_limits"),
        ({"rate_limits": (10, 10, 0.0)}, "rate_limits"),
        ({"worker_threads": 0}, "worker_threads"),
    ],
)
def test_sandbox_arguments_are_checked(kwargs: dict[str, object], argument: str) -> None:
    with pytest.raises(ta.ConfigError, match=f"^{argument}: "):
        Sandbox(**kwargs)  # type: ignore[arg-type]


def test_admin_arguments_are_checked(shared_sandbox: Sandbox) -> None:
    sb = shared_sandbox
    calls: list[tuple[Callable[[], object], str]] = [
        (lambda: sb.inject_fault("/1", count=-1), "count"),
        (lambda: sb.inject_fault("/1", status=99), "status"),
        (lambda: sb.inject_fault("/1", status=2**70), "status"),
        (lambda: sb.inject_fault("/1", latency=-1), "latency"),
        (lambda: sb.advance_clock(-1), "seconds"),
        (lambda: sb.mint_token(scope="admin"), "scope"),
        (lambda: sb.mint_token(expiration="forever"), "expiration"),
    ]
    for call, argument in calls:
        with pytest.raises(ValueError, match=f"^{argument}: "):
            call()


def test_exceptions_pickle_with_their_code() -> None:
    import pickle

    with Sandbox() as sb:
        client = ta.Client(sb.app_key, sb.token, api_base=sb.api_base)
        client.revoke()
        with pytest.raises(ta.TokenRevoked) as revoked:
            client.me()
    copy = pickle.loads(pickle.dumps(revoked.value))
    assert type(copy) is ta.TokenRevoked
    assert (copy.code, copy.reason, str(copy)) == ("token_rejected", "invalid", str(revoked.value))
