//! Reading a response (SPEC S4): the verdict, the retry it leads to, and the rate-limit
//! headers fed to the in-process limiter.

use std::time::{Duration, Instant};

use trello_auth_core::http::Method;
use trello_auth_core::{parse_retry_after, Decision, RateLimitStatus, RateLimiter, RetryPolicy};

use crate::input::{response, Fields};

/// Fields: status, headers (`name: value` lines), body.
///
/// Checks the verdict table (2xx is success and nothing else is), that every verdict has a
/// code and a message, and that the retry it leads to is bounded by the policy's `max_wait`
/// whatever `Retry-After` says, for every attempt and jitter.
pub fn classify(data: &[u8]) {
    let response = response(&mut Fields::new(data));
    let verdict = trello_auth_core::classify(&response);
    assert_eq!(verdict.is_success(), response.status().is_success());
    assert!(!verdict.code().is_empty() && !verdict.message().is_empty());
    let _ = verdict.action();
    let policy = RetryPolicy::default();
    for retries in [0, 1, 2, 3, u32::MAX] {
        for jitter in [0.0, 0.5, 1.0] {
            for method in [Method::GET, Method::POST] {
                if let Some(delay) = policy.retry_delay(&method, &verdict, retries, jitter) {
                    assert!(delay <= policy.max_wait(), "a retry waits past max_wait");
                }
            }
        }
    }
}

/// Fields: headers (`name: value` lines).
///
/// Reads the `x-rate-limit-*` headers and `Retry-After` (against the `Date` header), feeds
/// the status to a limiter, and checks the limiter still decides: a send, or a wait no
/// longer than the longest interval the headers gave.
pub fn rate_limit_headers(data: &[u8]) {
    let headers = crate::input::headers(data);
    let status = RateLimitStatus::from_headers(&headers);
    let _ = status.is_exhausted();
    let longest = [status.api_key, status.api_token, status.member]
        .iter()
        .flatten()
        .map(|b| b.interval)
        .max()
        .unwrap_or(Duration::ZERO)
        .max(Duration::from_secs(10));
    for value in headers.get_all("retry-after") {
        let date = headers.get("date").and_then(|d| d.to_str().ok());
        if let Ok(v) = value.to_str() {
            let _ = parse_retry_after(v, date);
        }
    }
    let mut limiter = RateLimiter::default();
    let now = Instant::now();
    limiter.observe(&status, now);
    for t in [now, now + Duration::from_secs(1)] {
        match limiter.acquire(t) {
            Decision::Send => {}
            Decision::Wait(wait) => assert!(wait <= longest, "waits {wait:?} > {longest:?}"),
        }
    }
}
