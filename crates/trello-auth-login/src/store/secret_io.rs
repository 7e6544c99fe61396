//! Where a profile's secret goes and how it comes back: the keyring entry or the profile's
//! table in `credentials.toml`, written with a way to undo it (so that a save is never
//! half-applied) and removed again. A key + token profile's secret is its token; an OAuth 2.0
//! profile's is its token set ([`oauth2`](super::oauth2)).

use trello_auth_core::Token;
use zeroize::Zeroizing;

use super::files::{self, SecretTable};
use super::os_keyring::{Keyring, KeyringFailure};
use super::record::{profile_entry, profiles_table_mut};
#[cfg(test)]
use super::CREDENTIALS_FILE;
use super::{keyring_error, oauth2, CredentialStore, StoreChoice, StoreError, StoreKind};

/// What a save writes to the secret side of the store.
pub(super) enum Secret<'a> {
    /// A key + token profile's token.
    Token(&'a Token),
    /// An OAuth 2.0 profile's tokens and client secret.
    OAuth2(oauth2::SecretsRef<'a>),
}

impl Secret<'_> {
    /// The profile's table in `credentials.toml`.
    fn file_entry(&self) -> toml::Table {
        match self {
            Secret::Token(token) => {
                let mut entry = toml::Table::new();
                entry.insert("token".into(), token.expose_secret().into());
                entry
            }
            Secret::OAuth2(secrets) => secrets.file_entry(),
        }
    }

    /// The keyring entry's value: the token as it is (as every earlier version stored it), or
    /// the OAuth 2.0 secrets as one JSON object, so that a rotation replaces them together.
    fn keyring_value(&self) -> Zeroizing<String> {
        match self {
            Secret::Token(token) => Zeroizing::new(token.expose_secret().to_owned()),
            Secret::OAuth2(secrets) => secrets.keyring_value(),
        }
    }
}

/// The secret of a profile as it was read: the keyring's value, or the profile's table of
/// `credentials.toml` (both wiped when dropped).
pub(super) enum RawSecret {
    Keyring(Zeroizing<String>),
    File(SecretTable),
}

/// How to undo writing a secret.
pub(super) enum Undo {
    /// Put back the keyring's previous value, or delete the entry if there was none.
    Keyring { previous: Option<Zeroizing<String>> },
    /// Put back `credentials.toml`'s previous text, or remove it if there was none.
    File { previous: Option<Zeroizing<String>> },
}

impl CredentialStore {
    /// The secret of `profile` from where the record says it is, `None` if it is not there.
    pub(super) fn raw_secret(
        &self,
        profile: &str,
        store: StoreKind,
    ) -> Result<Option<RawSecret>, StoreError> {
        match store {
            StoreKind::Keyring => Ok(self
                .keyring()?
                .get(profile)
                .map_err(|f| keyring_error(profile, f))?
                .map(RawSecret::Keyring)),
            _ => Ok(self.file_entry(profile)?.map(RawSecret::File)),
        }
    }

    /// `credentials.toml`: its text as it was (to restore it) and as a table.
    fn read_credentials(&self) -> Result<Option<(Zeroizing<String>, SecretTable)>, StoreError> {
        let path = self.credentials_path();
        let Some(text) = files::read(&path, true)? else {
            return Ok(None);
        };
        let table = SecretTable(files::parse(&path, &text, false)?);
        Ok(Some((text, table)))
    }

    fn write_credentials(&self, text: &str) -> Result<(), StoreError> {
        let path = self.credentials_path();
        #[cfg(test)]
        self.faults.check(CREDENTIALS_FILE, &path)?;
        files::write_atomic(&self.dir, &path, text.as_bytes())
    }

    /// The table of `profile` in `credentials.toml`, if there.
    fn file_entry(&self, profile: &str) -> Result<Option<SecretTable>, StoreError> {
        let path = self.credentials_path();
        let Some((_, table)) = self.read_credentials()? else {
            return Ok(None);
        };
        Ok(profile_entry(&table.0, &path, profile)?.map(|entry| SecretTable(entry.clone())))
    }

    /// Writes the secret where the choice says; returns where, and how to undo it.
    pub(super) fn put_secret(
        &self,
        profile: &str,
        secret: &Secret<'_>,
    ) -> Result<(StoreKind, Undo), StoreError> {
        match (self.choice, &self.keyring) {
            (StoreChoice::File, _) | (StoreChoice::Auto, None) => self.put_file(profile, secret),
            (StoreChoice::Keyring, None) => Err(StoreError::KeyringUnsupported),
            (StoreChoice::Keyring, Some(keyring)) => {
                put_keyring(&**keyring, profile, secret).map_err(|f| keyring_error(profile, f))
            }
            (StoreChoice::Auto, Some(keyring)) => match put_keyring(&**keyring, profile, secret) {
                Ok(done) => Ok(done),
                // Whatever is wrong with the keyring, the file works.
                Err(_) => self.put_file(profile, secret),
            },
        }
    }

    fn put_file(
        &self,
        profile: &str,
        secret: &Secret<'_>,
    ) -> Result<(StoreKind, Undo), StoreError> {
        let path = self.credentials_path();
        let (previous, mut table) = match self.read_credentials()? {
            Some((text, table)) => (Some(text), table),
            None => (None, SecretTable::default()),
        };
        let entry = secret.file_entry();
        profiles_table_mut(&mut table.0, &path)?.insert(profile.to_owned(), entry.into());
        let text = files::render(&path, &table.0)?;
        self.write_credentials(&text)?;
        Ok((StoreKind::File, Undo::File { previous }))
    }

    /// Removes the secret of `profile` from `credentials.toml` (the file too if it is left
    /// empty); `Ok(false)` if it was not there.
    pub(super) fn remove_file_token(&self, profile: &str) -> Result<bool, StoreError> {
        let path = self.credentials_path();
        let Some((_, mut table)) = self.read_credentials()? else {
            return Ok(false);
        };
        let profiles = profiles_table_mut(&mut table.0, &path)?;
        let Some(gone) = profiles.remove(profile) else {
            return Ok(false);
        };
        drop(SecretTable(
            [(profile.to_owned(), gone)].into_iter().collect(),
        ));
        let empty = profiles.is_empty() && table.0.len() == 1;
        if empty {
            files::remove(&path)?;
        } else {
            let text = files::render(&path, &table.0)?;
            self.write_credentials(&text)?;
        }
        Ok(true)
    }

    /// Restores the secret's state from before [`Self::put_secret`].
    pub(super) fn undo(&self, profile: &str, undo: Undo) -> Result<(), StoreError> {
        match undo {
            Undo::Keyring { previous } => {
                let keyring = self.keyring()?;
                match previous {
                    Some(old) => keyring.set(profile, &old).map(drop),
                    None => keyring.delete(profile).map(drop),
                }
                .map_err(|f| keyring_error(profile, f))
            }
            Undo::File {
                previous: Some(text),
            } => self.write_credentials(&text),
            Undo::File { previous: None } => files::remove(&self.credentials_path()).map(drop),
        }
    }
}

fn put_keyring(
    keyring: &dyn Keyring,
    profile: &str,
    secret: &Secret<'_>,
) -> Result<(StoreKind, Undo), KeyringFailure> {
    let previous = keyring.get(profile)?;
    keyring.set(profile, &secret.keyring_value())?;
    Ok((StoreKind::Keyring, Undo::Keyring { previous }))
}
