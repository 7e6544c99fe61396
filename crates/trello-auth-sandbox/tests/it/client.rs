//! A small HTTP/1.1 client for the tests: hyper's client connection over a fresh TCP (or TLS,
//! trusting the sandbox CA) connection per request, plus raw-socket helpers.

use std::io::{Read as _, Write as _};
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName};

/// A response, read whole.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The text of the first `<pre>` of an HTML page (the sandbox's own reader).
    pub fn first_pre(&self) -> String {
        trello_auth_sandbox::consent::first_pre(&self.body).expect("a <pre>")
    }
}

/// A request to send.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: &'static str,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

impl Req {
    pub fn new(method: &'static str, target: impl Into<String>) -> Self {
        Self {
            method,
            target: target.into(),
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn get(target: impl Into<String>) -> Self {
        Self::new("GET", target)
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    pub fn body(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        self.headers
            .push(("content-type".to_owned(), content_type.to_owned()));
        self.body = Some(body.into());
        self
    }

    pub fn form(self, body: &str) -> Self {
        self.body(
            "application/x-www-form-urlencoded",
            body.as_bytes().to_vec(),
        )
    }

    pub fn json(self, body: &serde_json::Value) -> Self {
        self.body("application/json", body.to_string().into_bytes())
    }

    pub fn auth(self, key: &str, token: &str) -> Self {
        self.header(
            "authorization",
            format!("OAuth oauth_consumer_key=\"{key}\", oauth_token=\"{token}\""),
        )
    }
}

/// `host:port` of a base like `http://127.0.0.1:1234`.
pub fn authority(base: &str) -> &str {
    base.split_once("://").map_or(base, |(_, a)| a)
}

/// Sends `req` to `base` (trusting `ca_pem` for https) and reads the whole response.
pub async fn send(base: &str, ca_pem: Option<&str>, req: Req) -> Resp {
    let tcp = tokio::net::TcpStream::connect(authority(base))
        .await
        .expect("connect");
    if base.starts_with("https://") {
        let connector = tls_connector(ca_pem.expect("a CA for https"));
        let tls = connector
            .connect(ServerName::try_from("localhost").expect("name"), tcp)
            .await
            .expect("TLS handshake");
        exchange(TokioIo::new(tls), base, req).await
    } else {
        exchange(TokioIo::new(tcp), base, req).await
    }
}

pub fn tls_connector(ca_pem: &str) -> tokio_rustls::TlsConnector {
    tokio_rustls::TlsConnector::from(tls_client_config(ca_pem))
}

/// A rustls client configuration trusting only `ca_pem`.
pub fn tls_client_config(ca_pem: &str) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(cert.expect("PEM")).expect("CA");
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    Arc::new(config)
}

async fn exchange<I>(io: I, base: &str, req: Req) -> Resp
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(io)
        .await
        .expect("handshake");
    tokio::spawn(conn);
    let mut builder = http::Request::builder()
        .method(req.method)
        .uri(&req.target)
        .header("host", authority(base));
    for (n, v) in &req.headers {
        builder = builder.header(n.as_str(), v.as_str());
    }
    let body = Full::new(Bytes::from(req.body.unwrap_or_default()));
    let resp = sender
        .send_request(builder.body(body).expect("request"))
        .await
        .expect("response");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.expect("body").to_bytes();
    Resp {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// Writes raw bytes (then half-closes if `close_write`, so an incomplete request ends at once),
/// and reads until the server closes. Returns what came back (possibly empty).
pub fn raw(base: &str, bytes: &[u8], close_write: bool) -> Vec<u8> {
    let mut s = std::net::TcpStream::connect(authority(base)).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .expect("timeout");
    let _ = s.write_all(bytes);
    if close_write {
        let _ = s.shutdown(std::net::Shutdown::Write);
    }
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    out
}

/// A blocking well-formed GET with `Connection: close`; returns the status and body.
pub fn blocking_get(base: &str, target: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut req = format!(
        "GET {target} HTTP/1.1\r\nhost: {}\r\nconnection: close\r\n",
        authority(base)
    );
    for (n, v) in headers {
        req.push_str(&format!("{n}: {v}\r\n"));
    }
    req.push_str("\r\n");
    let out = String::from_utf8_lossy(&raw(base, req.as_bytes(), false)).into_owned();
    let status = out
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// Form-decodes a `Location` query or fragment into pairs.
pub fn form_pairs(s: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(s.as_bytes())
        .map(|(a, b)| (a.into_owned(), b.into_owned()))
        .collect()
}
