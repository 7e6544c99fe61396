//! Allowed-origin patterns: exact origins and subdomain wildcards.

use super::*;

fn m(p: &str, u: &str) -> bool {
    OriginPattern::parse(p)
        .unwrap()
        .matches(&Url::parse(u).unwrap())
}

#[test]
fn exact_origin_matches_scheme_host_and_port() {
    assert!(m("http://localhost:8080", "http://localhost:8080/cb"));
    assert!(m("http://LOCALHOST:8080", "http://localhost:8080/cb"));
    assert!(!m("http://localhost:8080", "http://localhost:8081/cb"));
    assert!(!m("http://localhost:8080", "https://localhost:8080/cb"));
    assert!(m("https://example.com", "https://example.com:443/x"));
}

#[test]
fn wildcard_matches_subdomains_only() {
    assert!(m("https://*.example.com", "https://a.example.com/cb"));
    assert!(m("https://*.example.com", "https://a.b.example.com/cb"));
    assert!(!m("https://*.example.com", "https://example.com/cb"));
    assert!(!m("https://*.example.com", "https://evilexample.com/cb"));
    assert!(!m("https://*.example.com", "http://a.example.com/cb"));
}

#[test]
fn bare_star_and_garbage_are_refused() {
    assert_eq!(OriginPattern::parse("*"), Err(OriginError::BareWildcard));
    assert!(OriginPattern::parse("localhost:8080").is_err());
    assert!(OriginPattern::parse("http://a.com/path").is_err());
    assert!(OriginPattern::parse("ftp://a.com").is_err());
}
