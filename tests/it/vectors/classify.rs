//! classify/*.json: `classify` (SPEC S4) against expected verdicts and actions.

use serde::Deserialize;
use trello_auth_core::Verdict;

use super::{expect_eq, CannedResponse, Outcome};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    #[allow(dead_code)]
    note: Option<String>,
    response: CannedResponse,
    expect: Expect,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    verdict: String,
    reason: Option<String>,
    limit: Option<String>,
    action: String,
    /// Absent: not checked; `null`: no hint expected; a number: that hint.
    #[serde(default, deserialize_with = "present")]
    retry_after_ms: Option<Option<u64>>,
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<u64>>, D::Error> {
    Option::<u64>::deserialize(d).map(Some)
}

pub fn check(case: Case) -> Outcome {
    let response = case.response.into_response()?;
    let verdict = trello_auth_core::classify(&response);
    let want = case.expect;
    expect_eq("verdict", want.verdict.as_str(), verdict.code())?;
    expect_eq("action", want.action.as_str(), verdict.action().code())?;
    let (reason, limit) = match &verdict {
        Verdict::TokenRejected { reason } => (Some(reason.code()), None),
        Verdict::RateLimited { limit, .. } => (None, Some(limit.code())),
        _ => (None, None),
    };
    if want.reason.is_some() {
        expect_eq("reason", want.reason.as_deref(), reason)?;
    }
    if want.limit.is_some() {
        expect_eq("limit", want.limit.as_deref(), limit)?;
    }
    if let Some(ms) = want.retry_after_ms {
        let got = verdict.retry_after().map(|d| d.as_millis() as u64);
        expect_eq("retry_after_ms", ms, got)?;
    }
    Ok(())
}
