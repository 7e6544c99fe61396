//! HMAC-SHA1 request signing (RFC 5849 §3.4, SPEC S6): the credential types [`Consumer`] and
//! [`TokenCredentials`], the precomputed [`Signer`], its inputs [`OAuthParams`] and its output
//! [`Signature`].
//!
//! Speed comes from doing each thing once: the HMAC key schedule and the credential parts of
//! base string and header are computed once per [`Signer`] (the keyed HMAC is cloned per
//! signature); each request parameter is decoded and encoded in one pass into one scratch
//! buffer, sorted by span, and copied into one pre-sized buffer that holds base string,
//! signature and header.

use std::borrow::Cow;
use std::fmt;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderMap, HeaderValue, Method, Uri};
use sha1::Sha1;
use zeroize::Zeroizing;

use super::encode::{encode_bytes, encode_into, reencode_form_pair, Times};
use super::OAuthError;
use crate::secret::{AppSecret, Token, TokenSecret};

/// An OAuth 1.0a consumer: the app's key (the Trello API key) and its secret (SPEC S6).
///
/// The key is a plain string, as RFC 5849 examples use keys that are not 32 hex; the secret
/// is an [`AppSecret`].
///
/// ```
/// use trello_auth_core::{oauth1::Consumer, AppSecret};
/// let consumer = Consumer::new("dpf43f3p2l4k3l03", AppSecret::new("kd94hf93k423kf44")?);
/// assert_eq!(consumer.key(), "dpf43f3p2l4k3l03");
/// assert_eq!(format!("{consumer:?}"), "Consumer { key: \"dpf4…\", secret: AppSecret([redacted]) }");
/// # Ok::<(), trello_auth_core::ConfigError>(())
/// ```
///
/// # Security
/// `Debug` shows the key's first four characters and never the secret.
#[derive(Clone)]
pub struct Consumer {
    key: String,
    secret: AppSecret,
}

impl Consumer {
    /// A consumer with `key` (sent as `oauth_consumer_key`) and `secret` (half of the HMAC key).
    pub fn new(key: impl Into<String>, secret: AppSecret) -> Self {
        Self {
            key: key.into(),
            secret,
        }
    }

    /// The consumer key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The consumer secret.
    pub fn secret(&self) -> &AppSecret {
        &self.secret
    }
}

impl fmt::Debug for Consumer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Consumer")
            .field("key", &Prefix(&self.key))
            .field("secret", &self.secret)
            .finish()
    }
}

/// An OAuth 1.0a access token and its secret, as the access-token step returns them and as
/// API calls are signed with (SPEC S6).
///
/// ```
/// use trello_auth_core::{oauth1::TokenCredentials, Token, TokenSecret};
/// let creds = TokenCredentials::new(Token::new("nnch734d00sl2jdk")?, TokenSecret::new("pfkkdhi9sl3r4s00"));
/// assert_eq!(creds.token().expose_secret(), "nnch734d00sl2jdk");
/// assert_eq!(
///     format!("{creds:?}"),
///     "TokenCredentials { token: Token([redacted]), secret: TokenSecret([redacted]) }",
/// );
/// # Ok::<(), trello_auth_core::ConfigError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenCredentials {
    token: Token,
    secret: TokenSecret,
}

impl TokenCredentials {
    /// Pairs a token with its secret.
    pub fn new(token: Token, secret: TokenSecret) -> Self {
        Self { token, secret }
    }

    /// The token, sent as `oauth_token`.
    pub fn token(&self) -> &Token {
        &self.token
    }

    /// The token secret, half of the HMAC key; never sent.
    pub fn secret(&self) -> &TokenSecret {
        &self.secret
    }
}

/// The per-request inputs of a signature: what varies in time or chance is an argument, so
/// signatures are reproducible (sans-IO).
///
/// ```
/// use trello_auth_core::oauth1::OAuthParams;
/// let p = OAuthParams { callback: Some("oob"), ..OAuthParams::new("kllo9940pd9333jh", 1191242096) };
/// assert!(p.include_version);
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct OAuthParams<'a> {
    /// `oauth_nonce`: a fresh random string per request (RFC 5849 §3.3). Must not be empty.
    pub nonce: &'a str,
    /// `oauth_timestamp`: seconds since the Unix epoch.
    pub timestamp: u64,
    /// `oauth_callback`, sent in the request-token step only (RFC 5849 §2.1).
    pub callback: Option<&'a str>,
    /// `oauth_verifier`, sent in the access-token step only (RFC 5849 §2.3).
    pub verifier: Option<&'a str>,
    /// Send `oauth_version=1.0` (the default, as oauthlib and Trello's examples do); RFC 5849
    /// makes it optional.
    pub include_version: bool,
}

impl<'a> OAuthParams<'a> {
    /// A nonce and a timestamp, no callback, no verifier, `oauth_version` included.
    pub const fn new(nonce: &'a str, timestamp: u64) -> Self {
        Self {
            nonce,
            timestamp,
            callback: None,
            verifier: None,
            include_version: true,
        }
    }
}

impl fmt::Debug for OAuthParams<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthParams")
            .field("nonce", &self.nonce)
            .field("timestamp", &self.timestamp)
            .field("callback", &self.callback)
            .field("verifier", &self.verifier.map(|_| "[redacted]"))
            .field("include_version", &self.include_version)
            .finish()
    }
}

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
    /// The parts of base string and header that only depend on the credentials, encoded
    /// ahead: signing copies them whole.
    fragments: Fragments,
    /// Keyed with `enc(consumer_secret)&enc(token_secret)`, never updated: cloned per use.
    mac: Hmac<Sha1>,
}

/// Precomputed pieces of every signature (zeroized on drop, as they hold the token).
#[derive(Clone)]
struct Fragments {
    /// `oauth_consumer_key%3D<key, encoded twice>%26oauth_nonce%3D`.
    base_key: Zeroizing<Vec<u8>>,
    /// `%26oauth_token%3D<token, encoded twice>`, or nothing.
    base_token: Zeroizing<Vec<u8>>,
    /// `oauth_consumer_key="<key, encoded>", oauth_nonce="`.
    header_key: Zeroizing<Vec<u8>>,
    /// `, oauth_token="<token, encoded>"`, or nothing.
    header_token: Zeroizing<Vec<u8>>,
}

impl Fragments {
    fn new(consumer_key: &str, token: Option<&str>) -> Self {
        let key = consumer_key;
        let none = || Zeroizing::new(Vec::new());
        Self {
            base_key: fragment(
                b"oauth_consumer_key%3D",
                key,
                Times::Twice,
                b"%26oauth_nonce%3D",
            ),
            base_token: token.map_or_else(none, |t| {
                fragment(b"%26oauth_token%3D", t, Times::Twice, b"")
            }),
            header_key: fragment(
                b"oauth_consumer_key=\"",
                key,
                Times::Once,
                b"\", oauth_nonce=\"",
            ),
            header_token: token.map_or_else(none, |t| {
                fragment(b", oauth_token=\"", t, Times::Once, b"\"")
            }),
        }
    }
}

/// `before`, `value` encoded `times` over, `after`.
fn fragment(before: &[u8], value: &str, times: Times, after: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(
        before.len() + 5 * value.len() + after.len(),
    ));
    out.extend_from_slice(before);
    encode_bytes(&mut out, value.as_bytes(), times);
    out.extend_from_slice(after);
    out
}

impl Signer {
    /// A signer for `consumer`, with `token` for API calls or none for the request-token step.
    pub fn new(consumer: &Consumer, token: Option<&TokenCredentials>) -> Self {
        Self::from_parts(
            &consumer.key,
            consumer.secret.expose_secret(),
            token.map(|t| (t.token.expose_secret(), t.secret.expose_secret())),
        )
    }

    /// A signer from raw parts: the flow signs with a request token that need not pass
    /// [`Token::new`], and the vector tests sign with any token.
    pub(crate) fn from_parts(
        consumer_key: &str,
        consumer_secret: &str,
        token: Option<(&str, &str)>,
    ) -> Self {
        let mut key = Zeroizing::new(String::with_capacity(
            3 * (consumer_secret.len() + token.map_or(0, |(_, s)| s.len())) + 1,
        ));
        // RFC 5849 §3.4.2: the '&' is there even when a secret is empty.
        encode_into(&mut key, consumer_secret.as_bytes());
        key.push('&');
        if let Some((_, token_secret)) = token {
            encode_into(&mut key, token_secret.as_bytes());
        }
        let mac = Hmac::<Sha1>::new_from_slice(key.as_bytes())
            // Invariant: HMAC takes keys of any length; only fixed-size MACs refuse some.
            .expect("HMAC-SHA1 accepts a key of any length");
        let mut encoded_key = String::with_capacity(consumer_key.len());
        encode_into(&mut encoded_key, consumer_key.as_bytes());
        Self {
            consumer_key: encoded_key,
            has_token: token.is_some(),
            fragments: Fragments::new(consumer_key, token.map(|(token, _)| token)),
            mac,
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
        let mut value = HeaderValue::from_str(signature.authorization()).map_err(|_| {
            // Unreachable in practice: the header is built from percent-encoded ASCII.
            OAuthError::InvalidRequest {
                reason: "the Authorization value is not a valid header",
            }
        })?;
        value.set_sensitive(true);
        request.headers_mut().insert(AUTHORIZATION, value);
        Ok(request)
    }

    /// Builds the base string (RFC 5849 §3.4.1), its HMAC-SHA1 and the header into one
    /// buffer. The request's parameters are encoded into a scratch buffer first, as they must
    /// be sorted before they are written.
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
        let (host, port) = host_and_port(uri);
        let path = uri.path();
        let query = uri.query().unwrap_or("").as_bytes();
        let body = form_body.unwrap_or(&[]);
        if !body.is_ascii() && std::str::from_utf8(body).is_err() {
            return Err(OAuthError::InvalidRequest {
                reason: "the form body is not UTF-8",
            });
        }

        // Encoding twice takes a form string to about twice its size.
        let mut list = ParamList::with_capacity(2 * (query.len() + body.len()) + 16);
        let mut found = Found::default();
        list.push_form(query, &mut found);
        list.push_form(body, &mut found);
        if found.oauth {
            return Err(OAuthError::CredentialsPresent);
        }
        list.push_oauth_block();
        list.sort();

        // Sized for base string, signature and header so that it is allocated once; kept
        // under glibc's 1032-byte fast-path size for usual requests (larger is much slower).
        let oauth_len = params.nonce.len()
            + params.callback.map_or(0, str::len)
            + params.verifier.map_or(0, str::len);
        let f = &self.fragments;
        let credentials_len =
            f.base_key.len() + f.base_token.len() + f.header_key.len() + f.header_token.len();
        let mut text = Vec::with_capacity(
            list.buf.len()
                + 3 * (list.spans.len() + host.map_or(0, str::len) + path.len())
                + credentials_len
                + 6 * oauth_len
                + 256,
        );
        push_method(&mut text, method);
        text.push(b'&');
        push_base_uri(&mut text, uri, host, port, path)?;
        text.push(b'&');
        let timestamp = Digits::new(params.timestamp);
        for (i, span) in list.spans.iter().enumerate() {
            if i > 0 {
                text.extend_from_slice(b"%26");
            }
            match span.oauth_block {
                true => self.write_oauth_block(&mut text, params, timestamp.as_bytes()),
                false => text.extend_from_slice(list.pair(span)),
            }
        }
        let base_end = text.len();

        let mut mac = self.mac.clone();
        mac.update(&text);
        let mut signature = [0u8; 28];
        BASE64
            .encode_slice(mac.finalize().into_bytes(), &mut signature)
            // Invariant: base64 of the 20-byte SHA-1 digest is exactly 28 bytes.
            .expect("28 bytes hold the base64 of a 20-byte digest");
        text.extend_from_slice(&signature);
        let signature_end = text.len();

        self.write_header(&mut text, params, &signature, timestamp.as_bytes());
        Ok((
            Signature {
                text,
                base_end,
                signature_end,
            },
            found,
        ))
    }

    /// Appends the protocol parameters (RFC 5849 §3.1; never `oauth_signature` or `realm`) as
    /// the base string holds them: sorted, `name%3Dvalue` joined by `%26`, values encoded
    /// twice. They are one block because no request parameter starts with `oauth_`.
    fn write_oauth_block(&self, out: &mut Vec<u8>, params: &OAuthParams<'_>, timestamp: &[u8]) {
        if let Some(callback) = params.callback {
            out.extend_from_slice(b"oauth_callback%3D");
            encode_bytes(out, callback.as_bytes(), Times::Twice);
            out.extend_from_slice(b"%26");
        }
        out.extend_from_slice(&self.fragments.base_key);
        encode_bytes(out, params.nonce.as_bytes(), Times::Twice);
        out.extend_from_slice(b"%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D");
        out.extend_from_slice(timestamp);
        out.extend_from_slice(&self.fragments.base_token);
        if let Some(verifier) = params.verifier {
            out.extend_from_slice(b"%26oauth_verifier%3D");
            encode_bytes(out, verifier.as_bytes(), Times::Twice);
        }
        if params.include_version {
            out.extend_from_slice(b"%26oauth_version%3D1.0");
        }
    }

    /// Appends `OAuth name="value", …`, the same parameters and `oauth_signature` in
    /// alphabetical order, values encoded once (RFC 5849 §3.5.1).
    fn write_header(
        &self,
        out: &mut Vec<u8>,
        params: &OAuthParams<'_>,
        signature: &[u8],
        timestamp: &[u8],
    ) {
        out.extend_from_slice(b"OAuth ");
        if let Some(callback) = params.callback {
            out.extend_from_slice(b"oauth_callback=\"");
            encode_bytes(out, callback.as_bytes(), Times::Once);
            out.extend_from_slice(b"\", ");
        }
        out.extend_from_slice(&self.fragments.header_key);
        encode_bytes(out, params.nonce.as_bytes(), Times::Once);
        out.extend_from_slice(b"\", oauth_signature=\"");
        encode_bytes(out, signature, Times::Once);
        out.extend_from_slice(b"\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"");
        out.extend_from_slice(timestamp);
        out.push(b'"');
        out.extend_from_slice(&self.fragments.header_token);
        if let Some(verifier) = params.verifier {
            out.extend_from_slice(b", oauth_verifier=\"");
            encode_bytes(out, verifier.as_bytes(), Times::Once);
            out.push(b'"');
        }
        if params.include_version {
            out.extend_from_slice(b", oauth_version=\"1.0\"");
        }
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

/// What the request's own parameters held, besides what gets signed.
#[derive(Clone, Copy, Default)]
struct Found {
    /// A parameter named `oauth_*` (RFC 5849 §3.5: protocol parameters go in one place).
    oauth: bool,
    /// A `key` or `token` parameter (SPEC S3.1, S3.3).
    placement: bool,
}

/// The request's parameters (RFC 5849 §3.4.1.3.2) as the base string holds them, each
/// `name%3Dvalue` with name and value encoded twice, in one ASCII buffer; sorting moves spans,
/// not text. Twice-encoded text sorts as once-encoded text does: encoding again only turns
/// `%` into `%25`, and `%` is below every other character of an encoded string.
struct ParamList {
    buf: Vec<u8>,
    spans: Vec<Span>,
}

/// `buf[start..eq]` is the name, `buf[eq..end]` is `%3D` and the value. `prefix` is the
/// name's first eight bytes, big-endian and zero-padded, which decides most comparisons
/// without touching `buf` (encoded names hold no zero byte, so the padding sorts like the end
/// of the name). The span with `oauth_block` stands for all protocol parameters, which sort
/// together under the name `oauth_` since no request parameter may start with it.
#[derive(Clone, Copy)]
struct Span {
    prefix: u64,
    start: usize,
    eq: usize,
    end: usize,
    oauth_block: bool,
}

impl ParamList {
    fn with_capacity(bytes: usize) -> Self {
        Self {
            buf: Vec::with_capacity(bytes),
            spans: Vec::with_capacity(16),
        }
    }

    /// Adds the pairs of a form-encoded string (a query or a body), `&`-separated, empty pieces
    /// skipped, a piece without `=` being a name with an empty value (W3C form decoding, as
    /// RFC 5849 §3.4.1.3.1 requires).
    fn push_form(&mut self, mut form: &[u8], found: &mut Found) {
        while !form.is_empty() {
            let start = self.buf.len();
            let (name_end, rest) = reencode_form_pair(&mut self.buf, form, Times::Twice);
            form = rest;
            let Some(eq) = name_end else {
                continue;
            };
            // Encoding maps "oauth_", "key" and "token" to themselves and nothing else to
            // them, so the encoded name tells what the decoded name is.
            let encoded_name = self.buf.get(start..eq).unwrap_or_default();
            found.oauth |= encoded_name.starts_with(b"oauth_");
            found.placement |= encoded_name == b"key" || encoded_name == b"token";
            self.spans.push(Span {
                prefix: prefix(encoded_name),
                start,
                eq,
                end: self.buf.len(),
                oauth_block: false,
            });
        }
    }

    /// Adds the span of the protocol parameters, written later by the signer.
    fn push_oauth_block(&mut self) {
        self.spans.push(Span {
            prefix: prefix(b"oauth_"),
            start: 0,
            eq: 0,
            end: 0,
            oauth_block: true,
        });
    }

    /// `name%3Dvalue`, encoded twice.
    fn pair(&self, span: &Span) -> &[u8] {
        self.buf.get(span.start..span.end).unwrap_or_default()
    }

    /// Sorts by encoded name, then encoded value, in byte order (RFC 5849 §3.4.1.3.2).
    fn sort(&mut self) {
        let Self { buf, spans } = self;
        let name = |span: &Span| -> &[u8] {
            match span.oauth_block {
                true => b"oauth_",
                false => buf.get(span.start..span.eq).unwrap_or_default(),
            }
        };
        // `%3D` and the value: the same `%3D` for all, so it does not change the order.
        let value = |span: &Span| buf.get(span.eq..span.end).unwrap_or_default();
        spans.sort_unstable_by(|a, b| {
            a.prefix
                .cmp(&b.prefix)
                .then_with(|| name(a).cmp(name(b)).then_with(|| value(a).cmp(value(b))))
        });
    }
}

/// A name's first eight bytes as a big-endian number, zero-padded.
fn prefix(name: &[u8]) -> u64 {
    let mut prefix = 0u64;
    for i in 0..8 {
        prefix = prefix << 8 | u64::from(name.get(i).copied().unwrap_or(0));
    }
    prefix
}

/// The body to sign: present only for a form content type (RFC 5849 §3.4.1.3.1), which is
/// matched case-insensitively with parameters such as `charset` allowed.
fn form_body<'b>(headers: &HeaderMap, body: &'b [u8]) -> Option<&'b [u8]> {
    let content_type = headers.get(CONTENT_TYPE)?.as_bytes();
    let essence = content_type
        .split(|&b| b == b';')
        .next()
        .unwrap_or_default();
    essence
        .trim_ascii()
        .eq_ignore_ascii_case(b"application/x-www-form-urlencoded")
        .then_some(body)
}

/// The method, upper-cased and encoded like oauthlib does (RFC 5849 §3.4.1.1 step 1; a
/// standard method is unchanged by either).
fn push_method(out: &mut Vec<u8>, method: &Method) {
    let method = method.as_str();
    if method.bytes().any(|b| b.is_ascii_lowercase()) {
        encode_bytes(out, method.to_ascii_uppercase().as_bytes(), Times::Once);
    } else {
        encode_bytes(out, method.as_bytes(), Times::Once);
    }
}

/// Appends the encoded base string URI (RFC 5849 §3.4.1.2): scheme and host lower-cased,
/// default port dropped, path as is, no query, no fragment.
fn push_base_uri(
    out: &mut Vec<u8>,
    uri: &Uri,
    host: Option<&str>,
    port: Option<u16>,
    path: &str,
) -> Result<(), OAuthError> {
    let invalid = |reason| OAuthError::InvalidRequest { reason };
    let scheme = uri
        .scheme_str()
        .ok_or(invalid("the URL is not absolute (no scheme and host)"))?;
    let default_port = if scheme.eq_ignore_ascii_case("https") {
        out.extend_from_slice(b"https");
        443
    } else if scheme.eq_ignore_ascii_case("http") {
        out.extend_from_slice(b"http");
        80
    } else {
        return Err(invalid("the URL's scheme is not http or https"));
    };
    let host = host
        .filter(|h| !h.is_empty())
        .ok_or(invalid("the URL has no host"))?;
    out.extend_from_slice(b"%3A%2F%2F");
    let host: Cow<'_, str> = if host.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(host.to_ascii_lowercase())
    } else {
        Cow::Borrowed(host)
    };
    encode_bytes(out, host.as_bytes(), Times::Once);
    if let Some(port) = port.filter(|&p| p != default_port) {
        out.extend_from_slice(b"%3A");
        out.extend_from_slice(Digits::new(u64::from(port)).as_bytes());
    }
    encode_bytes(
        out,
        if path.is_empty() {
            b"/"
        } else {
            path.as_bytes()
        },
        Times::Once,
    );
    Ok(())
}

/// The URI's host (IPv6 in brackets) and port, read in one pass over its authority: what
/// `Uri::host` and `Uri::port_u16` return, without their separate scans.
fn host_and_port(uri: &Uri) -> (Option<&str>, Option<u16>) {
    let Some(authority) = uri.authority().map(http::uri::Authority::as_str) else {
        return (None, None);
    };
    // The host starts after the last '@' (user info); a port follows the last ':' unless
    // that ':' is inside IPv6 brackets.
    let (mut host_start, mut colon) = (0, None);
    for (i, b) in authority.bytes().enumerate() {
        match b {
            b'@' => (host_start, colon) = (i + 1, None),
            b':' => colon = Some(i),
            b']' => colon = None,
            _ => {}
        }
    }
    let host_port = authority.get(host_start..).unwrap_or_default();
    match colon.and_then(|c| c.checked_sub(host_start)) {
        Some(c) => {
            let (host, port) = host_port.split_at(c);
            (Some(host), port.get(1..).and_then(|p| p.parse().ok()))
        }
        None => (Some(host_port), None),
    }
}

/// The decimal digits of a `u64`, on the stack.
struct Digits {
    buf: [u8; 20],
    start: usize,
}

impl Digits {
    fn new(mut n: u64) -> Self {
        let mut buf = [0u8; 20];
        let mut start = buf.len();
        // u64::MAX has 20 digits, so `start` never goes below 0.
        loop {
            start -= 1;
            // `n % 10` is below 10, so the cast keeps the value.
            buf[start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        Self { buf, start }
    }

    fn as_bytes(&self) -> &[u8] {
        self.buf.get(self.start..).unwrap_or_default()
    }
}

/// Debug helper: the first four characters and an ellipsis.
struct Prefix<'a>(&'a str);

impl fmt::Debug for Prefix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix: String = self.0.chars().take(4).collect();
        write!(f, "\"{prefix}…\"")
    }
}

/// Debug helper: `[redacted]`.
struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests;
