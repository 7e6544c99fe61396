//! The authorize route and its consent form (SPEC S1): `GET /1/authorize` and
//! `POST /1/token/approve`, which also approves OAuth 1.0a request tokens (SPEC S6) and OAuth
//! 2.0 authorize requests (SPEC S8.2).
//!
//! Error pages (bad key, bad parameters, a `return_url` outside the allowed origins) are
//! answered 400 with Trello's text in HTML (SPEC S7). The consent form carries a single-use
//! anti-forgery value `requestKey`; a missing, reused or expired one answers 403.

use http::StatusCode;
use url::Url;

use crate::html::{self, Consent};
use crate::model::{Expiration, Scopes, TokenSpec};
use crate::origin::{origin_of, parse_return_url};
use crate::random;
use crate::request::Params;
use crate::response::{self, Response};
use crate::state::{lock, Callback, Delivery, PendingKind, State, PENDING_TTL_MS};

/// SPEC S7's text for a `return_url` outside the allowed origins.
pub(crate) const INVALID_RETURN_URL: &str = "Invalid return_url. The return URL should match the application's allowed origins. Contact the developer.";

/// SPEC S1.4's deny message.
pub(crate) const REJECTED: &str = "Token request rejected";

/// The heading of the page shown after Deny in display mode (its text is [`REJECTED`]).
pub(crate) const DENIED_TITLE: &str = "You denied access";

pub(crate) fn error(text: &str) -> Response {
    html::error_page(text).respond(StatusCode::BAD_REQUEST)
}

/// `GET /1/authorize` (SPEC S1.2): defaults are scope `read` and expiration `30days`
/// (client.js's); `response_type`, if given, must be `token`.
pub(crate) fn authorize(state: &State, params: &Params) -> Response {
    let Some(app) = params.query_get("key").and_then(|k| state.app(k)) else {
        return error("Invalid API key. The key does not belong to any application.");
    };
    if params
        .query_get("response_type")
        .is_some_and(|r| r != "token")
    {
        return error("Invalid response_type. Only \"token\" is supported.");
    }
    let Some(scopes) = Scopes::parse(params.query_get("scope").unwrap_or("read")) else {
        return error("Invalid scope. Use a comma-separated subset of read, write, account.");
    };
    let Some(expiration) = Expiration::parse(params.query_get("expiration").unwrap_or("30days"))
    else {
        return error("Invalid expiration. Use 1hour, 1day, 30days or never.");
    };
    let delivery = match (
        params.query_get("callback_method"),
        params.query_get("return_url"),
    ) {
        (None, None) => Delivery::Display,
        (Some(m), Some(u)) => {
            let Some(url) = parse_return_url(u) else {
                return error(INVALID_RETURN_URL);
            };
            if !app.allows(&url) {
                return error(INVALID_RETURN_URL);
            }
            match m {
                "fragment" => Delivery::Fragment(url),
                "postMessage" => Delivery::PostMessage(url),
                _ => return error("Invalid callback_method. Use fragment or postMessage."),
            }
        }
        _ => return error("callback_method and return_url must be given together."),
    };
    let name = params
        .query_get("name")
        .filter(|n| !n.is_empty())
        .unwrap_or(&app.app.name)
        .to_owned();
    let mut fields = vec![
        ("key".to_owned(), app.app.key.clone()),
        ("response_type".to_owned(), "token".to_owned()),
        ("scope".to_owned(), scopes.as_list()),
        ("expiration".to_owned(), expiration.name()),
        ("name".to_owned(), name.clone()),
    ];
    match &delivery {
        Delivery::Display => {}
        Delivery::Fragment(u) | Delivery::PostMessage(u) => {
            let m = if matches!(delivery, Delivery::Fragment(_)) {
                "fragment"
            } else {
                "postMessage"
            };
            fields.push(("callback_method".to_owned(), m.to_owned()));
            fields.push(("return_url".to_owned(), u.to_string()));
        }
    }
    render_consent(
        state,
        &name,
        scopes,
        expiration,
        fields,
        PendingKind::Token {
            app_key: app.app.key.clone(),
            scopes,
            expiration,
            delivery,
        },
    )
}

/// Stores a pending consent under a fresh anti-forgery value and renders the page.
pub(crate) fn render_consent(
    state: &State,
    app_name: &str,
    scopes: Scopes,
    expiration: Expiration,
    mut fields: Vec<(String, String)>,
    kind: PendingKind,
) -> Response {
    let request_key = random::nonce();
    fields.push(("requestKey".to_owned(), request_key.clone()));
    let username = state
        .member(&state.default_member_id)
        .map(|m| m.member.username.clone())
        .unwrap_or_default();
    let page = html::consent(&Consent {
        app_name,
        username: &username,
        scopes,
        expiration,
        fields: &fields,
    });
    state.hold_consent(request_key, kind, fields);
    page.respond(StatusCode::OK)
}

/// `POST /1/token/approve`: the consent form's Allow or Deny.
pub(crate) fn approve(state: &State, params: &Params) -> Response {
    let forbidden = || {
        html::error_page("This authorization request is no longer valid. Start again.")
            .respond(StatusCode::FORBIDDEN)
    };
    let Some(request_key) = params.body.iter().find(|(n, _)| n == "requestKey") else {
        return forbidden();
    };
    let Some(pending) = lock(&state.pending).remove(&request_key.1) else {
        return forbidden();
    };
    if state.clock.now_ms() - pending.created_ms >= PENDING_TTL_MS {
        return forbidden();
    }
    // The hidden fields must come back as rendered.
    let altered = pending
        .fields
        .iter()
        .any(|(n, v)| !params.body.iter().any(|(bn, bv)| bn == n && bv == v));
    if altered {
        return error("The authorization request was altered.");
    }
    let allow = match params
        .body
        .iter()
        .find(|(n, _)| n == "approve")
        .map(|(_, v)| v.as_str())
    {
        Some("Allow") => true,
        Some("Deny") => false,
        _ => return error("Choose Allow or Deny."),
    };
    match pending.kind {
        PendingKind::Token {
            app_key,
            scopes,
            expiration,
            delivery,
        } => {
            if !allow {
                return deliver_denial(&delivery);
            }
            let spec = TokenSpec {
                app_key: Some(app_key),
                member_id: None,
                scopes,
                expiration,
            };
            match state.mint(&spec, None) {
                Ok(token) => deliver_token(&delivery, &token),
                Err(_) => error("The application no longer exists."),
            }
        }
        PendingKind::OAuth1 {
            request_token,
            scopes,
            expiration,
        } => crate::routes::oauth1::approve(state, &request_token, allow, scopes, expiration),
        PendingKind::OAuth2 {
            grant,
            state: client_state,
        } => crate::routes::oauth2::approve(state, grant, &client_state, allow),
    }
}

fn with_fragment(url: &Url, fragment: &str) -> String {
    let mut u = url.clone();
    u.set_fragment(None);
    format!("{u}#{fragment}")
}

/// SPEC S1.3.
fn deliver_token(delivery: &Delivery, token: &str) -> Response {
    match delivery {
        Delivery::Display => html::show_secret("token", token).respond(StatusCode::OK),
        Delivery::Fragment(url) => {
            response::redirect(&with_fragment(url, &format!("token={token}")))
        }
        Delivery::PostMessage(url) => {
            html::post_message(&html::js_string(token), &origin_of(url)).respond(StatusCode::OK)
        }
    }
}

/// SPEC S1.4.
fn deliver_denial(delivery: &Delivery) -> Response {
    match delivery {
        Delivery::Display => html::message(DENIED_TITLE, REJECTED).respond(StatusCode::OK),
        Delivery::Fragment(url) => response::redirect(&with_fragment(
            url,
            "token=&error=Token%20request%20rejected",
        )),
        Delivery::PostMessage(url) => {
            let msg = serde_json::json!({ "error": REJECTED }).to_string();
            html::post_message(&msg.replace('<', "\\u003c"), &origin_of(url))
                .respond(StatusCode::OK)
        }
    }
}

/// The callback check shared with OAuth 1.0a (SPEC S6, S7).
pub(crate) fn callback_allowed(state: &State, consumer_key: &str, cb: &Callback) -> bool {
    match cb {
        Callback::Oob => true,
        Callback::Url(u) => state.app(consumer_key).is_some_and(|a| a.allows(u)),
    }
}
