//! [`RedisBudgetBuilder`]: a [`RedisBudget`]'s settings, checked once at
//! [`build`](RedisBudgetBuilder::build); [`OnRedisDown`], the failure policy; [`Error`].

use std::time::Duration;

use trello_auth_core::fleet::Limits;

use crate::budget::RedisBudget;

/// What a reservation does when Redis fails or does not answer within the timeout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum OnRedisDown {
    /// Fail the call with `Error::RateBudget`; nothing is sent. The safe default: the fleet
    /// never exceeds Trello's budget, at the price of availability.
    #[default]
    FailClosed,
    /// Keep `1/n` of every budget in this process, on its own clock, until Redis answers
    /// again: with `n` the number of workers, the fleet stays within the budget while Redis
    /// is away. Requests reserved in Redis just before it went away are not seen, so a window
    /// that spans the change may hold up to what Redis granted in it plus `1/n` per worker.
    LocalShare(u32),
    /// Send without pacing while Redis is down (Trello's 429s are still retried). Logged.
    FailOpen,
}

/// A [`RedisBudget`] could not be built. The message never shows the URL (it may carry a
/// password).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The Redis URL does not parse.
    #[error("invalid Redis URL: {reason}; expected redis://[:password@]host[:port][/db] or redis+unix:///path")]
    InvalidUrl {
        /// What is wrong with it.
        reason: String,
    },
    /// A setting is out of range.
    #[error("invalid fleet budget setting: {reason}")]
    InvalidSetting {
        /// Which setting, and what it must be.
        reason: &'static str,
    },
}

/// The settings of a [`RedisBudget`], from [`RedisBudget::builder`].
#[derive(Clone, Debug)]
pub struct RedisBudgetBuilder {
    pub(crate) url: String,
    pub(crate) limits: Limits,
    pub(crate) margin: Duration,
    pub(crate) timeout: Duration,
    pub(crate) on_down: OnRedisDown,
    pub(crate) prefix: String,
}

impl RedisBudgetBuilder {
    pub(crate) fn new(url: &str) -> Self {
        Self {
            url: url.to_owned(),
            limits: Limits::TRELLO,
            margin: Duration::from_millis(250),
            timeout: Duration::from_millis(100),
            on_down: OnRedisDown::FailClosed,
            prefix: "trello-auth".to_owned(),
        }
    }

    /// The budgets' sizes. Default [`Limits::TRELLO`] (SPEC S4.3).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// How long after its reservation a request reaches Trello, at most: a slot is held for
    /// its window plus this margin, so that Trello never counts more than its maximum in any
    /// window. Default 250 ms; raise it for slow links (a fleet far from Trello).
    pub fn margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// How long one Redis call may take (connecting included) before the failure policy
    /// answers. Default 100 ms.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// What to do when Redis is down. Default [`OnRedisDown::FailClosed`].
    pub fn on_redis_down(mut self, policy: OnRedisDown) -> Self {
        self.on_down = policy;
        self
    }

    /// The start of every Redis key. Default `trello-auth`.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Checks the settings and the URL. Connects lazily, on the first reservation: building
    /// succeeds while Redis is down.
    pub fn build(self) -> Result<RedisBudget, Error> {
        let invalid = |reason| Err(Error::InvalidSetting { reason });
        if self.timeout.is_zero() {
            return invalid("the timeout must be more than zero");
        }
        if self.on_down == OnRedisDown::LocalShare(0) {
            return invalid("LocalShare(n) needs the fleet's size, at least 1");
        }
        let windows = [self.limits.key, self.limits.token, self.limits.members];
        if windows
            .iter()
            .any(|(max, window)| *max == 0 || *window == 0)
        {
            return invalid("every limit needs at least one request per window of at least 1 ms");
        }
        if self.prefix.is_empty() || self.prefix.contains(['{', '}']) {
            return invalid(
                "the prefix must be non-empty and without braces (they mark the hash tag)",
            );
        }
        RedisBudget::open(self)
    }
}
