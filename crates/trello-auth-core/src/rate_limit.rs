//! Trello's rate limits (SPEC S4.3): [`RateLimitStatus`] reads the `x-rate-limit-*` headers of
//! a response, and [`RateLimiter`] is a client-side, sans-IO sliding-window limiter that keeps a
//! program inside the per-key and per-token budgets so that Trello rarely has to answer 429.
//!
//! Time is an argument: pass `now` (a [`std::time::Instant`] read by the caller) and get back
//! "send" or "wait this long". Nothing here reads a clock or sleeps.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The budgets a response reports in its `x-rate-limit-*` headers (SPEC S4.3), one per scope.
///
/// A scope is `Some` only when its three headers (`-interval-ms`, `-max`, `-remaining`) are all
/// present and are non-negative integers; anything else leaves that scope `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct RateLimitStatus {
    /// `x-rate-limit-api-key-*`: the API key's budget (300 per 10 s).
    pub api_key: Option<Budget>,
    /// `x-rate-limit-api-token-*`: the token's budget (100 per 10 s).
    pub api_token: Option<Budget>,
    /// `x-rate-limit-member-*`: the `/1/members/` routes' budget (100 per 900 s).
    pub member: Option<Budget>,
}

impl RateLimitStatus {
    /// Reads the `x-rate-limit-*` headers (names are case-insensitive, values may carry
    /// surrounding whitespace). Never fails: a missing or garbled scope is `None`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use trello_auth_core::Budget;
    /// use trello_auth_core::RateLimitStatus;
    ///
    /// let response = http::Response::builder()
    ///     .header("x-rate-limit-api-token-interval-ms", "10000")
    ///     .header("x-rate-limit-api-token-max", "100")
    ///     .header("x-rate-limit-api-token-remaining", "0")
    ///     .header("x-rate-limit-api-key-max", "not a number")
    ///     .body(())?;
    /// let status = RateLimitStatus::from_headers(response.headers());
    /// let spent = Budget { interval: Duration::from_secs(10), max: 100, remaining: 0 };
    /// assert_eq!(status.api_token, Some(spent));
    /// assert_eq!(status.api_key, None);
    /// assert!(status.is_exhausted());
    /// # Ok::<(), http::Error>(())
    /// ```
    #[must_use]
    pub fn from_headers(headers: &http::HeaderMap) -> Self {
        RateLimitStatus {
            api_key: Budget::read(
                headers,
                [
                    "x-rate-limit-api-key-interval-ms",
                    "x-rate-limit-api-key-max",
                    "x-rate-limit-api-key-remaining",
                ],
            ),
            api_token: Budget::read(
                headers,
                [
                    "x-rate-limit-api-token-interval-ms",
                    "x-rate-limit-api-token-max",
                    "x-rate-limit-api-token-remaining",
                ],
            ),
            member: Budget::read(
                headers,
                [
                    "x-rate-limit-member-interval-ms",
                    "x-rate-limit-member-max",
                    "x-rate-limit-member-remaining",
                ],
            ),
        }
    }

    /// `true` when the key's or the token's budget has nothing left. The member budget is
    /// not counted: it binds only the `/1/members/` routes.
    pub fn is_exhausted(&self) -> bool {
        [self.api_key, self.api_token]
            .iter()
            .flatten()
            .any(|b| b.remaining == 0)
    }
}

/// One scope's budget as the server reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Budget {
    /// The window length (`-interval-ms`).
    pub interval: Duration,
    /// Requests allowed per window (`-max`).
    pub max: u32,
    /// Requests left in the current window (`-remaining`).
    pub remaining: u32,
}

impl Budget {
    fn read(headers: &http::HeaderMap, [interval, max, remaining]: [&str; 3]) -> Option<Self> {
        // Digits only: `str::parse` would also take a sign, which no counter carries.
        let number = |name: &str| -> Option<u64> {
            let value = headers.get(name)?.to_str().ok()?.trim();
            if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            value.parse().ok()
        };
        Some(Budget {
            interval: Duration::from_millis(number(interval)?),
            max: u32::try_from(number(max)?).ok()?,
            remaining: u32::try_from(number(remaining)?).ok()?,
        })
    }
}

/// A client-side budget: at most `max` requests in any window of `interval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limit {
    max: u32,
    interval: Duration,
}

impl Limit {
    /// Trello's per-API-key budget: 300 requests per 10 s (SPEC S4.3).
    pub const TRELLO_KEY: Limit = Limit::new(300, Duration::from_secs(10));
    /// Trello's per-token budget: 100 requests per 10 s (SPEC S4.3).
    pub const TRELLO_TOKEN: Limit = Limit::new(100, Duration::from_secs(10));

    /// At most `max` requests per `interval`. A `max` of 0 counts as 1: a limiter that never
    /// lets anything through would only hang its caller.
    pub const fn new(max: u32, interval: Duration) -> Self {
        Limit {
            max: if max == 0 { 1 } else { max },
            interval,
        }
    }

    /// Requests allowed per window (at least 1).
    pub const fn max(&self) -> u32 {
        self.max
    }

    /// The window length.
    pub const fn interval(&self) -> Duration {
        self.interval
    }
}

/// The answer of a [`RateLimiter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    /// Send now.
    Send,
    /// Ask again after this long (it is never zero).
    Wait(Duration),
}

impl Decision {
    /// `true` for [`Decision::Send`].
    pub fn is_send(&self) -> bool {
        matches!(self, Decision::Send)
    }
}

/// A client-side limiter for one key + token pair (SPEC S4.3): an exact sliding window per
/// scope, plus a pause when the server says a budget is spent.
///
/// The limiter remembers the instants of the last sends, as many as the larger budget counts.
/// A scope allows a send at `now` when fewer than its `max` sends happened in
/// `(now - interval, now]`; otherwise the answer is to wait until the oldest of them leaves
/// the window. So no window of length `interval` ever holds
/// more than `max` sends, and after [`Decision::Wait(d)`](Decision::Wait), asking again at
/// `now + d` answers [`Decision::Send`] (for non-decreasing `now`s and no new
/// [`observe`](Self::observe) in between).
///
/// The key budget is shared by every token and process using the key, which this limiter cannot
/// see: [`observe`](Self::observe) the responses so the server's count prevails. The members
/// route budget (100 per 900 s) is not tracked: the limiter does not know routes.
///
/// ```
/// use std::time::{Duration, Instant};
/// use trello_auth_core::{Decision, Limit};
/// use trello_auth_core::RateLimiter;
///
/// let second = Duration::from_secs(1);
/// let mut limiter = RateLimiter::new(Limit::TRELLO_KEY, Limit::new(2, second));
/// let t0 = Instant::now();
/// assert_eq!(limiter.acquire(t0), Decision::Send);
/// assert_eq!(limiter.acquire(t0 + second / 4), Decision::Send);
/// // The token budget is spent until the first send leaves the window.
/// assert_eq!(limiter.acquire(t0 + second / 2), Decision::Wait(second / 2));
/// assert_eq!(limiter.acquire(t0 + second), Decision::Send);
/// ```
#[derive(Debug, Clone)]
pub struct RateLimiter {
    key: Limit,
    token: Limit,
    /// The instants of the last sends, oldest first: as many as the larger budget counts. Both
    /// scopes see every send, so one log serves both (the key's window starts at its
    /// `key.max`-th most recent send, the token's at its `token.max`-th). It grows on demand,
    /// so a huge `max` costs nothing up front.
    sends: VecDeque<Instant>,
    /// Set by [`RateLimiter::observe`]: no send for `.1` from `.0`. Kept as a start and a length
    /// so that no `Instant` addition can overflow.
    paused: Option<(Instant, Duration)>,
}

impl Default for RateLimiter {
    /// Trello's budgets: [`Limit::TRELLO_KEY`] and [`Limit::TRELLO_TOKEN`].
    fn default() -> Self {
        RateLimiter::new(Limit::TRELLO_KEY, Limit::TRELLO_TOKEN)
    }
}

impl RateLimiter {
    /// A limiter with these budgets for the API key and the token.
    pub fn new(key: Limit, token: Limit) -> Self {
        RateLimiter {
            key,
            token,
            sends: VecDeque::new(),
            paused: None,
        }
    }

    /// Whether a request may be sent at `now`, without recording anything.
    #[must_use]
    pub fn check(&self, now: Instant) -> Decision {
        let pause = self.paused.map_or(Duration::ZERO, |(since, length)| {
            remaining(since, length, now)
        });
        let wait = pause
            .max(self.wait(self.key, now))
            .max(self.wait(self.token, now));
        if wait.is_zero() {
            Decision::Send
        } else {
            Decision::Wait(wait)
        }
    }

    /// Like [`check`](Self::check), and when the answer is [`Decision::Send`] the send is
    /// recorded: call it right before sending.
    pub fn acquire(&mut self, now: Instant) -> Decision {
        let decision = self.check(now);
        if decision == Decision::Send {
            let kept = self.key.max.max(self.token.max) as usize;
            if self.sends.len() >= kept {
                self.sends.pop_front();
            }
            self.sends.push_back(now);
            self.paused = None;
        }
        decision
    }

    /// How long until `limit` allows a send at `now` (zero: now): until the send that opens
    /// its window, the `limit.max`-th most recent, leaves it.
    fn wait(&self, limit: Limit, now: Instant) -> Duration {
        let max = limit.max as usize;
        match self.sends.len().checked_sub(max) {
            Some(first) => remaining(self.sends[first], limit.interval, now),
            None => Duration::ZERO,
        }
    }

    /// Takes in the budgets a response reported (read at `now`, when the response arrived).
    ///
    /// When the key's or the token's budget has `remaining == 0`, no request is allowed until
    /// that budget's full `interval` has passed since `now`: the headers do not say when the
    /// server's window started, so a full interval is the wait that is sure to be enough. A
    /// pause already running that ends later is kept. Budgets with requests left change
    /// nothing, and the member budget is ignored (it binds only `/1/members/` routes, which the
    /// limiter cannot tell apart).
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use trello_auth_core::Decision;
    /// use trello_auth_core::{RateLimitStatus, RateLimiter};
    ///
    /// let response = http::Response::builder()
    ///     .header("x-rate-limit-api-key-interval-ms", "10000")
    ///     .header("x-rate-limit-api-key-max", "300")
    ///     .header("x-rate-limit-api-key-remaining", "0")
    ///     .body(())?;
    /// let mut limiter = RateLimiter::default();
    /// let t0 = Instant::now();
    /// limiter.observe(&RateLimitStatus::from_headers(response.headers()), t0);
    /// assert_eq!(limiter.check(t0 + Duration::from_secs(4)), Decision::Wait(Duration::from_secs(6)));
    /// assert_eq!(limiter.acquire(t0 + Duration::from_secs(10)), Decision::Send);
    /// # Ok::<(), http::Error>(())
    /// ```
    pub fn observe(&mut self, status: &RateLimitStatus, now: Instant) {
        for budget in [status.api_key, status.api_token].iter().flatten() {
            if budget.remaining != 0 || budget.interval.is_zero() {
                continue;
            }
            let running = self.paused.map_or(Duration::ZERO, |(since, length)| {
                remaining(since, length, now)
            });
            if budget.interval > running {
                self.paused = Some((now, budget.interval));
            }
        }
    }
}

/// What is left at `now` of a span of `length` that began at `since`. A `now` before `since`
/// (a caller's clock going backwards) counts as no time passed.
fn remaining(since: Instant, length: Duration, now: Instant) -> Duration {
    length.saturating_sub(now.saturating_duration_since(since))
}

#[cfg(test)]
mod tests;
