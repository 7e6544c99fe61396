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
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

use crate::model::Listener;
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
    let graceful = GracefulShutdown::new();
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
        spawn_connection(
            state.clone(),
            stream,
            info,
            acceptor.clone(),
            graceful.watcher(),
        );
    }
    drop(api);
    drop(storage);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {}
    }
}

fn spawn_connection(
    state: Arc<State>,
    stream: TcpStream,
    info: ConnInfo,
    acceptor: Option<TlsAcceptor>,
    watcher: Watcher,
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
                serve(state, TokioIo::new(tls), info, watcher).await;
            }
            None => serve(state, TokioIo::new(stream), info, watcher).await,
        }
    });
}

async fn serve<I>(state: Arc<State>, io: I, info: ConnInfo, watcher: Watcher)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let svc = service_fn(move |req| {
        let state = state.clone();
        async move { Ok::<_, Infallible>(handle(&state, info, req).await) }
    });
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    let conn = builder.serve_connection(io, svc).into_owned();
    // Connection errors (client went away, malformed request already answered 400 by hyper,
    // injected drops) end this connection only.
    let _ = watcher.watch(conn).await;
}

async fn handle(state: &State, info: ConnInfo, req: http::Request<Incoming>) -> Response {
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
    let resp = if let Some(r) = body_error {
        r
    } else {
        match fault {
            Some(f) if f.close => response::broken(),
            Some(f) => match f.status.and_then(|s| StatusCode::from_u16(s).ok()) {
                Some(status) => response::text(status, "sandbox: injected fault"),
                None => routes::dispatch(state, &req, parsed, &mut meta),
            },
            None => routes::dispatch(state, &req, parsed, &mut meta),
        }
    };
    let resp = match meta.webhook.take() {
        Some(draft) => routes::webhooks::finish_create(state, *draft, resp).await,
        None => resp,
    };
    state
        .log
        .push(request_log::record(&req, parsed.ok(), &meta, resp.status()));
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
