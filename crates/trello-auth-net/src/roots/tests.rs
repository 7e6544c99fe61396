//! `TrustRoots`: what a PEM bundle adds, what makes `check` fail, and no panic on any input.

use proptest::prelude::*;

use super::*;

/// PEM framing around arbitrary DER bytes: the PEM layer does not read X.509.
fn pem(der_base64: &str) -> String {
    format!("-----BEGIN CERTIFICATE-----\n{der_base64}\n-----END CERTIFICATE-----\n")
}

#[test]
fn the_default_trusts_the_built_in_roots_only() {
    let roots = TrustRoots::default();
    assert!(roots.is_default() && roots.built_in() && roots.extra().is_empty());
    assert_eq!(roots.check(), Ok(()));
}

#[test]
fn a_bundle_adds_each_certificate_in_order() {
    let mut roots = TrustRoots::default();
    roots.add_pem(&format!("{}{}", pem("AQID"), pem("BAUG")));
    let extra: Vec<&[u8]> = roots.extra().iter().map(|c| c.as_ref()).collect();
    assert_eq!(extra, [&[1u8, 2, 3][..], &[4, 5, 6][..]]);
    assert_eq!(roots.check(), Ok(()));
    assert!(!roots.is_default());
}

#[test]
fn a_malformed_or_empty_bundle_adds_nothing_and_fails_the_check() {
    let mut roots = TrustRoots::default();
    roots.add_pem(&pem("not base64 !"));
    assert!(roots.extra().is_empty());
    assert_eq!(roots.check(), Err("a root certificate is not valid PEM"));

    let mut roots = TrustRoots::default();
    roots.add_pem("just text");
    assert_eq!(
        roots.check(),
        Err("the root certificate PEM holds no certificate")
    );
    // The failure stays when a good bundle follows: the configuration is still wrong.
    roots.add_pem(&pem("AQID"));
    assert!(roots.check().is_err());
    assert!(!roots.is_default());
}

#[test]
fn turning_off_the_built_in_roots_needs_another_root() {
    let mut roots = TrustRoots::default();
    roots.set_built_in(false);
    assert_eq!(
        roots.check(),
        Err("no root certificate is trusted: keep the built-in roots or add one")
    );
    roots.add_pem(&pem("AQID"));
    assert_eq!(roots.check(), Ok(()));
}

proptest! {
    /// Any text is either added or reported, never a panic; a reported bundle adds nothing.
    #[test]
    fn add_pem_never_panics(text in "(-----(BEGIN|END) CERTIFICATE-----|[A-Za-z0-9+/=\n ]{0,40}){0,6}") {
        let mut roots = TrustRoots::default();
        roots.add_pem(&text);
        if roots.check().is_err() {
            prop_assert!(roots.extra().is_empty());
        }
    }
}
