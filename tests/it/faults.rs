//! The fault matrix (`tests/faults/matrix.json`) over the hyper and ureq clients, each over
//! plain HTTP and HTTPS: every cell arms its fault in a fresh sandbox, makes its calls, and
//! checks the outcomes, how many requests the sandbox answered, and how many times the write
//! was applied. The Python client runs the same file (`test_fault_matrix.py`). All cells run
//! before a test fails; each failure is one line naming the cell.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Value};
use trello_auth_core::{Error as ClientError, RetryPolicy};
use trello_auth_sandbox::{RateLimits, Sandbox, TokenSpec};

use crate::transports::harness::{Cfg, Kind, Transport};

fn matrix() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/faults/matrix.json");
    let text = std::fs::read_to_string(path).expect("tests/faults/matrix.json");
    let v: Value = serde_json::from_str(&text).expect("the matrix is JSON");
    v["cells"].as_array().expect("cells").clone()
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
    let other_ca = (sandbox["wrong_ca"] == true).then(|| {
        Sandbox::builder()
            .tls(true)
            .start_blocking()
            .expect("a second sandbox")
    });
    let client_cfg = &cell["client"];
    // The cell's client settings, for the sandbox's token or another.
    let cfg = |token: Option<String>| {
        let mut cfg = Cfg {
            token,
            ..Cfg::default()
        };
        if let Some(ms) = client_cfg["timeout_ms"].as_u64() {
            cfg.timeout = Duration::from_millis(ms);
        }
        if let Some(ms) = client_cfg["backoff_ms"].as_u64() {
            cfg.retry = RetryPolicy::default().with_base(Duration::from_millis(ms));
        }
        if client_cfg["limiter"] == false {
            cfg.limiter = None;
        }
        cfg.ca_pem = other_ca
            .as_ref()
            .and_then(|o| o.ca_pem())
            .map(str::to_owned);
        cfg
    };
    let client = s.client(cfg(None));
    let fresh = s.client(cfg(Some(admin_token(&s.sb))));
    if cell["fault"].is_object() {
        // The admin API reads the cell's fault object, checks it and arms it.
        let body = cell["fault"]
            .to_string()
            .replace("{storage}", s.sb.storage_base());
        let request = http::Request::post(format!("{}/__sandbox/faults", s.sb.api_base()))
            .header("content-type", "application/json")
            .body(body.into_bytes())
            .expect("a request");
        let armed = s.send_bare(request);
        assert_eq!(
            armed.status(),
            200,
            "the sandbox refused the fault of {}",
            cell["name"]
        );
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
