//! How `config.toml` holds the profiles: the `[profiles.<name>]` tables, a
//! [`ProfileRecord`](super::ProfileRecord) written as one and read back, and where each
//! profile's token is (`store = "keyring" | "file"`). No secret is ever written here.

use std::path::Path;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use trello_auth_core::ApiKey;

use super::{ProfileKind, ProfileRecord, StoreError, StoreKind};

pub(super) fn not_a_table(path: &Path, what: &str) -> StoreError {
    StoreError::InvalidFile {
        path: path.to_owned(),
        reason: format!("{what} is not a table"),
    }
}

/// The `profiles` table of a document, created if missing.
pub(super) fn profiles_table_mut<'a>(
    doc: &'a mut toml::Table,
    path: &Path,
) -> Result<&'a mut toml::Table, StoreError> {
    match doc
        .entry("profiles")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()))
    {
        toml::Value::Table(t) => Ok(t),
        _ => Err(not_a_table(path, "profiles")),
    }
}

/// `profiles.<profile>` of a document, if there.
pub(super) fn profile_entry<'a>(
    doc: &'a toml::Table,
    path: &Path,
    profile: &str,
) -> Result<Option<&'a toml::Table>, StoreError> {
    let profiles = match doc.get("profiles") {
        None => return Ok(None),
        Some(toml::Value::Table(t)) => t,
        Some(_) => return Err(not_a_table(path, "profiles")),
    };
    match profiles.get(profile) {
        None => Ok(None),
        Some(toml::Value::Table(t)) => Ok(Some(t)),
        Some(_) => Err(not_a_table(path, &format!("profiles.{profile}"))),
    }
}

/// `None`: no record; `Some(kind)`: a record, saying `kind` (`None` if it says nothing valid).
pub(super) fn recorded_store(config: &toml::Table, profile: &str) -> Option<Option<StoreKind>> {
    let entry = config.get("profiles")?.get(profile)?;
    Some(match entry.get("store").and_then(toml::Value::as_str) {
        Some("keyring") => Some(StoreKind::Keyring),
        Some("file") => Some(StoreKind::File),
        _ => None,
    })
}

/// What kind of credentials a record is about: `kind = "oauth2"`, or none (every record
/// written before OAuth 2.0 existed, and every key + token record since).
pub(super) fn recorded_kind(entry: &toml::Table) -> ProfileKind {
    match entry.get("kind").and_then(toml::Value::as_str) {
        Some("oauth2") => ProfileKind::OAuth2,
        _ => ProfileKind::KeyToken,
    }
}

/// A record as a `config.toml` table (without `store`).
pub(super) fn record_table(record: &ProfileRecord) -> Result<toml::Table, StoreError> {
    let mut t = toml::Table::new();
    t.insert("key".into(), record.key.as_str().into());
    t.insert("member_id".into(), record.member_id.as_str().into());
    t.insert("username".into(), record.username.as_str().into());
    let scopes = record.scopes.iter().map(|s| toml::Value::from(s.as_str()));
    t.insert("scopes".into(), toml::Value::Array(scopes.collect()));
    if let Some(expires) = record.expires {
        let text = expires
            .to_offset(time::UtcOffset::UTC)
            .format(&Rfc3339)
            .map_err(|_| StoreError::InvalidRecord {
                reason: "its expiry date cannot be written as RFC 3339 (years 0 to 9999)",
            })?;
        t.insert("expires".into(), text.into());
    }
    if let Some(base) = &record.api_base {
        t.insert("api_base".into(), base.as_str().into());
    }
    if let Some(base) = &record.auth_base {
        t.insert("auth_base".into(), base.as_str().into());
    }
    Ok(t)
}

/// Reads a record back; the errors name the field, never its value.
pub(super) fn parse_record(
    path: &Path,
    profile: &str,
    t: &toml::Table,
) -> Result<(ProfileRecord, StoreKind), StoreError> {
    let invalid = |field: &str, what: &str| StoreError::InvalidFile {
        path: path.to_owned(),
        reason: format!("profiles.{profile}.{field} {what}"),
    };
    let optional = |field: &str| match t.get(field) {
        None => Ok(None),
        Some(toml::Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(invalid(field, "is not a string")),
    };
    let required = |field: &str| optional(field)?.ok_or_else(|| invalid(field, "is missing"));

    let store = match required("store")?.as_str() {
        "keyring" => StoreKind::Keyring,
        "file" => StoreKind::File,
        _ => return Err(invalid("store", "is neither \"keyring\" nor \"file\"")),
    };
    let key = ApiKey::new(required("key")?)
        .map_err(|e| invalid("key", &format!("is not an API key ({e})")))?;
    let scopes = match t.get("scopes") {
        None => Vec::new(),
        Some(toml::Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| invalid("scopes", "is not an array of strings"))?,
        Some(_) => return Err(invalid("scopes", "is not an array of strings")),
    };
    let expires = match t.get("expires") {
        None => None,
        Some(toml::Value::String(s)) => Some(s.clone()),
        // A hand-edited file may hold a TOML date-time rather than a string.
        Some(toml::Value::Datetime(d)) => Some(d.to_string()),
        Some(_) => return Err(invalid("expires", "is not an RFC 3339 date-time")),
    }
    .map(|s| OffsetDateTime::parse(&s, &Rfc3339))
    .transpose()
    .map_err(|_| invalid("expires", "is not an RFC 3339 date-time"))?;
    let record = ProfileRecord {
        key,
        member_id: required("member_id")?,
        username: required("username")?,
        scopes,
        expires,
        api_base: optional("api_base")?,
        auth_base: optional("auth_base")?,
    };
    Ok((record, store))
}

/// A profile name is 1–64 characters of `A-Z a-z 0-9 _ . -`.
///
/// ```
/// use trello_auth_login::validate_profile;
/// assert!(validate_profile("work-2.old_one").is_ok());
/// assert_eq!(validate_profile("").unwrap_err().code(), "invalid_profile");
/// assert_eq!(validate_profile("a/b").unwrap_err().code(), "invalid_profile");
/// ```
///
/// # Errors
/// [`StoreError::InvalidProfile`], saying what is wrong without repeating the name.
pub fn validate_profile(name: &str) -> Result<(), StoreError> {
    let reason = if name.is_empty() {
        "it is empty".to_owned()
    } else if name.len() > 64 {
        format!("it has {} characters", name.chars().count())
    } else if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
    {
        if c.is_ascii_graphic() {
            format!("it contains {c:?}")
        } else {
            "it contains a space, a control character or non-ASCII".to_owned()
        }
    } else {
        return Ok(());
    };
    Err(StoreError::InvalidProfile { reason })
}
