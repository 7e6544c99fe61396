//! The redacted request log.

use super::*;

#[test]
fn query_and_token_path_are_redacted() {
    let t = "ATTAabc";
    let r = redact_path_and_query(
        &format!("/1/tokens/{t}/member"),
        Some("key=k1&fields=id&token=ATTAabc&oauth_nonce=n"),
    );
    assert_eq!(
        r,
        "/1/tokens/[redacted]/member?key=[redacted]&fields=id&token=[redacted]&oauth_nonce=[redacted]"
    );
    assert!(!r.contains(t));
}

#[test]
fn header_and_bodies_are_redacted() {
    let h = redact_authorization("OAuth oauth_consumer_key=\"k\", oauth_token=\"t\"");
    assert_eq!(
        h,
        "OAuth oauth_consumer_key=\"[redacted]\", oauth_token=\"[redacted]\""
    );
    let j = redact_body(br#"{"key":"k","token":"t","value":"v"}"#, true);
    assert!(j.contains("\"value\":\"v\"") && !j.contains("\"t\""));
    assert_eq!(
        redact_body(b"key=k&value=v", false),
        "key=[redacted]&value=v"
    );
    assert_eq!(redact_body(&[0xff, 0xfe], false), "[2 bytes]");
}
