//! authorize/*.json: the authorize URL (SPEC S1.2) against expected parameters and errors.

use std::collections::BTreeMap;

use serde::Deserialize;
use trello_auth_core::AuthorizeParams;

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
    key: String,
    scope: Option<Vec<String>>,
    expiration: Option<String>,
    name: Option<String>,
    callback_method: Option<String>,
    return_url: Option<String>,
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
