//! `UreqTransport` against local servers: what it sends, what it returns, how it fails, and
//! that no failure ever shows a URL query, a header value or a body.

use std::error::Error as _;
use std::future::Future;
use std::time::Duration;

use trello_auth_core::TransportErrorKind;
use trello_auth_core::{BlockingTransport, TransportError};
use trello_auth_ureq::UreqTransport;

use crate::server::{closed_port, respond, serve, serve_raw, Seen, Server};

const CANARY: &str = "CANARY7f3a9c";

/// A Tokio runtime serving a test server while the test blocks on ureq.
struct Background(tokio::runtime::Runtime);

impl Background {
    fn new() -> Self {
        Self(
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap(),
        )
    }

    fn serve<F, Fut>(&self, handler: F) -> Server
    where
        F: Fn(Seen) -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = http::Response<Vec<u8>>> + Send + 'static,
    {
        self.0.block_on(serve(handler))
    }

    fn serve_raw(&self, raw: &'static [u8]) -> std::net::SocketAddr {
        self.0.block_on(serve_raw(raw))
    }
}

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

fn get(url: impl AsRef<str>) -> trello_auth_core::Request {
    http::Request::get(url.as_ref()).body(Vec::new()).unwrap()
}

#[test]
fn connect_failure_never_shows_the_query_header_or_body() {
    let url = format!(
        "http://127.0.0.1:{}/1/members/me?key=k&token={CANARY}",
        closed_port()
    );
    let err = UreqTransport::new().send(canary_request(url)).unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Connect, "{err:?}");
    assert!(err.is_transient());
    let all = renderings(&err);
    assert!(!all.contains(CANARY), "{all}");
    assert!(!all.contains("token="), "{all}");
    assert!(err.source().is_some(), "the cause is kept, sanitized");
}

#[test]
fn tls_failure_never_shows_the_query() {
    let rt = Background::new();
    let server = rt.serve(|_| async { respond(200, "{}") });
    let url = format!("https://{}/1/members/me?token={CANARY}", server.addr);
    let err = UreqTransport::new().send(canary_request(url)).unwrap_err();
    let all = renderings(&err);
    assert!(!all.contains(CANARY), "{all}");
}

#[test]
fn plain_http_to_a_non_loopback_host_is_refused_before_connecting() {
    let err = UreqTransport::new()
        .send(canary_request(format!(
            "http://api.trello.com/1/members/me?token={CANARY}"
        )))
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Refused);
    assert!(!renderings(&err).contains(CANARY));
}

#[test]
fn danger_option_allows_plain_http_to_a_non_loopback_address() {
    // 0.0.0.0 is not loopback by the SPEC S3.4 rule, yet Linux connects it to this host, so
    // the test sends nothing off the machine.
    let rt = Background::new();
    let server = rt.serve(|_| async { respond(200, "ok") });
    let url = format!("http://0.0.0.0:{}/", server.addr.port());
    let refused = UreqTransport::new().send(get(&url)).unwrap_err();
    assert_eq!(refused.kind(), TransportErrorKind::Refused);
    let transport = UreqTransport::builder()
        .danger_allow_http_to_non_loopback(true)
        .build()
        .unwrap();
    assert_eq!(transport.send(get(&url)).unwrap().body(), b"ok");
}

#[test]
fn sends_method_headers_and_body_and_returns_status_headers_and_body() {
    let rt = Background::new();
    let server = rt.serve(|seen| async move {
        let mut echo = format!("{} {}\n", seen.method(), seen.uri()).into_bytes();
        echo.extend_from_slice(seen.headers()["x-probe"].as_bytes());
        echo.push(b'\n');
        echo.extend_from_slice(seen.body());
        http::Response::builder()
            .status(201)
            .header("x-answer", "yes")
            .body(echo)
            .unwrap()
    });
    let request = http::Request::put(server.url("/1/cards/abc?x=1"))
        .header("x-probe", "probe-value")
        .body(b"name=Done".to_vec())
        .unwrap();
    let response = UreqTransport::new().send(request).unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["x-answer"], "yes");
    assert_eq!(
        String::from_utf8(response.into_body()).unwrap(),
        "PUT /1/cards/abc?x=1\nprobe-value\nname=Done"
    );
}

#[test]
fn a_get_goes_without_any_body_framing() {
    let rt = Background::new();
    let server = rt.serve(|seen| async move {
        let framed = seen.headers().contains_key("content-length")
            || seen.headers().contains_key("transfer-encoding");
        respond(200, if framed { "framed" } else { "bare" })
    });
    let response = UreqTransport::new()
        .send(get(server.url("/1/members/me")))
        .unwrap();
    assert_eq!(response.body(), b"bare");
}

#[test]
fn error_statuses_are_responses_not_errors() {
    let rt = Background::new();
    let server = rt.serve(|_| async { respond(401, "invalid token") });
    for transport in [
        UreqTransport::new(),
        UreqTransport::from_agent(ureq::Agent::new_with_defaults()),
    ] {
        let response = transport.send(get(server.url("/1/members/me"))).unwrap();
        assert_eq!(response.status(), 401);
        assert_eq!(response.body(), b"invalid token");
    }
}

#[test]
fn redirects_are_returned_not_followed_even_by_a_following_agent() {
    let rt = Background::new();
    let target = rt.serve(|_| async { respond(200, "followed") });
    let location = target.url("/storage/file.png");
    let server = rt.serve(move |_| {
        let location = location.clone();
        async move {
            http::Response::builder()
                .status(302)
                .header("location", location)
                .body(Vec::new())
                .unwrap()
        }
    });
    for transport in [
        UreqTransport::new(),
        UreqTransport::from_agent(ureq::Agent::new_with_defaults()),
    ] {
        let request = http::Request::get(server.url("/1/cards/c/attachments/a/download/f.png"))
            .header("authorization", "OAuth oauth_token=\"t\"")
            .body(Vec::new())
            .unwrap();
        assert_eq!(transport.send(request).unwrap().status(), 302);
    }
    assert_eq!(
        target.connections(),
        0,
        "the redirect target was never contacted"
    );
}

#[test]
fn connections_are_reused() {
    let rt = Background::new();
    let server = rt.serve(|_| async { respond(200, "{}") });
    let transport = UreqTransport::new();
    for _ in 0..5 {
        assert_eq!(
            transport
                .send(get(server.url("/1/members/me")))
                .unwrap()
                .status(),
            200
        );
    }
    assert_eq!(server.connections(), 1);
}

#[test]
fn total_timeout_elapses_on_a_slow_server() {
    let rt = Background::new();
    let server = rt.serve(|_| async {
        tokio::time::sleep(Duration::from_secs(30)).await;
        respond(200, "late")
    });
    let transport = UreqTransport::builder()
        .timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    // The server would answer after 30 s: only the timeout makes this an error.
    let err = transport.send(get(server.url("/?token=x"))).unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Timeout);
}

#[test]
fn response_timeout_bounds_a_slow_server_without_a_total_one() {
    let rt = Background::new();
    let server = rt.serve(|_| async {
        tokio::time::sleep(Duration::from_secs(30)).await;
        respond(200, "late")
    });
    let transport = UreqTransport::builder()
        .response_timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    let err = transport.send(get(server.url("/?token=x"))).unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Timeout);
}

#[test]
fn a_dropped_connection_is_an_io_error() {
    let rt = Background::new();
    let addr = rt.serve_raw(b"");
    let err = UreqTransport::new()
        .send(get(format!("http://{addr}/?token={CANARY}")))
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Io, "{err:?}");
    assert!(err.is_transient());
    assert!(!renderings(&err).contains(CANARY));
}

#[test]
fn garbage_is_a_protocol_error() {
    let rt = Background::new();
    let addr = rt.serve_raw(b"HTTP/9 banana\r\n\r\n");
    let err = UreqTransport::new()
        .send(get(format!("http://{addr}/")))
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Protocol, "{err:?}");
}

#[test]
fn oversized_bodies_are_refused() {
    let rt = Background::new();
    let server = rt.serve(|_| async { respond(200, &"x".repeat(4096)) });
    let transport = UreqTransport::builder()
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let err = transport.send(get(server.url("/"))).unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Protocol);
}
