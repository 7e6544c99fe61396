//! The [`Model`](super::Model)'s rules as Redis scripts, timed by Redis `TIME`: the
//! reservation ([`RESERVE_SCRIPT`], its arguments [`Reservation`], its reply [`parse_reply`]),
//! a `-remaining` header ([`TIGHTEN_SCRIPT`], [`tighten_call`]) and a 429
//! ([`REJECTED_SCRIPT`], [`rejected_call`]).
//!
//! Per budget the script keeps two keys: a sorted set of held slots (member: a sequence
//! number, score: when the slot frees, in ms) and a hash with the sequence and, after a 429,
//! `until`. Both expire once nothing in them matters any more.

use super::model::{Budget, Reply, BREAKER_429S};

/// The reservation script. `KEYS`: per budget its slot set and its hash. `ARGV`: the margin
/// in ms, then per budget its `max` and its window in ms. Returns `{1}` (send: a slot is held
/// in every budget) or `{0, wait_ms}` (nothing held).
pub const RESERVE_SCRIPT: &str = r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local margin = tonumber(ARGV[1])
local n = #KEYS / 2
local wait = 0
for i = 1, n do
  local slots, meta = KEYS[2 * i - 1], KEYS[2 * i]
  local max, window = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', slots, '-inf', now)
  local blocked = tonumber(redis.call('HGET', meta, 'until') or '0')
  local w = math.max(0, blocked - now)
  if max == 0 then
    w = math.max(w, math.max(window, 1))
  else
    local held = redis.call('ZCARD', slots)
    if held >= max then
      local frees = redis.call('ZRANGE', slots, held - max, held - max, 'WITHSCORES')
      w = math.max(w, tonumber(frees[2]) - now)
    end
  end
  wait = math.max(wait, w)
end
if wait > 0 then
  return {0, wait}
end
for i = 1, n do
  local slots, meta = KEYS[2 * i - 1], KEYS[2 * i]
  local free_at = now + tonumber(ARGV[2 * i + 1]) + margin
  local seq = redis.call('HINCRBY', meta, 'seq', 1)
  redis.call('ZADD', slots, free_at, seq)
  redis.call('PEXPIREAT', slots, free_at)
  local keep = math.max(free_at, tonumber(redis.call('HGET', meta, 'until') or '0'))
  redis.call('PEXPIREAT', meta, keep)
end
return {1}
"#;

/// Trello's `x-rate-limit-*-remaining` for one budget: the model's `tighten`. `KEYS`: the
/// budget's slot set and hash. `ARGV`: the margin in ms, the budget's `max`, its window in ms,
/// and the remaining count Trello reported. Holds the difference when Trello has fewer left
/// than the fleet thinks; never frees a slot. Returns how many slots it held.
pub const TIGHTEN_SCRIPT: &str = r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local slots, meta = KEYS[1], KEYS[2]
local margin, max, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local remaining = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', slots, '-inf', now)
local hold = math.max(0, max - redis.call('ZCARD', slots)) - remaining
if hold <= 0 then
  return 0
end
local free_at = now + window + margin
for _ = 1, hold do
  redis.call('ZADD', slots, free_at, redis.call('HINCRBY', meta, 'seq', 1))
end
redis.call('PEXPIREAT', slots, free_at)
local keep = math.max(free_at, tonumber(redis.call('HGET', meta, 'until') or '0'))
redis.call('PEXPIREAT', meta, keep)
return hold
"#;

/// A 429 from Trello: the model's `record_429`. `KEYS`: the refused budget's hash, the key
/// budget's hash, the key's breaker. `ARGV`: the margin in ms, the refused budget's window in
/// ms, the key's window in ms, and the breaker's threshold. Blocks the budget for the fleet
/// until its window ends, and the key too once the breaker trips. Returns the 429s counted in
/// the key's current window.
pub const REJECTED_SCRIPT: &str = r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local meta, key_meta, breaker = KEYS[1], KEYS[2], KEYS[3]
local margin, window, key_window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local threshold = tonumber(ARGV[4])
local function block(hash, until_)
  local before = tonumber(redis.call('HGET', hash, 'until') or '0')
  if until_ > before then
    redis.call('HSET', hash, 'until', until_)
  end
  local ttl = redis.call('PTTL', hash)
  -- Kept while it matters: until the block ends, or longer if its slots need the sequence.
  if ttl < 0 or now + ttl < until_ then
    redis.call('PEXPIREAT', hash, until_)
  end
end
block(meta, now + window + margin)
local started = tonumber(redis.call('HGET', breaker, 'started') or '-1')
if started < 0 or now >= started + key_window then
  redis.call('HSET', breaker, 'started', now, 'count', 0)
  started = now
end
local count = redis.call('HINCRBY', breaker, 'count', 1)
redis.call('PEXPIREAT', breaker, started + key_window)
if count >= threshold then
  block(key_meta, now + key_window + margin)
end
return count
"#;

/// The `KEYS` and `ARGV` of one [`TIGHTEN_SCRIPT`] call.
///
/// ```
/// use trello_auth_core::fleet::{tighten_call, Budget};
/// let (keys, args) = tighten_call(&Budget::new("t:{k}:key", 300, 10_000), 12, 250);
/// assert_eq!(keys, ["t:{k}:key", "t:{k}:key:meta"]);
/// assert_eq!(args, ["250", "300", "10000", "12"]);
/// ```
pub fn tighten_call(budget: &Budget, remaining: u32, margin_ms: u64) -> (Vec<String>, Vec<String>) {
    (
        vec![budget.name.clone(), meta(budget)],
        vec![
            margin_ms.to_string(),
            budget.max.to_string(),
            budget.window_ms.to_string(),
            remaining.to_string(),
        ],
    )
}

/// The `KEYS` and `ARGV` of one [`REJECTED_SCRIPT`] call: a 429 for `budget`, counted toward
/// the breaker of `key` (named by [`KeyLayout::breaker`](super::KeyLayout::breaker)).
///
/// ```
/// use trello_auth_core::fleet::{rejected_call, Budget};
/// let token = Budget::new("t:{k}:token:ab", 100, 10_000);
/// let key = Budget::new("t:{k}:key", 300, 10_000);
/// let (keys, args) = rejected_call(&token, &key, "t:{k}:429s", 250);
/// assert_eq!(keys, ["t:{k}:token:ab:meta", "t:{k}:key:meta", "t:{k}:429s"]);
/// assert_eq!(args, ["250", "10000", "10000", "20"]);
/// ```
pub fn rejected_call(
    budget: &Budget,
    key: &Budget,
    breaker: &str,
    margin_ms: u64,
) -> (Vec<String>, Vec<String>) {
    (
        vec![meta(budget), meta(key), breaker.to_owned()],
        vec![
            margin_ms.to_string(),
            budget.window_ms.to_string(),
            key.window_ms.to_string(),
            BREAKER_429S.to_string(),
        ],
    )
}

/// A budget's hash: its slot sequence and, after a 429, until when it is blocked.
fn meta(budget: &Budget) -> String {
    format!("{}:meta", budget.name)
}

/// The `KEYS` and `ARGV` of one [`RESERVE_SCRIPT`] call for `budgets`.
///
/// ```
/// use trello_auth_core::fleet::{Budget, Reservation};
///
/// let call = Reservation::new(&[Budget::new("t:{k}:key", 300, 10_000)], 250);
/// assert_eq!(call.keys(), ["t:{k}:key", "t:{k}:key:meta"]);
/// assert_eq!(call.args(), ["250", "300", "10000"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reservation {
    keys: Vec<String>,
    args: Vec<String>,
}

impl Reservation {
    /// A reservation in every one of `budgets`, for requests that reach Trello at most
    /// `margin_ms` after it.
    pub fn new(budgets: &[Budget], margin_ms: u64) -> Self {
        let mut keys = Vec::with_capacity(budgets.len() * 2);
        let mut args = Vec::with_capacity(budgets.len() * 2 + 1);
        args.push(margin_ms.to_string());
        for budget in budgets {
            keys.push(budget.name.clone());
            keys.push(meta(budget));
            args.push(budget.max.to_string());
            args.push(budget.window_ms.to_string());
        }
        Self { keys, args }
    }

    /// The script's `KEYS`.
    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    /// The script's `ARGV`.
    pub fn args(&self) -> &[String] {
        &self.args
    }
}

/// The script's reply, as the integers Redis returns: `[1]` is [`Reply::Send`], `[0, ms]`
/// [`Reply::Wait`]; anything else is `None` (not this script's reply: a wrong script loaded
/// under its name).
///
/// ```
/// use trello_auth_core::fleet::{parse_reply, Reply};
/// assert_eq!(parse_reply(&[1]), Some(Reply::Send));
/// assert_eq!(parse_reply(&[0, 950]), Some(Reply::Wait(950)));
/// assert_eq!(parse_reply(&[0, -5]), None);
/// ```
pub fn parse_reply(reply: &[i64]) -> Option<Reply> {
    match *reply {
        [1] => Some(Reply::Send),
        [0, ms] if ms > 0 => u64::try_from(ms).ok().map(Reply::Wait),
        _ => None,
    }
}
