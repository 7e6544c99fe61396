//! Getting a Trello token on a user's machine (SPEC S7, S10): the IO around
//! `trello_auth_core::login`'s sans-IO receiver.
//!
//! In scope: the 127.0.0.1 listener on a fixed, configurable port, opening the browser, the
//! deadline and Ctrl-C, validating the captured token before anything is stored, and the
//! credential store (the OS keyring where one works, else a 0600 file).
#![warn(missing_docs)]

pub mod account;
mod api;
pub mod browser;
mod error;
mod flow;
mod listener;
pub mod store;

pub use error::{Error, Result};
pub use flow::{Event, Login, LoginMode, LoginResult, Previous, DEFAULT_TIMEOUT};
pub use store::{
    CredentialStore, ProfileRecord, StoreChoice, StoreError, StoreKind, StoredCredentials,
};
pub use trello_auth_core::login::DEFAULT_PORT;
