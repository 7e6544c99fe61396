//! Module-wide tests of `oauth1`: every `tests/vectors/oauth1/*.json` against the signer
//! (VECTORS.md), and the canary test that no secret reaches `Debug` or an error message.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::*;
use crate::{AppSecret, Origin, Token, TokenSecret};

const VECTOR_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/vectors/oauth1");

/// One `oauth1/*.json` case, in VECTORS.md's format; an unknown key fails the case.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Vector {
    #[allow(dead_code)] // Free text, ignored by runners (VECTORS.md).
    note: String,
    consumer_key: String,
    consumer_secret: String,
    token: Option<String>,
    token_secret: Option<String>,
    nonce: String,
    timestamp: String,
    #[serde(default = "yes")]
    include_version: bool,
    request: VectorRequest,
    #[serde(default)]
    extra_oauth_params: BTreeMap<String, String>,
    expect: Expect,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VectorRequest {
    method: String,
    url: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    body: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    base_string: String,
    signature: String,
    authorization_params: BTreeMap<String, String>,
}

#[test]
fn every_oauth1_vector_matches_the_signer() {
    let mut entries: Vec<_> = std::fs::read_dir(VECTOR_DIR)
        .expect("tests/vectors/oauth1 exists")
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    entries.sort();
    let mut failures = Vec::new();
    for path in &entries {
        if let Err(what) = check_vector(path) {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            failures.push(format!("vector FAILED: oauth1/{name}: {what}"));
        }
    }
    for failure in &failures {
        println!("{failure}");
    }
    println!(
        "vectors: {} passed, {} failed",
        entries.len() - failures.len(),
        failures.len()
    );
    assert!(
        entries.len() >= 16,
        "expected at least 16 oauth1 vectors, found {}",
        entries.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn check_vector(path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("unreadable: {e}"))?;
    let v: Vector = serde_json::from_str(&text).map_err(|e| format!("bad JSON: {e}"))?;
    let mut request = http::Request::builder()
        .method(v.request.method.as_str())
        .uri(v.request.url.as_str());
    for (name, value) in &v.request.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let request = request
        .body(v.request.body.clone().into_bytes())
        .map_err(|e| format!("request does not build: {e}"))?;
    let timestamp: u64 = v.timestamp.parse().map_err(|_| "timestamp is not a u64")?;
    let mut params = OAuthParams {
        include_version: v.include_version,
        ..OAuthParams::new(&v.nonce, timestamp)
    };
    for (name, value) in &v.extra_oauth_params {
        match name.as_str() {
            "oauth_callback" => params.callback = Some(value),
            "oauth_verifier" => params.verifier = Some(value),
            other => return Err(format!("unknown extra_oauth_params key {other}")),
        }
    }
    let token = match (&v.token, &v.token_secret) {
        (Some(t), s) => Some((t.as_str(), s.as_deref().unwrap_or(""))),
        (None, None) => None,
        (None, Some(_)) => return Err("token_secret without token".into()),
    };
    let signer = sign::Signer::from_parts(&v.consumer_key, &v.consumer_secret, token);
    let signature = signer
        .sign(&request, &params)
        .map_err(|e| format!("signing failed: {e}"))?;
    if signature.base_string() != v.expect.base_string {
        return Err(format!(
            "base_string differs:\n  expected {}\n  got      {}",
            v.expect.base_string,
            signature.base_string()
        ));
    }
    if signature.signature() != v.expect.signature {
        return Err(format!(
            "signature: expected {}, got {}",
            v.expect.signature,
            signature.signature()
        ));
    }
    let sent: BTreeMap<String, String> = signature
        .params()
        .map(|(n, value)| (n.to_owned(), value.into_owned()))
        .collect();
    for (name, value) in &v.expect.authorization_params {
        match sent.get(name) {
            Some(got) if got == value => {}
            got => return Err(format!("header {name}: expected {value:?}, got {got:?}")),
        }
    }
    // Our own stricter check: the header carries nothing the vector does not list.
    if let Some(extra) = sent
        .keys()
        .find(|n| !v.expect.authorization_params.contains_key(*n))
    {
        return Err(format!("header carries unexpected {extra}"));
    }
    Ok(())
}

#[test]
fn a_broken_vector_is_reported_not_skipped() {
    let dir = std::env::temp_dir().join(format!("oauth1-vector-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good =
        std::fs::read_to_string(Path::new(VECTOR_DIR).join("request_token_step_oob.json")).unwrap();
    let typo = good.replacen("\"nonce\"", "\"nonse\"", 1);
    let wrong = good.replacen("/Yf56/WHHatNTqqA2kyf9b2joos=", "AAAA", 1);
    for (name, text) in [("typo.json", typo), ("wrong.json", wrong)] {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        assert!(check_vector(&path).is_err(), "{name} passed");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

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
        assert_clean(err.code(), &crate::Error::from(err.clone()).to_string());
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
