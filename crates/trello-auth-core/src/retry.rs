//! STUB: replaced by the retry work.
#![allow(missing_docs)]
pub struct RetryPolicy;
