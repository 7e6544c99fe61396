//! The transport benchmark of issue 4 ("Speed"): sequential `GET /1/members/me` against the
//! sandbox through our hyper client vs a raw hyper-util client with the header set by hand,
//! our ureq client vs a raw ureq agent, and 64 requests in flight on hyper; median time per
//! request over interleaved batches, and heap allocations per request in the client. Each
//! client's `execute` also runs with an OAuth 2.0 grant (issue 11: `Authorization: Bearer`
//! and the refresh check on every call), paired with the same client on key + token.
//!
//! The sandbox runs in a child process (this binary again, with `TRELLO_AUTH_BENCH_SERVE` set)
//! so that the allocation counter sees the client only. The clients run in several worker
//! processes in turn (this binary again, with `TRELLO_AUTH_BENCH_WORKER` set), each measuring a
//! share of the rounds: a process's memory and code layout (ASLR) can shift one client against
//! another by a few percent for that process's whole life, so a single process would report
//! its layout's luck; pooling the rounds of several processes averages it out. Run it on one
//! CPU, client and server together, or a wake-up across vCPUs hides every client difference:
//!
//! ```text
//! cargo bench -p trello-auth-tests --bench transports --no-run
//! taskset -c 0 cargo bench -p trello-auth-tests --bench transports
//! ```

use std::alloc::System;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::rc::Rc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};
use trello_auth_core::oauth2::{
    self, AccessToken, AuthorizationRequest, ClientCredentials, Grant, Pkce, Scope, TokenSet,
};
use trello_auth_core::Limit;
use trello_auth_core::{
    ApiKey, BlockingTransport, Credentials, Origin, RateLimiter, Token, Transport,
};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const SERVE_ENV: &str = "TRELLO_AUTH_BENCH_SERVE";
/// Set for a worker process: the sandbox's `api_base key token access_token` line.
const WORKER_ENV: &str = "TRELLO_AUTH_BENCH_WORKER";
/// Requests per measured batch (sequential scenarios).
const BATCH: usize = 2_000;
/// Worker processes, one after the other.
const WORKERS: usize = 7;
/// Measured batches per scenario and worker, interleaved across scenarios.
const ROUNDS: usize = 9;
/// Requests in flight in the concurrent scenarios.
const IN_FLIGHT: usize = 64;

fn main() {
    if std::env::var_os(SERVE_ENV).is_some() {
        serve();
        return;
    }
    let quick = std::env::args().any(|a| a == "--quick");
    let (workers, rounds, batch) = if quick {
        (2, 2, 200)
    } else {
        (WORKERS, ROUNDS, BATCH)
    };
    if let Ok(line) = std::env::var(WORKER_ENV) {
        work(&Endpoint::parse(&line), rounds, batch);
        return;
    }
    let server = Server::spawn();
    let mut names = Vec::new();
    let mut samples: Vec<Vec<(f64, f64)>> = Vec::new();
    for _ in 0..workers {
        let (worker_names, worker_samples) = run_worker(&server.line);
        if names.is_empty() {
            samples = vec![Vec::new(); worker_names.len()];
            names = worker_names;
        }
        for (all, more) in samples.iter_mut().zip(worker_samples) {
            all.extend(more);
        }
    }
    print_table(&names, &samples);
    drop(server);
}

/// Runs one worker process to the end: the scenario names, and each scenario's samples in
/// round order.
fn run_worker(line: &str) -> (Vec<String>, Vec<Vec<(f64, f64)>>) {
    let exe = std::env::current_exe().expect("this binary's path");
    let output = Command::new(exe)
        .args(std::env::args().skip(1))
        .env(WORKER_ENV, line)
        .stderr(Stdio::inherit())
        .output()
        .expect("the worker runs");
    assert!(output.status.success(), "the worker failed");
    let (mut names, mut samples) = (Vec::new(), Vec::<Vec<(f64, f64)>>::new());
    for row in String::from_utf8_lossy(&output.stdout).lines() {
        let fields: Vec<&str> = row.split('\t').collect();
        match fields[..] {
            ["scenario", name] => {
                names.push(name.to_owned());
                samples.push(Vec::new());
            }
            ["sample", index, ns, allocations] => {
                let index: usize = index.parse().expect("an index");
                let parse = |v: &str| v.parse::<f64>().expect("a number");
                samples[index].push((parse(ns), parse(allocations)));
            }
            _ => {}
        }
    }
    (names, samples)
}

/// Worker mode: builds the clients, warms them up, measures `rounds` interleaved batches and
/// prints the scenario names and the samples, tab-separated.
fn work(endpoint: &Endpoint, rounds: usize, batch: usize) {
    let target = Target::of(endpoint);
    let mut scenarios: Vec<Box<dyn Scenario>> = vec![
        Box::new(RawHyper::new(&target, 1)),
        Box::new(OurHyper::new(&target, 1, Call::Transport)),
        Box::new(OurHyper::new(&target, 1, Call::Execute)),
        Box::new(OurHyper::new(&target, 1, Call::Bearer)),
        Box::new(OurHyper::new(&target, 1, Call::Me)),
        Box::new(RawUreq::new(&target)),
        Box::new(OurUreq::new(&target, Call::Transport)),
        Box::new(OurUreq::new(&target, Call::Execute)),
        Box::new(OurUreq::new(&target, Call::Bearer)),
        Box::new(OurUreq::new(&target, Call::Me)),
        Box::new(RawHyper::new(&target, IN_FLIGHT)),
        Box::new(OurHyper::new(&target, IN_FLIGHT, Call::Execute)),
        // The fair baseline of the hyper rows: the raw client with the same guarantee as our
        // transport, a total timeout per request (`tokio::time::timeout`).
        Box::new(RawHyper::new(&target, 1).with_tokio_timeout()),
        Box::new(RawHyper::new(&target, IN_FLIGHT).with_tokio_timeout()),
    ];
    // Optional filter: the first argument that is not a flag keeps the scenarios whose name
    // contains it (or, after a leading `=`, equals it).
    if let Some(filter) = std::env::args().skip(1).find(|a| !a.starts_with("--")) {
        scenarios.retain(|s| match filter.strip_prefix('=') {
            Some(exact) => s.name() == exact,
            None => s.name().contains(&filter),
        });
    }
    for s in &mut scenarios {
        s.run(batch / 2); // warm up: connections, pools, limiter window
    }
    let mut out = std::io::stdout().lock();
    for s in &scenarios {
        writeln!(out, "scenario\t{}", s.name()).expect("stdout");
    }
    for _ in 0..rounds {
        for (index, s) in scenarios.iter_mut().enumerate() {
            let n = batch * s.scale();
            let region = Region::new(GLOBAL);
            let started = Instant::now();
            s.run(n);
            let elapsed = started.elapsed();
            let allocations = region.change().allocations as f64;
            let ns = elapsed.as_nanos() as f64 / n as f64;
            writeln!(out, "sample\t{index}\t{ns}\t{}", allocations / n as f64).expect("stdout");
        }
    }
}

/// A way of sending `GET /1/members/me` repeatedly.
trait Scenario {
    fn name(&self) -> String;
    /// Sends `n` requests, checking each answer.
    fn run(&mut self, n: usize);
    /// Batch multiplier (concurrent scenarios send more per batch).
    fn scale(&self) -> usize {
        1
    }
}

/// What we call: the bare transport with the header set by hand (the transport's own cost),
/// the client's `execute` with the same prebuilt URI as the raw peers (the client loop's
/// cost), the same `execute` on a client with an OAuth 2.0 grant (Bearer), or `me()` (the
/// convenience path: request built, answer decoded as a `Member`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Call {
    Transport,
    Execute,
    Bearer,
    Me,
}

impl Call {
    fn label(self, crate_name: &str, transport: &str) -> String {
        match self {
            Call::Transport => format!("{transport} alone, header by hand"),
            Call::Execute => format!("{crate_name} Client::execute"),
            Call::Bearer => format!("{crate_name} Client::execute, OAuth 2.0 Bearer"),
            Call::Me => format!("{crate_name} Client::me (build + decode)"),
        }
    }
}

/// The sandbox under test and what a client needs to call it.
#[derive(Clone)]
struct Target {
    url: http::Uri,
    credentials: Credentials,
    /// `Authorization: OAuth oauth_consumer_key="…", oauth_token="…"`, for the raw peers.
    header: http::HeaderValue,
    /// An OAuth 2.0 access token of the sandbox (valid for the benchmark's hour).
    access_token: String,
}

impl Target {
    fn of(server: &Endpoint) -> Self {
        let api = Origin::parse(&server.api_base).expect("an origin");
        let credentials = Credentials::new(
            ApiKey::new(&server.key).expect("a key"),
            Token::new(server.token.clone()).expect("a token"),
        )
        .with_api_base(api.clone());
        let header = format!(
            "OAuth oauth_consumer_key=\"{}\", oauth_token=\"{}\"",
            server.key, server.token
        )
        .parse()
        .expect("an ASCII header");
        Self {
            url: api.join("/1/members/me").parse().expect("a URI"),
            credentials,
            header,
            access_token: server.access_token.clone(),
        }
    }

    /// The builder of a client for `call`: key + token, or an OAuth 2.0 grant whose access
    /// token is fresh for the whole run (no refresh happens, the check runs on every call).
    fn builder<C: trello_auth_core::client::Assemble>(
        &self,
        call: Call,
    ) -> trello_auth_core::client::ClientBuilder<C> {
        let builder = trello_auth_core::client::ClientBuilder::<C>::default()
            .rate_limiter(Some(Target::limiter()));
        if call != Call::Bearer {
            return builder.credentials(self.credentials.clone());
        }
        let tokens = TokenSet::new(
            AccessToken::new(self.access_token.clone()).expect("an access token"),
            None,
            Some(u64::MAX / 2),
            Vec::new(),
        );
        let client = ClientCredentials::public("bench").expect("a client id");
        builder
            .oauth2(Grant::new(client, tokens))
            .api_base(self.credentials.api_base().clone())
    }

    /// A client-side limiter that never binds at these rates but does its full work (the
    /// default limiter, at Trello's budgets, would pace the benchmark to 10 requests/s).
    fn limiter() -> RateLimiter {
        let wide = Limit::new(1_000, Duration::from_millis(1));
        RateLimiter::new(wide, wide)
    }
}

fn current_thread() -> Rc<tokio::runtime::Runtime> {
    Rc::new(
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime"),
    )
}

/// hyper-util's pooled client with the header set by hand: the floor for our hyper client.
struct RawHyper {
    rt: Rc<tokio::runtime::Runtime>,
    client: hyper_util::client::legacy::Client<
        hyper_util::client::legacy::connect::HttpConnector,
        Full<Bytes>,
    >,
    url: http::Uri,
    header: http::HeaderValue,
    in_flight: usize,
    tokio_timeout: bool,
}

impl RawHyper {
    /// Each request inside `tokio::time::timeout` (30 s), as most clients bound a request.
    fn with_tokio_timeout(mut self) -> Self {
        self.tokio_timeout = true;
        self
    }

    fn new(target: &Target, in_flight: usize) -> Self {
        let rt = current_thread();
        let client = {
            let _guard = rt.enter();
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build_http()
        };
        Self {
            rt,
            client,
            url: target.url.clone(),
            header: target.header.clone(),
            in_flight,
            tokio_timeout: false,
        }
    }

    async fn one(
        client: &hyper_util::client::legacy::Client<
            hyper_util::client::legacy::connect::HttpConnector,
            Full<Bytes>,
        >,
        url: &http::Uri,
        header: &http::HeaderValue,
    ) {
        let request = http::Request::get(url.clone())
            .header(http::header::AUTHORIZATION, header.clone())
            .body(Full::new(Bytes::new()))
            .expect("a request");
        let response = client.request(request).await.expect("a response");
        assert_eq!(response.status(), 200);
        let body = response.into_body().collect().await.expect("a body");
        assert!(!body.to_bytes().is_empty());
    }
}

impl Scenario for RawHyper {
    fn name(&self) -> String {
        let timer = if self.tokio_timeout {
            " + tokio timeout"
        } else {
            ""
        };
        match self.in_flight {
            1 => format!("hyper-util raw{timer}"),
            n => format!("hyper-util raw{timer}, {n} in flight"),
        }
    }

    fn scale(&self) -> usize {
        if self.in_flight > 1 {
            4
        } else {
            1
        }
    }

    fn run(&mut self, n: usize) {
        let per_task = n.div_ceil(self.in_flight);
        self.rt.block_on(async {
            let mut set = tokio::task::JoinSet::new();
            for _ in 0..self.in_flight {
                let (client, url, header) =
                    (self.client.clone(), self.url.clone(), self.header.clone());
                let timed = self.tokio_timeout;
                set.spawn(async move {
                    for _ in 0..per_task {
                        let one = Self::one(&client, &url, &header);
                        if timed {
                            let limit = Duration::from_secs(30);
                            tokio::time::timeout(limit, one).await.expect("in time");
                        } else {
                            one.await;
                        }
                    }
                });
            }
            set.join_all().await;
        });
    }
}

/// Our hyper [`Client`](trello_auth_hyper::Client): placement, limiter, classification, retry
/// bookkeeping on top of the same hyper-util client.
struct OurHyper {
    rt: Rc<tokio::runtime::Runtime>,
    client: trello_auth_hyper::Client,
    transport: trello_auth_hyper::HyperTransport,
    target: Rc<Target>,
    in_flight: usize,
    call: Call,
}

impl OurHyper {
    fn new(target: &Target, in_flight: usize, call: Call) -> Self {
        let rt = current_thread();
        let (client, transport) = {
            let _guard = rt.enter();
            let transport = trello_auth_hyper::HyperTransport::new();
            let client = target
                .builder::<trello_auth_hyper::Client>(call)
                .transport(transport.clone())
                .build();
            (client, transport)
        };
        Self {
            rt,
            client,
            transport,
            target: Rc::new(target.clone()),
            in_flight,
            call,
        }
    }
}

impl Scenario for OurHyper {
    fn name(&self) -> String {
        let name = self.call.label("trello-auth-hyper", "HyperTransport");
        match self.in_flight {
            1 => name,
            n => format!("{name}, {n} in flight"),
        }
    }

    fn scale(&self) -> usize {
        if self.in_flight > 1 {
            4
        } else {
            1
        }
    }

    fn run(&mut self, n: usize) {
        let per_task = n.div_ceil(self.in_flight);
        let call = self.call;
        self.rt.block_on(async {
            let mut set = tokio::task::JoinSet::new();
            for _ in 0..self.in_flight {
                let (client, transport) = (self.client.clone(), self.transport.clone());
                let (url, header) = (self.target.url.clone(), self.target.header.clone());
                set.spawn(async move {
                    for _ in 0..per_task {
                        let response = match call {
                            Call::Transport => {
                                let request = http::Request::get(url.clone())
                                    .header(http::header::AUTHORIZATION, header.clone())
                                    .body(Vec::new())
                                    .expect("a request");
                                transport.send(request).await.expect("a response")
                            }
                            Call::Execute | Call::Bearer => {
                                let request = http::Request::get(url.clone())
                                    .body(Vec::new())
                                    .expect("a request");
                                client.execute(request).await.expect("a response")
                            }
                            Call::Me => {
                                client.me().await.expect("a member");
                                continue;
                            }
                        };
                        assert_eq!(response.status(), 200);
                        assert!(!response.body().is_empty());
                    }
                });
            }
            set.join_all().await;
        });
    }
}

/// A ureq agent with the header set by hand: the floor for our ureq client.
struct RawUreq {
    agent: ureq::Agent,
    url: String,
    header: String,
}

impl RawUreq {
    fn new(target: &Target) -> Self {
        Self {
            agent: ureq::Agent::new_with_defaults(),
            url: target.url.to_string(),
            header: target.header.to_str().expect("ASCII").to_owned(),
        }
    }
}

impl Scenario for RawUreq {
    fn name(&self) -> String {
        "ureq raw".into()
    }

    fn run(&mut self, n: usize) {
        for _ in 0..n {
            let mut response = self
                .agent
                .get(&self.url)
                .header("authorization", &self.header)
                .call()
                .expect("a response");
            assert_eq!(response.status(), 200);
            let body = response.body_mut().read_to_vec().expect("a body");
            assert!(!body.is_empty());
        }
    }
}

/// Our ureq [`Client`](trello_auth_ureq::Client).
struct OurUreq {
    client: trello_auth_ureq::Client,
    transport: trello_auth_ureq::UreqTransport,
    target: Target,
    call: Call,
}

impl OurUreq {
    fn new(target: &Target, call: Call) -> Self {
        let transport = trello_auth_ureq::UreqTransport::new();
        Self {
            client: target
                .builder::<trello_auth_ureq::Client>(call)
                .transport(transport.clone())
                .build(),
            transport,
            target: target.clone(),
            call,
        }
    }
}

impl Scenario for OurUreq {
    fn name(&self) -> String {
        self.call.label("trello-auth-ureq", "UreqTransport")
    }

    fn run(&mut self, n: usize) {
        for _ in 0..n {
            let response = match self.call {
                Call::Transport => {
                    let request = http::Request::get(self.target.url.clone())
                        .header(http::header::AUTHORIZATION, self.target.header.clone())
                        .body(Vec::new())
                        .expect("a request");
                    self.transport.send(request).expect("a response")
                }
                Call::Execute | Call::Bearer => {
                    let request = http::Request::get(self.target.url.clone())
                        .body(Vec::new())
                        .expect("a request");
                    self.client.execute(request).expect("a response")
                }
                Call::Me => {
                    self.client.me().expect("a member");
                    continue;
                }
            };
            assert_eq!(response.status(), 200);
            assert!(!response.body().is_empty());
        }
    }
}

/// The middle value of `values` (sorted in place).
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The raw peer a scenario is compared with: same library, same concurrency, and with
/// `timed` the raw client under a per-request `tokio::time::timeout` (hyper only).
fn peer_of(name: &str, names: &[String], timed: bool) -> Option<usize> {
    let concurrent = name.contains("in flight");
    let hyper = name.to_ascii_lowercase().contains("hyper");
    if timed && !hyper {
        return None;
    }
    let prefix = if hyper { "hyper-util raw" } else { "ureq raw" };
    names.iter().position(|n| {
        n.starts_with(prefix)
            && n.contains("timeout") == timed
            && n.contains("in flight") == concurrent
    })
}

/// The median over rounds of scenario `i`'s time divided by its peer's time in the same round,
/// with the first and third quartiles, as a percentage; "baseline" for the peer itself.
fn paired(i: usize, peer: Option<usize>, samples: &[Vec<(f64, f64)>]) -> String {
    match peer {
        Some(p) if p == i => "baseline".to_owned(),
        Some(p) => {
            let mut ratios: Vec<f64> = samples[i]
                .iter()
                .zip(&samples[p])
                .map(|(a, b)| a.0 / b.0)
                .collect();
            let mid = median(&mut ratios);
            let quartile = |q: usize| (ratios[ratios.len() * q / 4] - 1.0) * 100.0;
            format!(
                "{:+.1}% ({:+.1} to {:+.1})",
                (mid - 1.0) * 100.0,
                quartile(1),
                quartile(3)
            )
        }
        None => String::new(),
    }
}

/// The key + token twin of an OAuth 2.0 scenario (same client, same call).
fn key_token_twin(name: &str, names: &[String]) -> Option<usize> {
    let twin = name.strip_suffix(", OAuth 2.0 Bearer")?;
    names.iter().position(|n| n == twin)
}

/// Prints one row per scenario. "vs raw" pairs each round's time with its raw peer's time in
/// the same round (batches run interleaved, so pairing them cancels the machine's slow
/// drifts, which a ratio of two medians would keep); "vs raw + timeout" does the same against
/// the raw hyper client under `tokio::time::timeout`, the fair peer of the hyper rows.
fn print_table(names: &[String], samples: &[Vec<(f64, f64)>]) {
    println!();
    println!("| scenario | median µs/req | min µs/req | req/s (median) | vs raw: paired median (quartiles) | vs raw + timeout | vs key + token | allocs/req |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (i, (name, own)) in names.iter().zip(samples).enumerate() {
        let mut times: Vec<f64> = own.iter().map(|s| s.0).collect();
        let mut allocs: Vec<f64> = own.iter().map(|s| s.1).collect();
        let median_ns = median(&mut times);
        let vs_raw = paired(i, peer_of(name, names, false), samples);
        let vs_timed = paired(i, peer_of(name, names, true), samples);
        let vs_key_token = paired(i, key_token_twin(name, names), samples);
        println!(
            "| {name} | {:.1} | {:.1} | {:.0} | {vs_raw} | {vs_timed} | {vs_key_token} | {:.1} |",
            median_ns / 1000.0,
            times[0] / 1000.0,
            1e9 / median_ns,
            median(&mut allocs),
        );
    }
    println!();
}

/// Where the sandbox answers, and the credentials it issued.
struct Endpoint {
    api_base: String,
    key: String,
    token: String,
    access_token: String,
}

impl Endpoint {
    /// Reads the sandbox's `api_base key token access_token` line.
    fn parse(line: &str) -> Self {
        let parts: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
        let [api_base, key, token, access_token] = &parts[..] else {
            panic!("unexpected sandbox line: {line:?}");
        };
        Self {
            api_base: api_base.clone(),
            key: key.clone(),
            token: token.clone(),
            access_token: access_token.clone(),
        }
    }
}

/// The sandbox in a child process: this binary again, in serve mode.
struct Server {
    child: Child,
    /// Its first line: `api_base key token access_token`.
    line: String,
}

impl Server {
    fn spawn() -> Self {
        let exe = std::env::current_exe().expect("this binary's path");
        let mut child = Command::new(exe)
            .env(SERVE_ENV, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the sandbox process starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the sandbox's first line");
        Self { child, line }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Closing stdin tells the child to exit.
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// Serve mode: a plain-HTTP sandbox with budgets the benchmark cannot spend, until stdin
/// closes.
fn serve() {
    let sandbox = trello_auth_sandbox::Sandbox::builder()
        .rate_limits(trello_auth_sandbox::RateLimits::new(
            u32::MAX,
            u32::MAX,
            Duration::from_secs(10),
        ))
        .worker_threads(1)
        .start_blocking()
        .expect("the sandbox starts");
    let access_token = oauth2_access_token(&sandbox);
    let mut out = std::io::stdout();
    writeln!(
        out,
        "{} {} {} {access_token}",
        sandbox.api_base(),
        sandbox.app().key,
        sandbox.token()
    )
    .and_then(|()| out.flush())
    .expect("stdout");
    let mut rest = String::new();
    while std::io::stdin().read_line(&mut rest).is_ok_and(|n| n > 0) {}
    drop(sandbox);
}

/// An OAuth 2.0 access token of `sandbox`: the user's Allow on its consent page, then the code
/// exchange of a public client (SPEC S8.2-S8.5).
fn oauth2_access_token(sandbox: &trello_auth_sandbox::Sandbox) -> String {
    let auth = Origin::parse(sandbox.auth_base()).expect("an origin");
    let info = sandbox.oauth2();
    let app = ClientCredentials::public(&info.public_client_id).expect("a client id");
    let redirect_uri = &info.redirect_uris[0];
    let pkce = Pkce::from_random([3; 32]);
    let url = AuthorizationRequest::new(app.client_id(), redirect_uri)
        .scopes([Scope::ReadMember])
        .state("bench-state")
        .pkce(&pkce)
        .auth_base(auth.clone())
        .build()
        .expect("an authorize URL");
    let transport = trello_auth_ureq::UreqTransport::new();
    let back = trello_auth_sandbox::consent::press(url.as_str(), "Allow", |r| transport.send(r))
        .expect("the consent page");
    let location = back.headers()["location"].to_str().expect("ASCII");
    let code = oauth2::parse_redirect(location, "bench-state").expect("a code");
    let exchange = oauth2::code_exchange_request(&auth, &app, &code, pkce.verifier(), redirect_uri);
    let answer = transport
        .send(exchange)
        .expect("the token endpoint answers");
    let tokens = oauth2::parse_token_response(&answer, 0).expect("tokens");
    tokens.access_token().expose_secret().to_owned()
}
