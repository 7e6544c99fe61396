//! Starting and stopping (issue point 1): async and blocking starts, TLS with the generated CA,
//! clean shutdown on drop, and the binary's first JSON line, `--help` and `--config`.

use std::io::BufRead as _;
use std::process::{Command, Stdio};

use trello_auth_sandbox::{App, Sandbox};

use crate::client::{self, authority, Req};
use crate::get_auth;

#[tokio::test]
async fn tls_with_the_generated_ca() {
    let sb = Sandbox::builder().tls(true).start().await.expect("sandbox");
    assert!(sb.api_base().starts_with("https://127.0.0.1:"));
    assert!(sb.storage_base().starts_with("https://"));
    let pem = sb.ca_pem().expect("CA");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    let r = get_auth(&sb, "/1/members/me").await;
    assert_eq!(r.status, 200, "{}", r.body);
    // Signed requests reconstruct the https URL for the base string (RFC 5849 §3.4.1.2).
    let creds = crate::signer::Creds {
        consumer_key: sb.app().key.clone(),
        consumer_secret: sb.app().secret.clone(),
        token: Some(sb.token().to_owned()),
        token_secret: String::new(),
    };
    let url = format!("{}/1/members/me", sb.api_base());
    let h = crate::signer::authorization(
        &creds,
        "GET",
        &url,
        None,
        &[],
        "HMAC-SHA1",
        crate::signer::now(),
        &crate::signer::nonce(),
    );
    let r = client::send(
        sb.api_base(),
        sb.ca_pem(),
        Req::get("/1/members/me").header("authorization", h),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn async_shutdown_closes_the_listeners() {
    let sb = Sandbox::builder().start().await.expect("sandbox");
    let base = sb.api_base().to_owned();
    let (key, token) = (sb.app().key.clone(), sb.token().to_owned());
    assert_eq!(get_auth(&sb, "/1/members/me").await.status, 200);
    sb.shutdown().await;
    // Closed: nothing listens, or (tests run in parallel) another test's server took the freed
    // port, and it does not accept this sandbox's token (or does not speak plain HTTP at all).
    if tokio::net::TcpStream::connect(authority(&base))
        .await
        .is_ok()
    {
        let req = Req::get("/1/members/me").auth(&key, &token);
        let status = tokio::spawn(async move { client::send(&base, None, req).await.status });
        assert!(
            status.await.map_or(true, |s| s != 200),
            "the sandbox still answers after shutdown"
        );
    }
}

#[test]
fn blocking_start_and_drop() {
    let sb = Sandbox::builder().start_blocking().expect("sandbox");
    let auth = format!(
        "OAuth oauth_consumer_key=\"{}\", oauth_token=\"{}\"",
        sb.app().key,
        sb.token()
    );
    let (status, _) =
        client::blocking_get(sb.api_base(), "/1/members/me", &[("authorization", &auth)]);
    assert_eq!(status, 200);
    let addr = authority(sb.api_base()).to_owned();
    drop(sb);
    assert!(std::net::TcpStream::connect(addr).is_err());
}

#[tokio::test]
async fn configured_apps_come_first() {
    let app = App::generate("Configured").with_allowed_origins(["https://*.example.com"]);
    let sb = Sandbox::builder()
        .app(app.clone())
        .start()
        .await
        .expect("sandbox");
    assert_eq!(sb.app(), &app);
    let bad = Sandbox::builder()
        .app(App::generate("x").with_allowed_origins(["*"]))
        .start()
        .await;
    assert!(bad.is_err());
}

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_trello-auth-sandbox"))
}

#[test]
fn binary_help_documents_every_option() {
    let out = binary().arg("--help").output().expect("run --help");
    let help = String::from_utf8_lossy(&out.stdout);
    for option in [
        "--host",
        "--port",
        "--storage-port",
        "--tls",
        "--ca-file",
        "--config",
        "--help",
        "--version",
    ] {
        assert!(help.contains(option), "{option} missing from:\n{help}");
    }
}

#[test]
fn binary_prints_its_json_line_and_stops_on_sigterm() {
    let dir = std::env::temp_dir().join(format!("sandbox-it-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("apps.toml");
    std::fs::write(
        &config,
        "[[apps]]\nname = \"From file\"\nkey = \"0123456789abcdef0123456789abcdef\"\n\
         allowed_origins = [\"http://localhost:8080\", \"http://127.0.0.1:8080\"]\n\
         [oauth2]\nredirect_uris = [\"http://127.0.0.1:9000/cb\"]\n",
    )
    .unwrap();
    let mut child = binary()
        .args(["--port", "0", "--tls", "--config"])
        .arg(&config)
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&line).expect("first line is JSON");
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 7, "{keys:?}");
    for k in [
        "api_base",
        "auth_base",
        "ca_file",
        "app",
        "member",
        "token",
        "oauth2",
    ] {
        assert!(keys.contains(&k), "{k}");
    }
    // SPEC S8: the two OAuth 2.0 clients, with the config file's redirect URIs.
    let oauth2 = &v["oauth2"];
    assert!(oauth2["client_secret"].as_str().unwrap().starts_with("ATO"));
    assert!(!oauth2["public_client_id"].as_str().unwrap().is_empty());
    assert_ne!(oauth2["client_id"], oauth2["public_client_id"]);
    assert_eq!(
        oauth2["redirect_uris"],
        serde_json::json!(["http://127.0.0.1:9000/cb"])
    );
    assert_eq!(v["app"]["key"], "0123456789abcdef0123456789abcdef");
    assert_eq!(v["app"]["secret"].as_str().unwrap().len(), 64);
    assert!(v["app"]["allowed_origins"]
        .as_array()
        .unwrap()
        .contains(&"http://localhost:8080".into()));
    assert_eq!(v["member"]["id"].as_str().unwrap().len(), 24);
    let ca_file = v["ca_file"].as_str().unwrap().to_owned();
    let pem = std::fs::read_to_string(&ca_file).unwrap();
    let base = v["api_base"].as_str().unwrap().to_owned();
    let (key, token) = (
        v["app"]["key"].as_str().unwrap().to_owned(),
        v["token"].as_str().unwrap().to_owned(),
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let r = runtime.block_on(client::send(
        &base,
        Some(&pem),
        Req::get("/1/members/me").auth(&key, &token),
    ));
    assert_eq!(r.status, 200, "{}", r.body);
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(child.wait().unwrap().success());
    assert!(
        !std::path::Path::new(&ca_file).exists(),
        "the temporary CA file is removed"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn binary_without_tls_reports_a_null_ca_file() {
    let mut child = binary().stdout(Stdio::piped()).spawn().expect("spawn");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&line).expect("JSON");
    assert!(v["ca_file"].is_null());
    assert!(v["api_base"]
        .as_str()
        .unwrap()
        .starts_with("http://127.0.0.1:"));
    assert_eq!(v["api_base"], v["auth_base"]);
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert!(child.wait().unwrap().success());
}

#[tokio::test]
async fn http2_over_tls_by_alpn() {
    // DESIGN: the hyper transport speaks HTTP/1.1 and HTTP/2; the sandbox serves both.
    let sb = Sandbox::builder().tls(true).start().await.expect("sandbox");
    let tcp = tokio::net::TcpStream::connect(authority(sb.api_base()))
        .await
        .unwrap();
    let mut config = (*client::tls_client_config(sb.ca_pem().unwrap())).clone();
    config.alpn_protocols = vec![b"h2".to_vec()];
    let tls = tokio_rustls::TlsConnector::from(std::sync::Arc::new(config))
        .connect(
            rustls::pki_types::ServerName::try_from("localhost").unwrap(),
            tcp,
        )
        .await
        .unwrap();
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
    let (mut sender, conn) = hyper::client::conn::http2::handshake(
        hyper_util::rt::TokioExecutor::new(),
        hyper_util::rt::TokioIo::new(tls),
    )
    .await
    .unwrap();
    tokio::spawn(conn);
    let req = http::Request::get(format!("{}/1/members/me", sb.api_base()))
        .header(
            "authorization",
            format!(
                "OAuth oauth_consumer_key=\"{}\", oauth_token=\"{}\"",
                sb.app().key,
                sb.token()
            ),
        )
        .body(http_body_util::Empty::<bytes::Bytes>::new())
        .unwrap();
    let resp = sender.send_request(req).await.unwrap();
    assert_eq!(resp.version(), http::Version::HTTP_2);
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn debug_output_shows_no_credentials() {
    let sb = Sandbox::builder().start().await.expect("sandbox");
    let shown = format!("{sb:?}");
    assert!(!shown.contains(sb.token()), "{shown}");
    assert!(!shown.contains(&sb.app().secret), "{shown}");
}
