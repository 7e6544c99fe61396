//! The cases of the transport behaviour suite, each written once for both clients and citing
//! the SPEC section it checks.

use std::error::Error as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use trello_auth_core::oauth1::{self, Callback, Consumer};
use trello_auth_core::Error as ClientError;
use trello_auth_core::Limit;
use trello_auth_core::TokenRejection;
use trello_auth_core::TransportErrorKind;
use trello_auth_core::{AppSecret, Placement, RateLimiter, RetryPolicy};
use trello_auth_sandbox::{Expiration, Fault, RateLimits, Scopes, TokenSpec};

use super::harness::{Cfg, Kind, Transport};

type SbPlacement = trello_auth_sandbox::Placement;

/// SPEC S3.1–S3.3: each placement reaches the sandbox as exactly that placement, and body
/// placement on a GET is refused before sending (S3.4).
pub fn each_placement(t: Transport) {
    let s = t.sandbox();
    let admin = s.sb.admin();
    let card = &s.sb.fixtures().card_id;
    for (placement, seen) in [
        (Placement::Header, SbPlacement::Header),
        (Placement::Query, SbPlacement::Query),
        (Placement::Body, SbPlacement::Body),
    ] {
        admin.clear_requests();
        let client = s.client(Cfg {
            placement,
            ..Cfg::default()
        });
        if placement == Placement::Body {
            let renamed = client
                .put(
                    &format!("/1/cards/{card}/name"),
                    json!({ "value": "Renamed" }),
                )
                .unwrap();
            assert_eq!(renamed["name"], "Renamed");
        } else {
            let me = client.me().unwrap();
            assert_eq!(me.username, s.sb.member().username);
        }
        let log = admin.requests();
        assert_eq!(log.len(), 1, "{log:?}");
        assert_eq!(log[0].placement, seen, "{placement:?}");
        assert_eq!(log[0].status, 200);
    }
    let body_on_get = s.client(Cfg {
        placement: Placement::Body,
        ..Cfg::default()
    });
    admin.clear_requests();
    assert_eq!(body_on_get.me().unwrap_err().code(), "body_not_allowed");
    assert!(admin.requests().is_empty(), "nothing was sent");
}

/// SPEC S5: the token resource reports scope and expiry.
pub fn token_info_reports_scope_and_expiry(t: Transport) {
    let s = t.sandbox();
    let info = s.client(Cfg::default()).token_info().unwrap();
    assert!(info.can_read() && info.can_write());
    assert_eq!(info.date_expires, None);
    let day =
        s.sb.admin()
            .mint_token(&TokenSpec {
                scopes: Scopes::READ,
                expiration: Expiration::OneDay,
                ..TokenSpec::default()
            })
            .unwrap();
    let info = s
        .client(Cfg {
            token: Some(day),
            ..Cfg::default()
        })
        .token_info()
        .unwrap();
    assert!(info.can_read() && !info.can_write());
    let left = info.date_expires.expect("a 1day token expires") - info.date_created;
    assert_eq!(left.whole_hours(), 24);
}

/// SPEC S5, S4.1: after `DELETE /1/tokens/{token}/` every call is a typed "re-authorize"
/// error, and the hook runs.
pub fn revoke_then_token_rejected(t: Transport) {
    let s = t.sandbox();
    let hooked = Arc::new(AtomicUsize::new(0));
    let seen = hooked.clone();
    let client = s.client(Cfg {
        hook: Some(Arc::new(move |reason| {
            assert_eq!(reason, TokenRejection::Invalid);
            seen.fetch_add(1, Ordering::SeqCst);
        })),
        ..Cfg::default()
    });
    client.me().unwrap();
    client.revoke().unwrap();
    let err = client.me().unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::TokenRejected {
                reason: TokenRejection::Invalid
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "token revoked: re-authorize");
    assert_eq!(hooked.load(Ordering::SeqCst), 1);
    // A rejected token is not retried.
    let answered_401 =
        s.sb.admin()
            .requests()
            .iter()
            .filter(|r| r.status == 401)
            .count();
    assert_eq!(answered_401, 1);
}

/// SPEC S4.1: a token past its expiration (moved there with the sandbox clock) is
/// `TokenRejected { Expired }`.
pub fn expiry_via_the_sandbox_clock(t: Transport) {
    let s = t.sandbox();
    let token =
        s.sb.admin()
            .mint_token(&TokenSpec {
                expiration: Expiration::OneHour,
                ..TokenSpec::default()
            })
            .unwrap();
    let client = s.client(Cfg {
        token: Some(token),
        ..Cfg::default()
    });
    client.me().unwrap();
    s.sb.admin().advance_clock(Duration::from_secs(2 * 3600));
    let err = client.me().unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::TokenRejected {
                reason: TokenRejection::Expired
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.to_string(), "token expired: re-authorize");
}

/// SPEC S4.3: with a small token budget, a client without pacing gets 429s and retries them
/// until each call succeeds; a client whose limiter knows the budget gets none; and the
/// default limiter, reading the `x-rate-limit-*` headers, pauses before the server refuses.
pub fn rate_limits_are_retried_or_avoided(t: Transport) {
    let window = Duration::from_millis(400);
    let s = t.sandbox_with(|b| b.rate_limits(RateLimits::new(300, 3, window)));
    let admin = s.sb.admin();
    let fresh = || admin.mint_token(&TokenSpec::default()).unwrap();
    let count_429 = || admin.requests().iter().filter(|r| r.status == 429).count();

    let unpaced = s.client(Cfg {
        token: Some(fresh()),
        limiter: None,
        retry: RetryPolicy::default()
            .with_base(Duration::from_millis(100))
            .with_max_retries(8),
        ..Cfg::default()
    });
    for _ in 0..7 {
        unpaced.me().unwrap();
    }
    assert!(count_429() >= 1, "the server refused some requests");

    for limiter in [
        RateLimiter::new(Limit::TRELLO_KEY, Limit::new(3, window)),
        RateLimiter::default(),
    ] {
        admin.clear_requests();
        let paced = s.client(Cfg {
            token: Some(fresh()),
            limiter: Some(limiter),
            retry: RetryPolicy::none(),
            ..Cfg::default()
        });
        for _ in 0..7 {
            paced.me().unwrap();
        }
        assert_eq!(count_429(), 0, "{:?}", admin.requests());
    }

    // Out of retries: the typed error.
    let hopeless = s.client(Cfg {
        token: Some(fresh()),
        limiter: None,
        retry: RetryPolicy::none(),
        ..Cfg::default()
    });
    let errors: Vec<_> = (0..5).filter_map(|_| hopeless.me().err()).collect();
    assert!(
        errors.iter().any(|e| e.code() == "rate_limited"),
        "{errors:?}"
    );
}

/// SPEC S4.2: injected 503s are retried for GET and PUT (idempotent), not for POST.
pub fn injected_503s_are_retried_when_idempotent(t: Transport) {
    let s = t.sandbox();
    let admin = s.sb.admin();
    let client = s.client(Cfg::default());
    admin.inject_fault(Fault::prefix("/1/members/me", 2).status(503));
    client.me().unwrap();
    let statuses: Vec<u16> = admin.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [503, 503, 200]);

    admin.clear_requests();
    let list = &s.sb.fixtures().list_id;
    admin.inject_fault(Fault::prefix("/1/cards", 1).status(503));
    let err = client
        .post(&format!("/1/cards?idList={list}&name=Once"), json!({}))
        .unwrap_err();
    assert!(
        matches!(err, ClientError::Server { status: 503 }),
        "{err:?}"
    );
    assert_eq!(admin.requests().len(), 1, "a POST is not resent");

    // Out of retries: the typed error.
    admin.inject_fault(Fault::prefix("/1/members/me", 10).status(503));
    let err = client.me().unwrap_err();
    assert_eq!(err.code(), "server_error");
    admin.clear_faults();
}

/// A connection dropped mid-response is retried for an idempotent request.
pub fn dropped_connections_are_retried(t: Transport) {
    let s = t.sandbox();
    let admin = s.sb.admin();
    let client = s.client(Cfg::default());
    admin.inject_fault(Fault::prefix("/1/members/me", 1).close());
    let me = client.me().unwrap();
    assert_eq!(me.username, s.sb.member().username);
    assert!(admin.requests().len() >= 2, "{:?}", admin.requests());

    admin.inject_fault(Fault::prefix("/1/members/me", 10).close());
    let once = s.client(Cfg {
        retry: RetryPolicy::none(),
        ..Cfg::default()
    });
    match once.me().unwrap_err() {
        ClientError::Transport(e) => assert_eq!(e.kind(), TransportErrorKind::Io, "{e:?}"),
        other => panic!("{other:?}"),
    }
    admin.clear_faults();
}

/// Latency above the total timeout fails with a timeout, retried for idempotent requests.
pub fn timeouts(t: Transport) {
    let s = t.sandbox();
    let admin = s.sb.admin();
    let slow = Fault::prefix("/1/members/me", 1).latency(Duration::from_secs(5));
    let client = s.client(Cfg {
        timeout: Duration::from_millis(300),
        ..Cfg::default()
    });
    // The first attempt would not be answered for an hour: success means it timed out and
    // was retried (a broken timeout hangs this test instead of passing it).
    admin.inject_fault(Fault::prefix("/1/members/me", 1).latency(Duration::from_secs(3600)));
    client.me().unwrap();

    admin.inject_fault(Fault { count: 10, ..slow });
    let once = s.client(Cfg {
        timeout: Duration::from_millis(300),
        retry: RetryPolicy::none(),
        ..Cfg::default()
    });
    match once.me().unwrap_err() {
        ClientError::Transport(e) => assert_eq!(e.kind(), TransportErrorKind::Timeout),
        other => panic!("{other:?}"),
    }
    admin.clear_faults();
}

/// SPEC S3.4: the attachment download answers 302 to another origin; the client returns it
/// and never follows it, and fetching it without credentials works.
pub fn attachment_redirect_is_not_followed_with_credentials(t: Transport) {
    let s = t.sandbox();
    let admin = s.sb.admin();
    let f = s.sb.fixtures();
    let client = s.client(Cfg::default());
    let path = format!(
        "/1/cards/{}/attachments/{}/download/{}",
        f.card_id, f.attachment_id, f.attachment_name
    );
    let request = http::Request::get(s.api().join(&path))
        .body(Vec::new())
        .unwrap();
    let response = client.execute(request).unwrap();
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(s.sb.storage_base()), "{location}");
    assert!(
        admin.storage_requests().is_empty(),
        "the redirect was not followed"
    );

    // The JSON methods see a redirect as unexpected.
    assert_eq!(client.get(&path).unwrap_err().code(), "unexpected");

    // The app follows it itself, without credentials.
    let file = s.send_bare(http::Request::get(&location).body(Vec::new()).unwrap());
    assert_eq!(file.status(), 200);
    let storage = admin.storage_requests();
    assert_eq!(storage.len(), 1);
    assert!(!storage[0].credentials_present);

    // Query credentials are refused by the download (SPEC S3.4): a permission error.
    let query = s.client(Cfg {
        placement: Placement::Query,
        ..Cfg::default()
    });
    let request = http::Request::get(s.api().join(&path))
        .body(Vec::new())
        .unwrap();
    assert_eq!(
        query.execute(request).unwrap_err().code(),
        "permission_denied"
    );
}

/// Many calls at once on one client: 64 in flight on hyper (HTTP/2 over TLS, pooled HTTP/1.1
/// otherwise), 16 threads on ureq; and the HTTP version each negotiates.
pub fn concurrent_calls(t: Transport) {
    let s = t.sandbox();
    let client = s.client(Cfg::default());
    let n = match t.kind {
        Kind::Hyper => 64,
        Kind::Ureq => 16,
    };
    let results = client.concurrent_me(n);
    assert_eq!(results.len(), n);
    for r in results {
        assert_eq!(r.unwrap().username, s.sb.member().username);
    }
    assert_eq!(s.sb.admin().requests().len(), n);

    // hyper negotiates HTTP/2 by ALPN over TLS; everything else is HTTP/1.1.
    let request = http::Request::get(s.api().join("/1/members/me"))
        .body(Vec::new())
        .unwrap();
    let version = client.execute(request).unwrap().version();
    let h2 = t.kind == Kind::Hyper && t.tls;
    assert_eq!(
        version,
        if h2 {
            http::Version::HTTP_2
        } else {
            http::Version::HTTP_11
        }
    );
}

/// No error a client returns shows the token, whatever the placement.
pub fn errors_never_show_credentials(t: Transport) {
    let s = t.sandbox();
    let token = s.sb.token().to_owned();
    for placement in [Placement::Header, Placement::Query] {
        let client = s.client(Cfg {
            placement,
            timeout: Duration::from_millis(300),
            retry: RetryPolicy::none(),
            ..Cfg::default()
        });
        s.sb.admin()
            .inject_fault(Fault::prefix("/1/members/me", 1).latency(Duration::from_secs(5)));
        let err = client.me().unwrap_err();
        let mut all = format!("{err}\n{err:?}\n");
        let mut cause = err.source();
        while let Some(e) = cause {
            all.push_str(&format!("{e}\n{e:?}\n"));
            cause = e.source();
        }
        assert!(!all.contains(&token), "{all}");
    }
}

/// SPEC S6: the OAuth 1.0a three-legged flow end to end (request token, consent submitted as a
/// browser would, callback, access token), then signed calls; a forged callback is refused.
pub fn oauth1_three_legged_flow(t: Transport) {
    let s = t.sandbox();
    let app = s.sb.app();
    let consumer = Consumer::new(&app.key, AppSecret::new(&app.secret).unwrap());
    let flow = s.client(Cfg::default());
    let callback = Callback::parse("http://localhost:8080/oauth/callback").unwrap();
    let request_token = flow.request_token(&consumer, &callback).unwrap();

    // The user's browser: the consent page, then "Allow".
    let url = oauth1::authorize_url(
        &s.auth(),
        &request_token,
        Some("Suite"),
        "read,write",
        "never",
    );
    let page = s.send_bare(http::Request::get(url.as_str()).body(Vec::new()).unwrap());
    assert_eq!(page.status(), 200);
    let page = String::from_utf8(page.into_body()).unwrap();
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in trello_auth_tests::browser::hidden_fields(&page) {
        form.append_pair(&name, &value);
    }
    form.append_pair("approve", "Allow");
    let approved = s.send_bare(
        http::Request::post(s.auth().join("/1/token/approve"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.finish().into_bytes())
            .unwrap(),
    );
    assert_eq!(approved.status(), 302);
    let location = approved.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("http://localhost:8080/oauth/callback?"),
        "{location}"
    );

    // A callback for another request token is refused.
    let forged = location.replace("oauth_token=", "oauth_token=x");
    assert_eq!(
        oauth1::parse_callback(&forged, &request_token)
            .unwrap_err()
            .code(),
        "token_mismatch"
    );
    let verifier = oauth1::parse_callback(&location, &request_token).unwrap();
    let access = flow
        .access_token(&consumer, &request_token, &verifier)
        .unwrap();

    // Signed calls with the access token.
    let signed = s.client(Cfg {
        oauth1: Some((consumer, access)),
        ..Cfg::default()
    });
    s.sb.admin().clear_requests();
    let me = signed.me().unwrap();
    assert_eq!(me.username, s.sb.member().username);
    let log = s.sb.admin().requests();
    assert_eq!(log.last().unwrap().placement, SbPlacement::SignedHeader);
    // Each attempt is signed afresh: a retried call is not a replayed nonce.
    s.sb.admin()
        .inject_fault(Fault::prefix("/1/members/me", 1).status(503));
    signed.me().unwrap();
    let info = signed.token_info().unwrap();
    assert!(info.can_read() && info.can_write());
}
