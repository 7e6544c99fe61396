//! The HTML pages: the consent pages (SPEC S1, S6, S8.2), the token and verifier pages, the message
//! page, the postMessage page, Trello's error page (SPEC S7) and the CDN's 403 page for a GET
//! with a body (SPEC S3.4).
//!
//! The pages are self-contained (an inline `<style>`, inline SVG, no font, image or script from
//! anywhere) and served with a `Content-Security-Policy` that allows nothing else: only the
//! postMessage page runs a script, its own inline one. Their look may change; their contract
//! may not, because tests and users' scrapers read it ([`crate::consent`]): the consent page has
//! ONE `<form method="post" action="/1/token/approve">` with hidden inputs and submit controls
//! `name="approve"` valued `Allow` and `Deny`, scopes as `class="scope" data-scope="..."`, the
//! expiry as `data-expiration`, the app as `class="app-name"` and the member as
//! `class="username"`; a shown token or verifier is the text of the page's first `<pre>`.

use http::header::{HeaderValue, CACHE_CONTROL, CONTENT_SECURITY_POLICY};
use http::StatusCode;

use crate::model::{Expiration, Scopes};
use crate::response::{self, Response};

/// The policy of every page but the postMessage one: inline styles, nothing else, and no
/// framing (a consent page in someone else's frame is a clickjacking target).
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
/// The postMessage page's policy: its inline script too.
const CSP_SCRIPT: &str =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; frame-ancestors 'none'";

/// A page and the policy it is served with.
#[derive(Debug)]
pub(crate) struct Page {
    pub(crate) html: String,
    csp: &'static str,
}

impl Page {
    /// The `text/html` response, with the page's CSP and `Cache-Control: no-store` (a consent
    /// form is single-use, and a shown token must not stay in a cache).
    pub(crate) fn respond(self, status: StatusCode) -> Response {
        let mut r = response::html(status, self.html);
        let headers = r.headers_mut();
        headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(self.csp));
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        r
    }
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape(s: &str) -> String {
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

/// A JavaScript string literal that is also safe inside `<script>` (no `</script>` break-out).
pub(crate) fn js_string(s: &str) -> String {
    serde_json::Value::String(s.to_owned())
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// What the consent page shows and carries.
#[derive(Debug)]
pub(crate) struct Consent<'a> {
    pub(crate) app_name: &'a str,
    pub(crate) username: &'a str,
    pub(crate) scopes: Scopes,
    pub(crate) expiration: Expiration,
    /// Hidden fields, the anti-forgery `requestKey` among them.
    pub(crate) fields: &'a [(String, String)],
}

/// The consent page: one form posting to `/1/token/approve` with Allow and Deny submit controls
/// named `approve`, as Trello's form does (SPEC S1).
pub(crate) fn consent(c: &Consent<'_>) -> Page {
    let mut scopes = String::new();
    for (on, name, title, text) in [
        (
            c.scopes.read,
            "read",
            "Read",
            "Read all of your boards, teams and account information",
        ),
        (
            c.scopes.write,
            "write",
            "Write",
            "Create and update cards, lists and boards; make comments for you",
        ),
        (
            c.scopes.account,
            "account",
            "Account",
            "Read your email address, update your member information, and mark notifications as read",
        ),
    ] {
        if on {
            scopes.push_str(&format!(
                "<li class=\"scope\" data-scope=\"{name}\">{icon}\
                 <span><strong>{title}</strong><span class=\"what\">{text}</span></span></li>\n",
                icon = scope_icon(name),
            ));
        }
    }
    let expiry = format!(
        "<p class=\"expiration\" data-expiration=\"{exp_name}\">{CLOCK_ICON}<span>{expiry}</span></p>\n",
        expiry = expiry_sentence(c.expiration),
        exp_name = escape(&c.expiration.name()),
    );
    consent_page(c.app_name, c.username, &scopes, &expiry, c.fields)
}

/// The OAuth 2.0 consent page (SPEC S8.2): the same form and contract as [`consent`], listing
/// the requested scopes (`data-scope` carries each scope's name, `offline_access` included).
pub(crate) fn oauth2_consent(
    app_name: &str,
    username: &str,
    scopes: &[String],
    fields: &[(String, String)],
) -> Page {
    let mut list = String::new();
    for scope in scopes {
        let (icon, text) = match scope.as_str() {
            "offline_access" => (
                "account",
                "Keep this access while you are away (a refresh token)".to_owned(),
            ),
            s if s.starts_with("write:") => ("write", format!("Write: {}", scope_words(s))),
            s => ("read", format!("Read: {}", scope_words(s))),
        };
        list.push_str(&format!(
            "<li class=\"scope\" data-scope=\"{name}\">{icon}\
             <span><strong>{name}</strong><span class=\"what\">{text}</span></span></li>\n",
            name = escape(scope),
            icon = scope_icon(icon),
            text = escape(&text),
        ));
    }
    let expiry = "<p class=\"expiration\">This access lasts until you revoke the app \
                  on your account page.</p>\n";
    consent_page(app_name, username, &list, expiry, fields)
}

/// `read:organization:trello` → `organization`; `write:board:membership:trello` →
/// `board membership`.
fn scope_words(scope: &str) -> String {
    let parts: Vec<&str> = scope.split(':').collect();
    match parts.as_slice() {
        [_, middle @ .., "trello"] if !middle.is_empty() => middle.join(" "),
        _ => scope.to_owned(),
    }
}

/// The frame of both consent pages: who asks, for whom, `scopes` (`<li>`s), `expiry` (a
/// paragraph), and the ONE form with the hidden `fields` and the Allow / Deny controls.
fn consent_page(
    app_name: &str,
    username: &str,
    scopes: &str,
    expiry: &str,
    fields: &[(String, String)],
) -> Page {
    let app = escape(app_name);
    let hidden: String = fields
        .iter()
        .map(|(n, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
                escape(n),
                escape(v)
            )
        })
        .collect();
    let user = escape(username);
    let initial = |s: &str| {
        s.chars()
            .find(|c| c.is_alphanumeric())
            .map_or_else(|| "?".to_owned(), |c| escape(&c.to_uppercase().to_string()))
    };
    let body = format!(
        "<div class=\"connect\" aria-hidden=\"true\"><span class=\"avatar app\">{app_initial}</span>\
         <span class=\"link\"></span>{logo}</div>\n\
         <h1>Let <span class=\"app-name\">{app}</span> use your account?</h1>\n\
         <p class=\"account\"><span class=\"avatar user\" aria-hidden=\"true\">{user_initial}</span>\
         <span>Signed in as <span class=\"username\">{user}</span></span></p>\n\
         <h2>{app} will be able to:</h2>\n<ul class=\"scopes\">\n{scopes}</ul>\n\
         {expiry}\
         <form method=\"post\" action=\"/1/token/approve\">\n{hidden}\
         <div class=\"actions\">\n\
         <input type=\"submit\" name=\"approve\" value=\"Allow\" class=\"button primary\">\n\
         <input type=\"submit\" name=\"approve\" value=\"Deny\" class=\"button secondary\">\n\
         </div>\n</form>\n\
         <p class=\"fine\">You can revoke this access at any time. Only allow applications \
         you trust.</p>",
        app_initial = initial(app_name),
        user_initial = initial(username),
        logo = LOGO_TILE,
    );
    page(
        &format!("Authorize {app_name} | Trello sandbox"),
        &body,
        CSP,
    )
}

/// Display mode: the secret (token or verifier) in the page's first `<pre>` (SPEC S1.3).
pub(crate) fn show_secret(what: &str, secret: &str) -> Page {
    let body = format!(
        "<div class=\"status ok\" aria-hidden=\"true\">{CHECK_ICON}</div>\n\
         <h1>You have granted access</h1>\n<p>Copy this {what} into the application:</p>\n\
         <pre>{}</pre>\n\
         <p class=\"fine\">Treat it like a password: whoever holds it can act as you, \
         within what you allowed, until it expires or you revoke it.</p>",
        escape(secret)
    );
    page(&format!("Your {what} | Trello sandbox"), &body, CSP)
}

/// A plain message page: `title` in words for the user, `text` Trello's message (the user
/// denied in display mode: SPEC S1.4's `Token request rejected`).
pub(crate) fn message(title: &str, text: &str) -> Page {
    let body = format!(
        "<div class=\"status neutral\" aria-hidden=\"true\">{CROSS_ICON}</div>\n\
         <h1>{}</h1>\n<p class=\"message\">{}</p>\n\
         <p class=\"fine\">Nothing was shared with the application. You can close this \
         window.</p>",
        escape(title),
        escape(text)
    );
    page(&format!("{title} | Trello sandbox"), &body, CSP)
}

/// postMessage delivery (SPEC S1.3, S1.4): `message_js` is a JavaScript expression (the bare
/// token string, or `{"error": ...}`), posted to `window.opener` with `target_origin`.
pub(crate) fn post_message(message_js: &str, target_origin: &str) -> Page {
    let body = format!(
        "<div class=\"status ok\" aria-hidden=\"true\">{CHECK_ICON}</div>\n\
         <h1>Returning to the application</h1>\n\
         <p>Your answer was sent to <span class=\"origin\">{origin}</span>.</p>\n\
         <p class=\"fine\">This window closes by itself; if it does not, you can close \
         it.</p>\n<script>\n\
         window.opener.postMessage({message_js}, {target});\nwindow.close();\n</script>",
        origin = escape(target_origin),
        target = js_string(target_origin),
    );
    page("Authorization complete | Trello sandbox", &body, CSP_SCRIPT)
}

/// Trello's error page with `text` (SPEC S7).
pub(crate) fn error_page(text: &str) -> Page {
    let body = format!(
        "<div class=\"status bad\" aria-hidden=\"true\">{WARN_ICON}</div>\n\
         <h1>Error</h1>\n<p class=\"error\">{}</p>\n\
         <p class=\"fine\">Nothing was authorized. If an application sent you here, tell its \
         developer what this page says.</p>",
        escape(text)
    );
    page("Error | Trello sandbox", &body, CSP)
}

/// The CDN's 403 page for a GET with a body (SPEC S3.4): the CDN's plain page, not Trello's.
pub(crate) fn forbidden_get_with_body() -> Page {
    Page {
        html: "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
               <title>403 ERROR</title>\n</head>\n<body>\n\
               <h1>403 ERROR</h1>\n<h2>The request could not be satisfied.</h2>\n\
               <p>Bad request. A GET request must not carry a body.</p>\n</body>\n</html>\n"
            .to_owned(),
        csp: CSP,
    }
}

/// How long the access lasts, in words (`data-expiration` carries Trello's name).
fn expiry_sentence(e: Expiration) -> String {
    match e {
        Expiration::Never => {
            "This access <strong>never expires</strong>: it lasts until you revoke it.".to_owned()
        }
        other => format!(
            "This access expires <strong>{}</strong> after you allow it.",
            escape(&other.describe())
        ),
    }
}

/// The frame every page shares: the sandbox's header bar, a card, a footer.
fn page(title: &str, card: &str, csp: &'static str) -> Page {
    Page {
        html: format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
             <header class=\"bar\"><div class=\"bar-in\">{LOGO_MARK}\
             <span class=\"brand\">Trello</span><span class=\"badge\">Sandbox</span>\
             <span class=\"where\">test server on this machine</span></div></header>\n\
             <main class=\"card\">\n{card}\n</main>\n\
             <footer>The trello-auth sandbox: a Trello look-alike for tests. \
             Not Trello, and no real account is involved.</footer>\n</body>\n</html>\n",
            title = escape(title),
        ),
        csp,
    }
}

fn scope_icon(name: &str) -> &'static str {
    match name {
        "read" => READ_ICON,
        "write" => WRITE_ICON,
        _ => ACCOUNT_ICON,
    }
}

/// The header's mark: a board with two lists, white on the bar.
const LOGO_MARK: &str = "<svg class=\"mark\" viewBox=\"0 0 24 24\" width=\"24\" height=\"24\" aria-hidden=\"true\"><rect width=\"24\" height=\"24\" rx=\"5\" fill=\"#fff\"/><rect x=\"4.5\" y=\"4.5\" width=\"6\" height=\"13\" rx=\"1.5\" fill=\"#0c66e4\"/><rect x=\"13.5\" y=\"4.5\" width=\"6\" height=\"8\" rx=\"1.5\" fill=\"#0c66e4\"/></svg>";

/// The same mark, as the "Trello" end of the connection picture.
const LOGO_TILE: &str = "<svg class=\"avatar tile\" viewBox=\"0 0 24 24\" width=\"48\" height=\"48\"><rect width=\"24\" height=\"24\" rx=\"5\" fill=\"#0c66e4\"/><rect x=\"4.5\" y=\"4.5\" width=\"6\" height=\"13\" rx=\"1.5\" fill=\"#fff\"/><rect x=\"13.5\" y=\"4.5\" width=\"6\" height=\"8\" rx=\"1.5\" fill=\"#fff\"/></svg>";

const READ_ICON: &str = "<svg class=\"icon\" viewBox=\"0 0 24 24\" width=\"20\" height=\"20\" aria-hidden=\"true\"><path d=\"M12 5C6.5 5 2.7 9.4 1.5 12c1.2 2.6 5 7 10.5 7s9.3-4.4 10.5-7C21.3 9.4 17.5 5 12 5z\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\"/><circle cx=\"12\" cy=\"12\" r=\"3\" fill=\"currentColor\"/></svg>";

const WRITE_ICON: &str = "<svg class=\"icon\" viewBox=\"0 0 24 24\" width=\"20\" height=\"20\" aria-hidden=\"true\"><path d=\"M4 20h4L19 9l-4-4L4 16v4z\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\" stroke-linejoin=\"round\"/><path d=\"M13.5 6.5l4 4\" stroke=\"currentColor\" stroke-width=\"2\"/></svg>";

const ACCOUNT_ICON: &str = "<svg class=\"icon\" viewBox=\"0 0 24 24\" width=\"20\" height=\"20\" aria-hidden=\"true\"><circle cx=\"12\" cy=\"8\" r=\"4\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\"/><path d=\"M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\"/></svg>";

const CLOCK_ICON: &str = "<svg class=\"icon\" viewBox=\"0 0 24 24\" width=\"20\" height=\"20\" aria-hidden=\"true\"><circle cx=\"12\" cy=\"12\" r=\"9\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\"/><path d=\"M12 7v5l3 2\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\" stroke-linecap=\"round\"/></svg>";

const CHECK_ICON: &str = "<svg viewBox=\"0 0 24 24\" width=\"28\" height=\"28\"><path d=\"M5 12.5l4.5 4.5L19 7.5\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2.5\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/></svg>";

const CROSS_ICON: &str = "<svg viewBox=\"0 0 24 24\" width=\"28\" height=\"28\"><path d=\"M7 7l10 10M17 7L7 17\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2.5\" stroke-linecap=\"round\"/></svg>";

const WARN_ICON: &str = "<svg viewBox=\"0 0 24 24\" width=\"30\" height=\"30\"><path d=\"M12 3.5L2.5 20h19L12 3.5z\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\" stroke-linejoin=\"round\"/><path d=\"M12 10v4.5\" stroke=\"currentColor\" stroke-width=\"2.2\" stroke-linecap=\"round\"/><circle cx=\"12\" cy=\"17.3\" r=\"1.3\" fill=\"currentColor\"/></svg>";

/// One stylesheet for every page: system fonts, a single column that fills a phone and stays
/// narrow on a desktop.
const STYLE: &str = "
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;min-height:100vh;display:flex;flex-direction:column;background:#f1f2f4;color:#172b4d;
font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Noto Sans\",Ubuntu,Cantarell,\"Helvetica Neue\",Arial,sans-serif}
.bar{background:#0c66e4;color:#fff}
.bar-in{max-width:960px;margin:0 auto;padding:10px 16px;display:flex;align-items:center;gap:8px;flex-wrap:wrap}
.mark{flex:none}
.brand{font-weight:700;font-size:20px;letter-spacing:-.01em}
.badge{background:#f5cd47;color:#533f04;font-size:12px;font-weight:700;text-transform:uppercase;letter-spacing:.06em;padding:2px 8px;border-radius:999px}
.where{margin-left:auto;font-size:13px;opacity:.85}
.card{width:100%;max-width:520px;margin:32px auto;padding:32px;background:#fff;border-radius:12px;
box-shadow:0 1px 1px rgba(9,30,66,.25),0 0 1px rgba(9,30,66,.31)}
h1{font-size:24px;line-height:1.25;margin:0 0 12px;text-align:center;overflow-wrap:anywhere}
h2{font-size:16px;margin:24px 0 8px;overflow-wrap:anywhere}
p{margin:0 0 12px;overflow-wrap:anywhere}
.app-name{color:#0c66e4}
.connect{display:flex;align-items:center;justify-content:center;margin:0 0 20px}
.link{width:40px;border-top:2px dashed #8590a2;margin:0 10px}
.avatar{flex:none;display:inline-flex;align-items:center;justify-content:center;width:48px;height:48px;border-radius:10px;font-weight:700;font-size:22px;color:#fff}
.avatar.app{background:#6e5dc6}
.avatar.user{width:32px;height:32px;border-radius:50%;font-size:15px;background:#22a06b}
.account{display:flex;align-items:center;justify-content:center;gap:10px;color:#44546f}
.username{font-weight:600;color:#172b4d}
.scopes{list-style:none;margin:0 0 16px;padding:0;border:1px solid #dcdfe4;border-radius:8px}
.scope{display:flex;gap:12px;align-items:flex-start;padding:12px 14px}
.scope+.scope{border-top:1px solid #dcdfe4}
.scope strong{display:block}
.what{display:block;color:#44546f;font-size:14px}
.icon{flex:none;color:#0c66e4;margin-top:2px}
.expiration{display:flex;gap:12px;align-items:flex-start;background:#e9f2ff;border-radius:8px;padding:12px 14px;margin:0 0 20px}
.actions{display:flex;gap:12px;flex-direction:row-reverse}
.button{flex:1;font:inherit;font-weight:600;padding:10px 16px;border-radius:6px;border:1px solid transparent;cursor:pointer;-webkit-appearance:none;appearance:none}
.primary{background:#0c66e4;color:#fff}
.primary:hover{background:#0055cc}
.secondary{background:#fff;color:#172b4d;border-color:#b3b9c4}
.secondary:hover{background:#f1f2f4}
.button:focus-visible{outline:2px solid #388bff;outline-offset:2px}
.fine{margin:16px 0 0;font-size:13px;color:#626f86;text-align:center}
pre{margin:8px 0 12px;padding:14px;background:#f7f8f9;border:1px solid #dcdfe4;border-radius:8px;
font:15px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,\"Liberation Mono\",monospace;white-space:pre-wrap;word-break:break-all;user-select:all}
.status{display:flex;align-items:center;justify-content:center;width:56px;height:56px;margin:0 auto 16px;border-radius:50%}
.ok{background:#dcfff1;color:#216e4e}
.neutral{background:#f1f2f4;color:#44546f}
.bad{background:#ffeceb;color:#ae2e24}
.message{background:#f1f2f4;border-radius:8px;padding:12px 14px;text-align:center}
.origin{font-weight:600;white-space:nowrap}
.error{background:#ffeceb;border-radius:8px;padding:12px 14px;color:#5d1f1a}
footer{margin-top:auto;padding:16px;text-align:center;font-size:12px;color:#626f86}
@media (max-width:480px){
.card{margin:0;border-radius:0;box-shadow:none;padding:24px 16px;flex:1}
.where{display:none}
h1{font-size:21px}
.actions{flex-direction:column}
}
";

#[cfg(test)]
mod tests;
