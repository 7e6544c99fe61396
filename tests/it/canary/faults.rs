//! The canary over failures: with the token in the query (where a URL in an error would show
//! it), every fault of the fault matrix ends in an error whose `Debug`, `Display` and sources
//! never show the token, over both clients and both schemes; nor do the sandbox's applied-write
//! counts or its request log.

use std::time::Duration;

use serde_json::json;
use trello_auth_core::{Placement, RetryPolicy};
use trello_auth_sandbox::{Fault, Sandbox};

use crate::transports::harness::{Cfg, Kind, Transport};

fn faults_never_show_the_token(t: Transport) {
    let s = t.sandbox();
    let admin = s.sb.admin();
    let token = s.sb.token().to_owned();
    let other = Sandbox::builder().tls(true).start_blocking().unwrap();
    let cfg = || Cfg {
        placement: Placement::Query,
        retry: RetryPolicy::none(),
        timeout: Duration::from_millis(300),
        ..Cfg::default()
    };
    let client = s.client(cfg());
    let list = s.sb.fixtures().list_id.clone();
    let post = format!("/1/cards?idList={list}&name=canary");
    let storage = format!("{}/1/members/me", s.sb.storage_base());
    let mut shown = Vec::new();
    for fault in [
        Fault::prefix("/1/", 1).status(503),
        Fault::prefix("/1/", 1).status(429),
        Fault::prefix("/1/", 1).close(),
        Fault::prefix("/1/", 1).latency(Duration::from_secs(30)),
        Fault::prefix("/1/", 1).redirect(storage),
        Fault::prefix("/1/cards", 1).status(502).after_applying(),
        Fault::prefix("/1/cards", 1).close().after_applying(),
    ] {
        admin.inject_fault(fault);
        for result in [client.get("/1/members/me"), client.post(&post, json!({}))] {
            if let Err(e) = result {
                shown.push(render(&e));
            }
        }
        admin.clear_faults();
    }
    if t.tls {
        let wrong = s.client(Cfg {
            ca_pem: other.ca_pem().map(str::to_owned),
            ..cfg()
        });
        let e = wrong.get("/1/members/me").unwrap_err();
        assert_eq!(e.code(), "transport", "{e:?}");
        shown.push(render(&e));
    }
    assert!(
        shown.len() >= 7 + usize::from(t.tls),
        "too few errors: {shown:?}"
    );
    shown.push(format!("{:?}", admin.applied_writes()));
    shown.push(serde_json::to_string(&admin.requests()).unwrap());
    for text in &shown {
        assert!(!text.contains(&token), "the token shows: {text}");
    }
}

fn render(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = format!("{e:?} {e}");
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(&format!(" {s} {s:?}"));
        source = s.source();
    }
    text
}

#[test]
fn faults_never_show_the_token_hyper_http() {
    faults_never_show_the_token(Transport {
        kind: Kind::Hyper,
        tls: false,
    });
}

#[test]
fn faults_never_show_the_token_hyper_https() {
    faults_never_show_the_token(Transport {
        kind: Kind::Hyper,
        tls: true,
    });
}

#[test]
fn faults_never_show_the_token_ureq_http() {
    faults_never_show_the_token(Transport {
        kind: Kind::Ureq,
        tls: false,
    });
}

#[test]
fn faults_never_show_the_token_ureq_https() {
    faults_never_show_the_token(Transport {
        kind: Kind::Ureq,
        tls: true,
    });
}
