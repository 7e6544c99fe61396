//! Every committed corpus input (`fuzz/corpus/<target>/`) through its target on stable Rust:
//! what the fuzzers found and what the vectors seeded stays passing. A failure names the file;
//! reproduce it with `cargo +nightly fuzz run <target> <file>`.

use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use trello_auth_fuzz_harness::TARGETS;

fn fuzz_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

#[test]
fn every_corpus_input_passes_its_target() {
    let mut failures = Vec::new();
    let mut total = 0;
    for target in TARGETS {
        let dir = fuzz_dir().join("corpus").join(target.name);
        let mut files: Vec<_> = fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}: every target has a corpus", dir.display()))
            .map(|e| e.expect("a directory entry").path())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{}: an empty corpus", dir.display());
        for file in files {
            let data = fs::read(&file).expect("a corpus file");
            total += 1;
            if catch_unwind(AssertUnwindSafe(|| (target.run)(&data))).is_err() {
                failures.push(file.display().to_string());
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} inputs failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Each target has its libFuzzer binary (`fuzz_targets/<name>.rs`, a `[[bin]]` of
/// `fuzz/Cargo.toml`) and nothing else is there.
#[test]
fn the_cargo_fuzz_crate_has_exactly_these_targets() {
    let mut files: Vec<String> = fs::read_dir(fuzz_dir().join("fuzz_targets"))
        .expect("fuzz/fuzz_targets")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .replace(".rs", "")
        })
        .collect();
    files.sort();
    let mut names: Vec<String> = TARGETS.iter().map(|t| t.name.to_owned()).collect();
    names.sort();
    assert_eq!(files, names);
    let manifest = fs::read_to_string(fuzz_dir().join("Cargo.toml")).expect("fuzz/Cargo.toml");
    for name in &names {
        assert!(
            manifest.contains(&format!("name = \"{name}\"")),
            "{name} is not a [[bin]]"
        );
        let body = fs::read_to_string(fuzz_dir().join("fuzz_targets").join(format!("{name}.rs")))
            .expect("the target's file");
        assert!(
            body.contains(&format!("trello_auth_fuzz_harness::{name}(data)")),
            "{name}.rs runs another target"
        );
    }
}
