//! The [`Model`](super::Model)'s rules as Redis scripts, timed by Redis `TIME`: the
//! reservation ([`RESERVE_SCRIPT`], its arguments [`Reservation`], its reply [`parse_reply`]),
//! a `-remaining` header ([`TIGHTEN_SCRIPT`], [`tighten_call`]) and a 429
//! ([`REJECTED_SCRIPT`], [`rejected_call`]).
//!
//! Per budget the scripts keep a sorted set of held slots (member: a sequence number from the
//! key's epoch hash, score: when the slot frees, in ms), expiring when its last slot frees, and
//! after a 429 a hash with `until`, expiring when the block ends. The key's epoch hash (when its
//! state began, whether a caller found an earlier one lost, the slot sequence) never expires.

use super::model::{Budget, Reply, BREAKER_429S};

/// The first lines of every script: `now` in milliseconds from Redis `TIME`.
macro_rules! clock {
    () => {
        "local t = redis.call('TIME')\nlocal now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
    };
}

/// The reservation script. `KEYS`: the key's epoch hash, then per budget its slot set and its
/// hash. `ARGV`: the margin in ms, the epoch this caller last saw (`0`: none), then per budget
/// its `max` and its window in ms. Returns `{1, epoch}` (send: a slot is held in every budget)
/// or `{0, wait_ms, epoch}` (nothing held).
///
/// The epoch is when the key's state was created. A caller that saw another one knows that
/// Redis lost the state (a restart without persistence): the slots of the window before are
/// gone, so every budget waits until a window and the margin have passed since the new epoch.
pub const RESERVE_SCRIPT: &str = concat!(
    clock!(),
    r#"local epoch_key = KEYS[1]
local margin, seen = tonumber(ARGV[1]), tonumber(ARGV[2])
local state = redis.call('HMGET', epoch_key, 'born', 'lost')
local epoch, lost = tonumber(state[1]), state[2] == '1'
if not epoch then
  epoch = now
  redis.call('HSET', epoch_key, 'born', epoch)
end
if seen > 0 and seen ~= epoch and not lost then
  lost = true
  redis.call('HSET', epoch_key, 'lost', 1)
end
local n = (#KEYS - 1) / 2
local wait = 0
for i = 1, n do
  local slots, meta = KEYS[2 * i], KEYS[2 * i + 1]
  local max, window = tonumber(ARGV[2 * i + 1]), tonumber(ARGV[2 * i + 2])
  redis.call('ZREMRANGEBYSCORE', slots, '-inf', now)
  local blocked = tonumber(redis.call('HGET', meta, 'until') or '0')
  if lost then
    blocked = math.max(blocked, epoch + window + margin)
  end
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
  return {0, wait, epoch}
end
local seq = redis.call('HINCRBY', epoch_key, 'seq', n)
for i = 1, n do
  local slots = KEYS[2 * i]
  local free_at = now + tonumber(ARGV[2 * i + 2]) + margin
  redis.call('ZADD', slots, free_at, seq - i + 1)
  redis.call('PEXPIREAT', slots, free_at)
end
return {1, epoch}
"#
);

/// Trello's `x-rate-limit-*-remaining` for one budget: the model's `tighten`. `KEYS`: the
/// budget's slot set and the key's epoch hash. `ARGV`: the margin in ms, the budget's `max`,
/// its window in ms, and the remaining count Trello reported. Holds the difference when Trello
/// has fewer left than the fleet thinks; never frees a slot. Returns how many slots it held.
pub const TIGHTEN_SCRIPT: &str = concat!(
    clock!(),
    r#"local slots, epoch_key = KEYS[1], KEYS[2]
local margin, max, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local remaining = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', slots, '-inf', now)
local hold = math.max(0, max - redis.call('ZCARD', slots)) - remaining
if hold <= 0 then
  return 0
end
local free_at = now + window + margin
local seq = redis.call('HINCRBY', epoch_key, 'seq', hold)
for i = 1, hold do
  redis.call('ZADD', slots, free_at, seq - i + 1)
end
redis.call('PEXPIREAT', slots, free_at)
return hold
"#
);

/// A 429 from Trello: the model's `record_429`. `KEYS`: the refused budget's hash, the key
/// budget's hash, the key's breaker. `ARGV`: the margin in ms, the refused budget's window in
/// ms, the key's window in ms, and the breaker's threshold. Blocks the budget for the fleet
/// until its window ends, and the key too once the breaker trips. Returns the 429s counted in
/// the key's current window.
pub const REJECTED_SCRIPT: &str = concat!(
    clock!(),
    r#"local meta, key_meta, breaker = KEYS[1], KEYS[2], KEYS[3]
local margin, window, key_window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local threshold = tonumber(ARGV[4])
local function block(hash, until_)
  local before = tonumber(redis.call('HGET', hash, 'until') or '0')
  if until_ > before then
    redis.call('HSET', hash, 'until', until_)
  end
  local ttl = redis.call('PTTL', hash)
  -- Kept while it matters: until the block ends.
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
"#
);

/// `script` with Redis `TIME` replaced by the number stored at the key `clock_key`: for
/// testing the scripts against the [`Model`](super::Model) on a scripted clock (`SET` the key
/// before each call). Never for production use: the fleet's clock must be Redis's.
///
/// ```
/// use trello_auth_core::fleet::{with_scripted_clock, RESERVE_SCRIPT};
/// let script = with_scripted_clock(RESERVE_SCRIPT, "test:now");
/// assert!(script.starts_with("local now = tonumber(redis.call('GET', 'test:now'))"));
/// assert!(!script.contains("TIME"));
/// ```
pub fn with_scripted_clock(script: &str, clock_key: &str) -> String {
    let body = script.strip_prefix(clock!()).unwrap_or(script);
    format!("local now = tonumber(redis.call('GET', '{clock_key}'))\n{body}")
}

/// The `KEYS` and `ARGV` of one [`TIGHTEN_SCRIPT`] call, for a budget of the key whose epoch
/// hash is `epoch_key` ([`KeyLayout::epoch`](super::KeyLayout::epoch)).
///
/// ```
/// use trello_auth_core::fleet::{tighten_call, Budget};
/// let (keys, args) = tighten_call("t:{k}:epoch", &Budget::new("t:{k}:key", 300, 10_000), 12, 250);
/// assert_eq!(keys, ["t:{k}:key", "t:{k}:epoch"]);
/// assert_eq!(args, ["250", "300", "10000", "12"]);
/// ```
pub fn tighten_call(
    epoch_key: &str,
    budget: &Budget,
    remaining: u32,
    margin_ms: u64,
) -> (Vec<String>, Vec<String>) {
    (
        vec![budget.name.clone(), epoch_key.to_owned()],
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
/// let call = Reservation::new("t:{k}:epoch", &[Budget::new("t:{k}:key", 300, 10_000)], 250, None);
/// assert_eq!(call.keys(), ["t:{k}:epoch", "t:{k}:key", "t:{k}:key:meta"]);
/// assert_eq!(call.args(), ["250", "0", "300", "10000"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reservation {
    keys: Vec<String>,
    args: Vec<String>,
}

impl Reservation {
    /// A reservation in every one of `budgets`, for requests that reach Trello at most
    /// `margin_ms` after it, by a caller that last saw the epoch `seen` (from an earlier
    /// [`parse_reply`]) in the key's epoch hash `epoch_key`
    /// ([`KeyLayout::epoch`](super::KeyLayout::epoch)).
    pub fn new(epoch_key: &str, budgets: &[Budget], margin_ms: u64, seen: Option<u64>) -> Self {
        let mut keys = Vec::with_capacity(budgets.len() * 2 + 1);
        let mut args = Vec::with_capacity(budgets.len() * 2 + 2);
        keys.push(epoch_key.to_owned());
        args.push(margin_ms.to_string());
        args.push(seen.unwrap_or(0).to_string());
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

    /// The script's `KEYS` and `ARGV`, owned.
    pub fn into_parts(self) -> (Vec<String>, Vec<String>) {
        (self.keys, self.args)
    }
}

/// The reservation script's reply, as the integers Redis returns: `[1, epoch]` is
/// [`Reply::Send`], `[0, ms, epoch]` [`Reply::Wait`], with the key's epoch to pass to the next
/// [`Reservation`]; anything else is `None` (not this script's reply: a wrong script loaded
/// under its name).
///
/// ```
/// use trello_auth_core::fleet::{parse_reply, Reply};
/// assert_eq!(parse_reply(&[1, 1_700]), Some((Reply::Send, 1_700)));
/// assert_eq!(parse_reply(&[0, 950, 1_700]), Some((Reply::Wait(950), 1_700)));
/// assert_eq!(parse_reply(&[0, -5, 1_700]), None);
/// assert_eq!(parse_reply(&[1]), None);
/// ```
pub fn parse_reply(reply: &[i64]) -> Option<(Reply, u64)> {
    let (reply, epoch) = match *reply {
        [1, epoch] => (Reply::Send, epoch),
        [0, ms, epoch] if ms > 0 => (Reply::Wait(u64::try_from(ms).ok()?), epoch),
        _ => return None,
    };
    Some((reply, u64::try_from(epoch).ok().filter(|e| *e > 0)?))
}
