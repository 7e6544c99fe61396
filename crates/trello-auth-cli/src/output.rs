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
}

impl Summary<'_> {
    /// The JSON object: `profile`, `member` (`id`, `username`), `scopes`, `expires`, `store`.
    pub(crate) fn json(&self) -> serde_json::Value {
        let member = match (self.member_id, self.username) {
            (Some(id), Some(username)) => json!({ "id": id, "username": username }),
            _ => serde_json::Value::Null,
        };
        json!({
            "profile": self.profile,
            "member": member,
            "scopes": self.scopes,
            "expires": self.expires.map(rfc3339),
            "store": self.store.to_string(),
        })
    }

    /// Aligned `name  value` lines for a person.
    pub(crate) fn lines(&self) -> Vec<(&'static str, String)> {
        let member = match (self.username, self.member_id) {
            (Some(u), Some(id)) => format!("{u} ({id})"),
            _ => "unknown (credentials from the environment)".to_owned(),
        };
        vec![
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
        ]
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
