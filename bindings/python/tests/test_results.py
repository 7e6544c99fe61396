"""The dicts trello_auth returns match their ``TypedDict`` s (``ta.Member``, ``ta.TokenInfo``,
``trello_auth.sandbox.RecordedRequest``, ...): every required key is there, every key sent is
declared, and at run time they are plain dicts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

import trello_auth as ta
from trello_auth.sandbox import RecordedRequest, Sandbox, SandboxFixtures, SandboxMember


def declared(typed: Any) -> set[str]:
    return set(typed.__required_keys__) | set(typed.__optional_keys__)


def assert_shape(value: Mapping[str, object], typed: Any) -> None:
    assert type(value) is dict
    missing = set(typed.__required_keys__) - set(value)
    assert not missing, f"{typed.__name__} lacks {sorted(missing)}"
    undeclared = set(value) - declared(typed)
    assert not undeclared, f"{typed.__name__} does not declare {sorted(undeclared)}"


def test_the_types_are_exported_where_the_values_come_from() -> None:
    for name in ("Member", "TokenInfo", "Permission", "LoginMember"):
        assert name in ta.__all__ and isinstance(getattr(ta, name), type), name
    import trello_auth.sandbox as sandbox_module

    for name in ("SandboxMember", "SandboxFixtures", "RecordedRequest"):
        assert name in sandbox_module.__all__, name


def test_me_and_token_info_are_what_the_types_say(shared_sandbox: Sandbox) -> None:
    sb = shared_sandbox
    client = ta.Client(sb.app_key, sb.token, api_base=sb.api_base)
    me: ta.Member = client.me()
    assert_shape(me, ta.Member)
    assert (me["id"], me["username"], me.get("fullName")) == (
        sb.member["id"],
        sb.member["username"],
        sb.member["full_name"],
    )
    info: ta.TokenInfo = client.token_info()
    assert_shape(info, ta.TokenInfo)
    assert info["idMember"] == me["id"] and info.get("dateExpires") is None
    assert info["dateCreated"].endswith("Z")
    permissions = info.get("permissions", [])
    assert permissions
    for permission in permissions:
        assert_shape(permission, ta.Permission)
        assert isinstance(permission.get("read"), bool) and isinstance(permission.get("write"), bool)


def test_an_expiring_token_has_a_date(shared_sandbox: Sandbox) -> None:
    sb = shared_sandbox
    info = ta.Client(sb.app_key, sb.mint_token(expiration="1day"), api_base=sb.api_base).token_info()
    expires = info.get("dateExpires")
    assert isinstance(expires, str) and expires > info["dateCreated"]


def test_the_sandbox_dicts_are_what_the_types_say(shared_sandbox: Sandbox) -> None:
    sb = shared_sandbox
    # Built by the binding itself: exactly the declared keys.
    assert set(sb.member) == declared(SandboxMember)
    assert set(sb.fixtures) == declared(SandboxFixtures)
    sb.clear_requests()
    ta.Client(sb.app_key, sb.token, api_base=sb.api_base).me()
    recorded = sb.requests()
    assert recorded
    for request in recorded:
        assert set(request) == declared(RecordedRequest)
        assert isinstance(request["status"], int) and isinstance(request["credentials_present"], bool)
    assert sb.storage_requests() == []


@pytest.mark.parametrize("typed", [ta.Member, ta.TokenInfo, ta.Permission, ta.LoginMember])
def test_the_types_are_plain_typed_dicts(typed: Any) -> None:
    # Python 3.9's typing: no typing_extensions, no NotRequired.
    assert typed.__module__ == "trello_auth._types"
    assert typed({}) == {}
