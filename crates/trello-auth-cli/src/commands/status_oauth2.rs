//! `trello-auth status` for an OAuth 2.0 profile (SPEC S8): a fresh access token (refreshed,
//! and the rotation stored, when under a minute was left), checked with `GET /1/members/me`
//! as Bearer (after a 401, refreshed once and checked once more, S8.7); the access token's expiry and the granted scopes, never a token. Exit 0 valid,
//! 1 not usable.

use trello_auth_login::{oauth2, CredentialStore, Error};

use super::login_oauth2::oauth2_summary;
use crate::output::{self, Summary};
use crate::Failure;

pub(super) fn run(store: &CredentialStore, profile: &str, json: bool) -> Result<u8, Failure> {
    let stored = oauth2::load(store, profile)?;
    let secret = super::client_secret_from_env()?;
    let ca = super::ca_from_env()?;
    let checked =
        oauth2::access_token(store, profile, secret.clone(), ca.as_deref()).and_then(|fresh| {
            match oauth2::check(&fresh.stored, ca.as_deref()) {
                // A 401 to an access token with time left: refresh once, retry once (SPEC S8.7).
                Err(Error::Validation(e)) if !fresh.refreshed && is_401(&e) => {
                    let fresh = oauth2::refresh(store, profile, secret, ca.as_deref())?;
                    let member = oauth2::check(&fresh.stored, ca.as_deref())?;
                    Ok((fresh, member))
                }
                checked => Ok((fresh, checked?)),
            }
        });
    // After a refresh, what is stored now; else what was.
    let current = match &checked {
        Ok((fresh, _)) => &fresh.stored,
        Err(_) => &stored,
    };
    let (member_id, username) = match &checked {
        Ok((_, member)) => (member.id.as_str(), member.username.as_str()),
        Err(_) => (
            current.record.member_id.as_str(),
            current.record.username.as_str(),
        ),
    };
    let summary = Summary {
        profile,
        member_id: Some(member_id),
        username: Some(username),
        scopes: current.tokens.scopes(),
        expires: oauth2::expiry(&current.tokens),
        store: current.store,
        oauth2: Some(oauth2_summary(&current.record.client_id, &current.tokens)),
    };
    if json {
        let mut value = summary.json();
        value["valid"] = checked.is_ok().into();
        if let Ok((fresh, _)) = &checked {
            value["refreshed"] = fresh.refreshed.into();
        }
        if let Err(e) = &checked {
            value["error"] = e.code().into();
        }
        output::result(&value.to_string());
    } else {
        let mut rows = summary.lines();
        let verdict = match &checked {
            Ok((fresh, _)) if fresh.refreshed => {
                "valid (the access token was refreshed and the new set stored)".to_owned()
            }
            Ok(_) => "valid".to_owned(),
            Err(e) => format!("not usable: {}", crate::error_chain(e)),
        };
        rows.push(("status", verdict));
        output::table(&rows);
    }
    Ok(if checked.is_ok() { 0 } else { 1 })
}

/// Whether Trello's answer was a 401 (SPEC S4.1, S8.7): the token is dead or unknown.
fn is_401(e: &trello_auth_core::Error) -> bool {
    matches!(
        e,
        trello_auth_core::Error::TokenRejected { .. }
            | trello_auth_core::Error::KeyRejected
            | trello_auth_core::Error::PermissionDenied { .. }
    )
}
