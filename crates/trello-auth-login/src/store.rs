//! The credential store (SPEC S10): [`CredentialStore`], whose docs say where profiles and
//! tokens live, how the files are written, and why its methods block; OAuth 2.0 profiles
//! (SPEC S8) in [`oauth2`].

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use time::OffsetDateTime;
use trello_auth_core::{ApiKey, Token};
use zeroize::Zeroizing;

mod error;
mod files;
mod kind;
mod oauth2;
mod os_keyring;
mod record;
mod secret_io;

pub use error::StoreError;
pub(crate) use files::ensure_dir;
pub use kind::{StoreChoice, StoreKind};
pub use oauth2::{OAuth2Record, ProfileKind, StoredOAuth2};
pub use record::validate_profile;

use os_keyring::{Keyring, KeyringFailure};
use record::{
    not_a_table, parse_record, profile_entry, profiles_table_mut, record_table, recorded_kind,
    recorded_store,
};
use secret_io::{RawSecret, Secret};

/// The variable that overrides the folder of the store's files.
pub const CONFIG_DIR_VAR: &str = "TRELLO_AUTH_CONFIG_DIR";
/// With [`TOKEN_VAR`], the API key that overrides every stored profile.
pub const API_KEY_VAR: &str = "TRELLO_API_KEY";
/// With [`API_KEY_VAR`], the token that overrides every stored profile.
pub const TOKEN_VAR: &str = "TRELLO_TOKEN";
/// The keyring service under which tokens are stored; the keyring's user name is the profile.
pub const KEYRING_SERVICE: &str = os_keyring::SERVICE;
/// The file of profile records (no secrets).
pub const CONFIG_FILE: &str = "config.toml";
/// The file of tokens (the file store only).
pub const CREDENTIALS_FILE: &str = "credentials.toml";

/// What `config.toml` holds for a profile: who the token belongs to and what it may do, but
/// not the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileRecord {
    /// The API key the token was issued for (stored as its string).
    pub key: ApiKey,
    /// The member's id (`/1/members/me`'s `id`).
    pub member_id: String,
    /// The member's username.
    pub username: String,
    /// The scopes granted, e.g. `["read", "write"]`.
    pub scopes: Vec<String>,
    /// When the token expires, if it does (stored as RFC 3339, in UTC).
    pub expires: Option<OffsetDateTime>,
    /// The REST API's base URL, if not Trello's.
    pub api_base: Option<String>,
    /// The authorize route's base URL, if not Trello's.
    pub auth_base: Option<String>,
}

/// What [`CredentialStore::load`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCredentials {
    /// The profile asked for.
    pub profile: String,
    /// The profile's record; `None` when the credentials come from the environment.
    pub record: Option<ProfileRecord>,
    /// The API key.
    pub key: ApiKey,
    /// The token (its `Debug` is redacted).
    pub token: Token,
    /// Where they came from.
    pub store: StoreKind,
}

/// The credential store (SPEC S10): named profiles, each a record without secrets in
/// `config.toml` and a token in the OS keyring where one works, else in `credentials.toml`, a
/// file only its owner can read. `TRELLO_API_KEY` and `TRELLO_TOKEN` override both and are
/// never written.
///
/// # Files
/// Both live in [`CredentialStore::dir`]: `$TRELLO_AUTH_CONFIG_DIR` if set, else the user's
/// config folder for `trello-auth` (`~/.config/trello-auth` on Linux, `~/Library/Application
/// Support/trello-auth` on macOS, `%APPDATA%\trello-auth\config` on Windows).
///
/// - `config.toml`: one `[profiles.NAME]` table per profile with `store = "keyring"` or
///   `"file"` (where its token is), `key`, `member_id`, `username`, `scopes`, and optionally
///   `expires` (RFC 3339), `api_base` and `auth_base`. Other tables and keys in the file are
///   kept as they are. An OAuth 2.0 profile's table has `kind = "oauth2"`, `client_id`
///   instead of `key`, the granted `scopes` and the access token's `expires`
///   ([`Self::save_oauth2`]); a table without `kind` is a key + token one, as every record
///   written before OAuth 2.0 was.
/// - `credentials.toml` (the file store only): `[profiles.NAME]` tables with a `token`, or an
///   OAuth 2.0 profile's `access_token`, `refresh_token` and `client_secret`. In the keyring,
///   an OAuth 2.0 profile's entry holds those three as one JSON object, so that a rotation
///   replaces them together.
///
/// Both are replaced atomically: a temporary file in the same folder, mode 0600 before
/// anything is written to it, synced, then renamed over the old one. The folder is created with
/// mode 0700. A `credentials.toml` found with a wider mode than 0600 is narrowed to 0600 before
/// it is read. (On Windows, the files inherit the ACL of the user's profile folder.)
///
/// # Blocking
/// Every method blocks on file IO and, for a keyring, on the platform's keyring service (which
/// may show an unlock prompt). On Linux and the BSDs that is the Secret Service over D-Bus,
/// which the `keyring` crate's D-Bus client drives by blocking on a tokio runtime of its own: a
/// call made on a thread that is already running a tokio runtime (an `async fn`, a
/// `#[tokio::main]` body) panics there. From async code, call the store inside
/// `tokio::task::spawn_blocking` (the store is `Send + Sync`, so it can be shared in an `Arc`).
///
/// # Security
/// No `Debug` of this module's types and no [`StoreError`] message contains a token; the token
/// is read with [`Token::expose_secret`] only. Buffers that held the contents of
/// `credentials.toml` are zeroized when dropped. Two processes saving at the same moment do not
/// corrupt either file (each write is a rename), but the later one wins.
///
/// ```
/// use trello_auth_core::{ApiKey, Token};
/// use trello_auth_login::{CredentialStore, ProfileRecord, StoreChoice, StoreKind};
///
/// let dir = tempfile::tempdir()?;
/// let store = CredentialStore::with_dir(dir.path(), StoreChoice::File).without_environment();
/// let record = ProfileRecord {
///     key: ApiKey::new("0123456789abcdef0123456789abcdef")?,
///     member_id: "5f0c0ffee0ddba11c0ffee00".into(),
///     username: "ada".into(),
///     scopes: vec!["read".into()],
///     expires: None,
///     api_base: None,
///     auth_base: None,
/// };
/// let token = Token::new(format!("ATTA{}0123ABCD", "a".repeat(64)))?;
/// assert_eq!(store.save("default", &record, &token)?, StoreKind::File);
///
/// let loaded = store.load("default")?.expect("just saved");
/// assert_eq!(loaded.token, token);
/// assert_eq!(loaded.record.as_ref(), Some(&record));
/// assert_eq!(store.profiles()?, ["default"]);
///
/// assert!(store.forget("default")?);
/// assert!(store.load("default")?.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct CredentialStore {
    dir: PathBuf,
    choice: StoreChoice,
    /// Reads `TRELLO_API_KEY` / `TRELLO_TOKEN`; `None` after [`Self::without_environment`].
    env: Option<fn(&str) -> Option<String>>,
    keyring: Option<Box<dyn Keyring>>,
    #[cfg(test)]
    faults: tests::Faults,
}

impl fmt::Debug for CredentialStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialStore")
            .field("dir", &self.dir)
            .field("choice", &self.choice)
            .field("reads_environment", &self.env.is_some())
            .field("keyring", &self.keyring)
            .finish()
    }
}

impl CredentialStore {
    /// The store in `$TRELLO_AUTH_CONFIG_DIR` if set, else in the user's config folder for
    /// `trello-auth` (nothing is created until something is saved).
    ///
    /// # Errors
    /// [`StoreError::NoConfigDir`] if the variable is unset and there is no home folder.
    pub fn new(choice: StoreChoice) -> Result<Self, StoreError> {
        let dir = default_dir(std::env::var_os(CONFIG_DIR_VAR))?;
        Ok(Self::with_dir(dir, choice))
    }

    /// The store in `dir` (created, mode 0700, on the first save).
    pub fn with_dir(dir: impl Into<PathBuf>, choice: StoreChoice) -> Self {
        Self {
            dir: dir.into(),
            choice,
            env: Some(real_env),
            keyring: os_keyring::system(),
            #[cfg(test)]
            faults: tests::Faults::default(),
        }
    }

    /// The folder of `config.toml` and `credentials.toml`.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where [`Self::save`] puts tokens.
    pub fn choice(&self) -> StoreChoice {
        self.choice
    }

    /// This store without the `TRELLO_API_KEY` / `TRELLO_TOKEN` override: [`Self::load`] reads
    /// only what is stored (for `login`, which must see the stored profile, and for tests).
    pub fn without_environment(mut self) -> Self {
        self.env = None;
        self
    }

    /// The credentials of `profile`, `Ok(None)` if nothing is stored for it.
    ///
    /// If both `TRELLO_API_KEY` and `TRELLO_TOKEN` are set (and not empty), they win for any
    /// profile, with `record: None` and `store: Environment`; if only one is set, it is
    /// ignored. Otherwise the profile's record is read from `config.toml` and its token from
    /// where the record says: the keyring or `credentials.toml`.
    ///
    /// # Errors
    /// An invalid profile name or environment value; an unreadable or malformed file; a record
    /// whose token is missing ([`StoreError::TokenMissing`]); a keyring that fails.
    pub fn load(&self, profile: &str) -> Result<Option<StoredCredentials>, StoreError> {
        validate_profile(profile)?;
        if let Some(found) = self.environment_credentials(profile)? {
            return Ok(Some(found));
        }
        let config = self.read_config()?;
        let Some(entry) = profile_entry(&config, &self.config_path(), profile)? else {
            return Ok(None);
        };
        if recorded_kind(entry) == ProfileKind::OAuth2 {
            return Err(StoreError::WrongKind {
                profile: profile.to_owned(),
                kind: ProfileKind::OAuth2,
            });
        }
        let (record, store) = parse_record(&self.config_path(), profile, entry)?;
        let missing = || StoreError::TokenMissing {
            profile: profile.to_owned(),
            store,
        };
        let mut raw = match self.raw_secret(profile, store)?.ok_or_else(missing)? {
            RawSecret::Keyring(value) => value,
            RawSecret::File(entry) => match entry.0.get("token") {
                None => return Err(missing()),
                Some(toml::Value::String(token)) => Zeroizing::new(token.clone()),
                Some(_) => {
                    return Err(StoreError::InvalidFile {
                        path: self.credentials_path(),
                        reason: format!("profiles.{profile}.token is not a string"),
                    })
                }
            },
        };
        let token = Token::new(std::mem::take(&mut *raw)).map_err(|source| {
            StoreError::InvalidStoredToken {
                profile: profile.to_owned(),
                store,
                source,
            }
        })?;
        Ok(Some(StoredCredentials {
            profile: profile.to_owned(),
            key: record.key.clone(),
            record: Some(record),
            token,
            store,
        }))
    }

    /// Saves `profile` (replacing what was stored under that name) and says where its token
    /// went: with [`StoreChoice::Auto`] the keyring if it works, else the file; with `Keyring`
    /// the keyring or an error; with `File` the file. The environment is never written.
    ///
    /// Nothing is half-applied: the token is written first, then `config.toml`; if that fails,
    /// the token's previous state is restored. Once both are written, a token of the same
    /// profile left in the other place (keyring or file) by an earlier save is removed, as far
    /// as possible.
    ///
    /// # Errors
    /// An invalid profile name; an unwritable folder; a malformed existing file (which is then
    /// left as it is); with `Keyring`, a keyring that does not work
    /// ([`StoreError::KeyringUnavailable`], [`StoreError::KeyringUnsupported`]).
    pub fn save(
        &self,
        profile: &str,
        record: &ProfileRecord,
        token: &Token,
    ) -> Result<StoreKind, StoreError> {
        validate_profile(profile)?;
        self.save_entry(profile, record_table(record)?, &Secret::Token(token))
    }

    /// [`Self::save`] for any kind of profile: the record's table (without `store`) and the
    /// secret, with the same guarantees.
    fn save_entry(
        &self,
        profile: &str,
        mut entry: toml::Table,
        secret: &Secret<'_>,
    ) -> Result<StoreKind, StoreError> {
        let config_path = self.config_path();
        let mut config = self.read_config()?;
        let previous = recorded_store(&config, profile);
        let profiles = profiles_table_mut(&mut config, &config_path)?;

        let (kind, undo) = self.put_secret(profile, secret)?;
        entry.insert("store".into(), kind.as_str().into());
        profiles.insert(profile.to_owned(), toml::Value::Table(entry));
        if let Err(cause) = self.write_config(&config) {
            return Err(match self.undo(profile, undo) {
                Ok(()) => cause,
                Err(rollback) => StoreError::PartialSave {
                    profile: profile.to_owned(),
                    cause: Box::new(cause),
                    rollback: Box::new(rollback),
                },
            });
        }

        // Committed. Remove a copy an earlier save left elsewhere (best effort: the record
        // says where the secret is, so a leftover is never read).
        match kind {
            StoreKind::Keyring => {
                let _ = self.remove_file_token(profile);
            }
            _ => {
                if previous == Some(Some(StoreKind::Keyring)) {
                    if let Some(keyring) = &self.keyring {
                        let _ = keyring.delete(profile);
                    }
                }
            }
        }
        Ok(kind)
    }

    /// Forgets `profile`: its token (from the keyring and the file) and its record. `Ok(false)`
    /// if nothing was stored. This does not revoke the token on the server (SPEC S5): do that
    /// first.
    ///
    /// The token goes first, then the record; if removing the record fails, the error says so
    /// and calling `forget` again finishes.
    ///
    /// # Errors
    /// An invalid profile name; an unwritable file; a malformed `config.toml`; a record saying
    /// the token is in a keyring that cannot be reached (the record is then kept).
    pub fn forget(&self, profile: &str) -> Result<bool, StoreError> {
        validate_profile(profile)?;
        let config_path = self.config_path();
        let mut config = self.read_config()?;
        let recorded = recorded_store(&config, profile);
        let mut removed = false;

        match recorded {
            Some(Some(StoreKind::Keyring)) => {
                removed |= self
                    .keyring()?
                    .delete(profile)
                    .map_err(|f| keyring_error(profile, f))?;
            }
            // No record (maybe a token left by an interrupted save): try the keyring too,
            // unless told to keep away from it.
            None if self.choice != StoreChoice::File => {
                if let Some(keyring) = &self.keyring {
                    removed |= keyring.delete(profile).unwrap_or(false);
                }
            }
            _ => {}
        }
        removed |= self.remove_file_token(profile)?;

        if recorded.is_some() {
            profiles_table_mut(&mut config, &config_path)?.remove(profile);
            self.write_config(&config)?;
            removed = true;
        }
        Ok(removed)
    }

    /// The names of the stored profiles, sorted.
    ///
    /// # Errors
    /// An unreadable or malformed `config.toml`.
    pub fn profiles(&self) -> Result<Vec<String>, StoreError> {
        let config = self.read_config()?;
        let mut names: Vec<String> = match config.get("profiles") {
            None => Vec::new(),
            Some(toml::Value::Table(t)) => t.keys().cloned().collect(),
            Some(_) => return Err(not_a_table(&self.config_path(), "profiles")),
        };
        names.sort();
        Ok(names)
    }

    fn config_path(&self) -> PathBuf {
        self.dir.join(CONFIG_FILE)
    }

    fn credentials_path(&self) -> PathBuf {
        self.dir.join(CREDENTIALS_FILE)
    }

    /// Checks, before a login sends the user anywhere, that a save can succeed: with
    /// [`StoreChoice::Keyring`], that the keyring answers a read. `Auto` and `File` always can
    /// (the file is the fallback).
    ///
    /// # Errors
    /// [`StoreError::KeyringUnavailable`] or [`StoreError::KeyringUnsupported`].
    pub fn check(&self) -> Result<(), StoreError> {
        if self.choice != StoreChoice::Keyring {
            return Ok(());
        }
        self.keyring()?
            .get("default")
            .map(drop)
            .map_err(|failure| keyring_error("default", failure))
    }

    fn keyring(&self) -> Result<&dyn Keyring, StoreError> {
        self.keyring
            .as_deref()
            .ok_or(StoreError::KeyringUnsupported)
    }

    /// `TRELLO_API_KEY` + `TRELLO_TOKEN`, if both are set.
    fn environment_credentials(
        &self,
        profile: &str,
    ) -> Result<Option<StoredCredentials>, StoreError> {
        let Some(env) = self.env else {
            return Ok(None);
        };
        let key = env(API_KEY_VAR).filter(|v| !v.trim().is_empty());
        let token = env(TOKEN_VAR)
            .map(Zeroizing::new)
            .filter(|v| !v.trim().is_empty());
        let (Some(key), Some(mut token)) = (key, token) else {
            return Ok(None);
        };
        let key = ApiKey::new(key).map_err(|source| StoreError::InvalidEnvironment {
            var: API_KEY_VAR,
            source,
        })?;
        let token = Token::new(std::mem::take(&mut *token)).map_err(|source| {
            StoreError::InvalidEnvironment {
                var: TOKEN_VAR,
                source,
            }
        })?;
        Ok(Some(StoredCredentials {
            profile: profile.to_owned(),
            record: None,
            key,
            token,
            store: StoreKind::Environment,
        }))
    }

    /// `config.toml` as a table (empty if there is no file).
    fn read_config(&self) -> Result<toml::Table, StoreError> {
        let path = self.config_path();
        match files::read(&path, false)? {
            Some(text) => files::parse(&path, &text, true),
            None => Ok(toml::Table::new()),
        }
    }

    fn write_config(&self, config: &toml::Table) -> Result<(), StoreError> {
        let path = self.config_path();
        #[cfg(test)]
        self.faults.check(CONFIG_FILE, &path)?;
        let text = files::render(&path, config)?;
        files::write_atomic(&self.dir, &path, text.as_bytes())
    }
}

fn keyring_error(profile: &str, failure: KeyringFailure) -> StoreError {
    match failure {
        KeyringFailure::Unavailable(reason) => StoreError::KeyringUnavailable { reason },
        KeyringFailure::Failed(reason) => StoreError::KeyringFailed {
            profile: profile.to_owned(),
            reason,
        },
    }
}

/// The process environment, with empty values as unset.
fn real_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// `$TRELLO_AUTH_CONFIG_DIR` (`var`) if set and not empty, else the platform's config folder.
fn default_dir(var: Option<OsString>) -> Result<PathBuf, StoreError> {
    match var.filter(|v| !v.is_empty()) {
        Some(dir) => Ok(PathBuf::from(dir)),
        None => directories::ProjectDirs::from("", "", "trello-auth")
            .map(|dirs| dirs.config_dir().to_owned())
            .ok_or(StoreError::NoConfigDir),
    }
}

#[cfg(test)]
mod tests;
