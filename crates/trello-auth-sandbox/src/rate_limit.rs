//! Rate limits (SPEC S4.3): fixed windows per API key and per token on the sandbox clock, the
//! lockout of a key that collected too many 429s in a window, and (when configured) the
//! `/1/members/` routes' own budget per token.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::model::RateLimits;

/// The outcome of counting one authenticated request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Verdict {
    /// `None` when the request may proceed, else which limit refused it.
    pub(crate) exceeded: Option<Limit>,
    /// Requests left for the key in this window.
    pub(crate) key_remaining: u32,
    /// Requests left for the token in this window.
    pub(crate) token_remaining: u32,
    /// On a `/1/members/` route with a member budget: requests left in its window.
    pub(crate) member_remaining: Option<u32>,
}

/// Which limit refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Limit {
    /// `API_KEY_LIMIT_EXCEEDED`
    Key,
    /// `API_TOKEN_LIMIT_EXCEEDED`
    Token,
    /// `MEMBER_LIMIT_EXCEEDED`
    Member,
}

#[derive(Debug, Default)]
struct KeyCounter {
    window: i64,
    count: u32,
    rejections: u32,
}

#[derive(Debug, Default)]
struct TokenCounter {
    window: i64,
    count: u32,
}

#[derive(Debug, Default)]
struct Counters {
    keys: HashMap<String, KeyCounter>,
    tokens: HashMap<String, TokenCounter>,
    /// Per token, the `/1/members/` routes (same shape: a window and a count).
    members: HashMap<String, TokenCounter>,
}

/// Counts requests per key and per token.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    limits: RateLimits,
    window_ms: i64,
    counters: Mutex<Counters>,
}

impl RateLimiter {
    pub(crate) fn new(limits: RateLimits) -> Self {
        let window_ms = i64::try_from(limits.window.as_millis())
            .unwrap_or(i64::MAX)
            .max(1);
        Self {
            limits,
            window_ms,
            counters: Mutex::new(Counters::default()),
        }
    }

    pub(crate) fn limits(&self) -> &RateLimits {
        &self.limits
    }

    pub(crate) fn window_ms(&self) -> i64 {
        self.window_ms
    }

    /// The member budget's window in milliseconds, when there is a member budget.
    pub(crate) fn member_window_ms(&self) -> Option<i64> {
        self.limits
            .member
            .map(|(_, window)| i64::try_from(window.as_millis()).unwrap_or(i64::MAX).max(1))
    }

    /// Counts one request of `key` with `token` at `now_ms` (sandbox clock); `member_route`
    /// says whether it is a `/1/members/` route.
    ///
    /// Order (SPEC S4.3): a locked-out key is refused; then the key's budget, the token's, and
    /// on a member route the member budget. Every refusal counts towards the key's lockout; a
    /// refused request counts against no budget.
    pub(crate) fn check(&self, key: &str, token: &str, now_ms: i64, member_route: bool) -> Verdict {
        let window = now_ms.div_euclid(self.window_ms);
        let mut guard = self.counters.lock().unwrap_or_else(|p| p.into_inner());
        let counters = &mut *guard;
        let k = match counters.keys.get_mut(key) {
            Some(k) => k,
            None => counters.keys.entry(key.to_owned()).or_default(),
        };
        if k.window != window {
            *k = KeyCounter {
                window,
                ..KeyCounter::default()
            };
        }
        let t = match counters.tokens.get_mut(token) {
            Some(t) => t,
            None => counters.tokens.entry(token.to_owned()).or_default(),
        };
        if t.window != window {
            *t = TokenCounter { window, count: 0 };
        }
        let limits = &self.limits;
        let member_budget = match (limits.member, self.member_window_ms()) {
            (Some((max, _)), Some(window_ms)) if member_route => {
                let window = now_ms.div_euclid(window_ms);
                let m = match counters.members.get_mut(token) {
                    Some(m) => m,
                    None => counters.members.entry(token.to_owned()).or_default(),
                };
                if m.window != window {
                    *m = TokenCounter { window, count: 0 };
                }
                Some((max, m))
            }
            _ => None,
        };
        let locked_out = k.rejections > limits.lockout_threshold;
        let exceeded = if locked_out || k.count >= limits.key_max {
            Some(Limit::Key)
        } else if t.count >= limits.token_max {
            Some(Limit::Token)
        } else if member_budget
            .as_ref()
            .is_some_and(|(max, m)| m.count >= *max)
        {
            Some(Limit::Member)
        } else {
            k.count += 1;
            t.count += 1;
            None
        };
        let member_remaining = member_budget.map(|(max, m)| {
            if exceeded.is_none() {
                m.count += 1;
            }
            max.saturating_sub(m.count)
        });
        if exceeded.is_some() {
            k.rejections = k.rejections.saturating_add(1);
        }
        Verdict {
            exceeded,
            key_remaining: limits.key_max.saturating_sub(k.count),
            token_remaining: limits.token_max.saturating_sub(t.count),
            member_remaining,
        }
    }
}

#[cfg(test)]
mod tests;
