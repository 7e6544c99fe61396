//! Unit tests of the hyper transport's configuration and error mapping.

use super::*;

#[test]
fn bad_pem_fails_the_build() {
    let err = HyperTransport::builder()
        .add_root_certificate_pem("not a certificate")
        .build()
        .unwrap_err();
    assert_eq!(err.code(), "transport_config");
    let err = HyperTransport::builder()
        .add_root_certificate_pem("-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n")
        .build()
        .unwrap_err();
    assert_eq!(err.code(), "transport_config");
}

#[test]
fn no_roots_fails_the_build() {
    let err = HyperTransport::builder()
        .tls_built_in_root_certs(false)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("no root certificate"), "{err}");
}

#[test]
fn own_client_refuses_connect_settings() {
    let client = Client::builder(TokioExecutor::new()).build_http::<Body>();
    let err = HyperTransport::builder()
        .connect_timeout(Duration::from_secs(1))
        .build_with_client(client.clone())
        .unwrap_err();
    assert_eq!(err.code(), "transport_config");
    assert!(HyperTransport::builder()
        .timeout(Duration::from_secs(1))
        .build_with_client(client)
        .is_ok());
}

#[test]
fn io_errors_map_by_kind_and_drop_their_message() {
    for (io_kind, want) in [
        (io::ErrorKind::TimedOut, TransportErrorKind::Timeout),
        (io::ErrorKind::ConnectionReset, TransportErrorKind::Io),
        (io::ErrorKind::Other, TransportErrorKind::Io),
    ] {
        let mapped = sanitize(&io::Error::new(io_kind, "https://x/?token=CANARY"));
        assert_eq!(mapped.kind(), want, "{io_kind:?}");
        assert!(!format!("{:?} {}", mapped, mapped.source().unwrap()).contains("CANARY"));
    }
}

#[test]
fn tls_errors_inside_io_are_tls() {
    let inner = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
    let err = io::Error::new(io::ErrorKind::InvalidData, inner);
    // As hyper-rustls's connector hands it over (found by the fault matrix: it was "connect").
    let wrapped = io::Error::other(io::Error::new(
        io::ErrorKind::InvalidData,
        rustls::Error::InvalidCertificate(rustls::CertificateError::BadSignature),
    ));
    assert_eq!(sanitize(&wrapped).kind(), TransportErrorKind::Tls);
    let mapped = sanitize(&err);
    assert_eq!(mapped.kind(), TransportErrorKind::Tls);
    assert!(mapped
        .source()
        .unwrap()
        .to_string()
        .contains("not signed by a trusted root"));
}
