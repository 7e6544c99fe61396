//! Unit tests of `store`: the file store in temporary folders, the keyring paths with an
//! in-memory stand-in (never keyring's mock, never the user's keyring), and a canary token that
//! must show up nowhere but in `credentials.toml` and `expose_secret`.
use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::Path;
use std::sync::Mutex;

use super::os_keyring::fake::{Fake, Mode};
use super::*;
use time::format_description::well_known::Rfc3339;

/// Write faults, for the rollback tests: for a file name, how many more writes succeed.
#[derive(Debug, Default)]
pub(super) struct Faults {
    budget: Mutex<HashMap<&'static str, usize>>,
}

impl Faults {
    pub(super) fn check(&self, file: &'static str, path: &Path) -> Result<(), StoreError> {
        match self.budget.lock().unwrap().get_mut(file) {
            Some(0) => Err(StoreError::io(
                "write",
                path,
                io::Error::other("injected failure"),
            )),
            Some(n) => {
                *n -= 1;
                Ok(())
            }
            None => Ok(()),
        }
    }

    fn fail_after(&self, file: &'static str, writes: usize) {
        self.budget.lock().unwrap().insert(file, writes);
    }

    fn clear(&self) {
        self.budget.lock().unwrap().clear();
    }
}

const KEY: &str = "0123456789abcdef0123456789abcdef";
const ENV_KEY: &str = "fedcba9876543210fedcba9876543210";

fn canary() -> String {
    format!("ATTA{}CANARY00", "c".repeat(64))
}

fn env_canary() -> String {
    format!("ATTA{}ENVCANRY", "e".repeat(64))
}

fn token() -> Token {
    Token::new(canary()).unwrap()
}

fn other_token() -> Token {
    Token::new(format!("ATTA{}OTHER000", "0".repeat(64))).unwrap()
}

fn record() -> ProfileRecord {
    ProfileRecord {
        key: ApiKey::new(KEY).unwrap(),
        member_id: "5f0c0ffee0ddba11c0ffee00".into(),
        username: "ada".into(),
        scopes: vec!["read".into(), "write".into()],
        expires: Some(date("2031-02-03T04:05:06.789Z")),
        api_base: Some("https://api.example.test".into()),
        auth_base: None,
    }
}

fn date(rfc3339: &str) -> OffsetDateTime {
    OffsetDateTime::parse(rfc3339, &Rfc3339).unwrap()
}

fn no_env(_: &str) -> Option<String> {
    None
}

fn canary_env(name: &str) -> Option<String> {
    match name {
        API_KEY_VAR => Some(ENV_KEY.to_owned()),
        TOKEN_VAR => Some(env_canary()),
        _ => None,
    }
}

/// A store in `dir` reading `env` and using `keyring` (`None`: no keyring at all).
fn store_with(
    dir: &Path,
    choice: StoreChoice,
    env: fn(&str) -> Option<String>,
    keyring: Option<Fake>,
) -> CredentialStore {
    CredentialStore {
        dir: dir.to_owned(),
        choice,
        env: Some(env),
        keyring: keyring.map(|k| Box::new(k) as Box<dyn Keyring>),
        faults: Faults::default(),
    }
}

fn file_store(dir: &Path) -> CredentialStore {
    store_with(dir, StoreChoice::File, no_env, None)
}

fn read(path: impl AsRef<Path>) -> String {
    fs::read_to_string(path).unwrap()
}

#[cfg(unix)]
fn mode(path: impl AsRef<Path>) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// The canary is nowhere in `text`.
#[track_caller]
fn clean(text: &str) {
    assert!(!text.contains(&canary()), "canary leaked: {text}");
    assert!(!text.contains(&env_canary()), "env canary leaked: {text}");
    assert!(!text.contains("CANARY"), "canary leaked: {text}");
}

/// Neither the message nor the `Debug` (nor any source's message) of `err` has the canary.
#[track_caller]
fn clean_error(err: &StoreError) {
    clean(&err.to_string());
    clean(&format!("{err:?}"));
    let mut source = std::error::Error::source(err);
    while let Some(e) = source {
        clean(&e.to_string());
        source = e.source();
    }
}

mod files;
mod keyring;
mod oauth2;
