//! The sandbox's rate limits: windows, budgets and the lockout.

use super::*;
use std::time::Duration;

#[test]
fn token_budget_then_next_window() {
    let rl = RateLimiter::new(RateLimits::new(10, 2, Duration::from_secs(10)));
    assert_eq!(rl.check("k", "t", 0).exceeded, None);
    assert_eq!(rl.check("k", "t", 1).token_remaining, 0);
    assert_eq!(rl.check("k", "t", 2).exceeded, Some(Limit::Token));
    assert_eq!(rl.check("k", "t", 10_000).exceeded, None);
}

#[test]
fn lockout_after_threshold_rejections() {
    let mut limits = RateLimits::new(100, 1, Duration::from_secs(10));
    limits.lockout_threshold = 2;
    let rl = RateLimiter::new(limits);
    assert_eq!(rl.check("k", "t1", 0).exceeded, None);
    for _ in 0..3 {
        assert_eq!(rl.check("k", "t1", 0).exceeded, Some(Limit::Token));
    }
    // A fresh token of the locked-out key is refused too, until the window ends.
    assert_eq!(rl.check("k", "t2", 0).exceeded, Some(Limit::Key));
    assert_eq!(rl.check("k", "t2", 10_000).exceeded, None);
}
