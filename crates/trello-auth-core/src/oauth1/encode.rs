//! RFC 5849 §3.6 percent-encoding (RFC 3986 unreserved characters only, `%20` never `+`,
//! upper-case hex) and the one-pass form-component re-encoding of §3.4.1.3, writing straight
//! into the caller's buffer, once or twice encoded.

use percent_encoding::{percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Every byte except RFC 3986 unreserved (`ALPHA DIGIT - . _ ~`) is encoded (RFC 5849 §3.6).
pub(crate) const OAUTH_ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Appends `bytes` percent-encoded per RFC 5849 §3.6 to `out`.
pub(crate) fn encode_into(out: &mut String, bytes: &[u8]) {
    for chunk in percent_encode(bytes, OAUTH_ENCODE_SET) {
        out.push_str(chunk);
    }
}

/// `s` percent-encoded per RFC 5849 §3.6.
///
/// ```
/// use trello_auth_core::oauth1::percent_encode;
/// assert_eq!(percent_encode("a b+c~✓"), "a%20b%2Bc~%E2%9C%93");
/// ```
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    encode_into(&mut out, s.as_bytes());
    out
}

/// How many times the hot-path encoders encode: the base string holds its parameters
/// encoded twice (RFC 5849 §3.4.1.3.2 encodes them, §3.4.1.1 encodes the joined string again);
/// the header holds values encoded once.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Times {
    /// `%XX` (the header, the base string URI).
    Once,
    /// `%25XX`: the same as encoding the `%XX` form again, as that only turns `%` into `%25`.
    Twice,
}

/// Appends `bytes` percent-encoded per RFC 5849 §3.6, `times` over, to a byte buffer: the
/// signing hot path. It writes what [`OAUTH_ENCODE_SET`] does through `percent-encoding`
/// (a test holds them together) but copies runs of unreserved bytes at once and looks bytes
/// up in a table, which is what makes signing fast.
pub(crate) fn encode_bytes(out: &mut Vec<u8>, mut bytes: &[u8], times: Times) {
    loop {
        let run = bytes
            .iter()
            .position(|&b| !UNRESERVED[usize::from(b)])
            .unwrap_or(bytes.len());
        let (plain, rest) = bytes.split_at(run);
        out.extend_from_slice(plain);
        let Some((&b, rest)) = rest.split_first() else {
            return;
        };
        push_escaped(out, b, times);
        bytes = rest;
    }
}

/// Reads the first `&`-separated piece of the `application/x-www-form-urlencoded` string
/// `form` and appends it to `out` as `name=value`, name and value decoded (`+` is a space,
/// `%XX` an octet) and re-encoded per RFC 5849 §3.6 `times` over, with the `=` written as
/// the same encoding turns it (`=` once, `%3D` twice). RFC 5849 §3.4.1.3.1 decodes query and
/// form parameters before §3.4.1.3.2 encodes them: this does both in one pass over the input.
///
/// Returns where the name ends in `out` (`None` for an empty piece, which is no parameter)
/// and the rest of `form` after the `&`. A piece without `=` is a name with an empty value. A
/// `%` not followed by two hex digits is a literal percent, as W3C/WHATWG form decoding reads
/// it. Decoded octets are kept as octets, UTF-8 or not.
pub(crate) fn reencode_form_pair<'a>(
    out: &mut Vec<u8>,
    mut form: &'a [u8],
    times: Times,
) -> (Option<usize>, &'a [u8]) {
    let start = out.len();
    let mut name_end = None;
    loop {
        let run = form
            .iter()
            .position(|&b| !UNRESERVED[usize::from(b)])
            .unwrap_or(form.len());
        let (plain, rest) = form.split_at(run);
        out.extend_from_slice(plain);
        let Some((&b, rest)) = rest.split_first() else {
            form = &[];
            break;
        };
        form = rest;
        match b {
            b'&' => break,
            b'=' if name_end.is_none() => {
                name_end = Some(out.len());
                push_separator(out, times);
            }
            b'+' => push_escaped(out, b' ', times),
            b'%' => match decode_hex_pair(rest) {
                Some((octet, tail)) => {
                    if UNRESERVED[usize::from(octet)] {
                        out.push(octet);
                    } else {
                        push_escaped(out, octet, times);
                    }
                    form = tail;
                }
                None => push_escaped(out, b'%', times),
            },
            _ => push_escaped(out, b, times),
        }
    }
    let name_end = match name_end {
        Some(end) => end,
        None if out.len() == start => return (None, form),
        None => {
            let end = out.len();
            push_separator(out, times);
            end
        }
    };
    (Some(name_end), form)
}

/// The `=` between a name and its value, encoded `times` over.
fn push_separator(out: &mut Vec<u8>, times: Times) {
    match times {
        Times::Once => out.push(b'='),
        Times::Twice => out.extend_from_slice(b"%3D"),
    }
}

/// RFC 3986 unreserved: `ALPHA DIGIT - . _ ~`; exactly the bytes [`OAUTH_ENCODE_SET`] leaves
/// alone (a test holds the two together).
pub(crate) const fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// [`is_unreserved`] for every byte.
static UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = is_unreserved(b as u8);
        b += 1;
    }
    table
};

const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";

/// Appends `%XX` or `%25XX` for `b`.
fn push_escaped(out: &mut Vec<u8>, b: u8, times: Times) {
    let hi = UPPER_HEX[usize::from(b >> 4)];
    let lo = UPPER_HEX[usize::from(b & 0xf)];
    match times {
        Times::Once => out.extend_from_slice(&[b'%', hi, lo]),
        Times::Twice => out.extend_from_slice(&[b'%', b'2', b'5', hi, lo]),
    }
}

/// The octet of two leading hex digits in `s`, and what follows them.
fn decode_hex_pair(s: &[u8]) -> Option<(u8, &[u8])> {
    match s {
        [hi, lo, tail @ ..] => Some((hex_value(*hi)? << 4 | hex_value(*lo)?, tail)),
        _ => None,
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
