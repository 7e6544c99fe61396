//! STUB: replaced by the OAuth 1.0a work.
#![allow(missing_docs)]
#[derive(Debug, thiserror::Error)]
#[error("stub")]
pub enum OAuthError {}
impl OAuthError {
    pub fn code(&self) -> &'static str {
        ""
    }
}
