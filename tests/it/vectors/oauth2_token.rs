//! oauth2_token/*.json: `oauth2::parse_token_response` (SPEC S8.5, S8.6) against the
//! expected token set or error.

use serde::Deserialize;
use trello_auth_core::oauth2::{parse_token_response, OAuth2Error};

use super::{expect_eq, expected_error, CannedResponse, Outcome};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    #[allow(dead_code)]
    note: Option<String>,
    now: u64,
    response: CannedResponse,
    expect: Expect,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Expect {
    Tokens(TokensExpect),
    Error(ErrorExpect),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokensExpect {
    access_token: String,
    refresh_token: Option<String>,
    expires_at: Option<u64>,
    scopes: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ErrorExpect {
    error: String,
    status: Option<u16>,
}

pub fn check(case: Case) -> Outcome {
    let response = case.response.into_response()?;
    let result = parse_token_response(&response, case.now);
    match (case.expect, result) {
        (Expect::Error(want), Err(e)) => {
            expect_eq("error", want.error.as_str(), e.code())?;
            let status = match e {
                OAuth2Error::Endpoint { status, .. } => Some(status),
                _ => None,
            };
            expect_eq("status", want.status, status)
        }
        (Expect::Error(want), Ok(set)) => expected_error(&want.error, set),
        (Expect::Tokens(_), Err(e)) => Err(format!("refused: {} ({e})", e.code())),
        (Expect::Tokens(want), Ok(set)) => {
            expect_eq(
                "access_token",
                want.access_token.as_str(),
                set.access_token().expose_secret(),
            )?;
            expect_eq(
                "refresh_token",
                want.refresh_token.as_deref(),
                set.refresh_token().map(|t| t.expose_secret()),
            )?;
            expect_eq("expires_at", want.expires_at, set.expires_at())?;
            expect_eq("scopes", want.scopes.as_slice(), set.scopes())
        }
    }
}
