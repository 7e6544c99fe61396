//! What a program does with a stored login later: load it, check it with Trello (SPEC S5), and
//! log out, which revokes the token on the server before forgetting it (SPEC S10).

use trello_auth_core::token::{Member, TokenInfo};
use trello_auth_core::{Credentials, Origin};

use crate::api::{self, Endpoint};
use crate::error::{Error, Result};
use crate::store::{CredentialStore, ProfileKind, StoredCredentials};

/// The stored credentials of `profile` (`TRELLO_API_KEY` / `TRELLO_TOKEN` first).
///
/// # Errors
/// [`Error::NotLoggedIn`] when nothing is stored; [`Error::Store`] when the store fails.
pub fn load(store: &CredentialStore, profile: &str) -> Result<StoredCredentials> {
    store.load(profile)?.ok_or_else(|| Error::NotLoggedIn {
        profile: profile.to_owned(),
    })
}

/// The credentials of a stored login, bound to the API origin it was made for.
pub fn credentials(stored: &StoredCredentials) -> Credentials {
    Credentials::new(stored.key.clone(), stored.token.clone()).with_api_base(api_base(stored))
}

/// Checks stored credentials with `GET /1/members/me` and `GET /1/tokens/{token}` (SPEC S5),
/// trusting `ca_pem` besides the system's roots. Blocking: runs on a runtime of its own.
///
/// # Errors
/// [`Error::Validation`] when Trello refuses the token (its source says why), or the call
/// failed.
pub fn check(stored: &StoredCredentials, ca_pem: Option<&str>) -> Result<(Member, TokenInfo)> {
    let endpoint = endpoint(stored, ca_pem);
    let credentials = credentials(stored);
    block_on(async move { api::validate(&endpoint, &credentials).await })
}

/// What [`logout`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Logout {
    /// The token was revoked on the server (`false` with `local_only`, or for credentials
    /// from the environment, which are never touched).
    pub revoked: bool,
    /// The token was removed from the store.
    pub forgotten: bool,
    /// What the profile held: an OAuth 2.0 token set is only forgotten (there is no
    /// revocation endpoint, SPEC S8.1; the user revokes the app on their Atlassian account).
    pub kind: ProfileKind,
}

/// Revokes `profile`'s token on the server (`DELETE /1/tokens/{token}`, SPEC S5), then forgets
/// it. With `local_only` it only forgets. If the revoke fails the token is kept, so that the
/// user can retry (or forget it with `local_only`). An OAuth 2.0 profile is only forgotten:
/// `/1/tokens/*` is not for its tokens (SPEC S8.7) and there is no revocation endpoint (S8.1).
///
/// # Errors
/// [`Error::NotLoggedIn`]; [`Error::Api`] when the revoke failed (nothing was forgotten);
/// [`Error::Store`].
pub fn logout(
    store: &CredentialStore,
    profile: &str,
    local_only: bool,
    ca_pem: Option<&str>,
) -> Result<Logout> {
    if store.kind(profile)? == Some(ProfileKind::OAuth2) {
        return Ok(Logout {
            revoked: false,
            forgotten: store.forget(profile)?,
            kind: ProfileKind::OAuth2,
        });
    }
    let stored = load(store, profile)?;
    if stored.store == crate::StoreKind::Environment {
        return Ok(Logout {
            revoked: false,
            forgotten: false,
            kind: ProfileKind::KeyToken,
        });
    }
    let revoked = if local_only {
        false
    } else {
        let endpoint = endpoint(&stored, ca_pem);
        let credentials = credentials(&stored);
        block_on(async move { api::revoke(&endpoint, &credentials).await })?;
        true
    };
    let forgotten = store.forget(profile)?;
    Ok(Logout {
        revoked,
        forgotten,
        kind: ProfileKind::KeyToken,
    })
}

/// The record's API origin; for credentials from the environment, `TRELLO_API_BASE` when set
/// (a sandbox, a proxy), else Trello's.
fn api_base(stored: &StoredCredentials) -> Origin {
    let from_env = || {
        std::env::var("TRELLO_API_BASE")
            .ok()
            .filter(|_| stored.record.is_none())
    };
    stored
        .record
        .as_ref()
        .and_then(|r| r.api_base.clone())
        .or_else(from_env)
        .and_then(|b| Origin::parse(&b).ok())
        .unwrap_or_else(Origin::trello_api)
}

fn endpoint(stored: &StoredCredentials, ca_pem: Option<&str>) -> Endpoint {
    Endpoint {
        api_base: api_base(stored),
        auth_base: Origin::trello(),
        ca_pem: ca_pem.map(str::to_owned),
    }
}

fn block_on<T>(future: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::Runtime)?
        .block_on(future)
}
