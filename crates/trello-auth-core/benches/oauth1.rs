//! OAuth 1.0a signing speed: the Trello create-card request of
//! `tests/vectors/oauth1/trello_create_card_form_post.json` signed by our precomputed `Signer`,
//! by `oauth1-request` 0.6, and a bare HMAC-SHA1 over the same base string (the floor).
//!
//! Targets (the issue): ours ≥ 1.5× faster than oauth1-request, and ≤ 1.6× the bare HMAC.
//! Run with `cargo bench -p trello-auth-core --bench oauth1`.

use std::hint::black_box;
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};

use criterion::Criterion;
use hmac::{Hmac, Mac};
use oauth1_request as oauth;
use percent_encoding::percent_decode_str;
use sha1::Sha1;
use trello_auth_core::oauth1::{percent_encode, Consumer, OAuthParams, Signer, TokenCredentials};
use trello_auth_core::{AppSecret, Token, TokenSecret};

const VECTOR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/vectors/oauth1/trello_create_card_form_post.json"
);
const IDS: [&str; 3] = ["trello_auth", "oauth1_request", "bare_hmac"];

fn main() {
    let case = Case::load();
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion, &case);
    Criterion::default().configure_from_args().final_summary();
    report();
}

/// The vector's inputs, in the shapes each signer wants.
struct Case {
    consumer: Consumer,
    token: TokenCredentials,
    request: http::Request<Vec<u8>>,
    nonce: String,
    timestamp: u64,
    /// URL without query, and every query and form parameter decoded: oauth1-request's input.
    uri: String,
    params: Vec<(String, String)>,
    hmac_key: String,
    base_string: String,
    signature: String,
}

impl Case {
    fn load() -> Self {
        let text = std::fs::read_to_string(VECTOR).expect("the Trello vector exists");
        let v: serde_json::Value = serde_json::from_str(&text).expect("the vector is JSON");
        let s = |path: &str| {
            v.pointer(path)
                .and_then(|x| x.as_str())
                .unwrap_or_else(|| panic!("vector field {path}"))
                .to_owned()
        };
        let url = s("/request/url");
        let body = s("/request/body");
        let request = http::Request::builder()
            .method(s("/request/method").as_str())
            .uri(url.as_str())
            .header("content-type", s("/request/headers/content-type"))
            .body(body.clone().into_bytes())
            .expect("the vector's request builds");
        let (uri, query) = url.split_once('?').unwrap_or((&url, ""));
        let mut params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .chain(url::form_urlencoded::parse(body.as_bytes()))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        params.sort();
        let hmac_key = format!(
            "{}&{}",
            percent_encode(&s("/consumer_secret")),
            percent_encode(&s("/token_secret"))
        );
        Self {
            consumer: Consumer::new(
                s("/consumer_key"),
                AppSecret::new(s("/consumer_secret")).expect("valid secret"),
            ),
            token: TokenCredentials::new(
                Token::new(s("/token")).expect("valid token"),
                TokenSecret::new(s("/token_secret")),
            ),
            request,
            nonce: s("/nonce"),
            timestamp: s("/timestamp").parse().expect("numeric timestamp"),
            uri: uri.to_owned(),
            params,
            hmac_key,
            base_string: s("/expect/base_string"),
            signature: s("/expect/signature"),
        }
    }
}

fn bench(c: &mut Criterion, case: &Case) {
    let signer = Signer::new(&case.consumer, Some(&case.token));
    let params = OAuthParams::new(&case.nonce, case.timestamp);

    let token = oauth::Token::from_parts(
        case.consumer.key(),
        case.consumer.secret().expose_secret(),
        case.token.token().expose_secret(),
        case.token.secret().expose_secret(),
    );
    let mut builder = oauth::Builder::with_token(token, oauth::HmacSha1::new());
    builder
        .nonce(case.nonce.as_str())
        .timestamp(NonZeroU64::new(case.timestamp))
        .version(true);
    let their_request = oauth::ParameterList::new(case.params.clone());

    // Both must produce the vector's signature before anything is timed.
    let ours = signer
        .sign(&case.request, &params)
        .expect("our signer signs");
    assert_eq!(ours.base_string(), case.base_string, "our base string");
    assert_eq!(ours.signature(), case.signature, "our signature");
    let theirs = builder.post(case.uri.as_str(), &their_request);
    let theirs = header_param(&theirs, "oauth_signature").expect("oauth1-request signs");
    assert_eq!(theirs, case.signature, "oauth1-request's signature");
    assert_eq!(bare_hmac(&case.hmac_key, &case.base_string), case.signature);

    let mut group = c.benchmark_group("oauth1");
    group.bench_function(IDS[0], |b| {
        b.iter(|| signer.sign(black_box(&case.request), black_box(&params)))
    });
    group.bench_function(IDS[1], |b| {
        b.iter(|| builder.post(black_box(case.uri.as_str()), black_box(&their_request)))
    });
    group.bench_function(IDS[2], |b| {
        b.iter(|| {
            let mut mac = Hmac::<Sha1>::new_from_slice(black_box(case.hmac_key.as_bytes()))
                .expect("HMAC takes any key length");
            mac.update(black_box(case.base_string.as_bytes()));
            mac.finalize().into_bytes()
        })
    });
    group.finish();
}

fn bare_hmac(key: &str, base_string: &str) -> String {
    use base64::Engine as _;
    let mut mac = Hmac::<Sha1>::new_from_slice(key.as_bytes()).expect("HMAC takes any key length");
    mac.update(base_string.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// A decoded parameter of an `OAuth k="v",k="v"` header (with or without spaces).
fn header_param(header: &str, name: &str) -> Option<String> {
    header
        .strip_prefix("OAuth ")?
        .split(',')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| {
            percent_decode_str(v.trim_matches('"'))
                .decode_utf8_lossy()
                .into_owned()
        })
}

/// Prints ours vs theirs vs the floor from criterion's saved estimates.
fn report() {
    let Some(dir) = criterion_dir() else {
        println!("oauth1 bench: no criterion output directory found; no summary");
        return;
    };
    let mean = |id: &str| -> Option<f64> {
        let path = dir
            .join("oauth1")
            .join(id)
            .join("new")
            .join("estimates.json");
        let text = std::fs::read_to_string(path).ok()?;
        let v: serde_json::Value = serde_json::from_str(&text).ok()?;
        v.pointer("/mean/point_estimate")?.as_f64()
    };
    let (Some(ours), Some(theirs), Some(bare)) = (mean(IDS[0]), mean(IDS[1]), mean(IDS[2])) else {
        println!(
            "oauth1 bench: estimates missing under {} (filtered run?)",
            dir.display()
        );
        return;
    };
    let speedup = theirs / ours;
    let overhead = ours / bare;
    let verdict = |ok: bool| if ok { "ok" } else { "MISSED" };
    println!();
    println!("oauth1 signing, Trello create-card request (mean of criterion estimates)");
    println!("  {:<32} {:>10.1} ns", "trello-auth Signer::sign", ours);
    println!("  {:<32} {:>10.1} ns", "oauth1-request 0.6", theirs);
    println!("  {:<32} {:>10.1} ns", "bare HMAC-SHA1 (floor)", bare);
    println!(
        "  {:<32} {:>10.2}x   target >= 1.5x  {}",
        "theirs / ours",
        speedup,
        verdict(speedup >= 1.5)
    );
    println!(
        "  {:<32} {:>10.2}x   target <= 1.6x  {}",
        "ours / bare",
        overhead,
        verdict(overhead <= 1.6)
    );
}

/// Where criterion wrote: `$CRITERION_HOME`, `$CARGO_TARGET_DIR/criterion`, or the
/// `criterion` folder of the target directory this bench binary runs from.
fn criterion_dir() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return Some(PathBuf::from(home));
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return Some(Path::new(&target).join("criterion"));
    }
    let exe = std::env::current_exe().ok()?;
    exe.ancestors()
        .map(|dir| dir.join("criterion"))
        .find(|dir| dir.is_dir())
}
