"""Thread safety: one ``Client`` shared by 8 threads (its connection pool and rate limiter are
shared), and blocking I/O that releases the GIL so other threads run meanwhile."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import trello_auth as ta
from trello_auth.sandbox import Sandbox


def test_one_client_used_from_8_threads() -> None:
    with Sandbox() as sb:
        client = ta.Client(sb.app_key, sb.token, api_base=sb.api_base)
        creds = ta.Credentials(sb.app_key, sb.token, api_base=sb.api_base)
        barrier = threading.Barrier(8)

        def work(n: int) -> list[str]:
            barrier.wait()
            ids = []
            for i in range(10):
                ids.append(client.me()["id"] if (n + i) % 2 else client.get("/1/members/me?fields=id")["id"])
                assert creds.authorize("GET", f"{sb.api_base}/1/members/me")[2]["authorization"]
            return ids

        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(work, range(8)))
        assert all(ids == [sb.member["id"]] * 10 for ids in results)
        assert len([r for r in sb.requests() if r["status"] == 200]) == 80


def test_calls_release_the_gil_while_they_wait() -> None:
    # Four calls, each held 0.3 s by the server: together well under 4 x 0.3 s only if the GIL
    # is released while each waits.
    with Sandbox() as sb:
        sb.inject_fault("/1/members/me", count=4, latency=0.3)
        client = ta.Client(sb.app_key, sb.token, api_base=sb.api_base)
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=4) as pool:
            ids = list(pool.map(lambda _: client.me()["id"], range(4)))
        elapsed = time.monotonic() - started
        assert ids == [sb.member["id"]] * 4
        assert 0.3 <= elapsed < 0.9, elapsed


def test_python_threads_run_during_a_call() -> None:
    with Sandbox() as sb:
        sb.inject_fault("/1/members/me", count=1, latency=0.3)
        client = ta.Client(sb.app_key, sb.token, api_base=sb.api_base)
        ticks = 0
        done = threading.Event()

        def tick() -> None:
            nonlocal ticks
            while not done.is_set():
                ticks += 1
                time.sleep(0.01)

        ticker = threading.Thread(target=tick)
        ticker.start()
        try:
            client.me()
        finally:
            done.set()
            ticker.join()
        assert ticks >= 10, ticks
