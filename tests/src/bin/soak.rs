//! `soak` (run by `cargo xtask soak`, not in CI): the hyper, ureq and Python clients against one
//! sandbox process for N minutes, with faults armed at random through the admin API, then a
//! report of the calls, their outcomes, the writes applied twice, and the resident memory of
//! each process after a warm-up and at the end.
//!
//! Usage: `soak --sandbox PATH [--minutes N] [--python PATH --script PATH]`. The sandbox runs
//! over TLS with rate limits high enough not to be the story (the fault matrix covers 429s).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use trello_auth_core::{ApiKey, BlockingTransport, Credentials, Origin, RetryPolicy, Token};

type Tally = Arc<Mutex<BTreeMap<String, u64>>>;

struct Args {
    sandbox: String,
    minutes: f64,
    python: Option<(String, String)>,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        sandbox: String::new(),
        minutes: 1.0,
        python: None,
    };
    let (mut python, mut script) = (None, None);
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} takes a value"));
        match arg.as_str() {
            "--sandbox" => a.sandbox = value()?,
            "--minutes" => a.minutes = value()?.parse().map_err(|_| "--minutes: a number")?,
            "--python" => python = Some(value()?),
            "--script" => script = Some(value()?),
            other => return Err(format!("unknown option {other}")),
        }
    }
    if a.sandbox.is_empty() {
        return Err("--sandbox PATH is required".into());
    }
    a.python = python.zip(script);
    Ok(a)
}

/// `VmRSS` of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// A small xorshift: the faults' choices, reproducible from the printed seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

struct Sandbox {
    child: Child,
    info: Value,
}

fn start_sandbox(path: &str, dir: &std::path::Path) -> Result<Sandbox, String> {
    let config = dir.join("soak-sandbox.toml");
    std::fs::write(
        &config,
        "[rate_limits]\nkey_max = 100000000\ntoken_max = 100000000\nwindow_ms = 10000\n",
    )
    .map_err(|e| e.to_string())?;
    let mut child = Command::new(path)
        .args(["--tls", "--config"])
        .arg(&config)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{path}: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let info: Value =
        serde_json::from_str(&line).map_err(|e| format!("the sandbox said {line:?}: {e}"))?;
    Ok(Sandbox { child, info })
}

/// Call `n` of the mix: read the member, read the board, create a card, rename it, delete it
/// (the card a worker created last, if any): the method and the path.
fn step(n: u64, board: &str, list: &str, card: &str) -> Option<(http::Method, String)> {
    use http::Method;
    match (n % 5, card.is_empty()) {
        (0, _) => Some((Method::GET, "/1/members/me".to_owned())),
        (1, _) => Some((Method::GET, format!("/1/boards/{board}"))),
        (2, _) => Some((
            Method::POST,
            format!("/1/cards?idList={list}&name=soak-{n}"),
        )),
        (3, false) => Some((Method::PUT, format!("/1/cards/{card}/name?value=r{n}"))),
        (4, false) => Some((Method::DELETE, format!("/1/cards/{card}"))),
        _ => None,
    }
}

/// Keeps the worker's card up to date after a call: created, or deleted.
fn follow(method: &http::Method, answer: &Value, card: &mut String) {
    if *method == http::Method::POST {
        *card = answer["id"].as_str().unwrap_or_default().to_owned();
    } else if *method == http::Method::DELETE {
        card.clear();
    }
}

fn record(tally: &Tally, client: &str, outcome: Result<(), trello_auth_core::Error>) {
    let code = match outcome {
        Ok(()) => "ok".to_owned(),
        Err(trello_auth_core::Error::Transport(e)) => format!("transport/{}", e.kind().code()),
        Err(e) => e.code().to_owned(),
    };
    let mut t = tally.lock().unwrap_or_else(|p| p.into_inner());
    *t.entry(format!("{client} {code}")).or_default() += 1;
}

#[allow(clippy::print_stderr)] // the usage error
fn main() {
    let args = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("soak: {e}");
            std::process::exit(2);
        }
    };
    let dir = std::env::temp_dir().join(format!("trello-auth-soak-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let mut sb = start_sandbox(&args.sandbox, &dir).unwrap_or_else(|e| panic!("the sandbox: {e}"));
    let s = |k: &str| sb.info[k].as_str().unwrap_or_default().to_owned();
    let (api_base, token, ca_file) = (s("api_base"), s("token"), s("ca_file"));
    let key = sb.info["app"]["key"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let ca = std::fs::read_to_string(&ca_file).expect("the sandbox's CA");
    let origin = Origin::parse(&api_base).expect("an origin");
    let creds = Credentials::new(
        ApiKey::new(&key).expect("a key"),
        Token::new(&token).expect("a token"),
    )
    .with_api_base(origin.clone());
    let retry = RetryPolicy::default().with_base(Duration::from_millis(10));
    let timeout = Duration::from_secs(1);

    let hyper_transport = trello_auth_hyper::HyperTransport::builder()
        .timeout(timeout)
        .add_root_certificate_pem(&ca)
        .build()
        .expect("the hyper transport");
    let hyper = trello_auth_hyper::Client::builder()
        .credentials(creds.clone())
        .api_base(origin.clone())
        .retry_policy(retry)
        .rate_limiter(None)
        .transport(hyper_transport)
        .build();
    let ureq_transport = trello_auth_ureq::UreqTransport::builder()
        .timeout(timeout)
        .add_root_certificate_pem(&ca)
        .build()
        .expect("the ureq transport");
    let ureq = trello_auth_ureq::Client::builder()
        .credentials(creds)
        .api_base(origin.clone())
        .retry_policy(retry)
        .rate_limiter(None)
        .transport(ureq_transport)
        .build();
    let admin = trello_auth_ureq::UreqTransport::builder()
        .add_root_certificate_pem(&ca)
        .build()
        .expect("the admin transport");

    let board = {
        let me: Value = ureq.get("/1/members/me/boards").expect("the boards");
        me[0]["id"].as_str().unwrap_or_default().to_owned()
    };
    let list = {
        let lists: Value = ureq
            .get(&format!("/1/boards/{board}/lists"))
            .expect("the lists");
        lists[0]["id"].as_str().unwrap_or_default().to_owned()
    };

    let total = Duration::from_secs_f64(args.minutes * 60.0);
    let warmup = (total / 10).min(Duration::from_secs(30));
    let stop = Arc::new(AtomicBool::new(false));
    let tally: Tally = Arc::default();
    let counter = Arc::new(AtomicU64::new(0));
    let started = Instant::now();

    // The Python client, in its own process.
    let mut python = args.python.as_ref().map(|(py, script)| {
        let mut child = Command::new(py)
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the Python client");
        let orders = json!({
            "api_base": api_base, "key": key, "token": token, "ca_file": ca_file,
            "list": list, "seconds": total.as_secs_f64(),
        });
        let mut stdin = child.stdin.take().expect("stdin");
        writeln!(stdin, "{orders}").expect("the orders");
        child
    });

    let mut workers = Vec::new();
    // hyper: 8 tasks on a 2-thread runtime.
    {
        let (stop, tally, counter, hyper, list) = (
            stop.clone(),
            tally.clone(),
            counter.clone(),
            hyper.clone(),
            list.clone(),
        );
        let board = board.clone();
        workers.push(std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a runtime");
            rt.block_on(async {
                let mut tasks = Vec::new();
                for _ in 0..8 {
                    let (stop, tally, counter, c) =
                        (stop.clone(), tally.clone(), counter.clone(), hyper.clone());
                    let (list, board) = (list.clone(), board.clone());
                    tasks.push(tokio::spawn(async move {
                        let mut card = String::new();
                        while !stop.load(Ordering::Relaxed) {
                            let n = counter.fetch_add(1, Ordering::Relaxed);
                            let Some((method, path)) = step(n, &board, &list, &card) else {
                                continue;
                            };
                            let body = json!({});
                            let answer = match method.as_str() {
                                "GET" => c.get::<Value>(&path).await,
                                "POST" => c.post::<Value>(&path, &body).await,
                                "PUT" => c.put::<Value>(&path, &body).await,
                                _ => c.delete::<Value>(&path).await,
                            };
                            let result = answer.map(|v| follow(&method, &v, &mut card));
                            record(&tally, "hyper", result);
                        }
                    }));
                }
                for t in tasks {
                    let _ = t.await;
                }
            });
        }));
    }
    // ureq: 4 threads.
    for _ in 0..4 {
        let (stop, tally, counter, c) =
            (stop.clone(), tally.clone(), counter.clone(), ureq.clone());
        let (list, board) = (list.clone(), board.clone());
        workers.push(std::thread::spawn(move || {
            let mut card = String::new();
            while !stop.load(Ordering::Relaxed) {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let Some((method, path)) = step(n, &board, &list, &card) else {
                    continue;
                };
                let body = json!({});
                let answer = match method.as_str() {
                    "GET" => c.get::<Value>(&path),
                    "POST" => c.post::<Value>(&path, &body),
                    "PUT" => c.put::<Value>(&path, &body),
                    _ => c.delete::<Value>(&path),
                };
                let result = answer.map(|v| follow(&method, &v, &mut card));
                record(&tally, "ureq", result);
            }
        }));
    }

    // Faults, at random, every 100 ms.
    let seed = u64::from(std::process::id()) | 1 << 32;
    let mut rng = Rng(seed);
    let faults = [
        json!({ "path": "/1/", "count": 3, "status": 503 }),
        json!({ "path": "/1/", "count": 1, "close": true }),
        json!({ "path": "/1/", "count": 1, "latency_ms": 1500 }),
        json!({ "path": "/1/", "count": 2, "status": 429 }),
        json!({ "path": "/1/", "count": 1, "goaway": true }),
        json!({ "path": "/1/cards", "method": "POST", "count": 1, "status": 502, "after_applying": true }),
        json!({ "path": "/1/cards", "method": "POST", "count": 1, "close": true, "after_applying": true }),
    ];
    let mut armed = BTreeMap::<usize, u64>::new();
    let mut rss_start = None;
    while started.elapsed() < total {
        std::thread::sleep(Duration::from_millis(100)); // the soak's pace, not synchronisation
        let i = rng.next(faults.len() as u64) as usize;
        let request = http::Request::post(format!("{api_base}/__sandbox/faults"))
            .header("content-type", "application/json")
            .body(faults[i].to_string().into_bytes())
            .expect("a request");
        if BlockingTransport::send(&admin, request).is_ok() {
            *armed.entry(i).or_default() += 1;
        }
        if rss_start.is_none() && started.elapsed() >= warmup {
            rss_start = Some(rss_all(&sb.child, python.as_ref()));
        }
    }
    let rss_end = rss_all(&sb.child, python.as_ref());
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        let _ = w.join();
    }
    let python_out = python.as_mut().map(|child| {
        let mut out = String::new();
        if let Some(stdout) = child.stdout.take() {
            let _ = BufReader::new(stdout).read_line(&mut out);
        }
        let _ = child.wait();
        serde_json::from_str::<Value>(&out).unwrap_or(Value::Null)
    });
    let writes = {
        let request = http::Request::get(format!("{api_base}/__sandbox/writes"))
            .body(Vec::new())
            .expect("a request");
        let response = BlockingTransport::send(&admin, request).expect("the writes");
        serde_json::from_slice::<BTreeMap<String, u32>>(response.body()).unwrap_or_default()
    };
    let twice = writes
        .iter()
        .filter(|(k, &c)| k.starts_with("POST") && c > 1)
        .count();
    let _ = sb.child.kill();
    let _ = std::fs::remove_dir_all(&dir);

    let tally = tally.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let report = json!({
        "minutes": args.minutes,
        "seed": seed,
        "rust_calls": tally,
        "python": python_out,
        "faults_armed": armed.iter().map(|(i, n)| (faults[*i].to_string(), n)).collect::<BTreeMap<_, _>>(),
        "posts_applied_twice": twice,
        "rss_kib": { "after_warmup": rss_start.unwrap_or_default(), "end": rss_end },
    });
    println!("{}", serde_json::to_string_pretty(&report).expect("JSON"));
}

/// RSS of this process (the Rust clients), the sandbox and the Python client, in KiB.
fn rss_all(sandbox: &Child, python: Option<&Child>) -> Value {
    json!({
        "rust_clients": rss_kib(std::process::id()),
        "sandbox": rss_kib(sandbox.id()),
        "python_client": python.map(|p| rss_kib(p.id())),
    })
}
