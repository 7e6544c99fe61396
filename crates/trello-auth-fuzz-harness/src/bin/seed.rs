//! `seed`: writes the conformance vectors (`tests/vectors/`) and a few hand-made cases into
//! `fuzz/corpus/<target>/` in each target's field format, one file per input, named by the
//! SHA-256 of its bytes (so seeding twice adds nothing). Run by `cargo xtask fuzz --seed`.

use std::fs;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut seeds = Seeds {
        corpus: root.join("fuzz/corpus"),
        written: 0,
    };
    for entry in walk(&root.join("tests/vectors"))? {
        let v: Value = serde_json::from_str(&fs::read_to_string(&entry)?)?;
        let kind = entry
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str());
        seeds.vector(kind.unwrap_or_default(), &v)?;
    }
    seeds.hand_made()?;
    println!(
        "seed: {} new inputs under {}",
        seeds.written,
        seeds.corpus.display()
    );
    Ok(())
}

fn walk(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            out.extend(walk(&path)?);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

struct Seeds {
    corpus: PathBuf,
    written: usize,
}

fn s<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// `name: value` lines of a JSON object of headers.
fn header_lines(v: &Value) -> String {
    v.as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}: {}", v.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

fn join(fields: &[&[u8]]) -> Vec<u8> {
    fields.join(&0u8)
}

impl Seeds {
    fn write(&mut self, target: &str, data: &[u8]) -> std::io::Result<()> {
        let dir = self.corpus.join(target);
        fs::create_dir_all(&dir)?;
        let name = format!("seed-{}", &hex(&Sha256::digest(data))[..16]);
        let path = dir.join(name);
        if !path.exists() {
            fs::write(path, data)?;
            self.written += 1;
        }
        Ok(())
    }

    fn vector(&mut self, kind: &str, v: &Value) -> std::io::Result<()> {
        match kind {
            "capture" => match s(v, "kind") {
                "fragment" => self.write("capture_fragment", s(v, "input").as_bytes()),
                "pasted" => self.write("capture_paste", s(v, "input").as_bytes()),
                _ => self.write(
                    "capture_post_message",
                    &join(&[s(v, "origin").as_bytes(), s(v, "input").as_bytes()]),
                ),
            },
            "classify" => {
                let r = &v["response"];
                let headers = header_lines(&r["headers"]);
                let status = r["status"].to_string();
                self.write("rate_limit_headers", headers.as_bytes())?;
                self.write(
                    "classify",
                    &join(&[
                        status.as_bytes(),
                        headers.as_bytes(),
                        s(r, "body").as_bytes(),
                    ]),
                )
            }
            "oauth2_token" => {
                let r = &v["response"];
                let (now, status) = (v["now"].to_string(), r["status"].to_string());
                let headers = header_lines(&r["headers"]);
                let body = s(r, "body").as_bytes();
                self.write(
                    "oauth2_token_response",
                    &join(&[now.as_bytes(), status.as_bytes(), headers.as_bytes(), body]),
                )
            }
            "oauth2_redirect" => self.write(
                "oauth2_redirect",
                &join(&[s(v, "expected_state").as_bytes(), s(v, "input").as_bytes()]),
            ),
            "webhook" => {
                let body = match v.get("body_base64").and_then(Value::as_str) {
                    Some(b) => base64::engine::general_purpose::STANDARD
                        .decode(b)
                        .unwrap_or_default(),
                    None => s(v, "body").as_bytes().to_vec(),
                };
                let header = v.get("header").and_then(Value::as_str).unwrap_or("-");
                self.write(
                    "webhook_verify",
                    &join(&[
                        s(v, "secret").as_bytes(),
                        s(v, "callback_url").as_bytes(),
                        header.as_bytes(),
                        &body,
                    ]),
                )
            }
            "oauth1" => {
                let r = &v["request"];
                let ct = r["headers"]
                    .as_object()
                    .and_then(|h| {
                        h.iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
                    })
                    .and_then(|(_, v)| v.as_str())
                    .unwrap_or_default();
                let (method, url, body) = (s(r, "method"), s(r, "url"), s(r, "body"));
                let token: &[u8] = if v.get("token").is_some() { b"t" } else { b"" };
                self.write(
                    "oauth1_base_string",
                    &join(&[
                        method.as_bytes(),
                        url.as_bytes(),
                        ct.as_bytes(),
                        s(v, "timestamp").as_bytes(),
                        s(v, "nonce").as_bytes(),
                        s(v, "callback").as_bytes(),
                        s(v, "verifier").as_bytes(),
                        token,
                        body.as_bytes(),
                    ]),
                )?;
                self.write(
                    "sandbox_oauth1",
                    &join(&[
                        method.as_bytes(),
                        url.as_bytes(),
                        ct.as_bytes(),
                        s(v, "nonce").as_bytes(),
                        body.as_bytes(),
                    ]),
                )
            }
            "placement" => {
                let (key, token) = (s(&v["credentials"], "key"), s(&v["credentials"], "token"));
                let Some(r) = v["expect"].get("request") else {
                    return Ok(());
                };
                let url = s(r, "url");
                let target = url.find("/1/").map_or("/", |i| &url[i..]);
                let stand_in = |t: &str| t.replace(key, "{key}").replace(token, "{token}");
                let headers = stand_in(&header_lines(&r["headers"]));
                self.write(
                    "sandbox_credentials",
                    &join(&[
                        s(r, "method").as_bytes(),
                        stand_in(target).as_bytes(),
                        format!("host: api.trello.com\n{headers}").as_bytes(),
                        stand_in(s(r, "body")).as_bytes(),
                    ]),
                )
            }
            _ => Ok(()),
        }
    }

    /// Inputs no vector gives: the OAuth 1.0a token responses and callback, and the login
    /// receiver's requests in each mode.
    fn hand_made(&mut self) -> std::io::Result<()> {
        let token = format!("ATTA{}", "a1".repeat(34));
        for (status, headers, body) in [
            ("200", "content-type: application/x-www-form-urlencoded", format!("oauth_token={token}&oauth_token_secret=pfkkdhi9sl3r4s00&oauth_callback_confirmed=true")),
            ("200", "", "oauth_token=hh5s93j4hdidpola&oauth_token_secret=hdhd0244k9j7ao03".to_owned()),
            ("401", "", "oauth_problem=signature_invalid".to_owned()),
            ("500", "content-type: text/plain", "Internal Server Error".to_owned()),
        ] {
            self.write("oauth1_token_response", &join(&[status.as_bytes(), headers.as_bytes(), body.as_bytes()]))?;
        }
        for callback in [
            "http://127.0.0.1:8080/callback/abababababababababababababababab?oauth_token=requesttoken123&oauth_verifier=hfdp7dh39dks9884",
            "?oauth_token=other&oauth_verifier=x",
            "oauth_token=requesttoken123&oauth_verifier=",
        ] {
            self.write("oauth1_callback", &join(&[b"requesttoken123", callback.as_bytes()]))?;
        }
        let path = "/callback/{nonce}";
        let json = "content-type: application/json\nhost: {host}";
        for (mode, method, uri, headers, body) in [
            ("0", "GET", path.to_owned(), "host: {host}", String::new()),
            (
                "0",
                "POST",
                path.to_owned(),
                json,
                r##"{"fragment":"#token={token}"}"##.to_owned(),
            ),
            (
                "0",
                "POST",
                path.to_owned(),
                json,
                r##"{"fragment":"#token=&error=Token%20request%20rejected"}"##.to_owned(),
            ),
            (
                "1",
                "POST",
                path.to_owned(),
                json,
                r#"{"origin":"https://127.0.0.1:9443","data":"{token}"}"#.to_owned(),
            ),
            ("2", "GET", path.to_owned(), "host: {host}", String::new()),
            (
                "3",
                "GET",
                format!("{path}?oauth_token=requesttoken123&oauth_verifier=v3r1f13r"),
                "host: {host}",
                String::new(),
            ),
            (
                "0",
                "GET",
                "/favicon.ico".to_owned(),
                "host: evil.example:8080",
                String::new(),
            ),
        ] {
            self.write(
                "login_receiver",
                &join(&[
                    mode.as_bytes(),
                    method.as_bytes(),
                    uri.as_bytes(),
                    headers.as_bytes(),
                    body.as_bytes(),
                ]),
            )?;
        }
        Ok(())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
