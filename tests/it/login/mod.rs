//! The login helper (`trello-auth-login`) over real sockets against the TLS sandbox, with the
//! test playing the browser the way the pages' scripts do (SPEC S10). The same flows in a real
//! Chromium are in `browser`.

mod flows;
mod listener;
mod oauth2;

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use trello_auth_core::{ApiKey, Origin, Scopes};
use trello_auth_login::{CredentialStore, Event, Login, StoreChoice};
use trello_auth_sandbox::{App, Sandbox};
use trello_auth_tests::browser;
use trello_auth_ureq::UreqTransport;

/// A TLS sandbox whose app allows a listener bound on a free port, and a store in a temp dir.
pub struct Rig {
    pub sb: Sandbox,
    pub app: App,
    pub port: u16,
    listener: Option<TcpListener>,
    pub dir: tempfile::TempDir,
    pub browser: UreqTransport,
    /// The `Debug` of every event of every login, for the canary.
    pub events: Arc<Mutex<Vec<String>>>,
}

impl Rig {
    pub fn new() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
        let port = listener.local_addr().unwrap().port();
        let app =
            App::generate("Login Test").with_allowed_origins([format!("http://127.0.0.1:{port}")]);
        let sb = Sandbox::builder()
            .tls(true)
            .app(app.clone())
            .start_blocking()
            .expect("the sandbox starts");
        let browser = UreqTransport::builder()
            .add_root_certificate_pem(sb.ca_pem().unwrap())
            .build()
            .unwrap();
        Self {
            sb,
            app,
            port,
            listener: Some(listener),
            dir: tempfile::tempdir().unwrap(),
            browser,
            events: Arc::default(),
        }
    }

    pub fn store(&self) -> CredentialStore {
        CredentialStore::with_dir(self.dir.path(), StoreChoice::File).without_environment()
    }

    /// A login against the sandbox on the rig's listener (the first call takes the bound
    /// listener; later calls bind the same port again), with `play` run as the browser.
    pub fn login(
        &mut self,
        play: impl Fn(&UreqTransport, &str) + Send + Sync + 'static,
    ) -> (Login, Player) {
        let player: Player = Arc::default();
        let hook = player.clone();
        let transport = self.browser.clone();
        let play = Arc::new(play);
        let events = self.events.clone();
        let mut login = Login::new(ApiKey::new(&self.app.key).unwrap())
            .auth_base(Origin::parse(self.sb.auth_base()).unwrap())
            .api_base(Origin::parse(self.sb.api_base()).unwrap())
            .ca_pem(self.sb.ca_pem().unwrap())
            .scopes(Scopes::READ | Scopes::WRITE)
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
}

/// The thread that plays the browser, joined by [`finish`].
pub type Player = Arc<Mutex<Option<JoinHandle<()>>>>;

/// Joins the browser thread, so that its assertions count.
pub fn finish(player: &Player) {
    if let Some(handle) = player.lock().unwrap().take() {
        handle.join().expect("the browser thread's checks passed");
    }
}

/// Presses `button` on the consent page and returns the `Location` Trello redirected to.
pub fn press(transport: &UreqTransport, url: &str, button: &str) -> String {
    browser::press(transport, url, button).expect("the consent page works")
}

/// The relay page's delivery; the listener's JSON answer.
pub fn relay(transport: &UreqTransport, location: &str) -> serde_json::Value {
    browser::relay(transport, location).expect("the relay page delivers")
}

pub fn get(url: &str) -> trello_auth_core::Request {
    http::Request::get(url).body(Vec::new()).unwrap()
}

pub fn post_json(url: &str, body: &str) -> trello_auth_core::Request {
    http::Request::post(url)
        .header("content-type", "application/json")
        .body(body.as_bytes().to_vec())
        .unwrap()
}
