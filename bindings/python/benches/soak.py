"""The Python client's part of ``cargo xtask soak``: reads its orders (one JSON line on stdin:
``api_base``, ``key``, ``token``, ``ca_file``, ``list``, ``seconds``), runs two threads of
``ta.Client`` calls (read the member, create a card, rename it, delete it) until the time is up,
and prints one JSON line: the calls by outcome."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import Counter

import trello_auth as ta


def main() -> None:
    orders = json.loads(sys.stdin.readline())
    deadline = time.monotonic() + orders["seconds"]
    tally: Counter[str] = Counter()
    lock = threading.Lock()

    def work(index: int) -> None:
        client = ta.Client(
            orders["key"],
            orders["token"],
            api_base=orders["api_base"],
            ca_file=orders["ca_file"],
            timeout=1.0,
            backoff=0.01,
            rate_limit=False,
        )
        n = 0
        card = None
        while time.monotonic() < deadline:
            n += 1
            try:
                step = n % 4
                if step == 0:
                    client.get("/1/members/me")
                elif step == 1:
                    card = client.post(f"/1/cards?idList={orders['list']}&name=py-{index}-{n}", {})["id"]
                elif step == 2 and card:
                    client.put(f"/1/cards/{card}/name", params={"value": f"r{n}"})
                elif card:
                    client.delete(f"/1/cards/{card}")
                    card = None
                else:
                    continue
                outcome = "ok"
            except ta.TransportError as e:
                outcome = f"transport/{e.kind}"
            except ta.TrelloAuthError as e:
                outcome = e.code
            with lock:
                tally[outcome] += 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps(dict(tally)))


if __name__ == "__main__":
    main()
