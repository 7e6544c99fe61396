//! Stage one of signing, the parameters (RFC 5849 §3.4.1.3): the protocol parameters'
//! per-request inputs ([`OAuthParams`]), and the request's own parameters (query and form
//! body) collected, decoded, encoded twice as the base string holds them, and sorted.
//!
//! Each request parameter is decoded and encoded in one pass into one scratch buffer and
//! sorted by span; the protocol parameters are one span, written later by the base string
//! stage, since no request parameter may start with `oauth_`.

use std::fmt;

use http::header::CONTENT_TYPE;
use http::HeaderMap;
use zeroize::Zeroizing;

use crate::oauth1::encode::{encode_bytes, reencode_form_pair, Times};
use crate::oauth1::OAuthError;

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

/// What the request's own parameters held, besides what gets signed.
#[derive(Clone, Copy, Default)]
pub(super) struct Found {
    /// A parameter named `oauth_*` (RFC 5849 §3.5: protocol parameters go in one place).
    pub(super) oauth: bool,
    /// A `key` or `token` parameter (SPEC S3.1, S3.3).
    pub(super) placement: bool,
}

/// The request's parameters (RFC 5849 §3.4.1.3.2) as the base string holds them, each
/// `name%3Dvalue` with name and value encoded twice, in one ASCII buffer; sorting moves spans,
/// not text. Twice-encoded text sorts as once-encoded text does: encoding again only turns
/// `%` into `%25`, and `%` is below every other character of an encoded string.
pub(super) struct ParamList {
    /// The encoded pairs, one after the other, in the order they were found.
    pub(super) buf: Vec<u8>,
    /// The pairs in sorted order (after [`ParamList::collect`]), with the protocol block.
    pub(super) spans: Vec<Span>,
}

/// `buf[start..eq]` is the name, `buf[eq..end]` is `%3D` and the value. `prefix` is the
/// name's first eight bytes, big-endian and zero-padded, which decides most comparisons
/// without touching `buf` (encoded names hold no zero byte, so the padding sorts like the end
/// of the name). The span with `oauth_block` stands for all protocol parameters, which sort
/// together under the name `oauth_` since no request parameter may start with it.
#[derive(Clone, Copy)]
pub(super) struct Span {
    prefix: u64,
    start: usize,
    eq: usize,
    end: usize,
    /// This span is the protocol parameters' place: nothing of it is in `buf`.
    pub(super) oauth_block: bool,
}

impl ParamList {
    /// Collects the query's and the form body's parameters (RFC 5849 §3.4.1.3.1) and the
    /// protocol parameters' block, and sorts them (§3.4.1.3.2).
    ///
    /// Refuses ([`OAuthError::InvalidRequest`]) a form body that is not UTF-8, then
    /// ([`OAuthError::CredentialsPresent`]) request parameters named `oauth_*` (RFC 5849
    /// §3.5: protocol parameters go in one place).
    pub(super) fn collect(query: &[u8], body: &[u8]) -> Result<(Self, Found), OAuthError> {
        if !body.is_ascii() && std::str::from_utf8(body).is_err() {
            return Err(OAuthError::InvalidRequest {
                reason: "the form body is not UTF-8",
            });
        }
        // Encoding twice takes a form string to about twice its size.
        let mut list = Self::with_capacity(2 * (query.len() + body.len()) + 16);
        let mut found = Found::default();
        list.push_form(query, &mut found);
        list.push_form(body, &mut found);
        if found.oauth {
            return Err(OAuthError::CredentialsPresent);
        }
        list.push_oauth_block();
        list.sort();
        Ok((list, found))
    }

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

    /// Adds the span of the protocol parameters, written later by the base string stage.
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
    pub(super) fn pair(&self, span: &Span) -> &[u8] {
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
pub(super) fn form_body<'b>(headers: &HeaderMap, body: &'b [u8]) -> Option<&'b [u8]> {
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

/// How a stage writes the consumer key and the token: the literal text around each, and how
/// many times each is percent-encoded (twice in the base string, once in the header).
pub(super) struct Syntax {
    /// Before the consumer key.
    pub(super) key_before: &'static [u8],
    /// After the consumer key: up to the nonce's value.
    pub(super) key_after: &'static [u8],
    /// Before the token.
    pub(super) token_before: &'static [u8],
    /// After the token.
    pub(super) token_after: &'static [u8],
    /// How many times values are encoded.
    pub(super) times: Times,
}

/// The consumer key and the token as one stage writes them, encoded once when the signer is
/// built rather than for every request; zeroized on drop.
#[derive(Clone)]
pub(super) struct Fragments {
    /// The consumer key with its text, up to the nonce's value.
    pub(super) key: Zeroizing<Vec<u8>>,
    /// The token with its text, or nothing.
    pub(super) token: Zeroizing<Vec<u8>>,
}

impl Fragments {
    pub(super) fn new(syntax: &Syntax, consumer_key: &str, token: Option<&str>) -> Self {
        let token = token.map_or_else(
            || Zeroizing::new(Vec::new()),
            |t| fragment(syntax.token_before, t, syntax.times, syntax.token_after),
        );
        Self {
            key: fragment(
                syntax.key_before,
                consumer_key,
                syntax.times,
                syntax.key_after,
            ),
            token,
        }
    }

    /// Their total length, to size the output buffer.
    pub(super) fn byte_len(&self) -> usize {
        self.key.len() + self.token.len()
    }
}

/// `before`, `value` encoded `times` over, `after`: a credential parameter precomputed for
/// the base string (twice) or the header (once).
pub(super) fn fragment(
    before: &[u8],
    value: &str,
    times: Times,
    after: &[u8],
) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(
        before.len() + 5 * value.len() + after.len(),
    ));
    out.extend_from_slice(before);
    encode_bytes(&mut out, value.as_bytes(), times);
    out.extend_from_slice(after);
    out
}

#[cfg(test)]
mod tests;
