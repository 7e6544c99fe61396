//! Tests of the three-legged flow steps (SPEC S6): requests built, responses and callbacks
//! parsed, every refusal, and no panic on any input.

use proptest::prelude::*;

use super::*;
use crate::AppSecret;

fn consumer() -> Consumer {
    Consumer::new(
        "0123456789abcdef0123456789abcdef",
        AppSecret::new("app-secret").unwrap(),
    )
}

fn request_token() -> RequestToken {
    RequestToken::new("rt42", TokenSecret::new("rts")).unwrap()
}

fn response(status: u16, body: &str) -> http::Response<Vec<u8>> {
    http::Response::builder()
        .status(status)
        .body(body.as_bytes().to_vec())
        .unwrap()
}

fn header_params(request: &crate::Request) -> Vec<(String, String)> {
    let header = request.headers()[http::header::AUTHORIZATION]
        .to_str()
        .unwrap();
    header
        .strip_prefix("OAuth ")
        .unwrap()
        .split(", ")
        .map(|p| {
            let (n, v) = p.split_once('=').unwrap();
            let v = v.trim_matches('"');
            let v = percent_encoding::percent_decode_str(v)
                .decode_utf8()
                .unwrap();
            (n.to_owned(), v.into_owned())
        })
        .collect()
}

#[test]
fn request_token_request_signs_the_callback_without_a_token() {
    let callback = Callback::parse("http://127.0.0.1:8765/cb?s=1").unwrap();
    let request =
        request_token_request(&consumer(), &Origin::trello(), &callback, "n1", 10).unwrap();
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(request.uri(), "https://trello.com/1/OAuthGetRequestToken");
    assert!(request.body().is_empty());
    let params = header_params(&request);
    let names: Vec<_> = params.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "oauth_callback",
            "oauth_consumer_key",
            "oauth_nonce",
            "oauth_signature",
            "oauth_signature_method",
            "oauth_timestamp",
            "oauth_version"
        ]
    );
    assert_eq!(params[0].1, "http://127.0.0.1:8765/cb?s=1");
    // The signature is the one Signer computes for the same inputs.
    let expected = Signer::new(&consumer(), None)
        .sign(
            &http::Request::post("https://trello.com/1/OAuthGetRequestToken")
                .body(Vec::new())
                .unwrap(),
            &OAuthParams {
                callback: Some("http://127.0.0.1:8765/cb?s=1"),
                ..OAuthParams::new("n1", 10)
            },
        )
        .unwrap();
    assert_eq!(params[3].1, expected.signature());
}

#[test]
fn request_token_request_uses_the_configured_origin() {
    let sandbox = Origin::parse("http://127.0.0.1:9000").unwrap();
    let request = request_token_request(&consumer(), &sandbox, &Callback::Oob, "n", 1).unwrap();
    assert_eq!(
        request.uri(),
        "http://127.0.0.1:9000/1/OAuthGetRequestToken"
    );
}

#[test]
fn callbacks_are_checked_even_when_built_directly() {
    let insecure = Callback::Url(Url::parse("http://example.com/cb").unwrap());
    let err = request_token_request(&consumer(), &Origin::trello(), &insecure, "n", 1);
    assert_eq!(err.unwrap_err().code(), "insecure_callback");
    for (input, code) in [
        ("ftp://example.com/", "invalid_callback"),
        ("not a url", "invalid_callback"),
        ("https://example.com/#frag", "invalid_callback"),
        ("http://localhost.evil.com/", "insecure_callback"),
        ("OOB", "invalid_callback"),
    ] {
        assert_eq!(Callback::parse(input).unwrap_err().code(), code, "{input}");
    }
    for ok in [
        "https://example.com/cb?x=1",
        "http://localhost:1/",
        "http://[::1]/",
        " oob ",
    ] {
        assert!(Callback::parse(ok).is_ok(), "{ok}");
    }
}

#[test]
fn request_token_response_needs_token_secret_and_confirmation() {
    let ok = "oauth_token=rt42&oauth_token_secret=r%2Bts&oauth_callback_confirmed=true";
    let token = parse_request_token_response(&response(200, ok)).unwrap();
    assert_eq!(token.expose_token(), "rt42");
    assert_eq!(token.secret().expose_secret(), "r+ts");
    for (body, code) in [
        (
            "oauth_token_secret=s&oauth_callback_confirmed=true",
            "malformed_response",
        ),
        (
            "oauth_token=t&oauth_callback_confirmed=true",
            "malformed_response",
        ),
        (
            "oauth_token=t&oauth_token_secret=s",
            "callback_not_confirmed",
        ),
        (
            "oauth_token=t&oauth_token_secret=s&oauth_callback_confirmed=false",
            "callback_not_confirmed",
        ),
        (
            "oauth_token=t&oauth_token=u&oauth_token_secret=s&oauth_callback_confirmed=true",
            "malformed_response",
        ),
        (
            "oauth_token=a+b&oauth_token_secret=s&oauth_callback_confirmed=true",
            "malformed_response",
        ),
        (
            "oauth_token=&oauth_token_secret=s&oauth_callback_confirmed=true",
            "malformed_response",
        ),
        ("<html>oops</html>", "malformed_response"),
        ("", "malformed_response"),
    ] {
        let err = parse_request_token_response(&response(200, body)).unwrap_err();
        assert_eq!(err.code(), code, "{body}");
    }
    // The same value twice is not a conflict.
    let twice = "oauth_token=t&oauth_token=t&oauth_token_secret=s&oauth_callback_confirmed=true";
    assert!(parse_request_token_response(&response(200, twice)).is_ok());
}

#[test]
fn failed_steps_report_the_status_and_only_known_problems() {
    let err = parse_request_token_response(&response(401, "invalid signature")).unwrap_err();
    assert_eq!(
        err,
        OAuthError::HttpStatus {
            status: http::StatusCode::UNAUTHORIZED,
            problem: Some("invalid signature")
        }
    );
    let err = parse_access_token_response(&response(
        400,
        "oauth_problem=timestamp_refused&oauth_acceptable_timestamps=1-2",
    ))
    .unwrap_err();
    assert_eq!(err.code(), "http_status");
    assert!(
        err.to_string()
            .contains("400 Bad Request (timestamp_refused)"),
        "{err}"
    );
    let err = parse_access_token_response(&response(500, "something secret-ish")).unwrap_err();
    assert_eq!(
        err,
        OAuthError::HttpStatus {
            status: http::StatusCode::INTERNAL_SERVER_ERROR,
            problem: None
        }
    );
    // A redirect is not success either.
    let err = parse_access_token_response(&response(302, "")).unwrap_err();
    assert_eq!(err.code(), "http_status");
}

#[test]
fn authorize_url_carries_token_name_scope_expiration() {
    let url = authorize_url(
        &Origin::trello(),
        &request_token(),
        None,
        "read,write,account",
        "never",
    );
    assert_eq!(
        url.as_str(),
        "https://trello.com/1/OAuthAuthorizeToken?oauth_token=rt42&scope=read%2Cwrite%2Caccount&expiration=never"
    );
    let url = authorize_url(&Origin::trello(), &request_token(), Some("A&B=C ✓"), "", "");
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert_eq!(
        pairs,
        [
            ("oauth_token".to_owned(), "rt42".to_owned()),
            ("name".to_owned(), "A&B=C ✓".to_owned())
        ]
    );
}

#[test]
fn parse_callback_accepts_a_url_or_a_query() {
    let t = request_token();
    for input in [
        "http://localhost:8765/cb?oauth_token=rt42&oauth_verifier=v1",
        "HTTPS://example.com/cb?x=1&oauth_verifier=v1&oauth_token=rt42#frag",
        "?oauth_token=rt42&oauth_verifier=v1",
        "oauth_token=rt42&oauth_verifier=v1\n",
        "oauth_token=rt42&oauth_verifier=v1&oauth_verifier=v1",
    ] {
        assert_eq!(
            parse_callback(input, &t).unwrap().expose_secret(),
            "v1",
            "{input}"
        );
    }
}

#[test]
fn parse_callback_refusals() {
    let t = request_token();
    for (input, code) in [
        ("?oauth_token=rt43&oauth_verifier=v1", "token_mismatch"),
        ("?oauth_token=rt4&oauth_verifier=v1", "token_mismatch"),
        ("?oauth_token=RT42&oauth_verifier=v1", "token_mismatch"),
        ("?oauth_verifier=v1", "malformed_callback"),
        (
            "?oauth_token=rt42&oauth_token=x&oauth_verifier=v1",
            "malformed_callback",
        ),
        ("?oauth_token=rt42", "missing_verifier"),
        ("?oauth_token=rt42&oauth_verifier=", "missing_verifier"),
        ("?oauth_token=rt42&oauth_verifier=a+b", "invalid_verifier"),
        (
            "?oauth_token=rt42&oauth_verifier=a&oauth_verifier=b",
            "malformed_callback",
        ),
        ("?denied=rt42", "denied"),
        ("?oauth_token=rt42&error=access_denied", "denied"),
        ("?oauth_token=rt42&oauth_problem=user_refused", "denied"),
        (
            "http://localhost:8080/cb?oauth_token=rt42&oauth_problem=user_refused",
            "denied",
        ),
        ("http://[bad/cb?oauth_token=rt42", "malformed_callback"),
        ("", "malformed_callback"),
    ] {
        assert_eq!(
            parse_callback(input, &t).unwrap_err().code(),
            code,
            "{input:?}"
        );
    }
}

#[test]
fn access_token_step_signs_with_the_request_token_and_verifier() {
    let verifier = Verifier::from_pin("v1").unwrap();
    let request = access_token_request(
        &consumer(),
        &Origin::trello(),
        &request_token(),
        &verifier,
        "n2",
        20,
    )
    .unwrap();
    assert_eq!(request.uri(), "https://trello.com/1/OAuthGetAccessToken");
    let params = header_params(&request);
    assert!(params.contains(&("oauth_token".into(), "rt42".into())));
    assert!(params.contains(&("oauth_verifier".into(), "v1".into())));
    // Same as a Signer over consumer + request token (the secret is part of the key).
    let signer = Signer::from_parts(
        "0123456789abcdef0123456789abcdef",
        "app-secret",
        Some(("rt42", "rts")),
    );
    let expected = signer
        .sign(
            &http::Request::post("https://trello.com/1/OAuthGetAccessToken")
                .body(Vec::new())
                .unwrap(),
            &OAuthParams {
                verifier: Some("v1"),
                ..OAuthParams::new("n2", 20)
            },
        )
        .unwrap();
    let sent = params.iter().find(|(n, _)| n == "oauth_signature").unwrap();
    assert_eq!(sent.1, expected.signature());
}

#[test]
fn access_token_response_gives_token_credentials() {
    let token = "ab".repeat(32);
    let body = format!("oauth_token={token}&oauth_token_secret=&extra=1");
    let creds = parse_access_token_response(&response(200, &body)).unwrap();
    assert_eq!(creds.token().expose_secret(), token);
    assert_eq!(creds.secret().expose_secret(), "");
    for body in [
        "oauth_token_secret=s",
        "oauth_token=abc",
        "oauth_token=0123456789abcdef0123456789abcdef&oauth_token_secret=s",
        "oauth_token=a%20b&oauth_token_secret=s",
    ] {
        let err = parse_access_token_response(&response(200, body)).unwrap_err();
        assert_eq!(err.code(), "malformed_response", "{body}");
    }
}

#[test]
fn request_token_new_validates() {
    assert_eq!(
        RequestToken::new("", TokenSecret::new("s"))
            .unwrap_err()
            .code(),
        "invalid_request_token"
    );
    assert_eq!(
        RequestToken::new("a b", TokenSecret::new("s"))
            .unwrap_err()
            .code(),
        "invalid_request_token"
    );
    assert_eq!(
        format!("{:?}", request_token()),
        "RequestToken { token: [redacted], secret: TokenSecret([redacted]) }"
    );
}

#[test]
fn constant_time_eq_is_equality() {
    assert!(constant_time_eq(b"", b""));
    assert!(constant_time_eq(b"abc", b"abc"));
    assert!(!constant_time_eq(b"abc", b"abd"));
    assert!(!constant_time_eq(b"abc", b"ab"));
}

proptest! {
    #[test]
    fn response_parsers_never_panic(status in 100u16..600, body in proptest::collection::vec(any::<u8>(), 0..128)) {
        let response = http::Response::builder().status(status).body(body).unwrap();
        let _ = parse_request_token_response(&response);
        let _ = parse_access_token_response(&response);
    }

    #[test]
    fn response_parsers_never_panic_on_form_like_bodies(body in "(oauth_token|oauth_token_secret|oauth_callback_confirmed|oauth_problem|[a-z%+=&]){0,12}") {
        let _ = parse_request_token_response(&response(200, &body));
        let _ = parse_access_token_response(&response(200, &body));
        let _ = parse_access_token_response(&response(401, &body));
    }

    #[test]
    fn parse_callback_never_panics(input in any::<String>()) {
        let _ = parse_callback(&input, &request_token());
        let _ = parse_callback(&format!("https://{input}"), &request_token());
        let _ = parse_callback(&format!("?oauth_token=rt42&{input}"), &request_token());
        let _ = Callback::parse(&input);
        let _ = Verifier::from_pin(&input);
    }

    #[test]
    fn the_right_token_and_any_visible_verifier_parse(verifier in "[!-~]{1,40}") {
        let query = format!(
            "oauth_token=rt42&oauth_verifier={}",
            url::form_urlencoded::byte_serialize(verifier.as_bytes()).collect::<String>()
        );
        let parsed = parse_callback(&query, &request_token()).unwrap();
        prop_assert_eq!(parsed.expose_secret(), verifier.as_str());
    }
}
