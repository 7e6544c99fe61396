//! One worker process of a fleet (the multi-process test and `cargo xtask bench`): reads its
//! orders as one JSON object on stdin, runs `tasks` concurrent loops of `GET path` through
//! hyper clients that share one `RedisBudget`, and prints one JSON line of what it saw.
//!
//! Orders: `{"api_base", "redis", "pairs": [{"key", "token", "path"}], "tasks",
//! "requests_per_task" | "seconds", "limits": {"key": [max, ms], "token": [max, ms],
//! "members": [max, ms]}, "margin_ms"}`. Task `i` uses pair `i mod len`, offset by the
//! process's `index`. (Sandbox credentials: not anyone's secrets.)
//!
//! Output: `{"ok": n, "failed": {"<error code>": n}, "statuses": {"<status>": n}}`.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Deserialize;
use trello_auth_core::fleet::Limits;
use trello_auth_core::{ApiKey, Credentials, Origin, Token};
use trello_auth_redis::RedisBudget;

#[derive(Deserialize)]
struct Orders {
    api_base: String,
    redis: String,
    pairs: Vec<Pair>,
    tasks: usize,
    #[serde(default)]
    index: usize,
    requests_per_task: Option<usize>,
    seconds: Option<f64>,
    limits: LimitsIn,
    margin_ms: u64,
}

#[derive(Deserialize)]
struct Pair {
    key: String,
    token: String,
    path: String,
}

#[derive(Deserialize)]
struct LimitsIn {
    key: (u32, u64),
    token: (u32, u64),
    members: (u32, u64),
}

#[derive(Default)]
struct Tally {
    ok: usize,
    failed: BTreeMap<String, usize>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input)?;
    let orders: Orders = serde_json::from_str(&input)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let tally = runtime.block_on(run(orders))?;
    let line = serde_json::json!({ "ok": tally.ok, "failed": tally.failed });
    println!("{line}");
    Ok(())
}

async fn run(orders: Orders) -> Result<Tally, Box<dyn std::error::Error>> {
    let budget = RedisBudget::builder(&orders.redis)
        .limits(Limits {
            key: orders.limits.key,
            token: orders.limits.token,
            members: orders.limits.members,
        })
        .margin(Duration::from_millis(orders.margin_ms))
        .timeout(Duration::from_secs(2))
        .build()?;
    let api = Origin::parse(&orders.api_base)?;
    let mut clients = Vec::new();
    for pair in &orders.pairs {
        let credentials = Credentials::new(ApiKey::new(&pair.key)?, Token::new(&pair.token)?)
            .with_api_base(api.clone());
        let client = trello_auth_hyper::Client::builder()
            .credentials(credentials)
            .rate_budget(budget.clone())
            .build();
        clients.push((client, pair.path.clone()));
    }
    let clients = Arc::new(clients);
    let deadline = orders
        .seconds
        .map(|s| Instant::now() + Duration::from_secs_f64(s));
    let mut tasks = Vec::new();
    for task in 0..orders.tasks {
        let clients = Arc::clone(&clients);
        let which = (orders.index * orders.tasks + task) % clients.len();
        let count = orders.requests_per_task;
        tasks.push(tokio::spawn(async move {
            let (client, path) = &clients[which];
            let mut tally = Tally::default();
            let mut done = 0;
            while count.is_none_or(|n| done < n) && deadline.is_none_or(|d| Instant::now() < d) {
                let request = client.session().request(http::Method::GET, path, None);
                match request {
                    Ok(request) => match client.execute(request).await {
                        Ok(_) => tally.ok += 1,
                        Err(e) => *tally.failed.entry(e.code().to_owned()).or_default() += 1,
                    },
                    Err(e) => *tally.failed.entry(e.code().to_owned()).or_default() += 1,
                }
                done += 1;
            }
            tally
        }));
    }
    let mut total = Tally::default();
    for task in tasks {
        let tally = task.await?;
        total.ok += tally.ok;
        for (code, n) in tally.failed {
            *total.failed.entry(code).or_default() += n;
        }
    }
    Ok(total)
}
