//! Integration tests of `trello-auth-ureq` against tiny local servers (plain TCP on loopback).

// The same tiny server as trello-auth-hyper's tests, run on a Tokio runtime beside the
// blocking client.
#[path = "../../../trello-auth-hyper/tests/it/server.rs"]
mod server;
mod transport;
