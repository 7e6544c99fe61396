//! HMAC-SHA1 request signing (RFC 5849 §3.4, SPEC S6): the credential types [`Consumer`] and
//! [`TokenCredentials`], the precomputed [`Signer`], its inputs [`OAuthParams`] and its output
//! [`Signature`].
//!
//! One file per stage, as aws-sigv4 lays out its signer: `params` collects and sorts the
//! parameters (RFC 5849 §3.4.1.3), `base_string` writes the signature base string (§3.4.1.1),
//! `signature` keys and computes the HMAC-SHA1 (§3.4.2), `header` writes the `Authorization`
//! header (§3.5.1), and `credentials` holds what the key is made of. This file holds the
//! entry points, which run the stages in that order.
//!
//! Speed comes from doing each thing once: the HMAC key schedule and the credential parts of
//! base string and header are computed once per [`Signer`] (the keyed HMAC is cloned per
//! signature); each request parameter is decoded and encoded in one pass into one scratch
//! buffer, sorted by span, and copied into one pre-sized buffer that holds base string,
//! signature and header.

use std::fmt;

use hmac::Hmac;
use http::header::AUTHORIZATION;
use http::{Method, Uri};
use sha1::Sha1;

use super::encode::encode_into;
use super::OAuthError;

mod base_string;
mod credentials;
mod header;
mod params;
mod signature;

use base_string::{Digits, Target};
use credentials::Prefix;
use params::{form_body, Found, Fragments, ParamList};
use signature::Redacted;

pub use credentials::{Consumer, TokenCredentials};
pub use params::OAuthParams;
pub use signature::Signature;

/// Signs requests for one consumer and, optionally, one token, with HMAC-SHA1 (RFC 5849
/// §3.4.2). Build it once and reuse it: [`Signer::new`] computes the HMAC key schedule, which
/// every signature then clones.
///
/// ```
/// use trello_auth_core::oauth1::{Consumer, OAuthParams, Signer, TokenCredentials};
/// use trello_auth_core::{AppSecret, Token, TokenSecret};
///
/// // OAuth Core 1.0 Appendix A.5.
/// let consumer = Consumer::new("dpf43f3p2l4k3l03", AppSecret::new("kd94hf93k423kf44")?);
/// let token = TokenCredentials::new(Token::new("nnch734d00sl2jdk")?, TokenSecret::new("pfkkdhi9sl3r4s00"));
/// let signer = Signer::new(&consumer, Some(&token));
/// let request = http::Request::get("http://photos.example.net/photos?file=vacation.jpg&size=original")
///     .body(Vec::new())?;
/// let request = signer.authorize(request, &OAuthParams::new("kllo9940pd9333jh", 1191242096))?;
/// assert_eq!(
///     request.headers()["authorization"],
///     "OAuth oauth_consumer_key=\"dpf43f3p2l4k3l03\", oauth_nonce=\"kllo9940pd9333jh\", \
///      oauth_signature=\"tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D\", oauth_signature_method=\"HMAC-SHA1\", \
///      oauth_timestamp=\"1191242096\", oauth_token=\"nnch734d00sl2jdk\", oauth_version=\"1.0\"",
/// );
/// assert!(request.headers()["authorization"].is_sensitive());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Security
/// `Debug` shows the consumer key's first four characters and whether there is a token,
/// nothing else. The encoded token is zeroized on drop; the HMAC state derived from the
/// secrets is not (the `hmac` crate offers no zeroizing).
#[derive(Clone)]
pub struct Signer {
    /// `oauth_consumer_key`, encoded, for `Debug`.
    consumer_key: String,
    /// Whether there is an `oauth_token`, for `Debug`.
    has_token: bool,
    /// The parts of the base string that only depend on the credentials, encoded ahead:
    /// signing copies them whole.
    base_fragments: Fragments,
    /// The same for the header.
    header_fragments: Fragments,
    /// Keyed with `enc(consumer_secret)&enc(token_secret)`, never updated: cloned per use.
    mac: Hmac<Sha1>,
}

impl Signer {
    /// The consumer key, percent-encoded (an identity for rate budgets).
    pub(crate) fn consumer_key(&self) -> &str {
        &self.consumer_key
    }

    /// A signer for `consumer`, with `token` for API calls or none for the request-token step.
    pub fn new(consumer: &Consumer, token: Option<&TokenCredentials>) -> Self {
        Self::from_parts(
            consumer.key(),
            consumer.secret().expose_secret(),
            token.map(|t| (t.token().expose_secret(), t.secret().expose_secret())),
        )
    }

    /// A signer for the access-token step (SPEC S6), keyed with the request token and its
    /// secret. Request tokens are often 32 hex, which [`Token::new`] refuses as a key.
    ///
    /// [`Token::new`]: crate::Token::new
    pub fn with_request_token(consumer: &Consumer, request_token: &super::RequestToken) -> Self {
        Self::from_parts(
            consumer.key(),
            consumer.secret().expose_secret(),
            Some((
                request_token.expose_token(),
                request_token.secret().expose_secret(),
            )),
        )
    }

    /// A signer from raw parts: the flow signs with a request token that need not pass
    /// [`Token::new`], and the vector tests sign with any token.
    ///
    /// [`Token::new`]: crate::Token::new
    pub(crate) fn from_parts(
        consumer_key: &str,
        consumer_secret: &str,
        token: Option<(&str, &str)>,
    ) -> Self {
        let mut encoded_key = String::with_capacity(consumer_key.len());
        encode_into(&mut encoded_key, consumer_key.as_bytes());
        let token_only = token.map(|(token, _)| token);
        Self {
            consumer_key: encoded_key,
            has_token: token.is_some(),
            base_fragments: base_string::fragments(consumer_key, token_only),
            header_fragments: header::fragments(consumer_key, token_only),
            mac: signature::keyed_mac(consumer_secret, token.map(|(_, secret)| secret)),
        }
    }

    /// Signs `request` (RFC 5849 §3.4): its query and, when its content type is
    /// `application/x-www-form-urlencoded`, its form body are part of the signature; any other
    /// body is not, and no `oauth_body_hash` is sent (SPEC S6).
    ///
    /// Refuses ([`OAuthError::InvalidRequest`]) a URL that is not absolute `http(s)`, an empty
    /// nonce and a form body that is not UTF-8; refuses ([`OAuthError::CredentialsPresent`]) a
    /// query or form body that already carries `oauth_*` parameters (RFC 5849 §3.5).
    ///
    /// ```
    /// use trello_auth_core::oauth1::{Consumer, OAuthParams, Signer, TokenCredentials};
    /// use trello_auth_core::{AppSecret, Token, TokenSecret};
    ///
    /// // RFC 5849 §1.2: no oauth_version in this example.
    /// let consumer = Consumer::new("dpf43f3p2l4k3l03", AppSecret::new("kd94hf93k423kf44")?);
    /// let token = TokenCredentials::new(Token::new("nnch734d00sl2jdk")?, TokenSecret::new("pfkkdhi9sl3r4s00"));
    /// let request = http::Request::get("http://photos.example.net/photos?file=vacation.jpg&size=original")
    ///     .body(Vec::new())?;
    /// let params = OAuthParams { include_version: false, ..OAuthParams::new("chapoH", 137131202) };
    /// let signature = Signer::new(&consumer, Some(&token)).sign(&request, &params)?;
    /// assert_eq!(signature.signature(), "MdpQcU8iPSUjWoN/UDMsK2sui9I=");
    /// assert_eq!(
    ///     signature.base_string(),
    ///     "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26\
    ///      oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH%26\
    ///      oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202%26\
    ///      oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal",
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sign<B: AsRef<[u8]>>(
        &self,
        request: &http::Request<B>,
        params: &OAuthParams<'_>,
    ) -> Result<Signature, OAuthError> {
        let body = form_body(request.headers(), request.body().as_ref());
        self.sign_parts(request.method(), request.uri(), body, params)
            .map(|(signature, _)| signature)
    }

    /// Signs `request` and sets its `Authorization` header (marked sensitive) to the signed
    /// `OAuth …` value (RFC 5849 §3.5.1).
    ///
    /// Besides what [`Signer::sign`] refuses, refuses ([`OAuthError::CredentialsPresent`]) a
    /// request that already has an `Authorization` header or carries `key` or `token` in its
    /// query or form body (SPEC S3.4: never send two sets of credentials). On error the request
    /// is dropped, never half-signed. Plain `http://` is not refused: OAuth 1.0a sends no
    /// secret, and its nonce and signature stop replay and tampering (RFC 5849 §4).
    pub fn authorize<B: AsRef<[u8]>>(
        &self,
        mut request: http::Request<B>,
        params: &OAuthParams<'_>,
    ) -> Result<http::Request<B>, OAuthError> {
        if request.headers().contains_key(AUTHORIZATION) {
            return Err(OAuthError::CredentialsPresent);
        }
        let body = form_body(request.headers(), request.body().as_ref());
        let (signature, found) = self.sign_parts(request.method(), request.uri(), body, params)?;
        if found.placement {
            return Err(OAuthError::CredentialsPresent);
        }
        let value = header::sensitive_value(signature.authorization())?;
        request.headers_mut().insert(AUTHORIZATION, value);
        Ok(request)
    }

    /// Runs the stages into one buffer: parameters (collected and sorted first, as they must
    /// be sorted before they are written), base string (RFC 5849 §3.4.1), its HMAC-SHA1, and
    /// the header.
    fn sign_parts(
        &self,
        method: &Method,
        uri: &Uri,
        form_body: Option<&[u8]>,
        params: &OAuthParams<'_>,
    ) -> Result<(Signature, Found), OAuthError> {
        if params.nonce.is_empty() {
            return Err(OAuthError::InvalidRequest {
                reason: "the nonce is empty; pass a fresh random string",
            });
        }
        let target = Target::new(uri);
        let query = uri.query().unwrap_or("").as_bytes();
        let body = form_body.unwrap_or(&[]);
        let (list, found) = ParamList::collect(query, body)?;

        // Sized for base string, signature and header so that it is allocated once; kept
        // under glibc's 1032-byte fast-path size for usual requests (larger is much slower).
        let oauth_len = params.nonce.len()
            + params.callback.map_or(0, str::len)
            + params.verifier.map_or(0, str::len);
        let credentials_len = self.base_fragments.byte_len() + self.header_fragments.byte_len();
        let mut text = Vec::with_capacity(
            list.buf.len()
                + 3 * (list.spans.len() + target.raw_len())
                + credentials_len
                + 6 * oauth_len
                + 256,
        );
        let timestamp = Digits::new(params.timestamp);
        base_string::write(
            &mut text,
            method,
            &target,
            &list,
            &self.base_fragments,
            params,
            timestamp.as_bytes(),
        )?;
        let base_end = text.len();

        let digest = signature::digest(&self.mac, &text);
        text.extend_from_slice(&digest);
        let signature_end = text.len();

        header::write(
            &mut text,
            &self.header_fragments,
            params,
            &digest,
            timestamp.as_bytes(),
        );
        Ok((Signature::new(text, base_end, signature_end), found))
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("consumer_key", &Prefix(&self.consumer_key))
            .field("token", &self.has_token.then_some(Redacted))
            .finish_non_exhaustive()
    }
}

/// Signs one request with a throwaway [`Signer`]; build a [`Signer`] to sign many.
///
/// ```
/// use trello_auth_core::oauth1::{sign, Consumer, OAuthParams};
/// use trello_auth_core::AppSecret;
/// let consumer = Consumer::new("0123456789abcdef0123456789abcdef", AppSecret::new("s3cr3t")?);
/// let request = http::Request::post("https://trello.com/1/OAuthGetRequestToken").body(Vec::new())?;
/// let params = OAuthParams { callback: Some("oob"), ..OAuthParams::new("n0nce", 1714567000) };
/// let signature = sign(&consumer, None, &request, &params)?;
/// assert_eq!(signature.param("oauth_callback").as_deref(), Some("oob"));
/// assert!(signature.param("oauth_token").is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sign<B: AsRef<[u8]>>(
    consumer: &Consumer,
    token: Option<&TokenCredentials>,
    request: &http::Request<B>,
    params: &OAuthParams<'_>,
) -> Result<Signature, OAuthError> {
    Signer::new(consumer, token).sign(request, params)
}

#[cfg(test)]
mod tests;
