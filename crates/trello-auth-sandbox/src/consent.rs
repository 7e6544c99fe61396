//! Reading the sandbox's consent page as a browser would, for tests that play the user (SPEC
//! S1, S6): the page's one form, its hidden fields and its Allow and Deny buttons; and the first
//! `<pre>` of the page that shows a token or a verifier (display mode, SPEC S1.3).
//!
//! Sans-IO: give it the HTML you fetched, send the submission with your own HTTP client. The
//! pages' look may change; what this module reads is their contract, which stays: ONE
//! `<form method="post" action="/1/token/approve">`, hidden `<input>`s to send back unchanged,
//! and submit controls named `approve` with the values `Allow` and `Deny`.
//!
//! ```
//! use trello_auth_sandbox::consent::{first_pre, ConsentForm};
//!
//! let page = r#"<form method="post" action="/1/token/approve">
//!   <input type="hidden" name="key" value="0123">
//!   <input type="hidden" name="requestKey" value="a&amp;b">
//!   <input type="submit" name="approve" value="Allow">
//!   <input type="submit" name="approve" value="Deny">
//! </form>"#;
//! let form = ConsentForm::parse(page)?;
//! assert_eq!(form.buttons(), ["Allow", "Deny"]);
//! // POST this body, form-encoded, to the action (relative to the page's URL).
//! let (action, body) = form.submission("Allow")?;
//! assert_eq!(action, "/1/token/approve");
//! assert_eq!(body, "key=0123&requestKey=a%26b&approve=Allow");
//! assert!(form.submission("Maybe").is_err());
//!
//! // Display mode: the token is the text of the answer's first `<pre>`.
//! assert_eq!(first_pre("<p>Copy it:</p><pre>ATTA0123</pre>").as_deref(), Some("ATTA0123"));
//! # Ok::<(), trello_auth_sandbox::Error>(())
//! ```

use std::fmt;

use crate::error::{Error, Result};

/// The name of the consent form's submit controls (Trello's): the submission carries
/// `approve=Allow` or `approve=Deny`.
pub const BUTTON_NAME: &str = "approve";

/// The consent page's form, as a browser sees it: where it posts, what it sends back, and the
/// buttons it offers.
///
/// `Debug` redacts the anti-forgery `requestKey`, as the sandbox's request log does.
#[derive(Clone, PartialEq, Eq)]
pub struct ConsentForm {
    action: String,
    fields: Vec<(String, String)>,
    buttons: Vec<String>,
}

impl ConsentForm {
    /// Finds the first form of `html` that posts and has submit controls named
    /// [`BUTTON_NAME`], and reads its action, its hidden fields (in order, HTML-unescaped) and
    /// its buttons. Attributes may come in any order and be quoted either way; comments,
    /// `<script>` and `<style>` are skipped.
    ///
    /// # Errors
    ///
    /// [`Error::ConsentPage`] when the page has no such form, or the form has no action.
    pub fn parse(html: &str) -> Result<Self> {
        let mut open: Option<Open> = None;
        for tag in Tags::new(html) {
            match (tag.closing, tag.name.as_str(), open.as_mut()) {
                // A form inside a form is ignored, as browsers do.
                (false, "form", None) => {
                    open = Some(Open {
                        posts: tag
                            .attr("method")
                            .is_some_and(|m| m.eq_ignore_ascii_case("post")),
                        action: tag.attr("action").map(str::to_owned),
                        fields: Vec::new(),
                        buttons: Vec::new(),
                    });
                }
                (false, "input", Some(form)) => {
                    let kind = tag.attr("type").unwrap_or("text");
                    if kind.eq_ignore_ascii_case("hidden") {
                        if let Some(name) = tag.attr("name") {
                            let value = tag.attr("value").unwrap_or("");
                            form.fields.push((name.to_owned(), value.to_owned()));
                        }
                    } else if kind.eq_ignore_ascii_case("submit") {
                        form.push_button(&tag);
                    }
                }
                // A `<button>` without a type is a submit button.
                (false, "button", Some(form))
                    if tag
                        .attr("type")
                        .is_none_or(|t| t.eq_ignore_ascii_case("submit")) =>
                {
                    form.push_button(&tag);
                }
                (true, "form", Some(_)) => {
                    if let Some(found) = open.take().and_then(Open::finish) {
                        return found;
                    }
                }
                _ => {}
            }
        }
        // An unclosed form ends with the document, as in a browser.
        open.and_then(Open::finish)
            .unwrap_or_else(|| Err(Error::ConsentPage("no form with approve buttons".into())))
    }

    /// Where the form posts, as written in the page (`/1/token/approve`): resolve it against
    /// the page's URL.
    pub fn action(&self) -> &str {
        &self.action
    }

    /// The hidden fields, in page order, unescaped: the submission sends them back unchanged.
    pub fn fields(&self) -> &[(String, String)] {
        &self.fields
    }

    /// The values of the submit controls named [`BUTTON_NAME`], in page order: `Allow` and
    /// `Deny` on the sandbox's pages.
    pub fn buttons(&self) -> &[String] {
        &self.buttons
    }

    /// What a browser sends when the user presses `button`: the action, and the
    /// `application/x-www-form-urlencoded` body (the hidden fields, then `approve=<button>`).
    ///
    /// # Errors
    ///
    /// [`Error::ConsentPage`] when the form offers no such button.
    pub fn submission(&self, button: &str) -> Result<(&str, String)> {
        if !self.buttons.iter().any(|b| b == button) {
            return Err(Error::ConsentPage(format!(
                "the form offers no {button:?} button"
            )));
        }
        let mut body = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in &self.fields {
            body.append_pair(name, value);
        }
        body.append_pair(BUTTON_NAME, button);
        Ok((&self.action, body.finish()))
    }
}

impl fmt::Debug for ConsentForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields: Vec<(&str, &str)> = self
            .fields
            .iter()
            .map(|(n, v)| {
                let v = if n == "requestKey" { "[redacted]" } else { v };
                (n.as_str(), v)
            })
            .collect();
        f.debug_struct("ConsentForm")
            .field("action", &self.action)
            .field("fields", &fields)
            .field("buttons", &self.buttons)
            .finish()
    }
}

/// Plays the user at the consent page with your HTTP client: `GET authorize_url` through
/// `send`, then the form post of `button` (`Allow` or `Deny`) to the form's action, resolved
/// against the page's URL. Returns the answer to the form post: a 302 to the return URL or
/// callback, or a page (display mode, postMessage).
///
/// # Errors
/// A message saying which step failed: the page's status, its form, the button, or `send`.
pub fn press<E: fmt::Display>(
    authorize_url: &str,
    button: &str,
    mut send: impl FnMut(http::Request<Vec<u8>>) -> std::result::Result<http::Response<Vec<u8>>, E>,
) -> std::result::Result<http::Response<Vec<u8>>, String> {
    let get = http::Request::get(authorize_url)
        .body(Vec::new())
        .map_err(|e| format!("bad URL: {e}"))?;
    let page = send(get).map_err(|e| format!("consent page: {e}"))?;
    if page.status() != http::StatusCode::OK {
        return Err(format!("consent page answered {}", page.status()));
    }
    let form = ConsentForm::parse(&String::from_utf8_lossy(page.body()))
        .map_err(|e| format!("consent page: {e}"))?;
    let (action, body) = form
        .submission(button)
        .map_err(|e| format!("consent page: {e}"))?;
    let target = url::Url::parse(authorize_url)
        .and_then(|base| base.join(action))
        .map_err(|e| format!("form action: {e}"))?;
    let post = http::Request::post(target.as_str())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.into_bytes())
        .map_err(|e| format!("form post: {e}"))?;
    send(post).map_err(|e| format!("form post: {e}"))
}

/// The text of the first `<pre>` of `html`, unescaped and trimmed, with any tags inside it
/// dropped: where display mode shows the token, and OAuth 1.0a's `oob` flow the verifier (SPEC
/// S1.3, S6). `None` when the page has no complete `<pre>`.
pub fn first_pre(html: &str) -> Option<String> {
    let mut text = None::<String>;
    let mut from = 0;
    for tag in Tags::new(html) {
        match (&mut text, tag.closing, tag.name.as_str()) {
            (None, false, "pre") => {
                text = Some(String::new());
                from = tag.end;
            }
            (Some(t), closing, name) => {
                t.push_str(&html[from..tag.start]);
                if closing && name == "pre" {
                    return Some(unescape(t.trim()));
                }
                from = tag.end;
            }
            _ => {}
        }
    }
    None
}

/// A form being read.
struct Open {
    posts: bool,
    action: Option<String>,
    fields: Vec<(String, String)>,
    buttons: Vec<String>,
}

impl Open {
    fn push_button(&mut self, tag: &Tag) {
        if tag.attr("name") == Some(BUTTON_NAME) {
            if let Some(value) = tag.attr("value") {
                self.buttons.push(value.to_owned());
            }
        }
    }

    /// `Some` for the consent form: one that posts and offers approve buttons.
    fn finish(self) -> Option<Result<ConsentForm>> {
        if !self.posts || self.buttons.is_empty() {
            return None;
        }
        Some(match self.action.filter(|a| !a.is_empty()) {
            Some(action) => Ok(ConsentForm {
                action,
                fields: self.fields,
                buttons: self.buttons,
            }),
            None => Err(Error::ConsentPage("the form has no action".into())),
        })
    }
}

/// One start or end tag: its lower-cased name, its attributes and where it sits in the page.
#[derive(Debug)]
struct Tag {
    name: String,
    closing: bool,
    /// Lower-cased names, unescaped values, in page order.
    attrs: Vec<(String, String)>,
    /// The byte offsets of `<` and just after `>`.
    start: usize,
    end: usize,
}

impl Tag {
    /// The first attribute `name` (lower-case): browsers ignore repeats.
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The tags of a page in order, skipping comments, doctypes and the text of raw-text elements
/// (`<script>`, `<style>`, `<textarea>`, `<title>`), whose `<` are not tags.
///
/// It slices the page only at ASCII delimiters, so every slice is on a character boundary,
/// whatever the input.
struct Tags<'a> {
    html: &'a str,
    pos: usize,
}

impl<'a> Tags<'a> {
    fn new(html: &'a str) -> Self {
        Self { html, pos: 0 }
    }

    /// The offset of `needle` (ASCII) at or after `from`, ignoring ASCII case.
    fn find_ci(&self, from: usize, needle: &str) -> Option<usize> {
        let hay = self.html.as_bytes().get(from..)?;
        hay.windows(needle.len())
            .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
            .map(|i| i + from)
    }
}

impl Iterator for Tags<'_> {
    type Item = Tag;

    fn next(&mut self) -> Option<Tag> {
        let bytes = self.html.as_bytes();
        loop {
            let start = self.html.get(self.pos..)?.find('<')? + self.pos;
            let rest = &bytes[start + 1..];
            if rest.starts_with(b"!--") {
                self.pos = self
                    .find_ci(start + 4, "-->")
                    .map_or(bytes.len(), |e| e + 3);
                continue;
            }
            if rest.first().is_some_and(|&b| b == b'!' || b == b'?') {
                self.pos = self.find_ci(start, ">").map_or(bytes.len(), |e| e + 1);
                continue;
            }
            let closing = rest.first() == Some(&b'/');
            let name_at = start + 1 + usize::from(closing);
            if !bytes.get(name_at).is_some_and(u8::is_ascii_alphabetic) {
                // A `<` in text.
                self.pos = start + 1;
                continue;
            }
            let name_end = bytes[name_at..]
                .iter()
                .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-'))
                .map_or(bytes.len(), |n| n + name_at);
            let name = self.html[name_at..name_end].to_ascii_lowercase();
            let (attrs, end) = attributes(self.html, name_end)?;
            self.pos = end;
            if !closing && matches!(name.as_str(), "script" | "style" | "textarea" | "title") {
                // Raw text: the next tag is its end tag.
                self.pos = self
                    .find_ci(end, &format!("</{name}"))
                    .unwrap_or(bytes.len());
            }
            return Some(Tag {
                name,
                closing,
                attrs,
                start,
                end,
            });
        }
    }
}

/// The attributes from `at` to the tag's `>`, and the offset after it; `None` for a tag that
/// never ends (the rest of the page is not markup a browser would act on).
fn attributes(html: &str, mut at: usize) -> Option<(Vec<(String, String)>, usize)> {
    let bytes = html.as_bytes();
    let mut attrs = Vec::new();
    let skip_space = |mut i: usize| {
        while bytes
            .get(i)
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'/')
        {
            i += 1;
        }
        i
    };
    loop {
        at = skip_space(at);
        match bytes.get(at)? {
            b'>' => return Some((attrs, at + 1)),
            b'=' => {
                // A stray `=`: not a name; step over it.
                at += 1;
                continue;
            }
            _ => {}
        }
        let name_end = bytes[at..]
            .iter()
            .position(|b| b.is_ascii_whitespace() || matches!(b, b'=' | b'>' | b'/'))
            .map_or(bytes.len(), |n| n + at);
        let name = html[at..name_end].to_ascii_lowercase();
        at = name_end;
        while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        if bytes.get(at) != Some(&b'=') {
            attrs.push((name, String::new()));
            continue;
        }
        at += 1;
        while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        let value = match bytes.get(at)? {
            q @ (b'"' | b'\'') => {
                let close = bytes[at + 1..].iter().position(|b| b == q)? + at + 1;
                let v = &html[at + 1..close];
                at = close + 1;
                v
            }
            _ => {
                let end = bytes[at..]
                    .iter()
                    .position(|b| b.is_ascii_whitespace() || *b == b'>')
                    .map_or(bytes.len(), |n| n + at);
                let v = &html[at..end];
                at = end;
                v
            }
        };
        attrs.push((name, unescape(value)));
    }
}

/// Decodes the character references the sandbox writes (`&amp;`, `&lt;`, `&gt;`, `&quot;`,
/// `&#39;`) and any numeric one; an unknown or broken reference stays as written.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').and_then(|semi| {
            let c = match &rest[1..semi] {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => '\u{a0}',
                num => {
                    let n = num.strip_prefix('#')?;
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => n.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, semi + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests;
