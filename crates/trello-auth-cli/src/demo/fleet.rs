//! The demo's fleet step (SPEC S4.3): four workers share one API key. Each with its own
//! in-process limiter, they together overrun the key's budget and meet 429s; on one
//! `RedisBudget` (a `redis-server` started for the step), none. Skipped, saying so, when the
//! machine has no `redis-server`.

use std::time::{Duration, Instant};

use trello_auth_core::fleet::Limits;
use trello_auth_core::{ApiKey, Credentials, Limit, Origin, RateLimiter, RetryPolicy, Token};
use trello_auth_redis::server::RedisServer;
use trello_auth_redis::RedisBudget;
use trello_auth_sandbox::{App, RateLimits, Sandbox, TokenSpec};

use super::report::Report;

const WORKERS: usize = 4;
/// More than two windows hold, so that no luck of timing avoids the 429s of the first run.
const CALLS: usize = 12;
/// The key's budget on this sandbox: 20 requests per second.
const KEY_MAX: u32 = 20;
const WINDOW: Duration = Duration::from_secs(1);

pub(crate) fn step(r: &mut Report) {
    r.step("A fleet on one key (SPEC S4.3): 4 workers, 20 requests per second for the key");
    if !RedisServer::available() {
        r.line("skipped: no redis-server on this machine (Debian: apt-get install redis-server)");
        return;
    }
    if let Err(e) = run(r) {
        r.fail(&e);
    }
}

fn run(r: &mut Report) -> Result<(), String> {
    let redis = RedisServer::start().map_err(|e| e.to_string())?;
    let limits = RateLimits::new(KEY_MAX, 100, WINDOW);
    let sb = Sandbox::builder()
        .rate_limits(limits)
        .start_blocking()
        .map_err(|e| e.to_string())?;
    r.line(&format!(
        "each worker has its own token and client; {CALLS} calls each, {} in all",
        WORKERS * CALLS
    ));
    let (sb, redis) = (&sb, &redis);
    for fleet in [false, true] {
        // A key of its own per run: the sandbox counts in fixed windows, and the other run's
        // requests could still be in the current one.
        let app = App::generate(if fleet { "Fleet" } else { "Limiter each" });
        sb.admin()
            .register_app(app.clone())
            .map_err(|e| e.to_string())?;
        let mut tokens = Vec::new();
        for _ in 0..WORKERS {
            let spec = TokenSpec {
                app_key: Some(app.key.clone()),
                ..TokenSpec::default()
            };
            tokens.push(sb.admin().mint_token(&spec).map_err(|e| e.to_string())?);
        }
        sb.admin().clear_requests();
        let t0 = Instant::now();
        let ok = std::thread::scope(|scope| {
            let workers: Vec<_> = tokens
                .iter()
                .map(|token| {
                    let client = worker(sb, &app.key, token, fleet.then(|| redis.url()));
                    scope.spawn(move || {
                        let client = client?;
                        let path = format!("/1/boards/{}", sb.fixtures().board_id);
                        Ok::<_, String>(
                            (0..CALLS)
                                .filter(|_| client.get::<serde_json::Value>(&path).is_ok())
                                .count(),
                        )
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().unwrap_or_else(|_| Err("a worker panicked".into())))
                .sum::<Result<usize, String>>()
        })?;
        let log = sb.admin().requests();
        let got_429 = log.iter().filter(|q| q.status == 429).count();
        let mut arrivals: Vec<i64> = log
            .iter()
            .filter(|q| q.status == 200)
            .filter_map(|q| q.counted.as_ref().map(|c| c.at_ms))
            .collect();
        arrivals.sort_unstable();
        let busiest = busiest_window(&arrivals, WINDOW.as_millis() as i64);
        r.line(&format!(
            "{:<34} {ok}/{} succeeded, {got_429} answered 429, busiest second {busiest}, {:.1} s",
            if fleet {
                "one RedisBudget for all four:"
            } else {
                "an in-process limiter each:"
            },
            WORKERS * CALLS,
            t0.elapsed().as_secs_f64()
        ));
        if fleet {
            r.check(
                ok == WORKERS * CALLS && got_429 == 0 && busiest <= KEY_MAX as usize,
                "the fleet stayed within the key's budget: no 429",
            );
        } else {
            r.check(
                got_429 > 0,
                "four limiters that each think they own the key overrun it",
            );
        }
    }
    Ok(())
}

/// A worker's client: on the fleet's budget in `redis`, else on its own in-process limiter.
fn worker(
    sb: &Sandbox,
    key: &str,
    token: &str,
    redis: Option<String>,
) -> Result<trello_auth_ureq::Client, String> {
    let api = Origin::parse(sb.api_base()).map_err(|e| e.to_string())?;
    let key = ApiKey::new(key).map_err(|e| e.to_string())?;
    let credentials =
        Credentials::new(key, Token::new(token).map_err(|e| e.to_string())?).with_api_base(api);
    let builder = trello_auth_ureq::Client::builder()
        .credentials(credentials)
        .retry_policy(RetryPolicy::default().with_base(Duration::from_millis(250)));
    Ok(match redis {
        Some(url) => {
            let window = WINDOW.as_millis() as u64;
            let budget = RedisBudget::builder(&url)
                .limits(Limits {
                    key: (KEY_MAX, window),
                    token: (100, window),
                    members: Limits::TRELLO.members,
                })
                .margin(Duration::from_millis(100))
                .build()
                .map_err(|e| e.to_string())?;
            builder.rate_budget(budget).build()
        }
        None => builder
            .rate_limiter(Some(RateLimiter::new(
                Limit::new(KEY_MAX, WINDOW),
                Limit::new(100, WINDOW),
            )))
            .build(),
    })
}

/// The most requests in any window of `window_ms` among sorted `arrivals`.
fn busiest_window(arrivals: &[i64], window_ms: i64) -> usize {
    (0..arrivals.len())
        .map(|i| {
            arrivals[i..]
                .iter()
                .take_while(|t| **t < arrivals[i] + window_ms)
                .count()
        })
        .max()
        .unwrap_or(0)
}
