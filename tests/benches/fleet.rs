//! The fleet budget's benchmark (issue 12), against a real `redis-server` on TCP loopback:
//!
//! 1. reserve latency, p50 and p99, at 1, 16 and 64 concurrent callers (target p99 < 1 ms), and
//!    decisions per second of one process;
//! 2. a fleet run: 8 worker processes (`fleet-worker`) × 4 tasks on one key and 5 tokens against
//!    the sandbox with Trello's limits (300 per 10 s per key), for `FLEET_BENCH_SECONDS` (60):
//!    the share of the key's budget used in the sandbox's whole windows, and the 429s (target
//!    ≥ 95 %, none);
//! 3. the same run and a decisions-per-second run with Bottleneck clustered on the same Redis
//!    (`benches/bottleneck`, npm `bottleneck` + `ioredis`), when `node` and `npm` are there.
//!
//! Every figure comes from the sandbox's request log (when each request arrived, with which
//! key), for both tools alike.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use trello_auth_core::budget::{Demand, RateBudget};
use trello_auth_core::Decision;
use trello_auth_redis::server::RedisServer;
use trello_auth_redis::RedisBudget;
use trello_auth_sandbox::{RateLimits, Sandbox, TokenSpec};
use trello_auth_tests::fleet::start_worker;

const PROCESSES: usize = 8;
const TASKS: usize = 4;
const KEY_MAX: u32 = 300;
const WINDOW_MS: i64 = 10_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo bench` passes `--bench`; a filter argument (e.g. `execute`) that is not ours skips.
    if std::env::args()
        .skip(1)
        .any(|a| !a.starts_with('-') && !"fleet".contains(a.as_str()))
    {
        return Ok(());
    }
    let redis = RedisServer::start_tcp()?;
    println!("fleet budget benchmark, redis-server on {}", redis.url());
    latency(&redis)?;
    let seconds: f64 = std::env::var("FLEET_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60.0);
    let ours = fleet_run(&redis, seconds, Tool::Ours)?;
    let mut theirs = Vec::new();
    if tool_present("node") && tool_present("npm") {
        theirs.push(fleet_run(&redis, seconds, Tool::Bottleneck(None))?);
        // Its windows start when its state is made; Trello's are fixed: the phase between
        // them decides whether a refill lands in a window that is already full.
        theirs.push(fleet_run(&redis, seconds, Tool::Bottleneck(Some(8_500)))?);
    } else {
        println!("node/npm missing: Bottleneck's figures skipped");
    }
    println!("\nfleet run: {PROCESSES} processes x {TASKS} tasks, one key (300 per 10 s), 5 tokens, {seconds} s");
    println!(
        "{:<28} {:>8} {:>6} {:>12} {:>14}",
        "tool", "ok", "429", "utilisation", "whole windows"
    );
    for figures in std::iter::once(&ours).chain(&theirs) {
        println!(
            "{:<28} {:>8} {:>6} {:>11.1}% {:>14}",
            figures.tool,
            figures.ok,
            figures.refused,
            figures.utilisation * 100.0,
            figures.windows
        );
    }
    let met = ours.utilisation >= 0.95 && ours.refused == 0;
    println!(
        "target: >= 95% of the key's budget with zero 429s: {}",
        if met { "met" } else { "NOT met" }
    );
    if !theirs.is_empty() {
        bottleneck_decisions(&redis)?;
    }
    Ok(())
}

/// Reserve latency at 1, 16 and 64 concurrent callers of one process's budget, with Trello's
/// limits. Each caller makes 90 reservations on a key of its own (so every one grants, and a
/// budget's log never holds more than Trello's 100 per token), in rounds with fresh keys until about
/// 8 000 have been timed.
fn latency(redis: &RedisServer) -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let budget = RedisBudget::builder(&redis.url())
        .timeout(Duration::from_secs(1))
        .build()?;
    println!("\nreserve latency (async, one process; target p99 < 1 ms)");
    println!(
        "{:>10} {:>10} {:>10} {:>16}",
        "callers", "p50 µs", "p99 µs", "decisions/s"
    );
    // Back to back (each caller reserves again at once: Redis saturated), then as callers do
    // (each reservation followed by its request, a 5 ms pause standing in for it, the callers
    // out of step).
    let mut round = 0u64;
    for (callers, request) in [(1usize, 0u64), (16, 0), (64, 0), (1, 5), (16, 5), (64, 5)] {
        let rounds = 8_000usize.div_ceil(90 * callers);
        let (mut samples, mut took) = (Vec::new(), Duration::ZERO);
        for _ in 0..rounds {
            round += 1;
            let started = Instant::now();
            let _inside = runtime.enter();
            let tasks: Vec<_> = (0..callers)
                .map(|i| {
                    let budget = budget.clone();
                    tokio::spawn(async move {
                        let key = format!("key-{round}-{i}");
                        let demand = Demand::new(&key, "token", "/1/boards/x");
                        let mut samples = Vec::with_capacity(90);
                        if request > 0 {
                            let phase = request * 1_000 * i as u64 / callers as u64;
                            tokio::time::sleep(Duration::from_micros(phase)).await;
                        }
                        for _ in 0..90 {
                            let t = Instant::now();
                            let answer = budget.reserve(&demand).await;
                            samples.push(t.elapsed());
                            assert_eq!(answer.ok(), Some(Decision::Send));
                            if request > 0 {
                                tokio::time::sleep(Duration::from_millis(request)).await;
                            }
                        }
                        samples
                    })
                })
                .collect();
            runtime.block_on(async {
                for task in tasks {
                    samples.extend(task.await.expect("a caller"));
                }
            });
            took += started.elapsed();
        }
        samples.sort_unstable();
        let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e6;
        let rate = samples.len() as f64 / took.as_secs_f64();
        let shape = if request == 0 {
            "back to back"
        } else {
            "each then a 5 ms request"
        };
        println!(
            "{callers:>10} {:>10.0} {:>10.0} {rate:>16.0}   ({shape})",
            at(0.5),
            at(0.99)
        );
    }
    let mut connection = redis.connection()?;
    let stats: String = redis::cmd("INFO")
        .arg("commandstats")
        .query(&mut connection)?;
    if let Some(line) = stats.lines().find(|l| l.starts_with("cmdstat_evalsha:")) {
        println!("redis-server's own time per reservation script: {line}");
    }
    // The blocking path (ureq's): one caller.
    let mut samples: Vec<Duration> = (0..900)
        .map(|i| {
            let demand = Demand::new(&format!("blocking-{}", i / 90), "token", "/1/boards/x");
            let t = Instant::now();
            let _ = budget.reserve_blocking(&demand);
            t.elapsed()
        })
        .collect();
    samples.sort_unstable();
    println!(
        "{:>10} {:>10.0} {:>10.0}   (blocking, one caller)",
        1,
        samples[450].as_secs_f64() * 1e6,
        samples[891].as_secs_f64() * 1e6
    );
    Ok(())
}

#[derive(Clone, Copy, PartialEq)]
enum Tool {
    Ours,
    /// Bottleneck, its limiter made this many ms into a window (`None`: whenever).
    Bottleneck(Option<u64>),
}

struct Figures {
    tool: &'static str,
    ok: usize,
    refused: usize,
    utilisation: f64,
    windows: usize,
}

/// One fleet run on a fresh sandbox with Trello's limits; the figures from its request log.
fn fleet_run(
    redis: &RedisServer,
    seconds: f64,
    tool: Tool,
) -> Result<Figures, Box<dyn std::error::Error>> {
    let sandbox = Sandbox::builder()
        .rate_limits(RateLimits::new(
            KEY_MAX,
            100,
            Duration::from_millis(WINDOW_MS as u64),
        ))
        .worker_threads(2)
        .start_blocking()?;
    let key = sandbox.app().key.clone();
    let tokens: Vec<String> = (0..5)
        .map(|_| sandbox.admin().mint_token(&TokenSpec::default()))
        .collect::<Result<_, _>>()?;
    let mut connection = redis.connection()?;
    redis::cmd("FLUSHALL").exec(&mut connection)?;
    let started = Instant::now();
    match tool {
        Tool::Ours => run_ours(&sandbox, redis, &key, &tokens, seconds)?,
        Tool::Bottleneck(phase) => run_bottleneck(&sandbox, redis, &key, &tokens, seconds, phase)?,
    }
    let took = started.elapsed();
    let log = sandbox.admin().requests();
    let refused = log.iter().filter(|r| r.status == 429).count();
    let mut per_window: BTreeMap<i64, usize> = BTreeMap::new();
    for r in log.iter().filter(|r| r.status == 200) {
        if let Some(c) = &r.counted {
            *per_window.entry(c.at_ms.div_euclid(WINDOW_MS)).or_default() += 1;
        }
    }
    let ok = per_window.values().sum();
    // Whole windows only: the first and the last were cut by the run's start and end.
    let whole: Vec<usize> = per_window.values().copied().skip(1).collect();
    let whole = &whole[..whole.len().saturating_sub(1)];
    let utilisation =
        whole.iter().sum::<usize>() as f64 / (whole.len().max(1) as f64 * KEY_MAX as f64);
    println!(
        "{}: {ok} ok, {refused} answered 429 in {:.0} s; per window {:?}",
        name(tool),
        took.as_secs_f64(),
        per_window.values().collect::<Vec<_>>()
    );
    Ok(Figures {
        tool: name(tool),
        ok,
        refused,
        utilisation,
        windows: whole.len(),
    })
}

fn name(tool: Tool) -> &'static str {
    match tool {
        Tool::Ours => "trello-auth RedisBudget",
        Tool::Bottleneck(None) => "Bottleneck 2.19.5 + ioredis",
        Tool::Bottleneck(Some(_)) => "  same, made 8.5 s into a window",
    }
}

fn run_ours(
    sandbox: &Sandbox,
    redis: &RedisServer,
    key: &str,
    tokens: &[String],
    seconds: f64,
) -> Result<(), Box<dyn std::error::Error>> {
    let pairs: Vec<_> = tokens
        .iter()
        .map(|t| json!({ "key": key, "token": t, "path": "/1/members/me" }))
        .collect();
    let workers: Vec<_> = (0..PROCESSES)
        .map(|index| {
            let orders = json!({
                "api_base": sandbox.api_base(),
                "redis": redis.url(),
                "pairs": pairs,
                "tasks": TASKS,
                "index": index,
                "seconds": seconds,
                // Trello's key and token budgets; the sandbox does not count /1/members/ here.
                "limits": { "key": [KEY_MAX, WINDOW_MS], "token": [100, WINDOW_MS], "members": [u32::MAX, WINDOW_MS] },
                "margin_ms": 250,
            });
            start_worker(env!("CARGO_BIN_EXE_fleet-worker"), &orders)
        })
        .collect::<Result<_, std::io::Error>>()?;
    for worker in workers {
        let output = worker.wait_with_output()?;
        if !output.status.success() {
            return Err("a fleet worker failed".into());
        }
    }
    Ok(())
}

fn run_bottleneck(
    sandbox: &Sandbox,
    redis: &RedisServer,
    key: &str,
    tokens: &[String],
    seconds: f64,
    phase: Option<u64>,
) -> Result<(), Box<dyn std::error::Error>> {
    let dir = bottleneck_dir()?;
    let mut node = Command::new("node");
    node.current_dir(&dir)
        .args(["fleet.js", "--api-base", sandbox.api_base(), "--key", key])
        .args(["--tokens", &tokens.join(","), "--redis", &redis.url()])
        .args([
            "--processes",
            &PROCESSES.to_string(),
            "--concurrency",
            &TASKS.to_string(),
        ])
        .args(["--seconds", &seconds.to_string()]);
    if let Some(ms) = phase {
        node.args(["--phase-ms", &ms.to_string()]);
    }
    let output = node.stderr(Stdio::inherit()).output()?;
    if !output.status.success() {
        return Err("Bottleneck's fleet.js failed".into());
    }
    print!(
        "bottleneck says: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    Ok(())
}

fn bottleneck_decisions(redis: &RedisServer) -> Result<(), Box<dyn std::error::Error>> {
    let dir = bottleneck_dir()?;
    let output = Command::new("node")
        .current_dir(&dir)
        .args(["decisions.js", "--redis", &redis.url(), "--seconds", "5"])
        .output()?;
    println!(
        "\nBottleneck decisions per second (64 in flight, one process): {}",
        String::from_utf8_lossy(&output.stdout).trim()
    );
    Ok(())
}

/// `benches/bottleneck` with its pinned packages installed (`npm ci`, once).
fn bottleneck_dir() -> Result<Arc<Path>, Box<dyn std::error::Error>> {
    let dir: Arc<Path> = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../benches/bottleneck")
        .into();
    if !dir.join("node_modules/bottleneck").is_dir() {
        let status = Command::new("npm")
            .current_dir(&dir)
            .args(["ci", "--silent", "--no-audit", "--no-fund"])
            .status()?;
        if !status.success() {
            return Err("npm ci in benches/bottleneck failed".into());
        }
    }
    Ok(dir)
}

fn tool_present(name: &str) -> bool {
    Command::new(name)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
