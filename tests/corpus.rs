//! The real api.gouv.fr catalogue (test data beside the checkout, `../shared/corpus`): every
//! entry renders at width 80 with no markup left over and no line too long. Skipped, with a
//! note, where the corpus is absent.

use assert_cmd::Command;
use std::path::PathBuf;
use unicode_width::UnicodeWidthStr;

const LEFTOVERS: &[&str] = &[
    "<Button",
    "<External",
    "<p>",
    "<span",
    "</a>",
    "&nbsp;",
    "\\\"",
];

fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/api");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("note: {} is absent; corpus checks skipped", dir.display());
        None
    }
}

/// A line may run past the width only because of a URL longer than the width, or in a code
/// block (indented by four spaces), printed verbatim.
fn overlong(line: &str, width: usize) -> bool {
    line.width() > width
        && !line.starts_with("    ")
        && !line
            .split_whitespace()
            .any(|w| (w.contains("://") || w.starts_with("mailto:")) && w.width() > width)
}

pub fn check_page(slug: &str, page: &str, width: usize) -> Vec<String> {
    let mut bad = Vec::new();
    for l in LEFTOVERS {
        if page.contains(l) {
            bad.push(format!("{slug}: leftover {l:?}"));
        }
    }
    for line in page.lines() {
        if overlong(line, width) {
            bad.push(format!(
                "{slug}: line of {} columns: {line:?}",
                line.width()
            ));
        }
        if line.chars().any(|c| c.is_control()) {
            bad.push(format!("{slug}: control character in {line:?}"));
        }
    }
    bad
}

#[test]
fn every_real_entry_renders_cleanly_at_width_80() {
    let Some(dir) = corpus() else { return };
    let mut bad = Vec::new();
    let mut n = 0;
    for f in std::fs::read_dir(&dir).unwrap() {
        let path = f.unwrap().path();
        let slug = path.file_stem().unwrap().to_string_lossy().into_owned();
        let out = Command::cargo_bin("apicat")
            .unwrap()
            .env(
                "XDG_CACHE_HOME",
                std::env::temp_dir().join("apicat-tests-cache"),
            )
            .env("COLUMNS", "80")
            .env_remove("NO_COLOR")
            .args([
                "--catalogue",
                dir.to_str().unwrap(),
                "show",
                &slug,
                "--no-pager",
                "--color",
                "never",
            ])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() || !stderr.is_empty() {
            bad.push(format!(
                "{slug}: exit {:?}, stderr {stderr}",
                out.status.code()
            ));
        }
        bad.extend(check_page(&slug, &String::from_utf8_lossy(&out.stdout), 80));
        n += 1;
    }
    assert!(n >= 170, "only {n} entries");
    assert!(
        bad.is_empty(),
        "{} problems:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn the_whole_real_catalogue_loads_without_error() {
    let Some(dir) = corpus() else { return };
    let out = Command::cargo_bin("apicat")
        .unwrap()
        .env(
            "XDG_CACHE_HOME",
            std::env::temp_dir().join("apicat-tests-cache"),
        )
        .args(["--catalogue", dir.to_str().unwrap(), "list", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let v: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.len(), 170);
}

#[test]
fn history_loads_every_valid_file_and_names_each_broken_one() {
    let Some(dir) = corpus() else { return };
    let hist = dir.join("../history");
    let out = Command::cargo_bin("apicat")
        .unwrap()
        .env(
            "XDG_CACHE_HOME",
            std::env::temp_dir().join("apicat-tests-cache"),
        )
        .args(["--catalogue", hist.to_str().unwrap(), "list", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(v.len(), 1415);
    assert_eq!(lines.len(), 48, "{err}");
    // path:line: message, with a line number on every report
    for l in lines {
        let rest = l.split(".md:").nth(1).unwrap_or("");
        assert!(
            rest.split(':').next().unwrap().parse::<usize>().is_ok(),
            "{l}"
        );
    }
}
