//! pkce/*.json: the PKCE verifier and S256 challenge (SPEC S8.2, RFC 7636) from random bytes
//! or a given verifier.

use serde::Deserialize;
use trello_auth_core::oauth2::Pkce;

use super::{expect_eq, expected_error, Outcome};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    #[allow(dead_code)]
    note: Option<String>,
    random_hex: Option<String>,
    verifier: Option<String>,
    expect: Expect,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Expect {
    Pair(PairExpect),
    Error(ErrorExpect),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PairExpect {
    verifier: Option<String>,
    challenge: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ErrorExpect {
    error: String,
}

pub fn check(case: Case) -> Outcome {
    let result = match (case.random_hex, case.verifier) {
        (Some(hex), None) => Ok(Pkce::from_random(bytes32(&hex)?)),
        (None, Some(verifier)) => Pkce::from_verifier(&verifier),
        _ => return Err("invalid case: give exactly one of random_hex and verifier".into()),
    };
    match (case.expect, result) {
        (Expect::Error(ErrorExpect { error }), Err(e)) => {
            expect_eq("error", error.as_str(), e.code())
        }
        (Expect::Error(ErrorExpect { error }), Ok(pkce)) => {
            expected_error(&error, pkce.challenge())
        }
        (Expect::Pair(_), Err(e)) => Err(format!("refused: {} ({e})", e.code())),
        (Expect::Pair(want), Ok(pkce)) => {
            if let Some(verifier) = want.verifier {
                expect_eq(
                    "verifier",
                    verifier.as_str(),
                    pkce.verifier().expose_secret(),
                )?;
            }
            expect_eq("challenge", want.challenge.as_str(), pkce.challenge())
        }
    }
}

/// The 32 bytes of 64 hex digits.
fn bytes32(hex: &str) -> Result<[u8; 32], String> {
    let invalid = || format!("invalid case: random_hex must be 64 hex digits, got {hex:?}");
    if hex.len() != 64 || !hex.is_ascii() {
        return Err(invalid());
    }
    let mut bytes = [0u8; 32];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| invalid())?;
    }
    Ok(bytes)
}
