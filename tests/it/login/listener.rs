//! The listener's side of SPEC S10 over real sockets: the fixed port, stray requests, a
//! foreign `Host`, one delivery, the deadline and cancellation.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use trello_auth_core::{ApiKey, BlockingTransport};
use trello_auth_login::{Error, Login};

use super::{finish, post_json, press, relay, Rig};

/// Sends raw bytes to the listener and returns the status line.
fn raw(port: u16, request: &str) -> String {
    let mut tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
    tcp.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    tcp.read_to_string(&mut answer).unwrap();
    answer.lines().next().unwrap_or_default().to_owned()
}

#[test]
fn a_busy_port_names_the_origin_and_the_flag() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let error = Login::new(ApiKey::new("0123456789abcdef0123456789abcdef").unwrap())
        .port(port)
        .open_browser(false)
        .store(trello_auth_login::CredentialStore::with_dir(
            tempfile::tempdir().unwrap().path(),
            trello_auth_login::StoreChoice::File,
        ))
        .run_blocking()
        .unwrap_err();
    assert_eq!(error.code(), "port_busy");
    assert_eq!(error.exit_code(), 2);
    let message = error.to_string();
    assert!(
        message.contains(&format!("http://127.0.0.1:{port}")),
        "{message}"
    );
    assert!(message.contains("--port"), "{message}");
}

#[test]
fn stray_requests_and_foreign_hosts_do_not_end_the_flow() {
    let mut rig = Rig::new();
    let port = rig.port;
    let (login, player) = rig.login(move |browser, url| {
        // The browser's extra requests, a rebinding page, a guessed nonce: all answered, none final.
        let ok = format!("127.0.0.1:{port}");
        assert!(raw(port, &format!("GET /favicon.ico HTTP/1.1\r\nHost: {ok}\r\nConnection: close\r\n\r\n")).contains("404"));
        assert!(raw(port, "GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n").contains("421"));
        assert!(raw(port, &format!("GET /callback/00000000000000000000000000000000 HTTP/1.1\r\nHost: {ok}\r\nConnection: close\r\n\r\n")).contains("404"));
        assert!(raw(port, &format!("GET / HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n")).contains("421"));
        assert!(raw(port, "garbage\r\n\r\n").contains("400"));
        let location = press(browser, url, "Allow");
        let page = location.split('#').next().unwrap().to_owned();
        // A delivery from another site's page is refused before it is read.
        let mut forged = post_json(&page, r##"{"fragment":"#token=ATTAforged"}"##);
        forged.headers_mut().insert("origin", http::HeaderValue::from_static("https://evil.example"));
        assert_eq!(browser.send(forged).unwrap().status(), 403);
        assert_eq!(relay(browser, &location)["outcome"], "success");
    });
    let result = login
        .run_blocking()
        .expect("the real delivery still ends the login");
    finish(&player);
    assert_eq!(result.member.id, rig.sb.member().id);
}

#[test]
fn the_deadline_ends_a_login_nobody_answers() {
    let mut rig = Rig::new();
    let (login, _player) = rig.login(|_, _| {});
    let error = login
        .timeout(Duration::from_millis(300))
        .run_blocking()
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert_eq!(error.exit_code(), 5);
    assert!(trello_auth_login::account::load(&rig.store(), "default").is_err());
}

#[test]
fn a_cancel_check_stops_the_wait() {
    let mut rig = Rig::new();
    let (login, _player) = rig.login(|_, _| {});
    let error = login.cancel_when(|| true).run_blocking().unwrap_err();
    assert!(matches!(error, Error::Cancelled), "{error:?}");
}

#[test]
fn the_listener_releases_its_port_once_the_login_returns() {
    // The next login (a retry, a re-login) binds the same fixed port again.
    let mut rig = Rig::new();
    let (login, player) = rig.login(|browser, url| {
        let location = press(browser, url, "Allow");
        relay(browser, &location);
    });
    login.run_blocking().unwrap();
    finish(&player);
    let again = TcpListener::bind(("127.0.0.1", rig.port));
    assert!(again.is_ok(), "the listener released its port");
}
