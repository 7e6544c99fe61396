//! The fault matrix (`tests/faults/matrix.json`) over the hyper and ureq clients, each over
//! plain HTTP and HTTPS: every cell arms its fault in a fresh sandbox, makes its calls, and
//! checks the outcomes, how many requests the sandbox answered, and how many times the write
//! was applied. The Python client runs the same file (`test_fault_matrix.py`). All cells run
//! before a test fails; each failure is one line naming the cell.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Value};
use trello_auth_core::{Error as ClientError, RetryPolicy};
use trello_auth_sandbox::{Fault, RateLimits, RouteMatch, Sandbox, TokenSpec};

use crate::transports::harness::{Cfg, Kind, Transport};

fn matrix() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/faults/matrix.json");
    let text = std::fs::read_to_string(path).expect("tests/faults/matrix.json");
    let v: Value = serde_json::from_str(&text).expect("the matrix is JSON");
    v["cells"].as_array().expect("cells").clone()
}

/// The sandbox fault a cell's `fault` object describes (the admin API's JSON).
fn fault(f: &Value, storage: &str) -> Fault {
    let mut fault = Fault::prefix(f["path"].as_str().expect("path"), 1);
    fault.count = f["count"].as_u64().map_or(1, |c| c as u32);
    fault.method = f["method"].as_str().map(str::to_owned);
    if f["match"] == "exact" {
        fault.route = RouteMatch::Exact(f["path"].as_str().expect("path").to_owned());
    }
    fault.status = f["status"].as_u64().map(|s| s as u16);
    fault.latency = f["latency_ms"].as_u64().map(Duration::from_millis);
    fault.close = f["close"] == true;
    fault.after_applying = f["after_applying"] == true;
    fault.goaway = f["goaway"] == true;
    fault.redirect = f["redirect"]
        .as_str()
        .map(|r| r.replace("{storage}", storage));
    fault
}

/// Runs one cell; `Err` says what differed.
fn run_cell(t: Transport, cell: &Value) -> Result<(), String> {
    let sandbox = &cell["sandbox"];
    let s = t.sandbox_with(|b| match sandbox["rate_limits"].as_array() {
        Some(l) => {
            let n = |i: usize| l[i].as_u64().expect("a number");
            let limits = RateLimits::new(n(0) as u32, n(1) as u32, Duration::from_secs(n(2)));
            b.rate_limits(limits)
        }
        None => b,
    });
    let admin = s.sb.admin();
    let client_cfg = &cell["client"];
    let mut cfg = Cfg::default();
    if let Some(ms) = client_cfg["timeout_ms"].as_u64() {
        cfg.timeout = Duration::from_millis(ms);
    }
    if let Some(ms) = client_cfg["backoff_ms"].as_u64() {
        cfg.retry = RetryPolicy::default().with_base(Duration::from_millis(ms));
    }
    if client_cfg["limiter"] == false {
        cfg.limiter = None;
    }
    let other_ca;
    if sandbox["wrong_ca"] == true {
        other_ca = Sandbox::builder()
            .tls(true)
            .start_blocking()
            .expect("a second sandbox");
        cfg.ca_pem = other_ca.ca_pem().map(str::to_owned);
    }
    let fresh_cfg = Cfg {
        token: Some(admin_token(&s.sb)),
        ..clone_cfg(&cfg)
    };
    let client = s.client(cfg);
    let fresh = s.client(fresh_cfg);
    if cell["fault"].is_object() {
        admin.inject_fault(fault(&cell["fault"], s.sb.storage_base()));
    }
    let name = format!(
        "cell-{}-{:?}-{}",
        cell["name"].as_str().unwrap_or("?"),
        t.kind,
        t.tls
    );
    let list = s.sb.fixtures().list_id.clone();
    let mut outcomes = BTreeMap::<String, u64>::new();
    for call in cell["calls"].as_array().expect("calls") {
        let path = call["path"]
            .as_str()
            .expect("path")
            .replace("{list}", &list)
            .replace("{name}", &name);
        let c = if call["fresh_token"] == true {
            &fresh
        } else {
            &client
        };
        for _ in 0..call["repeat"].as_u64().unwrap_or(1) {
            let result = match call["method"].as_str() {
                Some("GET") => c.get(&path).map(drop),
                Some("POST") => c.post(&path, json!({})).map(drop),
                other => panic!("a method the matrix does not use: {other:?}"),
            };
            let code = match result {
                Ok(()) => "ok".to_owned(),
                Err(ClientError::Transport(e)) => format!("transport/{}", e.kind().code()),
                Err(e) => e.code().to_owned(),
            };
            *outcomes.entry(code).or_default() += 1;
        }
    }
    let mut wrong = Vec::new();
    let expect = &cell["expect"];
    let want: BTreeMap<String, u64> =
        serde_json::from_value(expect["outcomes"].clone()).expect("outcomes: code to count");
    if outcomes != want {
        wrong.push(format!("outcomes {outcomes:?}, expected {want:?}"));
    }
    let logged = admin.requests().len() as u64;
    if let Some(n) = expect["logged"].as_u64() {
        if logged != n {
            wrong.push(format!(
                "the sandbox answered {logged} requests, expected {n}"
            ));
        }
    }
    if let Some(n) = expect["applied"].as_u64() {
        let applied: u32 = admin
            .applied_writes()
            .iter()
            .filter(|(id, _)| id.contains(&name))
            .map(|(_, c)| c)
            .sum();
        if u64::from(applied) != n {
            wrong.push(format!(
                "the write was applied {applied} times, expected {n}"
            ));
        }
    }
    // HTTP/2 where it was negotiated: the GOAWAY cell tests GOAWAY, not Connection: close.
    if t.kind == Kind::Hyper && t.tls && logged > 0 {
        let h2 = admin.requests().iter().all(|r| r.version == "HTTP/2.0");
        if !h2 {
            wrong.push("hyper over TLS did not speak HTTP/2".to_owned());
        }
    }
    match wrong.is_empty() {
        true => Ok(()),
        false => Err(wrong.join("; ")),
    }
}

/// A second live token of the sandbox's key and member.
fn admin_token(sb: &Sandbox) -> String {
    sb.admin()
        .mint_token(&TokenSpec::default())
        .expect("the sandbox mints a token")
}

fn clone_cfg(cfg: &Cfg) -> Cfg {
    Cfg {
        token: cfg.token.clone(),
        placement: cfg.placement,
        retry: cfg.retry,
        limiter: cfg.limiter.clone(),
        timeout: cfg.timeout,
        hook: None,
        oauth1: None,
        oauth2: None,
        ca_pem: cfg.ca_pem.clone(),
    }
}

fn run_matrix(kind: Kind, tls: bool) {
    let t = Transport { kind, tls };
    let mut failures = Vec::new();
    let mut ran = 0;
    for cell in matrix() {
        let only_tls = cell["tls"] == "only";
        if only_tls && !tls {
            continue;
        }
        ran += 1;
        if let Err(what) = run_cell(t, &cell) {
            failures.push(format!(
                "cell FAILED: {}: {what}",
                cell["name"].as_str().unwrap_or("?")
            ));
        }
    }
    assert!(ran >= 11, "only {ran} cells ran");
    assert!(
        failures.is_empty(),
        "{} of {ran} cells:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn fault_matrix_hyper_http() {
    run_matrix(Kind::Hyper, false);
}

#[test]
fn fault_matrix_hyper_https() {
    run_matrix(Kind::Hyper, true);
}

#[test]
fn fault_matrix_ureq_http() {
    run_matrix(Kind::Ureq, false);
}

#[test]
fn fault_matrix_ureq_https() {
    run_matrix(Kind::Ureq, true);
}

/// docs/faults.md's table has a row for every cell, and no row for a cell that is gone.
#[test]
fn the_fault_table_in_the_docs_lists_every_cell() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/faults.md"))
        .expect("docs/faults.md");
    let rows: Vec<&str> = doc
        .lines()
        .filter_map(|l| l.strip_prefix("| `")?.split('`').next())
        .collect();
    let cells: Vec<String> = matrix()
        .iter()
        .map(|c| c["name"].as_str().expect("name").to_owned())
        .collect();
    assert_eq!(rows, cells, "docs/faults.md's rows, in the matrix's order");
}
