"""The fault matrix (``tests/faults/matrix.json``, shared with the Rust runner in
``tests/it/faults.rs``) over ``ta.Client``, on plain HTTP and HTTPS: every cell arms its
fault in a fresh sandbox, makes its calls, and checks the outcomes, how many requests the
sandbox answered, and how many times the write was applied."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import trello_auth as ta
from trello_auth.sandbox import Sandbox

MATRIX = Path(__file__).resolve().parents[3] / "tests" / "faults" / "matrix.json"
CELLS: list[dict[str, Any]] = json.loads(MATRIX.read_text())["cells"]


def outcome(call: Any) -> str:
    try:
        call()
    except ta.TransportError as e:
        return f"transport/{e.kind}"
    except ta.TrelloAuthError as e:
        return e.code
    return "ok"


def run(cell: dict[str, Any], tls: bool, tmp_path: Path) -> list[str]:
    sandbox_cfg = cell.get("sandbox", {})
    limits = sandbox_cfg.get("rate_limits")
    with Sandbox(tls=tls, rate_limits=tuple(limits) if limits else None) as sb:
        client_cfg = cell.get("client", {})
        ca_file = sb.ca_file
        if sandbox_cfg.get("wrong_ca"):
            with Sandbox(tls=True) as other:
                ca_file = str(tmp_path / "other-ca.pem")
                Path(ca_file).write_text(other.ca_pem or "")

        def client(token: str) -> ta.Client:
            return ta.Client(
                sb.app_key,
                token,
                api_base=sb.api_base,
                ca_file=ca_file,
                timeout=client_cfg.get("timeout_ms", 10_000) / 1000,
                backoff=client_cfg.get("backoff_ms", 20) / 1000,
                rate_limit=client_cfg.get("limiter", True),
            )

        main, fresh = client(sb.token), client(sb.mint_token())
        fault = cell.get("fault")
        if fault:
            sb.inject_fault(
                fault["path"],
                count=fault.get("count", 1),
                status=fault.get("status"),
                latency=fault["latency_ms"] / 1000 if "latency_ms" in fault else None,
                close=fault.get("close", False),
                method=fault.get("method"),
                exact=fault.get("match") == "exact",
                after_applying=fault.get("after_applying", False),
                redirect=fault["redirect"].replace("{storage}", sb.storage_base) if "redirect" in fault else None,
                goaway=fault.get("goaway", False),
            )
        name = f"cell-{cell['name']}-python-{tls}"
        list_id = sb.fixtures["list_id"]
        outcomes: Counter[str] = Counter()
        for call in cell["calls"]:
            path = call["path"].replace("{list}", list_id).replace("{name}", name)
            c = fresh if call.get("fresh_token") else main
            for _ in range(call.get("repeat", 1)):
                if call["method"] == "GET":
                    outcomes[outcome(lambda: c.get(path))] += 1
                else:
                    outcomes[outcome(lambda: c.post(path, {}))] += 1
        wrong = []
        expect = cell["expect"]
        if dict(outcomes) != expect["outcomes"]:
            wrong.append(f"outcomes {dict(outcomes)}, expected {expect['outcomes']}")
        logged = len(sb.requests())
        if "logged" in expect and logged != expect["logged"]:
            wrong.append(f"the sandbox answered {logged} requests, expected {expect['logged']}")
        if "applied" in expect:
            applied = sum(n for key, n in sb.applied_writes().items() if name in key)
            if applied != expect["applied"]:
                wrong.append(f"the write was applied {applied} times, expected {expect['applied']}")
        return wrong


@pytest.mark.parametrize("tls", [False, True], ids=["http", "https"])
def test_fault_matrix(tls: bool, tmp_path: Path) -> None:
    failures = []
    ran = 0
    for cell in CELLS:
        if cell.get("tls") == "only" and not tls:
            continue
        ran += 1
        wrong = run(cell, tls, tmp_path)
        if wrong:
            failures.append(f"cell FAILED: {cell['name']}: {'; '.join(wrong)}")
    assert ran >= 11
    assert not failures, "\n".join(failures)

