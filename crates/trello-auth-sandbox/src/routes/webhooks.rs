//! The webhook routes (SPEC S9): `POST /1/webhooks` (after a `HEAD` of the callback URL that
//! must answer 200), `GET` and `DELETE /1/webhooks/{id}`. The token's list,
//! `GET /1/tokens/{token}/webhooks`, is with the token routes.
//!
//! Creation is in two halves: [`create`] authenticates and checks the request like any route
//! (synchronously, under the rate limits), and leaves a [`Draft`] in the request's `Meta`;
//! [`finish_create`] then makes the `HEAD` request and registers the webhook if it got 200.

use std::sync::Arc;

use http::{Method, StatusCode};
use serde_json::json;

use crate::credentials::{guarded, Need, Principal};
use crate::random;
use crate::request::{Meta, Params, Req};
use crate::response::{self, bodies, Response};
use crate::routes::rest::is_object_id;
use crate::state::{lock, State};
use crate::webhooks::{deliver, Draft, Hook, Refused};

/// Routes `/1/webhooks[/{id}]`.
pub(crate) fn handle(
    state: &State,
    req: &Req,
    params: &Params,
    meta: &mut Meta,
    segs: &[&str],
) -> Response {
    let m = req.method();
    match segs {
        [] if m == Method::POST => {
            let mut draft = None;
            let answer = guarded(state, req, params, meta, Need::Read, |p| {
                match check(state, p, params) {
                    Ok(d) => {
                        draft = Some(d);
                        response::json(StatusCode::OK, "{}")
                    }
                    Err(r) => r,
                }
            });
            meta.webhook = draft.map(Box::new);
            answer
        }
        [id] if m == Method::GET => guarded(state, req, params, meta, Need::Read, |p| {
            with_hook(state, p, id, |h| {
                response::json_value(StatusCode::OK, &h.json())
            })
        }),
        [id] if m == Method::DELETE => guarded(state, req, params, meta, Need::Read, |p| {
            with_hook(state, p, id, |h| {
                state.webhooks.remove(&h.id);
                response::json(StatusCode::OK, r#"{"_value":null}"#)
            })
        }),
        _ => response::not_found(),
    }
}

fn message(status: StatusCode, text: impl Into<String>) -> Response {
    response::text(status, text.into())
}

/// The checks Trello makes before its `HEAD`: the callback URL, the model (which the token
/// must be able to read), and a secret to sign with.
fn check(state: &State, p: &Principal, params: &Params) -> Result<Draft, Response> {
    let bad = |text: &str| message(StatusCode::BAD_REQUEST, text);
    let url = params
        .get("callbackURL")
        .ok_or_else(|| bad("invalid value for callbackURL"))?;
    let uri = deliver::check_callback_url(url).map_err(|m| message(StatusCode::BAD_REQUEST, m))?;
    let id_model = params
        .get("idModel")
        .filter(|id| is_object_id(id))
        .ok_or_else(|| bad("invalid value for idModel"))?;
    if !can_see(state, p, id_model) {
        return Err(bad("invalid value for idModel"));
    }
    let active = match params.get("active") {
        None | Some("true") => true,
        Some("false") => false,
        Some(_) => return Err(bad("invalid value for active")),
    };
    let secret = signing_secret(state, p).ok_or_else(|| {
        bad("this OAuth 2.0 client has no secret to sign webhook deliveries with: create webhooks with a confidential client or with key and token")
    })?;
    Ok(Draft {
        hook: Hook {
            id: random::object_id(),
            description: params.get("description").unwrap_or_default().to_owned(),
            id_model: id_model.to_owned(),
            callback_url: url.to_owned(),
            active,
            token: p.token.clone(),
            secret,
            consecutive_failures: 0,
            first_failure_ms: None,
        },
        uri,
    })
}

/// The `HEAD` check, then the webhook registered (200, the webhook) or not (400, why).
/// `answer` is what [`handle`] answered, whose rate-limit headers are kept.
pub(crate) async fn finish_create(state: &State, draft: Draft, answer: Response) -> Response {
    let (mut parts, _) = answer.into_parts();
    let url = draft.hook.callback_url.clone();
    let decided = match deliver::head_check(&state.webhooks, &url, &draft.uri).await {
        Err(why) => message(StatusCode::BAD_REQUEST, why),
        Ok(()) => {
            let body = draft.hook.json();
            match state.webhooks.insert(draft.hook) {
                Ok(()) => response::json_value(StatusCode::OK, &body),
                Err(Refused::Duplicate) => message(
                    StatusCode::BAD_REQUEST,
                    "A webhook with that callback, model, and token already exists",
                ),
            }
        }
    };
    let (decided_parts, body) = decided.into_parts();
    parts.status = decided_parts.status;
    for (name, value) in &decided_parts.headers {
        parts.headers.insert(name, value.clone());
    }
    Response::from_parts(parts, body)
}

/// A board, list or card of the caller's member, or the member.
fn can_see(state: &State, p: &Principal, id: &str) -> bool {
    if *p.member_id == *id {
        return true;
    }
    let world = lock(&state.world);
    let board_id = world
        .boards
        .get(id)
        .map(|b| b.id.as_str())
        .or_else(|| world.lists.get(id).map(|l| l.board_id.as_str()))
        .or_else(|| world.cards.get(id).map(|c| c.board_id.as_str()));
    board_id
        .and_then(|b| world.boards.get(b))
        .is_some_and(|b| *b.member_id == *p.member_id)
}

/// The app secret of the caller's key, or the secret of its OAuth 2.0 client.
fn signing_secret(state: &State, p: &Principal) -> Option<Arc<str>> {
    if let Some(app) = state.app(&p.rate_key) {
        return Some(app.app.secret.as_str().into());
    }
    state
        .oauth2
        .client(&p.rate_key)
        .and_then(|c| c.client_secret)
        .map(Into::into)
}

/// A webhook of the caller's token: 400 `invalid id`, 404 for an unknown one or another
/// token's.
fn with_hook(
    state: &State,
    p: &Principal,
    id: &str,
    f: impl FnOnce(&Hook) -> Response,
) -> Response {
    if !is_object_id(id) {
        return response::bad_request(bodies::INVALID_ID);
    }
    match state.webhooks.get(id) {
        Some(h) if h.token == p.token => f(&h),
        _ => response::json_value(
            StatusCode::NOT_FOUND,
            &json!({ "message": "webhook not found", "error": "NOT_FOUND" }),
        ),
    }
}
