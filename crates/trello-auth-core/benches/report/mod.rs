//! Reads criterion's results back (`target/criterion/<group>/<id>/new/estimates.json`) and
//! prints the figures as a table with ratios and targets, so `cargo xtask bench` ends with
//! numbers a closing note can quote.

// Shared by several bench binaries, each of which uses a part of it.
#![allow(dead_code)]

use std::path::PathBuf;

/// criterion's output folder: `$CARGO_TARGET_DIR/criterion`, else `target/criterion` above the
/// bench executable.
fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir).join("criterion");
    }
    let exe = std::env::current_exe().unwrap_or_default();
    exe.ancestors()
        .find(|p| p.file_name().is_some_and(|n| n == "target"))
        .map(|t| t.join("criterion"))
        .unwrap_or_else(|| PathBuf::from("target/criterion"))
}

/// The mean time of `group/id` in nanoseconds, from the last run.
pub fn mean_ns(group: &str, id: &str) -> Option<f64> {
    let path = criterion_dir()
        .join(group)
        .join(id)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["mean"]["point_estimate"].as_f64()
}

/// One line of the summary: a figure and the target it is held to.
pub struct Row {
    /// What was measured.
    pub what: String,
    /// The figure, formatted.
    pub figure: String,
    /// The target, formatted.
    pub target: String,
    /// Whether the figure meets the target.
    pub met: bool,
}

impl Row {
    /// A time in ns, against an upper bound when there is one.
    pub fn time_under(what: &str, group: &str, id: &str, max_ns: Option<f64>) -> Option<Row> {
        let ns = mean_ns(group, id)?;
        Some(Row {
            what: what.to_owned(),
            figure: format!("{ns:.1} ns"),
            target: max_ns.map_or("-".to_owned(), |max| format!("< {max:.0} ns")),
            met: max_ns.is_none_or(|max| ns < max),
        })
    }

    /// A ratio `a / b` against a lower (`at_least`) or upper bound.
    pub fn ratio(what: &str, a: f64, b: f64, bound: f64, at_least: bool) -> Row {
        let r = a / b;
        Row {
            what: what.to_owned(),
            figure: format!("{r:.2}x"),
            target: format!("{} {bound:.2}x", if at_least { ">=" } else { "<=" }),
            met: if at_least { r >= bound } else { r <= bound },
        }
    }
}

/// Prints `rows` as an aligned table under `title`.
pub fn print(title: &str, rows: &[Row]) {
    println!("\n{title}");
    let w = rows.iter().map(|r| r.what.len()).max().unwrap_or(0);
    for r in rows {
        println!(
            "  {:<w$}  {:>12}  target {:<10} {}",
            r.what,
            r.figure,
            r.target,
            match (r.met, r.target.as_str()) {
                (_, "-") => "",
                (true, _) => "met",
                (false, _) => "MISSED",
            }
        );
    }
}
