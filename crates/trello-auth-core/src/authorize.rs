//! STUB: replaced by the authorize-URL work.
#![allow(missing_docs)]
pub struct AuthorizeUrl;
pub enum Delivery {}
pub enum Expiration {}
pub enum Scope {}
pub struct Scopes;
