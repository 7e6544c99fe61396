//! Rate limits (SPEC S4.3): headers on every authenticated response, 429 bodies per token and
//! per key, the lockout after too many 429s, fresh windows on the sandbox clock, and the
//! opt-in budget of the `/1/members/` routes.

use std::time::Duration;

use trello_auth_sandbox::{RateLimits, Sandbox, TokenSpec};

use crate::client::{Req, Resp};
use crate::{get_auth, send};

/// A 429 with Trello's JSON body for `error` (SPEC S4.3).
fn assert_refused(r: &Resp, error: &str) {
    assert_eq!(r.status, 429);
    let body = format!(r#"{{"error":"{error}","message":"Rate limit exceeded"}}"#);
    assert_eq!(r.body, body);
}

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
    assert_refused(&r, "API_TOKEN_LIMIT_EXCEEDED");
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
    assert_refused(&r, "API_KEY_LIMIT_EXCEEDED");
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

#[tokio::test]
async fn member_routes_have_their_own_budget_when_one_is_set() {
    let limits = RateLimits::new(300, 100, Duration::from_secs(10))
        .with_member_budget(2, Duration::from_secs(900));
    let sb = Sandbox::builder()
        .rate_limits(limits)
        .start()
        .await
        .expect("sandbox");
    let r = get_auth(&sb, "/1/members/me").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-rate-limit-member-interval-ms"), Some("900000"));
    assert_eq!(r.header("x-rate-limit-member-max"), Some("2"));
    assert_eq!(r.header("x-rate-limit-member-remaining"), Some("1"));
    assert_eq!(get_auth(&sb, "/1/members/me").await.status, 200);
    let r = get_auth(&sb, "/1/members/me").await;
    assert_refused(&r, "MEMBER_LIMIT_EXCEEDED");
    assert_eq!(r.header("x-rate-limit-member-remaining"), Some("0"));
    // Other routes are not counted by it and carry no member headers.
    let r = get_auth(&sb, &format!("/1/tokens/{}", sb.token())).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-rate-limit-member-remaining"), None);
    // The key and token windows end after 10 s; the member window only after 900 s.
    sb.admin().advance_clock(Duration::from_secs(10));
    assert_eq!(get_auth(&sb, "/1/members/me").await.status, 429);
    sb.admin().advance_clock(Duration::from_secs(890));
    assert_eq!(get_auth(&sb, "/1/members/me").await.status, 200);
}

#[tokio::test]
async fn without_a_member_budget_member_routes_carry_no_member_headers() {
    let sb = limited(300, 100, 200).await;
    let r = get_auth(&sb, "/1/members/me").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-rate-limit-member-remaining"), None);
}
