//! STUB
#![allow(missing_docs)]
#[derive(Debug, thiserror::Error)]
#[error("stub")]
pub struct TransportError;
impl TransportError { pub fn code(&self) -> &'static str { "" } }
pub trait Transport {}
pub trait BlockingTransport {}
