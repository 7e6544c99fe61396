//! OAuth 2.0 profiles: the token set and client secret round trip through the file and the
//! keyring, config.toml holds none of them, records of every earlier version still load, and
//! each reader is told which kind a profile holds.

use trello_auth_core::oauth2::{AccessToken, ClientSecret, RefreshToken, TokenSet};

use super::*;

const ACCESS: &str = "eyJOAUTH2ACCESSCANARY.access.token";
const REFRESH: &str = "OAUTH2REFRESHCANARY-refresh-token";
const SECRET: &str = "ATOAOAUTH2SECRETCANARY";

fn tokens() -> TokenSet {
    TokenSet::new(
        AccessToken::new(ACCESS).unwrap(),
        Some(RefreshToken::new(REFRESH).unwrap()),
        Some(1_900_000_000),
        vec!["read:member:trello".into(), "offline_access".into()],
    )
}

fn oauth2_record() -> OAuth2Record {
    OAuth2Record {
        client_id: "client-1".into(),
        member_id: "5f0c0ffee0ddba11c0ffee00".into(),
        username: "ada".into(),
        api_base: Some("https://api.example.test".into()),
        auth_base: Some("https://auth.example.test".into()),
    }
}

#[track_caller]
fn no_oauth2_secret(text: &str) {
    for secret in [ACCESS, REFRESH, SECRET, "CANARY"] {
        assert!(!text.contains(secret), "a secret leaked: {text}");
    }
}

#[test]
fn a_token_set_round_trips_through_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(dir.path());
    let secret = ClientSecret::new(SECRET).unwrap();
    let kind = store
        .save_oauth2("work", &oauth2_record(), &tokens(), Some(&secret))
        .unwrap();
    assert_eq!(kind, StoreKind::File);
    let loaded = store.load_oauth2("work").unwrap().unwrap();
    assert_eq!(loaded.tokens, tokens());
    assert_eq!(loaded.record, oauth2_record());
    assert_eq!(loaded.client_secret, Some(secret));
    assert_eq!(store.kind("work").unwrap(), Some(ProfileKind::OAuth2));
    let config = read(dir.path().join(CONFIG_FILE));
    no_oauth2_secret(&config);
    assert!(config.contains("kind = \"oauth2\""), "{config}");
    assert!(
        config.contains("expires = \"2030-03-17T17:46:40Z\""),
        "{config}"
    );
    #[cfg(unix)]
    assert_eq!(mode(dir.path().join(CREDENTIALS_FILE)), 0o600);
    no_oauth2_secret(&format!("{loaded:?}"));
    // The key + token reader refuses it by name.
    let err = store.load("work").unwrap_err();
    assert_eq!(err.code(), "wrong_kind");
    no_oauth2_secret(&err.to_string());
    // A rotation replaces the set; forget removes it all.
    let rotated = TokenSet::new(
        AccessToken::new("second-access").unwrap(),
        Some(RefreshToken::new("second-refresh").unwrap()),
        Some(1_900_003_600),
        vec!["read:member:trello".into()],
    );
    store
        .save_oauth2("work", &oauth2_record(), &rotated, None)
        .unwrap();
    let loaded = store.load_oauth2("work").unwrap().unwrap();
    assert_eq!(loaded.tokens, rotated);
    assert!(loaded.client_secret.is_none());
    assert!(!read(dir.path().join(CREDENTIALS_FILE)).contains(REFRESH));
    assert!(store.forget("work").unwrap());
    assert_eq!(store.kind("work").unwrap(), None);
}

#[test]
fn a_token_set_round_trips_through_the_keyring() {
    let dir = tempfile::tempdir().unwrap();
    let fake = Fake::new(Mode::Working);
    let store = store_with(dir.path(), StoreChoice::Keyring, no_env, Some(fake.clone()));
    let kind = store
        .save_oauth2("default", &oauth2_record(), &tokens(), None)
        .unwrap();
    assert_eq!(kind, StoreKind::Keyring);
    let raw = fake.get_raw("default").unwrap();
    assert!(
        raw.starts_with('{') && raw.contains(REFRESH),
        "one JSON entry"
    );
    let loaded = store.load_oauth2("default").unwrap().unwrap();
    assert_eq!(loaded.tokens, tokens());
    assert_eq!(loaded.store, StoreKind::Keyring);
    no_oauth2_secret(&read(dir.path().join(CONFIG_FILE)));
    assert!(!dir.path().join(CREDENTIALS_FILE).exists());
    // A value that is not ours is refused without being quoted.
    fake.entries
        .lock()
        .unwrap()
        .insert("default".into(), format!("not json {REFRESH}"));
    let err = store.load_oauth2("default").unwrap_err();
    assert_eq!(err.code(), "keyring_failed");
    no_oauth2_secret(&format!("{err} {err:?}"));
}

#[test]
fn records_written_before_oauth2_still_load() {
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(dir.path());
    // The exact files of an earlier version: no `kind`.
    fs::write(
        dir.path().join(CONFIG_FILE),
        format!(
            "[profiles.default]\nstore = \"file\"\nkey = \"{KEY}\"\nmember_id = \"m1\"\n\
             username = \"ada\"\nscopes = [\"read\"]\n"
        ),
    )
    .unwrap();
    fs::write(
        dir.path().join(CREDENTIALS_FILE),
        format!("[profiles.default]\ntoken = \"{}\"\n", canary()),
    )
    .unwrap();
    assert_eq!(store.kind("default").unwrap(), Some(ProfileKind::KeyToken));
    let loaded = store.load("default").unwrap().unwrap();
    assert_eq!(loaded.token, token());
    assert_eq!(
        store.load_oauth2("default").unwrap_err().code(),
        "wrong_kind"
    );
    assert!(store.load_oauth2("nobody").unwrap().is_none());
}
