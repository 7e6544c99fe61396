//! [`RateBudget`]: a rate-limit budget kept outside the client, such as a fleet's in Redis
//! (`trello-auth-redis`), which both clients consult before every attempt in place of their
//! in-process [`RateLimiter`](crate::RateLimiter) (SPEC S4.3).
//!
//! A client tells the budget what a request needs ([`Demand`]: which key, which token,
//! whether it is a `/1/members/` route, with the key and token only as hashes) and, after
//! the answer, what Trello said of its budgets ([`Report`]). The budget answers
//! [`Decision::Send`] or [`Decision::Wait`], or fails with a [`BudgetError`] that the call
//! reports as [`Error::RateBudget`](crate::Error::RateBudget) without sending.
//!
//! ```
//! use std::sync::Mutex;
//! use std::time::Instant;
//! use trello_auth_core::budget::{BudgetError, Demand, RateBudget, Report};
//! use trello_auth_core::{Decision, RateLimiter};
//!
//! /// One process's limiter behind the trait (what a fleet budget does with Redis).
//! #[derive(Debug, Default)]
//! struct Local(Mutex<RateLimiter>);
//!
//! impl RateBudget for Local {
//!     fn reserve_blocking(&self, _demand: &Demand) -> Result<Decision, BudgetError> {
//!         Ok(self.0.lock().unwrap().acquire(Instant::now()))
//!     }
//!     fn observe_blocking(&self, _demand: &Demand, report: &Report) {
//!         self.0.lock().unwrap().observe(report.status(), Instant::now());
//!     }
//! }
//!
//! let demand = Demand::new("0123456789abcdef0123456789abcdef", "a-token", "/1/members/me");
//! assert!(demand.is_members_route());
//! assert_eq!(Local::default().reserve_blocking(&demand)?, Decision::Send);
//! # Ok::<(), BudgetError>(())
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use sha2::{Digest, Sha256};

use crate::classify::RateLimitKind;
use crate::rate_limit::{Decision, RateLimitStatus};

/// The future of an async [`RateBudget`] method.
pub type BudgetFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A rate-limit budget outside the client. Implement the blocking methods; an implementation
/// that does IO also implements the async ones, which by default call the blocking ones
/// (right for a budget that never blocks).
pub trait RateBudget: fmt::Debug + Send + Sync {
    /// Reserves what `demand` needs, or says how long to wait. Called by blocking clients
    /// before each attempt.
    fn reserve_blocking(&self, demand: &Demand) -> Result<Decision, BudgetError>;

    /// Takes in what Trello said of its budgets in the answer to a request of `demand`
    /// (called only when the answer has something to say: see [`Report`]). Best effort: it
    /// cannot fail the call.
    fn observe_blocking(&self, demand: &Demand, report: &Report);

    /// [`reserve_blocking`](Self::reserve_blocking) for async clients.
    fn reserve<'a>(
        &'a self,
        demand: &'a Demand,
    ) -> BudgetFuture<'a, Result<Decision, BudgetError>> {
        Box::pin(std::future::ready(self.reserve_blocking(demand)))
    }

    /// [`observe_blocking`](Self::observe_blocking) for async clients.
    fn observe<'a>(&'a self, demand: &'a Demand, report: &'a Report) -> BudgetFuture<'a, ()> {
        self.observe_blocking(demand, report);
        Box::pin(std::future::ready(()))
    }
}

/// What one request needs of the budgets: its key's, its token's, and for a `/1/members/`
/// route the members budget (SPEC S4.3). The key and token are held as SHA-256 prefixes in
/// hex, never in clear.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Demand {
    key: String,
    token: String,
    members: bool,
}

impl Demand {
    /// The demand of a request to `path` made with `key` (an API key, an OAuth 1.0a consumer
    /// key or an OAuth 2.0 client id) and `token` (the user token, or the access token).
    pub fn new(key: &str, token: &str, path: &str) -> Self {
        Self::hashed(hash(key, 8), hash(token, 16), path)
    }

    pub(crate) fn hashed(key: String, token: String, path: &str) -> Self {
        Self {
            key,
            token,
            members: path.starts_with("/1/members/") || path == "/1/members",
        }
    }

    /// The key's id: the first 8 bytes of its SHA-256, in hex.
    pub fn key_id(&self) -> &str {
        &self.key
    }

    /// The token's id: the first 16 bytes of its SHA-256, in hex.
    pub fn token_id(&self) -> &str {
        &self.token
    }

    /// Whether the request is to a `/1/members/` route (100 per 900 s per token).
    pub fn is_members_route(&self) -> bool {
        self.members
    }
}

impl fmt::Debug for Demand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Demand")
            .field("key_id", &self.key)
            .field("members", &self.members)
            .finish_non_exhaustive()
    }
}

/// The first `bytes` bytes of SHA-256 of `value`, in hex.
pub(crate) fn hash(value: &str, bytes: usize) -> String {
    hash_bytes(value.as_bytes(), bytes)
}

/// [`hash`] of bytes.
pub(crate) fn hash_bytes(value: &[u8], bytes: usize) -> String {
    use fmt::Write;
    Sha256::digest(value)[..bytes]
        .iter()
        .fold(String::with_capacity(bytes * 2), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        })
}

/// What Trello said of its budgets in one answer: the `x-rate-limit-*` headers, and for a 429
/// which budget it refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Report {
    status: RateLimitStatus,
    refused: Option<RateLimitKind>,
}

impl Report {
    /// A report of `status`, and of a 429 for `refused`.
    pub fn new(status: RateLimitStatus, refused: Option<RateLimitKind>) -> Self {
        Self { status, refused }
    }

    /// The budgets the headers reported.
    pub fn status(&self) -> &RateLimitStatus {
        &self.status
    }

    /// The budget a 429 named, `None` when the answer was not a 429.
    pub fn refused(&self) -> Option<RateLimitKind> {
        self.refused
    }

    /// Whether Trello says `budget` has a quarter or less left: only then can its count be
    /// ahead of a fleet's, so only then is it worth telling the fleet's store.
    pub fn is_low(budget: &crate::Budget) -> bool {
        u64::from(budget.remaining) * 4 <= u64::from(budget.max)
    }
}

/// A budget could not answer (its store is unreachable or slow): the request was not sent.
///
/// The message says what failed and what to check; it never holds a key or a token.
#[derive(Debug, thiserror::Error)]
#[error("rate budget unavailable: {reason}; the request was not sent (check the budget's store, or choose another failure policy)")]
pub struct BudgetError {
    reason: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl BudgetError {
    /// An error saying `reason` (no secret in it), caused by `source` if any.
    pub fn new(
        reason: impl Into<String>,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self {
            reason: reason.into(),
            source,
        }
    }

    /// What failed.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by cargo-mutants: the members route and the error's reason had no test.
    #[test]
    fn a_demand_knows_the_members_routes_and_an_error_its_reason() {
        for (path, members) in [
            ("/1/members", true),
            ("/1/members/me", true),
            ("/1/members/me/boards", true),
            ("/1/membership", false),
            ("/1/boards/1", false),
            ("/", false),
        ] {
            assert_eq!(
                Demand::new("k", "t", path).is_members_route(),
                members,
                "{path}"
            );
        }
        let d = Demand::new("key", "token", "/1/boards");
        assert_eq!(d.key_id().len(), 16);
        assert_eq!(d.token_id().len(), 32);
        assert_ne!(d.key_id(), Demand::new("other", "token", "/").key_id());
        assert_eq!(
            BudgetError::new("redis is down", None).reason(),
            "redis is down"
        );
    }
}
