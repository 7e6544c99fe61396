//! Unit tests of the ureq transport's configuration and error mapping.

use std::error::Error as _;

use super::*;

#[test]
fn bad_pem_fails_the_build() {
    for pem in [
        "not a certificate",
        "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
    ] {
        let err = UreqTransport::builder()
            .add_root_certificate_pem(pem)
            .build()
            .unwrap_err();
        assert_eq!(err.code(), "transport_config");
    }
}

#[test]
fn no_roots_fails_the_build() {
    let err = UreqTransport::builder()
        .tls_built_in_root_certs(false)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("no root certificate"), "{err}");
}

#[test]
fn the_default_agent_needs_no_override() {
    let transport = UreqTransport::new();
    assert!(!transport.override_config);
    assert_eq!(transport.agent.config().max_redirects(), 0);
    assert!(!transport.agent.config().http_status_as_error());
}

#[test]
fn a_following_agent_is_overridden_per_request() {
    let transport = UreqTransport::from_agent(Agent::new_with_defaults());
    assert!(transport.override_config);
}

#[test]
fn own_agent_refuses_timeouts_and_roots() {
    let err = UreqTransport::builder()
        .timeout(Duration::from_secs(1))
        .build_with_agent(Agent::new_with_defaults())
        .unwrap_err();
    assert_eq!(err.code(), "transport_config");
    assert!(UreqTransport::builder()
        .max_response_bytes(10)
        .build_with_agent(Agent::new_with_defaults())
        .is_ok());
}

#[test]
fn ureq_errors_lose_their_text() {
    let canary = "https://api.trello.com/?token=CANARY";
    let cases = [
        (
            ureq::Error::BadUri(canary.into()),
            TransportErrorKind::Refused,
        ),
        (
            ureq::Error::Io(std::io::Error::other(canary)),
            TransportErrorKind::Io,
        ),
        (ureq::Error::HostNotFound, TransportErrorKind::Connect),
        (
            ureq::Error::Timeout(ureq::Timeout::Global),
            TransportErrorKind::Timeout,
        ),
        (
            ureq::Error::BodyExceedsLimit(1),
            TransportErrorKind::Protocol,
        ),
        (
            ureq::Error::Rustls(rustls::Error::InvalidCertificate(
                rustls::CertificateError::UnknownIssuer,
            )),
            TransportErrorKind::Tls,
        ),
    ];
    for (error, want) in cases {
        let mapped = sanitize(error);
        assert_eq!(mapped.kind(), want);
        let text = format!("{mapped} {mapped:?} {}", mapped.source().unwrap());
        assert!(!text.contains("CANARY"), "{text}");
    }
}
