//! [`TrustRoots`]: which root certificates a transport trusts, as its builder collects them.

use std::fmt;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

/// The root certificates a transport trusts: the built-in (webpki, Mozilla) set unless turned
/// off, plus certificates added from PEM (such as the sandbox's CA). The transport builders of
/// `trello-auth-hyper` and `trello-auth-ureq` collect them here, then turn them into their TLS
/// library's form.
///
/// Adding never fails on the spot (builders chain): a bad bundle is remembered and reported by
/// [`check`](Self::check), which the builders call when they build.
///
/// ```
/// use trello_auth_net::TrustRoots;
///
/// let mut roots = TrustRoots::default();
/// assert!(roots.is_default() && roots.check().is_ok());
/// roots.add_pem("not PEM at all");
/// assert_eq!(roots.check(), Err("the root certificate PEM holds no certificate"));
///
/// let mut only_mine = TrustRoots::default();
/// only_mine.set_built_in(false);
/// assert!(only_mine.check().unwrap_err().starts_with("no root certificate is trusted"));
/// ```
#[derive(Clone)]
pub struct TrustRoots {
    built_in: bool,
    extra: Vec<CertificateDer<'static>>,
    error: Option<&'static str>,
}

impl Default for TrustRoots {
    /// The built-in roots only.
    fn default() -> Self {
        Self {
            built_in: true,
            extra: Vec::new(),
            error: None,
        }
    }
}

impl fmt::Debug for TrustRoots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrustRoots")
            .field("built_in", &self.built_in)
            .field("extra", &self.extra.len())
            .field("error", &self.error)
            .finish()
    }
}

impl TrustRoots {
    /// Adds every certificate of a PEM bundle. A bundle with a malformed certificate, or with
    /// none, adds nothing and makes [`check`](Self::check) fail.
    pub fn add_pem(&mut self, pem: &str) {
        let parsed: Result<Vec<_>, _> = CertificateDer::pem_slice_iter(pem.as_bytes()).collect();
        match parsed {
            Ok(certs) if certs.is_empty() => {
                self.error = Some("the root certificate PEM holds no certificate");
            }
            Ok(certs) => self.extra.extend(certs),
            Err(_) => self.error = Some("a root certificate is not valid PEM"),
        }
    }

    /// Whether the built-in roots are trusted (default `true`).
    pub fn set_built_in(&mut self, enabled: bool) {
        self.built_in = enabled;
    }

    /// Whether the built-in roots are trusted.
    pub fn built_in(&self) -> bool {
        self.built_in
    }

    /// The certificates added from PEM, in order (DER).
    pub fn extra(&self) -> &[CertificateDer<'static>] {
        &self.extra
    }

    /// `true` when nothing was changed: the built-in roots only. A transport built around the
    /// caller's own client accepts only this, since its trust is the client's.
    pub fn is_default(&self) -> bool {
        self.built_in && self.extra.is_empty() && self.error.is_none()
    }

    /// `Ok` when the roots can be used: every added bundle was valid, and some root is trusted.
    /// Otherwise what is wrong, for the transport's configuration error.
    pub fn check(&self) -> Result<(), &'static str> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if !self.built_in && self.extra.is_empty() {
            return Err("no root certificate is trusted: keep the built-in roots or add one");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
