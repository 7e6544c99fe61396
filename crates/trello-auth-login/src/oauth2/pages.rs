//! The pages the listener shows at the end of an OAuth 2.0 login (SPEC S8.3, S10): access
//! granted, access not granted, something went wrong. Without script, with the headers of the
//! core's login pages (`Cache-Control: no-store`, `Referrer-Policy: no-referrer`, a CSP that
//! allows only their own stylesheet, by hash), and the same look and `data-state` markup.

use std::sync::OnceLock;

use base64::Engine as _;
use http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use http::{HeaderValue, StatusCode};
use sha2::{Digest, Sha256};
use trello_auth_core::Response;

/// The stylesheet of the core's login pages (`trello_auth_core::login`), copied: the core does
/// not expose its pages yet.
const CSS: &str = include_str!("page.css");

/// What a page says happened; also its `data-state`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PageState {
    /// The code arrived.
    Success,
    /// The user pressed Deny, or the server refused.
    Denied,
    /// The redirect could not be used (a stale tab's state, a malformed query).
    Error,
}

impl PageState {
    fn name(self) -> &'static str {
        match self {
            PageState::Success => "success",
            PageState::Denied => "denied",
            PageState::Error => "error",
        }
    }

    /// The badge glyph, the heading and the text below it.
    fn words(self) -> (&'static str, &'static str, &'static str) {
        match self {
            PageState::Success => (
                "\u{2713}",
                "Access granted",
                "The program that asked for access is finishing the sign-in. You can close this tab and return to the terminal.",
            ),
            PageState::Denied => (
                "\u{2715}",
                "Access was not granted",
                "You chose Deny, so no token was created. Run the command again if that was a mistake.",
            ),
            PageState::Error => (
                "!",
                "Something went wrong",
                "This answer could not be used, so nothing was stored. Return to the terminal for details, and run the command again.",
            ),
        }
    }
}

/// The page of `state`, with `detail` (plain text, escaped) under the explanation.
pub(crate) fn result(status: StatusCode, state: PageState, detail: Option<&str>) -> Response {
    let (badge, title, text) = state.words();
    let detail = match (state, detail) {
        (PageState::Success, _) | (_, None) => String::new(),
        (PageState::Denied, Some(d)) => {
            format!(
                "<p class=\"detail\" data-label=\"The server said:\" role=\"status\">{}</p>\n",
                escape(d)
            )
        }
        (PageState::Error, Some(d)) => {
            format!(
                "<p class=\"detail\" data-label=\"Details:\" role=\"status\">{}</p>\n",
                escape(d)
            )
        }
    };
    let name = state.name();
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n<title>{title} | trello-auth</title>\n\
         <style>{CSS}</style>\n</head>\n<body>\n<header><span class=\"mark\">TA</span>\
         <span>trello-auth</span><span class=\"where\">sign-in helper on this computer</span>\
         </header>\n<main data-mode=\"oauth2\" data-current=\"{name}\">\n\
         <section class=\"{name}\" data-state=\"{name}\">\n\
         <div class=\"badge\" aria-hidden=\"true\">{badge}</div>\n<h1>{title}</h1>\n\
         <p>{text}</p>\n{detail}</section>\n</main>\n<footer>This page is served by trello-auth \
         on your own computer, not by Trello or Atlassian.</footer>\n</body>\n</html>\n"
    );
    let mut response = private(status, "text/html; charset=utf-8", page.into_bytes());
    response
        .headers_mut()
        .insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy()));
    response
}

/// A short plain-text answer (404, 405, 421, 400).
pub(crate) fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut response = private(
        status,
        "text/plain; charset=utf-8",
        text.as_bytes().to_vec(),
    );
    response.headers_mut().insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
    );
    response
}

/// A response that no cache keeps and that sends no `Referer` on (SPEC S10).
fn private(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response {
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        http::header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        http::header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        http::header::X_FRAME_OPTIONS,
        HeaderValue::from_static("DENY"),
    );
    response
}

/// The pages' policy, computed once: only their own stylesheet, no script, no form.
fn policy() -> &'static str {
    static POLICY: OnceLock<String> = OnceLock::new();
    POLICY.get_or_init(|| {
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(CSS));
        format!(
            "default-src 'none'; img-src 'self' data:; base-uri 'none'; form-action 'none'; \
             frame-ancestors 'none'; style-src 'sha256-{hash}'"
        )
    })
}

/// Escapes text for HTML element content and attribute values.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
