//! Unit tests of the redirect receiver: what ends the login and what does not (SPEC S8.3,
//! S10), and the pages' headers.

use trello_auth_core::login::LoopbackOrigin;

use super::receiver::{Callback, CallbackOutcome};
use crate::listener::Handler;

fn request(method: &str, target: &str, host: &str) -> http::Request<Vec<u8>> {
    http::Request::builder()
        .method(method)
        .uri(target)
        .header("host", host)
        .body(Vec::new())
        .unwrap()
}

fn callback() -> Callback {
    Callback::new(&LoopbackOrigin::new(8080).unwrap(), "st4te".to_owned())
}

#[test]
fn only_the_redirect_with_our_host_ends_the_login() {
    let mut cb = callback();
    let host = "127.0.0.1:8080";
    for (method, target, host, status) in [
        ("GET", "/callback?code=c&state=st4te", "evil.example", 421),
        ("GET", "/favicon.ico", host, 404),
        ("POST", "/callback?code=c&state=st4te", host, 405),
        ("GET", "/callback", host, 400),
    ] {
        let (response, outcome) = cb.handle(&request(method, target, host));
        assert_eq!(response.status(), status, "{method} {target} {host}");
        assert!(outcome.is_none(), "{method} {target} {host}");
    }
    let (response, outcome) = cb.handle(&request("GET", "/callback?code=c0d3&state=st4te", host));
    assert_eq!(response.status(), 200);
    assert!(matches!(outcome, Some(CallbackOutcome::Code(c)) if c.expose_secret() == "c0d3"));
    let headers = response.headers();
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );
    let page = String::from_utf8(response.into_body()).unwrap();
    assert!(!page.contains("c0d3"), "the code is not echoed");
    // A reload shows the page again, without a second outcome.
    let (again, outcome) = cb.handle(&request("GET", "/callback?code=c0d3&state=st4te", host));
    assert_eq!(again.status(), 200);
    assert!(outcome.is_none());
}

#[test]
fn deny_and_a_foreign_state_end_the_login_without_a_code() {
    let host = "127.0.0.1:8080";
    let mut cb = callback();
    let (response, outcome) = cb.handle(&request(
        "GET",
        "/callback?error=access_denied&error_description=User%20said%20%3Cno%3E&state=st4te",
        host,
    ));
    assert_eq!(response.status(), 200);
    assert!(
        matches!(outcome, Some(CallbackOutcome::Denied { ref message }) if message == "User said <no>")
    );
    let page = String::from_utf8(response.into_body()).unwrap();
    assert!(page.contains("User said &lt;no&gt;"), "escaped: {page}");

    let mut cb = callback();
    let (response, outcome) = cb.handle(&request("GET", "/callback?code=c0d3&state=other", host));
    assert_eq!(response.status(), 400);
    assert!(matches!(
        outcome,
        Some(CallbackOutcome::Failed(
            trello_auth_core::oauth2::OAuth2Error::StateMismatch
        ))
    ));
}
