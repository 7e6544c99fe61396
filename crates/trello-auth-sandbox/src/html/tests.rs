//! The consent page: escaping, and its one form with Allow and Deny.

use super::*;

#[test]
fn escaping_blocks_markup_and_script_breakout() {
    assert_eq!(
        escape("<a href=\"x\">&'"),
        "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
    );
    assert_eq!(js_string("</script>"), "\"\\u003c/script\\u003e\"");
}

#[test]
fn consent_has_one_form_with_allow_and_deny() {
    let fields = vec![("requestKey".to_owned(), "abc".to_owned())];
    let p = consent(&Consent {
        app_name: "<My App>",
        username: "u",
        scopes: Scopes::READ_WRITE,
        expiration: Expiration::OneDay,
        fields: &fields,
    });
    assert_eq!(p.matches("<form").count(), 1);
    assert!(p.contains("name=\"approve\" value=\"Allow\""));
    assert!(p.contains("name=\"approve\" value=\"Deny\""));
    assert!(p.contains("&lt;My App&gt;"));
    assert!(p.contains("name=\"requestKey\" value=\"abc\""));
}
