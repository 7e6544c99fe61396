//! Unit tests of classification (SPEC S4): each S4 row, `Retry-After` parsing, and no-panic
//! properties (the `classify/*.json` vectors run in `tests/it/vectors`).

use std::time::Duration;

use proptest::prelude::*;

use super::*;

fn response(status: u16, headers: &[(&str, &str)], body: &str) -> http::Response<Vec<u8>> {
    let mut builder = http::Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder
        .body(body.as_bytes().to_vec())
        .expect("test headers and statuses are valid")
}

fn verdict_of(status: u16, body: &str) -> Verdict {
    classify(&response(status, &[], body))
}

// The `classify/*.json` conformance vectors run in the workspace's one vector runner
// (`tests/it/vectors`, `cargo test -p trello-auth-tests`), shared with the Python tests.

// ---- SPEC S4.1: 401 bodies ----

#[test]
fn token_rejections() {
    let invalid = Verdict::TokenRejected {
        reason: TokenRejection::Invalid,
    };
    let expired = Verdict::TokenRejected {
        reason: TokenRejection::Expired,
    };
    for body in ["invalid token", "Invalid Token", "\r\n  INVALID TOKEN \t"] {
        assert_eq!(verdict_of(401, body), invalid, "{body:?}");
    }
    assert_eq!(verdict_of(401, "expired token"), expired);
    assert_eq!(verdict_of(401, " Expired token\n"), expired);
    assert_eq!(verdict_of(401, r#"{"message":"invalid token"}"#), invalid);
    assert_eq!(
        verdict_of(401, r#" {"message":" Expired Token "} "#),
        expired
    );
    assert_eq!(invalid.action(), Action::Reauthorize);
    assert_eq!(expired.message(), "token expired: re-authorize the user");
    assert_eq!(expired.code(), "token_rejected");
}

#[test]
fn key_rejections() {
    for body in ["invalid key", "invalid app key", "Invalid App Key\n"] {
        let verdict = verdict_of(401, body);
        assert_eq!(verdict, Verdict::KeyRejected, "{body:?}");
        assert_eq!(verdict.action(), Action::Fail);
    }
}

#[test]
fn permission_reasons() {
    let denied = |reason| Verdict::PermissionDenied { reason };
    let cases = [
        (
            "unauthorized permission requested",
            PermissionReason::UnauthorizedPermission,
        ),
        (
            "Unauthorized card permission requested",
            PermissionReason::UnauthorizedPermission,
        ),
        ("missing scopes", PermissionReason::MissingScopes),
        (
            r#"{"message":"missing scopes"}"#,
            PermissionReason::MissingScopes,
        ),
        ("unauthorized token", PermissionReason::UnauthorizedToken),
        ("", PermissionReason::Other),
        ("invalid token please", PermissionReason::Other),
        ("invalid  token", PermissionReason::Other),
        ("<html>401</html>", PermissionReason::Other),
        (r#"{"message":"something new"}"#, PermissionReason::Other),
    ];
    for (body, reason) in cases {
        let verdict = verdict_of(401, body);
        assert_eq!(verdict, denied(reason), "{body:?}");
        assert_eq!(verdict.action(), Action::Fail);
        assert_eq!(verdict.code(), "permission_denied");
    }
    assert_eq!(
        PermissionReason::UnauthorizedPermission.code(),
        "unauthorized_permission"
    );
    assert_eq!(PermissionReason::MissingScopes.code(), "missing_scopes");
}

#[test]
fn json_401_reads_message_then_error_and_tolerates_odd_fields() {
    let invalid = Verdict::TokenRejected {
        reason: TokenRejection::Invalid,
    };
    assert_eq!(verdict_of(401, r#"{"error":"invalid token"}"#), invalid);
    assert_eq!(
        verdict_of(
            401,
            r#"{"message":"expired token","error":"invalid token"}"#
        ),
        Verdict::TokenRejected {
            reason: TokenRejection::Expired
        }
    );
    // An unknown message does not hide a known error, nor does a non-string field.
    assert_eq!(
        verdict_of(401, r#"{"message":"Unauthorized","error":"invalid token"}"#),
        invalid
    );
    assert_eq!(
        verdict_of(
            401,
            r#"{"error":{"code":[1,2]},"message":"invalid token","x":null}"#
        ),
        invalid
    );
    assert_eq!(
        verdict_of(401, r#"{"message":null,"error":"invalid key"}"#),
        Verdict::KeyRejected
    );
    // Escapes are decoded (this is the one path that allocates).
    assert_eq!(
        verdict_of(401, r#"{"message":"invalid\u0020token"}"#),
        invalid
    );
    // A UTF-8 byte-order mark is not part of the text.
    assert_eq!(verdict_of(401, "\u{feff}invalid token"), invalid);
    // Broken JSON compares as text and matches nothing.
    assert_eq!(
        verdict_of(401, r#"{"message":"invalid token""#),
        Verdict::PermissionDenied {
            reason: PermissionReason::Other
        }
    );
}

#[test]
fn body_match_is_exact_after_trimming() {
    // No prefix or substring matching: "invalid token" inside a longer text is something else.
    assert_ne!(verdict_of(401, "invalid tokens").code(), "token_rejected");
    assert_ne!(
        verdict_of(401, "not an invalid token").code(),
        "token_rejected"
    );
    assert_ne!(verdict_of(401, "invalid key!").code(), "key_rejected");
}

// ---- SPEC S4.3: 429 ----

#[test]
fn rate_limit_codes() {
    let cases = [
        ("API_TOKEN_LIMIT_EXCEEDED", RateLimitKind::Token),
        ("API_KEY_LIMIT_EXCEEDED", RateLimitKind::Key),
        ("RATE_LIMIT_EXCEEDED", RateLimitKind::Member),
        ("MEMBER_LIMIT_EXCEEDED", RateLimitKind::Member),
        ("API_TOKEN_DB_LIMIT_EXCEEDED", RateLimitKind::Database),
        ("api_token_limit_exceeded", RateLimitKind::Token),
        ("API_TOO_MANY_CARDS_REQUESTED", RateLimitKind::Other),
        ("UNKNOWN_EXTENSION_LIMIT_EXCEEDED", RateLimitKind::Other),
    ];
    for (code, limit) in cases {
        let body = format!(r#"{{"error":"{code}","message":"Rate limit exceeded"}}"#);
        let verdict = verdict_of(429, &body);
        assert_eq!(
            verdict,
            Verdict::RateLimited {
                limit,
                retry_after: None
            },
            "{code}"
        );
        assert_eq!(verdict.action(), Action::RetryAfter(None));
    }
    let other = Verdict::RateLimited {
        limit: RateLimitKind::Other,
        retry_after: None,
    };
    assert_eq!(verdict_of(429, ""), other);
    assert_eq!(verdict_of(429, "Too Many Requests"), other);
    // The code lives in `error`; `message` is prose.
    assert_eq!(
        verdict_of(429, r#"{"message":"API_KEY_LIMIT_EXCEEDED"}"#),
        other
    );
    assert_eq!(
        verdict_of(429, " API_KEY_LIMIT_EXCEEDED\n").retry_after(),
        None
    );
    assert_eq!(
        verdict_of(429, " API_KEY_LIMIT_EXCEEDED\n"),
        Verdict::RateLimited {
            limit: RateLimitKind::Key,
            retry_after: None
        }
    );
}

#[test]
fn retry_after_on_429_and_5xx_only() {
    let hint = [("retry-after", "7")];
    let seven = Some(Duration::from_secs(7));
    let limited = classify(&response(
        429,
        &hint,
        r#"{"error":"API_KEY_LIMIT_EXCEEDED"}"#,
    ));
    assert_eq!(limited.retry_after(), seven);
    assert_eq!(limited.action(), Action::RetryAfter(seven));
    let outage = classify(&response(503, &hint, "<html>Service Unavailable</html>"));
    assert_eq!(
        outage,
        Verdict::ServerError {
            status: 503,
            retry_after: seven
        }
    );
    assert_eq!(outage.action(), Action::RetryAfter(seven));
    // Elsewhere the header means nothing to the caller.
    for status in [200, 401, 403, 404, 301] {
        assert_eq!(classify(&response(status, &hint, "")).retry_after(), None);
    }
}

#[test]
fn retry_after_http_date_uses_the_response_date() {
    let headers = [
        ("retry-after", "Wed, 21 Oct 2015 07:28:30 GMT"),
        ("date", "Wed, 21 Oct 2015 07:28:00 GMT"),
    ];
    let verdict = classify(&response(429, &headers, ""));
    assert_eq!(verdict.retry_after(), Some(Duration::from_secs(30)));
    let no_date = classify(&response(429, &headers[..1], ""));
    assert_eq!(no_date.retry_after(), None);
}

#[test]
fn parse_retry_after_forms() {
    let date = Some("Sun, 06 Nov 1994 08:49:37 GMT");
    let secs = |s| Some(Duration::from_secs(s));
    assert_eq!(parse_retry_after("0", None), secs(0));
    assert_eq!(parse_retry_after("120", None), secs(120));
    assert_eq!(parse_retry_after("\t 120 \r\n", date), secs(120));
    assert_eq!(parse_retry_after("007", None), secs(7));
    assert_eq!(
        parse_retry_after("99999999999999999999999", None),
        Some(Duration::from_secs(u64::MAX))
    );
    // RFC 9110 §5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms.
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", date),
        secs(10)
    );
    assert_eq!(
        parse_retry_after("Sunday, 06-Nov-94 08:50:37 GMT", date),
        secs(60)
    );
    assert_eq!(parse_retry_after("Sun Nov  6 08:49:38 1994", date), secs(1));
    assert_eq!(
        parse_retry_after(
            "Sun, 06 Nov 1994 08:49:47 GMT",
            Some(" Sun, 06 Nov 1994 08:49:37 GMT ")
        ),
        secs(10)
    );
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", date),
        secs(0)
    );
    for garbage in ["", " ", "-1", "+5", "1.5", "5s", "soon", "Sun, 06 Nov 1994"] {
        assert_eq!(parse_retry_after(garbage, date), None, "{garbage:?}");
    }
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", None),
        None
    );
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", Some("yesterday")),
        None
    );
}

// ---- SPEC S4.2 and the rest ----

#[test]
fn other_statuses() {
    assert_eq!(
        verdict_of(200, r#"{"id":"5abbe4b7ddc1b351ef961414"}"#),
        Verdict::Success
    );
    assert_eq!(verdict_of(204, ""), Verdict::Success);
    assert_eq!(verdict_of(299, ""), Verdict::Success);
    assert_eq!(verdict_of(400, "invalid id"), Verdict::BadRequest);
    assert_eq!(
        verdict_of(400, r#"{"message":"Invalid objectId","error":"ERROR"}"#),
        Verdict::BadRequest
    );
    assert_eq!(verdict_of(422, ""), Verdict::BadRequest);
    assert_eq!(
        verdict_of(404, "The requested resource was not found."),
        Verdict::NotFound
    );
    assert_eq!(verdict_of(404, "model not found"), Verdict::NotFound);
    // A 403 is forbidden whatever it says, even a token text (SPEC S3.4).
    assert_eq!(
        verdict_of(403, "<html><body>403 ERROR</body></html>"),
        Verdict::Forbidden
    );
    assert_eq!(verdict_of(403, "invalid token"), Verdict::Forbidden);
    for status in [500, 502, 504, 599] {
        assert_eq!(
            verdict_of(status, "<html>Bad Gateway</html>"),
            Verdict::ServerError {
                status,
                retry_after: None
            }
        );
    }
    for status in [100, 101, 301, 302, 304, 402, 405, 409, 418, 600, 999] {
        let verdict = verdict_of(status, "");
        assert_eq!(verdict, Verdict::Unexpected { status });
        assert_eq!(verdict.action(), Action::Fail);
    }
}

#[test]
fn codes_actions_and_messages_are_complete() {
    let all = [
        Verdict::Success,
        Verdict::TokenRejected {
            reason: TokenRejection::Invalid,
        },
        Verdict::KeyRejected,
        Verdict::PermissionDenied {
            reason: PermissionReason::Other,
        },
        Verdict::RateLimited {
            limit: RateLimitKind::Database,
            retry_after: None,
        },
        Verdict::NotFound,
        Verdict::BadRequest,
        Verdict::Forbidden,
        Verdict::ServerError {
            status: 500,
            retry_after: Some(Duration::from_secs(1)),
        },
        Verdict::Unexpected { status: 302 },
    ];
    let codes: Vec<_> = all.iter().map(Verdict::code).collect();
    assert_eq!(
        codes,
        [
            "success",
            "token_rejected",
            "key_rejected",
            "permission_denied",
            "rate_limited",
            "not_found",
            "bad_request",
            "forbidden",
            "server_error",
            "unexpected"
        ]
    );
    let actions: Vec<_> = all.iter().map(|v| v.action().code()).collect();
    assert_eq!(
        actions,
        [
            "done",
            "reauthorize",
            "fail",
            "fail",
            "retry_after",
            "fail",
            "fail",
            "fail",
            "retry_after",
            "fail"
        ]
    );
    for verdict in &all {
        let message = verdict.message();
        assert!(message.contains(':'), "{message}");
        assert!(!message.ends_with('.'), "{message}");
        assert_eq!(verdict.is_success(), verdict.code() == "success");
    }
    assert_eq!(all[8].retry_after(), Some(Duration::from_secs(1)));
    assert_eq!(RateLimitKind::Member.code(), "member");
    assert_eq!(TokenRejection::Expired.code(), "expired");
}

// ---- no panic on any input ----

fn header_strategy() -> impl Strategy<Value = (String, Vec<u8>)> {
    let name = prop_oneof![
        Just("retry-after".to_owned()),
        Just("date".to_owned()),
        Just("content-type".to_owned()),
        Just("x-rate-limit-api-token-remaining".to_owned()),
        "[a-z][a-z0-9-]{0,20}",
    ];
    let value = prop_oneof![
        "[0-9 ]{0,25}".prop_map(String::into_bytes),
        Just(b"Wed, 21 Oct 2015 07:28:00 GMT".to_vec()),
        "[A-Za-z]{3}, [0-9]{2} [A-Za-z]{3} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT"
            .prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 0..40),
    ];
    (name, value)
}

fn body_strategy() -> impl Strategy<Value = Vec<u8>> {
    let text = prop_oneof![
        Just("invalid token".to_owned()),
        Just("API_TOKEN_LIMIT_EXCEEDED".to_owned()),
        ".{0,40}",
    ];
    let json = (text.clone(), text, any::<bool>()).prop_map(|(m, e, escaped)| {
        let body = serde_json::json!({ "message": m, "error": e }).to_string();
        if escaped {
            body.replace('a', "\\u0061")
        } else {
            body
        }
        .into_bytes()
    });
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200),
        json,
        "\\{.{0,60}".prop_map(String::into_bytes),
        "[\\[\\{\"\\]\\}:,0-9a-z ]{0,80}".prop_map(String::into_bytes),
    ]
}

proptest! {
    #[test]
    fn classify_never_panics(
        status in 100u16..=999,
        body in body_strategy(),
        headers in proptest::collection::vec(header_strategy(), 0..6),
    ) {
        let mut builder = http::Response::builder().status(status);
        for (name, value) in &headers {
            if let Ok(value) = http::HeaderValue::from_bytes(value) {
                builder = builder.header(name.as_str(), value);
            }
        }
        let response = builder.body(body).expect("status and names are valid");
        let verdict = classify(&response);
        // Whatever came in, the verdict is coherent.
        prop_assert_eq!(verdict.is_success(), (200..300).contains(&status));
        prop_assert!(!verdict.code().is_empty() && !verdict.message().is_empty());
        if verdict.retry_after().is_some() {
            prop_assert!(status == 429 || (500..600).contains(&status));
        }
    }

    #[test]
    fn parse_retry_after_never_panics(value in ".{0,60}", date in proptest::option::of(".{0,60}")) {
        let _ = parse_retry_after(&value, date.as_deref());
    }

    #[test]
    fn parse_retry_after_reads_any_seconds(secs in any::<u64>(), pad in "[ \t]{0,3}") {
        prop_assert_eq!(
            parse_retry_after(&format!("{pad}{secs}{pad}"), None),
            Some(Duration::from_secs(secs))
        );
    }

    #[test]
    fn http_dates_round_trip(date in 0u64..8_000_000_000, ahead in 0u64..1_000_000) {
        let at = |secs| httpdate::fmt_http_date(std::time::UNIX_EPOCH + Duration::from_secs(secs));
        let now = at(date);
        prop_assert_eq!(
            parse_retry_after(&at(date + ahead), Some(&now)),
            Some(Duration::from_secs(ahead))
        );
        prop_assert_eq!(
            parse_retry_after(&at(date.saturating_sub(ahead)), Some(&now)),
            Some(Duration::ZERO)
        );
    }
}
