//! [`describe_tls`]: what went wrong in a TLS handshake, in words a user can act on.

use rustls::CertificateError as C;

/// A static description of `error` for a transport's error source: rustls errors can name the
/// host, so the transports keep this instead of the error itself.
///
/// ```
/// use rustls::{CertificateError, Error};
/// use trello_auth_net::describe_tls;
///
/// let expired = Error::InvalidCertificate(CertificateError::Expired);
/// assert_eq!(describe_tls(&expired), "the server's certificate has expired");
/// assert_eq!(describe_tls(&Error::HandshakeNotComplete), "the TLS handshake failed");
/// ```
pub fn describe_tls(error: &rustls::Error) -> &'static str {
    match error {
        rustls::Error::InvalidCertificate(C::UnknownIssuer) => {
            "the server's certificate is not signed by a trusted root (add the CA with add_root_certificate_pem)"
        }
        rustls::Error::InvalidCertificate(C::NotValidForName)
        | rustls::Error::InvalidCertificate(C::NotValidForNameContext { .. }) => {
            "the server's certificate is not valid for this host name"
        }
        rustls::Error::InvalidCertificate(C::Expired)
        | rustls::Error::InvalidCertificate(C::ExpiredContext { .. }) => {
            "the server's certificate has expired"
        }
        rustls::Error::InvalidCertificate(_) => "the server's certificate was rejected",
        rustls::Error::AlertReceived(_) => "the server sent a TLS alert",
        rustls::Error::NoApplicationProtocol => "the server speaks neither h2 nor http/1.1",
        _ => "the TLS handshake failed",
    }
}
