//! authorize/*.json: the authorize URL (SPEC S1.2) against expected parameters and errors.

use serde::Deserialize;
use trello_auth_core::AuthorizeParams;

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
    key: String,
    scope: Option<Vec<String>>,
    expiration: Option<String>,
    name: Option<String>,
    callback_method: Option<String>,
    return_url: Option<String>,
    base_url: Option<String>,
}

pub fn check(case: Case) -> Outcome {
    let i = &case.input;
    let scope: Option<Vec<&str>> = i
        .scope
        .as_ref()
        .map(|s| s.iter().map(String::as_str).collect());
    let result = AuthorizeParams {
        key: &i.key,
        scope: scope.as_deref(),
        expiration: i.expiration.as_deref(),
        name: i.name.as_deref(),
        callback_method: i.callback_method.as_deref(),
        return_url: i.return_url.as_deref(),
        base_url: i.base_url.as_deref(),
    }
    .build();
    url_expect::check(case.expect, result.map_err(|e| (e.code(), e.to_string())))
}
