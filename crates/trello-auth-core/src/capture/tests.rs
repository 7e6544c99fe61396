//! Tests of token capture (SPEC S1.3, S1.4): units and properties (the `capture/*.json`
//! vectors run in `tests/it/vectors`).

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use proptest::prelude::*;

use super::*;

const ATTA: &str = "ATTA0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123ABCD";
const HEX64: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const KEY: &str = "0123456789abcdef0123456789abcdef";
const TRELLO: &str = "https://trello.com";

fn token(r: Result<Token, CaptureError>) -> String {
    match r {
        Ok(t) => t.expose_secret().to_owned(),
        Err(e) => panic!("expected a token, got {e:?}"),
    }
}

fn code(r: Result<Token, CaptureError>) -> &'static str {
    match r {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

fn denied_message(r: Result<Token, CaptureError>) -> String {
    match r {
        Err(CaptureError::Denied { message }) => message,
        other => panic!("expected a deny, got {:?}", other.map_err(|e| e.code())),
    }
}

#[test]
fn fragment_in_every_form() {
    for input in [
        format!("http://localhost:8080/cb#token={ATTA}"),
        format!("http://localhost:8080/cb?state=1#token={ATTA}&state=2"),
        format!("#token={ATTA}"),
        format!("token={ATTA}"),
        format!("  #token={ATTA}\n"),
        format!("#x=1&&token={ATTA}&"),
        format!("#%74oken={ATTA}"),
    ] {
        assert_eq!(token(parse_fragment(&input)), ATTA, "{input}");
    }
    assert_eq!(token(parse_fragment(&format!("#token={HEX64}"))), HEX64);
}

#[test]
fn fragment_decoding() {
    assert_eq!(token(parse_fragment("#token=a%2Bb%3Dc%26d")), "a+b=c&d");
    // `+` is not a space in a fragment: Trello writes the token raw (SPEC S1.3).
    assert_eq!(token(parse_fragment("#token=a+b")), "a+b");
    assert_eq!(token(parse_fragment("#token=a=b")), "a=b");
    // ...but in a deny message, text only shown, it reads as a space.
    let msg = denied_message(parse_fragment("#token=&error=Token+request%20rejected%2B"));
    assert_eq!(msg, "Token request rejected+");
}

#[test]
fn fragment_deny_and_empty() {
    let r = parse_fragment("http://localhost:8080/cb#token=&error=Token%20request%20rejected");
    assert_eq!(denied_message(r), "Token request rejected");
    assert_eq!(denied_message(parse_fragment("#error=x&token=")), "x");
    assert_eq!(denied_message(parse_fragment("#token=&error=")), "");
    assert_eq!(
        denied_message(parse_fragment("#token=&error=%FFbad")),
        "\u{FFFD}bad"
    );
    for input in [
        "",
        "   \n",
        "#token=",
        "token=",
        "#token",
        "http://localhost/cb#token=&state=1",
    ] {
        assert_eq!(code(parse_fragment(input)), "empty", "{input:?}");
    }
}

#[test]
fn fragment_malformed() {
    for input in [
        "http://localhost:8080/cb",
        "http://localhost:8080/cb?token=abc",
        "#",
        "http://localhost:8080/cb#",
        "#state=1",
        "#error=Token%20request%20rejected",
        "#token=abc&token=abc",
        "#token=&token=abc",
        "#token=abc%20def",
        "#token=%20",
        "#token=abc def",
        "#token=t\u{f6}ken",
        "#token=%C3%B6",
        "#token=%FF",
        "#token=a%00b",
        "#token=abc&error=Token%20request%20rejected",
    ] {
        assert_eq!(code(parse_fragment(input)), "malformed", "{input:?}");
    }
    assert_eq!(
        code(parse_fragment(&format!("#token={KEY}"))),
        "looks_like_key"
    );
    assert_eq!(
        code(parse_fragment(&format!("#token={}", KEY.to_uppercase()))),
        "looks_like_key"
    );
}

#[test]
fn deny_messages_are_redacted_and_truncated() {
    let r = parse_fragment(&format!("#token=&error=bad%20token%20{ATTA}%0Aagain"));
    assert_eq!(denied_message(r), "bad token [redacted]\nagain");
    let long = "word ".repeat(100);
    let msg = denied_message(parse_post_message(TRELLO, &format!("\"{long}x\"")));
    assert_eq!(msg.chars().count(), 200);
    assert!(msg.starts_with("word word "));
    // A word of 31 characters is kept, one of 32 is not.
    let keep = "k".repeat(31);
    let drop = "d".repeat(32);
    let r = parse_post_message(TRELLO, &format!("{{\"error\":\"{keep} {drop}\"}}"));
    assert_eq!(denied_message(r), format!("{keep} [redacted]"));
}

#[test]
fn post_message_origin_is_an_origin() {
    let data = format!("\"{ATTA}\"");
    for origin in [
        "https://trello.com",
        "https://trello.com/",
        "HTTPS://Trello.COM",
        "https://trello.com:443",
    ] {
        assert_eq!(token(parse_post_message(origin, &data)), ATTA, "{origin}");
    }
    for origin in [
        "",
        "null",
        "trello.com",
        "http://trello.com",
        "https://trello.com:8443",
        "https://api.trello.com",
        "https://trello.com.evil.example",
        "https://evil.example/https://trello.com",
        "https://trello.com@evil.example",
        "https://evil@trello.com",
        "https://trello.com/1/authorize",
        "https://trello.com/?x",
        "https://trello.com/#",
        " https://trello.com",
        "https://trello.com\n",
        "https://tre\tllo.com",
        "wss://trello.com",
    ] {
        let err = parse_post_message(origin, &data).unwrap_err();
        assert_eq!(
            err,
            CaptureError::WrongOrigin {
                origin: origin.into()
            },
            "{origin:?}"
        );
    }
    // The origin is checked before the data is looked at.
    assert_eq!(
        code(parse_post_message("https://evil.example", "not json")),
        "wrong_origin"
    );
    let long = format!("https://{}.example", "a".repeat(300));
    match parse_post_message(&long, &data) {
        Err(CaptureError::WrongOrigin { origin }) => assert_eq!(origin.len(), 200),
        other => panic!("{:?}", other.map_err(|e| e.code())),
    }
}

#[test]
fn post_message_trusted_override() {
    let sandbox = Origin::parse("http://127.0.0.1:9000").unwrap();
    let data = format!("\"{HEX64}\"");
    assert_eq!(
        token(parse_post_message_from(
            &sandbox,
            "http://127.0.0.1:9000",
            &data
        )),
        HEX64
    );
    assert_eq!(
        code(parse_post_message_from(
            &sandbox,
            "http://127.0.0.1:9001",
            &data
        )),
        "wrong_origin"
    );
    assert_eq!(
        code(parse_post_message_from(&sandbox, TRELLO, &data)),
        "wrong_origin"
    );
    let trello = Origin::trello();
    assert_eq!(
        token(parse_post_message_from(&trello, TRELLO, &data)),
        HEX64
    );
}

#[test]
fn post_message_data() {
    assert_eq!(
        token(parse_post_message(TRELLO, &format!(" \" {ATTA}\\n\" "))),
        ATTA
    );
    assert_eq!(
        token(parse_post_message(
            TRELLO,
            &format!("\"\\u0041{}\"", &ATTA[1..])
        )),
        ATTA
    );
    let deny = |data: &str| denied_message(parse_post_message(TRELLO, data));
    assert_eq!(
        deny(r#"{"error":"Token request rejected"}"#),
        "Token request rejected"
    );
    assert_eq!(
        deny(r#"{"error":"Token request rejected","token":""}"#),
        "Token request rejected"
    );
    assert_eq!(
        deny(r#""Token request rejected""#),
        "Token request rejected"
    );
    assert_eq!(
        deny(r#""Token	request""#.replace('\t', "\\t").as_str()),
        "Token\trequest"
    );
    assert_eq!(deny(r#"{"error":42}"#), "42");
    assert_eq!(deny(r#"{"error":null}"#), "null");
    for data in ["", "  ", "\"\"", "\"  \""] {
        assert_eq!(code(parse_post_message(TRELLO, data)), "empty", "{data:?}");
    }
    for data in [
        "42",
        "null",
        "true",
        "[]",
        &format!("[\"{ATTA}\"]"),
        "{}",
        &format!("{{\"token\":\"{ATTA}\"}}"),
        ATTA,
        "\"unterminated",
        "\"t\u{f6}ken\"",
        "\"a\\u0000b\"",
        &"[".repeat(1000),
    ] {
        assert_eq!(
            code(parse_post_message(TRELLO, data)),
            "malformed",
            "{data:?}"
        );
    }
    assert_eq!(
        code(parse_post_message(TRELLO, &format!("\"{KEY}\""))),
        "looks_like_key"
    );
}

#[test]
fn pasted_tokens() {
    assert_eq!(token(parse_pasted_token(&format!("\t {ATTA} \r\n"))), ATTA);
    assert_eq!(token(parse_pasted_token(HEX64)), HEX64);
    assert_eq!(
        token(parse_pasted_token(&format!(
            "http://localhost:8080/cb#token={ATTA}"
        ))),
        ATTA
    );
    assert_eq!(token(parse_pasted_token(&format!("#token={ATTA}"))), ATTA);
    assert_eq!(token(parse_pasted_token(&format!("token={ATTA}"))), ATTA);
    // Opaque: anything visible is accepted (SPEC S2).
    assert_eq!(token(parse_pasted_token("#abc")), "#abc");
    let cases = [
        ("", "empty"),
        (" \n\t", "empty"),
        (KEY, "looks_like_key"),
        ("0123456789ABCDEF0123456789abcdef", "looks_like_key"),
        ("https://trello.com/1/authorize?key=x", "looks_like_url"),
        ("HTTPS://TRELLO.COM/", "looks_like_url"),
        ("http://localhost:8080/cb#state=1", "looks_like_url"),
        ("http://localhost:8080/cb#token=", "looks_like_url"),
        ("http://localhost:8080/cb#token=a%20b", "looks_like_url"),
        (
            "http://localhost:8080/cb#token=&error=Token%20request%20rejected",
            "denied",
        ),
        ("#token=&error=no", "denied"),
        ("token=", "empty"),
        ("Token: abc", "malformed"),
        ("abc def", "malformed"),
        ("t\u{f6}ken", "malformed"),
        ("abc\u{7f}", "malformed"),
    ];
    for (input, want) in cases {
        assert_eq!(code(parse_pasted_token(input)), want, "{input:?}");
    }
    let key_url = format!("http://localhost/cb#token={KEY}");
    assert_eq!(code(parse_pasted_token(&key_url)), "looks_like_key");
}

#[test]
fn messages_follow_the_house_style() {
    let errors = [
        CaptureError::Denied {
            message: "Token request rejected".into(),
        },
        CaptureError::Malformed { reason: "x" },
        CaptureError::Empty,
        CaptureError::WrongOrigin {
            origin: "https://evil.example".into(),
        },
        CaptureError::LooksLikeKey,
        CaptureError::LooksLikeUrl,
    ];
    let mut codes = Vec::new();
    for e in &errors {
        let s = e.to_string();
        assert!(s.starts_with(|c: char| c.is_lowercase()), "{s}");
        assert!(!s.ends_with('.'), "{s}");
        codes.push(e.code());
    }
    assert_eq!(
        codes,
        [
            "denied",
            "malformed",
            "empty",
            "wrong_origin",
            "looks_like_key",
            "looks_like_url"
        ]
    );
}

// The `capture/*.json` conformance vectors run in the workspace's one vector runner
// (`tests/it/vectors`, `cargo test -p trello-auth-tests`), shared with the Python tests.

// ---- properties ----

/// Visible ASCII (SPEC S2's token alphabet) that is not a 32-hex key.
fn any_token() -> impl Strategy<Value = String> {
    "[!-~]{1,90}".prop_filter("not a key", |t| !is_hex(t, 32))
}

/// Inputs made of the pieces that steer the parsers, to reach their deeper branches.
fn steering(canary: String) -> impl Strategy<Value = String> {
    let pieces = vec![
        "token=".to_owned(),
        "error=".to_owned(),
        "&".to_owned(),
        "#".to_owned(),
        "http://localhost/cb".to_owned(),
        "://".to_owned(),
        "?".to_owned(),
        " ".to_owned(),
        "%20".to_owned(),
        "+".to_owned(),
        "%".to_owned(),
        "\"".to_owned(),
        "{\"error\":".to_owned(),
        "}".to_owned(),
        "[".to_owned(),
        format!("token={canary}"),
        format!("\"{canary}\""),
        canary,
    ];
    prop::collection::vec(prop::sample::select(pieces), 0..8).prop_map(|v| v.concat())
}

fn assert_no_leak(r: &Result<Token, CaptureError>, canary: &str) -> Result<(), TestCaseError> {
    if let Err(e) = r {
        prop_assert!(!e.to_string().contains(canary), "Display leaks: {}", e);
        prop_assert!(!format!("{e:?}").contains(canary), "Debug leaks: {:?}", e);
    }
    Ok(())
}

proptest! {
    #[test]
    fn parsers_never_panic(a in any::<String>(), b in any::<String>()) {
        let _ = parse_fragment(&a);
        let _ = parse_pasted_token(&a);
        let _ = parse_post_message(&a, &b);
        let _ = parse_post_message(TRELLO, &a);
        let _ = parse_post_message_from(&Origin::trello(), &b, &a);
    }

    #[test]
    fn steered_parsers_never_panic(s in steering(ATTA.to_owned())) {
        let _ = parse_fragment(&s);
        let _ = parse_pasted_token(&s);
        let _ = parse_post_message(TRELLO, &s);
    }

    #[test]
    fn percent_encoded_token_round_trips(t in any_token()) {
        let encoded = utf8_percent_encode(&t, NON_ALPHANUMERIC).to_string();
        let got = parse_fragment(&format!("http://localhost:8080/cb#token={encoded}"));
        prop_assert_eq!(token(got), t.clone());
        let got = parse_pasted_token(&format!("https://app.example/cb#token={encoded}"));
        prop_assert_eq!(token(got), t);
    }

    #[test]
    fn raw_token_round_trips(t in "[!-~]{1,90}".prop_filter("fragment syntax or a key", |t| {
        !t.contains(['&', '#', '%']) && !is_hex(t, 32)
    })) {
        prop_assert_eq!(token(parse_fragment(&format!("#token={t}"))), t.clone());
        prop_assert_eq!(token(parse_fragment(&format!("token={t}"))), t);
    }

    #[test]
    fn post_message_token_round_trips(t in any_token()) {
        let data = serde_json::to_string(&t).unwrap();
        prop_assert_eq!(token(parse_post_message(TRELLO, &data)), t);
    }

    #[test]
    fn pasted_token_round_trips(t in any_token().prop_filter("reads as a URL or fragment", |t| {
        !t.contains("://") && !t.starts_with("token=") && !t.starts_with("#token=")
    })) {
        prop_assert_eq!(token(parse_pasted_token(&format!(" \t{t}\n"))), t);
    }

    #[test]
    fn no_error_ever_shows_the_token(
        (canary, input) in prop_oneof![Just(ATTA.to_owned()), Just(HEX64.to_owned()), "[!-~]{32,80}"]
            .prop_flat_map(|c| (Just(c.clone()), steering(c))),
    ) {
        assert_no_leak(&parse_fragment(&input), &canary)?;
        assert_no_leak(&parse_pasted_token(&input), &canary)?;
        assert_no_leak(&parse_post_message(TRELLO, &input), &canary)?;
        assert_no_leak(&parse_post_message("https://evil.example", &input), &canary)?;
    }
}

/// Found by cargo-mutants: each fragment rule has its own reason, and the first `error` is
/// the one reported.
#[test]
fn each_fragment_refusal_says_its_own_reason() {
    let reason = |input: &str| match parse_fragment(input) {
        Err(CaptureError::Malformed { reason }) => reason,
        other => panic!("{input}: {other:?}"),
    };
    assert!(reason("https://127.0.0.1:8080/callback").starts_with("the URL has no fragment"));
    assert!(reason("#token=a%20b").starts_with("the token has a space"));
    assert!(reason("#token=a%09b").starts_with("the token has a space"));
    match parse_fragment("#token=&error=first&error=second") {
        Err(CaptureError::Denied { message }) => assert_eq!(message, "first"),
        other => panic!("{other:?}"),
    }
}
