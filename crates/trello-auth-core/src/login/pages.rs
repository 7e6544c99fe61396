//! The pages the loopback listener serves (SPEC S10): the fragment relay, the postMessage
//! opener and the result pages, with the headers that keep them private.
//!
//! Every page is self-contained: one stylesheet and at most one script, both inline and both
//! constant, so the Content-Security-Policy names them by hash and allows nothing else.
//! Per-login values (the authorize URL, its origin, the app name) travel in attributes, never
//! in the script.

use std::sync::OnceLock;

use base64::Engine as _;
use http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use http::StatusCode;
use sha2::{Digest, Sha256};

use crate::Response;

const CSS: &str = include_str!("page.css");
const JS: &str = include_str!("page.js");

/// What a page or a JSON answer says happened; also the `data-state` of its section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum State {
    /// The relay is handing the fragment over.
    Working,
    /// The opener waits for the user's press.
    Ready,
    /// The browser blocked the popup.
    Blocked,
    /// The popup is open.
    Waiting,
    /// The delivery was accepted.
    Success,
    /// The user pressed Deny.
    Denied,
    /// The popup was closed without an answer.
    Closed,
    /// The delivery could not be read.
    Error,
    /// This login already has its answer.
    AlreadyDone,
    /// A postMessage from another origin was ignored (JSON answers only).
    Ignored,
}

impl State {
    pub(crate) fn name(self) -> &'static str {
        match self {
            State::Working => "working",
            State::Ready => "ready",
            State::Blocked => "blocked",
            State::Waiting => "waiting",
            State::Success => "success",
            State::Denied => "denied",
            State::Closed => "closed",
            State::Error => "error",
            State::AlreadyDone => "already_done",
            State::Ignored => "ignored",
        }
    }

    /// The badge glyph, the heading and the text below it.
    fn words(self) -> (&'static str, &'static str, &'static str) {
        match self {
            State::Working => (
                "",
                "Finishing sign-in\u{2026}",
                "Handing the token to the program that asked for it.",
            ),
            State::Ready => (
                "T",
                "Connect to Trello",
                "Press the button to open Trello in a small window. Choose Allow there, and this page will tell you when you are done.",
            ),
            State::Blocked => (
                "!",
                "The window did not open",
                "Your browser blocked the Trello window. Allow pop-ups for this page, then press the button again.",
            ),
            State::Waiting | State::Ignored => (
                "",
                "Waiting for you in the Trello window",
                "Choose Allow or Deny in the window that opened. Keep this tab open until it closes.",
            ),
            State::Success => (
                "\u{2713}",
                "Access granted",
                "The program that asked for access has its token. You can close this tab and return to the terminal.",
            ),
            State::Denied => (
                "\u{2715}",
                "Access was not granted",
                "You chose Deny, so no token was created. Run the command again if that was a mistake.",
            ),
            State::Closed => (
                "\u{2715}",
                "The Trello window was closed",
                "It closed before you chose Allow or Deny, so no token was created. Run the command again to retry.",
            ),
            State::Error => (
                "!",
                "Something went wrong",
                "The answer from Trello could not be read. Return to the terminal for details, and run the command again.",
            ),
            State::AlreadyDone => (
                "\u{2713}",
                "This sign-in is finished",
                "Its answer has already been received. You can close this tab.",
            ),
        }
    }

    fn class(self) -> &'static str {
        match self {
            State::AlreadyDone => "already",
            other => other.name(),
        }
    }
}

/// The page the fragment delivery lands on: its script reads `location.hash`, clears it from
/// the address bar and posts it back (SPEC S1.3, S10).
pub(crate) fn relay(app: Option<&str>) -> Response {
    let sections = [
        State::Working,
        State::Success,
        State::Denied,
        State::Error,
        State::AlreadyDone,
    ];
    let body = format!(
        "<main data-mode=\"fragment\" data-current=\"working\">\n{}{NOSCRIPT}</main>\n",
        sections_html(&sections, State::Working, app, None)
    );
    html(StatusCode::OK, "Finishing sign-in", &body, true)
}

/// The page that opens Trello's popup on a press and listens for its postMessage (SPEC S1.3).
pub(crate) fn opener(app: Option<&str>, authorize_url: &str, authorize_origin: &str) -> Response {
    let sections = [
        State::Ready,
        State::Blocked,
        State::Waiting,
        State::Success,
        State::Denied,
        State::Closed,
        State::Error,
        State::AlreadyDone,
    ];
    let body = format!(
        "<main data-mode=\"postMessage\" data-current=\"ready\" data-authorize-url=\"{}\" \
         data-authorize-origin=\"{}\">\n{}{NOSCRIPT}</main>\n",
        escape(authorize_url),
        escape(authorize_origin),
        sections_html(&sections, State::Ready, app, None)
    );
    html(StatusCode::OK, "Connect to Trello", &body, true)
}

/// A page that shows one state, without script (OAuth 1.0a's callback, a reload after the
/// answer). `detail` is shown as text under the explanation.
pub(crate) fn result(status: StatusCode, state: State, detail: Option<&str>) -> Response {
    let body = format!(
        "<main data-mode=\"result\" data-current=\"{}\">\n{}</main>\n",
        state.name(),
        sections_html(&[state], state, None, detail)
    );
    html(status, state.words().1, &body, false)
}

/// The JSON answer to a page's delivery: `{"outcome": state, "message": ...}`.
pub(crate) fn answer(status: StatusCode, state: State, message: Option<&str>) -> Response {
    let mut value = serde_json::json!({ "outcome": state.name() });
    if let Some(message) = message {
        value["message"] = message.into();
    }
    let mut response = private(status, "application/json", value.to_string().into_bytes());
    response.headers_mut().insert(
        CONTENT_SECURITY_POLICY,
        http::HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
    );
    response
}

/// How a sign-in ended, for [`result_page`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PageOutcome {
    /// The credential arrived: "Access granted".
    Granted,
    /// The user pressed Deny, or the server refused: "Access was not granted".
    Denied,
    /// The answer could not be used: "Something went wrong".
    Error,
}

/// The page a loopback receiver of another flow (such as an OAuth 2.0 redirect, RFC 8252)
/// shows at the end of a sign-in: the look of this module's pages, without script, with their
/// headers (`Cache-Control: no-store`, `Referrer-Policy: no-referrer`, a CSP that allows only
/// the page's own stylesheet). `detail` (plain text, escaped) goes under the explanation of a
/// denied or failed sign-in.
///
/// ```
/// use trello_auth_core::login::{result_page, PageOutcome};
/// let page = result_page(http::StatusCode::OK, PageOutcome::Granted, None);
/// assert_eq!(page.headers()["cache-control"], "no-store");
/// assert!(String::from_utf8_lossy(page.body()).contains("Access granted"));
/// ```
pub fn result_page(status: StatusCode, outcome: PageOutcome, detail: Option<&str>) -> Response {
    let state = match outcome {
        PageOutcome::Granted => State::Success,
        PageOutcome::Denied => State::Denied,
        PageOutcome::Error => State::Error,
    };
    result(status, state, detail)
}

/// A short plain-text answer (404, 403, 405, 400): nothing to render, nothing to cache.
pub fn plain_page(status: StatusCode, text: &'static str) -> Response {
    plain(status, text)
}

/// A short plain-text answer (404, 403, 405, 400): nothing to render, nothing to cache.
pub(crate) fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut response = private(
        status,
        "text/plain; charset=utf-8",
        text.as_bytes().to_vec(),
    );
    response.headers_mut().insert(
        CONTENT_SECURITY_POLICY,
        http::HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
    );
    response
}

const NOSCRIPT: &str = "<noscript><section><h1>JavaScript is off</h1><p>This page needs \
    JavaScript to hand the token to the program on your machine. Turn it on and reload, or run \
    the login again with <code>--mode paste</code>.</p></section></noscript>\n";

fn sections_html(
    states: &[State],
    visible: State,
    app: Option<&str>,
    detail: Option<&str>,
) -> String {
    let mut out = String::new();
    for &state in states {
        let (badge, title, text) = state.words();
        let hidden = if state == visible { "" } else { " hidden" };
        out.push_str(&format!(
            "<section class=\"{}\" data-state=\"{}\"{hidden}>\n<div class=\"badge\" aria-hidden=\"true\">{badge}</div>\n<h1>{title}</h1>\n",
            state.class(),
            state.name(),
        ));
        if let (State::Ready, Some(app)) = (state, app) {
            out.push_str(&format!(
                "<p class=\"lead\"><span class=\"app\">{}</span> is asking for access to your Trello account.</p>\n",
                escape(app)
            ));
        }
        out.push_str(&format!("<p>{text}</p>\n"));
        match state {
            State::Ready => out.push_str(
                "<button type=\"button\" data-action=\"open\">Continue to Trello</button>\n",
            ),
            State::Blocked => out.push_str(
                "<button type=\"button\" data-action=\"open\">Open the Trello window</button>\n",
            ),
            State::Denied | State::Error | State::Closed => {
                let text = if state == visible { detail } else { None };
                let label = if state == State::Denied {
                    "Trello said:"
                } else {
                    "Details:"
                };
                out.push_str(&format!(
                    "<p class=\"detail\" data-label=\"{label}\" role=\"status\">{}</p>\n",
                    escape(text.unwrap_or(""))
                ));
            }
            _ => {}
        }
        out.push_str("</section>\n");
    }
    out
}

fn html(status: StatusCode, title: &str, body: &str, script: bool) -> Response {
    let script_tag = if script {
        format!("<script>{JS}</script>\n")
    } else {
        String::new()
    };
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n<title>{} | trello-auth</title>\n\
         <style>{CSS}</style>\n</head>\n<body>\n<header><span class=\"mark\">TA</span>\
         <span>trello-auth</span><span class=\"where\">sign-in helper on this computer</span>\
         </header>\n{body}<footer>This page is served by trello-auth on your own computer, \
         not by Trello.</footer>\n{script_tag}</body>\n</html>\n",
        escape(title)
    );
    let mut response = private(status, "text/html; charset=utf-8", page.into_bytes());
    let csp = if script {
        &hashes().with_script
    } else {
        &hashes().style_only
    };
    response.headers_mut().insert(
        CONTENT_SECURITY_POLICY,
        http::HeaderValue::from_str(csp).expect("a CSP of ASCII hashes is a valid header value"),
    );
    response
}

/// A response that no cache keeps and that sends no `Referer` on (SPEC S10).
fn private(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response {
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, http::HeaderValue::from_static(content_type));
    headers.insert(CACHE_CONTROL, http::HeaderValue::from_static("no-store"));
    headers.insert(
        http::header::REFERRER_POLICY,
        http::HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        http::header::X_CONTENT_TYPE_OPTIONS,
        http::HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        http::header::X_FRAME_OPTIONS,
        http::HeaderValue::from_static("DENY"),
    );
    response
}

struct Policies {
    with_script: String,
    style_only: String,
}

/// The two policies, computed once: the script and the stylesheet are constants.
fn hashes() -> &'static Policies {
    static POLICIES: OnceLock<Policies> = OnceLock::new();
    POLICIES.get_or_init(|| {
        let hash = |s: &str| base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s));
        let style = format!("style-src 'sha256-{}'", hash(CSS));
        let common = "default-src 'none'; img-src 'self' data:; base-uri 'none'; \
                      form-action 'none'; frame-ancestors 'none'";
        Policies {
            with_script: format!(
                "{common}; {style}; script-src 'sha256-{}'; connect-src 'self'",
                hash(JS)
            ),
            style_only: format!("{common}; {style}"),
        }
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
