//! The `expect` of the two authorize-URL kinds (`authorize`, `oauth2_authorize`): the URL's
//! base and its exact set of decoded query parameters, or an error code.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{expect_eq, expected_error, Outcome};

#[derive(Deserialize)]
#[serde(untagged)]
pub enum UrlExpect {
    Url(Expected),
    Error(ErrorExpect),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    url_base: String,
    params: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorExpect {
    error: String,
}

/// Compares what a builder made (the URL, or the refusal's code and message) with `expect`.
pub fn check(expect: UrlExpect, result: Result<url::Url, (&'static str, String)>) -> Outcome {
    match (expect, result) {
        (UrlExpect::Error(ErrorExpect { error }), Err((code, _))) => {
            expect_eq("error", error.as_str(), code)
        }
        (UrlExpect::Error(ErrorExpect { error }), Ok(url)) => expected_error(&error, url.as_str()),
        (UrlExpect::Url(_), Err((code, message))) => Err(format!("refused: {code} ({message})")),
        (UrlExpect::Url(Expected { url_base, params }), Ok(url)) => {
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
