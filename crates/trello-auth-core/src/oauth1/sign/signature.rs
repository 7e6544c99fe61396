//! Stage three of signing, the signature (RFC 5849 §3.4.2): the HMAC-SHA1 key made of both
//! secrets, the base64 digest of the base string, and the [`Signature`] that holds base
//! string, digest and header.

use std::borrow::Cow;
use std::fmt;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use zeroize::Zeroizing;

use crate::oauth1::encode::encode_into;

/// The HMAC-SHA1 state keyed with `enc(consumer_secret)&enc(token_secret)`, the token secret
/// empty without a token. Computed once per signer, then cloned per signature.
pub(super) fn keyed_mac(consumer_secret: &str, token_secret: Option<&str>) -> Hmac<Sha1> {
    let mut key = Zeroizing::new(String::with_capacity(
        3 * (consumer_secret.len() + token_secret.map_or(0, str::len)) + 1,
    ));
    // RFC 5849 §3.4.2: the '&' is there even when a secret is empty.
    encode_into(&mut key, consumer_secret.as_bytes());
    key.push('&');
    if let Some(token_secret) = token_secret {
        encode_into(&mut key, token_secret.as_bytes());
    }
    Hmac::<Sha1>::new_from_slice(key.as_bytes())
        // Invariant: HMAC takes keys of any length; only fixed-size MACs refuse some.
        .expect("HMAC-SHA1 accepts a key of any length")
}

/// The base64 HMAC-SHA1 of `base_string` under `mac`'s key, `oauth_signature` before it is
/// encoded for the header.
pub(super) fn digest(mac: &Hmac<Sha1>, base_string: &[u8]) -> [u8; 28] {
    let mut mac = mac.clone();
    mac.update(base_string);
    let mut signature = [0u8; 28];
    BASE64
        .encode_slice(mac.finalize().into_bytes(), &mut signature)
        // Invariant: base64 of the 20-byte SHA-1 digest is exactly 28 bytes.
        .expect("28 bytes hold the base64 of a 20-byte digest");
    signature
}

/// A computed signature: the base string it covers, the base64 HMAC-SHA1, and the
/// `Authorization` header value that carries it.
///
/// # Security
/// The base string and the header carry `oauth_token`: `Debug` shows only the signature.
#[derive(Clone)]
pub struct Signature {
    /// ASCII: the base string (`..base_end`), the base64 signature (`..signature_end`), the
    /// header value.
    text: Vec<u8>,
    base_end: usize,
    signature_end: usize,
}

impl Signature {
    /// A signature from the signer's one buffer: the base string is `text[..base_end]`, the
    /// base64 digest `text[base_end..signature_end]`, the header value the rest.
    pub(super) fn new(text: Vec<u8>, base_end: usize, signature_end: usize) -> Self {
        Self {
            text,
            base_end,
            signature_end,
        }
    }

    /// The signature base string (RFC 5849 §3.4.1.1), to compare with the server's when a
    /// signature is refused. It contains `oauth_token`: do not log it.
    pub fn base_string(&self) -> &str {
        self.part(0, self.base_end)
    }

    /// The base64 HMAC-SHA1 digest, `oauth_signature` before encoding.
    pub fn signature(&self) -> &str {
        self.part(self.base_end, self.signature_end)
    }

    /// The whole `Authorization` header value, `OAuth oauth_consumer_key="…", …`. It contains
    /// `oauth_token`: do not log it.
    pub fn authorization(&self) -> &str {
        self.part(self.signature_end, self.text.len())
    }

    /// `text[from..to]` as text. The signer writes only ASCII there, so the checks always
    /// pass; they run here, on the part asked for, rather than on every signature.
    fn part(&self, from: usize, to: usize) -> &str {
        std::str::from_utf8(self.text.get(from..to).unwrap_or_default()).unwrap_or_default()
    }

    /// The protocol parameters sent in the header, decoded, in header order (alphabetical).
    ///
    /// ```
    /// # use trello_auth_core::oauth1::{sign, Consumer, OAuthParams};
    /// # use trello_auth_core::AppSecret;
    /// # let consumer = Consumer::new("key", AppSecret::new("secret")?);
    /// # let request = http::Request::get("https://api.trello.com/1/members/me").body(Vec::new())?;
    /// let signature = sign(&consumer, None, &request, &OAuthParams::new("n", 1))?;
    /// let names: Vec<_> = signature.params().map(|(name, _)| name).collect();
    /// assert_eq!(
    ///     names,
    ///     ["oauth_consumer_key", "oauth_nonce", "oauth_signature", "oauth_signature_method",
    ///      "oauth_timestamp", "oauth_version"],
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn params(&self) -> impl Iterator<Item = (&str, Cow<'_, str>)> + '_ {
        self.authorization()
            .strip_prefix("OAuth ")
            .unwrap_or_default()
            .split(", ")
            .filter_map(|pair| {
                let (name, value) = pair.split_once('=')?;
                let value = value.strip_prefix('"')?.strip_suffix('"')?;
                Some((
                    name,
                    percent_encoding::percent_decode_str(value).decode_utf8_lossy(),
                ))
            })
    }

    /// One decoded protocol parameter of the header, e.g. `oauth_signature`.
    pub fn param(&self, name: &str) -> Option<Cow<'_, str>> {
        self.params().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}

impl PartialEq for Signature {
    fn eq(&self, other: &Self) -> bool {
        self.base_string() == other.base_string() && self.authorization() == other.authorization()
    }
}

impl Eq for Signature {}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signature")
            .field("signature", &self.signature())
            .field("base_string", &Redacted)
            .field("authorization", &Redacted)
            .finish()
    }
}

/// Debug helper: `[redacted]`.
pub(super) struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests;
