//! Token capture (SPEC S1.4, S10): the redirect's fragment, a `postMessage`, a pasted string.

use trello_auth_core::{
    parse_fragment, parse_pasted_token, parse_post_message, CaptureError, Token,
};

use crate::input::Fields;

/// What every capture must hold: a token it returns is one `Token::new` accepts and was in
/// the input; an error has a code and a message that does not show a token-like word of
/// `input` (words of `public`, such as the sender's origin, are echoed by design).
fn check(input: &str, public: &str, result: Result<Token, CaptureError>) {
    match result {
        Ok(token) => {
            let t = token.expose_secret();
            assert!(
                Token::new(t).is_ok(),
                "a captured token must be a valid token"
            );
            assert!(
                readings(input).iter().any(|i| i.contains(t)),
                "a captured token must come from the input"
            );
            super::assert_hidden(&format!("{token:?}"), t, "Token's Debug");
        }
        Err(e) => {
            assert!(!e.code().is_empty());
            let message = e.to_string();
            assert!(!message.is_empty());
            for word in input.split(|c: char| !c.is_ascii_alphanumeric()) {
                if word.len() >= 64 && Token::new(word).is_ok() && !public.contains(word) {
                    super::assert_hidden(&message, word, "a capture error");
                }
            }
        }
    }
}

/// The ways a parser may read `input`: as sent; with tabs and newlines dropped (WHATWG URL
/// parsing); percent-decoded, with `+` as a space or not; JSON-decoded (a postMessage).
pub(crate) fn readings(input: &str) -> Vec<String> {
    let stripped: String = input
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let mut out = vec![input.to_owned(), stripped.clone()];
    for text in [input, stripped.as_str()] {
        let plus = super::reference::unescape(text.as_bytes());
        out.push(String::from_utf8_lossy(&plus).into_owned());
        let kept = super::reference::unescape(text.replace('+', "%2B").as_bytes());
        out.push(String::from_utf8_lossy(&kept).into_owned());
    }
    out.push(serde_json::from_str::<String>(input.trim()).unwrap_or_default());
    out
}

/// Fields: the fragment (with or without `#`).
pub fn capture_fragment(data: &[u8]) {
    let input = String::from_utf8_lossy(data);
    check(&input, "", parse_fragment(&input));
}

/// Fields: the sender's origin, the message's data.
pub fn capture_post_message(data: &[u8]) {
    let mut f = Fields::new(data);
    let origin = f.text();
    let message = String::from_utf8_lossy(f.rest()).into_owned();
    check(&message, &origin, parse_post_message(&origin, &message));
}

/// Fields: what the user pasted.
pub fn capture_paste(data: &[u8]) {
    let input = String::from_utf8_lossy(data);
    check(&input, "", parse_pasted_token(&input));
}
