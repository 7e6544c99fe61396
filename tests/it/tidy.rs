//! Hygiene as tests (rust-analyzer's `tidy.rs`): every Rust file opens with a `//!` line
//! saying what it holds, no secret type derives `Debug` or `Serialize` (or can be displayed or
//! serialised at all), the core depends on no IO crate, and the project's documents link only
//! to files inside the repository.

use std::path::{Path, PathBuf};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    files_with(dir, "rs", out);
}

fn files_with(dir: &Path, extension: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != "target"
                && name != "node_modules"
                && !name.to_string_lossy().starts_with('.')
            {
                files_with(&path, extension, out);
            }
        } else if path.extension().is_some_and(|e| e == extension) {
            out.push(path);
        }
    }
}

fn all_rust_files() -> Vec<PathBuf> {
    let root = workspace_root();
    let mut files = Vec::new();
    for dir in ["crates", "bindings", "tests", "xtask"] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 10, "found only {} Rust files", files.len());
    files
}

#[test]
fn every_file_opens_with_a_module_doc() {
    let missing: Vec<String> = all_rust_files()
        .into_iter()
        .filter(|p| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            !text.trim_start().starts_with("//!")
        })
        .map(|p| p.display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "files without a `//!` opening line:\n{}",
        missing.join("\n")
    );
}

/// The secret types are written by core's `secret_type!` macro: neither its body nor an
/// invocation may derive `Debug`, `Display` or `Serialize` (their `Debug` is written by hand
/// and redacts). The compile-time half is `secrets_implement_neither_display_nor_serialize`.
#[test]
fn secret_types_do_not_derive_debug_or_serialize() {
    // Where the macro is written and called: the key + token secrets, and OAuth 2.0's.
    for file in ["secret.rs", "oauth2/secrets.rs"] {
        let path = workspace_root()
            .join("crates/trello-auth-core/src")
            .join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("secret_type!("),
            "{}: no secret_type! call: update this test",
            path.display()
        );
        let offenders = secret_type_derives(&text);
        assert!(
            offenders.is_empty(),
            "{}: secret types deriving Debug/Display/Serialize: {offenders:?}",
            path.display()
        );
    }
    let text =
        std::fs::read_to_string(workspace_root().join("crates/trello-auth-core/src/secret.rs"))
            .unwrap();
    assert!(
        text.contains("macro_rules! secret_type"),
        "the secret_type! macro moved: update this test"
    );
    // The check sees a violation (rust-analyzer's rule: a tidy test is seen failing once).
    let planted = text.replacen(
        "secret_type!(\n",
        "secret_type!(\n    #[derive(Debug, serde::Serialize)]\n",
        1,
    );
    assert_eq!(secret_type_derives(&planted).len(), 1);
}

/// The `derive`s with Debug, Display or Serialize in `macro_rules! secret_type` and in every
/// `secret_type!(...)` call, as `line: text`.
fn secret_type_derives(text: &str) -> Vec<String> {
    let mut offenders = Vec::new();
    let mut inside = false;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("macro_rules! secret_type") || trimmed.starts_with("secret_type!(") {
            inside = true;
        }
        let forbidden = ["Debug", "Display", "Serialize"];
        if inside && line.contains("derive(") && forbidden.iter().any(|t| line.contains(t)) {
            offenders.push(format!("{}: {}", i + 1, line.trim()));
        }
        // A call ends with `);`, the macro's body with a `}` in the first column.
        if inside && (trimmed == ");" || line == "}") {
            inside = false;
        }
    }
    offenders
}

/// No secret can be printed with `{}` or serialised by accident: a violation does not compile.
#[test]
fn secrets_implement_neither_display_nor_serialize() {
    use trello_auth_core::oauth1::{RequestToken, Verifier};
    use trello_auth_core::{AppSecret, Token, TokenSecret};
    static_assertions::assert_not_impl_any!(Token: std::fmt::Display, serde::Serialize);
    static_assertions::assert_not_impl_any!(AppSecret: std::fmt::Display, serde::Serialize);
    static_assertions::assert_not_impl_any!(TokenSecret: std::fmt::Display, serde::Serialize);
    static_assertions::assert_not_impl_any!(Verifier: std::fmt::Display, serde::Serialize);
    static_assertions::assert_not_impl_any!(RequestToken: std::fmt::Display, serde::Serialize);
    {
        use trello_auth_core::oauth2::{
            AccessToken, AuthorizationCode, ClientCredentials, ClientSecret, CodeVerifier, Pkce,
            RefreshToken, TokenSet,
        };
        static_assertions::assert_not_impl_any!(ClientSecret: std::fmt::Display, serde::Serialize);
        static_assertions::assert_not_impl_any!(AccessToken: std::fmt::Display, serde::Serialize);
        static_assertions::assert_not_impl_any!(RefreshToken: std::fmt::Display, serde::Serialize);
        static_assertions::assert_not_impl_any!(CodeVerifier: std::fmt::Display, serde::Serialize);
        static_assertions::assert_not_impl_any!(
            AuthorizationCode: std::fmt::Display,
            serde::Serialize
        );
        static_assertions::assert_not_impl_any!(
            ClientCredentials: std::fmt::Display,
            serde::Serialize
        );
        static_assertions::assert_not_impl_any!(Pkce: std::fmt::Display, serde::Serialize);
        static_assertions::assert_not_impl_any!(TokenSet: std::fmt::Display, serde::Serialize);
    }
    let canary = "ATTAcanarycanarycanary";
    assert!(!format!("{:?}", Token::new(canary).unwrap()).contains(canary));
}

/// The core stays sans-IO (the dependency rule of ARCHITECTURE.md): its normal dependencies,
/// transitively, include no runtime, socket, HTTP client, TLS or Python crate. An ordinary test, so `cargo test` alone checks
/// it (`cargo xtask test` did before).
#[test]
fn the_core_depends_on_no_io_crate() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = std::process::Command::new(cargo)
        .current_dir(workspace_root())
        .args([
            "tree",
            "-p",
            "trello-auth-core",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--format",
            "{p}",
            "--locked",
            "--offline",
        ])
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8(out.stdout).unwrap();
    assert!(tree.contains("trello-auth-core"), "{tree}");
    let offenders = io_crates(&tree);
    assert!(
        offenders.is_empty(),
        "trello-auth-core must stay sans-IO, but depends on {offenders:?}"
    );
    // Seen failing: the same check on a tree that has tokio in it.
    assert_eq!(
        io_crates("trello-auth-core v0.1.0\ntokio v1.0.0\nrustls-pki-types v1.0.0\n"),
        ["tokio", "rustls-pki-types"]
    );
}

fn io_crates(tree: &str) -> Vec<&str> {
    const FORBIDDEN: [&str; 10] = [
        "tokio",
        "hyper",
        "ureq",
        "pyo3",
        "mio",
        "socket2",
        "rustls",
        "ring",
        "webpki",
        "getrandom",
    ];
    tree.lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| {
            FORBIDDEN
                .iter()
                .any(|f| name == f || name.starts_with(&format!("{f}-")))
        })
        .collect()
}

/// A reader of the repository has only the repository: every relative Markdown link resolves
/// to a file in it, and no document or source points at the folder beside it (`shared/`).
#[test]
fn documents_link_only_inside_the_repository() {
    let root = workspace_root();
    let mut documents = Vec::new();
    files_with(&root, "md", &mut documents);
    assert!(
        documents.len() >= 4,
        "found only {} Markdown files",
        documents.len()
    );
    let mut sources = all_rust_files();
    files_with(&root.join("bindings"), "py", &mut sources);
    // Spelled in two halves, so that this file does not find itself.
    let outside = ["../", "shared/"].concat();
    let mut broken = Vec::new();
    for file in documents.iter().chain(&sources) {
        let text = std::fs::read_to_string(file).unwrap();
        if text.contains(&outside) {
            broken.push(format!("{}: links {outside}", file.display()));
        }
        if file.extension().is_some_and(|e| e == "md") {
            for target in text
                .split("](")
                .skip(1)
                .filter_map(|rest| rest.split(')').next())
            {
                let target = target.split('#').next().unwrap_or_default();
                if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                    continue;
                }
                let resolved = file.parent().unwrap().join(target);
                let inside = resolved
                    .canonicalize()
                    .is_ok_and(|p| p.starts_with(root.canonicalize().unwrap()));
                if !inside {
                    broken.push(format!(
                        "{}: ({target}) is not a file of the repository",
                        file.display()
                    ));
                }
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

mod architecture;
mod imports;
