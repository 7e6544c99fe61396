//! A Trello-compatible HTTP(S) server on loopback, for tests: the way people use stripe-mock or
//! localstack, but for Trello's key + token, OAuth 1.0a and OAuth 2.0 authorization.
//!
//! It behaves like Trello as the repository's `docs/trello.md` describes it (its sections are
//! cited as "SPEC S4.1"): the consent page with Allow/Deny, display/fragment/postMessage
//! delivery and deny, allowed origins, tokens with scope and expiry, `members/me`, the token
//! resource with revocation, webhooks with signed deliveries (SPEC S9), a few board/card routes that exercise every credential placement,
//! the attachment download that redirects to a second ("storage") origin, 429s with Trello's
//! bodies and headers, a 403 for a GET with a body, the three OAuth 1.0a endpoints with real
//! HMAC-SHA1 verification (written independently of `trello-auth-core`, so it catches the
//! signer's bugs instead of sharing them), and an admin API to advance the clock, inject faults
//! and read a redacted request log.
//!
//! There is always a default app, member and `read,write` token, so it is useful with no setup.
//! The credentials it mints are sandbox credentials, not anyone's secrets; still, the request
//! log redacts every credential, so it is safe to point at your own key shapes.
//!
//! # In an async test
//!
//! ```
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//! use trello_auth_sandbox::Sandbox;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let sb = Sandbox::builder().start().await.unwrap();
//! // `api_base()` is an origin without `/1`, like `https://api.trello.com`.
//! let host = sb.api_base().trim_start_matches("http://");
//! let mut tcp = tokio::net::TcpStream::connect(host).await.unwrap();
//! let request = format!(
//!     "GET /1/members/me HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\
//!      authorization: OAuth oauth_consumer_key=\"{}\", oauth_token=\"{}\"\r\n\r\n",
//!     sb.app().key,
//!     sb.token(),
//! );
//! tcp.write_all(request.as_bytes()).await.unwrap();
//! let mut answer = String::new();
//! tcp.read_to_string(&mut answer).await.unwrap();
//! assert!(answer.starts_with("HTTP/1.1 200"));
//! assert!(answer.contains(&sb.member().id));
//! # }
//! ```
//!
//! Point your client's API and authorize bases at [`Sandbox::api_base`] and
//! [`Sandbox::auth_base`]. With `.tls(true)` the bases are `https://` and [`Sandbox::ca_pem`]
//! is the CA certificate to trust (a fresh CA and leaf for `localhost`, `127.0.0.1` and `::1`
//! are generated at start). Dropping the [`Sandbox`] shuts it down; `sandbox.shutdown().await`
//! does so and waits.
//!
//! # In a blocking test
//!
//! [`SandboxBuilder::start_blocking`] runs the server on its own runtime in a background
//! thread (for blocking transports, Python, programs without tokio); dropping the sandbox
//! stops it and joins the thread.
//!
//! ```
//! use std::io::{Read, Write};
//! use trello_auth_sandbox::Sandbox;
//!
//! let sb = Sandbox::builder().start_blocking().unwrap();
//! let host = sb.api_base().trim_start_matches("http://");
//! let mut tcp = std::net::TcpStream::connect(host).unwrap();
//! write!(
//!     tcp,
//!     "GET /1/members/me?key={}&token={} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\r\n",
//!     sb.app().key,
//!     sb.token()
//! )
//! .unwrap();
//! let mut answer = String::new();
//! tcp.read_to_string(&mut answer).unwrap();
//! assert!(answer.starts_with("HTTP/1.1 200"));
//! ```
//!
//! # Recipes
//!
//! ```
//! use std::time::Duration;
//! use trello_auth_sandbox::{App, Expiration, Fault, RateLimits, Sandbox, Scopes, TokenSpec};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let app = App::generate("My App").with_allowed_origins(["http://localhost:3000"]);
//! let sb = Sandbox::builder()
//!     .app(app) // the first app registered is the default app
//!     .rate_limits(RateLimits::new(30, 10, Duration::from_secs(10))) // small, for tests
//!     .start()
//!     .await
//!     .unwrap();
//! let admin = sb.admin();
//! // A read-only token that expires in an hour of sandbox time ...
//! let token = admin
//!     .mint_token(&TokenSpec {
//!         scopes: Scopes::READ,
//!         expiration: Expiration::OneHour,
//!         ..TokenSpec::default()
//!     })
//!     .unwrap();
//! // ... is `expired token` after this, without waiting.
//! admin.advance_clock(Duration::from_secs(3600));
//! // The next two requests under /1/members answer 503.
//! admin.inject_fault(Fault::prefix("/1/members", 2).status(503));
//! // What arrived, credentials redacted.
//! assert!(admin.requests().is_empty());
//! # let _ = token;
//! # }
//! ```
//!
//! # What it answers
//!
//! Credentials (SPEC S3) are looked for in the query (`key`, `token`), the
//! `Authorization: OAuth ...` header (plain `oauth_consumer_key` + `oauth_token`, or a fully
//! signed OAuth 1.0a header) and, on PUT/POST, a JSON or form body. Exactly one placement is
//! accepted. Checks, in order:
//!
//! | situation | answer |
//! |---|---|
//! | a GET (or HEAD) with a body, any path | 403, HTML page (SPEC S3.4) |
//! | body over the limit (default 1 MiB) | 413 `request entity too large` |
//! | body not UTF-8, or broken JSON | 400 `invalid body` / `invalid json` |
//! | unknown route | 404 `The requested resource was not found.` |
//! | credentials in more than one place | 400 `credentials in more than one place` (Trello's behaviour is undocumented; the sandbox is strict) |
//! | no credentials | 401 `unauthorized permission requested` |
//! | key missing or unknown | 401 `invalid key` |
//! | key without a token | 401 `unauthorized permission requested` (the classic answer; `missing scopes` is not emulated) |
//! | token unknown, revoked, or of another app | 401 `invalid token` |
//! | token past its expiry (sandbox clock) | 401 `expired token` |
//! | query credentials on the attachment download | 401 `unauthorized permission requested` (SPEC S3.4) |
//! | over a limit | 429 `{"error":"API_TOKEN_LIMIT_EXCEEDED","message":"Rate limit exceeded"}`, `API_KEY_LIMIT_EXCEEDED`, or `MEMBER_LIMIT_EXCEEDED` with a member budget (SPEC S4.3) |
//! | a write without `write` scope | 401 `unauthorized permission requested` |
//! | malformed 24-hex id in the path | 400 `invalid id` |
//! | another member's board / card | 401 `unauthorized permission requested` / `unauthorized card permission requested` |
//!
//! Both origins speak HTTP/1.1 and HTTP/2 (by ALPN with TLS, by prior knowledge without).
//! Malformed requests get hyper's 400, a client that takes more than 10 s to send its headers
//! (or to finish the TLS handshake) is disconnected, and no input panics a handler.
//!
//! Error bodies are `text/plain; charset=utf-8`. Every response after successful
//! authentication (429s included) carries `x-rate-limit-api-key-{interval-ms,max,remaining}` and
//! `x-rate-limit-api-token-{interval-ms,max,remaining}`. Windows are fixed and aligned to the
//! sandbox clock; a key with more than `lockout_threshold` (default 200) 429s in a window gets 429
//! for every request until the window ends. Trello's `/1/members/` budget (100 per 900 s per
//! token) is opt-in, so that tests may call `members/me` freely:
//! [`RateLimits::with_member_budget`] counts those routes, answers `MEMBER_LIMIT_EXCEEDED`
//! over it, and adds `x-rate-limit-member-{interval-ms,max,remaining}` to their responses.
//!
//! Routes of the API/auth origin:
//!
//! | route | notes |
//! |---|---|
//! | `GET /1/members/me` | the member behind the credentials |
//! | `GET /1/members/me/boards` | the member's boards |
//! | `GET /1/boards/{id}`, `/1/boards/{id}/lists`, `/1/boards/{id}/cards` | |
//! | `GET /1/cards/{id}` | cards carry `id`, `name`, `idList`, `idBoard` |
//! | `DELETE /1/cards/{id}` | deletes the card, answers `{"limits": {}}` as Trello does |
//! | `PUT /1/cards/{id}/name` | `value` from the query or body; needs `write` |
//! | `POST /1/cards` | `idList` (+ `name`) from the query, a JSON or a form body; needs `write` |
//! | `GET /1/cards/{id}/attachments/{idAttachment}/download/{file}` | header credentials only; 302 to [`Sandbox::storage_base`], which records whether credentials followed ([`Admin::storage_requests`]) |
//! | `POST /1/cards/{id}/actions/comments` | `text`; needs `write`; answers the `commentCard` action |
//! | `GET /1/tokens/{t}`, `GET /1/tokens/{t}/member`, `DELETE /1/tokens/{t}` | SPEC S5; the path token must be the caller member's; afterwards 401 `invalid token`, and the token's webhooks are deleted |
//! | `GET /1/tokens/{t}/webhooks` | SPEC S9: the webhooks that token created |
//! | `POST /1/webhooks` | SPEC S9: `callbackURL`, `idModel` (a board, list or card the token can read, or its member), `description`, `active`; first `HEAD callbackURL`, and no webhook unless it answers 200 (400 `URL (...) did not return 200 status code, got N`); the same callback, model and token twice: 400 |
//! | `GET /1/webhooks/{id}`, `DELETE /1/webhooks/{id}` | the caller's token's webhooks only (else 404) |
//! | `GET /1/authorize` | SPEC S1: the consent page, or a 400 HTML error page (bad key, bad scope/expiration, unpaired `callback_method`/`return_url`, `return_url` outside the allowed origins with SPEC S7's text) |
//! | `POST /1/token/approve` | the consent form: `approve=Allow` or `approve=Deny`, the hidden fields as rendered, and the single-use `requestKey` (403 if missing, reused or older than an hour; 400 if a field was altered) |
//! | `POST /1/OAuthGetRequestToken` | SPEC S6; signed with the consumer; `oauth_callback` is `oob` or an http(s) URL |
//! | `GET /1/OAuthAuthorizeToken` | the same consent form; Allow redirects to the callback with `oauth_token` and `oauth_verifier`, or shows the verifier in the first `<pre>` for `oob`; Deny redirects with `oauth_problem=user_refused` (or a page for `oob`); a callback outside the allowed origins gets the error page |
//! | `POST /1/OAuthGetAccessToken` | signed with the request token; needs the verifier (401 `invalid verifier`); answers a sandbox token and its secret |
//! | `GET /authorize` | SPEC S8.2: OAuth 2.0 consent page (the same form contract); unknown `client_id` or unregistered `redirect_uri`: 400 error page, no redirect; other problems redirect with `error` (RFC 6749 §4.1.2.1); Allow redirects with `code` and `state`, Deny with `error=access_denied` |
//! | `POST /oauth/token` | SPEC S8.4–S8.6, JSON body only: `authorization_code` (PKCE S256) and `refresh_token` (rotation) |
//!
//! The consent page is real HTML showing the app name, the scopes and the expiry, with ONE form
//! posting to `/1/token/approve` with `<input type="submit" name="approve" value="Allow">` and
//! `... value="Deny"`; [`consent::ConsentForm`] reads it for tests that play the user. The
//! pages are self-contained (inline CSS and SVG) and served with `Cache-Control: no-store` and
//! a `Content-Security-Policy` that allows only their inline styles (and, on the postMessage
//! page, its inline script). Allow in display mode shows the token in the page's first `<pre>`
//! ([`consent::first_pre`]);
//! `fragment` redirects (302) to `return_url#token=...`; `postMessage` serves a page calling
//! `window.opener.postMessage("<token>", "<return_url origin>")`. Deny: `#token=&error=Token%20request%20rejected`,
//! or `postMessage({"error":"Token request rejected"}, ...)`, or a page in display mode.
//! The signed-in user is the default member. Defaults: scope `read`, expiration `30days`.
//!
//! OAuth 2.0 (SPEC S8): a confidential client ([`Sandbox::oauth2`]'s `client_id` and
//! `client_secret`, `ATOA...`) and a public client (`public_client_id`, PKCE only) are
//! registered at start, every scope of SPEC S8.8 enabled, redirect URIs
//! `http://127.0.0.1:8080/callback` and `http://localhost:8080/callback`. Codes are single use
//! (a replayed code revokes its grant) and live 10 minutes; access tokens 3600 s; refresh tokens
//! (only with `offline_access`) rotate on every refresh, live 90 days unused, and a rotated one
//! presented again answers 403 `invalid_grant` and, more than 10 minutes after its rotation,
//! revokes the whole grant; grants live 365 days; all on the sandbox clock. Token endpoint
//! errors: 400 `invalid_request` (not a JSON body, a missing field), 400
//! `unsupported_grant_type`, 401 `invalid_client` (unknown client, wrong or missing secret, or
//! a secret from a public client), 400 `invalid_grant` (code, verifier or `redirect_uri`), 403
//! `invalid_grant` `Unknown or invalid refresh token.`. On `/1/` routes,
//! `Authorization: Bearer` is accepted with scope checks (`members/me` needs
//! `read:member:trello`, the board, list and card routes `read:board:trello` or
//! `write:board:trello`; else 403 `insufficient scope`); an unknown, expired or revoked access
//! token, or one in the query or a body, answers 401 `invalid token`; `/1/tokens/*` with a
//! Bearer header answers 400 (they are key + token routes, SPEC S8.7).
//!
//! Webhooks (SPEC S9): renaming a card (`PUT /1/cards/{id}/name`) or commenting on it sends the
//! action (`updateCard` with `data.old.name`, or `commentCard` with `data.text`, each with
//! `data.card`, `data.list`, `data.board`, `memberCreator` and `display`) to every active
//! webhook watching the card, its list or its board, as `POST callbackURL` with the body
//! `{"action": ..., "model": ...}` (the watched model) and `X-Trello-Webhook` =
//! `base64(HMAC-SHA1(app secret, body || callbackURL))`, computed with the sandbox's own code.
//! A webhook made with an OAuth 2.0 token is signed with its client's secret. A delivery not
//! answered 2xx within the timeout is retried after each of [`DeliveryPolicy::retry_delays`]
//! (default 0.25 s, 0.5 s, 1 s; timeout 3 s; set with [`SandboxBuilder::webhook_delivery`]);
//! 410 deletes the webhook. Plain `http://` callbacks must be loopback (`localhost`,
//! `127.0.0.0/8`, `[::1]`), else 400 before anything is sent; `https://` callbacks are checked
//! against the Mozilla roots. Redirects are not followed. Finished deliveries are logged with
//! each attempt ([`Admin::webhook_deliveries`], [`Admin::wait_for_webhook_deliveries`]), and
//! [`WebhookReceiver`] is a callback URL for tests that answers as scripted.
//!
//! ```
//! use std::time::Duration;
//! use trello_auth_sandbox::{DeliveryOutcome, Sandbox, WebhookReceiver};
//!
//! let sb = Sandbox::builder().start_blocking()?;
//! let receiver = WebhookReceiver::start()?;
//! let card = &sb.fixtures().card_id;
//! // Any HTTP client will do; this is a bare one.
//! let call = |method: &str, path: &str, body: &str| {
//!     use std::io::{Read, Write};
//!     let host = sb.api_base().trim_start_matches("http://");
//!     let mut tcp = std::net::TcpStream::connect(host).unwrap();
//!     write!(
//!         tcp,
//!         "{method} {path}?key={}&token={} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\
//!          content-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
//!         sb.app().key,
//!         sb.token(),
//!         body.len()
//!     )
//!     .unwrap();
//!     let mut answer = String::new();
//!     tcp.read_to_string(&mut answer).unwrap();
//!     answer
//! };
//! let created = call(
//!     "POST",
//!     "/1/webhooks",
//!     &format!(r#"{{"callbackURL":"{}","idModel":"{card}"}}"#, receiver.url()),
//! );
//! assert!(created.starts_with("HTTP/1.1 200"), "{created}");
//! call("PUT", &format!("/1/cards/{card}/name"), r#"{"value":"Renamed"}"#);
//! let delivery = receiver.next_delivery(Duration::from_secs(20)).expect("a delivery");
//! assert!(delivery.signature().is_some());
//! let log = sb.admin().wait_for_webhook_deliveries(1, Duration::from_secs(20));
//! assert_eq!(log[0].outcome, DeliveryOutcome::Delivered);
//! # Ok::<(), trello_auth_sandbox::Error>(())
//! ```
//!
//! OAuth 1.0a (RFC 5849): HMAC-SHA1 only. The base string is rebuilt from the listener's scheme
//! and the `Host` header, the query and form-body parameters and the header's `oauth_*`
//! parameters. Answers: missing parameter 400 `missing oauth parameter`; PLAINTEXT or another
//! method 400 `unsupported signature method`; unknown consumer 401 `invalid key`; unknown token
//! 401 `invalid token`; `oauth_timestamp` more than 300 s from the sandbox clock 401
//! `invalid timestamp`; bad signature (wrong secret, tampered request) 401 `invalid signature`;
//! a nonce already used with that key and timestamp 401 `invalid nonce`. A signed call with an
//! access token works like key + token; a token minted without a secret signs with an empty
//! token secret.
//!
//! # The admin API
//!
//! Under `/__sandbox/` on the API origin, answering loopback peers only (others get 404). Bodies
//! and answers are JSON; errors are 400 `{"error": "..."}`. Admin requests are not faulted and
//! not logged. [`Admin`] offers the same as method calls.
//!
//! | endpoint | body → answer |
//! |---|---|
//! | `GET /__sandbox/info` | → `api_base`, `auth_base`, `storage_base`, `app`, `member`, `token`, `fixtures`, `oauth2` |
//! | `GET /__sandbox/clock` | → `{"now": unix secs, "offset_secs": N}` |
//! | `POST /__sandbox/clock` | `{"advance_secs": N}` (N ≥ 0) → as GET |
//! | `POST /__sandbox/apps` | `{"name"?, "key"?, "secret"?, "allowed_origins"?: [...]}` → the app (a bare `*` is refused) |
//! | `POST /__sandbox/members` | `{"username", "full_name"?, "id"?}` → the member and its `board_id`, `list_id`, `card_id` |
//! | `POST /__sandbox/tokens` | `{"app_key"?, "member_id"?, "scope"?: "read,write", "expiration"?: "1hour"\|"1day"\|"30days"\|"never", "expires_in_secs"?: N}` → `{"token"}` |
//! | `POST /__sandbox/faults` | `{"path", "match"?: "prefix"\|"exact", "method"?, "count"?: 1, "status"?: 400..599, "latency_ms"?, "close"?: bool, "redirect"?: URL, "goaway"?: bool, "after_applying"?: bool}` → `{"armed": true}` |
//! | `DELETE /__sandbox/faults` | disarms all |
//! | `POST /__sandbox/oauth2/clients` | `{"name"?, "client_id"?, "client_secret"?, "public"?: bool, "redirect_uris"?: [...], "scopes"?: [...]}` → the client |
//! | `POST /__sandbox/oauth2/revoke` | `{"client_id", "member_id"?}` → `{"revoked": N}` (every token of those grants stops working) |
//! | `GET /__sandbox/requests` | → `[{"listener": "api"\|"storage", "method", "path", "placement": "none"\|"query"\|"header"\|"signed_header"\|"body"\|"multiple", "credentials_present", "authorization", "body", "status"}]` (oldest first, last 10,000) |
//! | `DELETE /__sandbox/requests` | clears the log |
//! | `GET /__sandbox/writes` | → `{"<X-Request-Id, or METHOD path body redacted>": count}`: every `POST`, `PUT` or `DELETE` a route served with a 2xx ([`Admin::applied_writes`]) |
//! | `DELETE /__sandbox/writes` | clears the counts |
//! | `GET /__sandbox/webhooks/deliveries` | → `[{"webhook_id", "id_model", "callback_url", "action_type", "action_id", "attempts": [{"status", "error": null\|"timeout"\|"connect"}], "outcome": "delivered"\|"failed"\|"gone"}]` (oldest first, finished deliveries only) |
//! | `DELETE /__sandbox/webhooks/deliveries` | clears the delivery log |
//!
//! A fault applies to the next `count` requests whose path matches (prefix or exact, query
//! excluded), on the API origin or the storage origin: first the latency (slept in the server),
//! then `close` (status line and headers announcing a 4096-byte body, a few bytes, then the
//! connection is dropped), `status` (answered instead of the route), `redirect` (a 302 to that
//! URL), or nothing more (latency only). With `after_applying` the route serves the request
//! first (its write is applied and counted) and the `close` or `status` replaces its answer: the
//! work done and the answer lost. `goaway` serves the request, then closes its connection
//! gracefully: an HTTP/2 `GOAWAY`, or `Connection: close` on HTTP/1.1. The request log records
//! each request's HTTP version. The log redacts query values of `key`, `token`, `oauth_*`, every
//! `Authorization` parameter, the same fields of JSON and form bodies, the consent form's
//! `requestKey`, the OAuth 2.0 `code`, `code_verifier`, `client_secret`, `refresh_token` and
//! `access_token` fields, and the `/1/tokens/{token}` path segment.
//!
//! # The binary
//!
//! `trello-auth-sandbox [--host 127.0.0.1] [--port 0] [--storage-port 0] [--tls [--ca-file PATH]]
//! [--config apps.toml]` prints ONE JSON line first:
//! `{"api_base", "auth_base", "ca_file": null | path, "app": {"key", "secret", "allowed_origins"},
//! "member": {"id", "username"}, "token", "oauth2": {"client_id", "client_secret",
//! "public_client_id", "redirect_uris"}}`, then serves until SIGINT or SIGTERM. The default app's
//! allowed origins are `http://localhost:8080` and `http://127.0.0.1:8080`. The `--config` file
//! is TOML:
//!
//! ```toml
//! body_limit = 1048576            # bytes; larger bodies get 413
//!
//! [rate_limits]                   # SPEC S4.3; every field optional
//! key_max = 300
//! token_max = 100
//! window_ms = 10000
//! lockout_threshold = 200
//! member_max = 100                # the /1/members/ routes' budget per token: both fields,
//! member_window_ms = 900000       # or neither (then those routes are not counted)
//!
//! [[apps]]                        # the first app is the default app
//! name = "My App"
//! key = "0123456789abcdef0123456789abcdef"      # optional: generated
//! allowed_origins = ["http://localhost:8080", "https://*.example.com"]
//!
//! [oauth2]                        # the OAuth 2.0 clients' redirect URIs (SPEC S8.2)
//! redirect_uris = ["http://127.0.0.1:8080/callback"]
//!
//! [[members]]                     # the first member is the default (signed-in) member
//! username = "alice"
//! ```
#![warn(missing_docs)]
// Handlers short-circuit with the HTTP response to send (`Err(response)`); boxing it would
// only add an allocation to every refusal.
#![allow(clippy::result_large_err)]

mod clock;
mod config;
pub mod consent;
mod credentials;
mod error;
mod faults;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod html;
mod model;
mod oauth1_verify;
mod oauth2;
mod origin;
mod random;
mod rate_limit;
mod receiver;
mod request;
mod request_log;
mod response;
mod routes;
mod sandbox;
mod server;
mod state;
mod tls;
mod webhooks;
mod writes;

pub use config::Config;
pub use error::{Error, Result};
pub use model::{
    App, Counted, Expiration, Fault, Listener, Member, OAuth2Client, OAuth2Info, Placement,
    RateLimits, RecordedRequest, RouteMatch, Scopes, TokenSpec, OAUTH2_SCOPES,
};
pub use receiver::{Received, WebhookReceiver};
pub use sandbox::{Admin, Sandbox, SandboxBuilder, DEFAULT_BODY_LIMIT};
pub use state::Fixtures;
pub use webhooks::{DeliveryAttempt, DeliveryOutcome, DeliveryPolicy, WebhookDelivery};
pub use writes::REQUEST_ID;
