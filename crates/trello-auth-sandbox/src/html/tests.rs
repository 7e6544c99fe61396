//! The pages: escaping, the consent page's one form with Allow and Deny, and the contract that
//! tests and scrapers read (see the module docs).

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
    })
    .html;
    assert_eq!(p.matches("<form").count(), 1);
    assert!(p.contains("<form method=\"post\" action=\"/1/token/approve\">"));
    assert!(p.contains("<input type=\"submit\" name=\"approve\" value=\"Allow\""));
    assert!(p.contains("<input type=\"submit\" name=\"approve\" value=\"Deny\""));
    assert!(p.contains("<span class=\"app-name\">&lt;My App&gt;</span>"));
    assert!(p.contains("<span class=\"username\">u</span>"));
    assert!(p.contains("<input type=\"hidden\" name=\"requestKey\" value=\"abc\">"));
    assert!(p.contains("class=\"scope\" data-scope=\"read\""));
    assert!(p.contains("class=\"scope\" data-scope=\"write\""));
    assert!(!p.contains("data-scope=\"account\""));
    assert!(p.contains("data-expiration=\"1day\""));
    assert!(p.contains("<strong>1 day</strong>"));
}

#[test]
fn pages_are_self_contained_and_readable_on_a_phone() {
    let fields = Vec::new();
    let pages = [
        consent(&Consent {
            app_name: "A",
            username: "u",
            scopes: Scopes::READ,
            expiration: Expiration::Never,
            fields: &fields,
        }),
        show_secret("token", "t"),
        message("Token request rejected", "Token request rejected"),
        post_message("\"t\"", "http://localhost:8080"),
        error_page("Invalid return_url."),
    ];
    for page in &pages {
        let p = &page.html;
        assert!(
            p.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"),
            "{p}"
        );
        assert!(p.contains("<style>") && p.contains("Trello</span><span class=\"badge\">Sandbox"));
        for external in ["src=", "href=", "url(", "@import", "@font-face"] {
            assert!(!p.contains(external), "{external} in {p}");
        }
    }
    // Only the postMessage page may run a script: its own.
    for (i, page) in pages.iter().enumerate() {
        assert_eq!(page.html.contains("<script>"), i == 3);
        assert_eq!(page.csp.contains("script-src"), i == 3);
    }
}

#[test]
fn pages_are_served_with_their_policy_and_not_cached() {
    let r = show_secret("token", "t").respond(StatusCode::OK);
    assert_eq!(
        r.headers()["content-security-policy"],
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    );
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let r = post_message("\"t\"", "http://localhost:8080").respond(StatusCode::OK);
    assert!(r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("script-src 'unsafe-inline'"));
}

#[test]
fn the_secret_is_the_first_pre_and_the_post_message_call_is_one_line() {
    let p = show_secret("verifier", "v&1").html;
    assert_eq!(p.matches("<pre").count(), 1);
    assert!(p.contains("<pre>v&amp;1</pre>"));
    let p = post_message("{\"error\":\"x\"}", "http://localhost:8080").html;
    assert!(
        p.contains("\nwindow.opener.postMessage({\"error\":\"x\"}, \"http://localhost:8080\");\n")
    );
}
