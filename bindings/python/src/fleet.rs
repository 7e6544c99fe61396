//! `ta.RedisBudget`: the fleet-wide rate-limit budget of `trello-auth-redis`, shared by every
//! process (and every client) that names the same Redis, and the `rate_limit` argument that
//! both clients take ([`RateLimitArg`]).

use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::PyBool;
use trello_auth_core::client::{Assemble, ClientBuilder};
use trello_auth_core::fleet::Limits;
use trello_auth_core::{Limit, RateLimiter};
use trello_auth_redis::OnRedisDown;

use crate::client::seconds;
use crate::convert::{type_error, Int};
use crate::errors;

/// A rate-limit budget shared by a fleet of workers through Redis (SPEC S4.3).
///
/// ``ta.RedisBudget(url, *, key_max=300, token_max=100, window=10.0,
/// on_redis_down="fail_closed", fleet_size=None, margin=0.25, timeout=0.1)``: at most
/// ``key_max`` requests per key and ``token_max`` per token in any ``window`` seconds, across
/// every process using the same Redis; ``/1/members/`` routes also 100 per 900 s per token.
/// Pass it as ``ta.Client(..., rate_limit=budget)`` or ``ta.OAuth2Client(...,
/// rate_limit=budget)``. When Redis does not answer within ``timeout``: ``"fail_closed"``
/// raises ``RateBudgetUnavailable`` without sending, ``"local_share"`` keeps
/// ``1/fleet_size`` of each budget in this process, ``"fail_open"`` sends unpaced (logged).
/// ``margin`` is the longest time from reservation to Trello's receipt.
#[pyclass(name = "RedisBudget", module = "trello_auth", frozen)]
#[derive(Debug)]
pub struct RedisBudget {
    pub(crate) inner: trello_auth_redis::RedisBudget,
}

#[pymethods]
impl RedisBudget {
    #[new]
    #[pyo3(text_signature = "(url, *, key_max=300, token_max=100, window=10.0, \
        on_redis_down='fail_closed', fleet_size=None, margin=0.25, timeout=0.1)")]
    #[pyo3(signature = (
        url, *, key_max = Int::new(300), token_max = Int::new(100), window = 10.0,
        on_redis_down = "fail_closed", fleet_size = None, margin = 0.25, timeout = 0.1,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        url: &str,
        key_max: Int,
        token_max: Int,
        window: f64,
        on_redis_down: &str,
        fleet_size: Option<Int>,
        margin: f64,
        timeout: f64,
    ) -> PyResult<Self> {
        let key_max = key_max.range(py, "key_max", 1, u32::MAX.into())? as u32;
        let token_max = token_max.range(py, "token_max", 1, u32::MAX.into())? as u32;
        let window = millis(seconds(py, "window", window)?);
        let fleet_size = fleet_size
            .map(|n| n.range(py, "fleet_size", 1, u32::MAX.into()))
            .transpose()?
            .map(|n| n as u32);
        let policy = match (on_redis_down, fleet_size) {
            ("fail_closed", None) => OnRedisDown::FailClosed,
            ("fail_open", None) => OnRedisDown::FailOpen,
            ("local_share", Some(n)) => OnRedisDown::LocalShare(n),
            ("local_share", None) => {
                return Err(errors::invalid_argument(
                    py,
                    "fleet_size",
                    "on_redis_down=\"local_share\" needs fleet_size, the number of workers",
                ))
            }
            ("fail_closed" | "fail_open", Some(_)) => {
                return Err(errors::invalid_argument(
                    py,
                    "fleet_size",
                    "only on_redis_down=\"local_share\" takes a fleet_size",
                ))
            }
            _ => {
                return Err(errors::invalid_argument(
                    py,
                    "on_redis_down",
                    "expected \"fail_closed\", \"local_share\" or \"fail_open\"",
                ))
            }
        };
        // A margin of 0 is allowed (a test on loopback); `seconds` wants more than zero.
        let margin = if margin == 0.0 {
            Duration::ZERO
        } else {
            seconds(py, "margin", margin)?
        };
        let inner = trello_auth_redis::RedisBudget::builder(url)
            .limits(Limits {
                key: (key_max, window),
                token: (token_max, window),
                members: Limits::TRELLO.members,
            })
            .on_redis_down(policy)
            .margin(margin)
            .timeout(seconds(py, "timeout", timeout)?)
            .build()
            .map_err(|e| errors::invalid_argument(py, "url", &e.to_string()))?;
        Ok(Self { inner })
    }

    /// The policy when Redis is down: ``"fail_closed"``, ``"local_share"`` or ``"fail_open"``.
    #[getter]
    fn on_redis_down(&self) -> &'static str {
        match self.inner.on_redis_down() {
            OnRedisDown::FailClosed => "fail_closed",
            OnRedisDown::LocalShare(_) => "local_share",
            _ => "fail_open",
        }
    }

    fn __repr__(&self) -> String {
        let limits = self.inner.limits();
        format!(
            "RedisBudget(key_max={}, token_max={}, window={:?}, on_redis_down={:?})",
            limits.key.0,
            limits.token.0,
            limits.key.1 as f64 / 1000.0,
            self.on_redis_down()
        )
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

/// The `rate_limit` argument: `True` (Trello's budgets, in this process), `False` (no
/// client-side limiter), `(key_max, token_max, seconds)` (at most that many requests per key
/// and per token in any window of that many seconds), or a `RedisBudget` (the fleet's).
#[derive(Clone, Debug)]
pub(crate) enum RateLimitArg {
    On,
    Off,
    Budgets(Int, Int, f64),
    Fleet(trello_auth_redis::RedisBudget),
}

impl RateLimitArg {
    /// `builder` with this pacing.
    pub(crate) fn apply<C: Assemble>(
        self,
        py: Python<'_>,
        builder: ClientBuilder<C>,
    ) -> PyResult<ClientBuilder<C>> {
        Ok(match self {
            RateLimitArg::On => builder,
            RateLimitArg::Off => builder.rate_limiter(None),
            RateLimitArg::Budgets(key_max, token_max, window) => {
                let key_max = key_max.range(py, "rate_limit", 1, u32::MAX.into())? as u32;
                let token_max = token_max.range(py, "rate_limit", 1, u32::MAX.into())? as u32;
                let window = seconds(py, "rate_limit", window)?;
                let (key, token) = (Limit::new(key_max, window), Limit::new(token_max, window));
                builder.rate_limiter(Some(RateLimiter::new(key, token)))
            }
            RateLimitArg::Fleet(budget) => builder.rate_budget(budget),
        })
    }
}

impl<'a, 'py> FromPyObject<'a, 'py> for RateLimitArg {
    type Error = PyErr;

    fn extract(obj: pyo3::Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(on) = obj.cast::<PyBool>() {
            return Ok(if on.is_true() {
                RateLimitArg::On
            } else {
                RateLimitArg::Off
            });
        }
        if let Ok(budget) = obj.cast::<RedisBudget>() {
            return Ok(RateLimitArg::Fleet(budget.get().inner.clone()));
        }
        match obj.extract::<(Int, Int, f64)>() {
            Ok((key_max, token_max, window)) => {
                Ok(RateLimitArg::Budgets(key_max, token_max, window))
            }
            Err(_) => Err(type_error(
                "rate_limit",
                "True, False, (key_max, token_max, seconds) or a RedisBudget",
                &obj,
            )),
        }
    }
}
