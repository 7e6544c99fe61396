//! `trello-auth demo` (what `cargo xtask demo` runs): every step behaves as Trello does, and
//! no key, token, secret or code is printed in full.

use crate::harness::Cli;

#[test]
fn the_demo_walks_every_step_and_shows_no_secret_in_full() {
    let out = Cli::new().run(&["demo"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(!out.stdout.contains("FAILED"), "{}", out.stdout);
    assert!(
        out.stdout.contains("every step behaved as Trello does"),
        "{}",
        out.stdout
    );
    for step in [
        "OAuth 1.0a three-legged flow",
        "the signed delivery verified",
        "verified: HMAC-SHA1 of the raw body and the registered URL",
        "410 deleted the webhook",
        "OAuth 2.0 (SPEC S8)",
        "refresh token rotated",
        "the whole grant died",
        "A rate-limited burst",
        // `cargo xtask test` installs redis-server, so the fleet step runs.
        "one RedisBudget for all four",
        "the fleet stayed within the key's budget",
    ] {
        assert!(out.stdout.contains(step), "no {step:?} in:\n{}", out.stdout);
    }
    // Values are shown as `ATTA…E0E9 (76 chars)`: no run of 32 or more token characters.
    for word in out.stdout.split(|c: char| !c.is_ascii_alphanumeric()) {
        assert!(word.len() < 32, "a long value in the output: {word}");
    }
}

#[test]
fn without_redis_server_the_fleet_step_says_it_is_skipped() {
    let out = Cli::new()
        .env("REDIS_SERVER", "/nonexistent/redis-server")
        .run(&["demo"]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(
            "skipped: no redis-server on this machine (Debian: apt-get install redis-server)"
        ),
        "{}",
        out.stdout
    );
}
