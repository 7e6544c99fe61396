//! Unit tests of `redact`.
use super::*;

const CANARY: &str = "ATTAcanarycanarycanary";

fn render(method: &str, uri: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut b = http::Request::builder().method(method).uri(uri);
    for (n, v) in headers {
        b = b.header(*n, *v);
    }
    redact(&b.body(body.as_bytes().to_vec()).unwrap())
}

#[test]
fn query_header_body_and_path_are_scrubbed() {
    let out = render(
        "POST",
        &format!("https://api.trello.com/1/tokens/{CANARY}/member?token={CANARY}&oauth_verifier={CANARY}&fields=id"),
        &[
            ("authorization", &format!("OAuth oauth_consumer_key=\"k\", oauth_token=\"{CANARY}\", oauth_signature=\"{CANARY}\"")),
            ("content-type", "application/x-www-form-urlencoded"),
            ("cookie", CANARY),
            ("x-api-token", CANARY),
        ],
        &format!("name=x&token={CANARY}&app_secret={CANARY}"),
    );
    assert!(!out.contains("canary"), "{out}");
    assert!(out.contains("fields=id"));
    assert!(out.contains("/1/tokens/[redacted]/member"));
    assert!(out.contains("oauth_signature=\"[redacted]\""));
    assert!(out.ends_with("name=x&token=[redacted]&app_secret=[redacted]"));
}

#[test]
fn nested_json_and_unknown_bodies() {
    let out = render(
        "PUT",
        "https://api.trello.com/1/x",
        &[("content-type", "application/json")],
        &format!(r#"{{"a":[{{"token":"{CANARY}"}}],"b":{{"key":"{CANARY}"}}}}"#),
    );
    assert!(!out.contains("canary"), "{out}");
    let binary = render(
        "PUT",
        "https://api.trello.com/1/x",
        &[("content-type", "text/plain")],
        CANARY,
    );
    assert!(binary.ends_with("[22 bytes]"), "{binary}");
}

#[test]
fn other_authorization_schemes_and_userinfo_are_hidden() {
    let out = render(
        "GET",
        &format!("https://user:{CANARY}@api.trello.com/"),
        &[("authorization", &format!("Bearer {CANARY}"))],
        "",
    );
    assert!(!out.contains("canary"), "{out}");
    assert!(out.contains("authorization: [redacted]"));
}
