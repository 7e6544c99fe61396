//! oauth1/*.json: OAuth 1.0a HMAC-SHA1 signing (RFC 5849 §3.4, SPEC S6) against expected base
//! strings, signatures and `Authorization` parameters.

use std::collections::BTreeMap;

use serde::Deserialize;
use trello_auth_core::oauth1::{Consumer, OAuthParams, RequestToken, Signer, TokenCredentials};
use trello_auth_core::{AppSecret, Token, TokenSecret};

use super::{expect_eq, Outcome};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    #[allow(dead_code)]
    note: Option<String>,
    consumer_key: String,
    consumer_secret: String,
    token: Option<String>,
    token_secret: Option<String>,
    nonce: String,
    timestamp: String,
    #[serde(default = "yes")]
    include_version: bool,
    request: Req,
    #[serde(default)]
    extra_oauth_params: BTreeMap<String, String>,
    expect: Expect,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Req {
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
    #[serde(default)]
    authorization_params: BTreeMap<String, String>,
}

pub fn check(case: Case) -> Outcome {
    let secret =
        AppSecret::new(case.consumer_secret).map_err(|e| format!("consumer secret: {e}"))?;
    let consumer = Consumer::new(case.consumer_key, secret);
    let secret = TokenSecret::new(case.token_secret.unwrap_or_default());
    // With a verifier this is the access-token step (SPEC S6): the token is the request token.
    let signer = match case.token {
        Some(t) if case.extra_oauth_params.contains_key("oauth_verifier") => {
            let request_token =
                RequestToken::new(t, secret).map_err(|e| format!("request token: {e}"))?;
            Signer::with_request_token(&consumer, &request_token)
        }
        Some(t) => {
            let token = Token::new(t).map_err(|e| format!("token: {e}"))?;
            Signer::new(&consumer, Some(&TokenCredentials::new(token, secret)))
        }
        None => Signer::new(&consumer, None),
    };
    let timestamp: u64 = case
        .timestamp
        .parse()
        .map_err(|_| "timestamp is not a number".to_owned())?;
    let mut params = OAuthParams::new(&case.nonce, timestamp);
    params.include_version = case.include_version;
    for (name, value) in &case.extra_oauth_params {
        match name.as_str() {
            "oauth_callback" => params.callback = Some(value),
            "oauth_verifier" => params.verifier = Some(value),
            other => return Err(format!("unsupported extra_oauth_params entry {other:?}")),
        }
    }
    let mut b = http::Request::builder()
        .method(case.request.method.as_str())
        .uri(&case.request.url);
    for (n, v) in &case.request.headers {
        b = b.header(n, v);
    }
    let request = b
        .body(case.request.body.into_bytes())
        .map_err(|e| format!("bad input request: {e}"))?;
    let signed = signer
        .sign(&request, &params)
        .map_err(|e| format!("sign failed: {e}"))?;
    expect_eq(
        "base_string",
        case.expect.base_string.as_str(),
        signed.base_string(),
    )?;
    expect_eq(
        "signature",
        case.expect.signature.as_str(),
        signed.signature(),
    )?;
    let header = header_params(signed.authorization())?;
    for (name, value) in &case.expect.authorization_params {
        expect_eq(
            &format!("authorization {name}"),
            Some(value),
            header.get(name),
        )?;
    }
    Ok(())
}

/// `OAuth a="x", b="y"` → decoded `{a: x, b: y}`.
fn header_params(header: &str) -> Result<BTreeMap<String, String>, String> {
    let params = header
        .strip_prefix("OAuth ")
        .ok_or_else(|| "authorization does not start with `OAuth `".to_owned())?;
    params
        .split(", ")
        .map(|p| {
            let (name, quoted) = p
                .split_once('=')
                .ok_or_else(|| format!("bad param {p:?}"))?;
            let value = quoted
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .ok_or_else(|| format!("unquoted param {name}"))?;
            let decoded = percent_encoding::percent_decode_str(value)
                .decode_utf8()
                .map_err(|_| format!("param {name} is not UTF-8"))?;
            Ok((name.to_owned(), decoded.into_owned()))
        })
        .collect()
}
