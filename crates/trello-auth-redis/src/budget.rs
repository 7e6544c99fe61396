//! [`RedisBudget`]: the core's [`RateBudget`] on Redis, with the failure policy.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use redis::Script;
use trello_auth_core::budget::{BudgetError, BudgetFuture, Demand, RateBudget, Report};
use trello_auth_core::fleet::{
    parse_reply, rejected_call, tighten_call, Budget, KeyLayout, Limits, Reply, Reservation,
    REJECTED_SCRIPT, RESERVE_SCRIPT, TIGHTEN_SCRIPT,
};
use trello_auth_core::{Decision, RateLimitKind};

use crate::builder::{Error, OnRedisDown, RedisBudgetBuilder};
use crate::conn::{Eval, Redis};
use crate::local::LocalShare;

/// A fleet-wide rate-limit budget on Redis: give it to a client with
/// `ClientBuilder::rate_budget`. Cloning is cheap and shares the connections; every clone,
/// in every process, that names the same Redis and prefix shares the budgets.
///
/// See [the crate docs](crate) for the rules and the failure policies.
#[derive(Clone)]
pub struct RedisBudget(Arc<Inner>);

struct Inner {
    redis: Redis,
    limits: Limits,
    margin_ms: u64,
    on_down: OnRedisDown,
    prefix: String,
    reserve: Script,
    tighten: Script,
    rejected: Script,
    /// Per key id, the epoch of its state that this process last saw.
    epochs: Mutex<HashMap<String, u64>>,
    /// Whether the last Redis call failed (for logging each change once).
    down: AtomicBool,
    local: Option<LocalShare>,
}

impl RedisBudget {
    /// A budget on the Redis at `url` with Trello's limits and the defaults of
    /// [`RedisBudgetBuilder`].
    pub fn new(url: &str) -> Result<Self, Error> {
        Self::builder(url).build()
    }

    /// The settings of a budget on the Redis at `url` (`redis://[:password@]host[:port][/db]`,
    /// `rediss://` is not built in, `redis+unix:///path`).
    pub fn builder(url: &str) -> RedisBudgetBuilder {
        RedisBudgetBuilder::new(url)
    }

    pub(crate) fn open(settings: RedisBudgetBuilder) -> Result<Self, Error> {
        // Not the redis crate's message: it could quote the URL, and with it a password.
        let client = redis::Client::open(settings.url.as_str()).map_err(|_| Error::InvalidUrl {
            reason: "it does not parse as one".to_owned(),
        })?;
        let margin_ms = u64::try_from(settings.margin.as_millis()).unwrap_or(u64::MAX);
        let local = match settings.on_down {
            OnRedisDown::LocalShare(n) => Some(LocalShare::new(n, margin_ms)),
            _ => None,
        };
        Ok(Self(Arc::new(Inner {
            redis: Redis::new(client, settings.timeout),
            limits: settings.limits,
            margin_ms,
            on_down: settings.on_down,
            prefix: settings.prefix,
            reserve: Script::new(RESERVE_SCRIPT),
            tighten: Script::new(TIGHTEN_SCRIPT),
            rejected: Script::new(REJECTED_SCRIPT),
            epochs: Mutex::new(HashMap::new()),
            down: AtomicBool::new(false),
            local,
        })))
    }

    /// The failure policy.
    pub fn on_redis_down(&self) -> OnRedisDown {
        self.0.on_down
    }

    /// The budgets' sizes.
    pub fn limits(&self) -> Limits {
        self.0.limits
    }
}

impl Inner {
    /// The budgets `demand` needs, and the script call that reserves in them.
    fn plan(&self, demand: &Demand) -> (Vec<Budget>, Eval<'_>) {
        let layout = KeyLayout::new(&self.prefix, demand);
        let budgets = layout.budgets(&self.limits);
        let seen = self.epochs().get(demand.key_id()).copied();
        let (keys, args) =
            Reservation::new(&layout.epoch(), &budgets, self.margin_ms, seen).into_parts();
        let eval = Eval {
            script: &self.reserve,
            keys,
            args,
        };
        (budgets, eval)
    }

    fn epochs(&self) -> std::sync::MutexGuard<'_, HashMap<String, u64>> {
        self.epochs.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The decision of Redis's answer `reply`, or of the failure policy.
    fn decide(
        &self,
        demand: &Demand,
        budgets: &[Budget],
        reply: Result<Vec<i64>, String>,
    ) -> Result<Decision, BudgetError> {
        let reason = match reply {
            Ok(reply) => match parse_reply(&reply) {
                Some((reply, epoch)) => {
                    self.up();
                    self.epochs().insert(demand.key_id().to_owned(), epoch);
                    return Ok(decision(reply));
                }
                None => "Redis answered the reservation with something else than the script's \
                         reply (another script under its SHA?)"
                    .to_owned(),
            },
            Err(reason) => reason,
        };
        self.went_down(&reason);
        match (self.on_down, &self.local) {
            (OnRedisDown::LocalShare(_), Some(local)) => Ok(decision(local.reserve(budgets))),
            (OnRedisDown::FailOpen, _) => Ok(Decision::Send),
            _ => Err(BudgetError::new(reason, None)),
        }
    }

    /// The script calls that tell the fleet what Trello said.
    fn reports(&self, demand: &Demand, report: &Report) -> Vec<Eval<'_>> {
        let layout = KeyLayout::new(&self.prefix, demand);
        let budgets = layout.budgets(&self.limits);
        let (key, token) = (&budgets[0], &budgets[1]);
        let members = budgets.get(2);
        let mut calls = Vec::new();
        if let Some(kind) = report.refused() {
            let refused = match kind {
                RateLimitKind::Key => key,
                RateLimitKind::Member => members.unwrap_or(token),
                _ => token,
            };
            let (keys, args) = rejected_call(refused, key, &layout.breaker(), self.margin_ms);
            calls.push(Eval {
                script: &self.rejected,
                keys,
                args,
            });
        }
        let status = report.status();
        let pairs = [
            (status.api_key, Some(key)),
            (status.api_token, Some(token)),
            (status.member, members),
        ];
        for (said, budget) in pairs {
            if let (Some(said), Some(budget)) = (said.filter(Report::is_low), budget) {
                let (keys, args) =
                    tighten_call(&layout.epoch(), budget, said.remaining, self.margin_ms);
                calls.push(Eval {
                    script: &self.tighten,
                    keys,
                    args,
                });
            }
        }
        calls
    }

    fn up(&self) {
        if self.down.swap(false, Ordering::Relaxed) {
            tracing::info!(target: "trello_auth_redis", "Redis answers again: the fleet budget is back");
        }
    }

    fn went_down(&self, reason: &str) {
        if !self.down.swap(true, Ordering::Relaxed) {
            match self.on_down {
                OnRedisDown::FailClosed => tracing::warn!(
                    target: "trello_auth_redis",
                    "{reason}: calls fail unsent until Redis answers (FailClosed)"
                ),
                OnRedisDown::LocalShare(n) => tracing::warn!(
                    target: "trello_auth_redis",
                    "{reason}: this process keeps 1/{n} of every budget until Redis answers (LocalShare)"
                ),
                OnRedisDown::FailOpen => tracing::warn!(
                    target: "trello_auth_redis",
                    "{reason}: requests go out UNPACED until Redis answers (FailOpen)"
                ),
            }
        }
    }
}

fn decision(reply: Reply) -> Decision {
    match reply {
        Reply::Send => Decision::Send,
        Reply::Wait(ms) => Decision::Wait(Duration::from_millis(ms.max(1))),
    }
}

impl RateBudget for RedisBudget {
    fn reserve_blocking(&self, demand: &Demand) -> Result<Decision, BudgetError> {
        let (budgets, eval) = self.0.plan(demand);
        self.0
            .decide(demand, &budgets, self.0.redis.eval_blocking(&eval))
    }

    fn observe_blocking(&self, demand: &Demand, report: &Report) {
        for eval in self.0.reports(demand, report) {
            // Best effort: a lost report only leaves the budget as loose as it was.
            let _ = self.0.redis.eval_blocking::<i64>(&eval);
        }
    }

    fn reserve<'a>(
        &'a self,
        demand: &'a Demand,
    ) -> BudgetFuture<'a, Result<Decision, BudgetError>> {
        Box::pin(async move {
            let (budgets, eval) = self.0.plan(demand);
            let reply = self.0.redis.eval(&eval).await;
            self.0.decide(demand, &budgets, reply)
        })
    }

    fn observe<'a>(&'a self, demand: &'a Demand, report: &'a Report) -> BudgetFuture<'a, ()> {
        Box::pin(async move {
            for eval in self.0.reports(demand, report) {
                let _ = self.0.redis.eval::<i64>(&eval).await;
            }
        })
    }
}

impl fmt::Debug for RedisBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisBudget")
            .field("limits", &self.0.limits)
            .field("margin_ms", &self.0.margin_ms)
            .field("on_redis_down", &self.0.on_down)
            .field("prefix", &self.0.prefix)
            .finish_non_exhaustive()
    }
}
