"""Type stubs of the native module trello_auth._trello_auth (checked by mypy.stubtest)."""

import datetime
import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, Optional, Union, final

from ._types import (
    LoginMember,
    Member,
    RecordedRequest,
    SandboxFixtures,
    SandboxMember,
    TokenInfo,
    Webhook,
    WebhookDelivery,
)

__all__ = [
    "AccessToken",
    "AuthorizationRequest",
    "Client",
    "Credentials",
    "Flow",
    "LoginResult",
    "OAuth2Client",
    "Pkce",
    "RedisBudget",
    "Signature",
    "TokenSet",
    "Verdict",
    "_Sandbox",
    "__version__",
    "authorization_request",
    "authorize_url",
    "classify",
    "cli_main",
    "exchange_code",
    "load_credentials",
    "login",
    "logout",
    "parse_fragment",
    "parse_pasted_token",
    "parse_post_message",
    "parse_redirect",
    "parse_token_response",
    "refresh",
    "sign",
    "signature",
    "webhook_verify",
]
__version__: str

_Text = Union[str, bytes]
_Headers = Union[Mapping[str, _Text], Mapping[bytes, _Text], Iterable[tuple[_Text, _Text]]]

def authorize_url(
    key: str,
    *,
    scope: Optional[Union[str, Iterable[str]]] = None,
    expiration: str = "30days",
    name: Optional[str] = None,
    callback_method: Optional[str] = None,
    return_url: Optional[str] = None,
    auth_base: Optional[str] = None,
    # Deprecated alias of auth_base (a DeprecationWarning); removed in the next release.
    base_url: Optional[str] = ...,
) -> str: ...
def parse_fragment(fragment_or_url: str) -> str: ...
def parse_post_message(
    origin: str, data: Union[str, bytes, bytearray], *, trusted_origin: Optional[str] = None
) -> str: ...
def parse_pasted_token(text: str) -> str: ...
@final
class Credentials:
    def __new__(cls, key: str, token: str, *, api_base: str = "https://api.trello.com") -> Credentials: ...
    @property
    def key(self) -> str: ...
    @property
    def token(self) -> str: ...
    @property
    def api_base(self) -> str: ...
    def authorization_header(self) -> str: ...
    def query_params(self) -> dict[str, str]: ...
    def apply_to_body(self, body: Mapping[str, Any]) -> dict[str, Any]: ...
    def authorize(
        self,
        method: str,
        url: str,
        *,
        headers: Optional[_Headers] = None,
        body: Optional[Union[str, bytes, bytearray]] = None,
        placement: str = "header",
    ) -> tuple[str, str, dict[str, str], bytes]: ...
    def header_for(self, url: str) -> str: ...

def classify(
    status: int, body: Optional[Union[str, bytes, bytearray]], headers: Optional[_Headers] = None
) -> Verdict: ...
@final
class Verdict:
    @property
    def kind(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def retry_after(self) -> Optional[float]: ...
    @property
    def message(self) -> str: ...
    @property
    def reason(self) -> Optional[str]: ...
    @property
    def limit(self) -> Optional[str]: ...
    @property
    def status(self) -> int: ...

@final
class Client:
    def __new__(
        cls,
        key: str,
        token: str,
        *,
        api_base: str = "https://api.trello.com",
        placement: str = "header",
        timeout: Optional[float] = 30.0,
        max_retries: int = 3,
        ca_file: Optional[Union[str, os.PathLike[str]]] = None,
        backoff: float = 0.5,
        rate_limit: Union[bool, tuple[int, int, float], RedisBudget] = True,
        app_secret: Optional[str] = None,
        token_secret: Optional[str] = None,
        # Deprecated alias of api_base (a DeprecationWarning); removed in the next release.
        base_url: str = ...,
    ) -> Client: ...
    def get(self, path: str, *, params: Optional[Mapping[str, Union[str, int, float, bool]]] = None) -> Any: ...
    def delete(
        self, path: str, *, params: Optional[Mapping[str, Union[str, int, float, bool]]] = None
    ) -> Any: ...
    def post(
        self, path: str, json: Any = None, *, params: Optional[Mapping[str, Union[str, int, float, bool]]] = None
    ) -> Any: ...
    def put(
        self, path: str, json: Any = None, *, params: Optional[Mapping[str, Union[str, int, float, bool]]] = None
    ) -> Any: ...
    def me(self) -> Member: ...
    def token_info(self) -> TokenInfo: ...
    def revoke(self) -> None: ...
    def create_webhook(
        self, callback_url: str, id_model: str, *, description: Optional[str] = None, active: Optional[bool] = None
    ) -> Webhook: ...
    def webhooks(self) -> list[Webhook]: ...
    def delete_webhook(self, id: str) -> None: ...
    @property
    def api_base(self) -> str: ...
    # Deprecated alias of api_base (a DeprecationWarning); removed in the next release.
    @property
    def base_url(self) -> str: ...

def sign(
    method: str,
    url: str,
    *,
    consumer_key: str,
    consumer_secret: str,
    token: Optional[str] = None,
    token_secret: Optional[str] = None,
    body: Optional[Union[str, bytes, bytearray]] = None,
    nonce: str,
    timestamp: Union[int, str],
    callback: Optional[str] = None,
    verifier: Optional[str] = None,
    include_version: bool = True,
    content_type: Optional[str] = "application/x-www-form-urlencoded",
) -> str: ...
def signature(
    method: str,
    url: str,
    *,
    consumer_key: str,
    consumer_secret: str,
    token: Optional[str] = None,
    token_secret: Optional[str] = None,
    body: Optional[Union[str, bytes, bytearray]] = None,
    nonce: str,
    timestamp: Union[int, str],
    callback: Optional[str] = None,
    verifier: Optional[str] = None,
    include_version: bool = True,
    content_type: Optional[str] = "application/x-www-form-urlencoded",
) -> Signature: ...
@final
class Signature:
    @property
    def base_string(self) -> str: ...
    @property
    def signature(self) -> str: ...
    @property
    def authorization(self) -> str: ...
    @property
    def params(self) -> dict[str, str]: ...

@final
class Flow:
    def __new__(
        cls,
        key: str,
        app_secret: str,
        *,
        callback: str = "oob",
        auth_base: str = "https://trello.com",
        ca_file: Optional[Union[str, os.PathLike[str]]] = None,
        timeout: Optional[float] = 30.0,
    ) -> Flow: ...
    def authorize_url(
        self, *, name: Optional[str] = None, scope: str = "read", expiration: str = "30days"
    ) -> str: ...
    def finish(self, callback: str) -> AccessToken: ...

@final
class AccessToken:
    @property
    def token(self) -> str: ...
    @property
    def token_secret(self) -> str: ...

def authorization_request(
    client_id: str,
    redirect_uri: str,
    *,
    scopes: Union[str, Iterable[str]],
    offline: bool = True,
    auth_base: Optional[str] = None,
    state: Optional[str] = None,
    verifier: Optional[str] = None,
    audience: Optional[str] = None,
) -> AuthorizationRequest: ...
@final
class AuthorizationRequest:
    @property
    def url(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def verifier(self) -> str: ...
    @property
    def redirect_uri(self) -> str: ...

@final
class Pkce:
    def __new__(cls, verifier: Optional[str] = None) -> Pkce: ...
    @staticmethod
    def from_bytes(random: Union[bytes, bytearray]) -> Pkce: ...
    @property
    def verifier(self) -> str: ...
    @property
    def challenge(self) -> str: ...

def parse_redirect(url: str, expected_state: str) -> str: ...
def exchange_code(
    client_id: str,
    code: str,
    verifier: str,
    redirect_uri: str,
    *,
    client_secret: Optional[str] = None,
    auth_base: Optional[str] = None,
    ca_file: Optional[Union[str, os.PathLike[str]]] = None,
) -> TokenSet: ...
def refresh(
    client_id: str,
    refresh_token: str,
    *,
    client_secret: Optional[str] = None,
    auth_base: Optional[str] = None,
    ca_file: Optional[Union[str, os.PathLike[str]]] = None,
) -> TokenSet: ...
def parse_token_response(status: int, body: Union[str, bytes, bytearray], *, now: int) -> TokenSet: ...
@final
class TokenSet:
    def __new__(
        cls,
        access_token: str,
        refresh_token: Optional[str] = None,
        expires_at: Optional[Union[int, float]] = None,
        scopes: Optional[Union[str, Iterable[str]]] = (),
    ) -> TokenSet: ...
    @property
    def access_token(self) -> str: ...
    @property
    def refresh_token(self) -> Optional[str]: ...
    @property
    def expires_at(self) -> Optional[int]: ...
    @property
    def scopes(self) -> tuple[str, ...]: ...
    def __eq__(self, value: object, /) -> bool: ...
    __hash__: None  # type: ignore[assignment]

@final
class RedisBudget:
    def __new__(
        cls,
        url: str,
        *,
        key_max: int = 300,
        token_max: int = 100,
        window: float = 10.0,
        on_redis_down: Literal["fail_closed", "local_share", "fail_open"] = "fail_closed",
        fleet_size: Optional[int] = None,
        margin: float = 0.25,
        timeout: float = 0.1,
    ) -> RedisBudget: ...
    @property
    def on_redis_down(self) -> str: ...

@final
class OAuth2Client:
    def __new__(
        cls,
        client_id: str,
        tokens: TokenSet,
        *,
        client_secret: Optional[str] = None,
        on_tokens: Optional[Callable[[TokenSet], object]],
        api_base: Optional[str] = "https://api.trello.com",
        auth_base: Optional[str] = "https://auth.atlassian.com",
        ca_file: Optional[Union[str, os.PathLike[str]]] = None,
        timeout: Optional[float] = 30.0,
        max_retries: int = 3,
        backoff: float = 0.5,
        rate_limit: Union[bool, tuple[int, int, float], RedisBudget] = True,
        # Deprecated alias of api_base (a DeprecationWarning); removed in the next release.
        base_url: Optional[str] = ...,
    ) -> OAuth2Client: ...
    def get(self, path: str, *, params: Optional[Mapping[str, Union[str, int, float, bool]]] = None) -> Any: ...
    def delete(
        self, path: str, *, params: Optional[Mapping[str, Union[str, int, float, bool]]] = None
    ) -> Any: ...
    def post(
        self, path: str, json: Any = None, *, params: Optional[Mapping[str, Union[str, int, float, bool]]] = None
    ) -> Any: ...
    def put(
        self, path: str, json: Any = None, *, params: Optional[Mapping[str, Union[str, int, float, bool]]] = None
    ) -> Any: ...
    def me(self) -> Member: ...
    def token_info(self) -> TokenInfo: ...
    def revoke(self) -> None: ...
    def replace(self, tokens: TokenSet) -> None: ...
    @property
    def tokens(self) -> TokenSet: ...
    @property
    def has_ended(self) -> bool: ...
    @property
    def api_base(self) -> str: ...
    @property
    def client_id(self) -> str: ...

def login(
    key: Optional[str] = None,
    *,
    mode: str = "fragment",
    scope: Optional[Union[str, Iterable[str]]] = None,
    expiration: str = "30days",
    name: Optional[str] = None,
    port: Optional[int] = None,
    open_browser: bool = True,
    on_url: Optional[Callable[[str], object]] = None,
    timeout: float = 300.0,
    store: str = "auto",
    profile: str = "default",
    auth_base: Optional[str] = None,
    api_base: Optional[str] = None,
    ca_file: Optional[Union[str, os.PathLike[str]]] = None,
    client_id: Optional[str] = None,
    client_secret: Optional[str] = None,
) -> LoginResult: ...
def load_credentials(profile: str = "default") -> Credentials: ...
def logout(
    profile: str = "default", *, local_only: bool = False, ca_file: Optional[Union[str, os.PathLike[str]]] = None
) -> None: ...
@final
class LoginResult:
    @property
    def profile(self) -> str: ...
    @property
    def credentials(self) -> Optional[Credentials]: ...
    @property
    def tokens(self) -> Optional[TokenSet]: ...
    @property
    def member(self) -> LoginMember: ...
    @property
    def scopes(self) -> tuple[str, ...]: ...
    @property
    def expires(self) -> Optional[datetime.datetime]: ...
    @property
    def store(self) -> str: ...
    @property
    def previous(self) -> str: ...

def cli_main(args: list[str]) -> int: ...
@final
class _Sandbox:
    def __new__(
        cls,
        *,
        tls: bool = False,
        rate_limits: Optional[tuple[int, int, float]] = None,
        allowed_origins: Optional[list[str]] = None,
        worker_threads: int = 2,
        webhook_retry_delays: Optional[list[float]] = None,
        webhook_timeout: Optional[float] = None,
    ) -> _Sandbox: ...
    @property
    def api_base(self) -> str: ...
    @property
    def auth_base(self) -> str: ...
    @property
    def storage_base(self) -> str: ...
    @property
    def ca_pem(self) -> Optional[str]: ...
    @property
    def app_key(self) -> str: ...
    @property
    def app_secret(self) -> str: ...
    @property
    def app_name(self) -> str: ...
    @property
    def token(self) -> str: ...
    @property
    def member(self) -> SandboxMember: ...
    @property
    def fixtures(self) -> SandboxFixtures: ...
    @property
    def running(self) -> bool: ...
    @property
    def oauth2_client_id(self) -> str: ...
    @property
    def oauth2_client_secret(self) -> str: ...
    @property
    def oauth2_public_client_id(self) -> str: ...
    @property
    def oauth2_redirect_uris(self) -> list[str]: ...
    def revoke_oauth2_grant(self, client_id: str, member_id: Optional[str] = None) -> int: ...
    def mint_token(
        self, *, scope: str = "read,write", expiration: str = "never", expires_in: Optional[float] = None
    ) -> str: ...
    def revoke_token(self, token: str) -> bool: ...
    def advance_clock(self, seconds: float) -> None: ...
    def now(self) -> int: ...
    def inject_fault(
        self,
        path: str,
        *,
        count: int = 1,
        status: Optional[int] = None,
        latency: Optional[float] = None,
        close: bool = False,
        method: Optional[str] = None,
        exact: bool = False,
        after_applying: bool = False,
        redirect: Optional[str] = None,
        goaway: bool = False,
    ) -> None: ...
    def clear_faults(self) -> None: ...
    def applied_writes(self) -> dict[str, int]: ...
    def clear_applied_writes(self) -> None: ...
    def webhook_deliveries(self) -> list[WebhookDelivery]: ...
    def wait_for_webhook_deliveries(self, count: int, *, timeout: float = 10.0) -> list[WebhookDelivery]: ...
    def webhook_ids(self) -> list[str]: ...
    def requests(self) -> list[RecordedRequest]: ...
    def storage_requests(self) -> list[RecordedRequest]: ...
    def clear_requests(self) -> None: ...
    def close(self) -> None: ...
    @staticmethod
    def consent_submission(html: str, button: str) -> tuple[str, str]: ...
    @staticmethod
    def first_pre(html: str) -> Optional[str]: ...

def webhook_verify(secret: str, callback_url: str, body: bytes, header: Optional[str]) -> None: ...
