//! The sandbox configuration file: what it sets, and that unknown fields are errors.

use super::*;

#[test]
fn parses_apps_members_and_limits() {
    let c = Config::from_toml(
        "body_limit = 10\n[rate_limits]\ntoken_max = 5\n\
         [[apps]]\nname = \"A\"\nallowed_origins = [\"https://*.example.com\"]\n\
         [[members]]\nusername = \"alice\"\n",
    )
    .unwrap();
    assert_eq!(c.apps[0].name, "A");
    assert_eq!(c.apps[0].allowed_origins, ["https://*.example.com"]);
    assert_eq!(c.members[0].username, "alice");
    assert_eq!(c.rate_limits.unwrap().token_max, 5);
    assert_eq!(c.rate_limits.unwrap().key_max, 300);
    assert_eq!(c.body_limit, Some(10));
}

#[test]
fn the_member_budget_needs_both_fields() {
    let c =
        Config::from_toml("[rate_limits]\nmember_max = 2\nmember_window_ms = 900000\n").unwrap();
    assert_eq!(
        c.rate_limits.unwrap().member,
        Some((2, Duration::from_secs(900)))
    );
    assert_eq!(
        Config::from_toml("[rate_limits]\ntoken_max = 5\n")
            .unwrap()
            .rate_limits
            .unwrap()
            .member,
        None
    );
    let err = Config::from_toml("[rate_limits]\nmember_max = 2\n").unwrap_err();
    assert!(err.to_string().contains("member_window_ms"), "{err}");
}

#[test]
fn unknown_fields_are_errors() {
    assert!(Config::from_toml("[[apps]]\nnmae = \"typo\"\n").is_err());
}
