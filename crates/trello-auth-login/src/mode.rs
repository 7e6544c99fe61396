//! [`LoginMode`]: how the token reaches the program (SPEC S1.3, S6, S8, S10), as the CLI's `--mode`
//! and Python's `mode=` name it.

use std::fmt;
use std::str::FromStr;

/// How the token reaches the program (CLI `--mode`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoginMode {
    /// Trello redirects the browser to the listener with `#token=...` (SPEC S1.3).
    #[default]
    Fragment,
    /// Trello's popup posts the token to the listener's page (SPEC S1.3).
    PostMessage,
    /// Trello shows the token and the user pastes it (SPEC S10): SSH, no browser, no allowed
    /// origin.
    Paste,
    /// OAuth 1.0a's three legs (SPEC S6), the callback on the listener. Needs the app secret.
    OAuth1,
    /// OAuth 2.0's authorization code with PKCE (SPEC S8), the redirect on the listener's
    /// `/callback` (RFC 8252 §7.3). Needs a client id instead of an API key: run it with
    /// [`OAuth2Login`](crate::OAuth2Login).
    OAuth2,
}

impl FromStr for LoginMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "fragment" => Ok(LoginMode::Fragment),
            "postmessage" => Ok(LoginMode::PostMessage),
            "paste" => Ok(LoginMode::Paste),
            "oauth1" => Ok(LoginMode::OAuth1),
            "oauth2" => Ok(LoginMode::OAuth2),
            _ => Err(format!(
                "unknown mode {:?}: use fragment, postmessage, paste, oauth1 or oauth2",
                s.chars().take(40).collect::<String>()
            )),
        }
    }
}

impl fmt::Display for LoginMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LoginMode::Fragment => "fragment",
            LoginMode::PostMessage => "postmessage",
            LoginMode::Paste => "paste",
            LoginMode::OAuth1 => "oauth1",
            LoginMode::OAuth2 => "oauth2",
        })
    }
}
