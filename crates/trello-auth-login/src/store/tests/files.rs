//! The file store and what every store does: profiles, round trips, modes, the environment,
//! malformed files, and rolling back a failed save.

use super::*;

#[test]
fn choice_and_kind_names() {
    for (s, c) in [
        ("auto", StoreChoice::Auto),
        ("keyring", StoreChoice::Keyring),
        ("file", StoreChoice::File),
    ] {
        assert_eq!(s.parse::<StoreChoice>().unwrap(), c);
        assert_eq!(c.to_string(), s);
    }
    assert_eq!(" FILE ".parse::<StoreChoice>().unwrap(), StoreChoice::File);
    let err = "vault".parse::<StoreChoice>().unwrap_err();
    assert_eq!(err.code(), "unknown_store");
    assert!(err.to_string().contains("auto, keyring or file"), "{err}");
    assert_eq!(StoreChoice::default(), StoreChoice::Auto);

    for (s, k) in [
        ("keyring", StoreKind::Keyring),
        ("file", StoreKind::File),
        ("environment", StoreKind::Environment),
    ] {
        assert_eq!(k.to_string(), s);
        assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{s}\""));
        assert_eq!(
            serde_json::from_str::<StoreKind>(&format!("\"{s}\"")).unwrap(),
            k
        );
    }
}

#[test]
fn profile_names_are_validated() {
    for ok in ["default", "work-2", "a.b_c", "A", &"x".repeat(64)] {
        validate_profile(ok).unwrap();
    }
    for bad in [
        "",
        &"x".repeat(65),
        "a b",
        "a/b",
        "..\\x",
        "é",
        "a\nb",
        "[x]",
    ] {
        let err = validate_profile(bad).unwrap_err();
        assert_eq!(err.code(), "invalid_profile", "{bad:?}");
        assert!(err.to_string().contains("1 to 64 characters"), "{err}");
    }
    // Every method checks, before touching anything.
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(dir.path());
    assert_eq!(store.load("a/b").unwrap_err().code(), "invalid_profile");
    assert_eq!(
        store.save("", &record(), &token()).unwrap_err().code(),
        "invalid_profile"
    );
    assert_eq!(store.forget("a b").unwrap_err().code(), "invalid_profile");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    // A token pasted as a profile name is not echoed.
    clean_error(&validate_profile(&canary()).unwrap_err());
}

#[test]
fn file_store_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(dir.path());
    assert!(store.load("default").unwrap().is_none());
    assert!(store.profiles().unwrap().is_empty());

    assert_eq!(
        store.save("default", &record(), &token()).unwrap(),
        StoreKind::File
    );
    let loaded = store.load("default").unwrap().unwrap();
    assert_eq!(loaded.profile, "default");
    assert_eq!(loaded.store, StoreKind::File);
    assert_eq!(loaded.token.expose_secret(), canary());
    assert_eq!(loaded.key.as_str(), KEY);
    assert_eq!(loaded.record, Some(record()));

    let config = read(dir.path().join(CONFIG_FILE));
    assert!(config.contains("[profiles.default]"), "{config}");
    assert!(config.contains("store = \"file\""), "{config}");
    assert!(
        config.contains("expires = \"2031-02-03T04:05:06.789Z\""),
        "{config}"
    );
    assert!(!config.contains("auth_base"), "{config}");
    clean(&config);
    let credentials = read(dir.path().join(CREDENTIALS_FILE));
    assert!(credentials.contains(&canary()));
}

#[test]
fn expiry_is_stored_in_utc_and_optional_fields_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(dir.path());
    let mut r = record();
    r.expires = Some(date("2030-01-01T09:00:00+02:00"));
    r.scopes = vec![];
    r.api_base = None;
    r.auth_base = Some("https://auth.example.test".into());
    store.save("p", &r, &token()).unwrap();
    assert!(read(dir.path().join(CONFIG_FILE)).contains("\"2030-01-01T07:00:00Z\""));
    let back = store.load("p").unwrap().unwrap().record.unwrap();
    assert_eq!(back, r); // the same instant
    r.expires = None;
    store.save("p", &r, &token()).unwrap();
    assert_eq!(store.load("p").unwrap().unwrap().record.unwrap(), r);

    // RFC 3339 has no negative years.
    let bc = time::Date::from_calendar_date(-1, time::Month::January, 1).unwrap();
    r.expires = Some(bc.midnight().assume_utc());
    let err = store.save("p", &r, &token()).unwrap_err();
    assert_eq!(err.code(), "invalid_record");
}

#[cfg(unix)]
#[test]
fn files_are_0600_and_the_folder_0700() {
    let base = tempfile::tempdir().unwrap();
    let dir = base.path().join("nested").join("trello-auth");
    let store = file_store(&dir);
    store.save("default", &record(), &token()).unwrap();
    assert_eq!(mode(base.path().join("nested")), 0o700);
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(dir.join(CREDENTIALS_FILE)), 0o600);
    assert_eq!(mode(dir.join(CONFIG_FILE)), 0o600);
    // No temporary file is left behind.
    let mut names: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, [CONFIG_FILE, CREDENTIALS_FILE]);
    // A rewrite keeps 0600.
    store.save("other", &record(), &other_token()).unwrap();
    assert_eq!(mode(dir.join(CREDENTIALS_FILE)), 0o600);
}

#[cfg(unix)]
#[test]
fn a_loosened_credentials_file_is_narrowed_on_load() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(dir.path());
    store.save("default", &record(), &token()).unwrap();
    let path = dir.path().join(CREDENTIALS_FILE);
    for loose in [0o644, 0o660, 0o604, 0o777] {
        fs::set_permissions(&path, fs::Permissions::from_mode(loose)).unwrap();
        let loaded = store.load("default").unwrap().unwrap();
        assert_eq!(loaded.token, token());
        assert_eq!(mode(&path), 0o600, "{loose:o}");
    }
    // Narrower than 0600 is left alone.
    fs::set_permissions(&path, fs::Permissions::from_mode(0o400)).unwrap();
    store.load("default").unwrap().unwrap();
    assert_eq!(mode(&path), 0o400);
}

#[test]
fn the_token_is_in_no_debug_no_error_and_not_in_config() {
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(dir.path());
    store.save("default", &record(), &token()).unwrap();
    let loaded = store.load("default").unwrap().unwrap();
    clean(&format!("{loaded:?} {loaded:#?}"));
    clean(&format!("{store:?} {:?}", record()));
    clean(&read(dir.path().join(CONFIG_FILE)));

    // Errors about the credentials file: a syntax error next to the token...
    let path = dir.path().join(CREDENTIALS_FILE);
    fs::write(
        &path,
        format!("[profiles.default]\ntoken = \"{}\n", canary()),
    )
    .unwrap();
    let err = store.load("default").unwrap_err();
    assert_eq!(err.code(), "store_syntax");
    assert!(err.to_string().contains("line 2"), "{err}");
    assert!(err.to_string().contains(CREDENTIALS_FILE), "{err}");
    clean_error(&err);
    // ...the token where a table belongs...
    fs::write(&path, format!("profiles = \"{}\"\n", canary())).unwrap();
    let err = store.load("default").unwrap_err();
    assert_eq!(err.code(), "store_invalid_file");
    clean_error(&err);
    // ...an invalid token...
    fs::write(
        &path,
        format!("[profiles.default]\ntoken = \"{} x\"\n", canary()),
    )
    .unwrap();
    let err = store.load("default").unwrap_err();
    assert_eq!(err.code(), "invalid_stored_token");
    clean_error(&err);
    // ...a token of the wrong type, and non-UTF-8.
    fs::write(&path, "[profiles.default]\ntoken = [\"ATTACANARY\"]\n").unwrap();
    let err = store.load("default").unwrap_err();
    assert_eq!(err.code(), "store_invalid_file");
    clean_error(&err);
    let mut bytes = canary().into_bytes();
    bytes.push(0xff);
    fs::write(&path, bytes).unwrap();
    let err = store.load("default").unwrap_err();
    assert_eq!(err.code(), "store_syntax");
    clean_error(&err);
    // A save over a broken credentials file refuses and leaves it.
    let before = fs::read(&path).unwrap();
    assert_eq!(
        store
            .save("default", &record(), &token())
            .unwrap_err()
            .code(),
        "store_syntax"
    );
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn the_environment_wins_and_is_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with(dir.path(), StoreChoice::File, canary_env, None);
    // Nothing stored: the environment still answers, for any profile.
    let found = store.load("anything").unwrap().unwrap();
    assert_eq!(found.store, StoreKind::Environment);
    assert_eq!(found.profile, "anything");
    assert_eq!(found.record, None);
    assert_eq!(found.key.as_str(), ENV_KEY);
    assert_eq!(found.token.expose_secret(), env_canary());
    clean(&format!("{found:?}"));

    // A stored profile: the environment still wins...
    store.save("default", &record(), &token()).unwrap();
    let found = store.load("default").unwrap().unwrap();
    assert_eq!(found.store, StoreKind::Environment);
    // ...and was written nowhere.
    for entry in fs::read_dir(dir.path()).unwrap() {
        let text = read(entry.unwrap().path());
        assert!(!text.contains(&env_canary()) && !text.contains(ENV_KEY));
    }
    // Without the environment, the stored profile.
    let store = store.without_environment();
    let found = store.load("default").unwrap().unwrap();
    assert_eq!(found.store, StoreKind::File);
    assert_eq!(found.token, token());
    assert!(format!("{store:?}").contains("reads_environment: false"));
}

#[test]
fn one_variable_alone_is_ignored_and_bad_values_are_errors() {
    fn key_only(name: &str) -> Option<String> {
        (name == API_KEY_VAR).then(|| ENV_KEY.to_owned())
    }
    fn token_only(name: &str) -> Option<String> {
        (name == TOKEN_VAR).then(env_canary)
    }
    fn empty_token(name: &str) -> Option<String> {
        match name {
            API_KEY_VAR => Some(ENV_KEY.to_owned()),
            TOKEN_VAR => Some("  ".to_owned()),
            _ => None,
        }
    }
    fn bad_token(name: &str) -> Option<String> {
        match name {
            API_KEY_VAR => Some(ENV_KEY.to_owned()),
            TOKEN_VAR => Some(format!("{} x", env_canary())),
            _ => None,
        }
    }
    fn bad_key(name: &str) -> Option<String> {
        match name {
            API_KEY_VAR => Some(env_canary()),
            TOKEN_VAR => Some(env_canary()),
            _ => None,
        }
    }
    let dir = tempfile::tempdir().unwrap();
    for env in [key_only, token_only, empty_token] {
        let store = store_with(dir.path(), StoreChoice::File, env, None);
        assert!(store.load("default").unwrap().is_none());
    }
    let err = store_with(dir.path(), StoreChoice::File, bad_token, None)
        .load("default")
        .unwrap_err();
    assert_eq!(err.code(), "invalid_environment");
    assert!(
        err.to_string()
            .starts_with("TRELLO_TOKEN is set but invalid"),
        "{err}"
    );
    clean_error(&err);
    let err = store_with(dir.path(), StoreChoice::File, bad_key, None)
        .load("default")
        .unwrap_err();
    assert_eq!(err.code(), "invalid_environment");
    assert!(err.to_string().starts_with("TRELLO_API_KEY"), "{err}");
    clean_error(&err);
}

#[test]
fn a_save_replaces_the_profile_and_keeps_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(dir.path());
    store.save("work", &record(), &token()).unwrap();
    store.save("home", &record(), &other_token()).unwrap();
    let mut changed = record();
    changed.username = "grace".into();
    changed.scopes = vec!["read".into()];
    changed.api_base = None;
    changed.expires = None;
    store.save("work", &changed, &other_token()).unwrap();
    let work = store.load("work").unwrap().unwrap();
    assert_eq!(work.record, Some(changed));
    assert_eq!(work.token, other_token());
    assert_eq!(store.load("home").unwrap().unwrap().token, other_token());
    assert_eq!(store.profiles().unwrap(), ["home", "work"]);
    let config = read(dir.path().join(CONFIG_FILE));
    assert!(!config.contains("api.example.test") || config.contains("[profiles.home]"));
    assert!(!read(dir.path().join(CREDENTIALS_FILE)).contains(&canary()));
}

#[test]
fn other_settings_in_config_toml_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join(CONFIG_FILE),
        "default_profile = \"work\"\n\n[ui]\ncolor = false\n",
    )
    .unwrap();
    let store = file_store(dir.path());
    store.save("work", &record(), &token()).unwrap();
    store.forget("work").unwrap();
    let config: toml::Table = read(dir.path().join(CONFIG_FILE)).parse().unwrap();
    assert_eq!(config["default_profile"].as_str(), Some("work"));
    assert_eq!(config["ui"]["color"].as_bool(), Some(false));
}

#[test]
fn forget_removes_token_and_record() {
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(dir.path());
    assert!(!store.forget("default").unwrap());
    store.save("default", &record(), &token()).unwrap();
    store.save("keep", &record(), &other_token()).unwrap();
    assert!(store.forget("default").unwrap());
    assert!(store.load("default").unwrap().is_none());
    assert!(!store.forget("default").unwrap());
    assert_eq!(store.profiles().unwrap(), ["keep"]);
    assert!(!read(dir.path().join(CREDENTIALS_FILE)).contains(&canary()));
    // The last token gone, the file goes too.
    assert!(store.forget("keep").unwrap());
    assert!(!dir.path().join(CREDENTIALS_FILE).exists());
    assert!(store.profiles().unwrap().is_empty());
}

#[test]
fn forget_removes_a_token_without_a_record() {
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(dir.path());
    fs::write(
        dir.path().join(CREDENTIALS_FILE),
        format!("[profiles.stray]\ntoken = \"{}\"\n", canary()),
    )
    .unwrap();
    assert!(store.load("stray").unwrap().is_none());
    assert!(store.forget("stray").unwrap());
    assert!(!dir.path().join(CREDENTIALS_FILE).exists());
}

#[test]
fn malformed_config_is_reported_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(dir.path());
    store.save("default", &record(), &token()).unwrap();
    let path = dir.path().join(CONFIG_FILE);
    let good = read(&path);
    for (from, to, field) in [
        (
            "store = \"file\"",
            "store = \"vault\"",
            "profiles.default.store",
        ),
        ("store = \"file\"", "", "profiles.default.store is missing"),
        (
            "key = \"0123456789abcdef0123456789abcdef\"",
            "key = \"nope\"",
            "profiles.default.key is not an API key",
        ),
        (
            "key = \"0123456789abcdef0123456789abcdef\"",
            "key = 7",
            "profiles.default.key is not a string",
        ),
        (
            "username = \"ada\"",
            "",
            "profiles.default.username is missing",
        ),
        (
            "expires = \"2031-02-03T04:05:06.789Z\"",
            "expires = \"tomorrow\"",
            "profiles.default.expires",
        ),
        (
            "scopes = [\"read\", \"write\"]",
            "scopes = [1]",
            "profiles.default.scopes",
        ),
    ] {
        assert!(good.contains(from), "{from} in {good}");
        fs::write(&path, good.replace(from, to)).unwrap();
        let err = store.load("default").unwrap_err();
        assert_eq!(err.code(), "store_invalid_file", "{err}");
        assert!(err.to_string().contains(field), "{err}");
        assert!(err.to_string().contains(CONFIG_FILE), "{err}");
        // Listing and forgetting still work on a broken record.
        assert_eq!(store.profiles().unwrap(), ["default"]);
    }
    // A hand-written TOML date-time is accepted.
    fs::write(
        &path,
        good.replace(
            "expires = \"2031-02-03T04:05:06.789Z\"",
            "expires = 2031-02-03T04:05:06.789Z",
        ),
    )
    .unwrap();
    assert_eq!(
        store.load("default").unwrap().unwrap().record,
        Some(record())
    );

    fs::write(&path, "[profiles.default\nkey = 1\n").unwrap();
    let err = store.load("default").unwrap_err();
    assert_eq!(err.code(), "store_syntax");
    assert!(err.to_string().contains("line 1"), "{err}");
    assert!(err.to_string().contains("fix or delete the file"), "{err}");
    // Nothing overwrites a file it cannot read.
    assert_eq!(
        store
            .save("default", &record(), &token())
            .unwrap_err()
            .code(),
        "store_syntax"
    );
    assert_eq!(store.forget("default").unwrap_err().code(), "store_syntax");
    assert_eq!(read(&path), "[profiles.default\nkey = 1\n");

    fs::write(&path, "profiles = 3\n").unwrap();
    assert_eq!(store.profiles().unwrap_err().code(), "store_invalid_file");
}

#[test]
fn a_missing_token_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(dir.path());
    store.save("default", &record(), &token()).unwrap();
    fs::remove_file(dir.path().join(CREDENTIALS_FILE)).unwrap();
    let err = store.load("default").unwrap_err();
    assert_eq!(err.code(), "token_missing");
    assert!(
        err.to_string()
            .contains("run `trello-auth login --profile default` again"),
        "{err}"
    );
    // forget still clears the record.
    assert!(store.forget("default").unwrap());
    assert!(store.load("default").unwrap().is_none());
}

#[test]
fn a_failed_config_write_rolls_the_file_token_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(dir.path());
    // No previous state: the new credentials file is removed again.
    store.faults.fail_after(CONFIG_FILE, 0);
    let err = store.save("default", &record(), &token()).unwrap_err();
    assert_eq!(err.code(), "store_io");
    assert!(err.to_string().contains(CONFIG_FILE), "{err}");
    assert!(!dir.path().join(CREDENTIALS_FILE).exists());
    assert!(!dir.path().join(CONFIG_FILE).exists());

    // A previous token: it is put back.
    store.faults.clear();
    store.save("default", &record(), &other_token()).unwrap();
    let before = read(dir.path().join(CREDENTIALS_FILE));
    store.faults.fail_after(CONFIG_FILE, 0);
    store.save("default", &record(), &token()).unwrap_err();
    assert_eq!(read(dir.path().join(CREDENTIALS_FILE)), before);
    store.faults.clear();
    assert_eq!(store.load("default").unwrap().unwrap().token, other_token());
}

#[test]
fn a_failed_rollback_is_a_partial_save() {
    let dir = tempfile::tempdir().unwrap();
    let store = file_store(dir.path());
    store.save("default", &record(), &other_token()).unwrap();
    store.faults.fail_after(CONFIG_FILE, 0);
    store.faults.fail_after(CREDENTIALS_FILE, 1);
    let err = store.save("default", &record(), &token()).unwrap_err();
    assert_eq!(err.code(), "partial_save");
    assert!(err.to_string().contains("logout --local-only"), "{err}");
    clean_error(&err);
}
