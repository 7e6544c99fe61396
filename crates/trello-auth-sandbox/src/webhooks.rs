//! Webhooks (SPEC S9): the registry of the webhooks tokens created, the actions a change makes
//! (in Trello's `{"action": ..., "model": ...}` shape), and the log of deliveries.
//!
//! The HTTP side (the `HEAD` check at creation, signed deliveries with retries) is in
//! [`deliver`]; the routes are in `routes::webhooks`.

pub(crate) mod deliver;

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use serde::Serialize;
use serde_json::{json, Value};

use crate::clock::iso8601;

/// The header that carries a delivery's signature.
pub(crate) const HEADER: &str = "x-trello-webhook";

/// A registered webhook.
#[derive(Debug, Clone)]
pub(crate) struct Hook {
    pub(crate) id: String,
    pub(crate) description: String,
    pub(crate) id_model: String,
    /// Exactly as registered: half of what every delivery's signature covers.
    pub(crate) callback_url: String,
    pub(crate) active: bool,
    /// The token that created it (revoking the token deletes it).
    pub(crate) token: String,
    /// The secret that signs its deliveries: the key's app secret (SPEC S9), or for an OAuth
    /// 2.0 token its client's secret.
    pub(crate) secret: Arc<str>,
    pub(crate) consecutive_failures: u32,
    pub(crate) first_failure_ms: Option<i64>,
}

impl Hook {
    /// The webhook as Trello answers it.
    pub(crate) fn json(&self) -> Value {
        json!({
            "id": self.id,
            "description": self.description,
            "idModel": self.id_model,
            "callbackURL": self.callback_url,
            "active": self.active,
            "consecutiveFailures": self.consecutive_failures,
            "firstConsecutiveFailDate": self.first_failure_ms.map(iso8601),
        })
    }
}

/// A webhook checked by `POST /1/webhooks` and waiting for its `HEAD` check, which the server
/// makes before answering (the request's `Meta` carries it there).
#[derive(Debug)]
pub(crate) struct Draft {
    pub(crate) hook: Hook,
    /// The callback URL as a request URI.
    pub(crate) uri: http::Uri,
}

/// How the sandbox delivers: the wait before each retry, and how long an attempt (or the
/// `HEAD` check) may take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryPolicy {
    /// The delays before the retries; Trello retries three times (SPEC S9). Default 0.25 s,
    /// 0.5 s, 1 s: a failing delivery is over in under two seconds, so tests stay quick.
    pub retry_delays: Vec<Duration>,
    /// How long one attempt may take before it counts as failed (Trello: 30 s). Default 3 s.
    pub timeout: Duration,
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        Self {
            retry_delays: vec![
                Duration::from_millis(250),
                Duration::from_millis(500),
                Duration::from_secs(1),
            ],
            timeout: Duration::from_secs(3),
        }
    }
}

/// How a delivery ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DeliveryOutcome {
    /// An attempt was answered 2xx.
    Delivered,
    /// Every attempt failed (non-2xx, a timeout or no connection).
    Failed,
    /// An attempt was answered 410 Gone: the webhook was deleted (SPEC S9).
    Gone,
}

/// One attempt of a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DeliveryAttempt {
    /// The status the callback answered, if it answered in time.
    pub status: Option<u16>,
    /// Why there was no status: `timeout`, or `connect` (no connection, or it broke).
    pub error: Option<&'static str>,
}

/// A finished delivery, in the admin API's log. The signature is not kept: it is derived from
/// the app secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct WebhookDelivery {
    /// The webhook's id.
    pub webhook_id: String,
    /// The watched model.
    pub id_model: String,
    /// Where it was sent, as registered.
    pub callback_url: String,
    /// The action's type (`updateCard`, `commentCard`).
    pub action_type: String,
    /// The action's id.
    pub action_id: String,
    /// Every attempt, in order (at most one plus the retries).
    pub attempts: Vec<DeliveryAttempt>,
    /// How it ended.
    pub outcome: DeliveryOutcome,
}

/// The webhooks, the delivery policy and the delivery log; a handle that deliveries running in
/// their own tasks share.
#[derive(Debug, Clone, Default)]
pub(crate) struct Webhooks(Arc<Inner>);

#[derive(Debug, Default)]
pub(crate) struct Inner {
    hooks: Mutex<HashMap<String, Hook>>,
    pub(crate) policy: DeliveryPolicy,
    pub(crate) client: deliver::HttpClient,
    log: Mutex<Vec<WebhookDelivery>>,
    logged: Condvar,
}

impl std::ops::Deref for Webhooks {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// Why a webhook cannot be registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// The same callback, model and token already have one (Trello's rule).
    Duplicate,
}

impl Webhooks {
    pub(crate) fn new(policy: DeliveryPolicy) -> Self {
        Self(Arc::new(Inner {
            policy,
            ..Inner::default()
        }))
    }
}

impl Inner {
    /// Registers `hook` unless its token already has one for the same callback and model.
    pub(crate) fn insert(&self, hook: Hook) -> Result<(), Refused> {
        let mut hooks = lock(&self.hooks);
        let duplicate = hooks.values().any(|h| {
            h.token == hook.token
                && h.callback_url == hook.callback_url
                && h.id_model == hook.id_model
        });
        if duplicate {
            return Err(Refused::Duplicate);
        }
        hooks.insert(hook.id.clone(), hook);
        Ok(())
    }

    pub(crate) fn get(&self, id: &str) -> Option<Hook> {
        lock(&self.hooks).get(id).cloned()
    }

    pub(crate) fn remove(&self, id: &str) -> Option<Hook> {
        lock(&self.hooks).remove(id)
    }

    /// Every webhook's id, sorted.
    pub(crate) fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = lock(&self.hooks).keys().cloned().collect();
        ids.sort();
        ids
    }

    /// The webhooks of `token`, by id.
    pub(crate) fn of_token(&self, token: &str) -> Vec<Hook> {
        let mut found: Vec<Hook> = lock(&self.hooks)
            .values()
            .filter(|h| h.token == token)
            .cloned()
            .collect();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        found
    }

    /// Deletes the webhooks of `token` (it was revoked, SPEC S9); how many.
    pub(crate) fn remove_token(&self, token: &str) -> usize {
        let mut hooks = lock(&self.hooks);
        let before = hooks.len();
        hooks.retain(|_, h| h.token != token);
        before - hooks.len()
    }

    /// The active webhooks watching any of `models`.
    pub(crate) fn watching(&self, models: &[&str]) -> Vec<Hook> {
        let mut found: Vec<Hook> = lock(&self.hooks)
            .values()
            .filter(|h| h.active && models.contains(&h.id_model.as_str()))
            .cloned()
            .collect();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        found
    }

    /// Counts a finished delivery against its webhook (if it still exists).
    pub(crate) fn record_result(&self, id: &str, delivered: bool, now_ms: i64) {
        if let Some(h) = lock(&self.hooks).get_mut(id) {
            if delivered {
                h.consecutive_failures = 0;
                h.first_failure_ms = None;
            } else {
                h.consecutive_failures += 1;
                h.first_failure_ms.get_or_insert(now_ms);
            }
        }
    }

    pub(crate) fn log(&self, delivery: WebhookDelivery) {
        lock(&self.log).push(delivery);
        self.logged.notify_all();
    }

    pub(crate) fn deliveries(&self) -> Vec<WebhookDelivery> {
        lock(&self.log).clone()
    }

    pub(crate) fn clear_deliveries(&self) {
        lock(&self.log).clear();
    }

    /// Waits until at least `count` deliveries have finished, or `timeout` passed; the log.
    pub(crate) fn wait_for(&self, count: usize, timeout: Duration) -> Vec<WebhookDelivery> {
        let log = lock(&self.log);
        let (log, _) = self
            .logged
            .wait_timeout_while(log, timeout, |log| log.len() < count)
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        log.clone()
    }
}

/// What a change sends: the action, and the models whose webhooks receive it (the card, its
/// list and its board), each with the model's JSON.
#[derive(Debug, Clone)]
pub(crate) struct Change {
    pub(crate) action: Value,
    pub(crate) models: Vec<(String, Value)>,
}

impl Change {
    /// The body delivered to a webhook watching `id_model`: `{"action": ..., "model": ...}`.
    pub(crate) fn body_for(&self, id_model: &str) -> Option<Vec<u8>> {
        let (_, model) = self.models.iter().find(|(id, _)| id == id_model)?;
        serde_json::to_vec(&json!({ "action": self.action, "model": model })).ok()
    }

    /// The action's type and id, for the delivery log.
    pub(crate) fn names(&self) -> (String, String) {
        let s = |k: &str| self.action[k].as_str().unwrap_or_default().to_owned();
        (s("type"), s("id"))
    }
}

/// Locks a mutex, recovering from poisoning (a panicked delivery must not wedge the rest).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
