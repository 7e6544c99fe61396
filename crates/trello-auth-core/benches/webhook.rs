//! `webhook::verify` on a 2 KB delivery against the floor it is held to: bare HMAC-SHA1 over
//! the same bytes (body, then callback URL) with the `hmac` crate, nothing decoded or compared
//! (`cargo xtask bench`; target: verify within 1.3x of the floor).

mod report;

use std::hint::black_box;

use criterion::Criterion;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use trello_auth_core::webhook;
use trello_auth_core::AppSecret;

const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const URL: &str = "https://example.com/hooks/trello?source=webhook";

/// A delivery of 2,048 bytes in Trello's shape.
fn body() -> Vec<u8> {
    let mut body = br#"{"action":{"id":"5f1d7c2b9a8e4d3c2b1a0f9e","type":"updateCard","date":"2026-12-01T08:00:00.000Z","data":{"old":{"name":"Draft"},"card":{"id":"5f1d7c2b9a8e4d3c2b1a0f9f","name":"Final"}}},"model":{"id":"5f1d7c2b9a8e4d3c2b1a0f9f","desc":""#.to_vec();
    body.resize(2048 - 3, b'x');
    body.extend_from_slice(br#""}}"#);
    body
}

fn benches(c: &mut Criterion) {
    let secret = AppSecret::new(SECRET).unwrap();
    let body = body();
    assert_eq!(body.len(), 2048);
    let header = webhook::sign(&secret, URL, &body);
    let mut g = c.benchmark_group("webhook");
    g.bench_function("verify_2k", |b| {
        b.iter(|| webhook::verify(&secret, URL, black_box(&body), Some(&header)).unwrap())
    });
    g.bench_function("hmac_sha1_2k", |b| {
        b.iter(|| {
            let mut mac = Hmac::<Sha1>::new_from_slice(SECRET.as_bytes()).unwrap();
            mac.update(black_box(&body));
            mac.update(URL.as_bytes());
            mac.finalize().into_bytes()
        })
    });
    g.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
    let mut rows: Vec<report::Row> = [
        ("webhook::verify, 2 KB body", "verify_2k"),
        ("bare HMAC-SHA1, same bytes (floor)", "hmac_sha1_2k"),
    ]
    .into_iter()
    .filter_map(|(what, id)| report::Row::time_under(what, "webhook", id, None))
    .collect();
    if let (Some(ours), Some(floor)) = (
        report::mean_ns("webhook", "verify_2k"),
        report::mean_ns("webhook", "hmac_sha1_2k"),
    ) {
        rows.push(report::Row::ratio(
            "verify / floor",
            ours,
            floor,
            1.3,
            false,
        ));
    }
    report::print(
        "webhook verification (mean per delivery, single thread)",
        &rows,
    );
}
