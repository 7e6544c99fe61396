//! The listeners and connections: accept loops for the API/auth origin and the storage origin,
//! optional TLS, hyper's auto (HTTP/1.1 + HTTP/2) connections, body limits, faults, the request
//! log, and graceful shutdown.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::CONTENT_LENGTH;
use http::StatusCode;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch, Notify};
use tokio_rustls::TlsAcceptor;

use crate::model::{Fault, Listener};
use crate::request::{Meta, Params, Req};
use crate::request_log;
use crate::response::{self, Response};
use crate::routes;
use crate::state::State;

/// How long a client may take to send a request's headers (and the TLS handshake).
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long shutdown waits for open connections before dropping them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// Bound (std) listeners, handed to the runtime that serves them.
#[derive(Debug)]
pub(crate) struct Bound {
    pub(crate) api: std::net::TcpListener,
    pub(crate) storage: std::net::TcpListener,
    pub(crate) tls: Option<Arc<rustls::ServerConfig>>,
}

#[derive(Debug, Clone, Copy)]
struct ConnInfo {
    peer: SocketAddr,
    listener: Listener,
    scheme: &'static str,
}

/// Serves until `shutdown` turns true (or its sender is dropped), then stops accepting and
/// gives open connections [`SHUTDOWN_GRACE`] to finish.
pub(crate) async fn run(state: Arc<State>, bound: Bound, mut shutdown: watch::Receiver<bool>) {
    let (Ok(api), Ok(storage)) = (
        TcpListener::from_std(bound.api),
        TcpListener::from_std(bound.storage),
    ) else {
        return;
    };
    let acceptor = bound.tls.map(TlsAcceptor::from);
    let scheme = if acceptor.is_some() { "https" } else { "http" };
    let (open_tx, mut open_rx) = mpsc::channel::<()>(1);
    loop {
        let (accepted, listener) = tokio::select! {
            r = api.accept() => (r, Listener::Api),
            r = storage.accept() => (r, Listener::Storage),
            _ = shutdown.changed() => break,
        };
        // Accept errors (e.g. too many open files) are transient: keep serving.
        let Ok((stream, peer)) = accepted else {
            continue;
        };
        let info = ConnInfo {
            peer,
            listener,
            scheme,
        };
        let conn = Conn {
            info,
            server_down: shutdown.clone(),
            _open: open_tx.clone(),
        };
        spawn_connection(state.clone(), stream, acceptor.clone(), conn);
    }
    drop(api);
    drop(storage);
    // Every connection holds a sender: `recv` answers `None` once the last one has closed.
    drop(open_tx);
    tokio::select! {
        _ = open_rx.recv() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {}
    }
}

/// What a connection's task holds besides its socket.
struct Conn {
    info: ConnInfo,
    /// Turns true when the server shuts down: the connection then closes gracefully.
    server_down: watch::Receiver<bool>,
    /// Dropped when the connection ends (the server's shutdown waits for all of them).
    _open: mpsc::Sender<()>,
}

fn spawn_connection(
    state: Arc<State>,
    stream: TcpStream,
    acceptor: Option<TlsAcceptor>,
    conn: Conn,
) {
    let _ = stream.set_nodelay(true);
    tokio::spawn(async move {
        match acceptor {
            Some(acceptor) => {
                let Ok(Ok(tls)) =
                    tokio::time::timeout(HEADER_TIMEOUT, acceptor.accept(stream)).await
                else {
                    return;
                };
                serve(state, TokioIo::new(tls), conn).await;
            }
            None => serve(state, TokioIo::new(stream), conn).await,
        }
    });
}

async fn serve<I>(state: Arc<State>, io: I, mut conn: Conn)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let info = conn.info;
    // A `goaway` fault asks for this connection to close once its response is out.
    let closing = Arc::new(Notify::new());
    let close_after = closing.clone();
    let svc = service_fn(move |req| {
        let state = state.clone();
        let closing = close_after.clone();
        async move { Ok::<_, Infallible>(handle(&state, info, &closing, req).await) }
    });
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    let connection = builder.serve_connection(io, svc).into_owned();
    let mut connection = std::pin::pin!(connection);
    let mut shutting_down = false;
    loop {
        tokio::select! {
            // Connection errors (client went away, malformed request already answered 400 by
            // hyper, injected drops) end this connection only.
            _ = connection.as_mut() => break,
            () = closing.notified(), if !shutting_down => {
                shutting_down = true;
                connection.as_mut().graceful_shutdown();
            }
            _ = conn.server_down.changed(), if !shutting_down => {
                shutting_down = true;
                connection.as_mut().graceful_shutdown();
            }
        }
    }
}

async fn handle(
    state: &State,
    info: ConnInfo,
    closing: &Notify,
    req: http::Request<Incoming>,
) -> Response {
    let (parts, body) = req.into_parts();
    let is_admin = info.listener == Listener::Api && parts.uri.path().starts_with("/__sandbox/");
    let fault = if is_admin {
        None
    } else {
        state.faults.take(parts.method.as_str(), parts.uri.path())
    };
    if let Some(latency) = fault.as_ref().and_then(|f| f.latency) {
        // The server being slow, as a fault: not test synchronisation.
        tokio::time::sleep(latency).await;
    }
    let (body, body_error) = match read_body(&parts, body, state.body_limit).await {
        Ok(b) => (b, None),
        Err(r) => (Bytes::new(), Some(r)),
    };
    let req = Req {
        parts,
        body,
        scheme: info.scheme,
        peer: info.peer,
        listener: info.listener,
    };
    if is_admin {
        // Not faulted, not logged, and its handlers read their own JSON: nothing to parse.
        return body_error.unwrap_or_else(|| routes::dispatch_admin(state, &req));
    }
    // Parsed once, for the route and for the log (whatever the route, faults included).
    let params = Params::parse(&req);
    let parsed = params.as_ref().map_err(|&bad| bad);
    let mut meta = Meta::default();
    let before = fault.as_ref().filter(|f| !f.after_applying && !f.goaway);
    let resp = if let Some(r) = body_error {
        r
    } else if let Some(r) = before.and_then(instead) {
        r
    } else {
        let served = routes::dispatch(state, &req, parsed, &mut meta);
        let served = match meta.webhook.take() {
            Some(draft) => routes::webhooks::finish_create(state, *draft, served).await,
            None => served,
        };
        state.writes.record(&req, served.status());
        match &fault {
            Some(f) if f.after_applying => instead(f).unwrap_or(served),
            _ => served,
        }
    };
    let resp = match fault {
        Some(f) if f.goaway => {
            closing.notify_one();
            goodbye(&req, resp)
        }
        _ => resp,
    };
    state
        .log
        .push(request_log::record(&req, parsed.ok(), &meta, resp.status()));
    resp
}

/// The answer a fault gives in place of the route's: a drop, a status or a redirect.
fn instead(fault: &Fault) -> Option<Response> {
    if fault.close {
        return Some(response::broken());
    }
    if let Some(status) = fault.status.and_then(|s| StatusCode::from_u16(s).ok()) {
        return Some(response::text(status, "sandbox: injected fault"));
    }
    fault.redirect.as_deref().map(response::redirect)
}

/// `Connection: close` on an HTTP/1 response whose connection a `goaway` fault closes (HTTP/2
/// says it with `GOAWAY`, and forbids the header).
fn goodbye(req: &Req, mut resp: Response) -> Response {
    if req.parts.version < http::Version::HTTP_2 {
        resp.headers_mut().insert(
            http::header::CONNECTION,
            http::HeaderValue::from_static("close"),
        );
    }
    resp
}

/// Reads the body up to `limit` bytes: 413 beyond, 400 if the client breaks off.
async fn read_body(
    parts: &http::request::Parts,
    body: Incoming,
    limit: usize,
) -> Result<Bytes, Response> {
    let too_large = || response::text(StatusCode::PAYLOAD_TOO_LARGE, "request entity too large");
    let declared = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    if declared == Some(0) {
        return Ok(Bytes::new());
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(too_large()),
        Err(_) => Err(response::bad_request("invalid body")),
    }
}
