//! [`LocalShare`]: the budget a process keeps on its own while Redis is down
//! ([`OnRedisDown::LocalShare`](crate::OnRedisDown::LocalShare)): the fleet's own rules (the
//! core's [`Model`]) with `1/n` of every budget, on this process's monotonic clock.

use std::sync::Mutex;
use std::time::Instant;

use trello_auth_core::fleet::{Budget, Model, Reply};

#[derive(Debug)]
pub(crate) struct LocalShare {
    share: u32,
    started: Instant,
    model: Mutex<Model>,
}

impl LocalShare {
    pub(crate) fn new(share: u32, margin_ms: u64) -> Self {
        Self {
            share: share.max(1),
            started: Instant::now(),
            model: Mutex::new(Model::new(margin_ms)),
        }
    }

    /// Reserves in this process's share of `budgets`.
    pub(crate) fn reserve(&self, budgets: &[Budget]) -> Reply {
        let shares: Vec<Budget> = budgets
            .iter()
            .map(|b| Budget::new(b.name.clone(), (b.max / self.share).max(1), b.window_ms))
            .collect();
        let now = self.now();
        self.model
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .reserve(now, &shares)
    }

    fn now(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
}
