//! `trello-auth demo`: the walk of every capability against an embedded sandbox.

/// Runs the demo and returns its exit code.
pub(crate) fn run() -> u8 {
    0
}
