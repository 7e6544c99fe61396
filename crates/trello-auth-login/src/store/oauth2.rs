//! OAuth 2.0 profiles in the store (SPEC S8.5): [`OAuth2Record`] in `config.toml` (`kind =
//! "oauth2"`, the client id, the member, and beside it the granted scopes and the access
//! token's expiry; never a secret), and the secrets (access token, refresh token, client
//! secret) in the keyring or `credentials.toml`, exactly where a token would be. A rotation
//! replaces the whole set in one save, so the old refresh token is never kept beside the new.

use std::fmt;
use std::path::Path;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use trello_auth_core::oauth2::{AccessToken, ClientSecret, RefreshToken, TokenSet};
use zeroize::Zeroizing;

use super::files::SecretTable;
use super::record::{profile_entry, recorded_kind};
use super::secret_io::{RawSecret, Secret};
use super::{validate_profile, CredentialStore, StoreError, StoreKind};

/// What kind of credentials a profile holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProfileKind {
    /// An API key and a token (SPEC S1-S5), from any login mode but OAuth 2.0, or the
    /// environment.
    KeyToken,
    /// An OAuth 2.0 token set (SPEC S8): `trello-auth login --mode oauth2`.
    OAuth2,
}

impl ProfileKind {
    /// `"key_token"` or `"oauth2"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ProfileKind::KeyToken => "key_token",
            ProfileKind::OAuth2 => "oauth2",
        }
    }
}

impl fmt::Display for ProfileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ProfileKind::KeyToken => "key + token",
            ProfileKind::OAuth2 => "OAuth 2.0",
        })
    }
}

/// What `config.toml` holds for an OAuth 2.0 profile besides its scopes and expiry (which
/// come with the [`TokenSet`]): whose app and whose account, never a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuth2Record {
    /// The OAuth 2.0 client id (public: it is in every authorize URL).
    pub client_id: String,
    /// The member's id (`/1/members/me`'s `id`).
    pub member_id: String,
    /// The member's username.
    pub username: String,
    /// The REST API's base URL, if not Trello's.
    pub api_base: Option<String>,
    /// The authorization server's base URL, if not Atlassian's.
    pub auth_base: Option<String>,
}

/// What [`CredentialStore::load_oauth2`] found.
///
/// # Security
/// `Debug` shows the tokens and the client secret as `[redacted]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredOAuth2 {
    /// The profile asked for.
    pub profile: String,
    /// The profile's record.
    pub record: OAuth2Record,
    /// The access token, the refresh token, the access token's expiry and the granted scopes.
    pub tokens: TokenSet,
    /// The client secret of a confidential client, as given at login.
    pub client_secret: Option<ClientSecret>,
    /// Where the secrets are.
    pub store: StoreKind,
}

/// The secrets of a save, borrowed.
pub(super) struct SecretsRef<'a> {
    tokens: &'a TokenSet,
    client_secret: Option<&'a ClientSecret>,
}

impl SecretsRef<'_> {
    fn pairs(&self) -> Vec<(&'static str, &str)> {
        let mut pairs = vec![("access_token", self.tokens.access_token().expose_secret())];
        if let Some(refresh) = self.tokens.refresh_token() {
            pairs.push(("refresh_token", refresh.expose_secret()));
        }
        if let Some(secret) = self.client_secret {
            pairs.push(("client_secret", secret.expose_secret()));
        }
        pairs
    }

    pub(super) fn file_entry(&self) -> toml::Table {
        self.pairs()
            .into_iter()
            .map(|(name, value)| (name.to_owned(), toml::Value::from(value)))
            .collect()
    }

    pub(super) fn keyring_value(&self) -> Zeroizing<String> {
        let object: serde_json::Map<String, serde_json::Value> = self
            .pairs()
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value.into()))
            .collect();
        let mut value = serde_json::Value::Object(object);
        let text = Zeroizing::new(value.to_string());
        wipe_json(&mut value);
        text
    }
}

impl CredentialStore {
    /// What kind of credentials `profile` holds, `Ok(None)` if nothing is stored for it.
    /// `TRELLO_API_KEY` + `TRELLO_TOKEN` (when this store reads them) make every profile a
    /// key + token one, as [`Self::load`] does.
    ///
    /// # Errors
    /// An invalid profile name; an unreadable or malformed `config.toml`.
    pub fn kind(&self, profile: &str) -> Result<Option<ProfileKind>, StoreError> {
        validate_profile(profile)?;
        if self.environment_credentials(profile)?.is_some() {
            return Ok(Some(ProfileKind::KeyToken));
        }
        let config = self.read_config()?;
        Ok(profile_entry(&config, &self.config_path(), profile)?.map(recorded_kind))
    }

    /// Saves an OAuth 2.0 profile (replacing what was stored under that name), with the same
    /// guarantees as [`Self::save`]: the secrets first (keyring or file), then `config.toml`
    /// with `record`, `tokens`' granted scopes and the access token's expiry; nothing
    /// half-applied. After a refresh, save the rotated set with this BEFORE using its access
    /// token (SPEC S8.5).
    ///
    /// # Errors
    /// As [`Self::save`].
    pub fn save_oauth2(
        &self,
        profile: &str,
        record: &OAuth2Record,
        tokens: &TokenSet,
        client_secret: Option<&ClientSecret>,
    ) -> Result<StoreKind, StoreError> {
        validate_profile(profile)?;
        let entry = record_table(record, tokens)?;
        let secrets = SecretsRef {
            tokens,
            client_secret,
        };
        self.save_entry(profile, entry, &Secret::OAuth2(secrets))
    }

    /// The OAuth 2.0 profile `profile`, `Ok(None)` if nothing is stored for it. The
    /// environment's key + token never stand in for it.
    ///
    /// # Errors
    /// [`StoreError::WrongKind`] for a key + token profile; an unreadable or malformed file; a
    /// record whose secrets are missing ([`StoreError::TokenMissing`]); a keyring that fails.
    pub fn load_oauth2(&self, profile: &str) -> Result<Option<StoredOAuth2>, StoreError> {
        validate_profile(profile)?;
        let config = self.read_config()?;
        let path = self.config_path();
        let Some(entry) = profile_entry(&config, &path, profile)? else {
            return Ok(None);
        };
        if recorded_kind(entry) != ProfileKind::OAuth2 {
            return Err(StoreError::WrongKind {
                profile: profile.to_owned(),
                kind: ProfileKind::KeyToken,
            });
        }
        let (record, store, expires_at, scopes) = parse_record(&path, profile, entry)?;
        let raw = self
            .raw_secret(profile, store)?
            .ok_or_else(|| StoreError::TokenMissing {
                profile: profile.to_owned(),
                store,
            })?;
        let (access, refresh, client_secret) = match raw {
            RawSecret::Keyring(value) => from_keyring(profile, &value)?,
            RawSecret::File(entry) => from_file(&self.credentials_path(), profile, &entry)?,
        };
        Ok(Some(StoredOAuth2 {
            profile: profile.to_owned(),
            record,
            tokens: TokenSet::new(access, refresh, expires_at, scopes),
            client_secret,
            store,
        }))
    }
}

type Secrets = (AccessToken, Option<RefreshToken>, Option<ClientSecret>);

/// The secrets from a `credentials.toml` table; errors name the field, never its value.
fn from_file(path: &Path, profile: &str, entry: &SecretTable) -> Result<Secrets, StoreError> {
    let invalid = |field: &str, what: &str| StoreError::InvalidFile {
        path: path.to_owned(),
        reason: format!("profiles.{profile}.{field} {what}"),
    };
    let field = |name: &str| match entry.0.get(name) {
        None => Ok(None),
        Some(toml::Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(invalid(name, "is not a string")),
    };
    secrets(
        field("access_token")?,
        field("refresh_token")?,
        field("client_secret")?,
        |name, what| invalid(name, what),
    )
}

/// The secrets from the keyring's JSON object; errors never quote it.
fn from_keyring(profile: &str, value: &str) -> Result<Secrets, StoreError> {
    let failed = |reason: String| StoreError::KeyringFailed {
        profile: profile.to_owned(),
        reason,
    };
    let mut json: serde_json::Value = serde_json::from_str(value).map_err(|_| {
        failed("the stored OAuth 2.0 secrets are not the JSON object trello-auth writes".into())
    })?;
    let field = |name: &str| json.get(name).and_then(|v| v.as_str()).map(str::to_owned);
    let (access, refresh, secret) = (
        field("access_token"),
        field("refresh_token"),
        field("client_secret"),
    );
    wipe_json(&mut json);
    secrets(access, refresh, secret, |name, what| {
        failed(format!("the stored {name} {what}"))
    })
}

fn secrets(
    access: Option<String>,
    refresh: Option<String>,
    client_secret: Option<String>,
    invalid: impl Fn(&str, &str) -> StoreError,
) -> Result<Secrets, StoreError> {
    let (access, refresh, client_secret) = (
        access.map(Zeroizing::new),
        refresh.map(Zeroizing::new),
        client_secret.map(Zeroizing::new),
    );
    let access = access.ok_or_else(|| invalid("access_token", "is missing"))?;
    let access = AccessToken::new(access.as_str())
        .map_err(|_| invalid("access_token", "is not an access token"))?;
    let refresh = refresh
        .map(|r| RefreshToken::new(r.as_str()))
        .transpose()
        .map_err(|_| invalid("refresh_token", "is not a refresh token"))?;
    let client_secret = client_secret
        .map(|s| ClientSecret::new(s.as_str()))
        .transpose()
        .map_err(|_| invalid("client_secret", "is not a client secret"))?;
    Ok((access, refresh, client_secret))
}

fn wipe_json(value: &mut serde_json::Value) {
    use zeroize::Zeroize;
    match value {
        serde_json::Value::String(s) => s.zeroize(),
        serde_json::Value::Array(items) => items.iter_mut().for_each(wipe_json),
        serde_json::Value::Object(map) => map.values_mut().for_each(wipe_json),
        _ => {}
    }
}

/// The record as a `config.toml` table (without `store`): `kind = "oauth2"`, the record's
/// fields, the granted `scopes` and the access token's `expires` (RFC 3339).
fn record_table(record: &OAuth2Record, tokens: &TokenSet) -> Result<toml::Table, StoreError> {
    let mut t = toml::Table::new();
    t.insert("kind".into(), ProfileKind::OAuth2.as_str().into());
    t.insert("client_id".into(), record.client_id.as_str().into());
    t.insert("member_id".into(), record.member_id.as_str().into());
    t.insert("username".into(), record.username.as_str().into());
    let scopes = tokens
        .scopes()
        .iter()
        .map(|s| toml::Value::from(s.as_str()));
    t.insert("scopes".into(), toml::Value::Array(scopes.collect()));
    if let Some(at) = tokens.expires_at() {
        let text = i64::try_from(at)
            .ok()
            .and_then(|at| OffsetDateTime::from_unix_timestamp(at).ok())
            .and_then(|at| at.format(&Rfc3339).ok())
            .ok_or(StoreError::InvalidRecord {
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

type Parsed = (OAuth2Record, StoreKind, Option<u64>, Vec<String>);

/// Reads an OAuth 2.0 record back; the errors name the field, never its value.
fn parse_record(path: &Path, profile: &str, t: &toml::Table) -> Result<Parsed, StoreError> {
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
        Some(toml::Value::Datetime(d)) => Some(d.to_string()),
        Some(_) => return Err(invalid("expires", "is not an RFC 3339 date-time")),
    }
    .map(|s| OffsetDateTime::parse(&s, &Rfc3339))
    .transpose()
    .map_err(|_| invalid("expires", "is not an RFC 3339 date-time"))?
    // Before 1970 is long expired.
    .map(|at| u64::try_from(at.unix_timestamp()).unwrap_or(0));
    let record = OAuth2Record {
        client_id: required("client_id")?,
        member_id: required("member_id")?,
        username: required("username")?,
        api_base: optional("api_base")?,
        auth_base: optional("auth_base")?,
    };
    Ok((record, store, expires, scopes))
}
