//! Integration tests of `trello-auth-hyper` against tiny local servers (plain TCP on loopback).

mod server;
mod transport;
