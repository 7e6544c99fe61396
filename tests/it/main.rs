//! The one integration binary of trello-auth's cross-crate tests: conformance vectors,
//! property tests, and the secret-canary test.

mod canary;
mod props;
mod tidy;
mod vectors;
