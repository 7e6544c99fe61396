//! [`Reserve`] and [`Observe`]: a call's two conversations with a [`RateBudget`] outside the
//! client (SPEC S4.3), walked by the client because they may do IO: before an attempt, reserve
//! (then hand the answer to [`Call::admit`](super::Call::admit)); after it, tell the budget what
//! Trello said ([`Call::observe`](super::Call::observe)).

use std::fmt;

use crate::budget::{BudgetError, Demand, RateBudget, Report};
use crate::rate_limit::Decision;

/// A reservation the call needs before its next attempt, from
/// [`Attempt::Reserve`](super::Attempt::Reserve).
#[must_use]
pub struct Reserve<'s> {
    pub(super) budget: &'s dyn RateBudget,
    pub(super) demand: Demand,
}

impl Reserve<'_> {
    /// Asks the budget (async clients).
    pub async fn run(&self) -> Result<Decision, BudgetError> {
        self.budget.reserve(&self.demand).await
    }

    /// Asks the budget, blocking the thread (blocking clients).
    pub fn run_blocking(&self) -> Result<Decision, BudgetError> {
        self.budget.reserve_blocking(&self.demand)
    }
}

impl fmt::Debug for Reserve<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reserve")
            .field("demand", &self.demand)
            .finish_non_exhaustive()
    }
}

/// What Trello said of its budgets, for the budget to take in, from
/// [`Call::observe`](super::Call::observe).
#[must_use]
pub struct Observe<'s> {
    pub(super) budget: &'s dyn RateBudget,
    pub(super) demand: Demand,
    pub(super) report: Report,
}

impl Observe<'_> {
    /// Tells the budget (async clients).
    pub async fn run(&self) {
        self.budget.observe(&self.demand, &self.report).await;
    }

    /// Tells the budget, blocking the thread (blocking clients).
    pub fn run_blocking(&self) {
        self.budget.observe_blocking(&self.demand, &self.report);
    }
}

impl fmt::Debug for Observe<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Observe")
            .field("demand", &self.demand)
            .field("report", &self.report)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
