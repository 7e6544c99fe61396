//! [`WebhookReceiver`]: a callback URL on loopback for tests of code that registers webhooks.
//! It answers Trello's `HEAD` check and the deliveries with the statuses a test scripts, and
//! hands every request it got to the test, to verify or inspect.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::sync::watch;

use crate::error::{Error, Result};
use crate::state::lock;

/// A request the receiver got: Trello's `HEAD` check or a delivery.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Received {
    /// `HEAD` or `POST`.
    pub method: Method,
    /// The path and query, as requested.
    pub path: String,
    /// The headers (`x-trello-webhook` among them for a delivery).
    pub headers: HeaderMap,
    /// The body's bytes, exactly as received.
    pub body: Bytes,
}

impl Received {
    /// The `X-Trello-Webhook` value, if the request had one that is text.
    pub fn signature(&self) -> Option<&str> {
        self.headers
            .get("x-trello-webhook")
            .and_then(|v| v.to_str().ok())
    }
}

#[derive(Debug, Default)]
struct Script {
    head: Option<u16>,
    /// `None`: hold the request unanswered (a receiver that hangs).
    posts: VecDeque<Option<u16>>,
}

/// A webhook receiver on `127.0.0.1`, on its own thread: `HEAD` answers 200 and every `POST`
/// 200, unless a test scripts other statuses. Dropping it stops it.
///
/// ```
/// use trello_auth_sandbox::WebhookReceiver;
/// let receiver = WebhookReceiver::start()?;
/// receiver.answer_posts([503, 410]); // the next two deliveries, then 200 again
/// assert!(receiver.url().starts_with("http://127.0.0.1:"));
/// # Ok::<(), trello_auth_sandbox::Error>(())
/// ```
#[derive(Debug)]
pub struct WebhookReceiver {
    url: String,
    script: Arc<Mutex<Script>>,
    got: Mutex<mpsc::Receiver<Received>>,
    shutdown: watch::Sender<bool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl WebhookReceiver {
    /// Starts a receiver on a free port; its URL is [`url`](Self::url).
    pub fn start() -> Result<Self> {
        let listener = std::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .map_err(Error::Bind)?;
        listener.set_nonblocking(true).map_err(Error::Bind)?;
        let addr = listener.local_addr().map_err(Error::Bind)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(Error::Runtime)?;
        let script = Arc::new(Mutex::new(Script::default()));
        let (tx, got) = mpsc::channel();
        let (shutdown, stop) = watch::channel(false);
        let serving = script.clone();
        let thread = std::thread::Builder::new()
            .name("webhook-receiver".into())
            .spawn(move || runtime.block_on(serve(listener, serving, tx, stop)))
            .map_err(Error::Runtime)?;
        Ok(Self {
            url: format!("http://{addr}/webhooks/trello"),
            script,
            got: Mutex::new(got),
            shutdown,
            thread: Some(thread),
        })
    }

    /// The callback URL to register: `http://127.0.0.1:{port}/webhooks/trello`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The status the `HEAD` check gets from now on (200 by default).
    pub fn answer_head(&self, status: u16) {
        lock(&self.script).head = Some(status);
    }

    /// The statuses of the next deliveries, in order; after them, 200 again.
    pub fn answer_posts(&self, statuses: impl IntoIterator<Item = u16>) {
        lock(&self.script)
            .posts
            .extend(statuses.into_iter().map(Some));
    }

    /// The next `count` deliveries get no answer at all: the sandbox's attempt times out.
    pub fn hang_posts(&self, count: usize) {
        lock(&self.script)
            .posts
            .extend(std::iter::repeat_n(None, count));
    }

    /// The next request received, waiting up to `timeout`; `None` if none came.
    pub fn next(&self, timeout: Duration) -> Option<Received> {
        lock(&self.got).recv_timeout(timeout).ok()
    }

    /// The next `POST` (skipping `HEAD` checks), waiting up to `timeout` in all.
    pub fn next_delivery(&self, timeout: Duration) -> Option<Received> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let got = self.next(left)?;
            if got.method == Method::POST {
                return Some(got);
            }
        }
    }
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn serve(
    listener: std::net::TcpListener,
    script: Arc<Mutex<Script>>,
    got: mpsc::Sender<Received>,
    mut stop: watch::Receiver<bool>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => continue,
            },
            _ = stop.changed() => return,
        };
        let script = script.clone();
        let got = got.clone();
        tokio::spawn(async move {
            let svc = service_fn(move |req: http::Request<hyper::body::Incoming>| {
                let script = script.clone();
                let got = got.clone();
                async move {
                    let (parts, body) = req.into_parts();
                    let body = body
                        .collect()
                        .await
                        .map(|b| b.to_bytes())
                        .unwrap_or_default();
                    let status = {
                        let mut s = lock(&script);
                        if parts.method == Method::HEAD {
                            s.head.or(Some(200))
                        } else {
                            s.posts.pop_front().unwrap_or(Some(200))
                        }
                    };
                    let _ = got.send(Received {
                        method: parts.method,
                        path: parts
                            .uri
                            .path_and_query()
                            .map_or_else(String::new, |p| p.as_str().to_owned()),
                        headers: parts.headers,
                        body,
                    });
                    let Some(status) = status else {
                        // Never answered; dropped with the runtime when the receiver stops.
                        return std::future::pending().await;
                    };
                    let mut answer = http::Response::new(Full::new(Bytes::new()));
                    *answer.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
                    Ok::<_, Infallible>(answer)
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), svc)
                .await;
        });
    }
}
