//! The `trello-auth` binary as a user runs it: its exit codes, its output, and that no token
//! ever reaches stdout or stderr (but for `token`), config.toml or a file others can read;
//! and `login --sandbox` in headless Chromium.

mod browser;
mod demo;
mod harness;
mod oauth2;

use harness::{Cli, SandboxRig};

#[test]
fn origin_prints_exactly_the_origin_to_register() {
    let out = Cli::new().run(&["origin", "--port", "9999"]);
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, "http://127.0.0.1:9999\n");
    assert_eq!(
        Cli::new().run(&["origin"]).stdout,
        "http://127.0.0.1:8080\n"
    );
    let zero = Cli::new().run(&["origin", "--port", "0"]);
    assert_eq!(zero.code, 2);
    assert!(zero.stderr.contains("invalid port 0"), "{}", zero.stderr);
}

#[test]
fn login_without_a_key_says_where_to_get_one() {
    let out = Cli::new()
        .env_remove("TRELLO_API_KEY")
        .run(&["login", "--no-browser"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--key"), "{}", out.stderr);
    assert!(out.stderr.contains("--sandbox"), "{}", out.stderr);
    let bad = Cli::new().run(&["login", "--mode", "carrier-pigeon"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("unknown mode"), "{}", bad.stderr);
}

#[test]
fn status_token_and_logout_with_nothing_stored() {
    let cli = Cli::new();
    let status = cli.run(&["status", "--json"]);
    assert_eq!(status.code, 2, "{}", status.stderr);
    let value: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(value["stored"], false);
    assert_eq!(cli.run(&["token"]).code, 2);
    assert_eq!(cli.run(&["logout"]).code, 1);
}

#[test]
fn a_whole_session_login_status_token_logout() {
    let rig = SandboxRig::new();
    let cli = rig.cli();
    let login = cli.login(&rig, &["--json", "--scope", "read,write"], "Allow");
    assert_eq!(login.code, 0, "{}", login.stderr);
    assert!(login
        .stderr
        .contains("Waiting for you to approve in the browser... Ctrl-C to cancel"));
    let value: serde_json::Value = serde_json::from_str(&login.stdout).unwrap();
    assert_eq!(value["profile"], "default");
    assert_eq!(value["member"]["id"], rig.sb.member().id);
    assert_eq!(value["member"]["username"], rig.sb.member().username);
    assert_eq!(value["scopes"], serde_json::json!(["read", "write"]));
    assert!(value["expires"].as_str().is_some_and(|e| e.ends_with('Z')));
    assert_eq!(value["store"], "file");
    assert!(value.get("token").is_none());

    let status = cli.run(&["status"]);
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert!(
        status.stdout.contains("status   valid"),
        "{}",
        status.stdout
    );

    let token = cli.run(&["token"]);
    assert_eq!(token.code, 0);
    let token = token.stdout.trim().to_owned();
    assert!(token.starts_with("ATTA"));
    // The canary: the token appears in no other output and in no file others may read.
    for out in [&login, &status] {
        assert!(!out.stdout.contains(&token) && !out.stderr.contains(&token));
    }
    cli.assert_token_only_in_private_files(&token);

    let logout = cli.run(&["logout", "--json"]);
    assert_eq!(logout.code, 0, "{}", logout.stderr);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&logout.stdout).unwrap(),
        serde_json::json!({ "profile": "default", "revoked": true, "forgotten": true })
    );
    assert!(!logout.stdout.contains(&token) && !logout.stderr.contains(&token));
    assert_eq!(cli.run(&["status"]).code, 2);
    assert!(rig
        .sb
        .admin()
        .requests()
        .iter()
        .any(|r| r.method == "DELETE"));
}

#[test]
fn status_exits_1_for_a_token_revoked_elsewhere() {
    let rig = SandboxRig::new();
    let cli = rig.cli();
    assert_eq!(cli.login(&rig, &[], "Allow").code, 0);
    let token = cli.run(&["token"]).stdout.trim().to_owned();
    assert!(rig.sb.admin().revoke_token(&token));
    let status = cli.run(&["status", "--json"]);
    assert_eq!(status.code, 1, "{}", status.stderr);
    let value: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(value["valid"], false);
    assert!(!status.stdout.contains(&token));
    // logout still forgets a token the server no longer knows.
    assert_eq!(cli.run(&["logout"]).code, 0);
}

#[test]
fn deny_exits_3_and_stores_nothing() {
    let rig = SandboxRig::new();
    let cli = rig.cli();
    let out = cli.login(&rig, &[], "Deny");
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("Deny"), "{}", out.stderr);
    assert_eq!(cli.run(&["status"]).code, 2);
}

#[test]
fn nobody_answering_exits_5() {
    let rig = SandboxRig::new();
    let out = rig.cli().login(&rig, &["--timeout", "1"], "");
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(out.stderr.contains("--timeout"), "{}", out.stderr);
}

#[test]
fn the_env_credentials_win_and_are_never_written() {
    let rig = SandboxRig::new();
    let cli = rig
        .cli()
        .env("TRELLO_API_KEY", &rig.app.key)
        .env("TRELLO_TOKEN", rig.sb.token())
        .env("TRELLO_API_BASE", rig.sb.api_base());
    let status = cli.run(&["status", "--json"]);
    assert_eq!(status.code, 0, "{}", status.stderr);
    let value: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(value["store"], "environment");
    assert_eq!(cli.run(&["token"]).stdout.trim(), rig.sb.token());
    assert!(std::fs::read_dir(cli.config_dir()).map_or(true, |mut d| d.next().is_none()));
}

#[test]
fn ctrl_c_cancels_a_waiting_login_with_130() {
    let rig = SandboxRig::new();
    let port = rig.port.to_string();
    let started = rig.cli().start(&[
        "login",
        "--key",
        &rig.app.key,
        "--auth-base",
        rig.sb.auth_base(),
        "--api-base",
        rig.sb.api_base(),
        "--port",
        &port,
    ]);
    // The URL line comes after the listener is up and the SIGINT handler is in place.
    let killed = std::process::Command::new("kill")
        .args(["-INT", &started.pid().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = started.finish();
    assert_eq!(out.code, 130, "{}", out.stderr);
    assert!(out.stderr.contains("cancelled"), "{}", out.stderr);
    assert_eq!(rig.cli().run(&["status"]).code, 2);
}

#[test]
fn store_keyring_without_a_keyring_is_a_configuration_error() {
    // This machine (like CI and most containers) has no Secret Service: `auto` falls back to
    // the 0600 file, an explicit `keyring` says what to do instead.
    let rig = SandboxRig::new();
    let cli = rig.cli().env_remove("DBUS_SESSION_BUS_ADDRESS");
    let port = rig.port.to_string();
    let out = cli.run(&[
        "login",
        "--key",
        &rig.app.key,
        "--api-base",
        rig.sb.api_base(),
        "--auth-base",
        rig.sb.auth_base(),
        "--port",
        &port,
        "--no-browser",
        "--store",
        "keyring",
        "--timeout",
        "1",
    ]);
    if out.code == 5 {
        // A machine with a working keyring: the login got as far as waiting for the user.
        return;
    }
    // Refused before the user was sent anywhere, with what to do instead.
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--store file"), "{}", out.stderr);
    assert!(!out.stderr.contains("Open this URL"), "{}", out.stderr);
}

#[test]
fn paste_mode_reads_a_piped_token_and_never_echoes_it() {
    let rig = SandboxRig::new();
    let cli = rig.cli();
    let token = rig.sb.token().to_owned();
    let out = cli.run_with_input(
        &[
            "login",
            "--key",
            &rig.app.key,
            "--auth-base",
            rig.sb.auth_base(),
            "--api-base",
            rig.sb.api_base(),
            "--ca-file",
            rig.ca_file.to_str().unwrap(),
            "--mode",
            "paste",
            "--no-browser",
            "--store",
            "file",
        ],
        &format!("{}\n{token}\n", rig.app.key),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The key pasted by mistake is named, then the token is taken.
    assert!(out.stderr.contains("That is not a token"), "{}", out.stderr);
    assert!(
        out.stderr.contains("Open this URL to log in"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("return_url"),
        "display mode: {}",
        out.stderr
    );
    assert!(!out.stdout.contains(&token) && !out.stderr.contains(&token));
    assert_eq!(cli.run(&["token"]).stdout.trim(), token);
}
