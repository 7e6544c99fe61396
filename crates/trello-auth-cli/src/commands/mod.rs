//! One module per command; each returns its exit code or a [`Failure`](crate::Failure).

pub(crate) mod login;
mod login_oauth2;
pub(crate) mod logout;
pub(crate) mod origin;
pub(crate) mod status;
mod status_oauth2;
pub(crate) mod token;

use trello_auth_login::{CredentialStore, StoreChoice};

use crate::Failure;

/// The user's credential store, as every command but `login` opens it.
pub(crate) fn store() -> Result<CredentialStore, Failure> {
    Ok(CredentialStore::new(StoreChoice::Auto).map_err(trello_auth_login::Error::from)?)
}

/// The environment variable of a confidential OAuth 2.0 client's secret (SPEC S8.4): never an
/// argument, so that it is in no shell history and no process list.
pub(crate) const CLIENT_SECRET_VAR: &str = "TRELLO_CLIENT_SECRET";

/// The client secret from [`CLIENT_SECRET_VAR`], if set.
pub(crate) fn client_secret_from_env(
) -> Result<Option<trello_auth_core::oauth2::ClientSecret>, Failure> {
    match std::env::var(CLIENT_SECRET_VAR) {
        Ok(secret) if !secret.trim().is_empty() => {
            trello_auth_core::oauth2::ClientSecret::new(secret.trim())
                .map(Some)
                .map_err(|e| Failure::config(format!("{CLIENT_SECRET_VAR} is set but {e}")))
        }
        _ => Ok(None),
    }
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
