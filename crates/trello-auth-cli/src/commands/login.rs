//! `trello-auth login`: the whole flow of SPEC S10 from a terminal, with a progress line for
//! every wait and the result on stdout (never the token).

use std::time::Duration;

use trello_auth_core::{ApiKey, AppSecret, Expiration, Origin, Scopes};
use trello_auth_login::browser::{OpenOutcome, SkipReason};
use trello_auth_login::{CredentialStore, Event, Login, LoginMode, LoginResult, StoreKind};

use crate::args::LoginArgs;
use crate::output::{self, Summary};
use crate::{sandbox, Failure};

pub(crate) fn run(args: LoginArgs) -> Result<u8, Failure> {
    if args.mode == LoginMode::OAuth2 {
        return super::login_oauth2::run(args);
    }
    let config = |e: &dyn std::fmt::Display| Failure::config(e.to_string());
    if args.client_id.is_some() {
        return Err(Failure::config(
            "--client-id is for --mode oauth2 (OAuth 2.0 has no API key); for this mode pass --key",
        ));
    }
    let scopes: Scopes = args
        .scope
        .as_deref()
        .unwrap_or("read")
        .parse()
        .map_err(|e| config(&e))?;
    let expiration: Expiration = args.expiration.parse().map_err(|e| config(&e))?;
    // The sandbox lives as long as this command; its state is gone with it, so its token is
    // stored in a temporary folder, never in the user's store.
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
            output::progress(&format!(
                "Started a sandbox Trello at {} (HTTPS with its own CA, trusted by this command only); its app allows http://127.0.0.1:{}.",
                e.sandbox.auth_base(),
                args.port
            ));
            output::progress(
                "Your browser does not know the sandbox's CA (made for this run): when it warns about the certificate of 127.0.0.1, choose to continue.",
            );
            let key = ApiKey::new(&e.sandbox.app().key).map_err(|e| config(&e))?;
            Login::new(key)
                .auth_base(Origin::parse(e.sandbox.auth_base()).map_err(|e| config(&e))?)
                .api_base(Origin::parse(e.sandbox.api_base()).map_err(|e| config(&e))?)
                .ca_pem(e.ca_pem.clone())
                .app_secret(AppSecret::new(e.sandbox.app().secret.clone()).map_err(|e| config(&e))?)
        }
        None => {
            let key = match args.key.clone().or_else(|| std::env::var("TRELLO_API_KEY").ok()) {
                Some(key) => ApiKey::new(key.trim()).map_err(|e| config(&e))?,
                None => {
                    return Err(Failure::config(
                        "no API key: pass --key KEY (from https://trello.com/power-ups/admin) or set TRELLO_API_KEY; or try the flow with --sandbox",
                    ))
                }
            };
            let mut login = Login::new(key);
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
            if args.mode == LoginMode::OAuth1 {
                match std::env::var("TRELLO_APP_SECRET") {
                    Ok(secret) => {
                        login =
                            login.app_secret(AppSecret::new(secret.trim()).map_err(|e| config(&e))?)
                    }
                    Err(_) => return Err(trello_auth_login::Error::MissingSecret.into()),
                }
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
    if let Some(name) = &args.name {
        login = login.name(name.clone());
    }
    login = login
        .mode(args.mode)
        .scopes(scopes)
        .expiration(expiration)
        .port(args.port)
        .open_browser(!args.no_browser)
        .timeout(Duration::from_secs(args.timeout))
        .profile(args.profile.profile.clone())
        .store(store)
        .cancel_on_ctrl_c(true)
        .on_event(report)
        .paste_with(read_pasted);
    let result = login.run_blocking()?;
    print_result(&result, args.json, embedded.is_some(), &credential_file);
    drop(embedded);
    Ok(0)
}

/// A hidden prompt at a terminal; a line of standard input otherwise (a script's pipe).
fn read_pasted() -> std::io::Result<String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password("Paste the token (input is hidden): ");
    }
    let mut line = String::new();
    if std::io::stdin().read_line(&mut line)? == 0 {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    Ok(line)
}

/// The progress lines (stderr).
pub(super) fn report(event: &Event<'_>) {
    match event {
        Event::OpenUrl { url, browser } => match browser {
            OpenOutcome::Opened => output::progress(&format!(
                "Opened your browser. If nothing appeared, open this URL: {url}"
            )),
            OpenOutcome::Skipped(SkipReason::Disabled) => {
                output::progress(&format!("Open this URL to log in: {url}"))
            }
            OpenOutcome::Skipped(reason) => output::progress(&format!(
                "Not opening a browser ({reason}). Open this URL to log in: {url}"
            )),
        },
        Event::Waiting => {
            output::progress("Waiting for you to approve in the browser... Ctrl-C to cancel")
        }
        Event::PasteRejected { reason } => {
            output::progress(&format!("That is not a token: {reason}"))
        }
        Event::Validating => output::progress("Checking the new token with Trello..."),
        _ => {}
    }
}

fn print_result(result: &LoginResult, json: bool, sandbox: bool, file: &std::path::Path) {
    let summary = Summary {
        profile: &result.profile,
        member_id: Some(&result.member.id),
        username: Some(&result.member.username),
        scopes: &result.scopes,
        expires: result.expires,
        store: result.store,
        oauth2: None,
    };
    if json {
        let mut value = summary.json();
        value["sandbox"] = sandbox.into();
        output::result(&value.to_string());
        return;
    }
    let kept = match (sandbox, result.store) {
        (true, _) => "the token was kept in a temporary folder, for this run only".to_owned(),
        (false, StoreKind::Keyring) => "the token is in the OS keyring".to_owned(),
        (false, _) => format!("the token is in {} (readable by you only)", file.display()),
    };
    let replaced = output::replaced(&result.previous);
    output::result(&format!(
        "Logged in as {} (profile {}); {kept}.{replaced}",
        result.member.username, result.profile
    ));
}

pub(super) fn tempfile_dir() -> Result<tempfile::TempDir, Failure> {
    tempfile::Builder::new()
        .prefix("trello-auth-sandbox-")
        .tempdir()
        .map_err(|e| Failure {
            message: format!("cannot create a temporary folder for the sandbox login: {e}"),
            code: 1,
        })
}
