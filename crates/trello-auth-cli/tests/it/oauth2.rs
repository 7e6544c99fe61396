//! `trello-auth login --mode oauth2`, `token`, `status` and `logout` for an OAuth 2.0 profile
//! (SPEC S8), the binary against the TLS sandbox: `token` refreshes and stores the rotation
//! before printing, `status` shows scopes and the access token's expiry, `logout` forgets, and
//! no token or secret shows in any output but `token`'s stdout, or in config.toml.

use trello_auth_sandbox::OAuth2Client;
use trello_auth_tests::browser;

use crate::harness::{Cli, Output, SandboxRig};

fn expire_access_token(cli: &Cli) {
    let path = cli.config_dir().join("config.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let edited: String = text
        .lines()
        .map(|l| {
            if l.starts_with("expires = ") {
                "expires = \"2001-02-03T04:05:06Z\"\n".to_owned()
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    assert_ne!(edited, text);
    std::fs::write(&path, edited).unwrap();
}

#[test]
fn oauth2_login_token_status_logout() {
    let rig = SandboxRig::new();
    let client = OAuth2Client::confidential("CLI OAuth2")
        .with_redirect_uris([format!("http://127.0.0.1:{}/callback", rig.port)]);
    let (client_id, secret) = (
        client.client_id.clone(),
        client.client_secret.clone().unwrap(),
    );
    rig.sb.admin().register_oauth2_client(client).unwrap();
    let ca = rig.ca_file.to_str().unwrap().to_owned();
    let cli = Cli::new()
        .env("TRELLO_CLIENT_SECRET", &secret)
        .env("TRELLO_AUTH_CA_FILE", &ca);
    let port = rig.port.to_string();
    let started = cli.start(&[
        "login",
        "--mode",
        "oauth2",
        "--client-id",
        &client_id,
        "--auth-base",
        rig.sb.auth_base(),
        "--api-base",
        rig.sb.api_base(),
        "--ca-file",
        &ca,
        "--port",
        &port,
        "--store",
        "file",
        "--scope",
        "read:board:trello",
    ]);
    let location = browser::press(&rig.browser, &started.url, "Allow").expect("consent");
    assert!(location.contains("/callback?"), "{location}");
    let landed = trello_auth_core::BlockingTransport::send(
        &rig.browser,
        http::Request::get(location.as_str())
            .body(Vec::new())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(landed.status(), 200);
    let login = started.finish();
    assert_eq!(login.code, 0, "{login:?}");
    assert!(
        login.stdout.contains("Logged in with OAuth 2.0"),
        "{login:?}"
    );

    let first = cli.run(&["token"]);
    assert_eq!(first.code, 0, "{first:?}");
    let first_token = first.stdout.trim().to_owned();
    let status = cli.run(&["status"]);
    assert_eq!(status.code, 0, "{status:?}");
    assert!(status.stdout.contains("read:board:trello"), "{status:?}");
    assert!(status.stdout.contains("access token expires"), "{status:?}");

    // Under a minute left: `token` refreshes, stores the rotation, then prints.
    expire_access_token(&cli);
    let second = cli.run(&["token"]);
    assert_eq!(second.code, 0, "{second:?}");
    let second_token = second.stdout.trim().to_owned();
    assert_ne!(second_token, first_token);
    let again = cli.run(&["token"]);
    assert_eq!(
        again.stdout.trim(),
        second_token,
        "stored, not refreshed twice"
    );
    // And once more: only the NEW refresh token can do this.
    expire_access_token(&cli);
    let third = cli.run(&["token"]);
    assert_eq!(third.code, 0, "{third:?}");
    let json = cli.run(&["status", "--json"]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["valid"], true, "{json:?}");
    assert_eq!(value["mode"], "oauth2");
    assert!(value["expires"].is_string());

    // Canary: no token, refresh token or client secret in any other output or config.toml.
    let credentials = std::fs::read_to_string(cli.config_dir().join("credentials.toml")).unwrap();
    let refresh = credentials
        .lines()
        .find_map(|l| l.strip_prefix("refresh_token = "))
        .unwrap()
        .trim_matches('"')
        .to_owned();
    let config = std::fs::read_to_string(cli.config_dir().join("config.toml")).unwrap();
    let outputs: Vec<&Output> = vec![&login, &status, &json];
    for secret in [&first_token, &second_token, &refresh, &secret] {
        assert!(!config.contains(secret.as_str()));
        for out in &outputs {
            assert!(!out.stdout.contains(secret.as_str()), "{out:?}");
            assert!(!out.stderr.contains(secret.as_str()), "{out:?}");
        }
        cli.assert_token_only_in_private_files(secret);
    }

    let logout = cli.run(&["logout"]);
    assert_eq!(logout.code, 0, "{logout:?}");
    assert!(
        logout.stdout.contains("no revocation endpoint"),
        "{logout:?}"
    );
    assert_eq!(cli.run(&["status"]).code, 2);
}
