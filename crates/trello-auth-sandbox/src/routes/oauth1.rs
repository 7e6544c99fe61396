//! The OAuth 1.0a endpoints (SPEC S6): `OAuthGetRequestToken`, `OAuthAuthorizeToken` (the
//! consent page, same form as `/1/authorize`), `OAuthGetAccessToken`.
//!
//! Requests are verified by [`crate::credentials::verify_signed`] (HMAC-SHA1 only, RFC 5849
//! §3.4). Request tokens live for an hour of sandbox time and are single use; the access token
//! is an ordinary sandbox token with a token secret, usable for signed API calls.

use http::StatusCode;

use crate::credentials::verify_signed;
use crate::html;
use crate::model::{Expiration, Scopes, TokenSpec};
use crate::oauth1_verify::{encode, parse_authorization};
use crate::origin::parse_return_url;
use crate::random;
use crate::request::{Meta, Params, Req};
use crate::response::{self, Response};
use crate::routes::authorize::{
    self, callback_allowed, DENIED_TITLE, INVALID_RETURN_URL, REJECTED,
};
use crate::state::{lock, Callback, PendingKind, RequestToken, State, PENDING_TTL_MS};

fn header_params(req: &Req, meta: &mut Meta) -> Result<Vec<(String, String)>, Response> {
    meta.placement = crate::model::Placement::SignedHeader;
    req.authorization()
        .and_then(parse_authorization)
        .ok_or_else(|| response::unauthorized("missing oauth authorization header"))
}

/// `OAuthGetRequestToken`: signed with the consumer only; `oauth_callback` is `oob` or an
/// absolute http(s) URL (400 otherwise). Answers `oauth_token`, `oauth_token_secret`,
/// `oauth_callback_confirmed=true` form-encoded.
pub(crate) fn request_token(state: &State, req: &Req, meta: &mut Meta) -> Response {
    let hp = match header_params(req, meta) {
        Ok(h) => h,
        Err(r) => return r,
    };
    let (app, _) = match verify_signed(state, req, &hp, |t| match t {
        None => Ok(String::new()),
        Some(_) => Err(response::bad_request("unexpected oauth_token")),
    }) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let callback = match hp
        .iter()
        .find(|(n, _)| n == "oauth_callback")
        .map(|(_, v)| v.as_str())
    {
        Some("oob") => Callback::Oob,
        Some(u) => match parse_return_url(u) {
            Some(url) => Callback::Url(url),
            None => return response::bad_request("invalid oauth_callback"),
        },
        None => return response::bad_request("missing oauth_callback"),
    };
    let token = random::nonce();
    let secret = random::nonce();
    let now = state.clock.now_ms();
    let mut rts = lock(&state.request_tokens);
    rts.retain(|_, r| now - r.created_ms < PENDING_TTL_MS);
    rts.insert(
        token.clone(),
        RequestToken {
            consumer_key: app.app.key.clone(),
            secret: secret.clone(),
            callback,
            created_ms: now,
            approved: None,
        },
    );
    response::form(format!(
        "oauth_token={token}&oauth_token_secret={secret}&oauth_callback_confirmed=true"
    ))
}

/// `OAuthAuthorizeToken?oauth_token=..&name=..&scope=..&expiration=..`: the consent page, or
/// the error page for an unknown request token or a callback outside the allowed origins.
pub(crate) fn authorize_token(state: &State, params: &Params) -> Response {
    let Some(token) = params.query_get("oauth_token") else {
        return authorize::error("Missing oauth_token.");
    };
    let Some(rt) = lock(&state.request_tokens).get(token).cloned() else {
        return authorize::error("Invalid or expired oauth_token.");
    };
    if !callback_allowed(state, &rt.consumer_key, &rt.callback) {
        return authorize::error(INVALID_RETURN_URL);
    }
    let Some(app) = state.app(&rt.consumer_key) else {
        return authorize::error("Invalid API key. The key does not belong to any application.");
    };
    let Some(scopes) = Scopes::parse(params.query_get("scope").unwrap_or("read")) else {
        return authorize::error(
            "Invalid scope. Use a comma-separated subset of read, write, account.",
        );
    };
    let Some(expiration) = Expiration::parse(params.query_get("expiration").unwrap_or("30days"))
    else {
        return authorize::error("Invalid expiration. Use 1hour, 1day, 30days or never.");
    };
    let name = params
        .query_get("name")
        .filter(|n| !n.is_empty())
        .unwrap_or(&app.app.name)
        .to_owned();
    let fields = vec![
        ("oauth_token".to_owned(), token.to_owned()),
        ("scope".to_owned(), scopes.as_list()),
        ("expiration".to_owned(), expiration.name()),
        ("name".to_owned(), name.clone()),
    ];
    authorize::render_consent(
        state,
        &name,
        scopes,
        expiration,
        fields,
        PendingKind::OAuth1 {
            request_token: token.to_owned(),
            scopes,
            expiration,
        },
    )
}

/// Allow or Deny of the OAuth 1.0a consent page: Allow redirects to the callback with
/// `oauth_token` and `oauth_verifier`, or shows the verifier in the first `<pre>` for `oob`;
/// Deny redirects with `oauth_problem=user_refused`, or shows a rejection page for `oob`.
pub(crate) fn approve(
    state: &State,
    request_token: &str,
    allow: bool,
    scopes: Scopes,
    expiration: Expiration,
) -> Response {
    let mut rts = lock(&state.request_tokens);
    let Some(rt) = rts.get_mut(request_token) else {
        return authorize::error("Invalid or expired oauth_token.");
    };
    let callback = rt.callback.clone();
    if !allow {
        rts.remove(request_token);
        return match callback {
            Callback::Oob => html::message(DENIED_TITLE, REJECTED).respond(StatusCode::OK),
            Callback::Url(mut u) => {
                u.query_pairs_mut()
                    .append_pair("oauth_token", request_token)
                    .append_pair("oauth_problem", "user_refused");
                response::redirect(u.as_str())
            }
        };
    }
    let verifier = random::nonce();
    rt.approved = Some((verifier.clone(), scopes, expiration));
    match callback {
        Callback::Oob => html::show_secret("verifier", &verifier).respond(StatusCode::OK),
        Callback::Url(mut u) => {
            u.query_pairs_mut()
                .append_pair("oauth_token", request_token)
                .append_pair("oauth_verifier", &verifier);
            response::redirect(u.as_str())
        }
    }
}

/// `OAuthGetAccessToken`: signed with the request token and its secret, carrying the
/// verifier (401 `invalid verifier` otherwise). Answers `oauth_token` (a sandbox token with
/// the approved scope and expiration) and `oauth_token_secret`.
pub(crate) fn access_token(state: &State, req: &Req, meta: &mut Meta) -> Response {
    let hp = match header_params(req, meta) {
        Ok(h) => h,
        Err(r) => return r,
    };
    let consumer_of_token = std::cell::RefCell::new(None);
    let verified = verify_signed(state, req, &hp, |t| {
        let Some(t) = t else {
            return Err(response::unauthorized("invalid token"));
        };
        match lock(&state.request_tokens).get(t) {
            Some(rt) => {
                *consumer_of_token.borrow_mut() = Some(rt.consumer_key.clone());
                Ok(rt.secret.clone())
            }
            None => Err(response::unauthorized("invalid token")),
        }
    });
    let (app, token) = match verified {
        Ok(v) => v,
        Err(r) => return r,
    };
    let Some(token) = token else {
        return response::unauthorized("invalid token");
    };
    if consumer_of_token
        .into_inner()
        .is_none_or(|k| !k.eq_ignore_ascii_case(&app.app.key))
    {
        return response::unauthorized("invalid token");
    }
    let verifier = hp
        .iter()
        .find(|(n, _)| n == "oauth_verifier")
        .map(|(_, v)| v.clone());
    let mut rts = lock(&state.request_tokens);
    let Some(rt) = rts.get(&token) else {
        return response::unauthorized("invalid token");
    };
    let Some((expected, scopes, expiration)) = rt.approved.clone() else {
        return response::unauthorized("invalid verifier");
    };
    if verifier.as_deref() != Some(expected.as_str()) {
        return response::unauthorized("invalid verifier");
    }
    rts.remove(&token);
    drop(rts);
    let secret = random::app_secret();
    let spec = TokenSpec {
        app_key: Some(app.app.key.clone()),
        member_id: None,
        scopes,
        expiration,
    };
    match state.mint(&spec, Some(secret.clone())) {
        Ok(access) => response::form(format!(
            "oauth_token={}&oauth_token_secret={}",
            encode(&access),
            encode(&secret)
        )),
        Err(_) => response::unauthorized("invalid key"),
    }
}
