//! A rate-limit budget shared by a fleet of workers (SPEC S4.3: 300 requests per 10 s per API
//! key, 100 per token, `/1/members/` routes 100 per 900 s), sans-IO: where its state lives in
//! Redis ([`KeyLayout`]), the rules every reservation follows ([`Model`]), and the Redis script
//! that implements them ([`RESERVE_SCRIPT`], called with a [`Reservation`], answered as
//! [`parse_reply`] reads).
//!
//! The rules:
//! - A **sliding-window log** per budget. A reservation at `t` occupies its budget until
//!   `t + window + margin`: the margin covers the time between the reservation and the
//!   request's arrival at Trello, so that Trello, counting in its own windows, never sees more
//!   than `max` requests in any window.
//! - **All or none.** A request reserves in every budget it needs (the key's, the token's, and
//!   for `/1/members/` routes the members budget) or in none, and is told how long to wait for
//!   the budget that frees last.
//! - **Headers only tighten.** Trello's `x-rate-limit-*-remaining` may lower what is left in a
//!   budget, never raise it.
//! - **A 429 blocks** its budget for the whole fleet until its window ends; a breaker blocks
//!   the key's budget after [`BREAKER_429S`] 429s in one window, far below Trello's lockout of
//!   200.
//!
//! Time is Redis's `TIME` in the script, and an argument here: no client clock takes part.

mod keys;
mod model;
mod script;

pub use keys::{KeyLayout, Limits};
pub use model::{Budget, Model, Reply, BREAKER_429S};
pub use script::{
    parse_reply, rejected_call, tighten_call, with_scripted_clock, Reservation, REJECTED_SCRIPT,
    RESERVE_SCRIPT, TIGHTEN_SCRIPT,
};

#[cfg(test)]
mod tests;
