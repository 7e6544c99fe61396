//! Tidy: `ARCHITECTURE.md` names only crates, modules, items and files that exist, and names
//! every workspace member, so the map cannot drift from the territory unnoticed.
//!
//! What is checked is every inline code span (between backticks, on one line, outside fenced
//! blocks), by the naming convention the document states at its top:
//!
//! - `trello-auth-x` (the whole span) is a workspace member's package name;
//! - `x::a::b` whose first segment is a crate's short name (its package name without
//!   `trello-auth-`: `core`, `net`, `sandbox`, `python`, `xtask`, ...) or its Rust name
//!   (`trello_auth_core`) walks the crate's `src/`: each segment a module (`a.rs` or
//!   `a/mod.rs` in the folder so far) while one exists, then at most two items (`Type` or
//!   `Type::method`, `name!` for a macro) declared with `fn`, `struct`, `enum`, `trait`, `type`,
//!   `const`, `static`, `mod` or `macro_rules!` (or as an enum variant) in that module's files.
//!   A suffix from the first `<` or `(` on is dropped (`ClientBuilder<Client>`, `builder()`);
//! - a span starting with `crates/`, `bindings/`, `tests/`, `xtask/` or `docs/` is a file or
//!   folder of the repository.
//!
//! Other spans (`http::Request<Vec<u8>>`, `Call::attempt`, commands) are not checked.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{rust_files, workspace_root};

#[test]
fn the_architecture_names_only_what_exists() {
    let root = workspace_root();
    let text = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let workspace = Workspace::read(&root);
    let report = check(&workspace, &text);
    assert!(
        report.problems.is_empty(),
        "ARCHITECTURE.md names what does not exist (fix the name, or the document; the naming \
         convention is at its top and in tests/it/tidy/architecture.rs):\n{}",
        report.problems.join("\n")
    );
    // A convention that silently stopped matching would check nothing.
    assert!(
        report.crates >= 8 && report.paths >= 40 && report.files >= 5,
        "ARCHITECTURE.md: only {} crate names, {} module paths and {} file paths checked; did \
         the naming convention change?",
        report.crates,
        report.paths,
        report.files
    );
    let spans: Vec<String> = code_spans(&text).into_iter().map(|(_, s)| s).collect();
    let unnamed: Vec<&str> = workspace
        .members
        .iter()
        .filter(|m| !spans.iter().any(|s| *s == m.package || *s == m.dir))
        .map(|m| m.package.as_str())
        .collect();
    assert!(
        unnamed.is_empty(),
        "ARCHITECTURE.md: the code map names no section for the workspace members {unnamed:?} \
         (by package name or folder, in backticks)"
    );
}

/// The check seen failing (rust-analyzer's rule): a planted crate, module, item and file that
/// do not exist are each reported with their line, and the real names beside them are not.
#[test]
fn a_wrong_name_is_found_and_said() {
    let workspace = Workspace::read(&workspace_root());
    let planted = "\
`trello-auth-core`, `trello-auth-python`, `trello-auth-tests`, `xtask`, `trello-auth login`
`core::client::session`, `trello_auth_core::client::ClientBuilder<Client>`, `core::redact`
`core::client::Call::attempt`, `net::settings::transport_builder_settings!`, `net::unix_time`
`sandbox::routes::admin`, `python::errors`, `xtask::test`, `tests/it/tidy.rs`, `http::Uri`
```
`core::inside_a_fence`
```
`trello-auth-bogus`
`core::client::bogus`
`core::client::Bogus`, `core::secret::bogus!`
`tests/it/bogus.rs`
";
    let report = check(&workspace, planted);
    assert_eq!(
        report.problems,
        [
            "ARCHITECTURE.md:8: `trello-auth-bogus` is no workspace member's package",
            "ARCHITECTURE.md:9: `core::client::bogus`: no module \
             crates/trello-auth-core/src/client/bogus.rs (or bogus/mod.rs), and no item `bogus` \
             declared in crates/trello-auth-core/src/client",
            "ARCHITECTURE.md:10: `core::client::Bogus`: no item `Bogus` declared in \
             crates/trello-auth-core/src/client",
            "ARCHITECTURE.md:10: `core::secret::bogus!`: no item `bogus!` declared in \
             crates/trello-auth-core/src/secret",
            "ARCHITECTURE.md:11: `tests/it/bogus.rs` is no file or folder of the repository",
        ]
    );
    assert_eq!(
        (report.crates, report.paths, report.files),
        (4, 12, 2),
        "{report:?}"
    );
}

/// A workspace member: its package name and its folder, relative to the root.
#[derive(Debug)]
struct Member {
    package: String,
    dir: String,
}

#[derive(Debug)]
struct Workspace {
    root: PathBuf,
    members: Vec<Member>,
}

impl Workspace {
    /// The members listed in the root `Cargo.toml`, each with the `name` of its `[package]`.
    fn read(root: &Path) -> Self {
        let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
        let list = manifest
            .split_once("members = [")
            .and_then(|(_, rest)| rest.split_once(']'))
            .expect("the root Cargo.toml lists `members = [...]`")
            .0;
        let members: Vec<Member> = list
            .split('"')
            .skip(1)
            .step_by(2)
            .map(|dir| {
                let path = root.join(dir).join("Cargo.toml");
                let text = std::fs::read_to_string(&path).unwrap();
                let package = text
                    .split_once("[package]")
                    .and_then(|(_, rest)| {
                        rest.lines().find_map(|l| {
                            let value = l.trim().strip_prefix("name")?.trim_start();
                            Some(value.strip_prefix('=')?.trim().trim_matches('"').to_owned())
                        })
                    })
                    .unwrap_or_else(|| panic!("{}: no [package] name", path.display()));
                Member {
                    package,
                    dir: dir.to_owned(),
                }
            })
            .collect();
        assert!(members.len() >= 8, "found only {members:?}");
        Self {
            root: root.to_path_buf(),
            members,
        }
    }

    /// Each crate's short name and Rust name, with its `src/` folder relative to the root.
    fn aliases(&self) -> BTreeMap<String, String> {
        let mut aliases = BTreeMap::new();
        for m in &self.members {
            let src = format!("{}/src", m.dir);
            let short = m.package.strip_prefix("trello-auth-").unwrap_or(&m.package);
            aliases.insert(short.to_owned(), src.clone());
            aliases.insert(m.package.replace('-', "_"), src);
        }
        aliases
    }
}

/// What a check found, and how many names of each kind it checked.
#[derive(Debug, Default)]
struct Report {
    problems: Vec<String>,
    crates: usize,
    paths: usize,
    files: usize,
}

fn check(workspace: &Workspace, text: &str) -> Report {
    let aliases = workspace.aliases();
    let mut report = Report::default();
    for (line, span) in code_spans(text) {
        let at = format!("ARCHITECTURE.md:{line}: `{span}`");
        if is_crate_name(&span) {
            report.crates += 1;
            if !workspace.members.iter().any(|m| m.package == span) {
                report
                    .problems
                    .push(format!("{at} is no workspace member's package"));
            }
        } else if is_file_path(&span) {
            report.files += 1;
            if !workspace.root.join(span.trim_end_matches('/')).exists() {
                report
                    .problems
                    .push(format!("{at} is no file or folder of the repository"));
            }
        } else if let Some((src, segments)) = module_path(&span, &aliases) {
            report.paths += 1;
            if let Err(problem) = resolve(&workspace.root, src, &segments) {
                report.problems.push(format!("{at}: {problem}"));
            }
        }
    }
    report
}

/// The inline code spans of `text` with their line numbers (from 1), fenced blocks skipped.
fn code_spans(text: &str) -> Vec<(usize, String)> {
    let mut spans = Vec::new();
    let mut fenced = false;
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            let parts = line.split('`').skip(1).step_by(2);
            spans.extend(parts.map(|s| (i + 1, s.to_owned())));
        }
    }
    spans
}

fn is_crate_name(span: &str) -> bool {
    span.strip_prefix("trello-auth-")
        .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_lowercase()))
}

fn is_file_path(span: &str) -> bool {
    let top = ["crates/", "bindings/", "tests/", "xtask/", "docs/"];
    top.iter().any(|t| span.starts_with(t))
        && !span.contains(|c: char| c.is_whitespace() || "<>*{}".contains(c))
}

/// `span` as a crate's `src/` folder and the segments after the crate's name, if it is a path
/// whose first segment names a crate of the workspace.
fn module_path<'a>(
    span: &'a str,
    aliases: &'a BTreeMap<String, String>,
) -> Option<(&'a str, Vec<&'a str>)> {
    let path = span.split(['<', '(']).next().unwrap_or_default();
    let mut segments = path.split("::");
    let src = aliases.get(segments.next()?)?;
    let rest: Vec<&str> = segments.collect();
    let identifier = |s: &str| {
        let s = s.strip_suffix('!').unwrap_or(s);
        s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let well_formed = !rest.is_empty()
        && rest.iter().all(|s| identifier(s))
        && rest[..rest.len() - 1].iter().all(|s| !s.ends_with('!'));
    well_formed.then_some((src.as_str(), rest))
}

/// Walks `segments` from `src` (relative to `root`): modules while their files exist, then at
/// most two items declared in the module reached.
fn resolve(root: &Path, src: &str, segments: &[&str]) -> Result<(), String> {
    let mut module = src.to_owned();
    let mut files = source_files(&root.join(src));
    let mut rest = segments;
    while let Some((first, tail)) = rest.split_first() {
        let dir = root.join(&module);
        let file = dir.join(format!("{first}.rs"));
        let folder = dir.join(first);
        if !file.exists() && !folder.join("mod.rs").exists() {
            break;
        }
        files = source_files(&folder);
        files.extend(file.exists().then_some(file));
        module = format!("{module}/{first}");
        rest = tail;
    }
    if rest.len() > 2 {
        return Err(format!("no module {module}/{}.rs (or {0}/mod.rs)", rest[0]));
    }
    for (i, item) in rest.iter().enumerate() {
        if !files.iter().any(|f| declares(f, item)) {
            // Where the walk through modules stopped, a lowercase name may have meant one.
            let could_be_module =
                i == 0 && item.starts_with(char::is_lowercase) && !item.ends_with('!');
            let no_module = if could_be_module {
                format!("no module {module}/{item}.rs (or {item}/mod.rs), and ")
            } else {
                String::new()
            };
            return Err(format!("{no_module}no item `{item}` declared in {module}"));
        }
    }
    Ok(())
}

/// The Rust files under `dir`, unit tests (`tests.rs`, `tests/`) left out.
fn source_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    rust_files(dir, &mut files);
    files.retain(|f| {
        f.strip_prefix(dir).map_or(true, |relative| {
            !relative
                .components()
                .any(|c| c.as_os_str() == "tests" || c.as_os_str() == "tests.rs")
        })
    });
    files
}

/// Whether `file` declares `item` (`name!` for a macro), or has it as an enum variant.
fn declares(file: &Path, item: &str) -> bool {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let (name, keywords): (&str, &[&str]) = match item.strip_suffix('!') {
        Some(name) => (name, &["macro_rules!"]),
        None => (
            item,
            &[
                "fn", "struct", "enum", "trait", "type", "const", "static", "mod",
            ],
        ),
    };
    let ends_name = |rest: &str| {
        rest.strip_prefix(name)
            .is_some_and(|after| !after.starts_with(|c: char| c.is_alphanumeric() || c == '_'))
    };
    text.lines().map(str::trim_start).any(|line| {
        let declared = line
            .split_whitespace()
            .collect::<Vec<_>>()
            .windows(2)
            .any(|w| keywords.contains(&w[0]) && ends_name(w[1]));
        let variant = item.starts_with(char::is_uppercase)
            && ends_name(line)
            && line[name.len()..].starts_with(['(', '{', ',', ' ']);
        declared || variant
    })
}
