//! The consent-page reader: the sandbox's own pages, markup variants a restyle may bring, pages
//! that are not consent pages, and no input that panics.

use proptest::prelude::*;

use super::*;
use crate::html::{self, Consent};
use crate::model::{Expiration, Scopes};

fn fields() -> Vec<(String, String)> {
    vec![
        (
            "key".to_owned(),
            "0123456789abcdef0123456789abcdef".to_owned(),
        ),
        ("name".to_owned(), "<My \"App\"> & 'co'".to_owned()),
        (
            "return_url".to_owned(),
            "http://localhost:8080/cb?a=1&b=2".to_owned(),
        ),
        ("requestKey".to_owned(), "abc".to_owned()),
    ]
}

#[test]
fn reads_the_sandboxs_consent_page() {
    let fields = fields();
    let page = html::consent(&Consent {
        app_name: "<My \"App\"> & 'co'",
        username: "alice",
        scopes: Scopes::READ_WRITE,
        expiration: Expiration::OneDay,
        fields: &fields,
    });
    let form = ConsentForm::parse(&page.html).unwrap();
    assert_eq!(form.action(), "/1/token/approve");
    assert_eq!(form.fields(), fields.as_slice());
    assert_eq!(form.buttons(), ["Allow", "Deny"]);
    let (action, body) = form.submission("Deny").unwrap();
    assert_eq!(action, "/1/token/approve");
    let sent: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let mut expected = fields.clone();
    expected.push(("approve".to_owned(), "Deny".to_owned()));
    assert_eq!(sent, expected);
}

#[test]
fn reads_the_pages_that_show_a_secret() {
    let page = html::show_secret("token", "ATTA<&>0123");
    assert_eq!(first_pre(&page.html).as_deref(), Some("ATTA<&>0123"));
    assert!(ConsentForm::parse(&page.html).is_err());
    assert_eq!(first_pre(&html::message("Denied", "no").html), None);
}

#[test]
fn markup_variants_a_restyle_may_bring() {
    // Attributes in any order and quoting, upper-case names, `<button>` controls, a
    // self-closing input, entities in values, and a reset button that is not a submit.
    let page = r#"<!doctype html><FORM class=x ACTION='/1/token/approve' Method=POST>
        <input value="1&#39;2&#x26;3" name=a type=HIDDEN />
        <input type="text" name="ignored" value="typed">
        <Button class="primary" name="approve" value="Allow" type="submit">Allow</Button>
        <button name="approve" value="Deny">Deny</button>
        <button type="reset" name="approve" value="Reset">Reset</button>
        </form>"#;
    let form = ConsentForm::parse(page).unwrap();
    assert_eq!(form.action(), "/1/token/approve");
    assert_eq!(form.fields(), [("a".to_owned(), "1'2&3".to_owned())]);
    assert_eq!(form.buttons(), ["Allow", "Deny"]);
}

#[test]
fn skips_comments_scripts_styles_and_forms_that_are_not_the_consent_form() {
    let page = r#"<style>.a::before { content: "<form method=post action=/x>" }</style>
        <!-- <form method="post" action="/commented"><input type="submit" name="approve" value="Allow"></form> -->
        <script>document.write('<form method="post" action="/scripted">')</script>
        <form action="/search"><input type="submit" name="approve" value="Allow"></form>
        <form method="post" action="/other"><input type="submit" value="Go"></form>
        <form method="post" action="/1/token/approve"><input type="submit" name="approve" value="Allow"></form>"#;
    let form = ConsentForm::parse(page).unwrap();
    assert_eq!(form.action(), "/1/token/approve");
    assert!(form.fields().is_empty());
}

#[test]
fn pages_without_a_consent_form_are_errors() {
    let error_page = html::error_page("Invalid return_url.");
    for page in [
        error_page.html.as_str(),
        "",
        "<form method=post action=/1/token/approve><input type=submit value=Allow></form>",
        "<form method=post><input type=submit name=approve value=Allow></form>",
        "<form method=post action=/a><input type=submit name=approve value=Allow",
    ] {
        let err = ConsentForm::parse(page).unwrap_err();
        assert!(matches!(err, Error::ConsentPage(_)), "{page}");
        assert!(err.to_string().starts_with("not a usable consent page: "));
    }
    // An unclosed form ends with the document.
    let form = ConsentForm::parse(
        "<form method=post action=/a><input type=submit name=approve value=Allow>",
    )
    .unwrap();
    assert_eq!(form.action(), "/a");
}

#[test]
fn a_button_the_form_does_not_offer_is_refused() {
    let form = ConsentForm::parse(
        "<form method=post action=/a><input type=submit name=approve value=Allow></form>",
    )
    .unwrap();
    let err = form.submission("Deny").unwrap_err();
    assert_eq!(
        err.to_string(),
        "not a usable consent page: the form offers no \"Deny\" button"
    );
}

#[test]
fn first_pre_reads_the_first_complete_pre() {
    assert_eq!(
        first_pre("<PRE class=\"secret\">\n  <code>ATTA&amp;1</code>\n</pre><pre>second</pre>")
            .as_deref(),
        Some("ATTA&1")
    );
    assert_eq!(
        first_pre("<script>'<pre>x</pre>'</script><pre>y</pre>").as_deref(),
        Some("y")
    );
    assert_eq!(first_pre("<pre>never closed"), None);
    assert_eq!(first_pre("<p>nothing</p>"), None);
}

#[test]
fn unescape_keeps_what_it_does_not_know() {
    assert_eq!(
        unescape("a &amp; b &copy; &#9999999; & c;"),
        "a & b &copy; &#9999999; & c;"
    );
    assert_eq!(unescape("&lt;&gt;&quot;&#39;&apos;"), "<>\"''");
}

#[test]
fn debug_redacts_the_anti_forgery_value() {
    let form = ConsentForm::parse(
        "<form method=post action=/a><input type=hidden name=requestKey value=s3cr3t>\
         <input type=submit name=approve value=Allow></form>",
    )
    .unwrap();
    let shown = format!("{form:?}");
    assert!(!shown.contains("s3cr3t"), "{shown}");
    assert!(shown.contains("requestKey"), "{shown}");
}

proptest! {
    #[test]
    fn no_input_panics(page in any::<String>()) {
        let _ = ConsentForm::parse(&page);
        let _ = first_pre(&page);
    }

    #[test]
    fn no_markup_soup_panics(parts in prop::collection::vec(prop::sample::select(vec![
        "<", ">", "</", "<!--", "-->", "<!", "=", "\"", "'", " ", "/", "&", ";", "&#", "x",
        "form", "input", "button", "pre", "script", "style", "type", "hidden", "submit",
        "name", "approve", "value", "method", "post", "action", "é", "\u{1F600}",
    ]), 0..60)) {
        let page = parts.concat();
        let _ = ConsentForm::parse(&page);
        let _ = first_pre(&page);
    }
}
