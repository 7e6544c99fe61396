//! The `--config` file (TOML): apps, members, rate limits and the body limit.
//!
//! ```toml
//! body_limit = 1048576            # bytes; larger bodies get 413
//!
//! [rate_limits]                   # SPEC S4.3; every field optional
//! key_max = 300
//! token_max = 100
//! window_ms = 10000
//! lockout_threshold = 200
//! member_max = 100                # the /1/members/ routes' budget per token: both fields,
//! member_window_ms = 900000       # or neither (then those routes are not counted)
//!
//! [[apps]]                        # the first app is the default app
//! name = "My App"
//! key = "0123456789abcdef0123456789abcdef"      # optional: generated
//! secret = "..."                                 # optional: generated (64 hex)
//! allowed_origins = ["http://localhost:8080", "https://*.example.com"]
//!
//! [oauth2]                        # the OAuth 2.0 clients registered at start (SPEC S8)
//! redirect_uris = ["http://127.0.0.1:8080/callback", "http://localhost:8080/callback"]
//!
//! [[members]]                     # the first member is the default (signed-in) member
//! username = "alice"
//! full_name = "Alice"             # optional
//! id = "0123456789abcdef01234567" # optional: generated
//! ```

use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::model::{App, Member, RateLimits};
use crate::random;

/// A parsed configuration file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// Apps; the first is the default app.
    pub apps: Vec<App>,
    /// Members; the first is the default member.
    pub members: Vec<Member>,
    /// Rate limits, if the file sets any.
    pub rate_limits: Option<RateLimits>,
    /// The body limit in bytes, if the file sets it.
    pub body_limit: Option<usize>,
    /// The OAuth 2.0 clients' redirect URIs (`[oauth2] redirect_uris`), if the file sets them.
    pub oauth2_redirect_uris: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    #[serde(default)]
    apps: Vec<FileApp>,
    #[serde(default)]
    members: Vec<FileMember>,
    rate_limits: Option<FileLimits>,
    body_limit: Option<usize>,
    oauth2: Option<FileOAuth2>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileOAuth2 {
    redirect_uris: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileApp {
    name: Option<String>,
    key: Option<String>,
    secret: Option<String>,
    allowed_origins: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileMember {
    username: String,
    full_name: Option<String>,
    id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLimits {
    key_max: Option<u32>,
    token_max: Option<u32>,
    window_ms: Option<u64>,
    lockout_threshold: Option<u32>,
    member_max: Option<u32>,
    member_window_ms: Option<u64>,
}

impl Config {
    /// Parses a TOML configuration (format in the module docs); apps are validated when the
    /// sandbox starts.
    pub fn from_toml(text: &str) -> Result<Self> {
        let file: FileConfig = toml::from_str(text).map_err(|e| Error::ConfigFile(Box::new(e)))?;
        let apps = file
            .apps
            .into_iter()
            .map(|a| {
                let mut app = App::generate(a.name.unwrap_or_else(|| "Sandbox App".into()));
                if let Some(k) = a.key {
                    app.key = k;
                }
                if let Some(s) = a.secret {
                    app.secret = s;
                }
                if let Some(o) = a.allowed_origins {
                    app.allowed_origins = o;
                }
                app
            })
            .collect();
        let members = file
            .members
            .into_iter()
            .map(|m| Member {
                id: m.id.unwrap_or_else(random::object_id),
                full_name: m.full_name.unwrap_or_else(|| m.username.clone()),
                username: m.username,
            })
            .collect();
        let rate_limits = match file.rate_limits {
            None => None,
            Some(l) => {
                let d = RateLimits::default();
                let member = match (l.member_max, l.member_window_ms) {
                    (Some(max), Some(ms)) => Some((max, Duration::from_millis(ms))),
                    (None, None) => None,
                    _ => {
                        return Err(Error::Config(
                            "rate_limits: set member_max and member_window_ms together".into(),
                        ))
                    }
                };
                Some(RateLimits {
                    key_max: l.key_max.unwrap_or(d.key_max),
                    token_max: l.token_max.unwrap_or(d.token_max),
                    window: l.window_ms.map_or(d.window, Duration::from_millis),
                    lockout_threshold: l.lockout_threshold.unwrap_or(d.lockout_threshold),
                    member,
                })
            }
        };
        Ok(Self {
            apps,
            members,
            rate_limits,
            body_limit: file.body_limit,
            oauth2_redirect_uris: file.oauth2.and_then(|o| o.redirect_uris),
        })
    }

    /// Reads and parses a TOML file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::ConfigFile(Box::new(e)))?;
        Self::from_toml(&text)
    }
}

#[cfg(test)]
mod tests;
