//! Unit tests of `secret`.
use super::*;

const CANARY: &str = "ATTAcanary0000000000000000000000000000000000000000000000000000000000CANARY";

#[test]
fn secrets_debug_is_redacted() {
    let t = Token::new(CANARY).unwrap();
    assert_eq!(format!("{t:?}"), "Token([redacted])");
    let s = AppSecret::new(CANARY).unwrap();
    assert_eq!(format!("{s:#?}"), "AppSecret([redacted])");
    let ts = TokenSecret::new(CANARY);
    assert_eq!(format!("{ts:?}"), "TokenSecret([redacted])");
}

#[test]
fn token_errors_never_carry_the_value() {
    let err = Token::new("canary with space").unwrap_err();
    assert!(!err.to_string().contains("canary"), "{err}");
    assert!(!format!("{err:?}").contains("canary"));
}

#[test]
fn token_accepts_both_formats_and_trims() {
    let legacy = "0".repeat(64);
    assert_eq!(Token::new(legacy.clone()).unwrap().expose_secret(), legacy);
    let atta = format!("ATTA{}{}", "ab".repeat(32), "ABCDEF01");
    assert_eq!(
        Token::new(format!("  {atta}\n")).unwrap().expose_secret(),
        atta
    );
}

#[test]
fn key_is_not_a_secret_but_debug_is_short() {
    let k = ApiKey::new("0123456789abcdef0123456789abcdef").unwrap();
    assert_eq!(format!("{k:?}"), "ApiKey(0123…)");
    assert_eq!(
        ApiKey::new("0".repeat(64)).unwrap_err().code(),
        "invalid_key"
    );
}

#[test]
fn app_secret_refuses_key() {
    assert_eq!(
        AppSecret::new("0123456789abcdef0123456789abcdef")
            .unwrap_err()
            .code(),
        "key_as_secret"
    );
}
