"""One keyword per meaning: ``api_base`` is the API origin and ``auth_base`` the authorize
origin everywhere. The old ``base_url`` names (``Client(base_url=)``, ``Client.base_url``,
``authorize_url(base_url=)``) still work for one release: each warns with a
``DeprecationWarning`` attributed to the caller's line, and an old name passed with its new one
is a ``TypeError``."""

from __future__ import annotations

import warnings
from typing import Any, Callable

import pytest

import trello_auth as ta

KEY = "0123456789abcdef0123456789abcdef"
TOKEN = "ATTA" + "a" * 64 + "0123ABCD"
LOCAL = "http://127.0.0.1:9"


def test_the_new_names_work_without_a_warning() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = ta.Client(KEY, TOKEN, api_base=LOCAL)
        assert client.api_base == LOCAL
        assert ta.Client(KEY, TOKEN).api_base == "https://api.trello.com"
        assert repr(client) == f"Client(api_base='{LOCAL}', auth='header')"
        url = ta.authorize_url(KEY, auth_base="http://127.0.0.1:9000")
        assert url.startswith("http://127.0.0.1:9000/1/authorize?key=")
        assert ta.authorize_url(KEY, auth_base=None) == ta.authorize_url(KEY)
        assert ta.authorize_url(KEY).startswith("https://trello.com/1/authorize?")
    assert caught == []


def test_errors_name_the_new_argument() -> None:
    with pytest.raises(ta.ConfigError, match="^api_base: ") as api:
        ta.Client(KEY, TOKEN, api_base="http://api.trello.com")
    assert api.value.code == "insecure_scheme"
    with pytest.raises(ta.ConfigError, match="^auth_base: ") as auth:
        ta.authorize_url(KEY, auth_base="ftp://trello.com")
    assert auth.value.code == "invalid_base_url"
    with pytest.raises(TypeError, match="api_base"):
        ta.Client(KEY, TOKEN, api_base=None)  # type: ignore[arg-type]


def test_client_base_url_warns_and_works() -> None:
    with pytest.warns(DeprecationWarning, match=r"^Client\(base_url=\.\.\.\) is deprecated: pass api_base=") as w:
        client = ta.Client(KEY, TOKEN, base_url=LOCAL)
    assert [r.filename for r in w] == [__file__], "the warning points at the caller"
    assert client.api_base == LOCAL
    with pytest.warns(DeprecationWarning, match=r"^Client\.base_url is deprecated: read Client\.api_base") as w:
        assert client.base_url == LOCAL
    assert [r.filename for r in w] == [__file__]
    # As before: the error names the argument the caller passed.
    with pytest.warns(DeprecationWarning), pytest.raises(ta.ConfigError, match="^base_url: ") as insecure:
        ta.Client(KEY, TOKEN, base_url="http://api.trello.com")
    assert insecure.value.code == "insecure_scheme"


def test_authorize_url_base_url_warns_and_works() -> None:
    base = "http://127.0.0.1:9000"
    with pytest.warns(DeprecationWarning, match=r"^authorize_url\(base_url=\.\.\.\) is deprecated: pass auth_base=") as w:
        url = ta.authorize_url(KEY, base_url=base)
    assert [r.filename for r in w] == [__file__]
    assert url == ta.authorize_url(KEY, auth_base=base)
    with pytest.warns(DeprecationWarning):
        assert ta.authorize_url(KEY, base_url=None) == ta.authorize_url(KEY)
    with pytest.warns(DeprecationWarning), pytest.raises(ta.ConfigError, match="^base_url: "):
        ta.authorize_url(KEY, base_url="ftp://trello.com")


def test_deprecated_names_are_an_error_when_warnings_are() -> None:
    # pytest's filterwarnings = ["error"] is the strictest user: the call raises, nothing else.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DeprecationWarning):
            ta.Client(KEY, TOKEN, base_url=LOCAL)
        with pytest.raises(DeprecationWarning):
            ta.authorize_url(KEY, base_url=LOCAL)
        client = ta.Client(KEY, TOKEN, api_base=LOCAL)
        with pytest.raises(DeprecationWarning):
            _ = client.base_url


@pytest.mark.parametrize(
    ("call", "new", "old"),
    [
        (lambda: ta.Client(KEY, TOKEN, api_base=LOCAL, base_url=LOCAL), "api_base", "base_url"),
        (lambda: ta.Client(KEY, TOKEN, api_base="https://api.trello.com", base_url=LOCAL), "api_base", "base_url"),
        (lambda: ta.authorize_url(KEY, auth_base=LOCAL, base_url=LOCAL), "auth_base", "base_url"),
        (lambda: ta.authorize_url(KEY, auth_base=None, base_url=None), "auth_base", "base_url"),
    ],
)
def test_an_old_name_with_its_new_one_is_a_type_error(call: Callable[[], Any], new: str, old: str) -> None:
    # No warning either (filterwarnings = ["error"] would turn one into the exception).
    with pytest.raises(TypeError) as e:
        call()
    assert str(e.value).endswith(f"got both {new}= and {old}=, its deprecated alias: pass {new}= only")


def test_deprecated_names_never_show_secrets() -> None:
    with pytest.warns(DeprecationWarning) as w, pytest.raises(ta.ConfigError) as e:
        ta.Client(KEY, TOKEN, base_url=f"http://{TOKEN}.example")
    assert TOKEN not in str(e.value) and TOKEN not in repr(e.value)
    assert all(TOKEN not in str(r.message) for r in w)
