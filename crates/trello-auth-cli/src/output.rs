//! What the commands print: progress and errors on stderr, results on stdout (human lines, or
//! one JSON object with `--json`). Nothing here ever receives a token.

use std::io::Write;

use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use trello_auth_login::StoreKind;

/// A progress line on stderr.
pub(crate) fn progress(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

/// An error line on stderr.
pub(crate) fn error(message: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "trello-auth: error: {message}");
}

/// A result line (or JSON object) on stdout.
pub(crate) fn result(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
}

/// The account summary of `login`, `status` (DESIGN: `--json` fields).
#[derive(Debug)]
pub(crate) struct Summary<'a> {
    pub(crate) profile: &'a str,
    pub(crate) member_id: Option<&'a str>,
    pub(crate) username: Option<&'a str>,
    pub(crate) scopes: &'a [String],
    pub(crate) expires: Option<OffsetDateTime>,
    pub(crate) store: StoreKind,
    /// For an OAuth 2.0 profile: `expires` is the access token's.
    pub(crate) oauth2: Option<OAuth2Summary<'a>>,
}

/// What a summary adds for an OAuth 2.0 profile (SPEC S8): never a token.
#[derive(Debug)]
pub(crate) struct OAuth2Summary<'a> {
    pub(crate) client_id: &'a str,
    /// Whether a refresh token is stored.
    pub(crate) refreshable: bool,
}

impl Summary<'_> {
    /// The JSON object: `profile`, `member` (`id`, `username`), `scopes`, `expires`, `store`;
    /// for OAuth 2.0 also `mode` (`"oauth2"`), `client_id` and `refreshable`.
    pub(crate) fn json(&self) -> serde_json::Value {
        let member = match (self.member_id, self.username) {
            (Some(id), Some(username)) => json!({ "id": id, "username": username }),
            _ => serde_json::Value::Null,
        };
        let mut value = json!({
            "profile": self.profile,
            "member": member,
            "scopes": self.scopes,
            "expires": self.expires.map(rfc3339),
            "store": self.store.to_string(),
        });
        if let Some(oauth2) = &self.oauth2 {
            value["mode"] = "oauth2".into();
            value["client_id"] = oauth2.client_id.into();
            value["refreshable"] = oauth2.refreshable.into();
        }
        value
    }

    /// Aligned `name  value` lines for a person.
    pub(crate) fn lines(&self) -> Vec<(&'static str, String)> {
        let member = match (self.username, self.member_id) {
            (Some(u), Some(id)) => format!("{u} ({id})"),
            _ => "unknown (credentials from the environment)".to_owned(),
        };
        let mut rows = vec![
            ("profile", self.profile.to_owned()),
            ("member", member),
            (
                "scopes",
                if self.scopes.is_empty() {
                    "unknown".to_owned()
                } else {
                    self.scopes.join(",")
                },
            ),
            ("expires", self.expires.map_or("never".to_owned(), rfc3339)),
            ("store", self.store.to_string()),
        ];
        if let Some(oauth2) = &self.oauth2 {
            rows[3].0 = "access token expires";
            if self.expires.is_none() {
                rows[3].1 = "unknown".to_owned();
            }
            rows.insert(1, ("mode", "OAuth 2.0".to_owned()));
            rows.insert(2, ("client id", oauth2.client_id.to_owned()));
            rows.push((
                "refresh token",
                if oauth2.refreshable {
                    "stored (rotated on each refresh)".to_owned()
                } else {
                    "none: log in again when the access token expires".to_owned()
                },
            ));
        }
        rows
    }
}

/// Prints `name  value` lines aligned.
pub(crate) fn table(rows: &[(&str, String)]) {
    let width = rows.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    for (name, value) in rows {
        result(&format!("{name:<width$}  {value}"));
    }
}

pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

/// What a login says of the credentials it replaced (empty when there were none), as the end of
/// its result line.
pub(crate) fn replaced(previous: &trello_auth_login::Previous) -> &'static str {
    use trello_auth_login::Previous;
    match previous {
        Previous::Revoked => " The token it replaced was revoked.",
        Previous::RevokeFailed { .. } => {
            " The token it replaced could not be revoked: revoke it on your Trello account page."
        }
        Previous::Forgotten => {
            " The OAuth 2.0 grant it replaced was forgotten (revoke the app on your Atlassian account if you no longer use it)."
        }
        _ => "",
    }
}
