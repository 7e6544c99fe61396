//! Unpredictable identifiers from the OS CSPRNG: tokens, keys, secrets, ids, anti-forgery values.

const LOWER: &[u8; 16] = b"0123456789abcdef";
const UPPER: &[u8; 16] = b"0123456789ABCDEF";

fn fill(buf: &mut [u8]) {
    // The OS CSPRNG exists on every platform tokio runs on; if it fails there is no safe source
    // of tokens at all, and a sandbox minting predictable tokens would hide client bugs.
    getrandom::getrandom(buf).expect("the OS random number generator is unavailable");
}

fn hex(bytes: usize, alphabet: &[u8; 16], out: &mut String) {
    let mut buf = vec![0u8; bytes];
    fill(&mut buf);
    for b in buf {
        out.push(alphabet[usize::from(b >> 4)] as char);
        out.push(alphabet[usize::from(b & 0x0f)] as char);
    }
}

/// `n` lower-case hex characters (`n` even).
pub(crate) fn lower_hex(n: usize) -> String {
    let mut s = String::with_capacity(n);
    hex(n / 2, LOWER, &mut s);
    s
}

/// A user token in Trello's current format (SPEC S2): `ATTA` + 64 lower hex + 8 upper hex.
pub(crate) fn token() -> String {
    let mut s = String::with_capacity(76);
    s.push_str("ATTA");
    hex(32, LOWER, &mut s);
    hex(4, UPPER, &mut s);
    s
}

/// An API key: 32 hex characters (SPEC S2).
pub(crate) fn api_key() -> String {
    lower_hex(32)
}

/// An app secret: 64 lower-case hex characters (SPEC S2).
pub(crate) fn app_secret() -> String {
    lower_hex(64)
}

/// A Trello object id: 24 hex characters (SPEC S2).
pub(crate) fn object_id() -> String {
    lower_hex(24)
}

/// An OAuth 2.0 client id: 32 alphanumeric characters (Atlassian's shape).
pub(crate) fn client_id() -> String {
    alphanumeric(32)
}

/// An OAuth 2.0 client secret: `ATOA` + 64 lower hex + 8 upper hex (the `ATO` prefix is
/// observed, SPEC S8.4).
pub(crate) fn client_secret() -> String {
    let mut s = String::with_capacity(76);
    s.push_str("ATOA");
    hex(32, LOWER, &mut s);
    hex(4, UPPER, &mut s);
    s
}

/// An OAuth 2.0 authorization code, access or refresh token: 64 unreserved characters (opaque,
/// like Atlassian's; no prefix a client could come to depend on).
pub(crate) fn oauth2_secret() -> String {
    alphanumeric(64)
}

fn alphanumeric(n: usize) -> String {
    const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(n);
    while out.len() < n {
        let mut buf = [0u8; 64];
        fill(&mut buf);
        // 248 = 4 * 62: rejecting the rest keeps every character equally likely.
        for b in buf.into_iter().filter(|&b| b < 248) {
            if out.len() < n {
                out.push(ALPHABET[usize::from(b % 62)] as char);
            }
        }
    }
    out
}

/// A single-use value (anti-forgery field, OAuth request token, verifier): 32 hex characters.
pub(crate) fn nonce() -> String {
    lower_hex(32)
}

#[cfg(test)]
mod tests;
