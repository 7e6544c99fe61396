//! A minimal "browser" for the consent page (SPEC S1, S6): fetch the page, fill its one form's
//! hidden fields, press Allow or Deny, and hand back Trello's answer, as a user's browser
//! would. Used by the demo and the behaviour suite against the sandbox.

use trello_auth_core::{BlockingTransport, Request, Response};

/// Loads `authorize_url` through `transport` and submits its form with the submit button
/// `approve=<button>` (`Allow` or `Deny`). Returns the answer to the form post: a 302 to the
/// return URL (fragment delivery, OAuth callback) or a page (display mode, postMessage).
pub fn consent(
    transport: &dyn BlockingTransport,
    authorize_url: &str,
    button: &str,
) -> Result<Response, String> {
    let page = transport
        .send(get(authorize_url)?)
        .map_err(|e| format!("consent page: {e}"))?;
    if page.status() != 200 {
        return Err(format!("consent page answered {}", page.status()));
    }
    let html = String::from_utf8_lossy(page.body());
    let action = attribute(
        html.split("<form").nth(1).ok_or("no form on the page")?,
        "action",
    )
    .ok_or("the form has no action")?;
    let target = url::Url::parse(authorize_url)
        .and_then(|base| base.join(&action))
        .map_err(|e| format!("form action: {e}"))?;
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in hidden_fields(&html) {
        form.append_pair(&name, &value);
    }
    form.append_pair("approve", button);
    let post = http::Request::post(target.as_str())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.finish().into_bytes())
        .map_err(|e| format!("form post: {e}"))?;
    transport.send(post).map_err(|e| format!("form post: {e}"))
}

/// The `name`/`value` pairs of a page's `<input type="hidden">` fields, in order.
pub fn hidden_fields(page: &str) -> Vec<(String, String)> {
    page.split("<input")
        .skip(1)
        .filter(|chunk| attribute(chunk, "type").as_deref() == Some("hidden"))
        .filter_map(|chunk| Some((attribute(chunk, "name")?, attribute(chunk, "value")?)))
        .collect()
}

/// The text of the first `<pre>` of a page (display mode shows the token there, SPEC S1.3).
pub fn first_pre(page: &str) -> Option<String> {
    let start = page.find("<pre")?;
    let open_end = page[start..].find('>')? + start + 1;
    let close = page[open_end..].find("</pre>")? + open_end;
    Some(unescape(page[open_end..close].trim()))
}

/// The value of `name="…"` in the start of a tag, HTML-unescaped.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn get(url: &str) -> Result<Request, String> {
    http::Request::get(url)
        .body(Vec::new())
        .map_err(|e| format!("bad URL: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_hidden_fields_and_pre() {
        let page = r#"<form method="post" action="/1/token/approve"><input type="hidden" name="a" value="x&amp;y"><input name="b" type="hidden" value="2"><input type="submit" name="approve" value="Allow"></form><pre> tok&lt;en </pre>"#;
        assert_eq!(
            hidden_fields(page),
            [("a".into(), "x&y".into()), ("b".into(), "2".into())]
        );
        assert_eq!(first_pre(page).as_deref(), Some("tok<en"));
        assert_eq!(
            attribute(&page[5..], "action").as_deref(),
            Some("/1/token/approve")
        );
    }
}
