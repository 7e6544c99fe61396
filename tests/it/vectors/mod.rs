//! The Rust runner of the conformance vectors (VECTORS.md): every file under
//! `tests/vectors/<kind>/` is a case; all are checked before the test fails; each failure is
//! one line `vector FAILED: <kind>/<file>.json: <what differed>`, then a count.

mod authorize;
mod capture;
mod classify;
mod oauth1;
mod oauth2_authorize;
mod oauth2_redirect;
mod oauth2_token;
mod pkce;
mod placement;
mod url_expect;
mod webhook;

use trello_auth_tests::{vector_files, KINDS};

/// The outcome of one case: `Err` says what differed.
type Outcome = Result<(), String>;

#[test]
fn conformance_vectors() {
    let files = vector_files().expect("tests/vectors is readable");
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut per_kind = std::collections::BTreeMap::<&str, usize>::new();
    for (kind, name, path) in &files {
        let outcome = std::fs::read_to_string(path)
            .map_err(|e| format!("unreadable: {e}"))
            .and_then(|text| run(kind, &text));
        match outcome {
            Ok(()) => {
                passed += 1;
                if let Some(k) = KINDS.iter().find(|k| **k == kind) {
                    *per_kind.entry(k).or_default() += 1;
                }
            }
            Err(what) => {
                failed += 1;
                println!("vector FAILED: {kind}/{name}: {what}");
            }
        }
    }
    println!("vectors: {passed} passed, {failed} failed {per_kind:?}");
    assert_eq!(
        failed, 0,
        "{failed} conformance vectors failed (see the lines above)"
    );
    for kind in KINDS {
        assert!(
            per_kind.get(kind).copied().unwrap_or(0) > 0,
            "no {kind} vectors ran"
        );
    }
}

fn run(kind: &str, text: &str) -> Outcome {
    match kind {
        "authorize" => authorize::check(parse(text)?),
        "capture" => capture::check(parse(text)?),
        "placement" => placement::check(parse(text)?),
        "classify" => classify::check(parse(text)?),
        "oauth1" => oauth1::check(parse(text)?),
        "pkce" => pkce::check(parse(text)?),
        "oauth2_authorize" => oauth2_authorize::check(parse(text)?),
        "oauth2_redirect" => oauth2_redirect::check(parse(text)?),
        "oauth2_token" => oauth2_token::check(parse(text)?),
        "webhook" => webhook::check(parse(text)?),
        other => Err(format!("unknown vector kind folder {other:?}")),
    }
}

/// Parses a case; unknown keys are an error (the case structs deny them), so a typo cannot
/// silently skip a check.
fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| format!("invalid case: {e}"))
}

/// `Err("<what>: expected <e>, got <a>")` unless equal.
fn expect_eq<T: PartialEq + std::fmt::Debug>(what: &str, expected: T, actual: T) -> Outcome {
    if expected == actual {
        Ok(())
    } else {
        Err(format!("{what}: expected {expected:?}, got {actual:?}"))
    }
}

/// A server answer as the `classify` and `oauth2_token` kinds give it.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CannedResponse {
    status: u16,
    #[serde(default)]
    headers: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    body: String,
}

impl CannedResponse {
    /// The `http::Response` it describes.
    fn into_response(self) -> Result<http::Response<Vec<u8>>, String> {
        let mut b = http::Response::builder().status(self.status);
        for (n, v) in &self.headers {
            b = b.header(n, v);
        }
        b.body(self.body.into_bytes())
            .map_err(|e| format!("bad input response: {e}"))
    }
}

/// An error code was expected; `actual` is what happened instead.
fn expected_error(code: &str, actual: impl std::fmt::Debug) -> Outcome {
    Err(format!("expected error {code:?}, got {actual:?}"))
}
