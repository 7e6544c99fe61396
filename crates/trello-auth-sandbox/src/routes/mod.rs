//! Request routing: the dispatch from listener, method and path to the handler modules, the
//! admin API's apart (it takes no parameters and is not logged).

pub(crate) mod actions;
pub(crate) mod admin;
pub(crate) mod authorize;
pub(crate) mod oauth1;
pub(crate) mod oauth2;
pub(crate) mod rest;
pub(crate) mod storage;
pub(crate) mod tokens;
pub(crate) mod webhooks;

use http::{Method, StatusCode};

use crate::html;
use crate::model::Listener;
use crate::request::{BadParams, Meta, Params, Req};
use crate::response::{self, Response};
use crate::state::State;

/// Routes a request of the API/auth listener (but not of its admin API, [`dispatch_admin`]) or
/// of the storage listener to its handler.
///
/// `params` are the request's, parsed once by the caller (who logs them too); a parse error is
/// answered only under `/1/`, where parameters are read.
pub(crate) fn dispatch(
    state: &State,
    req: &Req,
    params: Result<&Params, BadParams>,
    meta: &mut Meta,
) -> Response {
    if req.listener == Listener::Storage {
        return storage::handle(state, req);
    }
    let path = req.path();
    // SPEC S3.4: Trello's CDN answers a GET that carries a body with a 403 HTML page.
    if matches!(*req.method(), Method::GET | Method::HEAD) && !req.body.is_empty() {
        return html::forbidden_get_with_body().respond(StatusCode::FORBIDDEN);
    }
    // SPEC S8.1: the OAuth 2.0 endpoints live on the auth origin, outside `/1/`.
    match path {
        "/authorize" if req.method() == Method::GET => {
            return match params {
                Ok(p) => oauth2::authorize(state, p),
                Err(bad) => bad.respond(),
            }
        }
        "/oauth/token" if req.method() == Method::POST => return oauth2::token(state, req, params),
        _ => {}
    }
    let Some(rest) = path.strip_prefix("/1/") else {
        return response::not_found();
    };
    let params = match params {
        Ok(p) => p,
        Err(bad) => return bad.respond(),
    };
    let mut segs: Vec<&str> = rest.split('/').collect();
    if segs.len() > 1 && segs.last() == Some(&"") {
        segs.pop();
    }
    match segs.as_slice() {
        ["authorize"] if req.method() == Method::GET => authorize::authorize(state, params),
        ["token", "approve"] if req.method() == Method::POST => authorize::approve(state, params),
        ["OAuthGetRequestToken"] => oauth1::request_token(state, req, meta),
        ["OAuthAuthorizeToken"] if req.method() == Method::GET => {
            oauth1::authorize_token(state, params)
        }
        ["OAuthGetAccessToken"] => oauth1::access_token(state, req, meta),
        ["tokens", ..] => tokens::handle(state, req, params, meta, &segs[1..]),
        ["webhooks", ..] => webhooks::handle(state, req, params, meta, &segs[1..]),
        _ => rest::handle(state, req, params, meta, &segs),
    }
}

/// Routes a request of the admin API (`/__sandbox/{rest}` on the API listener).
pub(crate) fn dispatch_admin(state: &State, req: &Req) -> Response {
    match req.path().strip_prefix("/__sandbox/") {
        Some(rest) => admin::handle(state, req, rest),
        None => response::not_found(),
    }
}
