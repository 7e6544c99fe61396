//! oauth2_authorize/*.json: the OAuth 2.0 authorization request (SPEC S8.2) against
//! expected parameters and errors.

use serde::Deserialize;
use trello_auth_core::oauth2::{AuthorizationRequest, OAuth2Error, Pkce};
use trello_auth_core::Origin;

use super::url_expect::{self, UrlExpect};
use super::Outcome;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    #[allow(dead_code)]
    note: Option<String>,
    input: Input,
    expect: UrlExpect,
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
    url_expect::check(case.expect, result.map_err(|e| (e.code(), e.to_string())))
}
