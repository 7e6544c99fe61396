//! The root [`Error`]: every module's error converts into it unchanged (same code, same
//! message), so what each module's tests check about its messages (no secret, advice that
//! says what to do) holds for the root error too; and Trello's refusals map to their variants.

use super::*;
use crate::shape::Shape;
use crate::transport::TransportErrorKind;

/// Converts `error` and checks that the root error keeps its code and its message.
fn keeps<E: std::fmt::Display + Into<Error>>(error: E, code: &str) {
    let message = error.to_string();
    let root: Error = error.into();
    assert_eq!(root.code(), code, "{message}");
    assert_eq!(root.to_string(), message);
}

#[test]
fn every_module_error_converts_unchanged() {
    keeps(
        ConfigError::InvalidKey {
            found: Shape::Other(3),
        },
        "invalid_key",
    );
    keeps(CaptureError::Empty, "empty");
    keeps(
        OAuthError::InvalidRequest { reason: "x" },
        "invalid_request",
    );
    keeps(OAuth2Error::StateMismatch, "state_mismatch");
    keeps(
        OAuth2Error::Endpoint {
            error: crate::oauth2::EndpointError::InvalidGrant,
            status: 403,
        },
        "invalid_grant",
    );
    keeps(PlacementError::InsecureScheme, "insecure_scheme");
    keeps(
        TransportError::new(TransportErrorKind::Connect),
        "transport",
    );
    keeps(
        crate::token::decode::<u8>(b"not json").unwrap_err(),
        "decode",
    );
}

#[test]
fn refusals_map_to_their_variants_and_success_to_none() {
    assert!(Error::from_verdict(&Verdict::Success).is_none());
    let dead = Verdict::TokenRejected {
        reason: TokenRejection::Expired,
    };
    let err = Error::from_verdict(&dead).unwrap();
    assert!(err.is_token_rejected());
    assert_eq!(err.to_string(), "token expired: re-authorize");
    assert!(!Error::KeyRejected.is_token_rejected());
    assert!(!Error::NotFound.is_token_rejected());
    let err = Error::from_verdict(&Verdict::ServerError {
        status: 503,
        retry_after: None,
    })
    .unwrap();
    assert_eq!(
        (err.code(), err.to_string().as_str()),
        (
            "server_error",
            "server error 503: Trello is failing; retry later"
        )
    );
}
