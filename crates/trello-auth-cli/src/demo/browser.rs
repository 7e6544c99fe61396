//! The demo's stand-in for the user's browser: press a button on the sandbox's consent page
//! (read by the sandbox's own [`ConsentForm`]), and do what the login helper's relay page
//! does with the fragment it lands on.

use trello_auth_core::login::relay_post;
use trello_auth_core::{BlockingTransport, Request, Response};
use trello_auth_sandbox::consent::ConsentForm;

/// Loads `authorize_url` and submits its form with `approve=<button>`; returns the answer to
/// the form post (a 302 to the return URL, or a page).
pub(crate) fn consent(
    transport: &dyn BlockingTransport,
    authorize_url: &str,
    button: &str,
) -> Result<Response, String> {
    let page = transport
        .send(request(http::Method::GET, authorize_url, None)?)
        .map_err(|e| format!("consent page: {e}"))?;
    if page.status() != 200 {
        return Err(format!("consent page answered {}", page.status()));
    }
    let form = ConsentForm::parse(&String::from_utf8_lossy(page.body()))
        .map_err(|e| format!("consent page: {e}"))?;
    let (action, body) = form
        .submission(button)
        .map_err(|e| format!("consent page: {e}"))?;
    let target = url::Url::parse(authorize_url)
        .and_then(|base| base.join(action))
        .map_err(|e| format!("form action: {e}"))?;
    let post = request(
        http::Method::POST,
        target.as_str(),
        Some(("application/x-www-form-urlencoded", body.into_bytes())),
    )?;
    transport.send(post).map_err(|e| format!("form post: {e}"))
}

/// What the relay page's script does on `return_url#token=...` (SPEC S10): load the page,
/// then post `location.hash` back to it as JSON.
pub(crate) fn relay(transport: &dyn BlockingTransport, location: &str) -> Result<String, String> {
    let (page, body) = relay_post(location).ok_or("the redirect has no fragment")?;
    let loaded = transport
        .send(request(http::Method::GET, page, None)?)
        .map_err(|e| format!("relay page: {e}"))?;
    if loaded.status() != 200 {
        return Err(format!("the relay page answered {}", loaded.status()));
    }
    let answer = transport
        .send(request(
            http::Method::POST,
            page,
            Some(("application/json", body.into_bytes())),
        )?)
        .map_err(|e| format!("delivery: {e}"))?;
    let outcome: serde_json::Value =
        serde_json::from_slice(answer.body()).map_err(|e| format!("delivery answer: {e}"))?;
    Ok(outcome["outcome"].as_str().unwrap_or("?").to_owned())
}

fn request(
    method: http::Method,
    url: &str,
    body: Option<(&str, Vec<u8>)>,
) -> Result<Request, String> {
    let mut builder = http::Request::builder().method(method).uri(url);
    let body = match body {
        Some((content_type, bytes)) => {
            builder = builder.header("content-type", content_type);
            bytes
        }
        None => Vec::new(),
    };
    builder.body(body).map_err(|e| format!("bad URL: {e}"))
}
