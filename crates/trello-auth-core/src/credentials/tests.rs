//! Unit tests of `credentials`.
use super::*;

const KEY: &str = "0123456789abcdef0123456789abcdef";

fn creds() -> Credentials {
    Credentials::new(
        ApiKey::new(KEY).unwrap(),
        Token::new("t".repeat(64)).unwrap(),
    )
}

fn req(method: &str, uri: &str, content_type: Option<&str>, body: &str) -> Request {
    let mut b = http::Request::builder().method(method).uri(uri);
    if let Some(ct) = content_type {
        b = b.header(CONTENT_TYPE, ct);
    }
    b.body(body.as_bytes().to_vec()).unwrap()
}

fn code(r: Result<Request, PlacementError>) -> &'static str {
    r.unwrap_err().code()
}

#[test]
fn header_placement_sets_sensitive_header() {
    let r = creds()
        .authorize(
            req("GET", "https://api.trello.com/1/members/me", None, ""),
            Placement::Header,
        )
        .unwrap();
    let h = &r.headers()[AUTHORIZATION];
    assert!(h.is_sensitive());
    assert_eq!(
        h.to_str().unwrap(),
        format!(
            "OAuth oauth_consumer_key=\"{KEY}\", oauth_token=\"{}\"",
            "t".repeat(64)
        )
    );
}

#[test]
fn query_placement_appends_after_existing_params() {
    let r = creds()
        .authorize(
            req(
                "GET",
                "https://api.trello.com/1/boards/x?fields=id",
                None,
                "",
            ),
            Placement::Query,
        )
        .unwrap();
    assert_eq!(
        r.uri().to_string(),
        format!(
            "https://api.trello.com/1/boards/x?fields=id&key={KEY}&token={}",
            "t".repeat(64)
        )
    );
}

#[test]
fn body_placement_into_form_json_and_empty() {
    let c = creds();
    let form = c
        .authorize(
            req(
                "PUT",
                "https://api.trello.com/1/cards/x/name",
                Some("application/x-www-form-urlencoded"),
                "value=a+b",
            ),
            Placement::Body,
        )
        .unwrap();
    assert!(form.body().starts_with(b"value=a+b&key="));

    let empty = c
        .authorize(
            req("POST", "https://api.trello.com/1/cards", None, ""),
            Placement::Body,
        )
        .unwrap();
    assert_eq!(
        empty.headers()[CONTENT_TYPE],
        "application/x-www-form-urlencoded"
    );
    assert!(empty.body().starts_with(b"key="));

    let json = c
        .authorize(
            req(
                "POST",
                "https://api.trello.com/1/cards",
                Some("application/json"),
                " { } ",
            ),
            Placement::Body,
        )
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(json.body()).unwrap();
    assert_eq!(v["key"], KEY);
    assert_eq!(v.as_object().unwrap().len(), 2);
}

#[test]
fn content_length_is_updated() {
    let mut r = req(
        "POST",
        "https://api.trello.com/1/cards",
        Some("application/json"),
        "{\"a\":1}",
    );
    r.headers_mut().insert(CONTENT_LENGTH, HeaderValue::from(7));
    let r = creds().authorize(r, Placement::Body).unwrap();
    assert_eq!(
        r.headers()[CONTENT_LENGTH],
        r.body().len().to_string().as_str()
    );
}

#[test]
fn refusals_follow_the_vector_order() {
    let c = creds();
    // insecure_scheme beats foreign_host
    assert_eq!(
        code(c.authorize(
            req("GET", "http://evil.example/1/x", None, ""),
            Placement::Header
        )),
        "insecure_scheme"
    );
    assert_eq!(
        code(c.authorize(
            req("GET", "https://api.trello.com:8443/1/x", None, ""),
            Placement::Header
        )),
        "foreign_host"
    );
    assert_eq!(
        code(c.authorize(req("GET", "/1/x", None, ""), Placement::Header)),
        "foreign_host"
    );
    // body_not_allowed beats credentials_present
    assert_eq!(
        code(c.authorize(
            req("GET", "https://api.trello.com/1/x?token=a", None, ""),
            Placement::Body
        )),
        "body_not_allowed"
    );
    assert_eq!(
        code(c.authorize(
            req("DELETE", "https://api.trello.com/1/x", None, ""),
            Placement::Body
        )),
        "body_not_allowed"
    );
    assert_eq!(
        code(c.authorize(
            req(
                "GET",
                "https://api.trello.com/1/x",
                Some("application/json"),
                "{}"
            ),
            Placement::Header
        )),
        "body_not_allowed"
    );
    assert_eq!(
        code(c.authorize(
            req("GET", "https://api.trello.com/1/x?key=a", None, ""),
            Placement::Header
        )),
        "credentials_present"
    );
    let mut with_auth = req("GET", "https://api.trello.com/1/x", None, "");
    with_auth
        .headers_mut()
        .insert(AUTHORIZATION, HeaderValue::from_static("Bearer x"));
    assert_eq!(
        code(c.authorize(with_auth, Placement::Query)),
        "credentials_present"
    );
    assert_eq!(
        code(c.authorize(
            req(
                "POST",
                "https://api.trello.com/1/x",
                Some("application/json"),
                r#"{"token":"x"}"#
            ),
            Placement::Header
        )),
        "credentials_present"
    );
    assert_eq!(
        code(c.authorize(
            req(
                "POST",
                "https://api.trello.com/1/x",
                Some("application/x-www-form-urlencoded"),
                "a=1&key=2"
            ),
            Placement::Query
        )),
        "credentials_present"
    );
    assert_eq!(
        code(c.authorize(
            req(
                "POST",
                "https://api.trello.com/1/x",
                Some("application/json"),
                "[1]"
            ),
            Placement::Body
        )),
        "unsupported_body"
    );
    assert_eq!(
        code(c.authorize(
            req(
                "POST",
                "https://api.trello.com/1/x",
                Some("text/plain"),
                "hi"
            ),
            Placement::Body
        )),
        "unsupported_body"
    );
}

#[test]
fn loopback_http_is_allowed_for_a_loopback_api_base() {
    let c = creds().with_api_base(Origin::parse("http://127.0.0.1:8080").unwrap());
    assert!(c
        .authorize(
            req("GET", "http://127.0.0.1:8080/1/members/me", None, ""),
            Placement::Header
        )
        .is_ok());
    assert_eq!(
        code(c.authorize(
            req("GET", "http://localhost:8080/1/members/me", None, ""),
            Placement::Header
        )),
        "foreign_host"
    );
}

#[test]
fn exotic_token_characters_are_encoded() {
    let c = Credentials::new(ApiKey::new(KEY).unwrap(), Token::new("a\"b&c=d#e").unwrap());
    let h = c.authorization_header();
    assert_eq!(
        h.to_str().unwrap(),
        format!("OAuth oauth_consumer_key=\"{KEY}\", oauth_token=\"a%22b%26c%3Dd%23e\"")
    );
    let q = c
        .authorize(
            req("GET", "https://api.trello.com/1/x", None, ""),
            Placement::Query,
        )
        .unwrap();
    assert!(q.uri().to_string().ends_with("&token=a%22b%26c%3Dd%23e"));
    let j = c
        .authorize(
            req(
                "PUT",
                "https://api.trello.com/1/x",
                Some("application/json"),
                "{\"n\":1}",
            ),
            Placement::Body,
        )
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(j.body()).unwrap();
    assert_eq!(v["token"], "a\"b&c=d#e");
}

#[test]
fn debug_redacts_the_token() {
    let s = format!("{:?}", creds());
    assert!(!s.contains("tttt"), "{s}");
    assert!(s.contains("Token([redacted])"));
}

#[test]
fn placement_parses() {
    assert_eq!("Query".parse::<Placement>().unwrap(), Placement::Query);
    assert_eq!(
        "cookie".parse::<Placement>().unwrap_err().code(),
        "unknown_placement"
    );
}

/// Found by cargo-mutants: the body kinds had no test of what they refuse, and `api_base` none
/// of what it returns.
#[test]
fn body_placement_refuses_bodies_it_cannot_extend_with_their_reason() {
    let reason = |ct: Option<&str>, body: &str| match creds().authorize(
        req("POST", "https://api.trello.com/1/cards", ct, body),
        Placement::Body,
    ) {
        Err(PlacementError::UnsupportedBody { reason }) => reason,
        other => panic!("{ct:?} {body:?}: {other:?}"),
    };
    assert_eq!(
        reason(None, "name=x"),
        "the content type is neither JSON nor form"
    );
    assert_eq!(
        reason(Some("text/plain"), "hello"),
        "the content type is neither JSON nor form"
    );
    assert_eq!(
        reason(Some("application/json"), "[1]"),
        "the JSON body is not an object"
    );
    let local = Origin::parse("http://127.0.0.1:9000").unwrap();
    assert_eq!(creds().with_api_base(local.clone()).api_base(), &local);
    assert_eq!(creds().api_base().as_str(), "https://api.trello.com");
}
