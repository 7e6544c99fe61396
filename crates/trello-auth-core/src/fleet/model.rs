//! [`Model`]: the fleet budget's rules as plain Rust, the reference the Redis script is tested
//! against. Times are milliseconds of one clock (Redis `TIME` in the script).

use std::collections::BTreeMap;

/// 429s in one key window after which the whole key waits for the window to end: far below
/// Trello's lockout after 200 (SPEC S4.3).
pub const BREAKER_429S: u32 = 20;

/// One budget a request needs: its Redis key (from [`KeyLayout`](super::KeyLayout)), how many
/// requests it allows, and in what window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Budget {
    /// The budget's key.
    pub name: String,
    /// Requests allowed per window.
    pub max: u32,
    /// The window, in milliseconds.
    pub window_ms: u64,
}

impl Budget {
    /// A budget of `max` requests per `window_ms` named `name`.
    pub fn new(name: impl Into<String>, max: u32, window_ms: u64) -> Self {
        Self {
            name: name.into(),
            max,
            window_ms,
        }
    }
}

/// What a reservation says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Send now: a slot is held in every budget.
    Send,
    /// Nothing was reserved; ask again in this many milliseconds.
    Wait(u64),
}

/// The state of every budget, and the rules (see [the module](super)).
///
/// ```
/// use trello_auth_core::fleet::{Budget, Model, Reply};
///
/// let key = Budget::new("k", 2, 10_000);
/// let mut fleet = Model::new(100); // 100 ms from reservation to Trello, at most
/// assert_eq!(fleet.reserve(0, &[key.clone()]), Reply::Send);
/// assert_eq!(fleet.reserve(5, &[key.clone()]), Reply::Send);
/// // Full: the first slot frees at 0 + 10 000 + 100.
/// assert_eq!(fleet.reserve(6, &[key.clone()]), Reply::Wait(10_094));
/// assert_eq!(fleet.reserve(10_100, &[key]), Reply::Send);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Model {
    margin_ms: u64,
    /// Per budget, when each held slot frees (sorted).
    slots: BTreeMap<String, Vec<u64>>,
    /// Per budget, until when a 429 blocks it.
    blocked: BTreeMap<String, u64>,
    /// The key's 429s: when its breaker window started, and how many.
    breaker: BTreeMap<String, (u64, u32)>,
    /// When the state was created, and whether a caller found an earlier state lost.
    epoch: Option<u64>,
    lost: bool,
}

impl Model {
    /// An empty fleet whose requests reach Trello at most `margin_ms` after reserving.
    pub fn new(margin_ms: u64) -> Self {
        Self {
            margin_ms,
            ..Self::default()
        }
    }

    /// Reserves a slot at `now` in every one of `budgets`, or in none.
    pub fn reserve(&mut self, now: u64, budgets: &[Budget]) -> Reply {
        self.reserve_seen(now, budgets, None).0
    }

    /// [`reserve`](Self::reserve) by a caller that last saw the epoch `seen`, and the epoch
    /// (when this state was created). A caller that saw another epoch knows that the state
    /// before was lost: then every budget waits until a window and the margin have passed since
    /// this epoch, so that the requests of the lost window and of the new one never add up.
    pub fn reserve_seen(
        &mut self,
        now: u64,
        budgets: &[Budget],
        seen: Option<u64>,
    ) -> (Reply, u64) {
        let epoch = *self.epoch.get_or_insert(now);
        if seen.is_some_and(|seen| seen != epoch) {
            self.lost = true;
        }
        (self.reserve_now(now, budgets), epoch)
    }

    /// What a Redis restart without persistence does: every budget, block and count is gone.
    pub fn lose_state(&mut self) {
        *self = Self::new(self.margin_ms);
    }

    fn reserve_now(&mut self, now: u64, budgets: &[Budget]) -> Reply {
        let mut wait = 0;
        for budget in budgets {
            wait = wait.max(self.wait_in(now, budget));
        }
        if wait > 0 {
            return Reply::Wait(wait);
        }
        for budget in budgets {
            let free_at = now + budget.window_ms + self.margin_ms;
            let slots = self.slots.entry(budget.name.clone()).or_default();
            let at = slots.partition_point(|t| *t <= free_at);
            slots.insert(at, free_at);
        }
        Reply::Send
    }

    /// How long `budget` makes a request at `now` wait (0: it has a slot).
    fn wait_in(&mut self, now: u64, budget: &Budget) -> u64 {
        let mut until = self.blocked.get(&budget.name).copied().unwrap_or(0);
        if let (true, Some(epoch)) = (self.lost, self.epoch) {
            until = until.max(epoch + budget.window_ms + self.margin_ms);
        }
        let blocked = until.saturating_sub(now);
        let slots = self.slots.entry(budget.name.clone()).or_default();
        slots.retain(|t| *t > now);
        if budget.max == 0 {
            // A budget that allows nothing: ask again after a window (never a panic).
            return blocked.max(budget.window_ms.max(1));
        }
        let full = match slots.len().checked_sub(budget.max as usize) {
            // The slot that must free for one to be left is the (len - max + 1)-th to free.
            Some(over) => slots[over] - now,
            None => 0,
        };
        blocked.max(full)
    }

    /// Trello said `remaining` requests are left in `budget` (an `x-rate-limit-*-remaining`
    /// header): if that is fewer than the model has free, the difference is held until the
    /// window ends. It never frees a slot.
    pub fn tighten(&mut self, now: u64, budget: &Budget, remaining: u32) {
        let _ = self.wait_in(now, budget);
        let slots = self.slots.entry(budget.name.clone()).or_default();
        let free = (budget.max as usize).saturating_sub(slots.len());
        let hold = free.saturating_sub(remaining as usize);
        let free_at = now + budget.window_ms + self.margin_ms;
        for _ in 0..hold {
            let at = slots.partition_point(|t| *t <= free_at);
            slots.insert(at, free_at);
        }
    }

    /// Trello answered 429 for `budget` at `now`: it is blocked for the fleet until its window
    /// ends. The 429 also counts toward `key`'s breaker, which blocks the key for a window
    /// after [`BREAKER_429S`] in one.
    pub fn record_429(&mut self, now: u64, budget: &Budget, key: &Budget) {
        self.block(now, budget);
        let (started, count) = self.breaker.entry(key.name.clone()).or_insert((now, 0));
        if now >= *started + key.window_ms {
            (*started, *count) = (now, 0);
        }
        *count += 1;
        if *count >= BREAKER_429S {
            self.block(now, key);
        }
    }

    fn block(&mut self, now: u64, budget: &Budget) {
        let until = now + budget.window_ms + self.margin_ms;
        let blocked = self.blocked.entry(budget.name.clone()).or_insert(0);
        *blocked = (*blocked).max(until);
    }

    /// The slots `budget` holds at `now`.
    pub fn held(&mut self, now: u64, budget: &Budget) -> usize {
        let _ = self.wait_in(now, budget);
        self.slots.get(&budget.name).map_or(0, Vec::len)
    }
}
