"""``ta.RedisBudget``: one rate budget for a fleet of processes through a real Redis (SPEC
S4.3), its failure policy, and its arguments."""

from __future__ import annotations

import multiprocessing
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

import trello_auth as ta
from trello_auth.sandbox import Sandbox

from _redis import RedisServer

WINDOW = 1.0
KEY_MAX = 6


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    yield server
    server.stop()


def _worker(api_base: str, key: str, token: str, board: str, url: str, calls: int) -> int:
    budget = ta.RedisBudget(url, key_max=KEY_MAX, token_max=KEY_MAX, window=WINDOW, margin=0.4, timeout=2.0)
    client = ta.Client(key, token, api_base=api_base, rate_limit=budget)
    for _ in range(calls):
        client.get(f"/1/boards/{board}")
    return calls


def test_four_processes_share_one_budget(redis_server: RedisServer) -> None:
    with Sandbox(rate_limits=(KEY_MAX, KEY_MAX, WINDOW)) as sb:
        board = sb.fixtures["board_id"]
        spawn = multiprocessing.get_context("spawn")
        with spawn.Pool(4) as pool:
            args = [(sb.api_base, sb.app_key, sb.token, board, redis_server.url, 4)] * 4
            assert pool.starmap(_worker, args) == [4] * 4
        log = sb.requests()
        assert [r["status"] for r in log] == [200] * 16, "no 429: the budget held for all four"
        times: dict[str, list[int]] = defaultdict(list)
        for r in log:
            assert r["counted"] is not None
            times[r["counted"]["key"]].append(r["counted"]["at_ms"])
        (arrivals,) = times.values()
        arrivals.sort()
        window_ms = int(WINDOW * 1000)
        for i, start in enumerate(arrivals):
            inside = [t for t in arrivals[i:] if t < start + window_ms]
            assert len(inside) <= KEY_MAX, f"{len(inside)} requests in the window from {start}"


def test_fail_closed_sends_nothing_while_redis_is_frozen(redis_server: RedisServer) -> None:
    with Sandbox() as sb:
        budget = ta.RedisBudget(redis_server.url, timeout=0.05)
        assert repr(budget) == 'RedisBudget(key_max=300, token_max=100, window=10.0, on_redis_down="fail_closed")'
        client = ta.Client(sb.app_key, sb.token, api_base=sb.api_base, rate_limit=budget)
        oauth2 = ta.OAuth2Client(
            sb.oauth2_public_client_id,
            ta.TokenSet("at", None, None, ()),
            on_tokens=None,
            api_base=sb.api_base,
            rate_limit=budget,
        )
        assert client.me()["id"] == sb.member["id"]
        redis_server.pause()
        with pytest.raises(ta.RateBudgetUnavailable) as caught:
            client.me()
        assert caught.value.code == "rate_budget_unavailable"
        assert isinstance(caught.value, ConnectionError)
        with pytest.raises(ta.RateBudgetUnavailable):
            oauth2.me()
        assert len(sb.requests()) == 1, "nothing was sent while Redis was frozen"
        redis_server.resume()
        assert client.me()["id"] == sb.member["id"]


def test_local_share_sends_its_share_while_redis_is_frozen(redis_server: RedisServer) -> None:
    with Sandbox() as sb:
        budget = ta.RedisBudget(
            redis_server.url, on_redis_down="local_share", fleet_size=4, timeout=0.05
        )
        client = ta.Client(sb.app_key, sb.token, api_base=sb.api_base, rate_limit=budget)
        redis_server.pause()
        assert client.me()["id"] == sb.member["id"]
        redis_server.resume()


def test_arguments_are_checked_and_the_url_never_shown() -> None:
    with pytest.raises(ta.ConfigError, match="fleet_size"):
        ta.RedisBudget("redis://127.0.0.1/", on_redis_down="local_share")
    with pytest.raises(ta.ConfigError, match="on_redis_down"):
        ta.RedisBudget("redis://127.0.0.1/", on_redis_down="sometimes")  # type: ignore[arg-type]
    with pytest.raises(ta.ConfigError) as caught:
        ta.RedisBudget("redys://:canary-password@127.0.0.1/")
    assert "canary-password" not in str(caught.value)
    budget = ta.RedisBudget("redis://:canary-password@127.0.0.1:1/", on_redis_down="fail_open")
    assert "canary-password" not in repr(budget)
    with pytest.raises(TypeError, match="RedisBudget"):
        ta.Client("0" * 32, "f" * 64, rate_limit="redis://127.0.0.1/")  # type: ignore[arg-type]
