//! The loopback listener (SPEC S10): `127.0.0.1` only, on the fixed port, every request read
//! by hyper and answered by a [`Handler`] (the core's [`Receiver`], or OAuth 2.0's redirect
//! receiver), until one of them carries the outcome.

use std::convert::Infallible;
use std::future::Future;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::mpsc;
use trello_auth_core::login::{LoopbackOrigin, Outcome, Receiver, MAX_DELIVERY_BYTES};

use crate::error::{Error, Result};

/// A browser that opens a connection and says nothing is dropped after this long.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Binds `127.0.0.1:port`, never another interface and never another port (SPEC S7, S10).
pub(crate) fn bind(port: u16) -> Result<std::net::TcpListener> {
    let origin = LoopbackOrigin::new(port)?;
    std::net::TcpListener::bind(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port)).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AddrInUse {
            Error::PortBusy {
                port,
                origin: origin.as_str().to_owned(),
            }
        } else {
            Error::Listen { port, source }
        }
    })
}

/// What answers the listener's requests: a response for each, and the login's outcome with
/// the one that carries it.
pub(crate) trait Handler: Send + 'static {
    /// How the login ended.
    type Outcome: Send + 'static;
    /// Answers one request (its body read, at most [`MAX_DELIVERY_BYTES`] + 1 bytes).
    fn handle(
        &mut self,
        request: &http::Request<Vec<u8>>,
    ) -> (trello_auth_core::Response, Option<Self::Outcome>);
}

impl Handler for Receiver {
    type Outcome = Outcome;

    fn handle(
        &mut self,
        request: &http::Request<Vec<u8>>,
    ) -> (trello_auth_core::Response, Option<Outcome>) {
        let reply = Receiver::handle(self, request);
        (reply.response, reply.outcome)
    }
}

/// Serves `handler` on `listener` until a request carries the outcome (returned after its
/// response was written) or `stop` resolves first (its error is returned).
pub(crate) async fn serve<H: Handler>(
    listener: std::net::TcpListener,
    handler: H,
    stop: impl Future<Output = Error>,
) -> Result<H::Outcome> {
    let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
    let listen_error = |source| Error::Listen { port, source };
    listener.set_nonblocking(true).map_err(listen_error)?;
    let listener = tokio::net::TcpListener::from_std(listener).map_err(listen_error)?;
    accept_loop(listener, Arc::new(Mutex::new(handler)), stop).await
}

async fn accept_loop<H: Handler>(
    listener: tokio::net::TcpListener,
    receiver: Arc<Mutex<H>>,
    stop: impl Future<Output = Error>,
) -> Result<H::Outcome> {
    let (tx, mut rx) = mpsc::channel::<H::Outcome>(1);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            biased;
            Some(outcome) = rx.recv() => return Ok(outcome),
            error = &mut stop => return Err(error),
            accepted = listener.accept() => {
                // A failed accept (a reset before it was taken, no file descriptor left) ends
                // that connection only.
                if let Ok((stream, _)) = accepted {
                    tokio::spawn(connection(stream, receiver.clone(), tx.clone()));
                }
            }
        }
    }
}

/// One connection: its requests answered in turn; an outcome is handed on once the response
/// that carried it has been written and the connection closed.
async fn connection<H: Handler>(
    stream: tokio::net::TcpStream,
    receiver: Arc<Mutex<H>>,
    tx: mpsc::Sender<H::Outcome>,
) {
    let slot: Arc<Mutex<Option<H::Outcome>>> = Arc::new(Mutex::new(None));
    let service = {
        let slot = slot.clone();
        service_fn(move |request: hyper::Request<Incoming>| {
            let receiver = receiver.clone();
            let slot = slot.clone();
            async move { Ok::<_, Infallible>(answer(request, &receiver, &slot).await) }
        })
    };
    let _ = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .keep_alive(false)
        .serve_connection(TokioIo::new(stream), service)
        .await;
    let outcome = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
    if let Some(outcome) = outcome {
        let _ = tx.send(outcome).await;
    }
}

async fn answer<H: Handler>(
    request: hyper::Request<Incoming>,
    receiver: &Mutex<H>,
    slot: &Mutex<Option<H::Outcome>>,
) -> hyper::Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    // One byte over the receiver's own limit, so that it sees (and refuses) an oversized body.
    let body = match Limited::new(body, MAX_DELIVERY_BYTES + 1).collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(_) => {
            return hyper::Response::builder()
                .status(http::StatusCode::PAYLOAD_TOO_LARGE)
                .header(http::header::CACHE_CONTROL, "no-store")
                .body(Full::new(Bytes::from_static(b"too large\n")))
                .expect("a static response is valid");
        }
    };
    let request = http::Request::from_parts(parts, body);
    let (response, outcome) = receiver
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .handle(&request);
    if let Some(outcome) = outcome {
        *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(outcome);
    }
    response.map(|body| Full::new(Bytes::from(body)))
}
