//! [`Pkce`]: the code verifier and its S256 challenge (SPEC S8.2, RFC 7636 §4.1–§4.2). The
//! random bytes are an argument: the core has no randomness.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::error::OAuth2Error;
use super::secrets::CodeVerifier;

/// A PKCE pair: the secret verifier (kept until the code exchange) and its public challenge
/// (sent in the authorization request).
///
/// ```
/// use trello_auth_core::oauth2::Pkce;
/// // RFC 7636 Appendix B.
/// let pkce = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")?;
/// assert_eq!(pkce.challenge(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
/// // The usual choice: 32 random bytes (from the caller's CSPRNG).
/// let pkce = Pkce::from_random([7; 32]);
/// assert_eq!(pkce.verifier().expose_secret().len(), 43);
/// assert_eq!(format!("{:?}", pkce.verifier()), "CodeVerifier([redacted])");
/// # Ok::<(), trello_auth_core::oauth2::OAuth2Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pkce {
    verifier: CodeVerifier,
    challenge: String,
}

impl Pkce {
    /// The verifier is `bytes` in base64url without padding (43 characters). Pass 32 bytes
    /// from a cryptographically secure generator.
    pub fn from_random(bytes: [u8; 32]) -> Self {
        // 32 bytes are 43 base64url characters, all in the verifier alphabet.
        let verifier = CodeVerifier::new(URL_SAFE_NO_PAD.encode(bytes))
            .expect("43 base64url characters are a verifier");
        Self::with(verifier)
    }

    /// Uses a given verifier: 43–128 characters of `[A-Za-z0-9-._~]`, else `invalid_verifier`.
    pub fn from_verifier(verifier: &str) -> Result<Self, OAuth2Error> {
        CodeVerifier::new(verifier).map(Self::with)
    }

    /// The pair of an existing verifier.
    pub fn with(verifier: CodeVerifier) -> Self {
        let digest = Sha256::digest(verifier.expose_secret().as_bytes());
        Self {
            challenge: URL_SAFE_NO_PAD.encode(digest),
            verifier,
        }
    }

    /// The S256 challenge: base64url without padding of SHA-256 over the verifier's ASCII.
    pub fn challenge(&self) -> &str {
        &self.challenge
    }

    /// The verifier, sent with the code exchange only.
    pub fn verifier(&self) -> &CodeVerifier {
        &self.verifier
    }
}
