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
        "OAuth 2.0 (SPEC S8)",
        "refresh token rotated",
        "the whole grant died",
        "A rate-limited burst",
    ] {
        assert!(out.stdout.contains(step), "no {step:?} in:\n{}", out.stdout);
    }
    // Values are shown as `ATTA…E0E9 (76 chars)`: no run of 32 or more token characters.
    for word in out.stdout.split(|c: char| !c.is_ascii_alphanumeric()) {
        assert!(word.len() < 32, "a long value in the output: {word}");
    }
}
