//! capture/*.json: token capture from a fragment, a postMessage or a paste (SPEC S1.3, S1.4).

use serde::Deserialize;
use trello_auth_core::{parse_fragment, parse_pasted_token, Origin, Token};
use trello_auth_core::{parse_post_message_from, CaptureError};

use super::{expect_eq, expected_error, Outcome};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    #[allow(dead_code)]
    note: Option<String>,
    kind: String,
    origin: Option<String>,
    trusted_origin: Option<String>,
    input: String,
    expect: Expect,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
enum Expect {
    Token(String),
    Denied(String),
    Error(String),
}

pub fn check(case: Case) -> Outcome {
    let result: Result<Token, CaptureError> = match case.kind.as_str() {
        "fragment" => parse_fragment(&case.input),
        "pasted" => parse_pasted_token(&case.input),
        "post_message" => {
            let trusted = Origin::parse(
                case.trusted_origin
                    .as_deref()
                    .unwrap_or("https://trello.com"),
            )
            .map_err(|e| format!("trusted_origin: {e}"))?;
            let origin = case
                .origin
                .as_deref()
                .ok_or("post_message needs an origin")?;
            parse_post_message_from(&trusted, origin, &case.input)
        }
        other => return Err(format!("unknown capture kind {other:?}")),
    };
    match (case.expect, result) {
        (Expect::Token(want), Ok(t)) => expect_eq("token", want.as_str(), t.expose_secret()),
        (Expect::Denied(want), Err(CaptureError::Denied { message })) => {
            expect_eq("deny message", want, message)
        }
        (Expect::Error(code), Err(e)) => expect_eq("error", code.as_str(), e.code()),
        (Expect::Token(_), Err(e)) => Err(format!("expected a token, got error {}", e.code())),
        (Expect::Denied(_), other) => expected_error("denied", other.map(|_| "a token")),
        (Expect::Error(code), Ok(_)) => expected_error(&code, "a token"),
    }
}
