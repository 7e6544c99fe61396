//! The admin API under `/__sandbox/` (loopback peers only; others get 404). Every endpoint is
//! documented in the crate docs; bodies are JSON, answers are JSON, errors are
//! 400 `{"error": "..."}`.

use std::time::Duration;

use http::{Method, StatusCode};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::model::{App, Expiration, Fault, Member, OAuth2Client, RouteMatch, Scopes, TokenSpec};
use crate::random;
use crate::request::Req;
use crate::response::{self, Response};
use crate::state::State;

fn bad(msg: impl Into<String>) -> Response {
    response::json_value(StatusCode::BAD_REQUEST, &json!({ "error": msg.into() }))
}

fn ok(v: &Value) -> Response {
    response::json_value(StatusCode::OK, v)
}

fn parse<T: for<'de> Deserialize<'de>>(req: &Req) -> Result<T, Response> {
    let body: &[u8] = if req.body.is_empty() {
        b"{}"
    } else {
        &req.body
    };
    serde_json::from_slice(body).map_err(|e| bad(format!("invalid JSON body: {e}")))
}

/// Routes `/__sandbox/{rest}`.
pub(crate) fn handle(state: &State, req: &Req, rest: &str) -> Response {
    if !req.peer.ip().is_loopback() {
        return response::not_found();
    }
    let m = req.method().clone();
    let result = match (m, rest.trim_end_matches('/')) {
        (Method::GET, "info") => Ok(info(state)),
        (Method::GET, "clock") => Ok(clock(state)),
        (Method::POST, "clock") => advance_clock(state, req),
        (Method::POST, "apps") => register_app(state, req),
        (Method::POST, "members") => add_member(state, req),
        (Method::POST, "tokens") => mint_token(state, req),
        (Method::POST, "faults") => add_fault(state, req),
        (Method::POST, "oauth2/clients") => register_oauth2_client(state, req),
        (Method::POST, "oauth2/revoke") => revoke_oauth2_grant(state, req),
        (Method::DELETE, "faults") => {
            state.faults.clear();
            Ok(ok(&json!({ "cleared": true })))
        }
        (Method::GET, "webhooks/deliveries") => Ok(ok(&json!(state.webhooks.deliveries()))),
        (Method::DELETE, "webhooks/deliveries") => {
            state.webhooks.clear_deliveries();
            Ok(ok(&json!({ "cleared": true })))
        }
        (Method::GET, "requests") => Ok(ok(&json!(state.log.snapshot()))),
        (Method::GET, "writes") => Ok(ok(&json!(state.writes.snapshot()))),
        (Method::DELETE, "writes") => {
            state.writes.clear();
            Ok(ok(&json!({ "cleared": true })))
        }
        (Method::DELETE, "requests") => {
            state.log.clear();
            Ok(ok(&json!({ "cleared": true })))
        }
        _ => Ok(response::not_found()),
    };
    result.unwrap_or_else(|r| r)
}

pub(crate) fn app_json(app: &App) -> Value {
    json!({ "name": app.name, "key": app.key, "secret": app.secret,
            "allowed_origins": app.allowed_origins })
}

fn info(state: &State) -> Response {
    let app = state.app(&state.default_app_key).map(|a| app_json(&a.app));
    let member = state
        .member(&state.default_member_id)
        .map(|m| json!({ "id": m.member.id, "username": m.member.username }));
    let f = &state.fixtures;
    ok(&json!({
        "api_base": state.api_base.get(),
        "auth_base": state.api_base.get(),
        "storage_base": state.storage_base.get(),
        "app": app,
        "member": member,
        "token": state.default_token.get(),
        "oauth2": state.default_oauth2.get().map(|o| json!({
            "client_id": o.client_id, "client_secret": o.client_secret,
            "public_client_id": o.public_client_id, "redirect_uris": o.redirect_uris,
        })),
        "fixtures": { "board_id": f.board_id, "list_id": f.list_id, "card_id": f.card_id,
                      "attachment_id": f.attachment_id, "attachment_name": f.attachment_name },
    }))
}

fn clock(state: &State) -> Response {
    ok(&json!({
        "now": state.clock.now_secs(),
        "offset_secs": state.clock.offset_ms().div_euclid(1000),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockBody {
    advance_secs: u64,
}

fn advance_clock(state: &State, req: &Req) -> Result<Response, Response> {
    let b: ClockBody = parse(req)?;
    state.clock.advance(Duration::from_secs(b.advance_secs));
    Ok(clock(state))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AppBody {
    name: Option<String>,
    key: Option<String>,
    secret: Option<String>,
    allowed_origins: Option<Vec<String>>,
}

fn register_app(state: &State, req: &Req) -> Result<Response, Response> {
    let b: AppBody = parse(req)?;
    let mut app = App::generate(b.name.unwrap_or_else(|| "Sandbox App".into()));
    if let Some(k) = b.key {
        app.key = k;
    }
    if let Some(s) = b.secret {
        app.secret = s;
    }
    if let Some(o) = b.allowed_origins {
        app.allowed_origins = o;
    }
    state
        .register_app(app.clone())
        .map_err(|e| bad(e.to_string()))?;
    Ok(ok(&app_json(&app)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberBody {
    username: String,
    full_name: Option<String>,
    id: Option<String>,
}

fn add_member(state: &State, req: &Req) -> Result<Response, Response> {
    let b: MemberBody = parse(req)?;
    let member = Member {
        id: b.id.unwrap_or_else(random::object_id),
        full_name: b.full_name.unwrap_or_else(|| b.username.clone()),
        username: b.username,
    };
    let f = state
        .add_member(member.clone())
        .map_err(|e| bad(e.to_string()))?;
    Ok(ok(&json!({
        "id": member.id, "username": member.username, "fullName": member.full_name,
        "board_id": f.board_id, "list_id": f.list_id, "card_id": f.card_id,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenBody {
    app_key: Option<String>,
    member_id: Option<String>,
    scope: Option<String>,
    expiration: Option<String>,
    expires_in_secs: Option<u64>,
}

fn mint_token(state: &State, req: &Req) -> Result<Response, Response> {
    let b: TokenBody = parse(req)?;
    let scopes = match b.scope.as_deref() {
        None => Scopes::READ_WRITE,
        Some(s) => Scopes::parse(s).ok_or_else(|| bad("invalid scope"))?,
    };
    let expiration = match (b.expires_in_secs, b.expiration.as_deref()) {
        (Some(s), None) => Expiration::After(Duration::from_secs(s)),
        (None, None) => Expiration::Never,
        (None, Some(e)) => Expiration::parse(e).ok_or_else(|| bad("invalid expiration"))?,
        (Some(_), Some(_)) => return Err(bad("give expiration or expires_in_secs, not both")),
    };
    let spec = TokenSpec {
        app_key: b.app_key,
        member_id: b.member_id,
        scopes,
        expiration,
    };
    let token = state.mint(&spec, None).map_err(|e| bad(e.to_string()))?;
    Ok(ok(&json!({ "token": token })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultBody {
    path: String,
    #[serde(rename = "match")]
    match_: Option<String>,
    method: Option<String>,
    count: Option<u32>,
    status: Option<u16>,
    latency_ms: Option<u64>,
    close: Option<bool>,
    after_applying: Option<bool>,
    redirect: Option<String>,
    goaway: Option<bool>,
}

fn add_fault(state: &State, req: &Req) -> Result<Response, Response> {
    let b: FaultBody = parse(req)?;
    let route = match b.match_.as_deref() {
        None | Some("prefix") => RouteMatch::Prefix(b.path),
        Some("exact") => RouteMatch::Exact(b.path),
        Some(_) => return Err(bad("match must be \"prefix\" or \"exact\"")),
    };
    if let Some(s) = b.status {
        if !(400..=599).contains(&s) {
            return Err(bad("status must be 400-599"));
        }
    }
    let close = b.close.unwrap_or(false);
    let goaway = b.goaway.unwrap_or(false);
    let after_applying = b.after_applying.unwrap_or(false);
    if b.status.is_none() && b.latency_ms.is_none() && !close && b.redirect.is_none() && !goaway {
        return Err(bad("give status, latency_ms, close, redirect or goaway"));
    }
    if after_applying && b.status.is_none() && !close {
        return Err(bad(
            "after_applying needs a status or close to answer instead",
        ));
    }
    if let Some(url) = &b.redirect {
        if http::HeaderValue::from_str(url).is_err() {
            return Err(bad("redirect must be a URL that fits in a Location header"));
        }
    }
    let fault = Fault {
        route,
        method: b.method,
        count: b.count.unwrap_or(1),
        status: b.status,
        latency: b.latency_ms.map(Duration::from_millis),
        close,
        after_applying,
        redirect: b.redirect,
        goaway,
    };
    state.faults.add(fault);
    Ok(ok(&json!({ "armed": true })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OAuth2ClientBody {
    name: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    public: Option<bool>,
    redirect_uris: Option<Vec<String>>,
    scopes: Option<Vec<String>>,
}

/// `POST /__sandbox/oauth2/clients`: a confidential client unless `public` is true (then a
/// `client_secret` is refused); generated id and secret, every scope and the development
/// redirect URIs unless given.
fn register_oauth2_client(state: &State, req: &Req) -> Result<Response, Response> {
    let b: OAuth2ClientBody = parse(req)?;
    let name = b.name.unwrap_or_else(|| "Sandbox OAuth 2.0 App".into());
    let public = b.public.unwrap_or(false);
    let mut client = if public {
        if b.client_secret.is_some() {
            return Err(bad("a public client has no client_secret"));
        }
        OAuth2Client::public(name)
    } else {
        OAuth2Client::confidential(name)
    };
    if let Some(id) = b.client_id {
        client.client_id = id;
    }
    if let Some(s) = b.client_secret {
        client.client_secret = Some(s);
    }
    if let Some(u) = b.redirect_uris {
        client.redirect_uris = u;
    }
    if let Some(s) = b.scopes {
        client.scopes = s;
    }
    state
        .oauth2
        .register(client.clone())
        .map_err(|e| bad(e.to_string()))?;
    Ok(ok(&json!({
        "name": client.name, "client_id": client.client_id,
        "client_secret": client.client_secret, "redirect_uris": client.redirect_uris,
        "scopes": client.scopes,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RevokeBody {
    client_id: String,
    member_id: Option<String>,
}

/// `POST /__sandbox/oauth2/revoke`: revokes the client's grants (of one member, if given).
fn revoke_oauth2_grant(state: &State, req: &Req) -> Result<Response, Response> {
    let b: RevokeBody = parse(req)?;
    let n = state
        .oauth2
        .revoke_grants(&b.client_id, b.member_id.as_deref())
        .map_err(|e| bad(e.to_string()))?;
    Ok(ok(&json!({ "revoked": n })))
}
