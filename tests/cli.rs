//! The binary as a user runs it.

use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::{apicat, check_lines};

fn fixtures(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn json(args: &[&str]) -> Vec<Value> {
    let out = apicat().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Vec<Value>>(&out.stdout).unwrap()
}

fn slugs(v: &[Value]) -> Vec<&str> {
    v.iter().map(|o| o["slug"].as_str().unwrap()).collect()
}

#[test]
fn search_urssaf_shows_the_four_urssaf_entries_from_any_directory() {
    let out = apicat().args(["search", "urssaf"]).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for slug in [
        "api-tierce-declaration-auto-entrepreneur",
        "auto-entrepreneurs-par-secteur-d-activite",
        "procedures-collectives-france-entiere",
    ] {
        assert!(
            text.replace('\n', "").contains(&slug[..10]),
            "{slug} in {text}"
        );
    }
    assert!(!text.contains("api-entreprise"));
    let v = json(&["search", "urssaf", "--json"]);
    assert_eq!(v.len(), 4);
    assert!(v.iter().all(|o| o["producer"] == "Urssaf"));
}

#[test]
fn search_folds_accents_tolerates_typos_and_drops_stopwords() {
    assert_eq!(
        slugs(&json(&["search", "procedures", "--json"]))[0],
        "procedures-collectives-france-entiere"
    );
    assert_eq!(
        slugs(&json(&["search", "entrprise", "--json"]))[0],
        "api-entreprise"
    );
    let v = json(&[
        "search",
        "les",
        "procédures",
        "de",
        "la",
        "France",
        "--json",
    ]);
    assert_eq!(slugs(&v)[0], "procedures-collectives-france-entiere");
    let v = json(&["search", "l’Urssaf", "--json"]);
    assert_eq!(v.len(), 4);
}

#[test]
fn search_json_has_stable_fields_and_limit() {
    let v = json(&["search", "entreprise", "--json", "--limit", "1"]);
    assert_eq!(v.len(), 1);
    let o = v[0].as_object().unwrap();
    for k in [
        "slug", "title", "tagline", "producer", "access", "themes", "score",
    ] {
        assert!(o.contains_key(k), "missing {k}");
    }
    assert_eq!(o["access"], "restricted");
    assert!(o["score"].as_f64().unwrap() > 0.0);
}

#[test]
fn no_match_is_exit_1_with_a_message_and_empty_stdout() {
    apicat()
        .args(["search", "xyzzyplugh"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("no API matches \"xyzzyplugh\""));
    apicat()
        .args(["list", "--theme", "emploj"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("did you mean \"Emploi\""));
}

#[test]
fn list_filters() {
    let v = json(&["list", "--access", "restricted", "--json"]);
    assert_eq!(
        slugs(&v),
        ["api-entreprise", "api-tierce-declaration-auto-entrepreneur"]
    );
    let v = json(&["list", "--theme", "EMPLOI", "--json"]);
    assert_eq!(v.len(), 3);
    assert!(v.iter().all(|o| o["themes"][0] == "Emploi"));
    let v = json(&["list", "--producer", "urssaf", "--access", "open", "--json"]);
    assert_eq!(v.len(), 3);
    let v = json(&["search", "entreprise", "--producer", "DINUM", "--json"]);
    assert_eq!(slugs(&v), ["api-entreprise"]);
    assert_eq!(json(&["list", "--json"]).len(), 5);
    apicat()
        .args(["list", "--access", "sometimes"])
        .assert()
        .code(2);
}

#[test]
fn tables_fit_the_width_and_have_no_colour_in_a_pipe() {
    for width in ["40", "80", "120"] {
        let out = apicat().env("COLUMNS", width).arg("list").output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!text.contains('\x1b'));
        let long = check_lines(&text, width.parse().unwrap());
        assert!(long.is_empty(), "{}", long.join("\n"));
    }
}

#[test]
fn colour_flags() {
    let coloured = |args: &[&str], no_color: bool| {
        let mut c = apicat();
        if no_color {
            c.env("NO_COLOR", "1");
        }
        let out = c.args(args).output().unwrap();
        String::from_utf8(out.stdout).unwrap().contains('\x1b')
    };
    assert!(coloured(&["--color", "always", "search", "urssaf"], false));
    assert!(!coloured(&["--color", "never", "search", "urssaf"], false));
    assert!(!coloured(&["search", "urssaf"], false));
    assert!(!coloured(&["search", "urssaf"], true));
}

#[test]
fn broken_files_are_reported_and_the_rest_is_served() {
    let dir = fixtures("broken");
    let out = apicat()
        .args(["--catalogue", &dir, "list", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("bad-yaml.md:4:"), "{err}");
    assert!(err.contains("no-front.md:1: no front matter"), "{err}");
    let v: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(slugs(&v), ["escape-codes", "good-one"]);
    // The environment variable does the same.
    apicat()
        .env("APICAT_CATALOGUE", &dir)
        .args(["search", "fine"])
        .assert()
        .success()
        .stdout(predicate::str::contains("good-one"));
}

#[test]
fn control_characters_never_reach_the_terminal() {
    let dir = fixtures("broken");
    for args in [
        vec!["--catalogue", &dir, "--color", "always", "list"],
        vec!["--catalogue", &dir, "--color", "always", "search", "evil"],
        vec!["--catalogue", &dir, "list", "--json"],
    ] {
        let out = apicat().args(&args).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        // Only our own SGR colour codes may appear.
        let stripped = text.replace("\x1b[1;33m", "").replace("\x1b[0m", "");
        assert!(
            !stripped.chars().any(|c| c.is_control() && c != '\n'),
            "{stripped:?}"
        );
        assert!(text.contains("Evil") || text.contains("evil"));
    }
}

#[test]
fn a_missing_catalogue_directory_is_a_clear_error() {
    apicat()
        .args(["--catalogue", "/no/such/dir", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/no/such/dir: no such directory"));
}

#[test]
fn closed_pipe_ends_quietly() {
    let bin = assert_cmd::cargo::cargo_bin("apicat");
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; '{}' --catalogue '{}' list | head -1",
            bin.display(),
            fixtures("broken")
        ))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("Broken pipe") && !err.contains("panicked"),
        "{err}"
    );
}
