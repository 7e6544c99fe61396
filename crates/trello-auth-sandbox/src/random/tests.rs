//! The generated values: token, key, secret and id shapes.

use super::*;

#[test]
fn token_has_trellos_current_shape() {
    let t = token();
    assert_eq!(t.len(), 76);
    assert!(t.starts_with("ATTA"));
    assert!(t[4..68]
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    assert!(t[68..]
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)));
    assert_ne!(token(), t);
}

#[test]
fn key_secret_id_lengths() {
    assert_eq!(api_key().len(), 32);
    assert_eq!(app_secret().len(), 64);
    assert_eq!(object_id().len(), 24);
}
