//! The workspace's integration tests: one binary (as xshell and rustls do).

mod transports;
