//! `RedisBudget` against a real Redis that misbehaves: a flushed script cache, a frozen server
//! under each failure policy, and a restart that loses the state.

use std::time::Duration;

use trello_auth_core::budget::{Demand, RateBudget};
use trello_auth_core::fleet::Limits;
use trello_auth_core::{ApiKey, Credentials, Decision, Origin, Token};
use trello_auth_redis::server::RedisServer;
use trello_auth_redis::{OnRedisDown, RedisBudget};
use trello_auth_sandbox::Sandbox;

const WINDOW_MS: u64 = 60_000;

fn demand() -> Demand {
    Demand::new(
        "0123456789abcdef0123456789abcdef",
        "a-token",
        "/1/boards/abc",
    )
}

fn budget(redis: &RedisServer, key_max: u32, policy: OnRedisDown) -> RedisBudget {
    RedisBudget::builder(&redis.url())
        .limits(Limits {
            key: (key_max, WINDOW_MS),
            token: (100, WINDOW_MS),
            members: (100, WINDOW_MS),
        })
        .timeout(Duration::from_millis(50))
        .on_redis_down(policy)
        .build()
        .unwrap()
}

fn waits(decision: Decision) -> bool {
    matches!(decision, Decision::Wait(d) if d > Duration::from_millis(WINDOW_MS / 2))
}

#[test]
fn a_flushed_script_cache_is_reloaded_on_noscript() {
    let redis = RedisServer::start().unwrap();
    let mut admin = redis.connection().unwrap();
    let budget = budget(&redis, 10, OnRedisDown::FailClosed);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    for round in 0..2 {
        assert_eq!(budget.reserve_blocking(&demand()).unwrap(), Decision::Send);
        redis::cmd("SCRIPT").arg("FLUSH").exec(&mut admin).unwrap();
        let answer = runtime.block_on(budget.reserve(&demand()));
        assert_eq!(answer.unwrap(), Decision::Send, "round {round}");
        redis::cmd("SCRIPT").arg("FLUSH").exec(&mut admin).unwrap();
    }
    let held: usize = redis::cmd("KEYS")
        .arg("trello-auth:*:key")
        .query::<Vec<String>>(&mut admin)
        .map(|keys| keys.len())
        .unwrap();
    assert_eq!(held, 1, "the reservations landed in Redis");
}

#[test]
fn fail_closed_sends_nothing_while_redis_is_frozen() {
    let redis = RedisServer::start().unwrap();
    let sandbox = Sandbox::builder().start_blocking().unwrap();
    let credentials = Credentials::new(
        ApiKey::new(&sandbox.app().key).unwrap(),
        Token::new(sandbox.token()).unwrap(),
    )
    .with_api_base(Origin::parse(sandbox.api_base()).unwrap());
    let budget = budget(&redis, 10, OnRedisDown::FailClosed);
    let ureq = trello_auth_ureq::Client::builder()
        .credentials(credentials.clone())
        .rate_budget(budget.clone())
        .build();
    let hyper = trello_auth_hyper::Client::builder()
        .credentials(credentials)
        .rate_budget(budget)
        .build();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let board = format!("/1/boards/{}", sandbox.fixtures().board_id);
    let _: serde_json::Value = ureq.get(&board).unwrap();
    redis.pause();
    let error = ureq.get::<serde_json::Value>(&board).unwrap_err();
    assert_eq!(error.code(), "rate_budget_unavailable");
    assert!(error.to_string().contains("did not answer"), "{error}");
    let error = runtime
        .block_on(hyper.get::<serde_json::Value>(&board))
        .unwrap_err();
    assert_eq!(error.code(), "rate_budget_unavailable");
    assert_eq!(
        sandbox.admin().requests().len(),
        1,
        "nothing sent while Redis was frozen"
    );
    redis.resume();
    let _: serde_json::Value = ureq.get(&board).unwrap();
    let _: serde_json::Value = runtime.block_on(hyper.get(&board)).unwrap();
    assert_eq!(sandbox.admin().requests().len(), 3);
}

#[test]
fn local_share_keeps_one_nth_while_redis_is_frozen() {
    let redis = RedisServer::start().unwrap();
    let budget = budget(&redis, 8, OnRedisDown::LocalShare(4));
    assert_eq!(budget.reserve_blocking(&demand()).unwrap(), Decision::Send);
    redis.pause();
    // 8 per window over 4 workers: this one keeps 2.
    assert_eq!(budget.reserve_blocking(&demand()).unwrap(), Decision::Send);
    assert_eq!(budget.reserve_blocking(&demand()).unwrap(), Decision::Send);
    assert!(waits(budget.reserve_blocking(&demand()).unwrap()));
    redis.resume();
    // Redis answers again and its count rules: the local share is spent, Redis's is not.
    // (The calls that timed out while it was frozen may still have reserved on waking: a
    // slot held unused, never one too many.)
    let mut sent = 0;
    while budget.reserve_blocking(&demand()).unwrap() == Decision::Send {
        sent += 1;
    }
    assert!(
        (1..=7).contains(&sent),
        "{sent} more from Redis after the 1 before"
    );
}

#[test]
fn fail_open_sends_while_redis_is_frozen() {
    let redis = RedisServer::start().unwrap();
    let budget = budget(&redis, 2, OnRedisDown::FailOpen);
    redis.pause();
    for _ in 0..5 {
        assert_eq!(budget.reserve_blocking(&demand()).unwrap(), Decision::Send);
    }
    redis.resume();
    assert_eq!(budget.reserve_blocking(&demand()).unwrap(), Decision::Send);
}

#[test]
fn a_restart_that_loses_the_state_does_not_grant_another_window() {
    for policy in [
        OnRedisDown::FailClosed,
        OnRedisDown::LocalShare(2),
        OnRedisDown::FailOpen,
    ] {
        let mut redis = RedisServer::start().unwrap();
        let budget = budget(&redis, 3, policy);
        for _ in 0..3 {
            assert_eq!(budget.reserve_blocking(&demand()).unwrap(), Decision::Send);
        }
        assert!(waits(budget.reserve_blocking(&demand()).unwrap()));
        redis.restart().unwrap();
        // The new Redis is empty, but this worker saw the old state: the fleet waits out the
        // window before, and so does a worker that starts now (whatever the policy: Redis
        // answers).
        assert!(
            waits(budget.reserve_blocking(&demand()).unwrap()),
            "{policy:?}"
        );
        let newcomer = self::budget(&redis, 3, policy);
        assert!(
            waits(newcomer.reserve_blocking(&demand()).unwrap()),
            "{policy:?}"
        );
    }
}
