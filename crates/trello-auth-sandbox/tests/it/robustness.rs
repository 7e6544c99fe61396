//! Bad input gets Trello's answers, never a panic or a hung connection (issue point 8):
//! random bytes and mangled requests over raw TCP, oversized bodies, invalid UTF-8.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use trello_auth_sandbox::Sandbox;

use crate::client::{self, Req};
use crate::{sandbox, send};

fn well_formed_answer(sb: &Sandbox) {
    let auth = format!(
        "OAuth oauth_consumer_key=\"{}\", oauth_token=\"{}\"",
        sb.app().key,
        sb.token()
    );
    let (status, body) =
        client::blocking_get(sb.api_base(), "/1/members/me", &[("authorization", &auth)]);
    assert_eq!(status, 200, "{body}");
}

/// Request-shaped garbage: a plausible request line and headers with random parts.
fn mangled_request() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::select(vec!["GET", "PUT", "POST", "DELETE", "G\u{0}T", "", "BREW"]),
        prop::collection::vec(any::<u8>(), 0..40),
        prop::sample::select(vec!["HTTP/1.1", "HTTP/1.0", "HTTP/9.9", "", "HTTP/1.1 x"]),
        prop::collection::vec(
            (any::<String>(), prop::collection::vec(any::<u8>(), 0..30)),
            0..4,
        ),
        prop::collection::vec(any::<u8>(), 0..200),
    )
        .prop_map(|(method, path, version, headers, body)| {
            let mut out = Vec::new();
            out.extend_from_slice(method.as_bytes());
            out.extend_from_slice(b" /1/");
            out.extend_from_slice(&path);
            out.push(b' ');
            out.extend_from_slice(version.as_bytes());
            out.extend_from_slice(b"\r\nhost: x\r\n");
            for (n, v) in headers {
                out.extend_from_slice(n.as_bytes());
                out.extend_from_slice(b": ");
                out.extend_from_slice(&v);
                out.extend_from_slice(b"\r\n");
            }
            out.extend_from_slice(format!("content-length: {}\r\n\r\n", body.len()).as_bytes());
            out.extend_from_slice(&body);
            out
        })
}

#[test]
fn random_bytes_and_mangled_requests_never_take_it_down() {
    let sb = Sandbox::builder().start_blocking().expect("sandbox");
    let mut runner = TestRunner::new(Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..600),
        mangled_request()
    ];
    runner
        .run(&strategy, |bytes| {
            // Whatever comes back (a 4xx, a response, or a closed connection) is fine; the
            // server must not hang or die.
            let _ = client::raw(sb.api_base(), &bytes, true);
            well_formed_answer(&sb);
            Ok(())
        })
        .expect("the sandbox stays up");
    assert!(sb.admin().requests().len() >= 64);
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let sb = Sandbox::builder()
        .body_limit(1024)
        .start()
        .await
        .expect("sandbox");
    let r = send(&sb, Req::new("POST", "/1/cards").form(&"a".repeat(2048))).await;
    assert_eq!(r.status, 413);
    // Chunked (no content-length) is limited too.
    let base = sb.api_base().to_owned();
    let out = tokio::task::spawn_blocking(move || {
        let mut req = b"POST /1/cards HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n".to_vec();
        for _ in 0..3 {
            req.extend_from_slice(b"400\r\n");
            req.extend_from_slice(&[b'a'; 0x400]);
            req.extend_from_slice(b"\r\n");
        }
        req.extend_from_slice(b"0\r\n\r\n");
        client::raw(&base, &req, false)
    })
    .await
    .unwrap();
    assert!(String::from_utf8_lossy(&out).starts_with("HTTP/1.1 413"));
}

#[tokio::test]
async fn invalid_utf8_bodies_and_paths_get_400_or_404() {
    let sb = sandbox().await;
    let r = send(
        &sb,
        Req::new("POST", "/1/cards").body(
            "application/x-www-form-urlencoded",
            vec![0xff, 0xfe, b'=', 0x80],
        ),
    )
    .await;
    assert_eq!(r.status, 400);
    let r = send(
        &sb,
        Req::new("POST", "/1/cards").body("application/json", b"{\"key\": \"\xff\"}".to_vec()),
    )
    .await;
    assert_eq!(r.status, 400);
    let r = send(
        &sb,
        Req::new("POST", "/1/cards").body("application/json", b"{not json".to_vec()),
    )
    .await;
    assert_eq!(r.status, 400);
    let r = send(
        &sb,
        Req::get("/1/boards/%FF%FE%FD").auth(&sb.app().key, sb.token()),
    )
    .await;
    assert_eq!((r.status, r.body.as_str()), (400, "invalid id"));
    let r = send(&sb, Req::get("/1/%C0%AF/%FF")).await;
    assert_eq!(r.status, 404);
    let r = send(
        &sb,
        Req::get("/1/members/me").header(
            "authorization",
            "OAuth oauth_consumer_key=\"%FF\", oauth_token=\"x\"",
        ),
    )
    .await;
    assert_eq!((r.status, r.body.as_str()), (401, "invalid key"));
}

#[tokio::test]
async fn malformed_headers_get_400_and_the_server_answers_next() {
    let sb = sandbox().await;
    let base = sb.api_base().to_owned();
    let out = tokio::task::spawn_blocking(move || {
        client::raw(
            &base,
            b"GET /1/members/me HTTP/1.1\r\nhost x\r\nbad header line\r\n\r\n",
            false,
        )
    })
    .await
    .unwrap();
    assert!(String::from_utf8_lossy(&out).starts_with("HTTP/1.1 400"));
    let r = send(
        &sb,
        Req::get("/1/members/me").auth(&sb.app().key, sb.token()),
    )
    .await;
    assert_eq!(r.status, 200);
}
