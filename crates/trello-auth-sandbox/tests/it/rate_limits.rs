//! Rate limits (SPEC S4.3): headers on every authenticated response, 429 bodies per token and
//! per key, the lockout after too many 429s, and fresh windows on the sandbox clock.

use std::time::Duration;

use trello_auth_sandbox::{RateLimits, Sandbox, TokenSpec};

use crate::client::Req;
use crate::{get_auth, send};

async fn limited(key_max: u32, token_max: u32, lockout: u32) -> Sandbox {
    let mut limits = RateLimits::new(key_max, token_max, Duration::from_secs(10));
    limits.lockout_threshold = lockout;
    Sandbox::builder()
        .rate_limits(limits)
        .start()
        .await
        .expect("sandbox")
}

#[tokio::test]
async fn headers_on_every_authenticated_response() {
    let sb = limited(300, 100, 200).await;
    let r = get_auth(&sb, "/1/members/me").await;
    assert_eq!(r.header("x-rate-limit-api-key-interval-ms"), Some("10000"));
    assert_eq!(r.header("x-rate-limit-api-key-max"), Some("300"));
    assert_eq!(r.header("x-rate-limit-api-key-remaining"), Some("299"));
    assert_eq!(
        r.header("x-rate-limit-api-token-interval-ms"),
        Some("10000")
    );
    assert_eq!(r.header("x-rate-limit-api-token-max"), Some("100"));
    assert_eq!(r.header("x-rate-limit-api-token-remaining"), Some("99"));
    // Also on an authenticated error (404).
    let r = get_auth(&sb, "/1/boards/0123456789abcdef01234567").await;
    assert_eq!(r.header("x-rate-limit-api-token-remaining"), Some("98"));
}

#[tokio::test]
async fn token_limit_then_a_new_window() {
    let sb = limited(100, 3, 200).await;
    for _ in 0..3 {
        assert_eq!(get_auth(&sb, "/1/members/me").await.status, 200);
    }
    let r = get_auth(&sb, "/1/members/me").await;
    assert_eq!(r.status, 429);
    assert_eq!(
        r.body,
        r#"{"error":"API_TOKEN_LIMIT_EXCEEDED","message":"Rate limit exceeded"}"#
    );
    assert!(r
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    assert_eq!(r.header("x-rate-limit-api-token-remaining"), Some("0"));
    // Another token of the same key still has budget.
    let other = sb.admin().mint_token(&TokenSpec::default()).unwrap();
    let r = send(&sb, Req::get("/1/members/me").auth(&sb.app().key, &other)).await;
    assert_eq!(r.status, 200);
    sb.admin().advance_clock(Duration::from_secs(10));
    assert_eq!(get_auth(&sb, "/1/members/me").await.status, 200);
}

#[tokio::test]
async fn key_limit() {
    let sb = limited(2, 100, 200).await;
    let other = sb.admin().mint_token(&TokenSpec::default()).unwrap();
    assert_eq!(get_auth(&sb, "/1/members/me").await.status, 200);
    let r = send(&sb, Req::get("/1/members/me").auth(&sb.app().key, &other)).await;
    assert_eq!(r.status, 200);
    let r = send(&sb, Req::get("/1/members/me").auth(&sb.app().key, &other)).await;
    assert_eq!(r.status, 429);
    assert_eq!(
        r.body,
        r#"{"error":"API_KEY_LIMIT_EXCEEDED","message":"Rate limit exceeded"}"#
    );
}

#[tokio::test]
async fn lockout_after_too_many_429s_until_the_window_ends() {
    // SPEC S4.3: more than N 429s in a window → every request of the key gets 429.
    let sb = limited(1000, 1, 3).await;
    assert_eq!(get_auth(&sb, "/1/members/me").await.status, 200);
    for _ in 0..4 {
        assert_eq!(get_auth(&sb, "/1/members/me").await.status, 429);
    }
    let fresh = sb.admin().mint_token(&TokenSpec::default()).unwrap();
    let r = send(&sb, Req::get("/1/members/me").auth(&sb.app().key, &fresh)).await;
    assert_eq!(r.status, 429);
    assert!(r.body.contains("API_KEY_LIMIT_EXCEEDED"));
    sb.admin().advance_clock(Duration::from_secs(10));
    let r = send(&sb, Req::get("/1/members/me").auth(&sb.app().key, &fresh)).await;
    assert_eq!(r.status, 200);
}
