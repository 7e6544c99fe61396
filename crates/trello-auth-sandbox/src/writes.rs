//! Applied writes per request id: every `POST`, `PUT` or `DELETE` that a route served with a
//! 2xx, counted under its `X-Request-Id` header, or when it has none under the request itself
//! (`METHOD path body`, credentials redacted as in the request log), so that the same write
//! sent twice counts twice whichever client sent it. A client that resends a write it should
//! not (after a failure that came after the work was done) shows up as a count of 2, which is
//! what the fault matrix checks. The last 10,000 ids are kept.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;

use http::Method;

use crate::request::Req;
use crate::request_log::{redact_body, redact_path_and_query};

/// The request header a write is counted under.
pub const REQUEST_ID: &str = "x-request-id";

/// How many ids are kept: the oldest is forgotten first (as the request log keeps the last
/// 10,000 requests), so a long run's memory stays flat.
const KEPT: usize = 10_000;

/// The counts, by request id, and the ids in the order they were first seen.
#[derive(Debug, Default)]
pub(crate) struct AppliedWrites {
    counts: Mutex<(HashMap<String, u32>, VecDeque<String>)>,
}

impl AppliedWrites {
    /// Counts a request the route answered with `status`, if it is a write.
    pub(crate) fn record(&self, req: &Req, status: http::StatusCode) {
        let write = matches!(*req.method(), Method::POST | Method::PUT | Method::DELETE);
        if !write || !status.is_success() {
            return;
        }
        let id = match req
            .parts
            .headers
            .get(REQUEST_ID)
            .and_then(|v| v.to_str().ok())
        {
            Some(id) => id.to_owned(),
            None => {
                let path = redact_path_and_query(req.path(), req.query());
                match req.body.is_empty() {
                    true => format!("{} {path}", req.method()),
                    false => {
                        let body = redact_body(&req.body, req.is_json());
                        format!("{} {path} {body}", req.method())
                    }
                }
            }
        };
        let mut guard = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        let (counts, order) = &mut *guard;
        if let Some(n) = counts.get_mut(&id) {
            *n += 1;
            return;
        }
        if order.len() >= KEPT {
            if let Some(oldest) = order.pop_front() {
                counts.remove(&oldest);
            }
        }
        order.push_back(id.clone());
        counts.insert(id, 1);
    }

    /// Every id with its count.
    pub(crate) fn snapshot(&self) -> BTreeMap<String, u32> {
        let guard = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        guard.0.iter().map(|(k, v)| (k.clone(), *v)).collect()
    }

    /// Forgets every count.
    pub(crate) fn clear(&self) {
        let mut guard = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        guard.0.clear();
        guard.1.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: Method, uri: &str, id: Option<&str>, body: &str) -> Req {
        let mut b = http::Request::builder().method(method).uri(uri);
        if let Some(id) = id {
            b = b.header(REQUEST_ID, id);
        }
        Req {
            parts: b.body(()).unwrap().into_parts().0,
            body: bytes::Bytes::from(body.to_owned()),
            scheme: "http",
            peer: ([127, 0, 0, 1], 1).into(),
            listener: crate::model::Listener::Api,
        }
    }

    #[test]
    fn served_writes_count_by_id_or_by_themselves_without_credentials() {
        let w = AppliedWrites::default();
        let ok = http::StatusCode::OK;
        w.record(&req(Method::POST, "/1/cards", Some("a"), ""), ok);
        w.record(&req(Method::POST, "/1/cards?name=x", Some("a"), ""), ok);
        let refused = http::StatusCode::BAD_REQUEST;
        w.record(&req(Method::PUT, "/1/cards", Some("b"), ""), refused);
        w.record(&req(Method::GET, "/1/cards", Some("c"), ""), ok);
        let canary = "0123456789abcdef0123456789abcdef";
        let card = format!("/1/cards?name=Once&key={canary}");
        w.record(&req(Method::POST, &card, None, ""), ok);
        w.record(&req(Method::POST, &card, None, ""), ok);
        w.record(&req(Method::DELETE, "/1/cards/1", None, "{}"), ok);
        let counts = w.snapshot();
        assert_eq!(counts["a"], 2);
        assert_eq!(counts["POST /1/cards?name=Once&key=[redacted]"], 2);
        assert_eq!(counts["DELETE /1/cards/1 {}"], 1);
        assert_eq!(counts.len(), 3);
        assert!(!format!("{counts:?}").contains(canary));
        w.clear();
        assert!(w.snapshot().is_empty());
    }

    #[test]
    fn the_oldest_ids_are_forgotten_past_the_bound() {
        let w = AppliedWrites::default();
        for i in 0..KEPT + 5 {
            w.record(
                &req(Method::POST, "/1/cards", Some(&i.to_string()), ""),
                http::StatusCode::OK,
            );
        }
        let counts = w.snapshot();
        assert_eq!(counts.len(), KEPT);
        assert!(!counts.contains_key("0") && !counts.contains_key("4"));
        assert_eq!(counts[&(KEPT + 4).to_string()], 1);
    }
}
