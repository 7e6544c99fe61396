//! One module per command; each returns its exit code or a [`Failure`](crate::Failure).

pub(crate) mod login;
pub(crate) mod logout;
pub(crate) mod origin;
pub(crate) mod status;
pub(crate) mod token;

use trello_auth_login::{CredentialStore, StoreChoice};

use crate::Failure;

/// The user's credential store, as every command but `login` opens it.
pub(crate) fn store() -> Result<CredentialStore, Failure> {
    Ok(CredentialStore::new(StoreChoice::Auto).map_err(trello_auth_login::Error::from)?)
}

/// The CA file named by `TRELLO_AUTH_CA_FILE`, for an API behind a private CA (the sandbox).
pub(crate) fn ca_from_env() -> Result<Option<String>, Failure> {
    match std::env::var_os("TRELLO_AUTH_CA_FILE") {
        None => Ok(None),
        Some(path) => std::fs::read_to_string(&path).map(Some).map_err(|e| {
            Failure::config(format!(
                "cannot read TRELLO_AUTH_CA_FILE {}: {e}",
                std::path::Path::new(&path).display()
            ))
        }),
    }
}
