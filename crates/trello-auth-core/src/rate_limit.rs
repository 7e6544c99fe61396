//! STUB: replaced by the rate-limit work.
#![allow(missing_docs)]
pub struct RateLimitStatus;
pub struct RateLimiter;
