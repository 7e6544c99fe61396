//! Shared helpers of trello-auth's cross-crate tests: where the conformance vectors live
//! (VECTORS.md) and how to list them, so every runner (Rust here, Python in the wheel's
//! tests, transport suites) sees the same files.

pub mod browser;
pub mod chromium;
pub mod fleet;

use std::path::{Path, PathBuf};

/// The kinds of conformance vectors (docs/vectors.md), one folder each under [`vectors_dir`].
pub const KINDS: [&str; 10] = [
    "authorize",
    "capture",
    "placement",
    "classify",
    "oauth1",
    "pkce",
    "oauth2_authorize",
    "oauth2_redirect",
    "oauth2_token",
    "webhook",
];

/// `tests/vectors/` of this workspace.
pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

/// Every `*.json` file under `vectors/<kind>/`, sorted, as `(kind, file name, path)`.
/// A folder that is not one of [`KINDS`] is listed too (under its own name), so that a
/// misplaced file fails loudly instead of being skipped.
pub fn vector_files() -> std::io::Result<Vec<(String, String, PathBuf)>> {
    let mut files = Vec::new();
    for dir in std::fs::read_dir(vectors_dir())? {
        let dir = dir?;
        if !dir.file_type()?.is_dir() {
            continue;
        }
        let kind = dir.file_name().to_string_lossy().into_owned();
        for file in std::fs::read_dir(dir.path())? {
            let path = file?.path();
            if path.extension().is_some_and(|e| e == "json") {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                files.push((kind.clone(), name, path));
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The README's examples, compiled and run as doctests so they cannot rot.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// The Rust examples of docs/webhooks.md, run as doctests.
#[doc = include_str!("../../docs/webhooks.md")]
#[cfg(doctest)]
pub struct WebhookGuideDoctests;
