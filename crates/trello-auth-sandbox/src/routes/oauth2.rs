//! The OAuth 2.0 endpoints of the auth origin (SPEC S8): `GET /authorize` with its consent page
//! (approved through the shared form at `POST /1/token/approve`), and `POST /oauth/token` for
//! the code exchange and the refresh.
//!
//! `/authorize`: an unknown `client_id` or an unregistered `redirect_uri` (character for
//! character) shows a 400 error page and never redirects (SPEC S8.3); every other problem is
//! redirected as RFC 6749 §4.1.2.1 says (`unsupported_response_type`, `invalid_scope`,
//! `invalid_request`). `state` and the S256 `code_challenge` are required; `prompt` may be
//! absent or `consent`.
//!
//! `/oauth/token` takes a JSON body only and answers SPEC S8.5 / S8.6 JSON.

use http::StatusCode;
use serde_json::json;
use url::Url;

use crate::html;
use crate::model::OAuth2Client;
use crate::oauth2::{pkce, CodeError, CodeGrant, Issued, ACCESS_TTL_SECS, OFFLINE_ACCESS};
use crate::random;
use crate::request::{BadParams, Params, Req};
use crate::response::{self, Response};
use crate::routes::authorize::error;
use crate::state::{PendingKind, State};

/// SPEC S8.6's description of every refresh failure.
const BAD_REFRESH: &str = "Unknown or invalid refresh token.";

/// `GET /authorize` (SPEC S8.2).
pub(crate) fn authorize(state: &State, params: &Params) -> Response {
    let Some(client) = params
        .query_get("client_id")
        .and_then(|id| state.oauth2.client(id))
    else {
        return error("Invalid client_id. The client is not registered.");
    };
    let Some(redirect_uri) = params
        .query_get("redirect_uri")
        .filter(|u| client.redirect_uris.iter().any(|r| r == u))
    else {
        return error("Invalid redirect_uri. It must equal a callback URL registered for the app.");
    };
    let Ok(redirect) = Url::parse(redirect_uri) else {
        return error("Invalid redirect_uri. It must equal a callback URL registered for the app.");
    };
    let client_state = params.query_get("state").unwrap_or("");
    let refuse = |code: &str, text: &str| refusal(&redirect, code, text, client_state);
    if params.query_get("response_type") != Some("code") {
        return refuse("unsupported_response_type", "response_type must be code.");
    }
    if client_state.is_empty() {
        return refuse("invalid_request", "state is required.");
    }
    if params.query_get("code_challenge_method") != Some("S256") {
        return refuse("invalid_request", "code_challenge_method must be S256.");
    }
    let Some(challenge) = params
        .query_get("code_challenge")
        .filter(|c| pkce::challenge_well_formed(c))
    else {
        return refuse(
            "invalid_request",
            "code_challenge must be the base64url SHA-256 of the verifier.",
        );
    };
    if params.query_get("prompt").is_some_and(|p| p != "consent") {
        return refuse("invalid_request", "prompt must be consent.");
    }
    let Some(scopes) = requested_scopes(&client, params.query_get("scope").unwrap_or("")) else {
        return refuse(
            "invalid_scope",
            "scope must list scopes enabled on the app, separated by spaces.",
        );
    };
    let member_id = state.default_member_id.clone();
    let username = state
        .member(&member_id)
        .map(|m| m.member.username.clone())
        .unwrap_or_default();
    let request_key = random::nonce();
    let fields = vec![
        ("client_id".to_owned(), client.client_id.clone()),
        ("redirect_uri".to_owned(), redirect_uri.to_owned()),
        ("scope".to_owned(), scopes.join(" ")),
        ("state".to_owned(), client_state.to_owned()),
        ("requestKey".to_owned(), request_key.clone()),
    ];
    let page = html::oauth2_consent(&client.name, &username, &scopes, &fields);
    let kind = PendingKind::OAuth2 {
        grant: CodeGrant {
            client_id: client.client_id.clone(),
            redirect_uri: redirect_uri.to_owned(),
            challenge: challenge.to_owned(),
            member_id,
            scopes,
        },
        state: client_state.to_owned(),
    };
    state.hold_consent(request_key, kind, fields);
    page.respond(StatusCode::OK)
}

/// The requested scopes, space-separated, deduplicated in order; `None` if empty or if one is
/// not enabled on the client (`offline_access` always is).
fn requested_scopes(client: &OAuth2Client, scope: &str) -> Option<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for s in scope.split(' ').filter(|s| !s.is_empty()) {
        if s != OFFLINE_ACCESS && !client.scopes.iter().any(|c| c == s) {
            return None;
        }
        if !out.iter().any(|o| o == s) {
            out.push(s.to_owned());
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The consent form's answer for an OAuth 2.0 request: a code, or `access_denied` (SPEC S8.3).
pub(crate) fn approve(
    state: &State,
    grant: CodeGrant,
    client_state: &str,
    allow: bool,
) -> Response {
    let Ok(redirect) = Url::parse(&grant.redirect_uri) else {
        return error("The authorization request was altered.");
    };
    if !allow {
        return refusal(
            &redirect,
            "access_denied",
            "The user denied access.",
            client_state,
        );
    }
    let code = state.oauth2.issue_code(grant, state.clock.now_ms());
    let mut to = redirect;
    to.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", client_state);
    response::redirect(to.as_str())
}

/// A redirect carrying an RFC 6749 §4.1.2.1 error.
fn refusal(redirect: &Url, code: &str, text: &str, client_state: &str) -> Response {
    let mut to = redirect.clone();
    {
        let mut q = to.query_pairs_mut();
        q.append_pair("error", code)
            .append_pair("error_description", text);
        if !client_state.is_empty() {
            q.append_pair("state", client_state);
        }
    }
    response::redirect(to.as_str())
}

/// `POST /oauth/token` (SPEC S8.4–S8.6).
pub(crate) fn token(state: &State, req: &Req, params: Result<&Params, BadParams>) -> Response {
    let json_typed = req
        .parts
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|ct| ct.to_ascii_lowercase().starts_with("application/json"));
    let params = match params {
        Ok(p) if json_typed && !req.body.is_empty() => p,
        _ => {
            return token_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "The body must be a JSON object (Content-Type: application/json).",
            )
        }
    };
    let body = |name: &str| {
        params
            .body
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let Some(grant_type) = body("grant_type") else {
        return invalid_request("grant_type is required.");
    };
    if grant_type != "authorization_code" && grant_type != "refresh_token" {
        return token_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant_type must be authorization_code or refresh_token.",
        );
    }
    let Some(client_id) = body("client_id") else {
        return invalid_request("client_id is required.");
    };
    let client_ok = state
        .oauth2
        .client(client_id)
        .is_some_and(|c| secrets_match(c.client_secret.as_deref(), body("client_secret")));
    if !client_ok {
        return token_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Unknown client, or wrong client credentials.",
        );
    }
    let now = state.clock.now_ms();
    if grant_type == "refresh_token" {
        let Some(refresh_token) = body("refresh_token") else {
            return invalid_request("refresh_token is required.");
        };
        return match state.oauth2.refresh(client_id, refresh_token, now) {
            Some(issued) => token_answer(issued),
            None => token_error(StatusCode::FORBIDDEN, "invalid_grant", BAD_REFRESH),
        };
    }
    let (Some(code), Some(verifier), Some(redirect_uri)) =
        (body("code"), body("code_verifier"), body("redirect_uri"))
    else {
        return invalid_request("code, code_verifier and redirect_uri are required.");
    };
    match state
        .oauth2
        .exchange_code(client_id, code, verifier, redirect_uri, now)
    {
        Ok(issued) => token_answer(issued),
        Err(e) => token_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            match e {
                CodeError::Code => "Unknown, expired or already used authorization code.",
                CodeError::RedirectUri => "redirect_uri does not match the authorization request.",
                CodeError::Verifier => "code_verifier does not match the code_challenge.",
            },
        ),
    }
}

/// A confidential client must send its secret, a public client must send none.
fn secrets_match(registered: Option<&str>, sent: Option<&str>) -> bool {
    match (registered, sent) {
        (None, None) => true,
        (Some(r), Some(s)) => {
            r.len() == s.len()
                && r.bytes()
                    .zip(s.bytes())
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                    == 0
        }
        _ => false,
    }
}

fn token_answer(issued: Issued) -> Response {
    let mut body = json!({
        "access_token": issued.access_token,
        "expires_in": ACCESS_TTL_SECS,
        "scope": issued.scopes.join(" "),
        "token_type": "Bearer",
    });
    if let Some(r) = issued.refresh_token {
        body["refresh_token"] = json!(r);
    }
    let mut resp = response::json_value(StatusCode::OK, &body);
    // RFC 6749 §5.1: token answers must not be cached.
    resp.headers_mut().insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-store"),
    );
    resp
}

fn invalid_request(text: &str) -> Response {
    token_error(StatusCode::BAD_REQUEST, "invalid_request", text)
}

fn token_error(status: StatusCode, code: &str, text: &str) -> Response {
    response::json_value(status, &json!({ "error": code, "error_description": text }))
}
