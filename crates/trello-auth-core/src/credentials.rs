//! STUB
#![allow(missing_docs)]
#[derive(Debug, thiserror::Error)]
#[error("stub")]
pub enum PlacementError {}
impl PlacementError { pub fn code(&self) -> &'static str { "" } }
pub struct Credentials;
pub enum Placement {}
