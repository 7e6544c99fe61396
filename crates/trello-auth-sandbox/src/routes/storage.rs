//! The storage origin: a second listener that serves attachment files after the download's
//! 302 (SPEC S3.4). Whether credentials followed the redirect is recorded in the request log.

use http::{Method, StatusCode};

use crate::request::Req;
use crate::response::{self, Response};
use crate::state::{lock, State};

/// The bytes of every attachment.
pub(crate) const FILE_BODY: &str = "Hello from the Trello sandbox storage.\n";

/// `GET /attachments/{idAttachment}/{file}`.
pub(crate) fn handle(state: &State, req: &Req) -> Response {
    let segs: Vec<&str> = req.path().trim_start_matches('/').split('/').collect();
    if req.method() != Method::GET {
        return response::not_found();
    }
    let ["attachments", att, file] = segs.as_slice() else {
        return response::not_found();
    };
    let exists = lock(&state.world)
        .cards
        .values()
        .flat_map(|c| c.attachments.iter())
        .any(|a| a.id == *att && a.name == *file);
    if exists {
        response::text(StatusCode::OK, FILE_BODY)
    } else {
        response::not_found()
    }
}
