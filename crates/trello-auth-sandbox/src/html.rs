//! The HTML pages: the consent page (SPEC S1), the token and verifier pages, the postMessage
//! page, Trello's error page (SPEC S7) and the CDN's 403 page for a GET with a body (SPEC S3.4).

use crate::model::{Expiration, Scopes};

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

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n",
        escape(title)
    )
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

/// The consent page: one form posting to `/1/token/approve` with Allow and Deny submit buttons
/// named `approve`, as Trello's form does (SPEC S1).
pub(crate) fn consent(c: &Consent<'_>) -> String {
    let mut scopes = String::new();
    if c.scopes.read {
        scopes.push_str("<li class=\"scope\" data-scope=\"read\">Read all of your boards, teams and account information</li>\n");
    }
    if c.scopes.write {
        scopes.push_str("<li class=\"scope\" data-scope=\"write\">Create and update cards, lists and boards; make comments for you</li>\n");
    }
    if c.scopes.account {
        scopes.push_str("<li class=\"scope\" data-scope=\"account\">Read your email address, update your member information, and mark notifications as read</li>\n");
    }
    let hidden: String = c
        .fields
        .iter()
        .map(|(n, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
                escape(n),
                escape(v)
            )
        })
        .collect();
    let body = format!(
        "<h1>Let <span class=\"app-name\">{app}</span> use your account?</h1>\n\
         <p>Signed in as <span class=\"username\">{user}</span> (Trello sandbox).</p>\n\
         <p>{app} will be able to:</p>\n<ul class=\"scopes\">\n{scopes}</ul>\n\
         <p class=\"expiration\" data-expiration=\"{exp_name}\">This access expires: {exp}.</p>\n\
         <form method=\"post\" action=\"/1/token/approve\">\n{hidden}\
         <input type=\"submit\" name=\"approve\" value=\"Allow\">\n\
         <input type=\"submit\" name=\"approve\" value=\"Deny\">\n</form>",
        app = escape(c.app_name),
        user = escape(c.username),
        exp = escape(&c.expiration.describe()),
        exp_name = escape(&c.expiration.name()),
    );
    page(&format!("Authorize {} | Trello sandbox", c.app_name), &body)
}

/// Display mode: the secret (token or verifier) in the page's first `<pre>` (SPEC S1.3).
pub(crate) fn show_secret(what: &str, secret: &str) -> String {
    let body = format!(
        "<h1>You have granted access</h1>\n<p>Copy this {what} into the application:</p>\n\
         <pre>{}</pre>",
        escape(secret)
    );
    page(&format!("Your {what} | Trello sandbox"), &body)
}

/// A plain message page (e.g. the user denied in display mode).
pub(crate) fn message(title: &str, text: &str) -> String {
    page(
        title,
        &format!(
            "<h1>{}</h1>\n<p class=\"message\">{}</p>",
            escape(title),
            escape(text)
        ),
    )
}

/// postMessage delivery (SPEC S1.3, S1.4): `message_js` is a JavaScript expression (the bare
/// token string, or `{"error": ...}`), posted to `window.opener` with `target_origin`.
pub(crate) fn post_message(message_js: &str, target_origin: &str) -> String {
    let body = format!(
        "<p>You can close this window.</p>\n<script>\n\
         window.opener.postMessage({message_js}, {});\nwindow.close();\n</script>",
        js_string(target_origin)
    );
    page("Authorization complete | Trello sandbox", &body)
}

/// Trello's error page with `text` (SPEC S7).
pub(crate) fn error_page(text: &str) -> String {
    page(
        "Error | Trello sandbox",
        &format!("<h1>Error</h1>\n<p class=\"error\">{}</p>", escape(text)),
    )
}

/// The CDN's 403 page for a GET with a body (SPEC S3.4).
pub(crate) fn forbidden_get_with_body() -> String {
    page(
        "403 ERROR",
        "<h1>403 ERROR</h1>\n<h2>The request could not be satisfied.</h2>\n\
         <p>Bad request. A GET request must not carry a body.</p>",
    )
}

#[cfg(test)]
mod tests;
