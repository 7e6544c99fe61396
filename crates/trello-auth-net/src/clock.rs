//! The wall clock and the randomness that the sans-IO core takes as arguments: [`unix_time`]
//! for OAuth timestamps, [`random_seed`] for a client's retry jitter and nonces.

use std::hash::{BuildHasher, RandomState};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, for OAuth timestamps (0 if the clock is before 1970).
///
/// ```
/// assert!(trello_auth_net::unix_time() > 1_700_000_000);
/// ```
pub fn unix_time() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// A seed for a client's jitter and nonces, different for each client and process: the
/// standard library's per-process random hasher keys, mixed with the current instant. Not for
/// cryptography; the nonces it seeds need only be unique per timestamp (RFC 5849 §3.3).
///
/// ```
/// assert_ne!(trello_auth_net::random_seed(), trello_auth_net::random_seed());
/// ```
pub fn random_seed() -> u64 {
    RandomState::new().hash_one(Instant::now())
}
