//! [`StoreError`], every way the credential store can fail.
//!
//! No message (and no `Debug`) ever contains a token: file contents are described by line and
//! field, never quoted, and the keyring crate's errors are kept as text, not as values (its
//! `BadEncoding` carries the stored bytes).

use std::io;
use std::path::PathBuf;

use trello_auth_core::ConfigError;

use super::{ProfileKind, StoreKind};

/// The credential store failed. Each message names the file or the store and what to do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// `--store` was not `auto`, `keyring` or `file`.
    #[error("unknown store {value:?}: expected auto, keyring or file")]
    UnknownStore {
        /// The value given (truncated to 40 characters).
        value: String,
    },
    /// A profile name is not 1–64 characters of `A-Z a-z 0-9 _ . -`.
    #[error(
        "invalid profile name: {reason}; use 1 to 64 characters of A-Z, a-z, 0-9, '_', '.' and '-'"
    )]
    InvalidProfile {
        /// What is wrong with it (the name itself is not repeated).
        reason: String,
    },
    /// The user's config directory could not be determined (no home directory).
    #[error("could not find the user's config directory: set TRELLO_AUTH_CONFIG_DIR to a folder for trello-auth's files")]
    NoConfigDir,
    /// Reading or writing a file or folder of the store failed.
    #[error("could not {action} {}: {source}; check that the folder exists and belongs to you", path.display())]
    Io {
        /// What was being done, e.g. "write".
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// A file of the store is not valid TOML.
    #[error("{} is not valid TOML ({reason}); fix or delete the file, then log in again", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// Where (and, for `config.toml` only, what) the error is; never the file's text.
        reason: String,
    },
    /// A file of the store is valid TOML but not what the store wrote.
    #[error("{}: {reason}; fix or delete the file, then log in again", path.display())]
    InvalidFile {
        /// The file.
        path: PathBuf,
        /// Which field is wrong and how; never its value.
        reason: String,
    },
    /// A record cannot be saved as it is.
    #[error("the profile record cannot be saved: {reason}")]
    InvalidRecord {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The profile's record says where its token is, but it is not there.
    #[error("the token of profile {profile:?} is missing from the {store} store; run `trello-auth login --profile {profile}` again")]
    TokenMissing {
        /// The profile.
        profile: String,
        /// Where it should have been.
        store: StoreKind,
    },
    /// The stored token is not a valid token (SPEC S2).
    #[error("the token of profile {profile:?} in the {store} store is invalid ({source}); run `trello-auth login --profile {profile}` again")]
    InvalidStoredToken {
        /// The profile.
        profile: String,
        /// Where it is stored.
        store: StoreKind,
        /// Its shape (never its value).
        #[source]
        source: ConfigError,
    },
    /// `TRELLO_API_KEY` or `TRELLO_TOKEN` is set to an invalid value.
    #[error("{var} is set but invalid ({source}); fix or unset it")]
    InvalidEnvironment {
        /// The variable.
        var: &'static str,
        /// What is wrong with the value (its shape, never the value).
        #[source]
        source: ConfigError,
    },
    /// The OS keyring cannot be reached (no D-Bus session or Secret Service, a locked or
    /// refused keychain, ...).
    #[error("the OS keyring is unavailable ({reason}); use `--store file` to keep the token in a file only you can read")]
    KeyringUnavailable {
        /// The keyring's own words.
        reason: String,
    },
    /// The OS keyring answered, but with an error.
    #[error("the OS keyring failed for profile {profile:?} ({reason}); use `--store file` to keep the token in a file only you can read")]
    KeyringFailed {
        /// The profile.
        profile: String,
        /// The keyring's own words.
        reason: String,
    },
    /// This build has no OS keyring support (the `keyring` feature is off, or the platform is
    /// not one the keyring crate knows).
    #[error("this build of trello-auth has no OS keyring support; use `--store file`, or for a profile saved in the keyring, a build that has it")]
    KeyringUnsupported,
    /// The profile holds another kind of credentials than the caller reads: an OAuth 2.0
    /// token set where a key + token was expected, or the other way round.
    #[error("profile {profile:?} holds {kind} credentials: use the calls for those (`trello-auth token` and `status` handle both), or log in again with another --profile")]
    WrongKind {
        /// The profile.
        profile: String,
        /// What it holds.
        kind: ProfileKind,
    },
    /// A save failed half-way and undoing its first half failed too.
    #[error("saving profile {profile:?} failed ({cause}) and undoing it failed too ({rollback}); run `trello-auth logout --local-only --profile {profile}`, then log in again")]
    PartialSave {
        /// The profile.
        profile: String,
        /// Why the save failed.
        cause: Box<StoreError>,
        /// Why undoing it failed.
        rollback: Box<StoreError>,
    },
}

impl StoreError {
    /// The stable name of this error.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::UnknownStore { .. } => "unknown_store",
            StoreError::InvalidProfile { .. } => "invalid_profile",
            StoreError::NoConfigDir => "no_config_dir",
            StoreError::Io { .. } => "store_io",
            StoreError::Syntax { .. } => "store_syntax",
            StoreError::InvalidFile { .. } => "store_invalid_file",
            StoreError::InvalidRecord { .. } => "invalid_record",
            StoreError::TokenMissing { .. } => "token_missing",
            StoreError::InvalidStoredToken { .. } => "invalid_stored_token",
            StoreError::InvalidEnvironment { .. } => "invalid_environment",
            StoreError::KeyringUnavailable { .. } => "keyring_unavailable",
            StoreError::KeyringFailed { .. } => "keyring_failed",
            StoreError::KeyringUnsupported => "keyring_unsupported",
            StoreError::WrongKind { .. } => "wrong_kind",
            StoreError::PartialSave { .. } => "partial_save",
        }
    }

    /// Whether the error is a configuration the user must change (a store or profile name,
    /// a keyring that this machine does not have): the CLI's exit code 2.
    pub fn is_config(&self) -> bool {
        matches!(
            self,
            StoreError::UnknownStore { .. }
                | StoreError::InvalidProfile { .. }
                | StoreError::NoConfigDir
                | StoreError::InvalidEnvironment { .. }
                | StoreError::KeyringUnavailable { .. }
                | StoreError::KeyringUnsupported
        )
    }

    pub(super) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        StoreError::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
