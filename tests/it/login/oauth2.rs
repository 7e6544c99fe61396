//! The OAuth 2.0 login (SPEC S8, S10) over real sockets against the TLS sandbox, the test
//! playing the browser with the sandbox's consent helper: Allow stores the token set, Deny
//! and a foreign state store nothing, a fresh access token refreshes and persists the
//! rotation (so the next refresh spends the NEW refresh token), a dead grant says
//! re-authorize, logout forgets, and no token or secret shows anywhere but the 0600 file.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use trello_auth_core::oauth2::{ClientSecret, OAuth2Error, Scope};
use trello_auth_core::{BlockingTransport, Origin};
use trello_auth_login::oauth2::{self as login_oauth2, OAuth2Login};
use trello_auth_login::{
    account, CredentialStore, Error, Event, ProfileKind, StoreChoice, StoreKind,
};
use trello_auth_sandbox::Sandbox;
use trello_auth_ureq::UreqTransport;

use super::{finish, get, press, Player};

/// A TLS sandbox whose OAuth 2.0 clients accept the listener's `/callback`, and a store in a
/// temporary folder.
struct Rig {
    sb: Sandbox,
    port: u16,
    listener: Option<TcpListener>,
    dir: tempfile::TempDir,
    browser: UreqTransport,
    events: Arc<Mutex<Vec<String>>>,
}

impl Rig {
    fn new() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
        let port = listener.local_addr().unwrap().port();
        let sb = Sandbox::builder()
            .tls(true)
            .oauth2_redirect_uris([format!("http://127.0.0.1:{port}/callback")])
            .start_blocking()
            .expect("the sandbox starts");
        let browser = UreqTransport::builder()
            .add_root_certificate_pem(sb.ca_pem().unwrap())
            .build()
            .unwrap();
        Self {
            sb,
            port,
            listener: Some(listener),
            dir: tempfile::tempdir().unwrap(),
            browser,
            events: Arc::default(),
        }
    }

    fn store(&self) -> CredentialStore {
        CredentialStore::with_dir(self.dir.path(), StoreChoice::File).without_environment()
    }

    /// A login of the confidential client on the rig's listener, `play` run as the browser.
    fn login(
        &mut self,
        play: impl Fn(&UreqTransport, &str) + Send + Sync + 'static,
    ) -> (OAuth2Login, Player) {
        let secret = ClientSecret::new(self.sb.oauth2().client_secret.clone()).unwrap();
        let login = OAuth2Login::new(self.sb.oauth2().client_id.clone())
            .unwrap()
            .client_secret(secret);
        self.configure(login, play)
    }

    fn configure(
        &mut self,
        login: OAuth2Login,
        play: impl Fn(&UreqTransport, &str) + Send + Sync + 'static,
    ) -> (OAuth2Login, Player) {
        let player: Player = Arc::default();
        let hook = player.clone();
        let transport = self.browser.clone();
        let play = Arc::new(play);
        let events = self.events.clone();
        let mut login = login
            .auth_base(Origin::parse(self.sb.auth_base()).unwrap())
            .api_base(Origin::parse(self.sb.api_base()).unwrap())
            .ca_pem(self.sb.ca_pem().unwrap())
            .port(self.port)
            .open_browser(false)
            .timeout(Duration::from_secs(30))
            .store(self.store())
            .on_event(move |event| {
                events.lock().unwrap().push(format!("{event:?}"));
                if let Event::OpenUrl { url, .. } = event {
                    let (url, transport, play) = (url.to_string(), transport.clone(), play.clone());
                    *hook.lock().unwrap() =
                        Some(std::thread::spawn(move || play(&transport, &url)));
                }
            });
        if let Some(listener) = self.listener.take() {
            login = login.listener(listener);
        }
        (login, player)
    }

    fn config_toml(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("config.toml")).unwrap_or_default()
    }

    /// Makes the stored access token look expired, as an hour passing would: `token` must
    /// refresh next (the sandbox's token itself is still valid; the client's clock decides).
    fn expire_access_token(&self) {
        let path = self.dir.path().join("config.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        let edited: Vec<String> = text
            .lines()
            .map(|l| {
                if l.starts_with("expires = ") {
                    "expires = \"2001-02-03T04:05:06Z\"".to_owned()
                } else {
                    l.to_owned()
                }
            })
            .collect();
        assert_ne!(
            edited.join("\n"),
            text.trim_end(),
            "config.toml has an expiry"
        );
        std::fs::write(&path, edited.join("\n") + "\n").unwrap();
    }
}

/// Follows the consent page's redirect to the listener and returns its page.
fn land(browser: &UreqTransport, location: &str) -> (u16, String) {
    let page = browser.send(get(location)).expect("the listener answers");
    let status = page.status().as_u16();
    (status, String::from_utf8_lossy(page.body()).into_owned())
}

fn allow(browser: &UreqTransport, url: &str) {
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    assert!(url.contains("offline_access"), "{url}");
    let location = press(browser, url, "Allow");
    assert!(location.contains("/callback?"), "{location}");
    let (status, page) = land(browser, &location);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("data-current=\"success\""), "{page}");
    assert!(page.contains("Access granted"), "{page}");
}

#[test]
fn allow_stores_a_checked_token_set_and_no_secret_in_config() {
    let mut rig = Rig::new();
    let (login, player) = rig.login(allow);
    let result = login
        .scopes([Scope::ReadBoard, Scope::WriteBoard])
        .profile("work")
        .run_blocking()
        .expect("the login succeeds");
    finish(&player);
    assert_eq!(result.profile, "work");
    assert_eq!(result.member.id, rig.sb.member().id);
    assert_eq!(result.client_id, rig.sb.oauth2().client_id);
    assert_eq!(result.store, StoreKind::File);
    for scope in [
        "read:member:trello",
        "read:board:trello",
        "write:board:trello",
    ] {
        assert!(
            result.tokens.scopes().iter().any(|s| s == scope),
            "{scope} in {:?}",
            result.tokens.scopes()
        );
    }
    assert!(result.expires.is_some());
    assert!(result.tokens.refresh_token().is_some(), "offline_access");

    let store = rig.store();
    assert_eq!(store.kind("work").unwrap(), Some(ProfileKind::OAuth2));
    let stored = store.load_oauth2("work").unwrap().expect("stored");
    assert_eq!(stored.tokens, result.tokens);
    assert_eq!(
        stored.client_secret.as_ref().unwrap().expose_secret(),
        rig.sb.oauth2().client_secret
    );
    assert_eq!(stored.record.username, rig.sb.member().username);
    let member = login_oauth2::check(&stored, rig.sb.ca_pem()).unwrap();
    assert_eq!(member.id, rig.sb.member().id);
    // A key + token reader is told what the profile is, not handed garbage.
    let wrong = account::load(&store, "work").unwrap_err();
    assert_eq!(wrong.code(), "wrong_kind", "{wrong}");

    // config.toml says what and until when, never a secret; only the 0600 file holds them.
    let config = rig.config_toml();
    assert!(config.contains("kind = \"oauth2\""), "{config}");
    assert!(config.contains("read:board:trello"), "{config}");
    assert!(config.contains("expires = "), "{config}");
    let secrets = [
        result.tokens.access_token().expose_secret().to_owned(),
        result
            .tokens
            .refresh_token()
            .unwrap()
            .expose_secret()
            .to_owned(),
        rig.sb.oauth2().client_secret.clone(),
    ];
    for secret in &secrets {
        assert!(
            !config.contains(secret.as_str()),
            "config.toml holds a secret"
        );
    }
    for file in std::fs::read_dir(rig.dir.path()).unwrap().flatten() {
        let text = String::from_utf8_lossy(&std::fs::read(file.path()).unwrap()).into_owned();
        #[cfg(unix)]
        if secrets.iter().any(|s| text.contains(s.as_str())) {
            use std::os::unix::fs::PermissionsExt;
            let mode = file.metadata().unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{} holds a secret", file.path().display());
        }
    }
    // Canary: no secret in the result's, the stored set's or any event's Debug.
    let shown = format!(
        "{result:?}{stored:?}{:?}",
        rig.events.lock().unwrap().join("\n")
    );
    for secret in &secrets {
        assert!(!shown.contains(secret.as_str()), "a secret leaked: {shown}");
    }
    // The token endpoint was called with JSON, and never /1/tokens (SPEC S8.7).
    let requests = rig.sb.admin().requests();
    assert!(requests.iter().any(|r| r.path == "/oauth/token"));
    assert!(
        !requests.iter().any(|r| r.path.starts_with("/1/tokens")),
        "{requests:?}"
    );
}

#[test]
fn a_public_client_logs_in_with_pkce_alone() {
    let mut rig = Rig::new();
    let login = OAuth2Login::new(rig.sb.oauth2().public_client_id.clone()).unwrap();
    let (login, player) = rig.configure(login, allow);
    let result = login.run_blocking().expect("the login succeeds");
    finish(&player);
    assert_eq!(result.member.id, rig.sb.member().id);
    let stored = rig.store().load_oauth2("default").unwrap().unwrap();
    assert!(stored.client_secret.is_none());
}

#[test]
fn deny_is_denied_and_stores_nothing() {
    let mut rig = Rig::new();
    let (login, player) = rig.login(|browser, url| {
        let location = press(browser, url, "Deny");
        assert!(location.contains("error=access_denied"), "{location}");
        let (status, page) = land(browser, &location);
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("data-current=\"denied\""), "{page}");
        assert!(page.contains("Access was not granted"), "{page}");
    });
    let error = login.run_blocking().unwrap_err();
    finish(&player);
    assert!(matches!(error, Error::Denied { .. }), "{error:?}");
    assert_eq!(error.exit_code(), 3);
    assert_eq!(rig.store().kind("default").unwrap(), None);
    assert!(rig.config_toml().is_empty());
}

#[test]
fn a_redirect_with_another_state_is_refused_and_stores_nothing() {
    let mut rig = Rig::new();
    let (login, player) = rig.login(|browser, url| {
        // A stale tab or an attacker: a real code, but not this login's state (SPEC S8.3).
        let location = press(browser, url, "Allow");
        let mut forged = url::Url::parse(&location).unwrap();
        let pairs: Vec<(String, String)> = forged
            .query_pairs()
            .map(|(k, v)| {
                let v = if k == "state" {
                    "not-this-one".into()
                } else {
                    v
                };
                (k.into_owned(), v.into_owned())
            })
            .collect();
        forged.query_pairs_mut().clear().extend_pairs(pairs);
        // A stray request is answered and does not end anything (SPEC S10).
        let stray = browser
            .send(get(&location.replace("/callback?", "/favicon.ico?")))
            .unwrap();
        assert_eq!(stray.status(), 404);
        let (status, page) = land(browser, forged.as_str());
        assert_eq!(status, 400, "{page}");
        assert!(page.contains("data-current=\"error\""), "{page}");
    });
    let error = login.run_blocking().unwrap_err();
    finish(&player);
    assert!(
        matches!(error, Error::OAuth2(OAuth2Error::StateMismatch)),
        "{error:?}"
    );
    assert_eq!(error.code(), "state_mismatch");
    assert!(error.to_string().contains("start again"), "{error}");
    assert_eq!(rig.store().kind("default").unwrap(), None);
    // The code was never exchanged.
    assert!(!rig
        .sb
        .admin()
        .requests()
        .iter()
        .any(|r| r.path == "/oauth/token"));
}

#[test]
fn a_fresh_token_refreshes_first_and_persists_the_rotation() {
    let mut rig = Rig::new();
    let (login, player) = rig.login(allow);
    let first = login.run_blocking().expect("the login succeeds");
    finish(&player);
    let store = rig.store();
    let ca = rig.sb.ca_pem();

    // Plenty of time left: the stored access token as it is, no call made.
    rig.sb.admin().clear_requests();
    let fresh = login_oauth2::access_token(&store, "default", None, ca).unwrap();
    assert!(!fresh.refreshed);
    assert_eq!(
        fresh.access_token().expose_secret(),
        first.tokens.access_token().expose_secret()
    );
    assert!(rig.sb.admin().requests().is_empty());

    // Under a minute left: refresh, and the rotated set is stored before it is handed out.
    rig.expire_access_token();
    let second = login_oauth2::access_token(&store, "default", None, ca).unwrap();
    assert!(second.refreshed);
    let old_refresh = first.tokens.refresh_token().unwrap().expose_secret();
    let new_refresh = second
        .stored
        .tokens
        .refresh_token()
        .unwrap()
        .expose_secret();
    assert_ne!(
        new_refresh, old_refresh,
        "the refresh token rotated (SPEC S8.5)"
    );
    assert_ne!(
        second.access_token().expose_secret(),
        first.tokens.access_token().expose_secret()
    );
    let stored = store.load_oauth2("default").unwrap().unwrap();
    assert_eq!(stored.tokens, second.stored.tokens, "persisted");
    assert!(second.expires().unwrap() > trello_auth_core::time::OffsetDateTime::now_utc());
    assert!(!stored.tokens.scopes().is_empty());
    login_oauth2::check(&stored, ca).expect("the new access token works");

    // Again: this refresh can only work with the NEW refresh token (the sandbox refuses a
    // rotated one, SPEC S8.5).
    rig.expire_access_token();
    let third = login_oauth2::access_token(&store, "default", None, ca).unwrap();
    assert!(third.refreshed);
    assert_ne!(
        third.stored.tokens.refresh_token().unwrap().expose_secret(),
        new_refresh
    );
    let refreshes = rig
        .sb
        .admin()
        .requests()
        .into_iter()
        .filter(|r| r.path == "/oauth/token")
        .count();
    assert_eq!(refreshes, 2);
    // No token in the Debug of what was handed out.
    let shown = format!("{second:?}{third:?}");
    assert!(!shown.contains(new_refresh), "{shown}");
    assert!(!shown.contains(third.access_token().expose_secret()));
}

#[test]
fn a_revoked_grant_says_reauthorize_and_logout_forgets() {
    let mut rig = Rig::new();
    let (login, player) = rig.login(allow);
    login.run_blocking().expect("the login succeeds");
    finish(&player);
    let store = rig.store();
    // The user revokes the app on their Atlassian account (SPEC S8.1).
    let revoked = rig
        .sb
        .admin()
        .revoke_oauth2_grant(&rig.sb.oauth2().client_id, None)
        .unwrap();
    assert_eq!(revoked, 1);
    rig.expire_access_token();
    let error = login_oauth2::access_token(&store, "default", None, rig.sb.ca_pem()).unwrap_err();
    assert!(matches!(error, Error::Reauthorize { .. }), "{error:?}");
    assert_eq!(error.code(), "reauthorize");
    assert!(
        error
            .to_string()
            .contains("re-authorize: run trello-auth login --mode oauth2"),
        "{error}"
    );
    // Still stored (the user may want to look at it); logout only forgets, without any call.
    assert!(store.load_oauth2("default").unwrap().is_some());
    rig.sb.admin().clear_requests();
    let done = account::logout(&store, "default", false, rig.sb.ca_pem()).unwrap();
    assert!(done.forgotten);
    assert!(!done.revoked);
    assert_eq!(done.kind, ProfileKind::OAuth2);
    assert!(rig.sb.admin().requests().is_empty(), "no /1/tokens call");
    assert_eq!(store.kind("default").unwrap(), None);
    assert!(!rig.dir.path().join("credentials.toml").exists());
}

#[test]
fn a_login_replaces_a_key_and_token_profile_and_revokes_its_token() {
    let mut rig = Rig::new();
    let store = rig.store();
    // A key + token profile saved by an earlier login (the sandbox's own token).
    let record = trello_auth_login::ProfileRecord {
        key: trello_auth_core::ApiKey::new(&rig.sb.app().key).unwrap(),
        member_id: rig.sb.member().id.clone(),
        username: rig.sb.member().username.clone(),
        scopes: vec!["read".into(), "write".into()],
        expires: None,
        api_base: Some(rig.sb.api_base().to_owned()),
        auth_base: None,
    };
    let token = trello_auth_core::Token::new(rig.sb.token()).unwrap();
    store.save("default", &record, &token).unwrap();
    let (login, player) = rig.login(allow);
    let result = login.run_blocking().expect("the login succeeds");
    finish(&player);
    assert_eq!(result.previous, trello_auth_login::Previous::Revoked);
    assert_eq!(store.kind("default").unwrap(), Some(ProfileKind::OAuth2));
}

#[test]
fn a_key_and_token_login_replaces_an_oauth2_profile_and_forgets_it() {
    use trello_auth_core::oauth2::{AccessToken, RefreshToken, TokenSet};
    use trello_auth_login::{OAuth2Record, Previous};

    let mut rig = super::Rig::new();
    let tokens = TokenSet::new(
        AccessToken::new("old-access").unwrap(),
        Some(RefreshToken::new("old-refresh").unwrap()),
        Some(1_900_000_000),
        vec!["read:member:trello".into()],
    );
    let record = OAuth2Record {
        client_id: "client-1".into(),
        member_id: rig.sb.member().id.clone(),
        username: rig.sb.member().username.clone(),
        api_base: None,
        auth_base: None,
    };
    rig.store()
        .save_oauth2("default", &record, &tokens, None)
        .unwrap();
    let (login, player) = rig.login(|browser, url| {
        let location = press(browser, url, "Allow");
        assert_eq!(super::relay(browser, &location)["outcome"], "success");
    });
    let result = login.run_blocking().expect("the login succeeds");
    finish(&player);
    assert_eq!(result.previous, Previous::Forgotten);
    assert_eq!(
        rig.store().kind("default").unwrap(),
        Some(ProfileKind::KeyToken)
    );
    assert!(
        !std::fs::read_to_string(rig.dir.path().join("credentials.toml"))
            .unwrap()
            .contains("old-refresh")
    );
}

#[test]
fn a_forced_refresh_rotates_even_with_time_left() {
    // After a 401 to a token with time left (SPEC S8.7), `refresh` refreshes once.
    let mut rig = Rig::new();
    let (login, player) = rig.login(allow);
    let first = login.run_blocking().expect("the login succeeds");
    finish(&player);
    let store = rig.store();
    let fresh = login_oauth2::refresh(&store, "default", None, rig.sb.ca_pem()).unwrap();
    assert!(fresh.refreshed);
    let stored = store.load_oauth2("default").unwrap().unwrap();
    assert_eq!(stored.tokens, fresh.stored.tokens);
    assert_ne!(
        stored.tokens.refresh_token().unwrap().expose_secret(),
        first.tokens.refresh_token().unwrap().expose_secret()
    );
    login_oauth2::check(&stored, rig.sb.ca_pem()).expect("the new access token works");
}

#[test]
fn processes_refreshing_one_grant_at_once_make_one_refresh() {
    // SPEC S8.5: never two refreshes of one grant at once, across processes too (each store
    // here opens its own lock file, as another process would).
    let mut rig = Rig::new();
    let (login, player) = rig.login(allow);
    login.run_blocking().expect("the login succeeds");
    finish(&player);
    rig.expire_access_token();
    rig.sb.admin().clear_requests();
    let ca = rig.sb.ca_pem();
    let stores: Vec<CredentialStore> = (0..8).map(|_| rig.store()).collect();
    let tokens: Vec<String> = std::thread::scope(|s| {
        let runs: Vec<_> = stores
            .iter()
            .map(|store| s.spawn(move || login_oauth2::access_token(store, "default", None, ca)))
            .collect();
        runs.into_iter()
            .map(|run| {
                let fresh = run.join().unwrap().expect("a fresh token");
                fresh.access_token().expose_secret().to_owned()
            })
            .collect()
    });
    let refreshes = rig
        .sb
        .admin()
        .requests()
        .iter()
        .filter(|r| r.path == "/oauth/token")
        .count();
    assert_eq!(refreshes, 1, "one refresh for eight processes");
    assert!(
        tokens.iter().all(|t| *t == tokens[0]),
        "all got the new token"
    );
}
