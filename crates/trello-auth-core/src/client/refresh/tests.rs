//! Unit tests of the OAuth 2.0 refresh policy (SPEC S8.5, S8.7) as a call walks it: when a
//! refresh happens, that one refresh serves every waiting call, the rotation hook before the
//! new token's first use, and the end of a grant.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::*;
use crate::client::{Attempt, Call, Next};
use crate::oauth2::{AccessToken, ClientCredentials, RefreshToken, TokenSet};
use crate::{Error, Origin, Response, TransportErrorKind};

const NOW: u64 = 1_700_000_000;
const CANARY: &str = "CANARY-c4n4ry-s3cr3t";

fn tokens(access: &str, refresh: Option<&str>, expires_at: u64) -> TokenSet {
    TokenSet::new(
        AccessToken::new(access).unwrap(),
        refresh.map(|r| RefreshToken::new(r).unwrap()),
        Some(expires_at),
        vec!["read:member:trello".into()],
    )
}

/// What a test sees of a session: the hook calls and the saved sets.
#[derive(Default)]
struct Seen {
    rejected: Mutex<Vec<TokenRejection>>,
    saved: Mutex<Vec<String>>,
    /// How many saves fail before one succeeds.
    failures: AtomicUsize,
}

fn session(set: TokenSet, seen: &Arc<Seen>) -> Session {
    let (hook_seen, reject_seen) = (Arc::clone(seen), Arc::clone(seen));
    let grant = Grant::new(ClientCredentials::public("app").unwrap(), set).on_tokens(move |t| {
        let failed = hook_seen
            .failures
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        hook_seen
            .saved
            .lock()
            .unwrap()
            .push(t.access_token().expose_secret().to_owned());
        if failed {
            Err("the disk is full".into())
        } else {
            Ok(())
        }
    });
    Session::builder()
        .oauth2(grant)
        .api_base(Origin::parse("https://api.example.test").unwrap())
        .auth_base(Origin::parse("https://auth.example.test").unwrap())
        .rate_limiter(None)
        .on_token_rejected(move |reason| reject_seen.rejected.lock().unwrap().push(reason))
        .build()
}

fn call(session: &Session) -> Call<'_> {
    session.call(session.members_me_request())
}

fn response(status: u16, body: &str) -> Response {
    http::Response::builder()
        .status(status)
        .body(body.as_bytes().to_vec())
        .unwrap()
}

fn rotated(access: &str, refresh: &str) -> Response {
    response(
        200,
        &format!(
            r#"{{"access_token":"{access}","refresh_token":"{refresh}","expires_in":3600,"token_type":"Bearer"}}"#
        ),
    )
}

/// The bearer token of the call's next attempt, which must be a send.
fn sent_bearer(call: &mut Call<'_>) -> String {
    match call.attempt(Instant::now(), || NOW).unwrap() {
        Attempt::Send(request) => request.headers()["authorization"]
            .to_str()
            .unwrap()
            .to_owned(),
        other => panic!("expected a send, got {other:?}"),
    }
}

fn refresh<'s>(call: &mut Call<'s>) -> Refresh<'s> {
    match call.attempt(Instant::now(), || NOW).unwrap() {
        Attempt::Refresh(refresh) => refresh,
        other => panic!("expected a refresh, got {other:?}"),
    }
}

/// The body of a refresh request, as JSON.
fn body(request: &Request) -> serde_json::Value {
    serde_json::from_slice(request.body()).unwrap()
}

#[test]
fn a_fresh_token_is_sent_as_bearer_without_refresh() {
    let seen = Arc::default();
    let session = session(tokens("at-1", Some("rt-1"), NOW + 61), &seen);
    assert_eq!(sent_bearer(&mut call(&session)), "Bearer at-1");
    assert!(seen.saved.lock().unwrap().is_empty());
}

#[test]
fn under_60_s_left_refreshes_first_and_saves_before_use() {
    let seen = Arc::default();
    let session = session(tokens("at-1", Some("rt-1"), NOW + 60), &seen);
    let mut call = call(&session);
    let refresh = refresh(&mut call);
    let flight = refresh.lock_blocking();
    let request = refresh.start(&flight, NOW).unwrap().expect("a request");
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(request.uri(), "https://auth.example.test/oauth/token");
    assert_eq!(body(&request)["grant_type"], "refresh_token");
    assert_eq!(body(&request)["refresh_token"], "rt-1");
    refresh
        .finish(&flight, Ok(rotated("at-2", "rt-2")), NOW)
        .unwrap();
    drop(flight);
    // The hook saw the new set before any request used it.
    assert_eq!(*seen.saved.lock().unwrap(), ["at-2"]);
    assert_eq!(sent_bearer(&mut call), "Bearer at-2");
    let grant = session.grant().unwrap();
    assert_eq!(
        grant.tokens().refresh_token().unwrap().expose_secret(),
        "rt-2"
    );
    assert_eq!(grant.tokens().expires_at(), Some(NOW + 3600));
}

#[test]
fn many_waiting_calls_make_one_refresh() {
    let seen = Arc::default();
    let session = session(tokens("at-1", Some("rt-1"), NOW - 1), &seen);
    let mut calls: Vec<_> = (0..8).map(|_| call(&session)).collect();
    let refreshes: Vec<_> = calls.iter_mut().map(refresh).collect();
    let mut sent = 0;
    for refresh in &refreshes {
        let flight = refresh.lock_blocking();
        if refresh.start(&flight, NOW).unwrap().is_some() {
            sent += 1;
            refresh
                .finish(&flight, Ok(rotated("at-2", "rt-2")), NOW)
                .unwrap();
        }
    }
    assert_eq!(sent, 1, "one token request for all the waiting calls");
    drop(refreshes);
    for call in &mut calls {
        assert_eq!(sent_bearer(call), "Bearer at-2");
    }
    assert_eq!(seen.saved.lock().unwrap().len(), 1, "one save per rotation");
}

#[test]
fn a_401_refreshes_once_and_retries_at_once() {
    let seen = Arc::default();
    let session = session(tokens("at-1", Some("rt-1"), NOW + 3600), &seen);
    let mut call = call(&session);
    assert_eq!(sent_bearer(&mut call), "Bearer at-1");
    // SPEC S8.7: the body of a Bearer 401 is not documented; any 401 counts.
    let next = call.settle(Ok(response(401, "")), Instant::now);
    assert_eq!(next.retry_delay(), Some(std::time::Duration::ZERO));
    let refresh = refresh(&mut call);
    let flight = refresh.lock_blocking();
    assert!(refresh.start(&flight, NOW).unwrap().is_some());
    refresh
        .finish(&flight, Ok(rotated("at-2", "rt-2")), NOW)
        .unwrap();
    drop(flight);
    assert_eq!(sent_bearer(&mut call), "Bearer at-2");
    assert!(matches!(
        call.settle(Ok(response(200, "{}")), Instant::now),
        Next::Done(_)
    ));
}

#[test]
fn a_second_401_ends_the_grant_and_the_hook_hears_it_once() {
    let seen: Arc<Seen> = Arc::default();
    let session = session(tokens("at-1", Some("rt-1"), NOW + 3600), &seen);
    let mut call = call(&session);
    sent_bearer(&mut call);
    let _ = call.settle(Ok(response(401, "invalid token")), Instant::now);
    let refresh = refresh(&mut call);
    let flight = refresh.lock_blocking();
    refresh.start(&flight, NOW).unwrap();
    refresh
        .finish(&flight, Ok(rotated("at-2", "rt-2")), NOW)
        .unwrap();
    drop(flight);
    sent_bearer(&mut call);
    let Next::Fail(error) = call.settle(Ok(response(401, "")), Instant::now) else {
        panic!("a second 401 is final");
    };
    assert_eq!(
        error.to_string(),
        "OAuth 2.0 grant revoked (the refresh was refused or the refreshed token rejected): authorize the user again"
    );
    assert!(session.grant().unwrap().has_ended());
    // Later calls fail at once, with no request and no second hook call.
    let later = session.members_me_request();
    let error = session
        .call(later)
        .attempt(Instant::now(), || NOW)
        .unwrap_err();
    assert!(matches!(
        error,
        Error::TokenRejected {
            reason: TokenRejection::GrantRevoked
        }
    ));
    assert_eq!(
        *seen.rejected.lock().unwrap(),
        [TokenRejection::GrantRevoked]
    );
}

#[test]
fn invalid_grant_on_refresh_ends_the_grant_until_replaced() {
    let seen: Arc<Seen> = Arc::default();
    let session = session(tokens("at-1", Some("rt-1"), NOW - 1), &seen);
    let mut call = call(&session);
    let refresh = refresh(&mut call);
    let flight = refresh.lock_blocking();
    refresh.start(&flight, NOW).unwrap();
    let denied = response(
        403,
        r#"{"error":"invalid_grant","error_description":"Unknown or invalid refresh token."}"#,
    );
    let error = refresh.finish(&flight, Ok(denied), NOW).unwrap_err();
    assert_eq!(error.code(), "token_rejected");
    drop(flight);
    assert_eq!(
        *seen.rejected.lock().unwrap(),
        [TokenRejection::GrantRevoked]
    );
    assert!(call.attempt(Instant::now(), || NOW).is_err());
    // A new authorization brings the grant back.
    let grant = session.grant().unwrap();
    grant.replace(tokens("at-9", Some("rt-9"), NOW + 3600));
    assert!(!grant.has_ended());
    assert_eq!(sent_bearer(&mut call), "Bearer at-9");
}

#[test]
fn a_failing_hook_keeps_the_new_set_and_never_spends_the_old_refresh_token_twice() {
    let seen: Arc<Seen> = Arc::default();
    seen.failures.store(1, Ordering::SeqCst);
    let session = session(tokens("at-1", Some("rt-1"), NOW - 1), &seen);
    let mut first = call(&session);
    let refresh1 = refresh(&mut first);
    let flight = refresh1.lock_blocking();
    refresh1.start(&flight, NOW).unwrap().expect("a request");
    let error = refresh1
        .finish(&flight, Ok(rotated("at-2", "rt-2")), NOW)
        .unwrap_err();
    drop(flight);
    assert_eq!(error.code(), "tokens_not_saved");
    assert!(!error.to_string().contains("at-2"), "{error}");
    assert_eq!(
        std::error::Error::source(&error).unwrap().to_string(),
        "the disk is full"
    );
    // The next call saves again before it uses the new token, and sends no token request.
    let mut second = call(&session);
    let refresh2 = refresh(&mut second);
    let flight = refresh2.lock_blocking();
    assert!(refresh2.start(&flight, NOW).unwrap().is_none());
    drop(flight);
    assert_eq!(sent_bearer(&mut second), "Bearer at-2");
    assert_eq!(*seen.saved.lock().unwrap(), ["at-2", "at-2"]);
}

#[test]
fn a_transport_failure_keeps_the_grant_for_the_next_call() {
    let seen = Arc::default();
    let session = session(tokens("at-1", Some("rt-1"), NOW - 1), &seen);
    let mut call = call(&session);
    let refresh1 = refresh(&mut call);
    let flight = refresh1.lock_blocking();
    refresh1.start(&flight, NOW).unwrap();
    let lost = TransportError::new(TransportErrorKind::Io);
    assert_eq!(
        refresh1.finish(&flight, Err(lost), NOW).unwrap_err().code(),
        "transport"
    );
    drop(flight);
    let refresh2 = refresh(&mut call);
    let flight = refresh2.lock_blocking();
    let again = refresh2.start(&flight, NOW).unwrap().expect("a request");
    assert_eq!(body(&again)["refresh_token"], "rt-1");
}

#[test]
fn an_expired_token_without_refresh_token_is_tried_then_ends() {
    let seen: Arc<Seen> = Arc::default();
    let session = session(tokens("at-1", None, NOW - 1), &seen);
    let mut call = call(&session);
    // No refresh token: the server decides.
    assert_eq!(sent_bearer(&mut call), "Bearer at-1");
    let _ = call.settle(Ok(response(401, "")), Instant::now);
    let refresh = refresh(&mut call);
    let flight = refresh.lock_blocking();
    let error = refresh.start(&flight, NOW).unwrap_err();
    assert_eq!(error.code(), "token_rejected");
    assert_eq!(seen.rejected.lock().unwrap().len(), 1);
}

#[test]
fn a_401_for_an_old_token_uses_the_newer_one_without_refresh() {
    let seen = Arc::default();
    let session = session(tokens("at-1", Some("rt-1"), NOW + 3600), &seen);
    let (mut slow, mut fast) = (call(&session), call(&session));
    sent_bearer(&mut slow);
    sent_bearer(&mut fast);
    let _ = fast.settle(Ok(response(401, "")), Instant::now);
    let refresh = refresh(&mut fast);
    let flight = refresh.lock_blocking();
    refresh.start(&flight, NOW).unwrap();
    refresh
        .finish(&flight, Ok(rotated("at-2", "rt-2")), NOW)
        .unwrap();
    drop(flight);
    // The slow call's 401 was for at-1, already replaced: it retries with at-2 at once.
    let _ = slow.settle(Ok(response(401, "")), Instant::now);
    assert_eq!(sent_bearer(&mut slow), "Bearer at-2");
}

#[test]
fn a_server_without_rotation_keeps_the_refresh_token() {
    let seen = Arc::default();
    let session = session(tokens("at-1", Some("rt-1"), NOW - 1), &seen);
    let mut call = call(&session);
    let refresh = refresh(&mut call);
    let flight = refresh.lock_blocking();
    refresh.start(&flight, NOW).unwrap();
    let answer = response(200, r#"{"access_token":"at-2","expires_in":3600}"#);
    refresh.finish(&flight, Ok(answer), NOW).unwrap();
    let kept = session.grant().unwrap().tokens();
    assert_eq!(kept.refresh_token().unwrap().expose_secret(), "rt-1");
}

#[test]
fn token_routes_refuse_oauth2_credentials() {
    let session = session(tokens("at-1", Some("rt-1"), NOW + 3600), &Arc::default());
    for error in [
        session.token_info_request().unwrap_err(),
        session.revoke_request().unwrap_err(),
    ] {
        assert_eq!(error.code(), "invalid_request");
        assert!(error.to_string().contains("key + token"), "{error}");
    }
}

#[test]
fn bearer_goes_to_the_api_origin_only() {
    let session = session(tokens("at-1", Some("rt-1"), NOW + 3600), &Arc::default());
    let foreign = http::Request::get("https://elsewhere.example.test/1/members/me")
        .body(Vec::new())
        .unwrap();
    let error = session
        .call(foreign)
        .attempt(Instant::now(), || NOW)
        .unwrap_err();
    assert_eq!(error.code(), "foreign_host");
}

#[test]
fn debug_never_shows_the_tokens() {
    let seen = Arc::default();
    let session = session(tokens(CANARY, Some(CANARY), NOW - 1), &seen);
    let mut call = call(&session);
    let refresh = refresh(&mut call);
    let flight = refresh.lock_blocking();
    let shown = format!(
        "{session:?} {:?} {refresh:?} {flight:?} {:?}",
        session.grant().unwrap(),
        session.grant().unwrap().tokens()
    );
    assert!(!shown.contains(CANARY), "{shown}");
    assert!(!shown.contains("c4n4ry"), "{shown}");
}
