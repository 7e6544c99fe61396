//! The loopback listener (SPEC S10): `127.0.0.1` only, on the fixed port, every request read
//! by hyper and answered by the core's [`Receiver`], until one of them carries the outcome.

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

/// Serves `receiver` on `listener` until a request carries the outcome (returned after its
/// response was written) or `stop` resolves first (its error is returned).
pub(crate) async fn serve(
    listener: std::net::TcpListener,
    receiver: Receiver,
    stop: impl Future<Output = Error>,
) -> Result<Outcome> {
    let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
    let listen_error = |source| Error::Listen { port, source };
    listener.set_nonblocking(true).map_err(listen_error)?;
    let listener = tokio::net::TcpListener::from_std(listener).map_err(listen_error)?;
    accept_loop(listener, Arc::new(Mutex::new(receiver)), stop).await
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    receiver: Arc<Mutex<Receiver>>,
    stop: impl Future<Output = Error>,
) -> Result<Outcome> {
    let (tx, mut rx) = mpsc::channel::<Outcome>(1);
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
async fn connection(
    stream: tokio::net::TcpStream,
    receiver: Arc<Mutex<Receiver>>,
    tx: mpsc::Sender<Outcome>,
) {
    let slot: Arc<Mutex<Option<Outcome>>> = Arc::default();
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

async fn answer(
    request: hyper::Request<Incoming>,
    receiver: &Mutex<Receiver>,
    slot: &Mutex<Option<Outcome>>,
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
    let reply = receiver
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .handle(&request);
    if let Some(outcome) = reply.outcome {
        *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(outcome);
    }
    reply.response.map(|body| Full::new(Bytes::from(body)))
}
