//! The demo's login step (SPEC S10): `trello_auth_login::Login` on a loopback listener, with
//! the demo playing the browser: Allow on the consent page, then the relay page's delivery.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use trello_auth_core::{ApiKey, Expiration, Origin, Scopes};
use trello_auth_login::{CredentialStore, Event, Login, StoreChoice};
use trello_auth_sandbox::{App, Sandbox};

use super::browser;
use super::clients::Clients;
use super::report::{short, Report};

type Browser = Arc<Mutex<Option<JoinHandle<Result<String, String>>>>>;

pub(crate) fn step(sb: &Sandbox, clients: &Clients, r: &mut Report) -> Result<(), String> {
    r.step("The login helper (SPEC S10): a loopback listener captures what the browser delivers");
    // A real login listens on its fixed, registered port (8080 by default); the demo takes a
    // free one and registers an app that allows exactly that origin (SPEC S7).
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("listener: {e}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let origin = format!("http://127.0.0.1:{port}");
    let app = App::generate("trello-auth demo login").with_allowed_origins([origin.clone()]);
    sb.admin()
        .register_app(app.clone())
        .map_err(|e| e.to_string())?;
    r.line(&format!(
        "listening on {origin} (the allowed origin of the app)"
    ));
    let dir = tempfile::tempdir().map_err(|e| format!("temporary folder: {e}"))?;
    let store = CredentialStore::with_dir(dir.path(), StoreChoice::File).without_environment();
    let ca = sb.ca_pem().ok_or("the sandbox has no CA")?;
    let player: Browser = Arc::default();
    let transport = clients.bare_ureq.clone();
    let hook_player = player.clone();
    let result = Login::new(ApiKey::new(&app.key).map_err(|e| e.to_string())?)
        .auth_base(Origin::parse(sb.auth_base()).map_err(|e| e.to_string())?)
        .api_base(Origin::parse(sb.api_base()).map_err(|e| e.to_string())?)
        .ca_pem(ca)
        .scopes(Scopes::READ)
        .expiration(Expiration::OneHour)
        .name("trello-auth demo")
        .listener(listener)
        .open_browser(false)
        .timeout(Duration::from_secs(30))
        .store(store)
        .profile("demo")
        .on_event(move |event| {
            if let Event::OpenUrl { url, .. } = event {
                let url = url.to_string();
                let transport = transport.clone();
                let handle = std::thread::spawn(move || {
                    let answer = browser::consent(&transport, &url, "Allow")?;
                    let location = answer
                        .headers()
                        .get("location")
                        .and_then(|l| l.to_str().ok())
                        .ok_or("no redirect after Allow")?
                        .to_owned();
                    browser::relay(&transport, &location)
                });
                *hook_player.lock().unwrap_or_else(|p| p.into_inner()) = Some(handle);
            }
        })
        .run_blocking();
    let played = player
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take()
        .map(|h| {
            h.join()
                .unwrap_or_else(|_| Err("the browser thread panicked".to_owned()))
        });
    match played {
        Some(Ok(outcome)) => r.line(&format!(
            "the relay page posted the fragment; the listener answered {outcome:?}"
        )),
        Some(Err(e)) => r.fail(&format!("browser: {e}")),
        None => r.fail("the login never showed a URL to open"),
    }
    let result = result.map_err(|e| format!("login: {e}"))?;
    r.line(&format!(
        "token {} validated (members/me -> @{}, tokens/{{token}}), stored in the {} store",
        short(result.credentials.token().expose_secret()),
        result.member.username,
        result.store
    ));
    r.check(
        result.member.id == sb.member().id,
        "the captured token belongs to the member who pressed Allow",
    );
    let stored = CredentialStore::with_dir(dir.path(), StoreChoice::File)
        .without_environment()
        .load("demo")
        .map_err(|e| e.to_string())?;
    r.check(
        stored
            .is_some_and(|s| s.token.expose_secret() == result.credentials.token().expose_secret()),
        "the stored profile holds the new token",
    );
    Ok(())
}
