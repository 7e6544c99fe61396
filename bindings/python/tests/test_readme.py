"""The Python examples of the READMEs (the workspace's and the wheel's) run, so they cannot rot
(the Rust examples are doctests)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from _redis import RedisServer

ROOT = Path(__file__).resolve().parents[3]
READMES = [ROOT / "README.md", ROOT / "bindings" / "python" / "README.md"]


def examples(info: str = "python") -> list[tuple[str, str]]:
    found = []
    pattern = rf"```{re.escape(info)}\n(.*?)```"
    for readme in READMES:
        for i, block in enumerate(re.findall(pattern, readme.read_text(encoding="utf-8"), re.S)):
            found.append((f"{readme.relative_to(ROOT)}#{info}{i}", block))
    return found


@pytest.mark.parametrize(("where", "code"), examples(), ids=[w for w, _ in examples()])
def test_readme_example_runs(
    where: str, code: str, capsys: pytest.CaptureFixture[str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    redis = RedisServer(tmp_path) if "REDIS_URL" in code else None
    if redis is not None:
        monkeypatch.setenv("REDIS_URL", redis.url)
    try:
        exec(compile(code, where, "exec"), {"__name__": "readme"})
    finally:
        if redis is not None:
            redis.stop()
    out = capsys.readouterr().out
    assert out, "the example prints what it shows"
    if "except ta.TokenRevoked" in code:
        assert "token revoked: re-authorize" in out
    if "OAuth2Client" in code:
        # It prints the token set: its repr redacts every token.
        assert "access_token=[redacted]" in out and "refresh_token=[redacted]" in out


@pytest.mark.parametrize(
    ("where", "code"), examples("python no-run"), ids=[w for w, _ in examples("python no-run")]
)
def test_readme_example_that_needs_a_person_compiles(where: str, code: str) -> None:
    # A login waits for a person at a browser: these blocks are compiled, not run.
    compile(code, where, "exec")


def test_every_readme_has_a_python_example() -> None:
    assert {w.split("#")[0] for w, _ in examples()} == {str(r.relative_to(ROOT)) for r in READMES}
