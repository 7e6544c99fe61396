//! Sandbox throughput (issue 3, "Speed"): `GET /1/members/me` with header credentials over
//! keep-alive HTTP/1.1 connections on loopback, at 1 and 64 connections, against the sandbox
//! and against a minimal hyper server answering the same JSON with no checks (the ceiling);
//! plus the time from `Sandbox::builder().start()` to the first answered request.
//!
//! Run: `cargo bench -p trello-auth-sandbox` (`SANDBOX_BENCH_SECS` sets the seconds per run).
//! Targets: sandbox ≥ 40% of the ceiling at 64 connections; start to first answer < 50 ms.

use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use trello_auth_sandbox::{RateLimits, Sandbox};

#[allow(clippy::print_stderr)]
fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    let secs: u64 = std::env::var("SANDBOX_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let duration = Duration::from_secs(secs);

    // Start-up: builder → bound listeners → first request answered.
    let mut starts = Vec::new();
    for tls in [false, true] {
        let t0 = Instant::now();
        let sb = Sandbox::builder().tls(tls).start().await.expect("start");
        if !tls {
            let auth = header(&sb);
            let mut conn = Conn::open(sb.api_base()).await;
            assert_eq!(conn.get("/1/members/me", &auth).await, 200);
        }
        starts.push((tls, t0.elapsed()));
        sb.shutdown().await;
    }

    // The sandbox, with limits out of the way (the limiter still counts every request).
    let sb = Sandbox::builder()
        .rate_limits(RateLimits::new(u32::MAX, u32::MAX, Duration::from_secs(10)))
        .start()
        .await
        .expect("start");
    let auth = header(&sb);
    let member_json = {
        let mut c = Conn::open(sb.api_base()).await;
        c.get_body("/1/members/me", &auth).await
    };
    let ceiling = start_ceiling(member_json).await;

    println!("sandbox throughput: GET /1/members/me, header credentials, keep-alive HTTP/1.1");
    println!(
        "{:>12} {:>6} {:>12} {:>12} {:>7}",
        "target", "conns", "req/s", "ceiling", "ratio"
    );
    for conns in [1usize, 64] {
        let ceil = load(&ceiling, "", conns, duration).await;
        let rate = load(sb.api_base(), &auth, conns, duration).await;
        println!(
            "{:>12} {:>6} {:>12.0} {:>12.0} {:>6.1}%",
            "sandbox",
            conns,
            rate,
            ceil,
            100.0 * rate / ceil
        );
    }
    for (tls, d) in starts {
        let what = if tls {
            "start (TLS, incl. CA + leaf generation)"
        } else {
            "start → first answered request"
        };
        println!("{what}: {:.2} ms", d.as_secs_f64() * 1000.0);
    }
}

fn header(sb: &Sandbox) -> String {
    format!(
        "OAuth oauth_consumer_key=\"{}\", oauth_token=\"{}\"",
        sb.app().key,
        sb.token()
    )
}

/// The ceiling: hyper's HTTP/1.1 server answering the same bytes, no checks.
async fn start_ceiling(body: Bytes) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            let body = body.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |_req| {
                    let body = body.clone();
                    async move {
                        let mut r = http::Response::new(Full::new(body));
                        r.headers_mut().insert(
                            http::header::CONTENT_TYPE,
                            http::HeaderValue::from_static("application/json; charset=utf-8"),
                        );
                        Ok::<_, Infallible>(r)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    format!("http://{addr}")
}

/// Requests per second over `conns` keep-alive connections for `duration`.
async fn load(base: &str, auth: &str, conns: usize, duration: Duration) -> f64 {
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for _ in 0..conns {
        let (base, auth) = (base.to_owned(), auth.to_owned());
        let (done, stop) = (done.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::open(&base).await;
            while !stop.load(Ordering::Relaxed) {
                let status = conn.get("/1/members/me", &auth).await;
                assert_eq!(status, 200);
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    // Warm-up, then measure.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let start_count = done.load(Ordering::Relaxed);
    let t0 = Instant::now();
    tokio::time::sleep(duration).await;
    let n = done.load(Ordering::Relaxed) - start_count;
    let elapsed = t0.elapsed();
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        let _ = t.await;
    }
    n as f64 / elapsed.as_secs_f64()
}

/// One keep-alive HTTP/1.1 client connection.
struct Conn {
    sender: hyper::client::conn::http1::SendRequest<Empty<Bytes>>,
    host: String,
}

impl Conn {
    async fn open(base: &str) -> Self {
        let host = base.trim_start_matches("http://").to_owned();
        let tcp = tokio::net::TcpStream::connect(&host)
            .await
            .expect("connect");
        let _ = tcp.set_nodelay(true);
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
            .await
            .expect("handshake");
        tokio::spawn(conn);
        Self { sender, host }
    }

    async fn send(&mut self, path: &str, auth: &str) -> http::Response<hyper::body::Incoming> {
        let mut req = http::Request::get(path).header("host", &self.host);
        if !auth.is_empty() {
            req = req.header("authorization", auth);
        }
        self.sender.ready().await.expect("ready");
        self.sender
            .send_request(req.body(Empty::new()).expect("request"))
            .await
            .expect("response")
    }

    async fn get(&mut self, path: &str, auth: &str) -> u16 {
        let resp = self.send(path, auth).await;
        let status = resp.status().as_u16();
        let _ = resp.into_body().collect().await;
        status
    }

    async fn get_body(&mut self, path: &str, auth: &str) -> Bytes {
        let resp = self.send(path, auth).await;
        resp.into_body().collect().await.expect("body").to_bytes()
    }
}
