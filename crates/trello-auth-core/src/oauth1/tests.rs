//! Module-wide tests of `oauth1`: the canary test that no secret reaches `Debug` or an error
//! message, and that flow requests are marked sensitive.

use super::*;
use crate::{AppSecret, Origin, Token, TokenSecret};

// The `oauth1/*.json` conformance vectors run in the workspace's one vector runner
// (`tests/it/vectors`, `cargo test -p trello-auth-tests`), shared with the Python tests.

// ---- Canary: no secret in Debug or Display ----

const CONSUMER_SECRET: &str = "canaryCONSUMERsecret";
const TOKEN: &str = "canaryACCESStoken";
const TOKEN_SECRET: &str = "canaryTOKENsecret";
const REQUEST_TOKEN: &str = "canaryREQUESTtoken";
const VERIFIER: &str = "canaryVERIFIER";

fn assert_clean(what: &str, text: &str) {
    for canary in [
        CONSUMER_SECRET,
        TOKEN,
        TOKEN_SECRET,
        REQUEST_TOKEN,
        VERIFIER,
    ] {
        assert!(
            !text.contains(canary),
            "{what} shows a secret ({canary}): {text}"
        );
    }
    // Case-insensitive too, and no prefix longer than the Debug prefix of keys.
    assert!(!text.to_lowercase().contains("canary"), "{what}: {text}");
}

#[test]
fn no_secret_in_any_debug() {
    let consumer = Consumer::new(
        "0123456789abcdef0123456789abcdef",
        AppSecret::new(CONSUMER_SECRET).unwrap(),
    );
    let creds = TokenCredentials::new(Token::new(TOKEN).unwrap(), TokenSecret::new(TOKEN_SECRET));
    let signer = Signer::new(&consumer, Some(&creds));
    let request = http::Request::get("https://api.trello.com/1/members/me?x=1")
        .body(Vec::new())
        .unwrap();
    let params = OAuthParams {
        verifier: Some(VERIFIER),
        ..OAuthParams::new("nonce", 1)
    };
    let signature = signer.sign(&request, &params).unwrap();
    // The header does carry the token and the verifier: the canary test is meaningful.
    assert!(signature.authorization().contains(TOKEN));
    assert!(signature.authorization().contains(VERIFIER));
    let request_token = RequestToken::new(REQUEST_TOKEN, TokenSecret::new(TOKEN_SECRET)).unwrap();
    let verifier = Verifier::from_pin(VERIFIER).unwrap();
    for (what, text) in [
        ("Consumer", format!("{consumer:?} {consumer:#?}")),
        ("TokenCredentials", format!("{creds:?} {creds:#?}")),
        ("Signer", format!("{signer:?} {signer:#?}")),
        ("Signature", format!("{signature:?} {signature:#?}")),
        ("OAuthParams", format!("{params:?} {params:#?}")),
        (
            "RequestToken",
            format!("{request_token:?} {request_token:#?}"),
        ),
        ("Verifier", format!("{verifier:?} {verifier:#?}")),
    ] {
        assert_clean(what, &text);
    }
}

#[test]
fn no_secret_in_any_error() {
    let request_token = RequestToken::new(REQUEST_TOKEN, TokenSecret::new(TOKEN_SECRET)).unwrap();
    let mut errors = vec![
        // Bodies that echo secrets: only the status (and a known problem name) survive.
        parse_request_token_response(
            &http::Response::builder()
                .status(400)
                .body(format!(
                    "oauth_token={REQUEST_TOKEN}&oauth_token_secret={TOKEN_SECRET}"
                ))
                .unwrap(),
        )
        .unwrap_err(),
        parse_access_token_response(
            &http::Response::builder()
                .status(401)
                .body(format!("invalid token {TOKEN}"))
                .unwrap(),
        )
        .unwrap_err(),
        // A 32-hex "token" is refused by Token::new; the error must not echo it nor the secret.
        parse_access_token_response(&http::Response::new(format!(
            "oauth_token={}&oauth_token_secret={TOKEN_SECRET}",
            "0123456789abcdef0123456789abcdef"
        )))
        .unwrap_err(),
        parse_request_token_response(&http::Response::new(format!(
            "oauth_token={REQUEST_TOKEN}&oauth_token_secret={TOKEN_SECRET}"
        )))
        .unwrap_err(),
        parse_callback(
            &format!("?oauth_token={TOKEN}&oauth_verifier={VERIFIER}"),
            &request_token,
        )
        .unwrap_err(),
        parse_callback(&format!("?denied={REQUEST_TOKEN}"), &request_token).unwrap_err(),
        parse_callback(
            &format!("?oauth_token={REQUEST_TOKEN}&oauth_verifier={VERIFIER}%20x"),
            &request_token,
        )
        .unwrap_err(),
        Verifier::from_pin(&format!("{VERIFIER} x")).unwrap_err(),
        RequestToken::new(format!("{REQUEST_TOKEN} x"), TokenSecret::new(TOKEN_SECRET))
            .unwrap_err(),
        Callback::parse(&format!("http://example.com/?t={TOKEN}")).unwrap_err(),
    ];
    let consumer = Consumer::new("key", AppSecret::new(CONSUMER_SECRET).unwrap());
    let creds = TokenCredentials::new(Token::new(TOKEN).unwrap(), TokenSecret::new(TOKEN_SECRET));
    let signer = Signer::new(&consumer, Some(&creds));
    let with_auth = http::Request::get("https://api.trello.com/1/x")
        .header("authorization", format!("OAuth oauth_token=\"{TOKEN}\""))
        .body(Vec::new())
        .unwrap();
    errors.push(
        signer
            .authorize(with_auth, &OAuthParams::new("n", 1))
            .unwrap_err(),
    );
    let with_token = http::Request::get(format!("https://api.trello.com/1/x?token={TOKEN}"))
        .body(Vec::new())
        .unwrap();
    errors.push(
        signer
            .authorize(with_token, &OAuthParams::new("n", 1))
            .unwrap_err(),
    );
    for err in &errors {
        assert_clean(err.code(), &format!("{err} {err:?}"));
    }
    // Every variant was exercised above or below, each Display is lower-case without a
    // trailing period (the crate's error style).
    errors.extend([
        OAuthError::InvalidRequest { reason: "x" },
        OAuthError::InsecureCallback,
        OAuthError::CallbackNotConfirmed,
        OAuthError::MissingVerifier,
    ]);
    for err in &errors {
        let text = err.to_string();
        assert!(!text.ends_with('.'), "{text}");
        assert!(text.starts_with(|c: char| c.is_lowercase()), "{text}");
    }
}

#[test]
fn flow_requests_are_marked_sensitive() {
    let consumer = Consumer::new("key", AppSecret::new(CONSUMER_SECRET).unwrap());
    let request_token = RequestToken::new(REQUEST_TOKEN, TokenSecret::new(TOKEN_SECRET)).unwrap();
    let verifier = Verifier::from_pin(VERIFIER).unwrap();
    let request = access_token_request(
        &consumer,
        &Origin::trello(),
        &request_token,
        &verifier,
        "n",
        1,
    )
    .unwrap();
    let header = &request.headers()[http::header::AUTHORIZATION];
    assert!(header.is_sensitive());
    assert_clean("access-token request Debug", &format!("{request:?}"));
}
