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

/// Past the hidden characters listed one by one, the rest are counted, and a control
/// character among them is still an error: the cap never turns a failing file into a pass.
#[test]
fn a_control_character_after_many_hidden_ones_is_still_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let hidden: String = (0..150).map(|_| "mot\u{200b}\n").collect();
    let file = format!(
        "---\ntitle: API cachée\ntagline: Une API\nproducer: dinum\nis_open: 1\n---\n{hidden}fin \u{1b}]0;PWN\u{7}\n"
    );
    std::fs::write(dir.path().join("api-cachee.md"), file).unwrap();
    let out = apicat()
        .env("HOME", dir.path())
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .args(["--catalogue", dir.path().to_str().unwrap(), "check"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}{err}");
    assert!(
        text.contains(
            "api-cachee.md:157:5: error: 52 more hidden or control characters after the first 100 listed, control characters among them"
        ),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "{text}");
}

/// A folder whose only file is broken is a finding to fix (exit 1), not a folder with nothing
/// in it (exit 2); a folder with no entry file at all still is.
#[test]
fn a_folder_of_broken_files_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let entries = dir.path().join("entries");
    std::fs::create_dir(&entries).unwrap();
    let run = || {
        apicat()
            .env("HOME", dir.path())
            .env("XDG_CACHE_HOME", dir.path().join("cache"))
            .args(["--catalogue", entries.to_str().unwrap(), "check"])
            .output()
            .unwrap()
    };
    let out = run();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no entries (*.md)"));
    std::fs::write(entries.join("api-x.md"), "---\ntitle: [broken\n---\nbody\n").unwrap();
    let out = run();
    let (text, err) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(1), "{text}{err}");
    assert!(text.contains("api-x.md:3:1: error: invalid YAML"), "{text}");
    assert!(err.contains("1 file checked: 1 error, 0 warnings"), "{err}");
}

#[test]
fn words_mixing_latin_and_look_alike_letters_are_flagged_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("copie.md"),
        "---\ntitle: API \u{415}ntreprise\ntagline: Données\nis_open: 1\nkeywords:\n  - s\u{456}ret\n  - \u{3b1}\u{3b2}\n---\nCorps\n",
    )
    .unwrap();
    let out = apicat()
        .args(["--catalogue", dir.path().to_str().unwrap(), "check"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("copie.md:2:1: warning: `\u{415}ntreprise` in title mixes Latin letters")
            && text.contains("(U+0415): it reads as `entreprise`"),
        "{text}"
    );
    assert!(
        text.contains("copie.md:5:1: warning: `s\u{456}ret` in keywords"),
        "{text}"
    );
    // A word wholly Greek is not a look-alike of a Latin one.
    assert!(!text.contains("`\u{3b1}\u{3b2}`"), "{text}");
}
