//! Unit tests of the sans-IO client loop: retries, pacing, verdict errors, the hook.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use http::header::CONTENT_TYPE;
use http::{HeaderName, HeaderValue, Method};

use proptest::prelude::*;

use super::*;
use crate::classify::{RateLimitKind, TokenRejection};
use crate::client::{ClientBuilder, Session};
use crate::rate_limit::{Limit, RateLimiter};
use crate::{ApiKey, Credentials, Origin, Placement, RetryPolicy, Token};

const KEY: &str = "0123456789abcdef0123456789abcdef";

fn creds() -> Credentials {
    Credentials::new(
        ApiKey::new(KEY).unwrap(),
        Token::new("f".repeat(64)).unwrap(),
    )
}

/// Key + token in the header, no rate limiter, seed 1: change what a test needs.
fn builder() -> ClientBuilder<Session> {
    Session::builder()
        .credentials(creds())
        .rate_limiter(None)
        .seed(1)
}

fn session() -> Session {
    builder().build()
}

fn response(status: u16, body: &str) -> Response {
    http::Response::builder()
        .status(status)
        .body(body.as_bytes().to_vec())
        .unwrap()
}

fn send(call: &mut Call<'_>) -> Request {
    match call.attempt(Instant::now(), || 0).unwrap() {
        Attempt::Send(request) => request,
        Attempt::Wait(d) => panic!("unexpected wait {d:?}"),
        Attempt::Refresh(r) => panic!("unexpected refresh {r:?}"),
        Attempt::Reserve(r) => panic!("unexpected reservation {r:?}"),
    }
}

#[test]
fn success_is_done_and_carries_credentials_once() {
    let session = session();
    let mut call = session.call(session.request(Method::GET, "/1/members/me", None).unwrap());
    let sent = send(&mut call);
    assert_eq!(sent.uri(), "https://api.trello.com/1/members/me");
    assert_eq!(sent.headers().get_all("authorization").iter().count(), 1);
    assert!(matches!(
        call.settle(Ok(response(200, "{}")), Instant::now),
        Next::Done(_)
    ));
}

#[test]
fn rate_limits_are_retried_for_any_method_then_reported() {
    let session = session();
    let mut call = session.call(
        session
            .request(
                Method::POST,
                "/1/cards",
                Some(("application/json", b"{}".to_vec())),
            )
            .unwrap(),
    );
    let limited = || {
        http::Response::builder()
            .status(429)
            .header("retry-after", "1")
            .body(br#"{"error":"API_TOKEN_LIMIT_EXCEEDED"}"#.to_vec())
            .unwrap()
    };
    for _ in 0..RetryPolicy::default().max_retries() {
        let _ = send(&mut call);
        let delay = call
            .settle(Ok(limited()), Instant::now)
            .retry_delay()
            .unwrap();
        assert!(
            delay >= Duration::from_secs(1),
            "Retry-After is a floor: {delay:?}"
        );
    }
    let _ = send(&mut call);
    match call.settle(Ok(limited()), Instant::now) {
        Next::Fail(Error::RateLimited { limit, retry_after }) => {
            assert_eq!(limit, RateLimitKind::Token);
            assert_eq!(retry_after, Some(Duration::from_secs(1)));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn server_errors_are_retried_only_when_idempotent() {
    let session = session();
    let mut get = session.call(session.request(Method::GET, "/1/members/me", None).unwrap());
    let _ = send(&mut get);
    assert!(get
        .settle(Ok(response(503, "")), Instant::now)
        .retry_delay()
        .is_some());
    let mut post = session.call(session.request(Method::POST, "/1/cards", None).unwrap());
    let _ = send(&mut post);
    match post.settle(Ok(response(503, "")), Instant::now) {
        Next::Fail(err) => {
            assert_eq!(err.code(), "server_error");
            assert_eq!(
                err.to_string(),
                "server error 503: Trello is failing; retry later"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn transport_failures_are_retried_when_safe() {
    let session = session();
    let io = || TransportError::new(TransportErrorKind::Io);
    let connect = || TransportError::new(TransportErrorKind::Connect);
    let mut post = session.call(session.request(Method::POST, "/1/cards", None).unwrap());
    let _ = send(&mut post);
    assert!(
        post.settle(Err(connect()), Instant::now)
            .retry_delay()
            .is_some(),
        "nothing was sent"
    );
    let _ = send(&mut post);
    assert!(matches!(
        post.settle(Err(io()), Instant::now),
        Next::Fail(Error::Transport(_))
    ));
    let mut get = session.call(session.request(Method::GET, "/1/members/me", None).unwrap());
    let _ = send(&mut get);
    assert!(get.settle(Err(io()), Instant::now).retry_delay().is_some());
    let refused = TransportError::new(TransportErrorKind::Refused);
    let _ = send(&mut get);
    assert!(matches!(
        get.settle(Err(refused), Instant::now),
        Next::Fail(_)
    ));
}

#[test]
fn redirects_are_done_not_followed() {
    let session = session();
    let mut call = session.call(
        session
            .request(Method::GET, "/1/cards/c/attachments/a/download/f.png", None)
            .unwrap(),
    );
    let _ = send(&mut call);
    let moved = http::Response::builder()
        .status(302)
        .header("location", "https://storage.example/f.png")
        .body(Vec::new())
        .unwrap();
    match call.settle(Ok(moved), Instant::now) {
        Next::Done(r) => assert_eq!(r.status(), 302),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_rejected_token_calls_the_hook_and_says_reauthorize() {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let session = builder()
        .on_token_rejected(move |reason| {
            assert_eq!(reason, TokenRejection::Expired);
            seen.fetch_add(1, Ordering::SeqCst);
        })
        .build();
    let mut call = session.call(session.request(Method::GET, "/1/members/me", None).unwrap());
    let _ = send(&mut call);
    match call.settle(Ok(response(401, "expired token")), Instant::now) {
        Next::Fail(err) => {
            assert!(err.is_token_rejected());
            assert_eq!(err.to_string(), "token expired: re-authorize");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // Other failures leave the hook alone.
    let mut call = session.call(session.request(Method::GET, "/1/members/me", None).unwrap());
    let _ = send(&mut call);
    assert!(matches!(
        call.settle(Ok(response(401, "invalid key")), Instant::now),
        Next::Fail(Error::KeyRejected)
    ));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn the_rate_limiter_paces_attempts() {
    let session = builder()
        .rate_limiter(Some(RateLimiter::new(
            Limit::TRELLO_KEY,
            Limit::new(1, Duration::from_secs(1)),
        )))
        .build();
    let t0 = Instant::now();
    let mut first = session.call(session.request(Method::GET, "/1/members/me", None).unwrap());
    assert!(matches!(first.attempt(t0, || 0).unwrap(), Attempt::Send(_)));
    let mut second = session.call(session.request(Method::GET, "/1/members/me", None).unwrap());
    match second.attempt(t0, || 0).unwrap() {
        Attempt::Wait(d) => assert_eq!(d, Duration::from_secs(1)),
        other => panic!("over budget: {other:?}"),
    }
    assert!(matches!(
        second.attempt(t0 + Duration::from_secs(1), || 0).unwrap(),
        Attempt::Send(_)
    ));
}

#[test]
fn spent_budgets_reported_by_the_server_pause_the_next_attempt() {
    let session = builder().rate_limiter(Some(RateLimiter::default())).build();
    let t0 = Instant::now();
    let mut call = session.call(session.request(Method::GET, "/1/members/me", None).unwrap());
    assert!(matches!(call.attempt(t0, || 0).unwrap(), Attempt::Send(_)));
    let spent = http::Response::builder()
        .status(200)
        .header("x-rate-limit-api-token-interval-ms", "2000")
        .header("x-rate-limit-api-token-max", "100")
        .header("x-rate-limit-api-token-remaining", "0")
        .body(b"{}".to_vec())
        .unwrap();
    assert!(matches!(call.settle(Ok(spent), || t0), Next::Done(_)));
    let mut next = session.call(session.request(Method::GET, "/1/members/me", None).unwrap());
    match next.attempt(t0, || 0).unwrap() {
        Attempt::Wait(d) => assert_eq!(d, Duration::from_secs(2)),
        other => panic!("the server said the budget is spent: {other:?}"),
    }
}

#[test]
fn placement_errors_surface_from_attempt() {
    let session = builder().placement(Placement::Body).build();
    let mut call = session.call(session.request(Method::GET, "/1/members/me", None).unwrap());
    assert_eq!(
        call.attempt(Instant::now(), || 0).unwrap_err().code(),
        "body_not_allowed"
    );
}

#[test]
fn paths_are_validated() {
    let session = session();
    for bad in ["1/members/me", "//evil.example/x", "/a b", "/x#frag", ""] {
        assert_eq!(
            session.request(Method::GET, bad, None).unwrap_err().code(),
            "invalid_request",
            "{bad:?}"
        );
    }
    let ok = session
        .request(Method::GET, "/1/boards/abc?fields=name,url", None)
        .unwrap();
    assert_eq!(
        ok.uri(),
        "https://api.trello.com/1/boards/abc?fields=name,url"
    );
}

#[test]
fn the_api_base_rebinds_the_credentials() {
    let sandbox = Origin::parse("http://127.0.0.1:9000").unwrap();
    let session = builder().api_base(sandbox).build();
    let mut call = session.call(session.request(Method::GET, "/1/members/me", None).unwrap());
    assert_eq!(send(&mut call).uri(), "http://127.0.0.1:9000/1/members/me");
}

#[test]
fn jitter_is_uniform_in_unit_interval_and_seeded() {
    let a = builder().seed(42).build();
    let b = builder().seed(42).build();
    let draws: Vec<f64> = (0..1000).map(|_| a.jitter()).collect();
    assert!(draws.iter().all(|j| (0.0..1.0).contains(j)));
    assert_eq!(draws[0], b.jitter());
    let mean = draws.iter().sum::<f64>() / draws.len() as f64;
    assert!((0.4..0.6).contains(&mean), "{mean}");
}

proptest! {
    /// Whatever the server answers, a call ends after at most max_retries retries, and never
    /// panics.
    #[test]
    fn calls_end_within_the_retry_bound(
        statuses in proptest::collection::vec(100u16..600, 1..12),
        post in any::<bool>(),
    ) {
        let session = session();
        let method = if post { Method::POST } else { Method::GET };
        let mut call = session.call(session.request(method, "/1/x", None).unwrap());
        let mut retries = 0;
        for status in statuses {
            let _ = send(&mut call);
            match call.settle(Ok(response(status, "")), Instant::now) {
                Next::Retry(_) => retries += 1,
                Next::Done(_) | Next::Fail(_) => break,
            }
        }
        prop_assert!(retries <= RetryPolicy::default().max_retries());
        prop_assert_eq!(call.retries(), retries);
    }
}

proptest! {
    /// The shortcut agrees with the full parse: it says "spent" exactly when the parsed
    /// status is exhausted.
    #[test]
    fn budget_shortcut_matches_the_full_parse(
        key in proptest::option::of("[ 0-9a-z]{0,4}"),
        token in proptest::option::of("[ 0-9a-z]{0,4}"),
    ) {
        let mut headers = HeaderMap::new();
        for (scope, remaining) in [("key", key), ("token", token)] {
            if let Some(remaining) = remaining {
                let name = |suffix: &str| -> HeaderName {
                    format!("x-rate-limit-api-{scope}-{suffix}").parse().unwrap()
                };
                headers.insert(name("interval-ms"), HeaderValue::from_static("10000"));
                headers.insert(name("max"), HeaderValue::from_static("100"));
                headers.insert(name("remaining"), HeaderValue::from_str(&remaining).unwrap());
            }
        }
        prop_assert_eq!(
            budget_spent(&headers),
            RateLimitStatus::from_headers(&headers).is_exhausted()
        );
    }
}

#[test]
fn oauth1_sessions_sign_each_attempt_afresh_and_only_for_the_api() {
    use crate::oauth1::{Consumer, TokenCredentials};
    use crate::{AppSecret, TokenSecret};

    let consumer = Consumer::new(KEY, AppSecret::new("a".repeat(64)).unwrap());
    let token = TokenCredentials::new(Token::new("b".repeat(64)).unwrap(), TokenSecret::new("c"));
    let session = Session::builder()
        .oauth1(consumer, token)
        .rate_limiter(None)
        .seed(3)
        .build();
    assert_eq!(
        session.auth().token().unwrap().expose_secret(),
        "b".repeat(64)
    );
    let mut call = session.call(session.request(Method::GET, "/1/members/me", None).unwrap());
    let first = send(&mut call);
    assert!(call
        .settle(Ok(response(503, "")), Instant::now)
        .retry_delay()
        .is_some());
    let second = send(&mut call);
    let header = |r: &Request| r.headers()["authorization"].to_str().unwrap().to_owned();
    assert!(header(&first).starts_with("OAuth "));
    assert!(header(&first).contains("oauth_signature="));
    assert_ne!(header(&first), header(&second), "a fresh nonce per attempt");

    let foreign = http::Request::get("https://example.com/1/members/me")
        .body(Vec::new())
        .unwrap();
    assert_eq!(
        session
            .call(foreign)
            .attempt(Instant::now(), || 0)
            .unwrap_err()
            .code(),
        "foreign_host"
    );
}

#[test]
fn a_retried_request_is_the_same_request() {
    let mut template = http::Request::post("https://api.trello.com/1/cards?idList=x")
        .header(CONTENT_TYPE, "application/json")
        .header("x-extra", "1")
        .body(br#"{"name":"a"}"#.to_vec())
        .unwrap();
    *template.version_mut() = http::Version::HTTP_2;
    let copy = duplicate(&template);
    assert_eq!(copy.method(), template.method());
    assert_eq!(copy.uri(), template.uri());
    assert_eq!(copy.version(), template.version());
    assert_eq!(copy.headers(), template.headers());
    assert_eq!(copy.body(), template.body());
    let bare = http::Request::get("https://api.trello.com/1/members/me")
        .body(Vec::new())
        .unwrap();
    assert!(duplicate(&bare).headers().is_empty());
}
