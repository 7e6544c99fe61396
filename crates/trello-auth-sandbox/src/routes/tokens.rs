//! The token resource (SPEC S5): `GET /1/tokens/{t}`, `GET /1/tokens/{t}/member`,
//! `DELETE /1/tokens/{t}` (afterwards the token answers 401 `invalid token`).
//!
//! The caller authenticates as for any REST call; the token in the path must belong to the
//! same member, else 401 `unauthorized permission requested`; an unknown or revoked path
//! token answers 401 `invalid token`.
//!
//! These routes are for key + token credentials (SPEC S8.7): a call with an
//! `Authorization: Bearer` header answers 400 `token routes take key and token, not an OAuth
//! 2.0 token`. Not 401: after a 401 an OAuth 2.0 client refreshes and retries (SPEC S8.7),
//! which would spend a rotation on a request that can never succeed.

use http::{Method, StatusCode};
use serde_json::json;

use crate::clock::iso8601;
use crate::credentials::{guarded, Need, Principal};
use crate::request::{Meta, Params, Req};
use crate::response::{self, bodies, Response};
use crate::state::{State, TokenCheck, TokenRecord};

/// Routes `/1/tokens/{segs...}`.
pub(crate) fn handle(
    state: &State,
    req: &Req,
    params: &Params,
    meta: &mut Meta,
    segs: &[&str],
) -> Response {
    let bearer = req
        .authorization()
        .and_then(|h| h.split_once(' '))
        .is_some_and(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"));
    if bearer {
        meta.placement = crate::model::Placement::Header;
        return response::bad_request("token routes take key and token, not an OAuth 2.0 token");
    }
    let m = req.method();
    match segs {
        [t] if m == Method::GET => guarded(state, req, params, meta, Need::Read, |p| {
            with_token(state, p, t, |rec| token_json(state, t, rec))
        }),
        [t, "member"] if m == Method::GET => guarded(state, req, params, meta, Need::Read, |p| {
            with_token(state, p, t, |rec| match state.member(&rec.member_id) {
                Some(mem) => response::json(StatusCode::OK, mem.json.clone()),
                None => response::not_found(),
            })
        }),
        [t, "webhooks"] if m == Method::GET => guarded(state, req, params, meta, Need::Read, |p| {
            with_token(state, p, t, |_| webhooks_json(state, t))
        }),
        [t] if m == Method::DELETE => guarded(state, req, params, meta, Need::Read, |p| {
            with_token(state, p, t, |_| {
                state.revoke(t);
                response::json(StatusCode::OK, r#"{"_value":null}"#)
            })
        }),
        _ => response::not_found(),
    }
}

fn with_token(
    state: &State,
    p: &Principal,
    token: &str,
    f: impl FnOnce(&TokenRecord) -> Response,
) -> Response {
    let Some(rec) = state.token(token) else {
        return response::unauthorized(bodies::INVALID_TOKEN);
    };
    match state.check_token(&rec.app_key, token) {
        TokenCheck::Invalid => return response::unauthorized(bodies::INVALID_TOKEN),
        TokenCheck::Expired => return response::unauthorized(bodies::EXPIRED_TOKEN),
        TokenCheck::Valid { .. } => {}
    }
    if rec.member_id != p.member_id {
        return response::unauthorized(bodies::UNAUTHORIZED_PERMISSION);
    }
    f(&rec)
}

/// The token's webhooks (SPEC S9).
fn webhooks_json(state: &State, token: &str) -> Response {
    let hooks: Vec<serde_json::Value> = state
        .webhooks
        .of_token(token)
        .iter()
        .map(crate::webhooks::Hook::json)
        .collect();
    response::json_value(StatusCode::OK, &serde_json::Value::Array(hooks))
}

fn token_json(state: &State, token: &str, rec: &TokenRecord) -> Response {
    let app_name = state
        .app(&rec.app_key)
        .map(|a| a.app.name.clone())
        .unwrap_or_default();
    let perm = |id_model: &str, model_type: &str| {
        json!({
            "idModel": id_model,
            "modelType": model_type,
            "read": rec.scopes.read,
            "write": rec.scopes.write,
        })
    };
    let body = json!({
        "id": rec.id,
        "identifier": app_name,
        "idMember": &*rec.member_id,
        "dateCreated": iso8601(rec.created_ms),
        "dateExpires": rec.expires_ms.map(iso8601),
        "permissions": [
            perm(&rec.member_id, "Member"),
            perm("*", "Board"),
            perm("*", "Organization"),
        ],
        "webhooks": state.webhooks.of_token(token).iter().map(crate::webhooks::Hook::json).collect::<Vec<_>>(),
    });
    response::json_value(StatusCode::OK, &body)
}
