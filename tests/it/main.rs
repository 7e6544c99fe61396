//! The one integration binary of trello-auth's cross-crate tests (as xshell and rustls do):
//! conformance vectors, property tests, the secret canary, hygiene, the behaviour suite run
//! against both transports and the sandbox, and the sandbox's pages in headless Chromium.

mod browser;
mod canary;
mod faults;
mod fleet;
mod login;
mod props;
mod tidy;
mod transports;
mod vectors;
