//! `trello-auth login --mode oauth2`: SPEC S8's authorization code flow with PKCE from a
//! terminal (the redirect on the listener's `/callback`), with the same progress lines as the
//! other modes and the result on stdout (never a token or the client secret).

use std::time::Duration;

use trello_auth_core::oauth2::{Scope, TokenSet};
use trello_auth_core::Origin;
use trello_auth_login::oauth2::{OAuth2Login, DEFAULT_SCOPES};
use trello_auth_login::{CredentialStore, OAuth2LoginResult, StoreKind};
use trello_auth_sandbox::OAuth2Client;

use super::login::{report, tempfile_dir};
use super::{client_secret_from_env, CLIENT_SECRET_VAR};
use crate::args::LoginArgs;
use crate::output::{self, OAuth2Summary, Summary};
use crate::{sandbox, Failure};

pub(super) fn run(args: LoginArgs) -> Result<u8, Failure> {
    let config = |e: &dyn std::fmt::Display| Failure::config(e.to_string());
    if args.key.is_some() {
        return Err(Failure::config(
            "--key is not for --mode oauth2: OAuth 2.0 has a client id instead (pass --client-id ID)",
        ));
    }
    let scopes = match &args.scope {
        None => DEFAULT_SCOPES.to_vec(),
        Some(list) => parse_scopes(list)?,
    };
    let embedded = if args.sandbox {
        Some(sandbox::start(args.port, args.name.as_deref())?)
    } else {
        None
    };
    let temporary = match &embedded {
        Some(_) => Some(tempfile_dir()?),
        None => None,
    };
    let mut login = match &embedded {
        Some(e) => {
            // The sandbox's public client, with this port's callback registered.
            let client = OAuth2Client::public("trello-auth sandbox login")
                .with_redirect_uris([format!("http://127.0.0.1:{}/callback", args.port)]);
            let client_id = client.client_id.clone();
            e.sandbox
                .admin()
                .register_oauth2_client(client)
                .map_err(|e| config(&e))?;
            output::progress(&format!(
                "Started a sandbox authorization server at {} (HTTPS with its own CA, trusted by this command only); its public client accepts http://127.0.0.1:{}/callback.",
                e.sandbox.auth_base(),
                args.port
            ));
            output::progress(
                "Your browser does not know the sandbox's CA (made for this run): when it warns about the certificate of 127.0.0.1, choose to continue.",
            );
            OAuth2Login::new(client_id)?
                .auth_base(Origin::parse(e.sandbox.auth_base()).map_err(|e| config(&e))?)
                .api_base(Origin::parse(e.sandbox.api_base()).map_err(|e| config(&e))?)
                .ca_pem(e.ca_pem.clone())
        }
        None => {
            let Some(client_id) = &args.client_id else {
                return Err(trello_auth_login::Error::MissingClientId.into());
            };
            let mut login = OAuth2Login::new(client_id.trim())?;
            if let Some(secret) = client_secret_from_env()? {
                login = login.client_secret(secret);
            }
            if let Some(base) = &args.auth_base {
                login = login.auth_base(Origin::parse(base).map_err(|e| config(&e))?);
            }
            if let Some(base) = &args.api_base {
                login = login.api_base(Origin::parse(base).map_err(|e| config(&e))?);
            }
            if let Some(path) = &args.ca_file {
                let pem = std::fs::read_to_string(path).map_err(|e| {
                    Failure::config(format!("cannot read --ca-file {}: {e}", path.display()))
                })?;
                login = login.ca_pem(pem);
            }
            login
        }
    };
    let store = match &temporary {
        Some(dir) => CredentialStore::with_dir(dir.path(), args.store),
        None => CredentialStore::new(args.store).map_err(trello_auth_login::Error::from)?,
    }
    .without_environment();
    let credential_file = store.dir().join(trello_auth_login::CREDENTIALS_FILE);
    login = login
        .scopes(scopes)
        .port(args.port)
        .open_browser(!args.no_browser)
        .timeout(Duration::from_secs(args.timeout))
        .profile(args.profile.profile.clone())
        .store(store)
        .cancel_on_ctrl_c(true)
        .on_event(report);
    let result = login.run_blocking()?;
    print_result(&result, args.json, embedded.is_some(), &credential_file);
    drop(embedded);
    Ok(0)
}

/// `--scope` for OAuth 2.0: names of SPEC S8.8, separated by commas or spaces;
/// `offline_access` is always asked for.
fn parse_scopes(list: &str) -> Result<Vec<Scope>, Failure> {
    let mut scopes = Vec::new();
    for name in list
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|n| !n.is_empty() && *n != "offline_access")
    {
        let scope = Scope::parse(name).map_err(|_| {
            let known: Vec<&str> = Scope::ALL.iter().map(|s| s.as_str()).collect();
            Failure::config(format!(
                "unknown OAuth 2.0 scope {:?}: use {}",
                name.chars().take(60).collect::<String>(),
                known.join(", ")
            ))
        })?;
        scopes.push(scope);
    }
    if scopes.is_empty() {
        return Err(Failure::config(
            "no OAuth 2.0 scope given: pass --scope read:board:trello (or others)",
        ));
    }
    Ok(scopes)
}

fn print_result(result: &OAuth2LoginResult, json: bool, sandbox: bool, file: &std::path::Path) {
    let summary = Summary {
        profile: &result.profile,
        member_id: Some(&result.member.id),
        username: Some(&result.member.username),
        scopes: result.tokens.scopes(),
        expires: result.expires,
        store: result.store,
        oauth2: Some(oauth2_summary(&result.client_id, &result.tokens)),
    };
    if json {
        let mut value = summary.json();
        value["sandbox"] = sandbox.into();
        output::result(&value.to_string());
        return;
    }
    let kept = match (sandbox, result.store) {
        (true, _) => "the tokens were kept in a temporary folder, for this run only".to_owned(),
        (false, StoreKind::Keyring) => "the tokens are in the OS keyring".to_owned(),
        (false, _) => format!(
            "the tokens are in {} (readable by you only)",
            file.display()
        ),
    };
    let refresh = if result.tokens.refresh_token().is_some() {
        " `trello-auth token` prints a fresh access token, refreshing it when needed."
    } else {
        " No refresh token was granted (offline_access): log in again when the access token expires."
    };
    let replaced = output::replaced(&result.previous);
    output::result(&format!(
        "Logged in with OAuth 2.0 as {} (profile {}); {kept}.{refresh}{replaced}",
        result.member.username, result.profile
    ));
    if std::env::var_os(CLIENT_SECRET_VAR).is_some() {
        output::progress(&format!(
            "The client secret from {CLIENT_SECRET_VAR} was stored with the tokens, for the refreshes."
        ));
    }
}

#[cfg(test)]
mod tests;

/// The OAuth 2.0 lines of a summary.
pub(crate) fn oauth2_summary<'a>(client_id: &'a str, tokens: &TokenSet) -> OAuth2Summary<'a> {
    OAuth2Summary {
        client_id,
        refreshable: tokens.refresh_token().is_some(),
    }
}
