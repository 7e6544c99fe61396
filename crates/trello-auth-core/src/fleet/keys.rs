//! [`KeyLayout`]: the names of a fleet budget's Redis keys, and [`Limits`], the budgets a
//! request needs. Every key of one API key shares one hash tag, so one script call touches
//! one Redis Cluster slot; keys and tokens appear only as hashes, never in clear.

use super::Budget;
use crate::budget::Demand;

/// The Redis keys of the budgets one request draws on, under `prefix` (default `trello-auth`).
///
/// ```
/// use trello_auth_core::budget::Demand;
/// use trello_auth_core::fleet::{KeyLayout, Limits};
///
/// let token = "ATTA".to_owned() + &"f".repeat(60);
/// let demand = Demand::new("0123456789abcdef0123456789abcdef", &token, "/1/boards/abc");
/// let layout = KeyLayout::new("trello-auth", &demand);
/// assert_eq!(layout.key_budget(), "trello-auth:{3eb1bd439947eb76}:key");
/// assert!(layout.token_budget().starts_with("trello-auth:{3eb1bd439947eb76}:token:"));
/// assert!(!layout.token_budget().contains("ATTA"), "the token is hashed");
/// let needs = layout.budgets(&Limits::TRELLO);
/// assert_eq!(needs.len(), 2, "the key's and the token's; a members route adds a third");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyLayout {
    /// `prefix:{key id}`, the start of every key.
    base: String,
    token: String,
    members: bool,
}

impl KeyLayout {
    /// The layout of `demand`'s budgets.
    pub fn new(prefix: &str, demand: &Demand) -> Self {
        Self {
            base: format!("{prefix}:{{{}}}", demand.key_id()),
            token: demand.token_id().to_owned(),
            members: demand.is_members_route(),
        }
    }

    /// The key's budget (SPEC S4.3: 300 per 10 s).
    pub fn key_budget(&self) -> String {
        format!("{}:key", self.base)
    }

    /// The token's budget (SPEC S4.3: 100 per 10 s).
    pub fn token_budget(&self) -> String {
        format!("{}:token:{}", self.base, self.token)
    }

    /// The budget of the token's calls to `/1/members/` routes (SPEC S4.3: 100 per 900 s).
    pub fn members_budget(&self) -> String {
        format!("{}:members:{}", self.base, self.token)
    }

    /// The key's epoch: when its state was created in Redis, and whether a caller found it
    /// lost since (see [`RESERVE_SCRIPT`](super::RESERVE_SCRIPT)).
    pub fn epoch(&self) -> String {
        format!("{}:epoch", self.base)
    }

    /// The key's breaker: how many 429s the fleet met in the current window.
    pub fn breaker(&self) -> String {
        format!("{}:429s", self.base)
    }

    /// The budgets the request needs under `limits`: the key's, the token's, and the members
    /// budget for a `/1/members/` route. The key's comes first.
    pub fn budgets(&self, limits: &Limits) -> Vec<Budget> {
        let mut budgets = vec![
            Budget::new(self.key_budget(), limits.key.0, limits.key.1),
            Budget::new(self.token_budget(), limits.token.0, limits.token.1),
        ];
        if self.members {
            budgets.push(Budget::new(
                self.members_budget(),
                limits.members.0,
                limits.members.1,
            ));
        }
        budgets
    }
}

/// The budgets' sizes: requests per window (in milliseconds) for the key, each token, and each
/// token's `/1/members/` calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    /// The key's budget.
    pub key: (u32, u64),
    /// Each token's budget.
    pub token: (u32, u64),
    /// Each token's `/1/members/` budget.
    pub members: (u32, u64),
}

impl Limits {
    /// Trello's (SPEC S4.3): 300 per 10 s per key, 100 per 10 s per token, 100 per 900 s for
    /// a token's `/1/members/` calls.
    pub const TRELLO: Limits = Limits {
        key: (300, 10_000),
        token: (100, 10_000),
        members: (100, 900_000),
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::TRELLO
    }
}
