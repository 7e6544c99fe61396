//! oauth2_authorize/*.json: the OAuth 2.0 authorization request (SPEC S8.2) against
//! expected parameters and errors.

use std::collections::BTreeMap;

use serde::Deserialize;
use trello_auth_core::oauth2::{AuthorizationRequest, OAuth2Error, Pkce};
use trello_auth_core::Origin;

use super::{expect_eq, expected_error, Outcome};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    #[allow(dead_code)]
    note: Option<String>,
    input: Input,
    expect: Expect,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    client_id: String,
    redirect_uri: String,
    scopes: Vec<String>,
    offline: Option<bool>,
    state: String,
    verifier: String,
    audience: Option<String>,
    base_url: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Expect {
    Url(UrlExpect),
    Error(ErrorExpect),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UrlExpect {
    url_base: String,
    params: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ErrorExpect {
    error: String,
}

pub fn check(case: Case) -> Outcome {
    let i = case.input;
    let mut request = AuthorizationRequest::new(i.client_id, i.redirect_uri)
        .scope_names(&i.scopes)
        .state(&i.state)
        .audience(i.audience.as_deref());
    if let Some(offline) = i.offline {
        request = request.offline(offline);
    }
    if let Some(base) = &i.base_url {
        let origin =
            Origin::parse(base).map_err(|e| format!("invalid case: base_url {base:?}: {e}"))?;
        request = request.auth_base(origin);
    }
    // The verifier is checked last (VECTORS.md's order): a refusal of the other inputs wins
    // over an invalid verifier, which surfaces where the missing PKCE would.
    let result = match Pkce::from_verifier(&i.verifier) {
        Ok(pkce) => request.pkce(&pkce).build(),
        Err(invalid) => match request.build() {
            Err(OAuth2Error::MissingPkce) | Ok(_) => Err(invalid),
            Err(earlier) => Err(earlier),
        },
    };
    match (case.expect, result) {
        (Expect::Error(ErrorExpect { error }), Err(e)) => {
            expect_eq("error", error.as_str(), e.code())
        }
        (Expect::Error(ErrorExpect { error }), Ok(url)) => expected_error(&error, url.as_str()),
        (Expect::Url(_), Err(e)) => Err(format!("refused: {} ({e})", e.code())),
        (Expect::Url(UrlExpect { url_base, params }), Ok(url)) => {
            let base = url.as_str().split('?').next().unwrap_or_default();
            expect_eq("url_base", url_base.as_str(), base)?;
            let mut got = BTreeMap::new();
            for (k, v) in url.query_pairs() {
                if got.insert(k.to_string(), v.to_string()).is_some() {
                    return Err(format!("parameter {k} sent twice"));
                }
            }
            expect_eq("params", params, got)
        }
    }
}
