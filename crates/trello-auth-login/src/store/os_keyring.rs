//! The OS keyring behind a small trait: the system one (the `keyring` crate with the
//! platform's own store, never its mock) and, in tests, an in-memory stand-in.

use std::fmt;

use zeroize::Zeroizing;

/// The keyring service name; the user name is the profile.
pub(super) const SERVICE: &str = "trello-auth";

/// Why a keyring call failed. The texts are the keyring's own words, never a stored value.
#[derive(Debug, Clone, PartialEq, Eq)]
// Built only by the platform keyring (and the tests' stand-in).
#[cfg_attr(not(feature = "keyring"), allow(dead_code))]
pub(super) enum KeyringFailure {
    /// The keyring cannot be reached (no D-Bus session bus or Secret Service, a locked or
    /// refused keychain): `Auto` falls back to the file.
    Unavailable(String),
    /// The keyring answered with an error.
    Failed(String),
}

/// A place for tokens keyed by profile. Blocking.
pub(super) trait Keyring: Send + Sync {
    /// The stored value, `None` if there is no entry.
    fn get(&self, profile: &str) -> Result<Option<Zeroizing<String>>, KeyringFailure>;
    /// Stores (or replaces) the value.
    fn set(&self, profile: &str, secret: &str) -> Result<(), KeyringFailure>;
    /// Removes the entry; `Ok(false)` if there was none.
    fn delete(&self, profile: &str) -> Result<bool, KeyringFailure>;
    /// What `Debug` of the store shows.
    fn name(&self) -> &'static str;
}

impl fmt::Debug for dyn Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The platform's keyring, if this build has one: the macOS Keychain, the Windows Credential
/// Manager, or the Secret Service (Linux and the BSDs, over zbus).
pub(super) fn system() -> Option<Box<dyn Keyring>> {
    imp::system()
}

#[cfg(all(
    feature = "keyring",
    any(
        target_os = "linux",
        target_os = "freebsd",
        target_os = "openbsd",
        target_os = "macos",
        target_os = "ios",
        target_os = "windows",
    )
))]
mod imp {
    use keyring::{Entry, Error};
    use zeroize::Zeroizing;

    use super::{Keyring, KeyringFailure, SERVICE};

    /// On these platforms, with this crate's features, `keyring::default` is the platform's
    /// own store (the Secret Service, the Keychain, the Credential Manager), not the mock;
    /// entries are built from it directly, so that a process-wide
    /// `keyring::set_default_credential_builder` cannot redirect them.
    pub(super) fn system() -> Option<Box<dyn Keyring>> {
        Some(Box::new(System))
    }

    struct System;

    fn entry(profile: &str) -> Result<Entry, KeyringFailure> {
        keyring::default::default_credential_builder()
            .build(None, SERVICE, profile)
            .map(Entry::new_with_credential)
            .map_err(failure)
    }

    /// Keeps the error as text: `keyring::Error` itself must not travel, as its `BadEncoding`
    /// holds the stored bytes.
    fn failure(e: Error) -> KeyringFailure {
        match e {
            Error::NoStorageAccess(e) | Error::PlatformFailure(e) => {
                KeyringFailure::Unavailable(e.to_string())
            }
            Error::BadEncoding(bytes) => {
                drop(Zeroizing::new(bytes));
                KeyringFailure::Failed("the stored value is not UTF-8".to_owned())
            }
            other => KeyringFailure::Failed(other.to_string()),
        }
    }

    impl Keyring for System {
        fn get(&self, profile: &str) -> Result<Option<Zeroizing<String>>, KeyringFailure> {
            match entry(profile)?.get_password() {
                Ok(token) => Ok(Some(Zeroizing::new(token))),
                Err(Error::NoEntry) => Ok(None),
                Err(e) => Err(failure(e)),
            }
        }

        fn set(&self, profile: &str, secret: &str) -> Result<(), KeyringFailure> {
            entry(profile)?.set_password(secret).map_err(failure)
        }

        fn delete(&self, profile: &str) -> Result<bool, KeyringFailure> {
            match entry(profile)?.delete_credential() {
                Ok(()) => Ok(true),
                Err(Error::NoEntry) => Ok(false),
                Err(e) => Err(failure(e)),
            }
        }

        fn name(&self) -> &'static str {
            "system keyring"
        }
    }
}

#[cfg(not(all(
    feature = "keyring",
    any(
        target_os = "linux",
        target_os = "freebsd",
        target_os = "openbsd",
        target_os = "macos",
        target_os = "ios",
        target_os = "windows",
    )
)))]
mod imp {
    use super::Keyring;

    /// Built without the `keyring` feature, or for a platform the keyring crate would serve
    /// only with its mock store: no keyring.
    pub(super) fn system() -> Option<Box<dyn Keyring>> {
        None
    }
}

/// An in-memory keyring for tests, which can be told to fail.
#[cfg(test)]
pub(super) mod fake {
    use std::collections::BTreeMap;
    use std::sync::{Arc, Mutex};

    use zeroize::Zeroizing;

    use super::{Keyring, KeyringFailure};

    /// How the fake behaves.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) enum Mode {
        Working,
        Unavailable,
        /// Reads work, writes fail.
        ReadOnly,
    }

    /// Shared state, so that a test can look inside after handing the fake to a store.
    #[derive(Debug, Clone)]
    pub(crate) struct Fake {
        pub(crate) entries: Arc<Mutex<BTreeMap<String, String>>>,
        pub(crate) mode: Arc<Mutex<Mode>>,
    }

    impl Fake {
        pub(crate) fn new(mode: Mode) -> Self {
            Self {
                entries: Arc::default(),
                mode: Arc::new(Mutex::new(mode)),
            }
        }

        pub(crate) fn set_mode(&self, mode: Mode) {
            *self.mode.lock().unwrap() = mode;
        }

        pub(crate) fn get_raw(&self, profile: &str) -> Option<String> {
            self.entries.lock().unwrap().get(profile).cloned()
        }

        fn check(&self, write: bool) -> Result<(), KeyringFailure> {
            match *self.mode.lock().unwrap() {
                Mode::Working => Ok(()),
                Mode::ReadOnly if !write => Ok(()),
                Mode::ReadOnly => Err(KeyringFailure::Failed("read-only".to_owned())),
                Mode::Unavailable => Err(KeyringFailure::Unavailable(
                    "no D-Bus session bus".to_owned(),
                )),
            }
        }
    }

    impl Keyring for Fake {
        fn get(&self, profile: &str) -> Result<Option<Zeroizing<String>>, KeyringFailure> {
            self.check(false)?;
            Ok(self.get_raw(profile).map(Zeroizing::new))
        }

        fn set(&self, profile: &str, secret: &str) -> Result<(), KeyringFailure> {
            self.check(true)?;
            self.entries
                .lock()
                .unwrap()
                .insert(profile.to_owned(), secret.to_owned());
            Ok(())
        }

        fn delete(&self, profile: &str) -> Result<bool, KeyringFailure> {
            self.check(true)?;
            Ok(self.entries.lock().unwrap().remove(profile).is_some())
        }

        fn name(&self) -> &'static str {
            "test keyring"
        }
    }
}
