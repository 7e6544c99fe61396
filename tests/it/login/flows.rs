//! Whole logins (SPEC S10): fragment Allow and Deny, re-login, paste, OAuth 1.0a's callback.

use trello_auth_core::{AppSecret, BlockingTransport, Credentials, Origin, Token};
use trello_auth_login::{account, Error, LoginMode, Previous, StoreKind};

use super::{finish, get, press, relay, Rig};

#[test]
fn fragment_allow_stores_a_validated_token() {
    let mut rig = Rig::new();
    let (login, player) = rig.login(|browser, url| {
        assert!(url.contains("callback_method=fragment"));
        let location = press(browser, url, "Allow");
        assert_eq!(relay(browser, &location)["outcome"], "success");
    });
    let result = login
        .profile("work")
        .run_blocking()
        .expect("the login succeeds");
    finish(&player);
    assert_eq!(result.profile, "work");
    assert_eq!(result.member.id, rig.sb.member().id);
    assert_eq!(result.scopes, ["read", "write"]);
    assert!(result.expires.is_some(), "30days by default");
    assert_eq!(result.store, StoreKind::File);
    assert_eq!(result.previous, Previous::None);
    // Stored, and usable from the store.
    let stored = account::load(&rig.store(), "work").unwrap();
    assert_eq!(
        stored.token.expose_secret(),
        result.credentials.token().expose_secret()
    );
    let (member, _) = account::check(&stored, rig.sb.ca_pem()).unwrap();
    assert_eq!(member.username, rig.sb.member().username);
    // The token is in the 0600 credential file only, never in config.toml.
    let token = result.credentials.token().expose_secret();
    let config = std::fs::read_to_string(rig.dir.path().join("config.toml")).unwrap();
    assert!(!config.contains(token));
    let files: Vec<_> = std::fs::read_dir(rig.dir.path())
        .unwrap()
        .flatten()
        .collect();
    for file in files {
        let text = std::fs::read(file.path()).unwrap_or_default();
        #[cfg(unix)]
        if String::from_utf8_lossy(&text).contains(token) {
            use std::os::unix::fs::PermissionsExt;
            let mode = file.metadata().unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{} holds the token", file.path().display());
        }
    }
}

#[test]
fn fragment_deny_stores_nothing() {
    let mut rig = Rig::new();
    let (login, player) = rig.login(|browser, url| {
        let location = press(browser, url, "Deny");
        assert!(location.contains("#token=&error="));
        assert_eq!(relay(browser, &location)["outcome"], "denied");
    });
    let error = login.run_blocking().unwrap_err();
    finish(&player);
    assert!(matches!(&error, Error::Denied { message } if message == "Token request rejected"));
    assert_eq!(error.exit_code(), 3);
    assert!(account::load(&rig.store(), "default").is_err());
}

#[test]
fn a_re_login_stores_the_new_token_then_revokes_the_old_one() {
    let mut rig = Rig::new();
    let play = |browser: &trello_auth_ureq::UreqTransport, url: &str| {
        let location = press(browser, url, "Allow");
        assert_eq!(relay(browser, &location)["outcome"], "success");
    };
    let (login, player) = rig.login(play);
    let first = login.run_blocking().unwrap();
    finish(&player);
    let (login, player) = rig.login(play);
    let second = login.run_blocking().unwrap();
    finish(&player);
    assert_eq!(second.previous, Previous::Revoked);
    let stored = account::load(&rig.store(), "default").unwrap();
    assert_eq!(
        stored.token.expose_secret(),
        second.credentials.token().expose_secret()
    );
    // The old token is dead on the server (SPEC S5), the new one works.
    let old = trello_auth_ureq::Client::builder()
        .credentials(first.credentials.clone())
        .api_base(Origin::parse(rig.sb.api_base()).unwrap())
        .transport(rig.browser.clone())
        .build();
    assert_eq!(old.me().unwrap_err().code(), "token_rejected");
    assert!(account::check(&stored, rig.sb.ca_pem()).is_ok());
}

#[test]
fn logout_revokes_then_forgets() {
    let mut rig = Rig::new();
    let (login, player) = rig.login(|browser, url| {
        let location = press(browser, url, "Allow");
        relay(browser, &location);
    });
    let result = login.run_blocking().unwrap();
    finish(&player);
    let done = account::logout(&rig.store(), "default", false, rig.sb.ca_pem()).unwrap();
    assert!(done.revoked && done.forgotten);
    assert!(matches!(
        account::load(&rig.store(), "default"),
        Err(Error::NotLoggedIn { .. })
    ));
    let creds: Credentials = result.credentials;
    let client = trello_auth_ureq::Client::builder()
        .credentials(creds)
        .api_base(Origin::parse(rig.sb.api_base()).unwrap())
        .transport(rig.browser.clone())
        .build();
    assert_eq!(client.me().unwrap_err().code(), "token_rejected");
}

#[test]
fn paste_mode_asks_again_until_it_gets_a_token() {
    let mut rig = Rig::new();
    let token = rig
        .sb
        .admin()
        .mint_token(&trello_auth_sandbox::TokenSpec::default())
        .unwrap();
    let mut answers = vec![format!("  {token}\n"), rig.app.key.clone()];
    let rejected = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = rejected.clone();
    let (login, _player) = rig.login(|_, url| {
        assert!(
            !url.contains("return_url"),
            "display mode needs no allowed origin"
        );
    });
    let result = login
        .mode(LoginMode::Paste)
        .paste_with(move || Ok(answers.pop().unwrap_or_default()))
        .on_event(move |event| {
            if let trello_auth_login::Event::PasteRejected { reason } = event {
                seen.lock().unwrap().push(reason.clone());
            }
        })
        .run_blocking()
        .unwrap();
    assert_eq!(result.credentials.token().expose_secret(), token);
    let rejected = rejected.lock().unwrap();
    assert_eq!(rejected.len(), 1);
    assert!(rejected[0].contains("API key"), "{rejected:?}");
}

#[test]
fn oauth1_mode_takes_the_verifier_from_the_callback() {
    let mut rig = Rig::new();
    let (login, player) = rig.login(|browser, url| {
        assert!(url.contains("OAuthAuthorizeToken"));
        let location = press(browser, url, "Allow");
        assert!(location.contains("oauth_verifier="));
        let page = browser.send(get(&location)).unwrap();
        assert_eq!(page.status(), 200);
        assert!(String::from_utf8_lossy(page.body()).contains("data-current=\"success\""));
    });
    let result = login
        .mode(LoginMode::OAuth1)
        .app_secret(AppSecret::new(rig.app.secret.clone()).unwrap())
        .run_blocking()
        .unwrap();
    finish(&player);
    assert_eq!(result.member.id, rig.sb.member().id);
    Token::new(result.credentials.token().expose_secret()).unwrap();
}

#[test]
fn oauth1_mode_without_the_secret_is_a_configuration_error() {
    let mut rig = Rig::new();
    let (login, _player) = rig.login(|_, _| {});
    let error = login.mode(LoginMode::OAuth1).run_blocking().unwrap_err();
    assert_eq!(error.code(), "missing_secret");
    assert_eq!(error.exit_code(), 2);
}

/// The canary: the token a login captures is in nothing it reports (events, result, errors,
/// `Debug` of every value), and in no file but the 0600 credential file.
#[test]
fn nothing_a_login_reports_holds_the_token() {
    let mut rig = Rig::new();
    let (login, player) = rig.login(|browser, url| {
        let location = press(browser, url, "Allow");
        relay(browser, &location);
    });
    let result = login.run_blocking().unwrap();
    finish(&player);
    let token = result.credentials.token().expose_secret().to_owned();
    let mut reports = rig.events.lock().unwrap().clone();
    reports.push(format!("{result:?}"));
    reports.push(format!("{:?}", rig.store()));
    let stored = account::load(&rig.store(), "default").unwrap();
    reports.push(format!("{stored:?}"));
    // The errors a later step can meet with this token.
    rig.sb.admin().revoke_token(&token);
    let rejected = account::check(&stored, rig.sb.ca_pem()).unwrap_err();
    reports.push(format!("{rejected} / {rejected:?}"));
    assert!(reports.len() >= 6, "{reports:?}");
    for report in &reports {
        assert!(!report.contains(&token), "the token leaked into {report}");
    }
}
