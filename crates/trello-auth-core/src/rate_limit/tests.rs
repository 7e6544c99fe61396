//! Unit tests of the rate-limit headers and the limiter (SPEC S4.3).

use std::time::{Duration, Instant};

use proptest::prelude::*;

use super::*;

fn headers(pairs: &[(&str, &str)]) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            http::HeaderName::from_bytes(name.as_bytes()).expect("test header names are valid"),
            http::HeaderValue::from_str(value).expect("test header values are valid"),
        );
    }
    map
}

const SCOPES: [&str; 3] = ["api-key", "api-token", "member"];

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

// ---- RateLimitStatus ----

#[test]
fn reads_all_three_scopes() {
    let map = headers(&[
        ("X-Rate-Limit-Api-Key-Interval-Ms", "10000"),
        ("x-rate-limit-api-key-max", "300"),
        ("x-rate-limit-api-key-remaining", "299"),
        ("x-rate-limit-api-token-interval-ms", " 10000 "),
        ("x-rate-limit-api-token-max", "100"),
        ("x-rate-limit-api-token-remaining", "99"),
        ("x-rate-limit-member-interval-ms", "900000"),
        ("x-rate-limit-member-max", "100"),
        ("x-rate-limit-member-remaining", "0"),
    ]);
    let status = RateLimitStatus::from_headers(&map);
    assert_eq!(
        status.api_key,
        Some(Budget {
            interval: ms(10_000),
            max: 300,
            remaining: 299
        })
    );
    assert_eq!(
        status.api_token,
        Some(Budget {
            interval: ms(10_000),
            max: 100,
            remaining: 99
        })
    );
    assert_eq!(
        status.member,
        Some(Budget {
            interval: ms(900_000),
            max: 100,
            remaining: 0
        })
    );
    // The member budget alone does not make the key + token budgets exhausted.
    assert!(!status.is_exhausted());
}

#[test]
fn a_garbled_or_incomplete_scope_is_none_and_others_survive() {
    let token = [
        ("x-rate-limit-api-token-interval-ms", "10000"),
        ("x-rate-limit-api-token-max", "100"),
        ("x-rate-limit-api-token-remaining", "0"),
    ];
    let missing_interval = [
        ("x-rate-limit-api-key-max", "300"),
        ("x-rate-limit-api-key-remaining", "3"),
    ];
    let negative_interval = [
        ("x-rate-limit-api-key-interval-ms", "-1"),
        ("x-rate-limit-api-key-max", "300"),
        ("x-rate-limit-api-key-remaining", "3"),
    ];
    for bad_key in [&missing_interval[..], &negative_interval[..]] {
        let all: Vec<_> = token.iter().chain(bad_key).copied().collect();
        let status = RateLimitStatus::from_headers(&headers(&all));
        assert_eq!(status.api_key, None, "{all:?}");
        assert_eq!(status.api_token.map(|b| b.remaining), Some(0));
        assert!(status.is_exhausted());
    }
    for garbage in ["", "1.5", "ten", "4294967296", "+3", "0x10"] {
        let status = RateLimitStatus::from_headers(&headers(&[
            ("x-rate-limit-api-token-interval-ms", "10000"),
            ("x-rate-limit-api-token-max", garbage),
            ("x-rate-limit-api-token-remaining", "1"),
        ]));
        assert_eq!(status.api_token, None, "{garbage:?}");
    }
    assert_eq!(
        RateLimitStatus::from_headers(&http::HeaderMap::new()),
        RateLimitStatus::default()
    );
}

// ---- RateLimiter ----

#[test]
fn defaults_are_trellos_budgets() {
    let mut limiter = RateLimiter::default();
    let t0 = Instant::now();
    for i in 0..100 {
        assert_eq!(limiter.acquire(t0 + ms(i)), Decision::Send, "send {i}");
    }
    // The 101st request inside 10 s waits for the first to leave the window.
    assert_eq!(limiter.acquire(t0 + ms(100)), Decision::Wait(ms(9_900)));
    assert_eq!(limiter.acquire(t0 + ms(10_000)), Decision::Send);
    assert_eq!(Limit::TRELLO_KEY, Limit::new(300, Duration::from_secs(10)));
}

#[test]
fn key_budget_binds_when_tighter() {
    let mut limiter = RateLimiter::new(Limit::new(3, ms(1_000)), Limit::new(10, ms(1_000)));
    let t0 = Instant::now();
    for i in 0..3 {
        assert!(limiter.acquire(t0 + ms(i * 100)).is_send());
    }
    assert_eq!(limiter.check(t0 + ms(300)), Decision::Wait(ms(700)));
    // check records nothing; a refused acquire records nothing either.
    assert_eq!(limiter.acquire(t0 + ms(300)), Decision::Wait(ms(700)));
    assert_eq!(limiter.acquire(t0 + ms(1_000)), Decision::Send);
    assert_eq!(limiter.acquire(t0 + ms(1_000)), Decision::Wait(ms(100)));
}

#[test]
fn zero_max_counts_as_one() {
    let limit = Limit::new(0, ms(50));
    assert_eq!(limit.max(), 1);
    assert_eq!(limit.interval(), ms(50));
    let mut limiter = RateLimiter::new(limit, limit);
    let t0 = Instant::now();
    assert_eq!(limiter.acquire(t0), Decision::Send);
    assert_eq!(limiter.acquire(t0), Decision::Wait(ms(50)));
}

#[test]
fn a_huge_budget_allocates_nothing_up_front() {
    let limiter = RateLimiter::new(
        Limit::new(u32::MAX, Duration::MAX),
        Limit::new(u32::MAX, Duration::MAX),
    );
    assert_eq!(limiter.sends.capacity(), 0);
    assert_eq!(limiter.check(Instant::now()), Decision::Send);
}

#[test]
fn observe_pauses_for_a_full_interval_when_a_budget_is_spent() {
    let mut limiter = RateLimiter::default();
    let t0 = Instant::now();
    let mut status = RateLimitStatus {
        api_token: Some(Budget {
            interval: ms(10_000),
            max: 100,
            remaining: 3,
        }),
        ..RateLimitStatus::default()
    };
    limiter.observe(&status, t0);
    assert_eq!(limiter.check(t0), Decision::Send, "budget left: no pause");

    status.api_token = Some(Budget {
        interval: ms(10_000),
        max: 100,
        remaining: 0,
    });
    limiter.observe(&status, t0);
    assert_eq!(limiter.check(t0 + ms(1)), Decision::Wait(ms(9_999)));
    // A shorter pause does not cut a longer one short.
    status.api_token = None;
    status.api_key = Some(Budget {
        interval: ms(2_000),
        max: 300,
        remaining: 0,
    });
    limiter.observe(&status, t0 + ms(5_000));
    assert_eq!(limiter.check(t0 + ms(5_000)), Decision::Wait(ms(5_000)));
    // A longer one extends it.
    status.api_key = Some(Budget {
        interval: ms(8_000),
        max: 300,
        remaining: 0,
    });
    limiter.observe(&status, t0 + ms(5_000));
    assert_eq!(limiter.check(t0 + ms(12_000)), Decision::Wait(ms(1_000)));
    assert_eq!(limiter.acquire(t0 + ms(13_000)), Decision::Send);
}

#[test]
fn observe_ignores_the_member_budget_and_zero_intervals() {
    let mut limiter = RateLimiter::default();
    let t0 = Instant::now();
    let status = RateLimitStatus {
        member: Some(Budget {
            interval: ms(900_000),
            max: 100,
            remaining: 0,
        }),
        api_key: Some(Budget {
            interval: Duration::ZERO,
            max: 300,
            remaining: 0,
        }),
        ..RateLimitStatus::default()
    };
    limiter.observe(&status, t0);
    assert_eq!(limiter.check(t0), Decision::Send);
}

#[test]
fn a_clock_going_backwards_does_not_panic_or_send_early() {
    let mut limiter = RateLimiter::new(Limit::new(1, ms(100)), Limit::new(1, ms(100)));
    let t0 = Instant::now() + ms(1_000);
    assert!(limiter.acquire(t0).is_send());
    assert_eq!(limiter.check(t0 - ms(500)), Decision::Wait(ms(100)));
}

#[derive(Debug, Clone)]
enum Step {
    Acquire(u64),
    Observe(u64, u32, u64),
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    let step = prop_oneof![
        8 => (0u64..400).prop_map(Step::Acquire),
        1 => (0u64..400, 0u32..3, 0u64..600).prop_map(|(d, r, i)| Step::Observe(d, r, i)),
    ];
    proptest::collection::vec(step, 1..120)
}

proptest! {
    #[test]
    fn from_headers_never_panics(values in proptest::collection::vec(".{0,24}", 9)) {
        let mut map = http::HeaderMap::new();
        let names = SCOPES.iter().flat_map(|scope| {
            ["interval-ms", "max", "remaining"].map(|part| format!("x-rate-limit-{scope}-{part}"))
        });
        for (name, value) in names.zip(&values) {
            if let Ok(value) = http::HeaderValue::from_str(value) {
                map.insert(http::HeaderName::from_bytes(name.as_bytes()).expect("valid name"), value);
            }
        }
        let status = RateLimitStatus::from_headers(&map);
        // A scope read back must come from digits.
        if let Some(budget) = status.api_key {
            prop_assert_eq!(values[1].trim().parse::<u32>().ok(), Some(budget.max));
        }
    }

    #[test]
    fn limiter_never_exceeds_max_in_any_window_and_waits_are_exact(
        key_max in 1u32..6,
        token_max in 1u32..6,
        key_ms in 0u64..1_000,
        token_ms in 0u64..1_000,
        steps in steps(),
    ) {
        let (key, token) = (Limit::new(key_max, ms(key_ms)), Limit::new(token_max, ms(token_ms)));
        let mut limiter = RateLimiter::new(key, token);
        let mut now = Instant::now();
        let mut sends = Vec::new();
        for step in steps {
            match step {
                Step::Acquire(delta) => {
                    now += ms(delta);
                    match limiter.acquire(now) {
                        Decision::Send => sends.push(now),
                        Decision::Wait(d) => {
                            prop_assert!(!d.is_zero());
                            let mut later = limiter.clone();
                            prop_assert_eq!(later.acquire(now + d), Decision::Send);
                            // And not a moment earlier.
                            prop_assert!(!limiter.check(now + d - Duration::from_nanos(1)).is_send());
                        }
                    }
                }
                Step::Observe(delta, remaining, interval) => {
                    now += ms(delta);
                    let status = RateLimitStatus {
                        api_token: Some(Budget { interval: ms(interval), max: 100, remaining }),
                        ..RateLimitStatus::default()
                    };
                    limiter.observe(&status, now);
                }
            }
        }
        for limit in [key, token] {
            for (i, &start) in sends.iter().enumerate() {
                let in_window = sends[i..]
                    .iter()
                    .take_while(|&&t| t.duration_since(start) < limit.interval())
                    .count();
                prop_assert!(in_window <= limit.max() as usize, "{} sends in {:?}", in_window, limit);
            }
        }
    }
}
