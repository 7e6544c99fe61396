//! webhook/*.json: verifying a delivery's `X-Trello-Webhook` (SPEC S9) over the raw body (text,
//! or bytes in `body_base64`) and the registered callback URL.

use base64::Engine as _;
use serde::Deserialize;
use trello_auth_core::webhook;
use trello_auth_core::AppSecret;

use super::{expect_eq, Outcome};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    #[allow(dead_code)]
    note: Option<String>,
    secret: String,
    callback_url: String,
    body: Option<String>,
    body_base64: Option<String>,
    header: Option<String>,
    expect: Expect,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    valid: Option<bool>,
    error: Option<String>,
}

pub fn check(case: Case) -> Outcome {
    let secret = AppSecret::new(case.secret).map_err(|e| format!("bad secret: {e}"))?;
    let body = match (case.body, case.body_base64) {
        (Some(text), None) => text.into_bytes(),
        (None, Some(b64)) => base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|e| format!("bad body_base64: {e}"))?,
        _ => return Err("give exactly one of body and body_base64".into()),
    };
    let got = webhook::verify(&secret, &case.callback_url, &body, case.header.as_deref());
    match (case.expect.valid, case.expect.error) {
        (Some(true), None) => expect_eq("verify", Ok(()), got.map_err(|e| e.code())),
        (None, Some(code)) => expect_eq("verify", Err(code.as_str()), got.map_err(|e| e.code())),
        _ => Err("expect is {\"valid\": true} or {\"error\": KIND}".into()),
    }
}
