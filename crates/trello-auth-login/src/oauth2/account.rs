//! What a program does with a stored OAuth 2.0 profile later: get a fresh access token
//! ([`access_token`], which refreshes and persists the rotated set first, SPEC S8.5) and check
//! it ([`check`]). Logging out is [`account::logout`](crate::account::logout): it forgets,
//! as there is nothing to revoke with (SPEC S8.1).

use time::OffsetDateTime;
use trello_auth_core::oauth2::{AccessToken, ClientCredentials, ClientSecret, TokenSet};
use trello_auth_core::token::Member;
use trello_auth_core::Origin;

use super::api;
use crate::api::Endpoint;
use crate::error::{Error, Result};
use crate::store::{CredentialStore, StoredOAuth2};

/// An access token has to have at least this many seconds left to be used as it is (the
/// refresh policy of DESIGN's OAuth 2.0 section).
pub const REFRESH_MARGIN_SECS: u64 = 60;

/// A usable access token of a stored OAuth 2.0 profile.
///
/// # Security
/// `Debug` shows the token as `[redacted]`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FreshToken {
    /// The profile as it is stored now (after a refresh, the rotated set).
    pub stored: StoredOAuth2,
    /// Whether a refresh happened (and its rotated set was stored) to get it.
    pub refreshed: bool,
}

impl FreshToken {
    /// The access token, for `Authorization: Bearer` (SPEC S8.1).
    pub fn access_token(&self) -> &AccessToken {
        self.stored.tokens.access_token()
    }

    /// When it expires.
    pub fn expires(&self) -> Option<OffsetDateTime> {
        expiry(&self.stored.tokens)
    }
}

/// When the token set's access token expires, as a date.
pub fn expiry(tokens: &TokenSet) -> Option<OffsetDateTime> {
    tokens
        .expires_at()
        .and_then(|at| i64::try_from(at).ok())
        .and_then(|at| OffsetDateTime::from_unix_timestamp(at).ok())
}

/// The access token of `profile`, refreshed first when it has less than
/// [`REFRESH_MARGIN_SECS`] left: the refresh's rotated set (the new refresh token included) is
/// saved BEFORE the new access token is returned, as the old refresh token is dead from then
/// on (SPEC S8.5). `client_secret` replaces the stored one (a confidential client's). Blocking.
///
/// # Errors
/// [`Error::NotLoggedIn`]; [`Error::Reauthorize`] when the refresh token is refused
/// (`invalid_grant`, SPEC S8.6) or there is none; [`Error::OAuth2`] for another refusal;
/// [`Error::Store`] when the rotated set cannot be saved (the new tokens are then lost: log in
/// again).
pub fn access_token(
    store: &CredentialStore,
    profile: &str,
    client_secret: Option<ClientSecret>,
    ca_pem: Option<&str>,
) -> Result<FreshToken> {
    let fresh = |stored: StoredOAuth2| {
        let left = !stored
            .tokens
            .expires_within(api::unix_now(), REFRESH_MARGIN_SECS);
        left.then_some(FreshToken {
            stored,
            refreshed: false,
        })
    };
    if let Some(token) = fresh(load(store, profile)?) {
        return Ok(token);
    }
    // One process at a time refreshes a grant; the others find its rotated set stored.
    with_refresh_lock(store, profile, || {
        let stored = load(store, profile)?;
        match fresh(stored.clone()) {
            Some(token) => Ok(token),
            None => refresh_stored(store, stored, client_secret, ca_pem),
        }
    })
}

/// Refreshes `profile`'s token set now, whatever time its access token has left: after a
/// 401 to that token (SPEC S8.7: refresh once, retry once). The rotated set is saved before
/// it is returned, as with [`access_token`]. Blocking.
///
/// # Errors
/// As [`access_token`].
pub fn refresh(
    store: &CredentialStore,
    profile: &str,
    client_secret: Option<ClientSecret>,
    ca_pem: Option<&str>,
) -> Result<FreshToken> {
    let seen = load(store, profile)?;
    with_refresh_lock(store, profile, || {
        let stored = load(store, profile)?;
        if refresh_token_of(&stored) != refresh_token_of(&seen) {
            // Another process refreshed while this one waited for the lock.
            return Ok(FreshToken {
                stored,
                refreshed: false,
            });
        }
        refresh_stored(store, stored, client_secret, ca_pem)
    })
}

/// The refresh token's bytes, for comparing two stored sets.
fn refresh_token_of(stored: &StoredOAuth2) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    stored
        .tokens
        .refresh_token()
        .map(|r| zeroize::Zeroizing::new(r.expose_secret().as_bytes().to_vec()))
}

/// Runs `refresh` holding the profile's refresh lock: an advisory lock on
/// `.<profile>.refresh.lock` in the store's folder, so that two processes never refresh one
/// grant at once (SPEC S8.5). The operating system releases it if the process dies.
fn with_refresh_lock<T>(
    store: &CredentialStore,
    profile: &str,
    refresh: impl FnOnce() -> Result<T>,
) -> Result<T> {
    let path = store.dir().join(format!(".{profile}.refresh.lock"));
    let io = |action: &'static str| {
        let path = path.clone();
        move |source| {
            Error::Store(crate::store::StoreError::Io {
                action,
                path,
                source,
            })
        }
    };
    crate::store::ensure_dir(store.dir())?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io("open the refresh lock"))?;
    let mut lock = fd_lock::RwLock::new(file);
    let _held = lock.write().map_err(io("take the refresh lock"))?;
    refresh()
}

fn refresh_stored(
    store: &CredentialStore,
    stored: StoredOAuth2,
    client_secret: Option<ClientSecret>,
    ca_pem: Option<&str>,
) -> Result<FreshToken> {
    let profile = stored.profile.as_str();
    let reauthorize = || Error::Reauthorize {
        profile: profile.to_owned(),
    };
    let refresh_token = stored
        .tokens
        .refresh_token()
        .ok_or_else(reauthorize)?
        .clone();
    let secret = client_secret.or_else(|| stored.client_secret.clone());
    let client = match &secret {
        Some(secret) => ClientCredentials::confidential(&stored.record.client_id, secret.clone()),
        None => ClientCredentials::public(&stored.record.client_id),
    }?;
    let endpoint = endpoint(&stored, ca_pem);
    let answer = block_on(async move { api::refresh(&endpoint, &client, &refresh_token).await });
    let rotated = match answer {
        Ok(tokens) => tokens,
        Err(Error::OAuth2(e)) if e.is_invalid_grant() => {
            // Another process may have refreshed this grant meanwhile and stored the rotated
            // set: then that one is good, and this refresh token was merely stale.
            return match rotated_elsewhere(store, profile, &stored)? {
                Some(current) => Ok(FreshToken {
                    stored: current,
                    refreshed: false,
                }),
                None => Err(reauthorize()),
            };
        }
        Err(e) => return Err(e),
    };
    // A server that does not rotate leaves the old refresh token alive: keep it then.
    let rotated = match rotated.refresh_token() {
        Some(_) => rotated,
        None => TokenSet::new(
            rotated.access_token().clone(),
            stored.tokens.refresh_token().cloned(),
            rotated.expires_at(),
            rotated.scopes().to_vec(),
        ),
    };
    // An answer without `scope` granted what was granted before.
    let rotated = if rotated.scopes().is_empty() {
        TokenSet::new(
            rotated.access_token().clone(),
            rotated.refresh_token().cloned(),
            rotated.expires_at(),
            stored.tokens.scopes().to_vec(),
        )
    } else {
        rotated
    };
    let save = || store.save_oauth2(&stored.profile, &stored.record, &rotated, secret.as_ref());
    // Once more if the first save failed: the old refresh token is spent, so these tokens
    // are the only ones left (a passing lock on the keyring, a full disk being cleared).
    let kind = save().or_else(|_| save())?;
    Ok(FreshToken {
        stored: StoredOAuth2 {
            tokens: rotated,
            client_secret: secret,
            store: kind,
            ..stored
        },
        refreshed: true,
    })
}

/// The profile as stored now, if it holds another refresh token than `before` and an access
/// token with time left: a refresh of another process won the race.
fn rotated_elsewhere(
    store: &CredentialStore,
    profile: &str,
    before: &StoredOAuth2,
) -> Result<Option<StoredOAuth2>> {
    let current = load(store, profile)?;
    let fresh = !current
        .tokens
        .expires_within(api::unix_now(), REFRESH_MARGIN_SECS);
    Ok((fresh && refresh_token_of(&current) != refresh_token_of(before)).then_some(current))
}

/// Checks a stored OAuth 2.0 profile with `GET /1/members/me` as Bearer (SPEC S8.7), with the
/// access token as it is (get a fresh one with [`access_token`] first). Blocking.
///
/// # Errors
/// [`Error::Validation`] when the token is refused (its source says why), or the call failed.
pub fn check(stored: &StoredOAuth2, ca_pem: Option<&str>) -> Result<Member> {
    let endpoint = endpoint(stored, ca_pem);
    let token = stored.tokens.access_token().clone();
    block_on(async move { api::member(&endpoint, &token).await })
}

/// The OAuth 2.0 profile `profile`.
///
/// # Errors
/// [`Error::NotLoggedIn`] when nothing is stored; [`Error::Store`] (`wrong_kind` for a key +
/// token profile).
pub fn load(store: &CredentialStore, profile: &str) -> Result<StoredOAuth2> {
    store
        .load_oauth2(profile)?
        .ok_or_else(|| Error::NotLoggedIn {
            profile: profile.to_owned(),
        })
}

fn endpoint(stored: &StoredOAuth2, ca_pem: Option<&str>) -> Endpoint {
    let origin = |base: Option<&str>, default: fn() -> Origin| {
        base.and_then(|b| Origin::parse(b).ok())
            .unwrap_or_else(default)
    };
    Endpoint {
        api_base: origin(stored.record.api_base.as_deref(), Origin::trello_api),
        auth_base: origin(stored.record.auth_base.as_deref(), Origin::atlassian_auth),
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
