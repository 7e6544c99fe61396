//! [`KeyLayout`]: the names of a fleet budget's Redis keys. Every key of one API key shares
//! one hash tag, so one script call touches one Redis Cluster slot; tokens appear only as a
//! hash, never in clear.

use sha2::{Digest, Sha256};

use crate::secret::{ApiKey, Token};

/// The Redis keys of one API key's budgets, under `prefix` (default `trello-auth`).
///
/// ```
/// use trello_auth_core::fleet::KeyLayout;
/// use trello_auth_core::{ApiKey, Token};
///
/// let key = ApiKey::new("0123456789abcdef0123456789abcdef")?;
/// let token = Token::new("ATTA".to_owned() + &"f".repeat(60))?;
/// let layout = KeyLayout::new("trello-auth", &key);
/// assert_eq!(layout.key_budget(), "trello-auth:{3eb1bd439947eb76}:key");
/// let budget = layout.token_budget(&token);
/// assert!(budget.starts_with("trello-auth:{3eb1bd439947eb76}:token:"));
/// assert!(!budget.contains("ATTA"), "the token is hashed");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyLayout {
    /// `prefix:{tag}`, the start of every key.
    base: String,
}

impl KeyLayout {
    /// The layout of `api_key`'s budgets. The key is hashed too (it names an app, and a
    /// Redis `MONITOR` need not show it).
    pub fn new(prefix: &str, api_key: &ApiKey) -> Self {
        Self {
            base: format!("{prefix}:{{{}}}", short_hash(api_key.as_str(), 8)),
        }
    }

    /// The key's budget (SPEC S4.3: 300 per 10 s).
    pub fn key_budget(&self) -> String {
        format!("{}:key", self.base)
    }

    /// `token`'s budget (SPEC S4.3: 100 per 10 s).
    pub fn token_budget(&self, token: &Token) -> String {
        format!(
            "{}:token:{}",
            self.base,
            short_hash(token.expose_secret(), 16)
        )
    }

    /// The budget of `token`'s calls to `/1/members/` routes (SPEC S4.3: 100 per 900 s).
    pub fn members_budget(&self, token: &Token) -> String {
        format!(
            "{}:members:{}",
            self.base,
            short_hash(token.expose_secret(), 16)
        )
    }

    /// The key's breaker: how many 429s the fleet met in the current window.
    pub fn breaker(&self) -> String {
        format!("{}:429s", self.base)
    }
}

/// The first `bytes` bytes of SHA-256 of `value`, in hex.
fn short_hash(value: &str, bytes: usize) -> String {
    Sha256::digest(value.as_bytes())[..bytes]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
