//! STUB: replaced by the capture work.
#![allow(missing_docs)]
use crate::Token;
#[derive(Debug, thiserror::Error)]
#[error("stub")]
pub enum CaptureError {}
impl CaptureError {
    pub fn code(&self) -> &'static str {
        ""
    }
}
pub fn parse_fragment(_: &str) -> Result<Token, CaptureError> {
    todo!()
}
pub fn parse_post_message(_: &str, _: &str) -> Result<Token, CaptureError> {
    todo!()
}
pub fn parse_pasted_token(_: &str) -> Result<Token, CaptureError> {
    todo!()
}
