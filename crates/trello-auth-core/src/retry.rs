//! [`RetryPolicy`]: when to resend after a 429 or a 5xx (SPEC S4.2, S4.3) and how long to wait,
//! with bounded attempts, capped exponential backoff, jitter given as an argument, and the
//! server's `Retry-After` hint honoured; plus [`is_idempotent`].
//!
//! Sans-IO: the policy answers "wait this long" or "stop"; the caller sleeps and draws the
//! jitter from its own random source.

use std::time::Duration;

use http::Method;

use crate::classify::Verdict;

/// A bounded exponential backoff policy.
///
/// The un-jittered delay before retry `n` (`n` = retries already done, from 0) is
/// `min(cap, base × factorⁿ)`: by default 0.5 s, 1 s, 2 s, then stop after 3 retries; the cap is
/// 30 s. Jitter is "equal jitter": with `jitter` `j` in `[0, 1)` the delay is
/// `b/2 + j × b/2`, so it always keeps at least half of the backoff (a wait of zero would hit a
/// rate limit again) while spreading clients apart. A server hint (`Retry-After`) is a floor:
/// the delay is `max(hint, jittered backoff)`, and a hint longer than `max_wait` (60 s by
/// default) stops the retries so the caller reports the error instead of hanging.
///
/// A client loop combines it with [`classify`](crate::classify()) like this:
///
/// ```
/// use std::time::Duration;
/// use trello_auth_core::{classify, RetryPolicy};
///
/// let policy = RetryPolicy::default();
/// let response = http::Response::builder()
///     .status(429)
///     .header("retry-after", "3")
///     .body(r#"{"error":"API_KEY_LIMIT_EXCEEDED"}"#)?;
/// let verdict = classify(&response);
/// // retries_done = 0, jitter from the caller's RNG.
/// let delay = policy.retry_delay(&http::Method::POST, &verdict, 0, 0.5);
/// assert_eq!(delay, Some(Duration::from_secs(3)));
/// // After the third retry, stop and surface the verdict.
/// assert_eq!(policy.retry_delay(&http::Method::POST, &verdict, 3, 0.5), None);
/// # Ok::<(), http::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RetryPolicy {
    max_retries: u32,
    base: Duration,
    factor: u32,
    cap: Duration,
    max_wait: Duration,
}

impl Default for RetryPolicy {
    /// 3 retries, base 500 ms, factor 2, cap 30 s, max wait 60 s.
    fn default() -> Self {
        RetryPolicy::new()
    }
}

impl RetryPolicy {
    /// The default policy: 3 retries, base 500 ms, factor 2, cap 30 s, max wait 60 s.
    pub const fn new() -> Self {
        RetryPolicy {
            max_retries: 3,
            base: Duration::from_millis(500),
            factor: 2,
            cap: Duration::from_secs(30),
            max_wait: Duration::from_secs(60),
        }
    }

    /// A policy that never retries.
    pub const fn none() -> Self {
        RetryPolicy::new().with_max_retries(0)
    }

    /// Sets how many retries follow the first attempt.
    #[must_use]
    pub const fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the delay before the first retry (before jitter).
    #[must_use]
    pub const fn with_base(mut self, base: Duration) -> Self {
        self.base = base;
        self
    }

    /// Sets the growth factor between retries; 0 counts as 1, so delays never shrink.
    #[must_use]
    pub const fn with_factor(mut self, factor: u32) -> Self {
        self.factor = if factor == 0 { 1 } else { factor };
        self
    }

    /// Sets the longest backoff (a server hint may exceed it, up to `max_wait`).
    #[must_use]
    pub const fn with_cap(mut self, cap: Duration) -> Self {
        self.cap = cap;
        self
    }

    /// Sets the longest server hint worth waiting for; a longer one stops the retries.
    #[must_use]
    pub const fn with_max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// How many retries follow the first attempt.
    pub const fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The delay before the first retry, before jitter.
    pub const fn base(&self) -> Duration {
        self.base
    }

    /// The growth factor between retries (at least 1).
    pub const fn factor(&self) -> u32 {
        self.factor
    }

    /// The longest backoff.
    pub const fn cap(&self) -> Duration {
        self.cap
    }

    /// The longest server hint worth waiting for.
    pub const fn max_wait(&self) -> Duration {
        self.max_wait
    }

    /// The backoff before retry `retries_done` (0-based), before jitter:
    /// `min(cap, base × factor^retries_done)`. Non-decreasing in `retries_done`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use trello_auth_core::RetryPolicy;
    /// let policy = RetryPolicy::default();
    /// assert_eq!(policy.backoff(0), Duration::from_millis(500));
    /// assert_eq!(policy.backoff(2), Duration::from_secs(2));
    /// assert_eq!(policy.backoff(40), Duration::from_secs(30));
    /// ```
    #[must_use]
    pub fn backoff(&self, retries_done: u32) -> Duration {
        self.factor
            .checked_pow(retries_done)
            .and_then(|growth| self.base.checked_mul(growth))
            .map_or(self.cap, |delay| delay.min(self.cap))
    }

    /// The delay before the next retry, or `None` to stop and report the last verdict.
    ///
    /// `retries_done` counts the retries already made (0 before the first). `hint` is the
    /// server's `Retry-After` (from [`Action::RetryAfter`](crate::Action::RetryAfter)).
    /// `jitter` is a uniform random number in `[0, 1)` from the caller; a value outside is
    /// clamped to `[0, 1]` and NaN counts as 0.
    ///
    /// ```
    /// use std::time::Duration;
    /// use trello_auth_core::RetryPolicy;
    /// let policy = RetryPolicy::default();
    /// let ms = Duration::from_millis;
    /// // Equal jitter: between half the backoff and all of it.
    /// assert_eq!(policy.next_delay(1, None, 0.0), Some(ms(500)));
    /// assert_eq!(policy.next_delay(1, None, 0.5), Some(ms(750)));
    /// // A hint is a floor; one above max_wait (60 s) stops the retries.
    /// assert_eq!(policy.next_delay(0, Some(ms(3000)), 0.9), Some(ms(3000)));
    /// assert_eq!(policy.next_delay(0, Some(Duration::from_secs(61)), 0.9), None);
    /// assert_eq!(policy.next_delay(3, None, 0.0), None);
    /// ```
    #[must_use]
    pub fn next_delay(
        &self,
        retries_done: u32,
        hint: Option<Duration>,
        jitter: f64,
    ) -> Option<Duration> {
        if retries_done >= self.max_retries {
            return None;
        }
        let delay = jittered(self.backoff(retries_done), jitter);
        match hint {
            Some(hint) if hint > self.max_wait => None,
            Some(hint) => Some(delay.max(hint)),
            None => Some(delay),
        }
    }

    /// Whether resending can help after `verdict` for a request with `method`.
    ///
    /// A 429 is retried for any method: the request was not processed (SPEC S4.3). A 5xx is
    /// retried only for an [idempotent](is_idempotent) method, because the server may have
    /// acted before failing and a second POST could create a second card. Every other verdict
    /// is final (a rejected token needs re-authorization first, not a resend). Attempt counting
    /// is [`next_delay`](Self::next_delay)'s job.
    ///
    /// ```
    /// use trello_auth_core::RateLimitKind;
    /// use trello_auth_core::{RetryPolicy, Verdict};
    /// let policy = RetryPolicy::default();
    /// let outage = Verdict::ServerError { status: 502, retry_after: None };
    /// assert!(policy.should_retry(&http::Method::GET, &outage));
    /// assert!(!policy.should_retry(&http::Method::POST, &outage));
    /// let limited = Verdict::RateLimited { limit: RateLimitKind::Key, retry_after: None };
    /// assert!(policy.should_retry(&http::Method::POST, &limited));
    /// ```
    pub fn should_retry(&self, method: &Method, verdict: &Verdict) -> bool {
        match verdict {
            Verdict::RateLimited { .. } => true,
            Verdict::ServerError { .. } => is_idempotent(method),
            _ => false,
        }
    }

    /// [`should_retry`](Self::should_retry) and [`next_delay`](Self::next_delay) together,
    /// with the verdict's own hint: `Some(delay)` to sleep and resend, `None` to stop and report
    /// the verdict.
    #[must_use]
    pub fn retry_delay(
        &self,
        method: &Method,
        verdict: &Verdict,
        retries_done: u32,
        jitter: f64,
    ) -> Option<Duration> {
        if !self.should_retry(method, verdict) {
            return None;
        }
        self.next_delay(retries_done, verdict.retry_after(), jitter)
    }
}

/// Whether sending the request twice has the effect of sending it once (RFC 9110 §9.2.2):
/// GET, HEAD, PUT, DELETE, OPTIONS and TRACE.
///
/// ```
/// use trello_auth_core::is_idempotent;
/// assert!(is_idempotent(&http::Method::PUT));
/// assert!(!is_idempotent(&http::Method::POST));
/// assert!(!is_idempotent(&http::Method::PATCH));
/// ```
pub fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    )
}

/// Equal jitter: `backoff/2 + jitter × backoff/2`, never above `backoff`.
fn jittered(backoff: Duration, jitter: f64) -> Duration {
    let floor = backoff / 2;
    let span = backoff - floor;
    let extra = Duration::try_from_secs_f64(span.as_secs_f64() * jitter_fraction(jitter))
        .unwrap_or(Duration::ZERO)
        .min(span);
    floor + extra
}

/// The caller's jitter brought into `[0, 1]`; NaN counts as 0.
fn jitter_fraction(jitter: f64) -> f64 {
    if jitter.is_nan() {
        0.0
    } else {
        jitter.clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests;
