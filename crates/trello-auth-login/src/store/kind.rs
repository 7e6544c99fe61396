//! [`StoreChoice`] (where a save may go: the CLI's `--store`) and [`StoreKind`] (where a
//! token is).

use std::fmt;
use std::str::FromStr;

use super::StoreError;

/// Where [`CredentialStore::save`](super::CredentialStore::save) puts a token (the CLI's `--store auto|keyring|file`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum StoreChoice {
    /// The OS keyring if it works here, else the file.
    #[default]
    Auto,
    /// The OS keyring, or an error if it does not work here.
    Keyring,
    /// The 0600 file, never the keyring.
    File,
}

impl StoreChoice {
    /// `"auto"`, `"keyring"` or `"file"`.
    pub fn as_str(self) -> &'static str {
        match self {
            StoreChoice::Auto => "auto",
            StoreChoice::Keyring => "keyring",
            StoreChoice::File => "file",
        }
    }
}

impl fmt::Display for StoreChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StoreChoice {
    type Err = StoreError;

    /// Parses `auto`, `keyring` or `file` (ASCII case and surrounding whitespace ignored).
    ///
    /// ```
    /// use trello_auth_login::StoreChoice;
    /// assert_eq!("keyring".parse::<StoreChoice>().unwrap(), StoreChoice::Keyring);
    /// assert_eq!(StoreChoice::File.to_string(), "file");
    /// assert_eq!("disk".parse::<StoreChoice>().unwrap_err().code(), "unknown_store");
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        [StoreChoice::Auto, StoreChoice::Keyring, StoreChoice::File]
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| StoreError::UnknownStore {
                value: s.chars().take(40).collect(),
            })
    }
}

/// Where credentials are (or were just saved). `Display` and serde give `"keyring"`, `"file"`
/// or `"environment"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StoreKind {
    /// The OS keyring.
    Keyring,
    /// `credentials.toml`, mode 0600.
    File,
    /// `TRELLO_API_KEY` and `TRELLO_TOKEN` (never written).
    Environment,
}

impl StoreKind {
    /// `"keyring"`, `"file"` or `"environment"`.
    pub fn as_str(self) -> &'static str {
        match self {
            StoreKind::Keyring => "keyring",
            StoreKind::File => "file",
            StoreKind::Environment => "environment",
        }
    }
}

impl fmt::Display for StoreKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
