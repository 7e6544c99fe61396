//! PKCE S256 against RFC 7636 Appendix B's example, and the verifier's shape.

use super::*;

#[test]
fn rfc7636_appendix_b() {
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    assert_eq!(s256(verifier), challenge);
    assert!(verify(verifier, challenge));
    assert!(challenge_well_formed(challenge));
    assert!(!verify(
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXK",
        challenge
    ));
    assert!(!verify("short", &s256("short")));
    assert!(!verifier_well_formed(&"a".repeat(129)));
    assert!(verifier_well_formed(&"a~.-_".repeat(9)));
}
