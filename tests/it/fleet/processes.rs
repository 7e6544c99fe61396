//! The fleet as it runs in production: 8 worker processes with 4 tasks each, 2 API keys and
//! 5 tokens, one Redis, against the sandbox with small limits. The sandbox's request log is
//! the proof: no key or token ever had more than its budget in any window, and no 429 was
//! answered (SPEC S4.3).

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::json;
use trello_auth_redis::server::RedisServer;
use trello_auth_sandbox::{App, RateLimits, Sandbox, TokenSpec};
use trello_auth_tests::fleet::start_worker;

const PROCESSES: usize = 8;
const TASKS: usize = 4;
const REQUESTS_PER_TASK: usize = 3;
const WINDOW_MS: u64 = 2_000;
const KEY_MAX: u32 = 20;
const TOKEN_MAX: u32 = 8;
/// Reservation to arrival, at most: generous, the machine runs 32 tasks on 2 cores.
const MARGIN_MS: u64 = 400;

#[test]
fn eight_processes_never_exceed_a_budget_in_any_window() {
    let redis = RedisServer::start().unwrap();
    let sandbox = Sandbox::builder()
        .rate_limits(RateLimits::new(
            KEY_MAX,
            TOKEN_MAX,
            Duration::from_millis(WINDOW_MS),
        ))
        .start_blocking()
        .unwrap();
    let second = App::generate("Second app");
    sandbox.admin().register_app(second.clone()).unwrap();
    let board = &sandbox.fixtures().board_id;
    let path = format!("/1/boards/{board}");
    let mut pairs = Vec::new();
    for (app, tokens) in [(sandbox.app().key.clone(), 3), (second.key.clone(), 2)] {
        for _ in 0..tokens {
            let spec = TokenSpec {
                app_key: Some(app.clone()),
                ..TokenSpec::default()
            };
            let token = sandbox.admin().mint_token(&spec).unwrap();
            pairs.push(json!({ "key": app, "token": token, "path": path }));
        }
    }
    let workers: Vec<_> = (0..PROCESSES)
        .map(|index| {
            let orders = json!({
                "api_base": sandbox.api_base(),
                "redis": redis.url(),
                "pairs": pairs,
                "tasks": TASKS,
                "index": index,
                "requests_per_task": REQUESTS_PER_TASK,
                "limits": {
                    "key": [KEY_MAX, WINDOW_MS],
                    "token": [TOKEN_MAX, WINDOW_MS],
                    "members": [100, 900_000],
                },
                "margin_ms": MARGIN_MS,
            });
            start_worker(env!("CARGO_BIN_EXE_fleet-worker"), &orders).expect("the worker starts")
        })
        .collect();
    for worker in workers {
        let output = worker.wait_with_output().unwrap();
        assert!(output.status.success(), "a worker failed");
        let tally: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(tally["ok"], TASKS * REQUESTS_PER_TASK, "{tally}");
    }

    let log = sandbox.admin().requests();
    let counted: Vec<_> = log.iter().filter_map(|r| r.counted.clone()).collect();
    assert_eq!(
        counted.len(),
        PROCESSES * TASKS * REQUESTS_PER_TASK,
        "one request per call: no 429 retried"
    );
    assert!(
        log.iter().all(|r| r.status == 200),
        "no 429 (or anything else) answered"
    );
    let mut by_key: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    let mut by_token: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for c in &counted {
        by_key.entry(&c.key).or_default().push(c.at_ms);
        by_token.entry(&c.token).or_default().push(c.at_ms);
    }
    assert_eq!((by_key.len(), by_token.len()), (2, 5));
    for (name, times) in by_key.iter_mut() {
        within_any_window(times, KEY_MAX, &format!("key {name}"));
    }
    for (name, times) in by_token.iter_mut() {
        within_any_window(times, TOKEN_MAX, &format!("token {name}"));
    }
}

/// No window `[t, t + WINDOW_MS)` holds more than `max` of `times`.
fn within_any_window(times: &mut [i64], max: u32, what: &str) {
    times.sort_unstable();
    for (i, start) in times.iter().enumerate() {
        let inside = times[i..]
            .iter()
            .take_while(|t| **t < start + WINDOW_MS as i64)
            .count();
        assert!(
            inside <= max as usize,
            "{what}: {inside} requests in the {WINDOW_MS} ms from {start} (budget {max})"
        );
    }
}
