//! Unit tests of the retry policy: backoff shape, jitter, server hints, idempotency.

use std::time::Duration;

use http::Method;
use proptest::prelude::*;

use super::*;
use crate::classify::{PermissionReason, RateLimitKind, TokenRejection};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn default_backoff_doubles_from_half_a_second_and_stops_after_three() {
    let policy = RetryPolicy::default();
    assert_eq!(policy, RetryPolicy::new());
    assert_eq!(policy.max_retries(), 3);
    let top: Vec<_> = (0..4).map(|n| policy.next_delay(n, None, 1.0)).collect();
    assert_eq!(top, [Some(ms(500)), Some(ms(1_000)), Some(ms(2_000)), None]);
    let bottom: Vec<_> = (0..3).map(|n| policy.next_delay(n, None, 0.0)).collect();
    assert_eq!(bottom, [Some(ms(250)), Some(ms(500)), Some(ms(1_000))]);
}

#[test]
fn backoff_is_capped_and_survives_overflow() {
    let policy = RetryPolicy::default().with_max_retries(u32::MAX);
    assert_eq!(policy.backoff(5), ms(16_000));
    assert_eq!(policy.backoff(6), Duration::from_secs(30));
    assert_eq!(policy.backoff(31), Duration::from_secs(30));
    assert_eq!(policy.backoff(u32::MAX), Duration::from_secs(30));
    let wide = policy.with_base(Duration::MAX).with_cap(Duration::MAX);
    assert_eq!(wide.backoff(3), Duration::MAX);
    assert_eq!(
        wide.next_delay(3, None, 0.99)
            .map(|d| d >= Duration::MAX / 2),
        Some(true)
    );
}

#[test]
fn setters_and_a_zero_factor() {
    let policy = RetryPolicy::new()
        .with_max_retries(5)
        .with_base(ms(100))
        .with_factor(0)
        .with_cap(ms(150))
        .with_max_wait(ms(1_000));
    assert_eq!(
        policy.factor(),
        1,
        "a zero factor would make delays shrink to nothing"
    );
    assert_eq!(policy.base(), ms(100));
    assert_eq!(policy.cap(), ms(150));
    assert_eq!(policy.max_wait(), ms(1_000));
    assert_eq!(policy.backoff(4), ms(100));
    assert_eq!(policy.with_factor(3).backoff(1), ms(150));
    assert_eq!(RetryPolicy::none().next_delay(0, None, 0.5), None);
}

#[test]
fn jitter_out_of_range_is_clamped() {
    let policy = RetryPolicy::default();
    let delay = |j| policy.next_delay(0, None, j);
    assert_eq!(delay(f64::NAN), Some(ms(250)));
    assert_eq!(delay(-3.0), Some(ms(250)));
    assert_eq!(delay(f64::NEG_INFINITY), Some(ms(250)));
    assert_eq!(delay(7.0), Some(ms(500)));
    assert_eq!(delay(f64::INFINITY), Some(ms(500)));
    assert_eq!(delay(0.999_999), Some(Duration::from_nanos(499_999_750)));
}

#[test]
fn hints_are_a_floor_and_too_long_a_hint_stops() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.next_delay(0, Some(ms(3_000)), 0.5), Some(ms(3_000)));
    // A short hint does not shorten the backoff.
    assert_eq!(policy.next_delay(2, Some(ms(10)), 1.0), Some(ms(2_000)));
    assert_eq!(
        policy.next_delay(2, Some(Duration::ZERO), 0.0),
        Some(ms(1_000))
    );
    // A hint may exceed the cap, up to max_wait.
    assert_eq!(
        policy.next_delay(0, Some(ms(60_000)), 0.0),
        Some(ms(60_000))
    );
    assert_eq!(policy.next_delay(0, Some(ms(60_001)), 0.0), None);
    assert_eq!(policy.next_delay(0, Some(Duration::MAX), 0.0), None);
    // Attempts still bound a hinted retry.
    assert_eq!(policy.next_delay(3, Some(ms(1)), 0.0), None);
}

#[test]
fn idempotent_methods() {
    for method in [
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
        Method::TRACE,
    ] {
        assert!(is_idempotent(&method), "{method}");
    }
    let custom = Method::from_bytes(b"PURGE").expect("a valid token");
    for method in [Method::POST, Method::PATCH, Method::CONNECT, custom] {
        assert!(!is_idempotent(&method), "{method}");
    }
}

#[test]
fn what_is_retried() {
    let policy = RetryPolicy::default();
    let limited = Verdict::RateLimited {
        limit: RateLimitKind::Token,
        retry_after: Some(ms(4_000)),
    };
    let outage = Verdict::ServerError {
        status: 503,
        retry_after: None,
    };
    for method in [Method::GET, Method::POST, Method::PATCH] {
        assert!(policy.should_retry(&method, &limited), "{method}");
        assert_eq!(
            policy.retry_delay(&method, &limited, 1, 0.0),
            Some(ms(4_000))
        );
    }
    assert_eq!(
        policy.retry_delay(&Method::PUT, &outage, 1, 1.0),
        Some(ms(1_000))
    );
    assert_eq!(policy.retry_delay(&Method::POST, &outage, 0, 1.0), None);
    let finals = [
        Verdict::Success,
        Verdict::TokenRejected {
            reason: TokenRejection::Expired,
        },
        Verdict::KeyRejected,
        Verdict::PermissionDenied {
            reason: PermissionReason::MissingScopes,
        },
        Verdict::NotFound,
        Verdict::BadRequest,
        Verdict::Forbidden,
        Verdict::Unexpected { status: 302 },
    ];
    for verdict in finals {
        assert!(!policy.should_retry(&Method::GET, &verdict), "{verdict:?}");
        assert_eq!(policy.retry_delay(&Method::GET, &verdict, 0, 0.5), None);
    }
}

fn policies() -> impl Strategy<Value = RetryPolicy> {
    (0u32..10, 0u64..5_000, 0u32..5, 0u64..100_000, 0u64..200_000).prop_map(
        |(retries, base, factor, cap, max_wait)| {
            RetryPolicy::new()
                .with_max_retries(retries)
                .with_base(ms(base))
                .with_factor(factor)
                .with_cap(ms(cap))
                .with_max_wait(ms(max_wait))
        },
    )
}

proptest! {
    #[test]
    fn delays_grow_stay_under_the_cap_and_stop(
        policy in policies(),
        jitter in prop_oneof![any::<f64>(), 0.0f64..1.0],
        hint in proptest::option::of(0u64..300_000),
    ) {
        let hint = hint.map(ms);
        let mut previous = (Duration::ZERO, Duration::ZERO);
        for n in 0..policy.max_retries() {
            let backoff = policy.backoff(n);
            prop_assert!(backoff >= previous.0, "backoff shrank at {}", n);
            prop_assert!(backoff <= policy.cap());
            let delay = policy.next_delay(n, None, jitter);
            prop_assert!(delay.is_some());
            let delay = delay.unwrap_or_default();
            // Same jitter, growing backoff: the jittered delay never shrinks either.
            prop_assert!(delay >= previous.1);
            prop_assert!(delay >= backoff / 2 && delay <= backoff);
            previous = (backoff, delay);
            match (hint, policy.next_delay(n, hint, jitter)) {
                (Some(h), None) => prop_assert!(h > policy.max_wait()),
                (Some(h), Some(d)) => prop_assert!(d >= h && d <= h.max(policy.cap())),
                (None, d) => prop_assert_eq!(d, Some(delay)),
            }
        }
        prop_assert_eq!(policy.next_delay(policy.max_retries(), hint, jitter), None);
        prop_assert_eq!(policy.next_delay(u32::MAX, hint, jitter), None);
    }
}
