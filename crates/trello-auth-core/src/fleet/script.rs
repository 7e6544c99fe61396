//! The reservation as one Redis script ([`RESERVE_SCRIPT`]): the [`Model`](super::Model)'s
//! `reserve` in Lua, timed by Redis `TIME`, with its arguments ([`Reservation`]) and its reply
//! ([`parse_reply`]).
//!
//! Per budget the script keeps two keys: a sorted set of held slots (member: a sequence
//! number, score: when the slot frees, in ms) and a hash with the sequence and, after a 429,
//! `until`. Both expire once nothing in them matters any more.

use super::model::{Budget, Reply};

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
            keys.push(format!("{}:meta", budget.name));
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
