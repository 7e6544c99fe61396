//! Unit tests of the login receiver: every branch of SPEC S10's checks, the pages' headers, and
//! a property test that no request panics it or makes it accept a second delivery.

use base64::Engine as _;
use proptest::prelude::*;
use sha2::{Digest, Sha256};

use super::*;
use crate::{ApiKey, Scopes, TokenSecret};

const KEY: &str = "0123456789abcdef0123456789abcdef";
const NONCE: [u8; 16] = [0xab; 16];
const PATH: &str = "/callback/abababababababababababababababab";
const HOST_OK: &str = "127.0.0.1:8080";

fn token() -> String {
    format!("ATTA{}0123ABCD", "e".repeat(64))
}

fn authorize() -> AuthorizeUrl {
    AuthorizeUrl::new(ApiKey::new(KEY).unwrap())
        .scopes(Scopes::READ | Scopes::WRITE)
        .name("Board Sync")
        .base(Origin::parse("https://127.0.0.1:9443").unwrap())
}

fn receiver(mode: Mode) -> Receiver {
    Receiver::new(
        mode,
        &LoopbackOrigin::new(8080).unwrap(),
        Nonce::from_bytes(NONCE),
    )
    .unwrap()
}

fn get(path: &str) -> http::Request<Vec<u8>> {
    http::Request::get(path)
        .header("host", HOST_OK)
        .body(Vec::new())
        .unwrap()
}

fn post(body: serde_json::Value) -> http::Request<Vec<u8>> {
    http::Request::post(PATH)
        .header("host", HOST_OK)
        .header("origin", "http://127.0.0.1:8080")
        .header("content-type", "application/json")
        .body(body.to_string().into_bytes())
        .unwrap()
}

fn json(reply: &Reply) -> serde_json::Value {
    serde_json::from_slice(reply.response.body()).unwrap()
}

fn text(reply: &Reply) -> String {
    String::from_utf8(reply.response.body().clone()).unwrap()
}

#[test]
fn loopback_origin_is_an_ip_literal_with_a_fixed_port() {
    let origin = LoopbackOrigin::new(8080).unwrap();
    assert_eq!(origin.as_str(), "http://127.0.0.1:8080");
    assert_eq!(origin.to_string(), "http://127.0.0.1:8080");
    assert_eq!(origin.host(), "127.0.0.1:8080");
    assert_eq!(
        origin.callback_url(&Nonce::from_bytes(NONCE)).as_str(),
        format!("http://127.0.0.1:8080{PATH}")
    );
    assert_eq!(DEFAULT_PORT, 8080);
    assert_eq!(LoopbackOrigin::new(0).unwrap_err().code(), "invalid_port");
}

#[test]
fn the_nonce_is_hex_and_never_debug_printed() {
    let nonce = Nonce::from_bytes([0x01; 16]);
    assert_eq!(nonce.as_str(), "01".repeat(16));
    assert_eq!(format!("{nonce:?}"), "Nonce([redacted])");
}

#[test]
fn fragment_mode_opens_trello_with_the_nonce_in_return_url() {
    let r = receiver(Mode::Fragment(authorize()));
    let url = r.url_to_open().as_str();
    assert!(
        url.starts_with("https://127.0.0.1:9443/1/authorize?key="),
        "{url}"
    );
    assert!(url.contains("callback_method=fragment"));
    assert!(url.contains(
        "return_url=http%3A%2F%2F127.0.0.1%3A8080%2Fcallback%2Fabababababababababababababababab"
    ));
    assert!(r.needs_listener());
    assert!(!r.is_done());
}

#[test]
fn the_relay_page_is_private_and_allows_only_its_own_script() {
    let mut r = receiver(Mode::Fragment(authorize()));
    let reply = r.handle(&get(PATH));
    assert_eq!(reply.response.status(), 200);
    assert!(reply.outcome.is_none());
    let headers = reply.response.headers();
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.starts_with("default-src 'none';"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    // The hashes in the policy are those of the page's one script and one stylesheet.
    let page = text(&reply);
    for (open, close, directive) in [
        ("<script>", "</script>", "script-src"),
        ("<style>", "</style>", "style-src"),
    ] {
        let start = page.find(open).unwrap() + open.len();
        let end = page[start..].find(close).unwrap() + start;
        let hash =
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&page[start..end]));
        assert!(
            csp.contains(&format!("{directive} 'sha256-{hash}'")),
            "{csp}"
        );
        assert_eq!(page.matches(open).count(), 1);
    }
    assert!(page.contains("data-mode=\"fragment\""));
    assert!(page.contains("<noscript>"));
}

#[test]
fn a_fragment_delivery_ends_the_login_with_the_token() {
    let mut r = receiver(Mode::Fragment(authorize()));
    let reply = r.handle(&post(
        serde_json::json!({ "fragment": format!("#token={}", token()) }),
    ));
    assert_eq!(reply.response.status(), 200);
    assert_eq!(json(&reply)["outcome"], "success");
    assert_eq!(reply.response.headers()["cache-control"], "no-store");
    // The answer never echoes the token.
    assert!(!text(&reply).contains(&token()));
    match reply.outcome {
        Some(Outcome::Token(t)) => assert_eq!(t.expose_secret(), token()),
        other => panic!("{other:?}"),
    }
    assert!(r.is_done());
}

#[test]
fn a_second_delivery_is_refused_and_ends_nothing() {
    let mut r = receiver(Mode::Fragment(authorize()));
    assert!(r
        .handle(&post(
            serde_json::json!({ "fragment": format!("#token={}", token()) })
        ))
        .outcome
        .is_some());
    let again = r.handle(&post(serde_json::json!({ "fragment": "#token=ATTAother" })));
    assert_eq!(again.response.status(), 409);
    assert_eq!(json(&again)["outcome"], "already_done");
    assert!(again.outcome.is_none());
    // A reload shows the finished page, without script, and no outcome.
    let reload = r.handle(&get(PATH));
    assert_eq!(reload.response.status(), 200);
    assert!(reload.outcome.is_none());
    assert!(text(&reload).contains("data-current=\"success\""));
    assert!(!text(&reload).contains("<script>"));
}

#[test]
fn a_deny_in_the_fragment_is_denied() {
    let mut r = receiver(Mode::Fragment(authorize()));
    let reply = r.handle(&post(serde_json::json!({
        "fragment": "#token=&error=Token%20request%20rejected"
    })));
    assert_eq!(json(&reply)["outcome"], "denied");
    assert_eq!(json(&reply)["message"], "Token request rejected");
    assert!(
        matches!(reply.outcome, Some(Outcome::Denied { message }) if message == "Token request rejected")
    );
}

#[test]
fn a_malformed_delivery_with_the_nonce_fails_the_login() {
    for body in [
        serde_json::json!({ "fragment": "" }),
        serde_json::json!({ "fragment": "#nothing=here" }),
        serde_json::json!({ "fragment": format!("#token={KEY}") }),
        serde_json::json!({ "unexpected": 1 }),
        serde_json::json!({ "closed": true }),
        serde_json::json!([1, 2]),
    ] {
        let mut r = receiver(Mode::Fragment(authorize()));
        let reply = r.handle(&post(body.clone()));
        assert_eq!(reply.response.status(), 400, "{body}");
        assert_eq!(json(&reply)["outcome"], "error", "{body}");
        assert!(matches!(reply.outcome, Some(Outcome::Failed(_))), "{body}");
        assert!(r.is_done());
    }
    let mut r = receiver(Mode::Fragment(authorize()));
    let mut big = post(serde_json::json!({ "fragment": "x".repeat(MAX_DELIVERY_BYTES) }));
    big.headers_mut().remove("origin");
    let reply = r.handle(&big);
    match reply.outcome {
        Some(Outcome::Failed(e)) => assert_eq!(e.code(), "bad_delivery"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn requests_that_are_not_the_delivery_do_not_end_the_flow() {
    let mut r = receiver(Mode::Fragment(authorize()));
    let foreign_host = http::Request::get(PATH)
        .header("host", "evil.example:8080")
        .body(Vec::new())
        .unwrap();
    let localhost = http::Request::get(PATH)
        .header("host", "localhost:8080")
        .body(Vec::new())
        .unwrap();
    let no_host = http::Request::get(PATH).body(Vec::new()).unwrap();
    let two_hosts = http::Request::get(PATH)
        .header("host", HOST_OK)
        .header("host", "evil.example")
        .body(Vec::new())
        .unwrap();
    let absolute = http::Request::get(format!("http://evil.example{PATH}"))
        .header("host", HOST_OK)
        .body(Vec::new())
        .unwrap();
    for (request, status) in [
        (foreign_host, 421),
        (localhost, 421),
        (no_host, 421),
        (two_hosts, 421),
        (absolute, 421),
        (get("/favicon.ico"), 404),
        (get("/"), 404),
        (get("/callback/abababababababababababababababac"), 404),
        (get("/callback/ababababababababababababababababab"), 404),
        (get("/callback/"), 404),
        (
            http::Request::put(PATH)
                .header("host", HOST_OK)
                .body(Vec::new())
                .unwrap(),
            405,
        ),
    ] {
        let reply = r.handle(&request);
        assert_eq!(reply.response.status(), status, "{request:?}");
        assert!(reply.outcome.is_none());
        assert_eq!(reply.response.headers()["cache-control"], "no-store");
        assert!(!r.is_done());
    }
    let mut cross_site = post(serde_json::json!({ "fragment": format!("#token={}", token()) }));
    cross_site.headers_mut().insert(
        "origin",
        http::HeaderValue::from_static("https://evil.example"),
    );
    assert_eq!(r.handle(&cross_site).response.status(), 403);
    let mut form = post(serde_json::json!({ "fragment": format!("#token={}", token()) }));
    form.headers_mut()
        .insert("content-type", http::HeaderValue::from_static("text/plain"));
    assert_eq!(r.handle(&form).response.status(), 403);
    assert!(!r.is_done());
    // The real delivery still works afterwards.
    let reply = r.handle(&post(
        serde_json::json!({ "fragment": format!("#token={}", token()) }),
    ));
    assert!(matches!(reply.outcome, Some(Outcome::Token(_))));
}

#[test]
fn post_message_mode_serves_the_opener_with_the_authorize_url() {
    let mut r = receiver(Mode::PostMessage(authorize()));
    assert_eq!(
        r.url_to_open().as_str(),
        format!("http://127.0.0.1:8080{PATH}")
    );
    let reply = r.handle(&get(PATH));
    let page = text(&reply);
    assert!(page.contains("data-mode=\"postMessage\""));
    assert!(page.contains("data-authorize-origin=\"https://127.0.0.1:9443\""));
    assert!(page.contains("callback_method=postMessage"));
    assert!(page.contains("<button type=\"button\" data-action=\"open\">"));
    assert!(page.contains("Board Sync"));
    assert!(reply.outcome.is_none());
}

#[test]
fn a_message_from_the_authorize_origin_ends_the_login() {
    let mut r = receiver(Mode::PostMessage(authorize()));
    let reply = r.handle(&post(serde_json::json!({
        "origin": "https://127.0.0.1:9443",
        "data": format!("\"{}\"", token()),
    })));
    assert_eq!(json(&reply)["outcome"], "success");
    assert!(matches!(reply.outcome, Some(Outcome::Token(t)) if t.expose_secret() == token()));
}

#[test]
fn a_message_from_another_origin_is_ignored() {
    let mut r = receiver(Mode::PostMessage(authorize()));
    let reply = r.handle(&post(serde_json::json!({
        "origin": "https://evil.example",
        "data": format!("\"{}\"", token()),
    })));
    assert_eq!(reply.response.status(), 202);
    assert_eq!(json(&reply)["outcome"], "ignored");
    assert!(reply.outcome.is_none());
    assert!(!r.is_done());
}

#[test]
fn a_deny_message_and_a_closed_popup() {
    let mut r = receiver(Mode::PostMessage(authorize()));
    let reply = r.handle(&post(serde_json::json!({
        "origin": "https://127.0.0.1:9443",
        "data": "{\"error\":\"Token request rejected\"}",
    })));
    assert!(matches!(reply.outcome, Some(Outcome::Denied { .. })));

    let mut r = receiver(Mode::PostMessage(authorize()));
    let reply = r.handle(&post(serde_json::json!({ "closed": true })));
    assert_eq!(json(&reply)["outcome"], "closed");
    assert!(matches!(reply.outcome, Some(Outcome::Closed)));
    assert_eq!(reply.outcome.as_ref().unwrap().code(), "closed");
}

#[test]
fn paste_mode_needs_no_listener() {
    let mut r = receiver(Mode::Paste(authorize()));
    assert!(!r.needs_listener());
    assert!(!r.url_to_open().as_str().contains("return_url"));
    assert_eq!(r.handle(&get(PATH)).response.status(), 404);
    assert_eq!(r.receive_paste(KEY).unwrap_err().code(), "looks_like_key");
    assert!(!r.is_done());
    let outcome = r.receive_paste(&format!("  {}\n", token())).unwrap();
    assert!(matches!(outcome, Outcome::Token(t) if t.expose_secret() == token()));
    assert!(r.is_done());
    assert_eq!(r.receive_paste(&token()).unwrap_err().code(), "malformed");

    let mut other = receiver(Mode::Fragment(authorize()));
    assert_eq!(
        other.receive_paste(&token()).unwrap_err().code(),
        "malformed"
    );
}

fn oauth1_mode() -> Receiver {
    let request_token =
        RequestToken::new("requesttoken123", TokenSecret::new("request-secret")).unwrap();
    receiver(Mode::OAuth1 {
        authorize_url: Url::parse(
            "https://127.0.0.1:9443/1/OAuthAuthorizeToken?oauth_token=requesttoken123",
        )
        .unwrap(),
        request_token,
    })
}

#[test]
fn the_oauth1_callback_carries_the_verifier() {
    let mut r = oauth1_mode();
    assert!(r.url_to_open().as_str().contains("OAuthAuthorizeToken"));
    let stale = r.handle(&get(&format!("{PATH}?oauth_token=other&oauth_verifier=v")));
    assert_eq!(stale.response.status(), 400);
    assert!(stale.outcome.is_none());
    assert!(!r.is_done());
    let reply = r.handle(&get(&format!(
        "{PATH}?oauth_token=requesttoken123&oauth_verifier=verifier987"
    )));
    assert_eq!(reply.response.status(), 200);
    assert!(text(&reply).contains("data-current=\"success\""));
    match reply.outcome {
        Some(Outcome::Verifier(v)) => assert_eq!(v.expose_secret(), "verifier987"),
        other => panic!("{other:?}"),
    }
    let again = r.handle(&get(&format!(
        "{PATH}?oauth_token=requesttoken123&oauth_verifier=verifier987"
    )));
    assert!(again.outcome.is_none());
    assert_eq!(
        r.handle(&post(serde_json::json!({}))).response.status(),
        405
    );
}

#[test]
fn the_oauth1_callback_deny_and_garbage() {
    let mut r = oauth1_mode();
    let reply = r.handle(&get(&format!(
        "{PATH}?oauth_token=requesttoken123&oauth_problem=user_refused"
    )));
    assert!(matches!(reply.outcome, Some(Outcome::Denied { .. })));
    assert!(text(&reply).contains("data-current=\"denied\""));

    let mut r = oauth1_mode();
    let reply = r.handle(&get(PATH));
    assert_eq!(reply.response.status(), 400);
    assert!(matches!(
        reply.outcome,
        Some(Outcome::Failed(LoginError::OAuth(_)))
    ));
}

#[test]
fn page_text_is_escaped() {
    let mut r = receiver(Mode::PostMessage(
        authorize().name("<script>alert(1)</script>"),
    ));
    let page = text(&r.handle(&get(PATH)));
    assert!(!page.contains("<script>alert"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

fn any_request() -> impl Strategy<Value = http::Request<Vec<u8>>> {
    let method = prop::sample::select(vec!["GET", "POST", "PUT", "HEAD", "OPTIONS", "DELETE"]);
    let path = prop_oneof![
        Just(PATH.to_owned()),
        Just(format!(
            "{PATH}?oauth_token=requesttoken123&oauth_verifier=v"
        )),
        "/[a-z0-9/]{0,40}",
        "/callback/[a-f0-9]{0,40}",
    ];
    let host = prop_oneof![
        Just(Some(HOST_OK.to_owned())),
        Just(None),
        "[a-z0-9.:]{0,30}".prop_map(Some)
    ];
    let body = prop_oneof![
        Just(Vec::new()),
        Just(format!("{{\"fragment\":\"#token={}\"}}", token()).into_bytes()),
        Just(b"{\"closed\":true}".to_vec()),
        Just(b"{\"origin\":\"https://127.0.0.1:9443\",\"data\":\"\\\"tok\\\"\"}".to_vec()),
        prop::collection::vec(any::<u8>(), 0..200),
        "\\PC{0,100}".prop_map(String::into_bytes),
    ];
    let content_type = prop::sample::select(vec!["application/json", "text/plain", ""]);
    (method, path, host, body, content_type).prop_map(|(method, path, host, body, ct)| {
        let mut b = http::Request::builder().method(method).uri(path);
        if let Some(host) = host {
            if let Ok(v) = http::HeaderValue::from_str(&host) {
                b = b.header("host", v);
            }
        }
        if !ct.is_empty() {
            b = b.header("content-type", ct);
        }
        b.body(body).unwrap()
    })
}

proptest! {
    /// No sequence of requests panics the receiver, and at most one of them has an outcome.
    #[test]
    fn no_request_panics_or_delivers_twice(
        mode in 0..3u8,
        requests in prop::collection::vec(any_request(), 1..12),
    ) {
        let mut r = match mode {
            0 => receiver(Mode::Fragment(authorize())),
            1 => receiver(Mode::PostMessage(authorize())),
            _ => oauth1_mode(),
        };
        let mut outcomes = 0;
        for request in &requests {
            let reply = r.handle(request);
            prop_assert_eq!(&reply.response.headers()["cache-control"], "no-store");
            if reply.outcome.is_some() {
                outcomes += 1;
            }
        }
        prop_assert!(outcomes <= 1);
        prop_assert_eq!(outcomes == 1, r.is_done());
    }
}

/// Found by cargo-mutants: a delivery just under the limit is read (the limit is 8 KiB, not a
/// few hundred bytes more than 1 KiB).
#[test]
fn a_delivery_under_the_size_limit_is_read() {
    let mut r = receiver(Mode::Fragment(authorize()));
    let padded = format!(
        "{{\"fragment\":\"#token={}\"{}}}",
        token(),
        " ".repeat(4096)
    );
    let mut request = post(serde_json::json!({}));
    *request.body_mut() = padded.into_bytes();
    assert!(request.body().len() < MAX_DELIVERY_BYTES);
    match r.handle(&request).outcome {
        Some(Outcome::Token(t)) => assert_eq!(t.expose_secret(), token()),
        other => panic!("{other:?}"),
    }
}
