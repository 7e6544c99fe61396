//! Finding and checking the credentials of a REST call (SPEC S3, S4.1): exactly one placement,
//! the key, the token (revoked, expired, other app), the scope, and the rate limits (SPEC S4.3).
//!
//! Answers, in order:
//! - credentials in more than one place: 400 `credentials in more than one place` (Trello's
//!   behaviour is undocumented, SPEC S3.4; the sandbox is strict so clients find the bug);
//! - none at all: 401 `unauthorized permission requested`;
//! - key missing or unknown: 401 `invalid key`;
//! - key without token: 401 `unauthorized permission requested` (the classic routes' answer;
//!   the sandbox does not emulate the newer `missing scopes`);
//! - token unknown, revoked or of another app: 401 `invalid token`; expired: 401 `expired token`;
//! - a route that accepts only the header (attachment download) with query credentials:
//!   401 `unauthorized permission requested` (SPEC S3.4);
//! - over a rate limit: 429 with Trello's JSON (SPEC S4.3);
//! - a write with a token lacking `write` (or a read lacking `read`): 401
//!   `unauthorized permission requested`.
//!
//! OAuth 2.0 (SPEC S8.7): `Authorization: Bearer <access_token>` is the header placement
//! (counted with the others, logged as `header`); an unknown, revoked or expired access token answers 401
//! `invalid token`, as does an OAuth 2.0 access token in the query or a body (SPEC S8.1); a
//! missing scope answers 403 `insufficient scope` (plain text; Trello's body is undocumented).
//! The rate limits count the client id as the key.

use std::sync::Arc;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};
use http::StatusCode;

use crate::model::{Placement, Scopes};
use crate::oauth1_verify::{self, SignedRequest};
use crate::oauth2::{self, AccessCheck};
use crate::rate_limit::Limit;
use crate::request::{Meta, Params, Req};
use crate::response::{self, bodies, Response};
use crate::state::{AppRecord, State, TokenCheck};

/// An authenticated caller.
#[derive(Debug)]
pub(crate) struct Principal {
    /// What the key budget counts: the app key, or the OAuth 2.0 client id.
    pub(crate) rate_key: Arc<str>,
    pub(crate) token: String,
    pub(crate) member_id: Arc<str>,
    /// Key + token scopes (all false for a Bearer token).
    pub(crate) scopes: Scopes,
    /// The OAuth 2.0 scopes of a Bearer token (SPEC S8.8).
    pub(crate) oauth2_scopes: Option<Arc<[String]>>,
    pub(crate) placement: Placement,
}

/// What a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    Read,
    Write,
    /// Read, and credentials only in the `Authorization` header (attachment downloads).
    ReadHeaderOnly,
}

/// Authenticates, rate-limits and scope-checks, then runs `handler`; rate-limit headers are
/// added to every response after authentication (SPEC S4.3).
pub(crate) fn guarded(
    state: &State,
    req: &Req,
    params: &Params,
    meta: &mut Meta,
    need: Need,
    handler: impl FnOnce(&Principal) -> Response,
) -> Response {
    let p = match authenticate(state, req, params, meta) {
        Ok(p) => p,
        Err(r) => return r,
    };
    if need == Need::ReadHeaderOnly
        && !matches!(p.placement, Placement::Header | Placement::SignedHeader)
    {
        return response::unauthorized(bodies::UNAUTHORIZED_PERMISSION);
    }
    let now_ms = state.clock.now_ms();
    let verdict = state.rate.check(
        &p.rate_key,
        &p.token,
        now_ms,
        req.path().starts_with("/1/members/"),
    );
    meta.counted = Some(crate::model::Counted {
        key: short_hash(&p.rate_key),
        token: short_hash(&p.token),
        at_ms: now_ms,
    });
    let mut resp = match verdict.exceeded {
        Some(Limit::Key) => response::json(
            StatusCode::TOO_MANY_REQUESTS,
            Bytes::from_static(
                br#"{"error":"API_KEY_LIMIT_EXCEEDED","message":"Rate limit exceeded"}"#,
            ),
        ),
        Some(Limit::Token) => response::json(
            StatusCode::TOO_MANY_REQUESTS,
            Bytes::from_static(
                br#"{"error":"API_TOKEN_LIMIT_EXCEEDED","message":"Rate limit exceeded"}"#,
            ),
        ),
        Some(Limit::Member) => response::json(
            StatusCode::TOO_MANY_REQUESTS,
            Bytes::from_static(
                br#"{"error":"MEMBER_LIMIT_EXCEEDED","message":"Rate limit exceeded"}"#,
            ),
        ),
        None if p.oauth2_scopes.is_some() => {
            let required = oauth2::required_scope(req.path(), need == Need::Write);
            if p.oauth2_scopes
                .iter()
                .flat_map(|s| s.iter())
                .any(|s| s == required)
            {
                handler(&p)
            } else {
                response::text(StatusCode::FORBIDDEN, INSUFFICIENT_SCOPE)
            }
        }
        None => {
            let allowed = match need {
                Need::Write => p.scopes.write,
                Need::Read | Need::ReadHeaderOnly => p.scopes.read,
            };
            if allowed {
                handler(&p)
            } else {
                response::unauthorized(bodies::UNAUTHORIZED_PERMISSION)
            }
        }
    };
    let limits = state.rate.limits();
    let h = resp.headers_mut();
    let interval = HeaderValue::from(state.rate.window_ms());
    h.insert(KEY_INTERVAL, interval.clone());
    h.insert(KEY_MAX, HeaderValue::from(limits.key_max));
    h.insert(KEY_REMAINING, HeaderValue::from(verdict.key_remaining));
    h.insert(TOKEN_INTERVAL, interval);
    h.insert(TOKEN_MAX, HeaderValue::from(limits.token_max));
    h.insert(TOKEN_REMAINING, HeaderValue::from(verdict.token_remaining));
    if let (Some(remaining), Some((max, _)), Some(window_ms)) = (
        verdict.member_remaining,
        limits.member,
        state.rate.member_window_ms(),
    ) {
        h.insert(MEMBER_INTERVAL, HeaderValue::from(window_ms));
        h.insert(MEMBER_MAX, HeaderValue::from(max));
        h.insert(MEMBER_REMAINING, HeaderValue::from(remaining));
    }
    resp
}

/// The 403 body for a Bearer token without the route's scope (SPEC S8.7 documents no body).
const INSUFFICIENT_SCOPE: &str = "insufficient scope";

const KEY_INTERVAL: HeaderName = HeaderName::from_static("x-rate-limit-api-key-interval-ms");
const KEY_MAX: HeaderName = HeaderName::from_static("x-rate-limit-api-key-max");
const KEY_REMAINING: HeaderName = HeaderName::from_static("x-rate-limit-api-key-remaining");
const TOKEN_INTERVAL: HeaderName = HeaderName::from_static("x-rate-limit-api-token-interval-ms");
const TOKEN_MAX: HeaderName = HeaderName::from_static("x-rate-limit-api-token-max");
const TOKEN_REMAINING: HeaderName = HeaderName::from_static("x-rate-limit-api-token-remaining");
const MEMBER_INTERVAL: HeaderName = HeaderName::from_static("x-rate-limit-member-interval-ms");
const MEMBER_MAX: HeaderName = HeaderName::from_static("x-rate-limit-member-max");
const MEMBER_REMAINING: HeaderName = HeaderName::from_static("x-rate-limit-member-remaining");

/// Finds the one placement and checks key and token (SPEC S3, S4.1).
pub(crate) fn authenticate(
    state: &State,
    req: &Req,
    params: &Params,
    meta: &mut Meta,
) -> Result<Principal, Response> {
    let in_query = params.query.iter().any(|(n, _)| n == "key" || n == "token");
    let in_body = params.body.iter().any(|(n, _)| n == "key" || n == "token");
    let header = req.authorization();
    let count = usize::from(in_query) + usize::from(in_body) + usize::from(header.is_some());
    if count > 1 {
        meta.placement = Placement::Multiple;
        return Err(response::bad_request("credentials in more than one place"));
    }
    let (key, token, placement) = if let Some(bearer) = header.and_then(bearer_token) {
        meta.placement = Placement::Header;
        return check_bearer(state, bearer);
    } else if let Some(h) = header {
        let Some(hp) = oauth1_verify::parse_authorization(h) else {
            meta.placement = Placement::Header;
            return Err(response::unauthorized(bodies::INVALID_KEY));
        };
        if hp.iter().any(|(n, _)| n == "oauth_signature") {
            meta.placement = Placement::SignedHeader;
            let (app, token) = verify_signed(state, req, &hp, |token| match token {
                None => Ok(String::new()),
                Some(t) => match state.token(t) {
                    Some(rec) if !rec.revoked => {
                        Ok(rec.secret.as_deref().unwrap_or_default().to_owned())
                    }
                    _ => Err(response::unauthorized(bodies::INVALID_TOKEN)),
                },
            })?;
            let Some(token) = token else {
                return Err(response::unauthorized(bodies::UNAUTHORIZED_PERMISSION));
            };
            return check_token(state, app, token, Placement::SignedHeader);
        }
        let find = |name: &str| hp.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
        (
            find("oauth_consumer_key"),
            find("oauth_token"),
            Placement::Header,
        )
    } else if in_query {
        (
            params.query_get("key").map(str::to_owned),
            params.query_get("token").map(str::to_owned),
            Placement::Query,
        )
    } else if in_body {
        let find = |name: &str| {
            params
                .body
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        (find("key"), find("token"), Placement::Body)
    } else {
        return Err(response::unauthorized(bodies::UNAUTHORIZED_PERMISSION));
    };
    meta.placement = placement;
    let Some(app) = key.filter(|k| !k.is_empty()).and_then(|k| state.app(&k)) else {
        return Err(response::unauthorized(bodies::INVALID_KEY));
    };
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Err(response::unauthorized(bodies::UNAUTHORIZED_PERMISSION));
    };
    check_token(state, app, token, placement)
}

/// The token of an `Authorization: Bearer <token>` header (the scheme compared
/// case-insensitively, RFC 6750 §2.1).
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, rest) = header.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
}

fn check_bearer(state: &State, token: &str) -> Result<Principal, Response> {
    match state.oauth2.check_access(token, state.clock.now_ms()) {
        AccessCheck::Valid {
            client_id,
            member_id,
            scopes,
        } => Ok(Principal {
            rate_key: client_id,
            token: token.to_owned(),
            member_id,
            scopes: Scopes {
                read: false,
                write: false,
                account: false,
            },
            oauth2_scopes: Some(scopes),
            placement: Placement::Header,
        }),
        AccessCheck::Invalid => Err(response::unauthorized(bodies::INVALID_TOKEN)),
    }
}

fn check_token(
    state: &State,
    app: Arc<AppRecord>,
    token: String,
    placement: Placement,
) -> Result<Principal, Response> {
    // SPEC S8.1: an OAuth 2.0 token is never valid outside the Bearer header.
    if state.oauth2.is_access_token(&token) {
        return Err(response::unauthorized(bodies::INVALID_TOKEN));
    }
    match state.check_token(&app.app.key, &token) {
        TokenCheck::Valid { member_id, scopes } => Ok(Principal {
            rate_key: app.app.key.as_str().into(),
            token,
            member_id,
            scopes,
            oauth2_scopes: None,
            placement,
        }),
        TokenCheck::Invalid => Err(response::unauthorized(bodies::INVALID_TOKEN)),
        TokenCheck::Expired => Err(response::unauthorized(bodies::EXPIRED_TOKEN)),
    }
}

/// Verifies a signed OAuth 1.0a request (RFC 5849 §3.2): required parameters and HMAC-SHA1
/// (400 otherwise), the consumer (401 `invalid key`), the token secret from `token_secret`
/// (its error is answered as is), the timestamp within ±300 s of the sandbox clock
/// (401 `invalid timestamp`), the signature (401 `invalid signature`), and the nonce not seen
/// before with that key and timestamp (401 `invalid nonce`).
///
/// Returns the consumer and the `oauth_token`, if any.
pub(crate) fn verify_signed(
    state: &State,
    req: &Req,
    header_params: &[(String, String)],
    token_secret: impl FnOnce(Option<&str>) -> Result<String, Response>,
) -> Result<(Arc<AppRecord>, Option<String>), Response> {
    let find = |name: &str| {
        header_params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let (Some(key), Some(signature), Some(method), Some(ts), Some(nonce)) = (
        find("oauth_consumer_key"),
        find("oauth_signature"),
        find("oauth_signature_method"),
        find("oauth_timestamp"),
        find("oauth_nonce"),
    ) else {
        return Err(response::bad_request("missing oauth parameter"));
    };
    if method != "HMAC-SHA1" {
        return Err(response::bad_request("unsupported signature method"));
    }
    if find("oauth_version").is_some_and(|v| v != "1.0") {
        return Err(response::bad_request("unsupported oauth version"));
    }
    let Some(app) = state.app(key) else {
        return Err(response::unauthorized(bodies::INVALID_KEY));
    };
    let token = find("oauth_token").filter(|t| !t.is_empty());
    let secret = token_secret(token)?;
    let Ok(ts_val) = ts.parse::<i64>() else {
        return Err(response::unauthorized("invalid timestamp"));
    };
    if (ts_val - state.clock.now_secs()).abs() > oauth1_verify::TIMESTAMP_WINDOW_SECS {
        return Err(response::unauthorized("invalid timestamp"));
    }
    let Some(authority) = req.authority() else {
        return Err(response::bad_request("missing host"));
    };
    let form_body = (req.is_form() && !req.body.is_empty()).then_some(&req.body[..]);
    let base = oauth1_verify::base_string(&SignedRequest {
        method: req.method().as_str(),
        scheme: req.scheme,
        authority,
        path: req.path(),
        query: req.query(),
        form_body,
        header_params,
    });
    if !oauth1_verify::verify_hmac_sha1(&base, &app.app.secret, &secret, signature) {
        return Err(response::unauthorized("invalid signature"));
    }
    if !state.use_nonce(&app.app.key, ts_val, nonce) {
        return Err(response::unauthorized("invalid nonce"));
    }
    Ok((app, token.map(str::to_owned)))
}

/// The first 8 bytes of SHA-256 of `value`, in hex: how the request log names a key or a
/// token.
fn short_hash(value: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(value.as_bytes())[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
