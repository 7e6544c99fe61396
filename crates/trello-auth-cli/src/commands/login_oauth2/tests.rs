//! `--scope` for OAuth 2.0, and what the summary of an OAuth 2.0 profile shows: the client,
//! the scopes, the access token's expiry, never a token.

use time::OffsetDateTime;
use trello_auth_core::oauth2::{AccessToken, RefreshToken, Scope, TokenSet};
use trello_auth_login::StoreKind;

use super::{oauth2_summary, parse_scopes};
use crate::output::Summary;

#[test]
fn scopes_are_trello_oauth2_names() {
    assert_eq!(
        parse_scopes("read:board:trello, write:board:trello offline_access").unwrap(),
        [Scope::ReadBoard, Scope::WriteBoard]
    );
    let unknown = parse_scopes("read,write").unwrap_err();
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.message.contains("read:board:trello"),
        "{}",
        unknown.message
    );
    assert_eq!(parse_scopes("offline_access").unwrap_err().code, 2);
}

#[test]
fn an_oauth2_summary_shows_scopes_and_expiry_and_no_token() {
    let tokens = TokenSet::new(
        AccessToken::new("ACCESSCANARY").unwrap(),
        Some(RefreshToken::new("REFRESHCANARY").unwrap()),
        Some(1_900_000_000),
        vec!["read:board:trello".into(), "offline_access".into()],
    );
    let summary = Summary {
        profile: "work",
        member_id: Some("m1"),
        username: Some("ada"),
        scopes: tokens.scopes(),
        expires: OffsetDateTime::from_unix_timestamp(1_900_000_000).ok(),
        store: StoreKind::File,
        oauth2: Some(oauth2_summary("client-1", &tokens)),
    };
    let json = summary.json();
    assert_eq!(json["mode"], "oauth2");
    assert_eq!(json["client_id"], "client-1");
    assert_eq!(json["refreshable"], true);
    assert_eq!(json["expires"], "2030-03-17T17:46:40Z");
    assert_eq!(json["scopes"][0], "read:board:trello");
    let lines = summary.lines();
    let row = |name: &str| {
        lines
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(row("access token expires").unwrap(), "2030-03-17T17:46:40Z");
    assert_eq!(row("client id").unwrap(), "client-1");
    assert!(row("scopes").unwrap().contains("read:board:trello"));
    let shown = format!("{json} {lines:?}");
    assert!(!shown.contains("CANARY"), "{shown}");
}
