//! The keyring paths, with an in-memory stand-in for the OS keyring: auto and explicit
//! keyring choices, fallbacks, moving profiles between stores, and the system keyring.

use super::*;

#[test]
fn auto_uses_a_working_keyring() {
    let dir = tempfile::tempdir().unwrap();
    let keyring = Fake::new(Mode::Working);
    let store = store_with(dir.path(), StoreChoice::Auto, no_env, Some(keyring.clone()));
    assert_eq!(
        store.save("default", &record(), &token()).unwrap(),
        StoreKind::Keyring
    );
    assert_eq!(keyring.get_raw("default"), Some(canary()));
    assert!(!dir.path().join(CREDENTIALS_FILE).exists());
    let config = read(dir.path().join(CONFIG_FILE));
    assert!(config.contains("store = \"keyring\""), "{config}");
    clean(&config);
    let loaded = store.load("default").unwrap().unwrap();
    assert_eq!(loaded.store, StoreKind::Keyring);
    assert_eq!(loaded.token, token());
    assert!(format!("{store:?}").contains("test keyring"));

    // The record says keyring: a File store reads it there too.
    let file = store_with(dir.path(), StoreChoice::File, no_env, Some(keyring.clone()));
    assert_eq!(
        file.load("default").unwrap().unwrap().store,
        StoreKind::Keyring
    );

    assert!(store.forget("default").unwrap());
    assert_eq!(keyring.get_raw("default"), None);
    assert!(store.profiles().unwrap().is_empty());
}

#[test]
fn auto_falls_back_to_the_file_when_the_keyring_fails() {
    for mode in [Mode::Unavailable, Mode::ReadOnly] {
        let dir = tempfile::tempdir().unwrap();
        let keyring = Fake::new(mode);
        let store = store_with(dir.path(), StoreChoice::Auto, no_env, Some(keyring.clone()));
        assert_eq!(
            store.save("default", &record(), &token()).unwrap(),
            StoreKind::File,
            "{mode:?}"
        );
        assert_eq!(
            store.load("default").unwrap().unwrap().store,
            StoreKind::File
        );
        assert_eq!(keyring.get_raw("default"), None);
        // Forgetting a file profile does not need the keyring.
        assert!(store.forget("default").unwrap());
    }
    // No keyring at all (built without one): the file.
    let dir = tempfile::tempdir().unwrap();
    let store = store_with(dir.path(), StoreChoice::Auto, no_env, None);
    assert_eq!(
        store.save("default", &record(), &token()).unwrap(),
        StoreKind::File
    );
}

#[test]
fn an_explicit_keyring_that_fails_is_an_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with(
        dir.path(),
        StoreChoice::Keyring,
        no_env,
        Some(Fake::new(Mode::Unavailable)),
    );
    let err = store.save("default", &record(), &token()).unwrap_err();
    assert_eq!(err.code(), "keyring_unavailable");
    assert!(err.to_string().contains("--store file"), "{err}");
    clean_error(&err);
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);

    let store = store_with(
        dir.path(),
        StoreChoice::Keyring,
        no_env,
        Some(Fake::new(Mode::ReadOnly)),
    );
    let err = store.save("default", &record(), &token()).unwrap_err();
    assert_eq!(err.code(), "keyring_failed");
    assert!(err.to_string().contains("--store file"), "{err}");

    let store = store_with(dir.path(), StoreChoice::Keyring, no_env, None);
    let err = store.save("default", &record(), &token()).unwrap_err();
    assert_eq!(err.code(), "keyring_unsupported");
    assert!(err.to_string().contains("--store file"), "{err}");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn moving_a_profile_between_keyring_and_file_leaves_no_copy() {
    let dir = tempfile::tempdir().unwrap();
    let keyring = Fake::new(Mode::Working);
    let file = store_with(dir.path(), StoreChoice::File, no_env, Some(keyring.clone()));
    let kr = store_with(
        dir.path(),
        StoreChoice::Keyring,
        no_env,
        Some(keyring.clone()),
    );

    file.save("default", &record(), &token()).unwrap();
    kr.save("default", &record(), &other_token()).unwrap();
    assert_eq!(
        keyring.get_raw("default").as_deref(),
        Some(other_token().expose_secret())
    );
    assert!(!dir.path().join(CREDENTIALS_FILE).exists());

    file.save("default", &record(), &token()).unwrap();
    assert_eq!(keyring.get_raw("default"), None);
    assert_eq!(
        file.load("default").unwrap().unwrap().store,
        StoreKind::File
    );
}

#[test]
fn a_failed_config_write_rolls_the_keyring_back() {
    let dir = tempfile::tempdir().unwrap();
    let keyring = Fake::new(Mode::Working);
    let store = store_with(
        dir.path(),
        StoreChoice::Keyring,
        no_env,
        Some(keyring.clone()),
    );
    store.faults.fail_after(CONFIG_FILE, 0);
    store.save("default", &record(), &token()).unwrap_err();
    assert_eq!(keyring.get_raw("default"), None);

    store.faults.clear();
    store.save("default", &record(), &other_token()).unwrap();
    store.faults.fail_after(CONFIG_FILE, 0);
    store.save("default", &record(), &token()).unwrap_err();
    assert_eq!(
        keyring.get_raw("default").as_deref(),
        Some(other_token().expose_secret())
    );
}

#[test]
fn keyring_profiles_need_the_keyring() {
    let dir = tempfile::tempdir().unwrap();
    let keyring = Fake::new(Mode::Working);
    let store = store_with(dir.path(), StoreChoice::Auto, no_env, Some(keyring.clone()));
    store.save("default", &record(), &token()).unwrap();

    keyring.set_mode(Mode::Unavailable);
    assert_eq!(
        store.load("default").unwrap_err().code(),
        "keyring_unavailable"
    );
    // forget keeps the record, which says where the token still is.
    assert_eq!(
        store.forget("default").unwrap_err().code(),
        "keyring_unavailable"
    );
    assert_eq!(store.profiles().unwrap(), ["default"]);

    let without = store_with(dir.path(), StoreChoice::Auto, no_env, None);
    assert_eq!(
        without.load("default").unwrap_err().code(),
        "keyring_unsupported"
    );

    // The entry was removed behind the store's back.
    keyring.set_mode(Mode::Working);
    keyring.entries.lock().unwrap().clear();
    let err = store.load("default").unwrap_err();
    assert_eq!(err.code(), "token_missing");
    assert!(
        err.to_string().contains("missing from the keyring"),
        "{err}"
    );
    assert!(store.forget("default").unwrap());
}

#[test]
fn forget_without_a_record_clears_a_stray_keyring_entry() {
    let dir = tempfile::tempdir().unwrap();
    let keyring = Fake::new(Mode::Working);
    keyring
        .entries
        .lock()
        .unwrap()
        .insert("default".into(), canary());
    let file = store_with(dir.path(), StoreChoice::File, no_env, Some(keyring.clone()));
    assert!(!file.forget("default").unwrap()); // --store file keeps away from the keyring
    let auto = store_with(dir.path(), StoreChoice::Auto, no_env, Some(keyring.clone()));
    assert!(auto.forget("default").unwrap());
    assert_eq!(keyring.get_raw("default"), None);
    // An unavailable keyring is no error when there is no record.
    keyring.set_mode(Mode::Unavailable);
    assert!(!auto.forget("default").unwrap());
}

/// No D-Bus session bus can be found (as in CI and containers): on Linux, where zbus looks for
/// one. Elsewhere (a developer's Mac or Windows box) a keyring may well work.
fn no_session_bus() -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        let uid = fs::metadata("/proc/self").map(|m| m.uid()).ok();
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none()
            && std::env::var_os("XDG_RUNTIME_DIR").is_none()
            && uid.is_some_and(|uid| !Path::new(&format!("/run/user/{uid}/bus")).exists())
    }
    #[cfg(not(target_os = "linux"))]
    false
}

/// The real platform keyring where there is none: `Auto` ends in the file, `Keyring` is a
/// clear error. Skipped where a keyring might work, so as never to touch a developer's own.
#[test]
fn the_system_keyring_falls_back_here() {
    if cfg!(feature = "keyring") && !no_session_bus() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let profile = format!("trello-auth-test-{}", std::process::id());

    let store = CredentialStore::with_dir(dir.path(), StoreChoice::Auto).without_environment();
    assert_eq!(
        store.save(&profile, &record(), &token()).unwrap(),
        StoreKind::File
    );
    assert_eq!(
        store.load(&profile).unwrap().unwrap().store,
        StoreKind::File
    );
    assert!(store.forget(&profile).unwrap());

    let store = CredentialStore::with_dir(dir.path(), StoreChoice::Keyring).without_environment();
    let err = store.save(&profile, &record(), &token()).unwrap_err();
    let code = if cfg!(feature = "keyring") {
        "keyring_unavailable"
    } else {
        "keyring_unsupported"
    };
    assert_eq!(err.code(), code, "{err}");
    assert!(err.to_string().contains("--store file"), "{err}");
    clean_error(&err);
    assert!(store.profiles().unwrap().is_empty());
    assert!(!store.forget(&profile).unwrap());
}

#[test]
fn the_default_folder() {
    assert_eq!(
        default_dir(Some("/some/where".into())).unwrap(),
        PathBuf::from("/some/where")
    );
    if let Ok(dir) = default_dir(Some("".into())) {
        assert!(
            dir.ends_with("trello-auth") || dir.ends_with("config"),
            "{dir:?}"
        );
        if cfg!(target_os = "linux") && std::env::var_os("XDG_CONFIG_HOME").is_none() {
            assert!(dir.ends_with(".config/trello-auth"), "{dir:?}");
        }
    }
}

#[test]
fn the_store_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<CredentialStore>();
    check::<StoreError>();
    check::<StoredCredentials>();
}
