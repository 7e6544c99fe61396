//! The sandbox's side of a REST call (SPEC S3, S4.1, S6.4): finding the credentials in the
//! query, the `Authorization` header, or a JSON or form body, and verifying OAuth 1.0a
//! signatures, exactly as its server does.

use trello_auth_core::oauth1::{Consumer, OAuthParams, Signer, TokenCredentials};
use trello_auth_core::{AppSecret, Token, TokenSecret};
use trello_auth_sandbox::fuzzing::{Harness, APP_KEY, APP_SECRET, TOKEN_SECRET};

use super::login::expand;
use crate::input::{request, Fields};

/// The statuses a credential check may answer (SPEC S4.1, S4.3, S8.7).
const ANSWERS: [u16; 6] = [200, 400, 401, 403, 413, 429];

/// Fields: a request (method, origin-form URI, headers, body). `{key}` and `{token}` stand
/// for the harness app's key and a live token.
///
/// The answer is one of the credential check's statuses.
pub fn sandbox_credentials(data: &[u8]) {
    let harness = Harness::new();
    let data = expand(data, &[("{key}", APP_KEY), ("{token}", harness.token())]);
    let Some(request) = request(&mut Fields::new(&data)) else {
        return;
    };
    let (status, _) = harness.authenticate(request, false);
    assert!(ANSWERS.contains(&status), "answered {status}");
}

/// Fields: method, absolute URI, content type, nonce, body.
///
/// A request the core signs for the harness token is accepted by the sandbox's independent
/// verifier (whatever its URL, parameters or body), unless the sandbox refuses the body
/// itself (not UTF-8, bad JSON) or finds credentials in a second place.
pub fn sandbox_oauth1(data: &[u8]) {
    let mut f = Fields::new(data);
    let method = f.bytes().to_vec();
    let uri = f.bytes().to_vec();
    let content_type = f.bytes().to_vec();
    let nonce = f.text();
    let body = f.rest().to_vec();
    let (Ok(method), Ok(uri)) = (
        http::Method::from_bytes(&method),
        http::Uri::try_from(uri.as_slice()),
    ) else {
        return;
    };
    let Some(authority) = uri.authority().cloned() else {
        return;
    };
    let mut builder = http::Request::builder().method(method).uri(uri.clone());
    if let Ok(ct) = http::HeaderValue::from_bytes(&content_type) {
        builder = builder.header(http::header::CONTENT_TYPE, ct);
    }
    let Ok(request) = builder.body(body) else {
        return;
    };
    let harness = Harness::new();
    let consumer = Consumer::new(APP_KEY, AppSecret::new(APP_SECRET).expect("a valid secret"));
    let creds = TokenCredentials::new(
        Token::new(harness.token()).expect("the sandbox mints valid tokens"),
        TokenSecret::new(TOKEN_SECRET),
    );
    let timestamp = u64::try_from(harness.now_secs()).unwrap_or_default();
    let params = OAuthParams::new(&nonce, timestamp);
    let Ok(mut signed) = Signer::new(&consumer, Some(&creds)).authorize(request, &params) else {
        return;
    };
    // What the server reads: origin-form target, the authority in `Host`.
    let https = uri.scheme_str() == Some("https");
    let target = uri.path_and_query().map_or("/", |p| p.as_str());
    *signed.uri_mut() = http::Uri::try_from(target).expect("a path and query is a URI");
    let host = http::HeaderValue::from_str(authority.as_str()).expect("an authority is a value");
    signed.headers_mut().insert(http::header::HOST, host);
    let (status, body) = harness.authenticate(signed, https);
    let refused_body = [
        "invalid body",
        "invalid json",
        "credentials in more than one place",
    ];
    assert!(
        status == 200 || status == 400 && refused_body.contains(&body.as_str()),
        "a request the core signed was refused: {status} {body}"
    );
}
