//! Tidy: the top-level modules of a crate import each other without a circle, so each can be
//! read (and moved) knowing only the modules below it.
//!
//! Plain text scanning, no parser: comments, strings and character literals are blanked, then
//! the tokens are searched for `crate::Y` paths (in `use` lines or inline, `$crate::` in
//! macros and `pub(in crate::Y)` included) and `use crate::{Y, Z::...}` groups. A top-level
//! module is a `mod X;` of `lib.rs`: the file `src/X.rs` or `src/X/mod.rs` plus everything under
//! `src/X/` (its submodules are part of it, so `crate::X::sub` from inside X is no edge). A name
//! that `lib.rs` brings into the crate root (`pub use Y::{A, b::C as D};`) counts as module Y.
//! Not seen: `super::super::` paths that climb out of a module, glob re-exports at the root,
//! and `#[path]` attributes; none is used in the crates checked here.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

use super::{rust_files, workspace_root};

#[test]
fn the_sandbox_modules_import_no_circle() {
    assert_no_circle("crates/trello-auth-sandbox");
}

#[test]
fn the_core_modules_import_no_circle() {
    assert_no_circle("crates/trello-auth-core");
}

/// The check seen failing (rust-analyzer's rule), on a planted crate whose circle goes through
/// a root re-export, a `use crate::{...}` group, an inline path and a submodule, and whose
/// comments and strings mention a module they do not use.
#[test]
fn a_circle_is_found_and_named() {
    let lib = "mod a;\nmod b;\npub(crate) mod c;\npub use c::{other::Deep as Renamed, Thing};\n";
    let a = "//! A.\nuse crate::b::X; // crate::c::Nope\nconst S: &str = \"crate::c::Nope\";\n";
    let a_tests = "use crate::{b, Thing as _};\nconst C: char = '\"';\n";
    let b = "/* crate::a /* nested */ crate::a */ fn f<'x>() { crate::Renamed::g(); }\n\
             const R: &str = r#\"crate::a\"#;\n";
    let c = "use crate::{\n    a::Z,\n    c::Itself,\n};\n";
    let files = [
        ("a.rs", a),
        ("a/tests.rs", a_tests),
        ("b.rs", b),
        ("c/mod.rs", c),
    ];
    let graph = ModuleGraph::from_sources(lib, &files);
    let edges = |m: &str| graph.edges[m].keys().cloned().collect::<Vec<_>>();
    assert_eq!(edges("a"), ["b", "c"], "{:?}", graph.edges);
    assert_eq!(edges("b"), ["c"]);
    assert_eq!(edges("c"), ["a"]);
    assert_eq!(graph.edges["c"]["a"], "src/c/mod.rs:2");
    assert_eq!(
        graph.cycles(),
        [vec!["a", "b", "c", "a"], vec!["a", "c", "a"]]
    );
    let acyclic = ModuleGraph::from_sources(lib, &files[..3]);
    assert!(acyclic.cycles().is_empty(), "{:?}", acyclic.cycles());
}

fn assert_no_circle(krate: &str) {
    let src = workspace_root().join(krate).join("src");
    let graph = ModuleGraph::read(&src);
    assert!(
        graph.edges.len() >= 5 && graph.edges.values().any(|e| !e.is_empty()),
        "{krate}: found only {:?}; did the layout change?",
        graph.edges
    );
    let cycles = graph.cycles();
    let report: Vec<String> = cycles
        .iter()
        .map(|cycle| {
            let hops: Vec<String> = cycle
                .windows(2)
                .map(|w| format!("    {} -> {}: {}", w[0], w[1], graph.edges[&w[0]][&w[1]]))
                .collect();
            format!("{}\n{}", cycle.join(" -> "), hops.join("\n"))
        })
        .collect();
    assert!(
        cycles.is_empty(),
        "{krate}: top-level modules import each other in a circle (move what they share into \
         a leaf module, or pass values instead of reaching back):\n{}",
        report.join("\n")
    );
}

/// Which top-level module uses which, each edge with the first place seen (`src/x.rs:12`).
#[derive(Debug)]
struct ModuleGraph {
    edges: BTreeMap<String, BTreeMap<String, String>>,
}

impl ModuleGraph {
    /// Reads `src/lib.rs` and every `.rs` file of the modules it declares.
    fn read(src: &Path) -> Self {
        let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
        let mut paths = Vec::new();
        rust_files(src, &mut paths);
        paths.sort();
        let sources: Vec<(String, String)> = paths
            .iter()
            .map(|p| {
                let relative = p.strip_prefix(src).unwrap();
                let relative = relative.to_string_lossy().replace('\\', "/");
                (relative, std::fs::read_to_string(p).unwrap())
            })
            .collect();
        let sources: Vec<(&str, &str)> = sources
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        Self::from_sources(&lib, &sources)
    }

    /// `files` are paths relative to `src/` with their text; those of no module declared in
    /// `lib` (`lib.rs` itself, `main.rs`, `bin/`) are skipped.
    fn from_sources(lib: &str, files: &[(&str, &str)]) -> Self {
        let lib = tokens(lib);
        let modules = declared_modules(&lib);
        let mut names: BTreeMap<String, String> =
            modules.iter().map(|m| (m.clone(), m.clone())).collect();
        names.extend(root_reexports(&lib, &modules));
        let mut edges: BTreeMap<String, BTreeMap<String, String>> = modules
            .iter()
            .map(|m| (m.clone(), BTreeMap::new()))
            .collect();
        for (path, text) in files {
            let top = path.split('/').next().unwrap_or_default();
            let Some(module) = modules.get(top.strip_suffix(".rs").unwrap_or(top)) else {
                continue;
            };
            for (name, line) in crate_references(&tokens(text)) {
                match names.get(&name) {
                    Some(target) if target != module => {
                        edges
                            .get_mut(module)
                            .unwrap() // every declared module has an entry
                            .entry(target.clone())
                            .or_insert_with(|| format!("src/{path}:{line}"));
                    }
                    _ => {}
                }
            }
        }
        Self { edges }
    }

    /// Every elementary circle that is the shortest one through some edge, each starting at
    /// its alphabetically first module and ending where it started; sorted.
    fn cycles(&self) -> Vec<Vec<String>> {
        let mut found = BTreeSet::new();
        for (from, targets) in &self.edges {
            for to in targets.keys() {
                if let Some(back) = self.shortest_path(to, from) {
                    let mut cycle: Vec<String> =
                        std::iter::once(from.clone()).chain(back).collect();
                    cycle.pop(); // `from` again
                                 // A circle holds at least two modules.
                    let first = (0..cycle.len()).min_by_key(|&i| &cycle[i]).unwrap();
                    cycle.rotate_left(first);
                    cycle.push(cycle[0].clone());
                    found.insert(cycle);
                }
            }
        }
        found.into_iter().collect()
    }

    /// The modules on a shortest path `from` ... `to`, both included (breadth first).
    fn shortest_path(&self, from: &str, to: &str) -> Option<Vec<String>> {
        let mut previous: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = VecDeque::from([from]);
        while let Some(at) = queue.pop_front() {
            if at == to {
                let mut path = vec![to.to_owned()];
                let mut at = to;
                while at != from {
                    at = previous[at];
                    path.push(at.to_owned());
                }
                path.reverse();
                return Some(path);
            }
            for next in self.edges.get(at).into_iter().flat_map(|e| e.keys()) {
                if next != from && !previous.contains_key(next.as_str()) {
                    previous.insert(next, at);
                    queue.push_back(next);
                }
            }
        }
        None
    }
}

/// A token of code with comments and literals blanked: a word, `::`, or one other character;
/// with its line.
#[derive(Debug)]
struct Token {
    text: String,
    line: usize,
}

/// The `mod x;` declarations of `lib.rs`, whatever their visibility.
fn declared_modules(lib: &[Token]) -> BTreeSet<String> {
    lib.windows(3)
        .filter(|w| w[0].text == "mod" && w[2].text == ";")
        .map(|w| w[1].text.clone())
        .collect()
}

/// The names the `use` items of `lib.rs` bind at the crate root (`pub use x::{A, b::C as D};`
/// binds `A` and `D`), each with the module it comes from; private ones count too, since every
/// module may name them as `crate::A`.
fn root_reexports(lib: &[Token], modules: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    let mut depth = 0;
    for (i, t) in lib.iter().enumerate() {
        match t.text.as_str() {
            "{" => depth += 1,
            "}" => depth -= 1,
            "use" if depth == 0 => {
                let Some(end) = lib[i..].iter().position(|t| t.text == ";") else {
                    continue;
                };
                for (module, name) in bindings(&lib[i + 1..i + end]) {
                    if modules.contains(&module) {
                        names.insert(name, module);
                    }
                }
            }
            _ => {}
        }
    }
    names
}

/// What a use tree binds, as (first segment of the path, bound name): `x::{A, b::{self, C as
/// D}}` gives `(x, A)`, `(x, b)` and `(x, D)`. A leading `crate::`, `self::` or `::` is skipped;
/// globs and `_` bind nothing nameable.
fn bindings(tree: &[Token]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut prefixes: Vec<Vec<String>> = Vec::new(); // the path before each open `{`
    let mut path: Vec<String> = Vec::new();
    let mut alias: Option<String> = None;
    let mut tokens = tree.iter().map(|t| t.text.as_str()).peekable();
    let mut close = |prefixes: &[Vec<String>], path: &mut Vec<String>, alias: Option<String>| {
        let mut full: Vec<String> = prefixes.iter().flatten().cloned().collect();
        full.append(path);
        let first = full.iter().position(|s| s != "crate" && s != "self");
        let name = alias.or_else(|| full.last().cloned());
        if let (Some(first), Some(name)) = (first, name) {
            if name != "*" && name != "_" {
                let name = if name == "self" {
                    full[full.len() - 2].clone()
                } else {
                    name
                };
                found.push((full[first].clone(), name));
            }
        }
    };
    while let Some(t) = tokens.next() {
        match t {
            "::" => {}
            "{" => prefixes.push(std::mem::take(&mut path)),
            "," | "}" => {
                if !path.is_empty() {
                    close(&prefixes, &mut path, alias.take());
                }
                if t == "}" {
                    prefixes.pop();
                }
            }
            "as" => alias = tokens.next().map(str::to_owned),
            _ => path.push(t.to_owned()),
        }
    }
    if !path.is_empty() {
        close(&prefixes, &mut path, alias.take());
    }
    found
}

/// The first segment after each `crate::`, with its line: `crate::y::z` gives `y`,
/// `crate::{y, z::w}` gives `y` and `z`.
fn crate_references(tokens: &[Token]) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    for i in 0..tokens.len().saturating_sub(2) {
        if tokens[i].text != "crate" || tokens[i + 1].text != "::" {
            continue;
        }
        let next = &tokens[i + 2];
        if next.text != "{" {
            found.push((next.text.clone(), next.line));
            continue;
        }
        let mut depth = 0;
        let mut expect_head = true;
        for t in &tokens[i + 2..] {
            match t.text.as_str() {
                "{" => {
                    depth += 1;
                    expect_head = depth == 1;
                    continue;
                }
                "}" => depth -= 1,
                "," => expect_head = depth == 1,
                _ if expect_head => {
                    found.push((t.text.clone(), t.line));
                    expect_head = false;
                }
                _ => {}
            }
            if depth == 0 {
                break;
            }
        }
    }
    found
}

/// The tokens of Rust source, after [`blank_comments_and_literals`].
fn tokens(source: &str) -> Vec<Token> {
    let code: Vec<char> = blank_comments_and_literals(source).chars().collect();
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < code.len() {
        let c = code[i];
        let start = i;
        if c == '\n' {
            line += 1;
        } else if word(c) {
            while i + 1 < code.len() && word(code[i + 1]) {
                i += 1;
            }
        } else if c == ':' && code.get(i + 1) == Some(&':') {
            i += 1;
        }
        if !c.is_whitespace() {
            let text = code[start..=i].iter().collect();
            out.push(Token { text, line });
        }
        i += 1;
    }
    out
}

/// The source with comments (nested block comments too), string literals (raw and byte ones
/// too) and character literals replaced by spaces, newlines kept so lines still count.
fn blank_comments_and_literals(source: &str) -> String {
    let s: Vec<char> = source.chars().collect();
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::with_capacity(source.len());
    let blank = |out: &mut String, from: &[char]| {
        out.extend(from.iter().map(|&c| if c == '\n' { '\n' } else { ' ' }));
    };
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        let after_word = i > 0 && word(s[i - 1]);
        let end = if rest.starts_with(&['/', '/']) {
            rest.iter().position(|&c| c == '\n').unwrap_or(rest.len())
        } else if rest.starts_with(&['/', '*']) {
            let mut depth = 0;
            let mut j = 0;
            while j < rest.len() {
                if rest[j..].starts_with(&['/', '*']) {
                    depth += 1;
                    j += 2;
                } else if rest[j..].starts_with(&['*', '/']) {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            j
        } else if rest[0] == '"' {
            let mut j = 1;
            while j < rest.len() && rest[j] != '"' {
                j += if rest[j] == '\\' { 2 } else { 1 };
            }
            j + 1
        } else if rest[0] == 'r'
            && (!after_word || (s[i - 1] == 'b' && (i < 2 || !word(s[i - 2]))))
            && rest[1..].iter().find(|&&c| c != '#') == Some(&'"')
        {
            let hashes = rest[1..].iter().take_while(|&&c| c == '#').count();
            let close: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let body = 2 + hashes;
            rest[body..]
                .windows(close.len())
                .position(|w| w == close.as_slice())
                .map_or(rest.len(), |p| body + p + close.len())
        } else if rest[0] == '\'' && rest.get(1) == Some(&'\\') {
            2 + rest[2..]
                .iter()
                .skip(1)
                .position(|&c| c == '\'')
                .unwrap_or(0)
                + 2
        } else if rest[0] == '\'' && rest.get(2) == Some(&'\'') {
            3
        } else {
            out.push(rest[0]);
            i += 1;
            continue;
        };
        let end = end.min(rest.len());
        blank(&mut out, &rest[..end]);
        i += end;
    }
    out
}
