//! `HyperTransport` against local servers: what it sends, what it returns, how it fails, and
//! that no failure ever shows a URL query, a header value or a body.

use std::error::Error as _;
use std::time::Duration;

use trello_auth_core::TransportErrorKind;
use trello_auth_core::{Transport, TransportError};
use trello_auth_hyper::HyperTransport;

use crate::server::{closed_port, respond, serve, serve_raw};

const CANARY: &str = "CANARY7f3a9c";

/// Every rendering of the error and of its whole source chain.
fn renderings(err: &TransportError) -> String {
    let mut all = format!("{err}\n{err:?}\n");
    let mut cause = err.source();
    while let Some(e) = cause {
        all.push_str(&format!("{e}\n{e:?}\n"));
        cause = e.source();
    }
    all
}

fn canary_request(url: String) -> trello_auth_core::Request {
    http::Request::post(url)
        .header("authorization", format!("OAuth oauth_token=\"{CANARY}\""))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={CANARY}").into_bytes())
        .unwrap()
}

#[tokio::test]
async fn connect_failure_never_shows_the_query_header_or_body() {
    let url = format!(
        "http://127.0.0.1:{}/1/members/me?key=k&token={CANARY}",
        closed_port()
    );
    let err = HyperTransport::new()
        .send(canary_request(url))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Connect);
    assert!(err.is_transient());
    let all = renderings(&err);
    assert!(!all.contains(CANARY), "{all}");
    assert!(!all.contains("token="), "{all}");
    assert!(err.source().is_some(), "the cause is kept, sanitized");
}

#[tokio::test]
async fn tls_failure_never_shows_the_query() {
    // A plain-HTTP server spoken to in TLS: the handshake fails.
    let server = serve(|_| async { respond(200, "{}") }).await;
    let url = format!("https://{}/1/members/me?token={CANARY}", server.addr);
    let err = HyperTransport::new()
        .send(canary_request(url))
        .await
        .unwrap_err();
    let all = renderings(&err);
    assert!(!all.contains(CANARY), "{all}");
}

#[tokio::test]
async fn plain_http_to_a_non_loopback_host_is_refused_before_connecting() {
    let err = HyperTransport::new()
        .send(canary_request(format!(
            "http://api.trello.com/1/members/me?token={CANARY}"
        )))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Refused);
    assert!(!renderings(&err).contains(CANARY));
}

#[tokio::test]
async fn danger_option_allows_plain_http_to_a_non_loopback_address() {
    // 0.0.0.0 is not loopback by the SPEC S3.4 rule, yet Linux connects it to this host, so
    // the test sends nothing off the machine.
    let server = serve(|_| async { respond(200, "ok") }).await;
    let url = format!("http://0.0.0.0:{}/", server.addr.port());
    let refused = HyperTransport::new()
        .send(http::Request::get(&url).body(Vec::new()).unwrap())
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), TransportErrorKind::Refused);
    let transport = HyperTransport::builder()
        .danger_allow_http_to_non_loopback(true)
        .build()
        .unwrap();
    let response = transport
        .send(http::Request::get(&url).body(Vec::new()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.body(), b"ok");
}

#[tokio::test]
async fn sends_method_headers_and_body_and_returns_status_headers_and_body() {
    let server = serve(|seen| async move {
        let mut echo = format!("{} {}\n", seen.method(), seen.uri()).into_bytes();
        echo.extend_from_slice(seen.headers()["x-probe"].as_bytes());
        echo.push(b'\n');
        echo.extend_from_slice(seen.body());
        http::Response::builder()
            .status(201)
            .header("x-answer", "yes")
            .body(echo)
            .unwrap()
    })
    .await;
    let request = http::Request::put(server.url("/1/cards/abc?x=1"))
        .header("x-probe", "probe-value")
        .body(b"name=Done".to_vec())
        .unwrap();
    let response = HyperTransport::new().send(request).await.unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["x-answer"], "yes");
    assert_eq!(
        String::from_utf8(response.into_body()).unwrap(),
        "PUT /1/cards/abc?x=1\nprobe-value\nname=Done"
    );
}

#[tokio::test]
async fn error_statuses_are_responses_not_errors() {
    let server = serve(|_| async { respond(401, "invalid token") }).await;
    let response = HyperTransport::new()
        .send(
            http::Request::get(server.url("/1/members/me"))
                .body(Vec::new())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(response.body(), b"invalid token");
}

#[tokio::test]
async fn redirects_are_returned_not_followed() {
    let target = serve(|_| async { respond(200, "followed") }).await;
    let location = target.url("/storage/file.png");
    let server = serve(move |_| {
        let location = location.clone();
        async move {
            http::Response::builder()
                .status(302)
                .header("location", location)
                .body(Vec::new())
                .unwrap()
        }
    })
    .await;
    let response = HyperTransport::new()
        .send(
            http::Request::get(server.url("/1/cards/c/attachments/a/download/file.png"))
                .header("authorization", "OAuth oauth_token=\"t\"")
                .body(Vec::new())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    assert_eq!(
        target.connections(),
        0,
        "the redirect target was never contacted"
    );
}

#[tokio::test]
async fn connections_are_reused() {
    let server = serve(|_| async { respond(200, "{}") }).await;
    let transport = HyperTransport::new();
    for _ in 0..5 {
        let response = transport
            .send(
                http::Request::get(server.url("/1/members/me"))
                    .body(Vec::new())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn total_timeout_elapses_on_a_slow_server() {
    let server = serve(|_| async {
        tokio::time::sleep(Duration::from_secs(30)).await;
        respond(200, "late")
    })
    .await;
    let transport = HyperTransport::builder()
        .timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    // The server would answer after 30 s: only the timeout makes this an error.
    let err = transport
        .send(
            http::Request::get(server.url("/?token=x"))
                .body(Vec::new())
                .unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Timeout);
}

#[tokio::test]
async fn a_dropped_connection_is_an_io_error() {
    let addr = serve_raw(b"").await;
    let err = HyperTransport::new()
        .send(
            http::Request::get(format!("http://{addr}/?token={CANARY}"))
                .body(Vec::new())
                .unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Io, "{err:?}");
    assert!(err.is_transient());
    assert!(!renderings(&err).contains(CANARY));
}

#[tokio::test]
async fn garbage_is_a_protocol_error() {
    let addr = serve_raw(b"HTTP/9 banana\r\n\r\n").await;
    let err = HyperTransport::new()
        .send(
            http::Request::get(format!("http://{addr}/"))
                .body(Vec::new())
                .unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Protocol, "{err:?}");
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let server = serve(|_| async { respond(200, &"x".repeat(4096)) }).await;
    let transport = HyperTransport::builder()
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let err = transport
        .send(
            http::Request::get(server.url("/"))
                .body(Vec::new())
                .unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Protocol);
}

#[tokio::test]
async fn a_users_own_client_is_driven_too() {
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;
    let server = serve(|_| async { respond(200, "mine") }).await;
    let client = Client::builder(TokioExecutor::new()).build_http::<trello_auth_hyper::Body>();
    let transport = HyperTransport::from_client(client);
    let response = transport
        .send(
            http::Request::get(server.url("/"))
                .body(Vec::new())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.body(), b"mine");
    let err = transport
        .send(
            http::Request::get("http://api.trello.com/")
                .body(Vec::new())
                .unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Refused);
}
