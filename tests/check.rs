//! `apicat check`: findings compiler-style and as JSON, exit status.

use predicates::prelude::*;
use std::path::Path;

mod common;
use common::apicat;

#[allow(dead_code)]
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn check_reports_compiler_style_and_exits_1_on_errors() {
    apicat()
        .arg("check")
        .assert()
        .success()
        .stderr(predicate::str::contains("5 files checked: 0 errors"));
    let dir = root().join("tests/fixtures/broken");
    let out = apicat()
        .args(["--catalogue", dir.to_str().unwrap(), "check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("bad-yaml.md:4:"), "{text}");
    assert!(
        text.contains("no-front.md:1:1: error: no front matter"),
        "{text}"
    );
    assert!(
        text.contains("good-one.md:1:1: warning: no technical documentation"),
        "{text}"
    );
    let out = apicat()
        .args(["--catalogue", dir.to_str().unwrap(), "check", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"], 4);
    assert!(v["errors"].as_u64().unwrap() >= 2);
    assert!(v["findings"][0]["path"].as_str().unwrap().ends_with(".md"));
}
