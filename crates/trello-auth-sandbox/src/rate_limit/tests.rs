//! The sandbox's rate limits: windows, budgets and the lockout.

use super::*;
use std::time::Duration;

#[test]
fn token_budget_then_next_window() {
    let rl = RateLimiter::new(RateLimits::new(10, 2, Duration::from_secs(10)));
    assert_eq!(rl.check("k", "t", 0, false).exceeded, None);
    assert_eq!(rl.check("k", "t", 1, false).token_remaining, 0);
    assert_eq!(rl.check("k", "t", 2, false).exceeded, Some(Limit::Token));
    assert_eq!(rl.check("k", "t", 10_000, false).exceeded, None);
}

#[test]
fn lockout_after_threshold_rejections() {
    let mut limits = RateLimits::new(100, 1, Duration::from_secs(10));
    limits.lockout_threshold = 2;
    let rl = RateLimiter::new(limits);
    assert_eq!(rl.check("k", "t1", 0, false).exceeded, None);
    for _ in 0..3 {
        assert_eq!(rl.check("k", "t1", 0, false).exceeded, Some(Limit::Token));
    }
    // A fresh token of the locked-out key is refused too, until the window ends.
    assert_eq!(rl.check("k", "t2", 0, false).exceeded, Some(Limit::Key));
    assert_eq!(rl.check("k", "t2", 10_000, false).exceeded, None);
}

#[test]
fn member_routes_have_their_own_budget_when_one_is_set() {
    let limits = RateLimits::new(100, 100, Duration::from_secs(10))
        .with_member_budget(2, Duration::from_secs(900));
    let rl = RateLimiter::new(limits);
    assert_eq!(rl.check("k", "t", 0, true).member_remaining, Some(1));
    assert_eq!(rl.check("k", "t", 1, true).member_remaining, Some(0));
    let refused = rl.check("k", "t", 2, true);
    assert_eq!(refused.exceeded, Some(Limit::Member));
    // A refused request spends no budget; other routes are not counted by it.
    assert_eq!(refused.token_remaining, 98);
    let other = rl.check("k", "t", 3, false);
    assert_eq!((other.exceeded, other.member_remaining), (None, None));
    // Another token has its own member budget; the window ends after 900 s.
    assert_eq!(rl.check("k", "t2", 4, true).exceeded, None);
    assert_eq!(rl.check("k", "t", 900_000, true).exceeded, None);
}

#[test]
fn without_a_member_budget_member_routes_are_not_counted() {
    let rl = RateLimiter::new(RateLimits::new(100, 100, Duration::from_secs(10)));
    for now in 0..50 {
        let verdict = rl.check("k", "t", now, true);
        assert_eq!((verdict.exceeded, verdict.member_remaining), (None, None));
    }
}
