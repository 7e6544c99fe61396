//! The Redis scripts against [`Model`], the rules in plain Rust: the same random sequence of
//! reservations, `-remaining` headers, 429s, clock steps and state losses, with the scripts'
//! `TIME` replaced by a scripted clock, must get the same answers from both.

use proptest::prelude::*;
use trello_auth_core::fleet::{
    parse_reply, rejected_call, tighten_call, with_scripted_clock, Budget, Model, Reservation,
    REJECTED_SCRIPT, RESERVE_SCRIPT, TIGHTEN_SCRIPT,
};
use trello_auth_redis::server::RedisServer;

const CLOCK: &str = "fleet-test:now";
const EPOCH: &str = "t:{k}:epoch";
const BREAKER: &str = "t:{k}:429s";
const MARGIN: u64 = 40;

fn budgets() -> [Budget; 4] {
    [
        Budget::new("t:{k}:key", 6, 1_000),
        Budget::new("t:{k}:token:a", 3, 1_000),
        Budget::new("t:{k}:token:b", 3, 1_000),
        Budget::new("t:{k}:members:a", 2, 5_000),
    ]
}

#[derive(Clone, Debug)]
enum Step {
    /// Advance the clock, then reserve for token a or b (with the members budget or not),
    /// as caller 0 or 1 (each remembers the epoch it last saw).
    Reserve {
        advance: u64,
        token_b: bool,
        members: bool,
        caller: usize,
    },
    /// A `-remaining` header for budget `which`.
    Tighten { which: usize, remaining: u32 },
    /// A 429 for budget `which`.
    Rejected { which: usize },
    /// Redis loses its state.
    Lose,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        8 => (0u64..300, any::<bool>(), any::<bool>(), 0usize..2).prop_map(
            |(advance, token_b, members, caller)| Step::Reserve { advance, token_b, members, caller }
        ),
        1 => (0usize..4, 0u32..4).prop_map(|(which, remaining)| Step::Tighten { which, remaining }),
        1 => (0usize..4).prop_map(|which| Step::Rejected { which }),
        1 => Just(Step::Lose),
    ]
}

struct Scripts {
    reserve: redis::Script,
    tighten: redis::Script,
    rejected: redis::Script,
}

fn invoke<T: redis::FromRedisValue>(
    redis: &mut redis::Connection,
    script: &redis::Script,
    keys: &[String],
    args: &[String],
) -> T {
    let mut call = script.prepare_invoke();
    for key in keys {
        call.key(key);
    }
    for arg in args {
        call.arg(arg);
    }
    call.invoke(redis).expect("the script runs")
}

fn run(
    redis: &mut redis::Connection,
    scripts: &Scripts,
    steps: &[Step],
) -> Result<(), TestCaseError> {
    redis::cmd("FLUSHALL").exec(redis).unwrap();
    let all = budgets();
    let mut model = Model::new(MARGIN);
    let mut now = start();
    let mut seen = [None, None];
    for (i, step) in steps.iter().enumerate() {
        redis::cmd("SET").arg(CLOCK).arg(now).exec(redis).unwrap();
        match step {
            Step::Reserve {
                advance,
                token_b,
                members,
                caller,
            } => {
                now += advance;
                redis::cmd("SET").arg(CLOCK).arg(now).exec(redis).unwrap();
                let mut need = vec![all[0].clone(), all[if *token_b { 2 } else { 1 }].clone()];
                if *members {
                    need.push(all[3].clone());
                }
                let call = Reservation::new(EPOCH, &need, MARGIN, seen[*caller]);
                let reply: Vec<i64> = invoke(redis, &scripts.reserve, call.keys(), call.args());
                let got = parse_reply(&reply).expect("the script's reply parses");
                let want = model.reserve_seen(now, &need, seen[*caller]);
                prop_assert_eq!(got, want, "step {} at {}: {:?}", i, now, step);
                seen[*caller] = Some(got.1);
            }
            Step::Tighten { which, remaining } => {
                let (keys, args) = tighten_call(EPOCH, &all[*which], *remaining, MARGIN);
                let _: i64 = invoke(redis, &scripts.tighten, &keys, &args);
                model.tighten(now, &all[*which], *remaining);
            }
            Step::Rejected { which } => {
                let (keys, args) = rejected_call(&all[*which], &all[0], BREAKER, MARGIN);
                let _: i64 = invoke(redis, &scripts.rejected, &keys, &args);
                model.record_429(now, &all[*which], &all[0]);
            }
            Step::Lose => {
                redis::cmd("FLUSHALL").exec(redis).unwrap();
                model.lose_state();
            }
        }
        for budget in &all {
            // What every budget holds agrees too (expired slots dropped on both sides).
            let _: i64 = redis::cmd("ZREMRANGEBYSCORE")
                .arg(&budget.name)
                .arg("-inf")
                .arg(now)
                .query(redis)
                .unwrap();
            let held: usize = redis::cmd("ZCARD").arg(&budget.name).query(redis).unwrap();
            prop_assert_eq!(
                held,
                model.held(now, budget),
                "{} after step {}",
                budget.name,
                i
            );
        }
    }
    Ok(())
}

/// The scripted clock starts an hour ahead of the real one: the keys' expiry times (absolute,
/// on Redis's real clock) then come no earlier than the scripted times need.
fn start() -> u64 {
    let real = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    u64::try_from(real.as_millis()).unwrap() + 3_600_000
}

#[test]
fn the_scripts_answer_as_the_model_does() {
    let server = RedisServer::start().unwrap();
    let redis = std::cell::RefCell::new(server.connection().unwrap());
    let scripts = Scripts {
        reserve: redis::Script::new(&with_scripted_clock(RESERVE_SCRIPT, CLOCK)),
        tighten: redis::Script::new(&with_scripted_clock(TIGHTEN_SCRIPT, CLOCK)),
        rejected: redis::Script::new(&with_scripted_clock(REJECTED_SCRIPT, CLOCK)),
    };
    let config = ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest::test_runner::TestRunner::new(config)
        .run(&proptest::collection::vec(step(), 1..120), |steps| {
            run(&mut redis.borrow_mut(), &scripts, &steps)
        })
        .unwrap();
}

#[test]
fn the_breaker_blocks_the_key_after_twenty_429s_in_a_window() {
    let server = RedisServer::start().unwrap();
    let mut redis = server.connection().unwrap();
    let reserve = redis::Script::new(&with_scripted_clock(RESERVE_SCRIPT, CLOCK));
    let rejected = redis::Script::new(&with_scripted_clock(REJECTED_SCRIPT, CLOCK));
    let [key, token_a, token_b, _] = budgets();
    let now = start();
    redis::cmd("SET")
        .arg(CLOCK)
        .arg(now)
        .exec(&mut redis)
        .unwrap();
    let mut model = Model::new(MARGIN);
    for n in 1..=20 {
        let (keys, args) = rejected_call(&token_a, &key, BREAKER, MARGIN);
        let count: i64 = invoke(&mut redis, &rejected, &keys, &args);
        assert_eq!(count, n);
        model.record_429(now, &token_a, &key);
    }
    // Token b never saw a 429, yet the key's breaker holds it too.
    let need = [key, token_b];
    let call = Reservation::new(EPOCH, &need, MARGIN, None);
    let reply: Vec<i64> = invoke(&mut redis, &reserve, call.keys(), call.args());
    let got = parse_reply(&reply).unwrap();
    assert_eq!(got, model.reserve_seen(now, &need, None));
    assert_eq!(got.0, trello_auth_core::fleet::Reply::Wait(1_000 + MARGIN));
}
