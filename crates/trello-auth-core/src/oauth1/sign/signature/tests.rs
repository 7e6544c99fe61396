//! Tests of the signature stage (RFC 5849 §3.4.2): the digests of OAuth Core 1.0 Appendix
//! A.5.2 and RFC 5849 §1.2, the key made of both encoded secrets, reuse of a keyed signer, and
//! what a [`Signature`] shows.

use super::*;
use crate::oauth1::sign::tests::{get, signer};
use crate::oauth1::sign::{OAuthParams, Signer};

/// `digest` as text.
fn digest_of(consumer_secret: &str, token_secret: Option<&str>, base_string: &str) -> String {
    let digest = digest(
        &keyed_mac(consumer_secret, token_secret),
        base_string.as_bytes(),
    );
    String::from_utf8(digest.to_vec()).unwrap()
}

#[test]
fn oauth_core_a_5_2_digest() {
    let base_string = "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26\
        oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26\
        oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096%26\
        oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal";
    assert_eq!(
        digest_of("kd94hf93k423kf44", Some("pfkkdhi9sl3r4s00"), base_string),
        "tR3+Ty81lMeYAr/Fid0kMTYa/WM="
    );
}

#[test]
fn rfc5849_1_2_digest() {
    let base_string = "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26\
        oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH%26\
        oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202%26\
        oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal";
    assert_eq!(
        digest_of("kd94hf93k423kf44", Some("pfkkdhi9sl3r4s00"), base_string),
        "MdpQcU8iPSUjWoN/UDMsK2sui9I="
    );
}

#[test]
fn without_a_token_secret_the_key_still_ends_with_an_ampersand() {
    let mut mac = Hmac::<Sha1>::new_from_slice(b"cs&").unwrap();
    mac.update(b"base");
    let expected = BASE64.encode(mac.finalize().into_bytes());
    assert_eq!(digest_of("cs", None, "base"), expected);
    assert_eq!(digest_of("cs", Some(""), "base"), expected);
    // Both secrets empty: the key is "&".
    let mut mac = Hmac::<Sha1>::new_from_slice(b"&").unwrap();
    mac.update(b"base");
    assert_eq!(
        digest_of("", None, "base"),
        BASE64.encode(mac.finalize().into_bytes())
    );
}

#[test]
fn a_signature_shows_its_three_parts_and_debug_only_the_digest() {
    let signature = Signature::new(
        b"BASEdigestOAuth oauth_nonce=\"n%201\", oauth_signature=\"digest\"".to_vec(),
        4,
        10,
    );
    assert_eq!(signature.base_string(), "BASE");
    assert_eq!(signature.signature(), "digest");
    assert_eq!(
        signature.authorization(),
        "OAuth oauth_nonce=\"n%201\", oauth_signature=\"digest\""
    );
    assert_eq!(signature.param("oauth_nonce").as_deref(), Some("n 1"));
    assert_eq!(signature.params().count(), 2);
    assert_eq!(
        format!("{signature:?}"),
        "Signature { signature: \"digest\", base_string: [redacted], authorization: [redacted] }"
    );
}

#[test]
fn the_hmac_key_is_encoded_secrets_joined_by_ampersand() {
    // Secrets with reserved characters: the key is enc(cs)&enc(ts) (RFC 5849 §3.4.2).
    let s = Signer::from_parts("ck", "c&s ✓", Some(("t", "t+s")));
    let signature = s
        .sign(&get("https://a.example/"), &OAuthParams::new("n", 1))
        .unwrap();
    let mut mac = Hmac::<Sha1>::new_from_slice(b"c%26s%20%E2%9C%93&t%2Bs").unwrap();
    mac.update(signature.base_string().as_bytes());
    assert_eq!(
        signature.signature(),
        BASE64.encode(mac.finalize().into_bytes())
    );
}

#[test]
fn reusing_a_signer_gives_the_same_signature_as_a_fresh_one() {
    let s = signer();
    let r = get("https://a.example/x?b=2&a=1");
    let p = OAuthParams::new("n", 1);
    let first = s.sign(&r, &p).unwrap();
    let second = s.sign(&r, &p).unwrap();
    assert_eq!(first, second);
    assert_eq!(first, signer().sign(&r, &p).unwrap());
    let other = s.sign(&r, &OAuthParams::new("m", 1)).unwrap();
    assert_ne!(first.signature(), other.signature());
}
