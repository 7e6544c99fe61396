//! Benchmarks of the core's hot paths: building an authorize URL, header/query/JSON-body
//! placement, classifying a 401 text body and a 429 JSON body, and OAuth 2.0's per-call
//! refresh check and Bearer placement (`cargo xtask bench`).

mod report;

use std::hint::black_box;

use criterion::Criterion;
use trello_auth_core::oauth2::{
    bearer, AccessToken, ClientCredentials, Grant, RefreshToken, TokenSet,
};
use trello_auth_core::{
    classify, ApiKey, AuthorizeUrl, Credentials, Delivery, Expiration, Placement, Scopes, Token,
};

const KEY: &str = "0123456789abcdef0123456789abcdef";

fn benches(c: &mut Criterion) {
    let key = ApiKey::new(KEY).unwrap();
    let token = Token::new(format!("ATTA{}0A1B2C3D", "0123456789abcdef".repeat(4))).unwrap();
    let creds = Credentials::new(key.clone(), token);

    let mut g = c.benchmark_group("core");
    let delivery = Delivery::fragment("http://localhost:8080/callback").unwrap();
    g.bench_function("authorize_url", |b| {
        b.iter(|| {
            AuthorizeUrl::new(black_box(key.clone()))
                .scopes(Scopes::READ | Scopes::WRITE)
                .expiration(Expiration::OneDay)
                .name("My App")
                .delivery(delivery.clone())
                .build()
                .unwrap()
        })
    });

    let get = || {
        http::Request::get("https://api.trello.com/1/members/me?fields=id,username")
            .body(Vec::new())
            .unwrap()
    };
    for (id, placement) in [
        ("place_header", Placement::Header),
        ("place_query", Placement::Query),
    ] {
        g.bench_function(id, |b| {
            b.iter_batched(
                get,
                |r| creds.authorize(r, placement).unwrap(),
                criterion::BatchSize::SmallInput,
            )
        });
    }
    let put = || {
        http::Request::put("https://api.trello.com/1/cards/5abbe4b7ddc1b351ef961414")
            .header("content-type", "application/json")
            .body(br#"{"name":"Finish Final Presentation","pos":"top"}"#.to_vec())
            .unwrap()
    };
    g.bench_function("place_json_body", |b| {
        b.iter_batched(
            put,
            |r| creds.authorize(r, Placement::Body).unwrap(),
            criterion::BatchSize::SmallInput,
        )
    });

    let revoked = http::Response::builder()
        .status(401)
        .header("content-type", "text/plain; charset=utf-8")
        .body(b"invalid token".to_vec())
        .unwrap();
    g.bench_function("classify_401_text", |b| {
        b.iter(|| classify(black_box(&revoked)))
    });
    let limited = http::Response::builder()
        .status(429)
        .header("content-type", "application/json")
        .header("retry-after", "3")
        .body(br#"{"error":"API_TOKEN_LIMIT_EXCEEDED","message":"Rate limit exceeded"}"#.to_vec())
        .unwrap();
    g.bench_function("classify_429_json", |b| {
        b.iter(|| classify(black_box(&limited)))
    });

    // OAuth 2.0: the check every call makes before it sends (is the access token still good
    // for 60 s?), and the Bearer header.
    let access = AccessToken::new(format!("eyJ{}", "x".repeat(300))).unwrap();
    let tokens = TokenSet::new(
        access.clone(),
        Some(RefreshToken::new("r".repeat(200)).unwrap()),
        Some(1_700_003_600),
        vec!["read:member:trello".into()],
    );
    let grant = Grant::new(ClientCredentials::public("app").unwrap(), tokens);
    g.bench_function("oauth2_refresh_check", |b| {
        b.iter(|| grant.needs_refresh(black_box(1_700_000_000)))
    });
    g.bench_function("place_bearer", |b| {
        b.iter_batched(
            get,
            |r| bearer(r, &access).unwrap(),
            criterion::BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
    let rows: Vec<report::Row> = [
        ("authorize URL", "authorize_url", None),
        ("header placement", "place_header", Some(300.0)),
        ("query placement", "place_query", None),
        ("JSON body placement", "place_json_body", None),
        ("classify 401 text", "classify_401_text", Some(150.0)),
        ("classify 429 JSON", "classify_429_json", Some(150.0)),
        (
            "OAuth 2.0 refresh check",
            "oauth2_refresh_check",
            Some(50.0),
        ),
        ("Bearer placement", "place_bearer", None),
    ]
    .into_iter()
    .filter_map(|(what, id, max)| report::Row::time_under(what, "core", id, max))
    .collect();
    report::print(
        "trello-auth-core (mean per operation, single thread)",
        &rows,
    );
}
