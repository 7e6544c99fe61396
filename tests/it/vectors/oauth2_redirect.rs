//! oauth2_redirect/*.json: `oauth2::parse_redirect` (SPEC S8.3) against the expected code,
//! deny or error.

use serde::Deserialize;
use trello_auth_core::oauth2::{parse_redirect, OAuth2Error};

use super::{expect_eq, expected_error, Outcome};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    #[allow(dead_code)]
    note: Option<String>,
    input: String,
    expected_state: String,
    expect: Expect,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    code: Option<String>,
    denied: Option<Denied>,
    error: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Denied {
    error: String,
    description: Option<String>,
}

pub fn check(case: Case) -> Outcome {
    let result = parse_redirect(&case.input, &case.expected_state);
    match (case.expect, result) {
        (
            Expect {
                code: Some(code),
                denied: None,
                error: None,
            },
            result,
        ) => match result {
            Ok(got) => expect_eq("code", code.as_str(), got.expose_secret()),
            Err(e) => Err(format!("refused: {} ({e})", e.code())),
        },
        (
            Expect {
                code: None,
                denied: Some(want),
                error: None,
            },
            result,
        ) => match result {
            Err(OAuth2Error::Denied { error, description }) => {
                expect_eq("denied.error", want.error, error)?;
                expect_eq("denied.description", want.description, description)
            }
            other => Err(format!("expected denied, got {}", describe(&other))),
        },
        (
            Expect {
                code: None,
                denied: None,
                error: Some(error),
            },
            result,
        ) => match result {
            Err(e) => expect_eq("error", error.as_str(), e.code()),
            Ok(code) => expected_error(&error, code),
        },
        _ => Err("invalid case: expect holds exactly one of code, denied, error".into()),
    }
}

fn describe(result: &Result<trello_auth_core::oauth2::AuthorizationCode, OAuth2Error>) -> String {
    match result {
        Ok(code) => format!("code {:?}", code.expose_secret()),
        Err(e) => format!("error {}", e.code()),
    }
}
