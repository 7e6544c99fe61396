//! placement/*.json: `Credentials::authorize` (SPEC S3) against expected requests and refusals.

use std::collections::BTreeMap;

use serde::Deserialize;
use trello_auth_core::{ApiKey, Credentials, Origin, Placement, Token};

use super::{expect_eq, expected_error, Outcome};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    #[allow(dead_code)]
    note: Option<String>,
    credentials: Creds,
    placement: String,
    api_base: Option<String>,
    request: Req,
    expect: Expect,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Creds {
    key: String,
    token: String,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct Req {
    method: String,
    url: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    body: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
enum Expect {
    Request(Req),
    Error(String),
}

pub fn check(case: Case) -> Outcome {
    let key = ApiKey::new(&case.credentials.key).map_err(|e| format!("bad key: {e}"))?;
    let token = Token::new(case.credentials.token).map_err(|e| format!("bad token: {e}"))?;
    let placement: Placement = case.placement.parse().map_err(|e| format!("{e}"))?;
    let origin = match Origin::parse(case.api_base.as_deref().unwrap_or("https://api.trello.com")) {
        Ok(o) => o,
        Err(e) => {
            return match &case.expect {
                Expect::Error(code) => expect_eq("error at construction", code.as_str(), e.code()),
                Expect::Request(_) => Err(format!("api_base refused: {e}")),
            }
        }
    };
    let creds = Credentials::new(key, token).with_api_base(origin);
    let request = build(&case.request)?;
    let result = creds.authorize(request, placement);
    match (&case.expect, result) {
        (Expect::Error(code), Err(e)) => expect_eq("error", code.as_str(), e.code()),
        (Expect::Error(code), Ok(r)) => expected_error(code, trello_auth_core::redact(&r)),
        (Expect::Request(_), Err(e)) => Err(format!("refused: {} ({e})", e.code())),
        (Expect::Request(want), Ok(got)) => compare(&case.request, want, &got),
    }
}

fn build(r: &Req) -> Result<trello_auth_core::Request, String> {
    let mut b = http::Request::builder()
        .method(r.method.as_str())
        .uri(&r.url);
    for (n, v) in &r.headers {
        b = b.header(n, v);
    }
    b.body(r.body.as_bytes().to_vec())
        .map_err(|e| format!("bad input request: {e}"))
}

fn compare(input: &Req, want: &Req, got: &trello_auth_core::Request) -> Outcome {
    expect_eq("method", want.method.as_str(), got.method().as_str())?;
    compare_url(&input.url, &want.url, &got.uri().to_string())?;
    for (name, value) in &want.headers {
        let actual = got
            .headers()
            .get(name.as_str())
            .map(|v| v.to_str().unwrap_or("<non-ASCII>"));
        expect_eq(&format!("header {name}"), Some(value.as_str()), actual)?;
    }
    for name in got.headers().keys() {
        let listed =
            |h: &BTreeMap<String, String>| h.keys().any(|k| k.eq_ignore_ascii_case(name.as_str()));
        if !listed(&want.headers) && !listed(&input.headers) {
            return Err(format!("unexpected header {name}"));
        }
    }
    let content_type = want
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.to_ascii_lowercase())
        .unwrap_or_default();
    let body = std::str::from_utf8(got.body()).map_err(|_| "body is not UTF-8".to_owned())?;
    if content_type.contains("json") {
        let parse = |s: &str| {
            serde_json::from_str::<serde_json::Value>(s).map_err(|e| format!("body JSON: {e}"))
        };
        expect_eq("JSON body", parse(&want.body)?, parse(body)?)
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        expect_eq("form body", pairs(&want.body), pairs(body))
    } else {
        expect_eq("body", want.body.as_str(), body)
    }
}

/// URLs compare exactly, except that query parameters after the input's own are in any order.
fn compare_url(input: &str, want: &str, got: &str) -> Outcome {
    let split = |u: &str| -> (String, Vec<(String, String)>) {
        match u.split_once('?') {
            Some((base, q)) => (base.to_owned(), pairs(q)),
            None => (u.to_owned(), Vec::new()),
        }
    };
    let (want_base, mut want_q) = split(want);
    let (got_base, mut got_q) = split(got);
    expect_eq("URL", want_base, got_base)?;
    let fixed = split(input).1.len();
    if want_q.len() < fixed || got_q.len() < fixed {
        return expect_eq("query", want_q, got_q);
    }
    expect_eq("original query", &want_q[..fixed], &got_q[..fixed])?;
    want_q[fixed..].sort();
    got_q[fixed..].sort();
    expect_eq("added query", &want_q[fixed..], &got_q[fixed..])
}

fn pairs(s: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(s.as_bytes())
        .into_owned()
        .collect()
}
