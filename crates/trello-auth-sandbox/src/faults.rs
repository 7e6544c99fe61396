//! Fault injection (`POST /__sandbox/faults`): the next N matching requests get a status,
//! latency, or a connection closed mid-response.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::model::{Fault, RouteMatch};

/// The armed faults, consumed one request at a time.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    /// How many rules are armed, so the hot path skips the lock when none is.
    armed: AtomicUsize,
    rules: Mutex<Vec<Fault>>,
}

impl Faults {
    /// Arms `fault` (after the ones already armed).
    pub(crate) fn add(&self, fault: Fault) {
        if fault.count == 0 {
            return;
        }
        let mut rules = self.rules.lock().unwrap_or_else(|p| p.into_inner());
        rules.push(fault);
        self.armed.store(rules.len(), Ordering::Release);
    }

    /// Disarms every fault.
    pub(crate) fn clear(&self) {
        let mut rules = self.rules.lock().unwrap_or_else(|p| p.into_inner());
        rules.clear();
        self.armed.store(0, Ordering::Release);
    }

    /// The first armed fault matching this request, consuming one of its uses.
    pub(crate) fn take(&self, method: &str, path: &str) -> Option<Fault> {
        if self.armed.load(Ordering::Acquire) == 0 {
            return None;
        }
        let mut rules = self.rules.lock().unwrap_or_else(|p| p.into_inner());
        let i = rules.iter().position(|f| {
            let route_ok = match &f.route {
                RouteMatch::Exact(p) => p == path,
                RouteMatch::Prefix(p) => path.starts_with(p.as_str()),
            };
            route_ok
                && f.method
                    .as_deref()
                    .is_none_or(|m| m.eq_ignore_ascii_case(method))
        })?;
        let fault = rules[i].clone();
        rules[i].count -= 1;
        if rules[i].count == 0 {
            rules.remove(i);
        }
        self.armed.store(rules.len(), Ordering::Release);
        Some(fault)
    }
}

#[cfg(test)]
mod tests;
