//! Hygiene as tests (rust-analyzer's `tidy.rs`): every Rust file opens with a `//!` line
//! saying what it holds, no secret type derives `Debug` or `Serialize`, and the project's
//! documents link only to files inside the repository.

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
            if name != "target" && !name.to_string_lossy().starts_with('.') {
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

#[test]
fn secret_types_do_not_derive_debug_or_serialize() {
    let mut offenders = Vec::new();
    for path in all_rust_files() {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let is_secret = [
                "pub struct Token(",
                "pub struct AppSecret(",
                "pub struct TokenSecret(",
                "Secret(",
            ]
            .iter()
            .any(|s| line.trim_start().starts_with("pub struct") && line.contains(s));
            if is_secret {
                let derives = lines[i.saturating_sub(3)..i].iter().any(|l| {
                    l.contains("derive(") && (l.contains("Debug") || l.contains("Serialize"))
                });
                if derives {
                    offenders.push(format!("{}:{}", path.display(), i + 1));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "secret types deriving Debug/Serialize: {offenders:?}"
    );
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
