//! The command line, as clap reads it (DESIGN's list of commands and flags).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use trello_auth_login::{LoginMode, StoreChoice, DEFAULT_PORT};

/// Log in to Trello from a terminal, and check, print and revoke the stored token.
#[derive(Debug, Parser)]
#[command(name = "trello-auth", version, about, propagate_version = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Get a token in the browser, check it with Trello and store it.
    Login(LoginArgs),
    /// Check the stored token with Trello: exit 0 valid, 1 rejected, 2 nothing stored.
    Status(StatusArgs),
    /// Print the stored token on stdout (the only command that prints it); an OAuth 2.0
    /// access token is refreshed first when under a minute is left.
    Token(ProfileArg),
    /// Revoke the stored token on the server, then forget it (an OAuth 2.0 profile is only
    /// forgotten: revoke the app on your Atlassian account).
    Logout(LogoutArgs),
    /// Print the exact allowed origin to register for the API key.
    Origin(OriginArgs),
    /// Walk every capability of trello-auth against an embedded sandbox.
    Demo,
}

#[derive(Debug, Args)]
pub(crate) struct ProfileArg {
    /// The profile to use.
    #[arg(long, default_value = "default", value_name = "NAME")]
    pub(crate) profile: String,
}

#[derive(Debug, Args)]
pub(crate) struct LoginArgs {
    /// The API key (default: $TRELLO_API_KEY). Not for --mode oauth2.
    #[arg(long, value_name = "KEY")]
    pub(crate) key: Option<String>,
    /// --mode oauth2: the app's OAuth 2.0 client id (a confidential client's secret comes
    /// from $TRELLO_CLIENT_SECRET, never from an argument).
    #[arg(long, value_name = "ID")]
    pub(crate) client_id: Option<String>,
    #[command(flatten)]
    pub(crate) profile: ProfileArg,
    /// How the token reaches this program.
    #[arg(long, default_value = "fragment", value_name = "MODE", value_parser = parse_mode)]
    pub(crate) mode: LoginMode,
    /// The scopes, comma-separated: read, write, account (default read); for --mode oauth2,
    /// Trello's OAuth 2.0 scopes such as read:board:trello (default read:member:trello,
    /// read:board:trello, with offline_access).
    #[arg(long, value_name = "SCOPES")]
    pub(crate) scope: Option<String>,
    /// How long the token lives: 1hour, 1day, 30days or never.
    #[arg(long, default_value = "30days", value_name = "WHEN")]
    pub(crate) expiration: String,
    /// The app name shown on the consent page.
    #[arg(long, value_name = "APP")]
    pub(crate) name: Option<String>,
    /// The listener's port: register http://127.0.0.1:PORT as an allowed origin of the key
    /// (for --mode oauth2, http://127.0.0.1:PORT/callback as the app's callback URL).
    #[arg(long, default_value_t = DEFAULT_PORT, value_name = "N")]
    pub(crate) port: u16,
    /// Do not start a browser: print the URL to open and keep waiting.
    #[arg(long)]
    pub(crate) no_browser: bool,
    /// Seconds to wait for the answer.
    #[arg(long, default_value_t = 300, value_name = "SECS")]
    pub(crate) timeout: u64,
    /// Where to store the token.
    #[arg(long, default_value = "auto", value_name = "STORE", value_parser = parse_store)]
    pub(crate) store: StoreChoice,
    /// The authorize origin (default https://trello.com; https://auth.atlassian.com for
    /// --mode oauth2).
    #[arg(long, value_name = "URL")]
    pub(crate) auth_base: Option<String>,
    /// The API origin (default https://api.trello.com).
    #[arg(long, value_name = "URL")]
    pub(crate) api_base: Option<String>,
    /// A CA certificate (PEM file) to trust besides the system's.
    #[arg(long, value_name = "PEM")]
    pub(crate) ca_file: Option<PathBuf>,
    /// Log in against an embedded sandbox over HTTPS: no Trello key needed.
    #[arg(long)]
    pub(crate) sandbox: bool,
    /// Print the result as one JSON object on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    #[command(flatten)]
    pub(crate) profile: ProfileArg,
    /// Print the result as one JSON object on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct LogoutArgs {
    #[command(flatten)]
    pub(crate) profile: ProfileArg,
    /// Forget the token without revoking it on the server.
    #[arg(long)]
    pub(crate) local_only: bool,
    /// Print the result as one JSON object on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct OriginArgs {
    /// The listener's port.
    #[arg(long, default_value_t = DEFAULT_PORT, value_name = "N")]
    pub(crate) port: u16,
}

fn parse_mode(s: &str) -> Result<LoginMode, String> {
    s.parse()
}

fn parse_store(s: &str) -> Result<StoreChoice, String> {
    s.parse().map_err(|_| {
        format!(
            "unknown store {:?}: use auto, keyring or file",
            s.chars().take(40).collect::<String>()
        )
    })
}
