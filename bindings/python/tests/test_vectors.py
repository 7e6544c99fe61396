"""The Python runner of the conformance vectors (VECTORS.md), with the Rust runner's contract:
every file under tests/vectors/<kind>/ is a case, all are checked before the test fails, each
failure is one line ``vector FAILED: <kind>/<file>.json: <what differed>``, then a count line.
Unknown keys are an error, so a typo cannot silently skip a check."""

from __future__ import annotations

import base64
import json
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Callable, Optional

import trello_auth as ta
from conftest import VECTORS, header_params

KINDS = (
    "authorize",
    "capture",
    "placement",
    "classify",
    "oauth1",
    "pkce",
    "oauth2_authorize",
    "oauth2_redirect",
    "oauth2_token",
)
# Kinds of VECTORS.md this binding does not run (none: every kind folder is run, and an
# unknown folder is a failure).
NOT_YET_BOUND: tuple[str, ...] = ()


class Failed(Exception):
    """What differed in one case."""


def test_conformance_vectors(capsys: Any) -> None:
    files = sorted(p for p in VECTORS.glob("*/*.json"))
    passed, failed = 0, 0
    per_kind: dict[str, int] = {}
    lines = []
    for path in files:
        kind = path.parent.name
        if kind in NOT_YET_BOUND:
            continue
        try:
            run(kind, path)
        except Failed as e:
            failed += 1
            lines.append(f"vector FAILED: {kind}/{path.name}: {e}")
        else:
            passed += 1
            per_kind[kind] = per_kind.get(kind, 0) + 1
    for line in lines:
        print(line)
    print(f"vectors: {passed} passed, {failed} failed {dict(sorted(per_kind.items()))}")
    assert failed == 0, "\n".join(lines)
    for kind in KINDS:
        assert per_kind.get(kind, 0) > 0, f"no {kind} vectors ran"


def test_a_wrong_case_is_reported_not_skipped(tmp_path: Path) -> None:
    # The runner itself can fail: a typo in a key, and a wrong expectation.
    typo = tmp_path / "classify" / "typo.json"
    typo.parent.mkdir()
    typo.write_text(json.dumps({"response": {"status": 200}, "expct": {}}))
    try:
        run("classify", typo)
    except Failed as e:
        assert "unknown key" in str(e)
    else:
        raise AssertionError("an unknown key passed")
    wrong = tmp_path / "classify" / "wrong.json"
    wrong.write_text(
        json.dumps({"response": {"status": 404}, "expect": {"verdict": "success", "action": "done"}})
    )
    try:
        run("classify", wrong)
    except Failed as e:
        assert str(e) == "verdict: expected 'success', got 'not_found'"
    else:
        raise AssertionError("a wrong verdict passed")


def run(kind: str, path: Path) -> None:
    try:
        case = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise Failed(f"invalid case: {e}") from None
    runners: dict[str, Callable[[dict[str, Any]], None]] = {
        "authorize": authorize,
        "capture": capture,
        "placement": placement,
        "classify": classify,
        "oauth1": oauth1,
        "pkce": pkce,
        "oauth2_authorize": oauth2_authorize,
        "oauth2_redirect": oauth2_redirect,
        "oauth2_token": oauth2_token,
        "webhook": webhook,
    }
    runner = runners.get(kind)
    if runner is None:
        raise Failed(f"unknown vector kind folder {kind!r}")
    runner(case)


def webhook(case: dict[str, Any]) -> None:
    fields(case, "case", ("secret", "callback_url", "expect"), ("body", "body_base64", "header"))
    if ("body" in case) == ("body_base64" in case):
        raise Failed("invalid case: give exactly one of body and body_base64")
    body = case["body"].encode("utf-8") if "body" in case else base64.b64decode(case["body_base64"])
    expect = fields(case["expect"], "expect", (), ("valid", "error"))
    try:
        ta.webhooks.verify(case["secret"], case["callback_url"], body, case.get("header"))
        got = "valid"
    except ta.WebhookSignatureError as e:
        got = e.code
    expect_eq("verify", "valid" if expect.get("valid") else expect.get("error"), got)


# --- helpers ------------------------------------------------------------------------------------


def fields(obj: Any, where: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """``obj`` as a dict with exactly these keys (the optional ones may be absent)."""
    if not isinstance(obj, dict):
        raise Failed(f"invalid case: {where} is not an object")
    allowed = set(required) | set(optional) | ({"note"} if where == "case" else set())
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise Failed(f"invalid case: unknown key {unknown[0]!r} in {where}")
    missing = [k for k in required if k not in obj]
    if missing:
        raise Failed(f"invalid case: missing key {missing[0]!r} in {where}")
    return obj


def expect_eq(what: str, expected: Any, actual: Any) -> None:
    if expected != actual:
        raise Failed(f"{what}: expected {expected!r}, got {actual!r}")


def string_map(obj: Any, where: str) -> dict[str, str]:
    if obj is None:
        return {}
    if not isinstance(obj, dict) or not all(isinstance(v, str) for v in obj.values()):
        raise Failed(f"invalid case: {where} is not an object of strings")
    return obj


def one_of(expect: Any, where: str, keys: tuple[str, ...]) -> tuple[str, Any]:
    if not isinstance(expect, dict) or len(expect) != 1 or next(iter(expect)) not in keys:
        raise Failed(f"invalid case: {where} must be one of {keys}")
    return next(iter(expect.items()))


def pairs(s: str) -> list[tuple[str, str]]:
    return urllib.parse.parse_qsl(s, keep_blank_values=True)


# --- authorize/*.json ---------------------------------------------------------------------------


def authorize(case: dict[str, Any]) -> None:
    fields(case, "case", ("input", "expect"))
    i = fields(
        case["input"],
        "input",
        ("key",),
        ("scope", "expiration", "name", "callback_method", "return_url", "base_url"),
    )
    expect = case["expect"]
    if isinstance(expect, dict) and "error" in expect:
        fields(expect, "expect", ("error",))
    else:
        fields(expect, "expect", ("url_base", "params"))
    kwargs: dict[str, Any] = {k: i.get(k) for k in ("scope", "name", "callback_method", "return_url")}
    # The vectors' `base_url` is the authorize origin: Python's `auth_base`.
    kwargs["auth_base"] = i.get("base_url")
    if "expiration" in i and i["expiration"] is not None:
        kwargs["expiration"] = i["expiration"]
    try:
        url = ta.authorize_url(i["key"], **kwargs)
    except ta.ConfigError as e:
        if "error" in expect:
            return expect_eq("error", expect["error"], e.code)
        raise Failed(f"refused: {e.code} ({e})") from None
    if "error" in expect:
        raise Failed(f"expected error {expect['error']!r}, got {url!r}")
    base, _, query = url.partition("?")
    expect_eq("url_base", expect["url_base"], base)
    got: dict[str, str] = {}
    for k, v in pairs(query):
        if k in got:
            raise Failed(f"parameter {k} sent twice")
        got[k] = v
    expect_eq("params", dict(sorted(string_map(expect["params"], "params").items())), dict(sorted(got.items())))


# --- capture/*.json -----------------------------------------------------------------------------


def capture(case: dict[str, Any]) -> None:
    fields(case, "case", ("kind", "input", "expect"), ("origin", "trusted_origin"))
    want, value = one_of(case["expect"], "expect", ("token", "denied", "error"))
    kind = case["kind"]
    try:
        if kind == "fragment":
            token = ta.parse_fragment(case["input"])
        elif kind == "pasted":
            token = ta.parse_pasted_token(case["input"])
        elif kind == "post_message":
            if case.get("origin") is None:
                raise Failed("post_message needs an origin")
            token = ta.parse_post_message(
                case["origin"],
                case["input"],
                trusted_origin=(
                    case["trusted_origin"] if case.get("trusted_origin") is not None else "https://trello.com"
                ),
            )
        else:
            raise Failed(f"unknown capture kind {kind!r}")
    except ta.AuthorizationDenied as e:
        if want == "denied":
            return expect_eq("deny message", value, e.message)
        if want == "error":
            return expect_eq("error", value, e.code)
        raise Failed(f"expected a token, got error {e.code}") from None
    except ta.CaptureError as e:
        if want == "error":
            return expect_eq("error", value, e.code)
        if want == "denied":
            raise Failed(f"expected error 'denied', got error {e.code!r}") from None
        raise Failed(f"expected a token, got error {e.code}") from None
    if want != "token":
        raise Failed(f"expected error {value if want == 'error' else 'denied'!r}, got a token")
    expect_eq("token", value, token)


# --- placement/*.json ---------------------------------------------------------------------------


def placement(case: dict[str, Any]) -> None:
    fields(case, "case", ("credentials", "placement", "request", "expect"), ("api_base",))
    creds_in = fields(case["credentials"], "credentials", ("key", "token"))
    request = fields(case["request"], "request", ("method", "url"), ("headers", "body"))
    want_kind, want = one_of(case["expect"], "expect", ("request", "error"))
    if want_kind == "request":
        fields(want, "expect.request", ("method", "url"), ("headers", "body"))
    try:
        ta.Credentials(creds_in["key"], creds_in["token"])
    except ta.ConfigError as e:
        raise Failed(f"bad credentials: {e}") from None
    try:
        creds = ta.Credentials(
            creds_in["key"], creds_in["token"], api_base=case.get("api_base") or "https://api.trello.com"
        )
    except ta.ConfigError as e:
        if want_kind == "error":
            return expect_eq("error at construction", want, e.code)
        raise Failed(f"api_base refused: {e}") from None
    in_headers = string_map(request.get("headers"), "request.headers")
    try:
        got = creds.authorize(
            request["method"],
            request["url"],
            headers=in_headers,
            body=request.get("body", ""),
            placement=case["placement"],
        )
    except ta.PlacementError as e:
        if want_kind == "error":
            return expect_eq("error", want, e.code)
        raise Failed(f"refused: {e.code} ({e})") from None
    except ta.ConfigError as e:
        raise Failed(f"bad input: {e}") from None
    if want_kind == "error":
        raise Failed(f"expected error {want!r}, got a request for {got[1]!r}")
    compare(request, want, got)


def compare(request: Mapping[str, Any], want: Mapping[str, Any], got: tuple[str, str, dict[str, str], bytes]) -> None:
    method, url, headers, body = got
    expect_eq("method", want["method"], method)
    compare_url(request["url"], want["url"], url)
    want_headers = string_map(want.get("headers"), "expect.request.headers")
    in_headers = string_map(request.get("headers"), "request.headers")
    for name, value in want_headers.items():
        expect_eq(f"header {name}", value, headers.get(name.lower()))
    listed = {k.lower() for k in want_headers} | {k.lower() for k in in_headers}
    for name in headers:
        if name not in listed:
            raise Failed(f"unexpected header {name}")
    content_type = next((v.lower() for k, v in want_headers.items() if k.lower() == "content-type"), "")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Failed("body is not UTF-8") from None
    want_body = want.get("body", "")
    if "json" in content_type:
        try:
            expect_eq("JSON body", json.loads(want_body), json.loads(text))
        except ValueError as e:
            raise Failed(f"body JSON: {e}") from None
    elif content_type.startswith("application/x-www-form-urlencoded"):
        expect_eq("form body", pairs(want_body), pairs(text))
    else:
        expect_eq("body", want_body, text)


def compare_url(input_url: str, want: str, got: str) -> None:
    """URLs compare exactly, except that query parameters after the input's own are in any
    order."""

    def split(u: str) -> tuple[str, list[tuple[str, str]]]:
        base, sep, query = u.partition("?")
        return base, pairs(query) if sep else []

    want_base, want_q = split(want)
    got_base, got_q = split(got)
    expect_eq("URL", want_base, got_base)
    fixed = len(split(input_url)[1])
    if len(want_q) < fixed or len(got_q) < fixed:
        return expect_eq("query", want_q, got_q)
    expect_eq("original query", want_q[:fixed], got_q[:fixed])
    expect_eq("added query", sorted(want_q[fixed:]), sorted(got_q[fixed:]))


# --- classify/*.json ----------------------------------------------------------------------------


def classify(case: dict[str, Any]) -> None:
    fields(case, "case", ("response", "expect"))
    response = fields(case["response"], "response", ("status",), ("headers", "body"))
    want = fields(case["expect"], "expect", ("verdict", "action"), ("reason", "limit", "retry_after_ms"))
    if not isinstance(response["status"], int):
        raise Failed("invalid case: response.status is not a number")
    try:
        verdict = ta.classify(
            response["status"], response.get("body", ""), string_map(response.get("headers"), "response.headers")
        )
    except (ta.ConfigError, TypeError) as e:
        raise Failed(f"bad input response: {e}") from None
    expect_eq("verdict", want["verdict"], verdict.kind)
    expect_eq("action", want["action"], verdict.action)
    reason = verdict.reason if verdict.kind == "token_rejected" else None
    if want.get("reason") is not None:
        expect_eq("reason", want["reason"], reason)
    if want.get("limit") is not None:
        expect_eq("limit", want["limit"], verdict.limit)
    # Absent: not checked; null: no hint expected; a number: that hint.
    if "retry_after_ms" in want:
        got = None if verdict.retry_after is None else round(verdict.retry_after * 1000)
        expect_eq("retry_after_ms", want["retry_after_ms"], got)


# --- oauth1/*.json ------------------------------------------------------------------------------


def oauth1(case: dict[str, Any]) -> None:
    fields(
        case,
        "case",
        ("consumer_key", "consumer_secret", "nonce", "timestamp", "request", "expect"),
        ("token", "token_secret", "include_version", "extra_oauth_params"),
    )
    request = fields(case["request"], "request", ("method", "url"), ("headers", "body"))
    want = fields(case["expect"], "expect", ("base_string", "signature"), ("authorization_params",))
    extra = string_map(case.get("extra_oauth_params"), "extra_oauth_params")
    for name in extra:
        if name not in ("oauth_callback", "oauth_verifier"):
            raise Failed(f"unsupported extra_oauth_params entry {name!r}")
    if not str(case["timestamp"]).isdigit():
        raise Failed("timestamp is not a number")
    headers = string_map(request.get("headers"), "request.headers")
    content_type: Optional[str] = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    try:
        signed = ta.oauth1.signature(
            request["method"],
            request["url"],
            consumer_key=case["consumer_key"],
            consumer_secret=case["consumer_secret"],
            token=case.get("token"),
            # As in the Rust runner: a token without a secret signs with an empty one, and a
            # secret without a token is ignored.
            token_secret=case.get("token_secret") or "" if case.get("token") is not None else None,
            body=request.get("body", ""),
            nonce=case["nonce"],
            timestamp=case["timestamp"],
            callback=extra.get("oauth_callback"),
            verifier=extra.get("oauth_verifier"),
            include_version=case.get("include_version", True),
            content_type=content_type,
        )
    except (ta.TrelloAuthError, TypeError) as e:
        raise Failed(f"sign failed: {e}") from None
    expect_eq("base_string", want["base_string"], signed.base_string)
    expect_eq("signature", want["signature"], signed.signature)
    try:
        header = header_params(signed.authorization)
    except ValueError as e:
        raise Failed(str(e)) from None
    for name, value in string_map(want.get("authorization_params"), "authorization_params").items():
        expect_eq(f"authorization {name}", value, header.get(name))


# --- pkce/*.json --------------------------------------------------------------------------------


def pkce(case: dict[str, Any]) -> None:
    fields(case, "case", ("expect",), ("random_hex", "verifier"))
    expect = case["expect"]
    if isinstance(expect, dict) and "error" in expect:
        fields(expect, "expect", ("error",))
    else:
        fields(expect, "expect", ("challenge",), ("verifier",))
    has_hex, has_verifier = "random_hex" in case, "verifier" in case
    if has_hex == has_verifier:
        raise Failed("invalid case: give exactly one of random_hex and verifier")
    try:
        if has_hex:
            try:
                random = bytes.fromhex(case["random_hex"])
            except (TypeError, ValueError):
                raise Failed("invalid case: random_hex must be 64 hex digits") from None
            if len(random) != 32:
                raise Failed("invalid case: random_hex must be 64 hex digits")
            pair = ta.oauth2.Pkce.from_bytes(random)
        else:
            pair = ta.oauth2.Pkce(case["verifier"])
    except ta.ConfigError as e:
        if "error" in expect:
            return expect_eq("error", expect["error"], e.code)
        raise Failed(f"refused: {e.code} ({e})") from None
    if "error" in expect:
        raise Failed(f"expected error {expect['error']!r}, got challenge {pair.challenge!r}")
    if expect.get("verifier") is not None:
        expect_eq("verifier", expect["verifier"], pair.verifier)
    expect_eq("challenge", expect["challenge"], pair.challenge)


# --- oauth2_authorize/*.json --------------------------------------------------------------------


def oauth2_authorize(case: dict[str, Any]) -> None:
    fields(case, "case", ("input", "expect"))
    i = fields(
        case["input"],
        "input",
        ("client_id", "redirect_uri", "scopes", "state", "verifier"),
        ("offline", "audience", "base_url"),
    )
    expect = case["expect"]
    if isinstance(expect, dict) and "error" in expect:
        fields(expect, "expect", ("error",))
    else:
        fields(expect, "expect", ("url_base", "params"))
    if not isinstance(i["scopes"], list):
        raise Failed("invalid case: input.scopes is not a list")
    kwargs: dict[str, Any] = {}
    if i.get("offline") is not None:
        kwargs["offline"] = i["offline"]
    try:
        request = ta.oauth2.authorization_request(
            i["client_id"],
            i["redirect_uri"],
            scopes=i["scopes"],
            state=i["state"],
            verifier=i["verifier"],
            audience=i.get("audience"),
            # The vectors' `base_url` is the authorization server's origin: `auth_base`.
            auth_base=i.get("base_url"),
            **kwargs,
        )
    except ta.ConfigError as e:
        if "error" in expect:
            return expect_eq("error", expect["error"], e.code)
        raise Failed(f"refused: {e.code} ({e})") from None
    if "error" in expect:
        raise Failed(f"expected error {expect['error']!r}, got {request.url!r}")
    expect_eq("state", i["state"], request.state)
    expect_eq("verifier", i["verifier"], request.verifier)
    base, _, query = request.url.partition("?")
    expect_eq("url_base", expect["url_base"], base)
    got: dict[str, str] = {}
    for k, v in pairs(query):
        if k in got:
            raise Failed(f"parameter {k} sent twice")
        got[k] = v
    expect_eq("params", dict(sorted(string_map(expect["params"], "params").items())), dict(sorted(got.items())))


# --- oauth2_redirect/*.json ---------------------------------------------------------------------


def oauth2_redirect(case: dict[str, Any]) -> None:
    fields(case, "case", ("input", "expected_state", "expect"))
    want, value = one_of(case["expect"], "expect", ("code", "denied", "error"))
    if want == "denied":
        fields(value, "expect.denied", ("error",), ("description",))
    try:
        code = ta.oauth2.parse_redirect(case["input"], case["expected_state"])
    except ta.AuthorizationDenied as e:
        if want == "denied":
            expect_eq("denied.error", value["error"], e.error)
            return expect_eq("denied.description", value.get("description"), e.description)
        if want == "error":
            return expect_eq("error", value, e.code)
        raise Failed(f"expected a code, got error {e.code}") from None
    except (ta.CaptureError, ta.ConfigError) as e:
        if want == "error":
            return expect_eq("error", value, e.code)
        raise Failed(f"expected {want}, got error {e.code}") from None
    if want != "code":
        raise Failed(f"expected {want} {value!r}, got code {code!r}")
    expect_eq("code", value, code)


# --- oauth2_token/*.json ------------------------------------------------------------------------


def oauth2_token(case: dict[str, Any]) -> None:
    fields(case, "case", ("now", "response", "expect"))
    response = fields(case["response"], "response", ("status",), ("headers", "body"))
    string_map(response.get("headers"), "response.headers")
    expect = case["expect"]
    if isinstance(expect, dict) and "error" in expect:
        fields(expect, "expect", ("error",), ("status",))
    else:
        fields(expect, "expect", ("access_token", "scopes"), ("refresh_token", "expires_at"))
    if not isinstance(case["now"], int) or not isinstance(response["status"], int):
        raise Failed("invalid case: now and response.status must be numbers")
    try:
        tokens = ta.oauth2.parse_token_response(response["status"], response.get("body", ""), now=case["now"])
    except ta.TokenRejected as e:
        # The binding raises the endpoint's invalid_grant as TokenRevoked (reason grant_revoked).
        expect_eq("reason", "grant_revoked", e.reason)
        if "error" not in expect:
            raise Failed(f"refused: invalid_grant ({e})") from None
        expect_eq("error", expect["error"], "invalid_grant")
        return expect_eq("status", expect.get("status"), e.status)
    except ta.OAuth2Error as e:
        if "error" not in expect:
            raise Failed(f"refused: {e.code} ({e})") from None
        expect_eq("error", expect["error"], e.code)
        return expect_eq("status", expect.get("status"), e.status)
    if "error" in expect:
        raise Failed(f"expected error {expect['error']!r}, got {tokens!r}")
    expect_eq("access_token", expect["access_token"], tokens.access_token)
    expect_eq("refresh_token", expect.get("refresh_token"), tokens.refresh_token)
    expect_eq("expires_at", expect.get("expires_at"), tokens.expires_at)
    expect_eq("scopes", tuple(expect["scopes"]), tokens.scopes)
