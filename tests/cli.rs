//! The binary as a user runs it.

use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::apicat;

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
fn tables_fit_the_width_and_keep_slugs_whole() {
    let slugs_all: Vec<String> = json(&["list", "--json"])
        .iter()
        .map(|o| o["slug"].as_str().unwrap().to_string())
        .collect();
    for width in ["30", "40", "60", "80", "120"] {
        let out = apicat()
            .env("COLUMNS", width)
            .args(["list", "--format", "table"])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!text.contains('\x1b'));
        let w: usize = width.parse().unwrap();
        for slug in &slugs_all {
            assert!(
                text.lines()
                    .any(|l| l.split_whitespace().next() == Some(slug)),
                "{slug} not whole at {w}:\n{text}"
            );
        }
        for line in text.lines() {
            // Only a slug wider than the terminal may pass it, alone on its line.
            let alone = slugs_all.iter().any(|s| line.trim() == s);
            assert!(
                line.chars().count() <= w || alone,
                "{line:?} wider than {w}"
            );
        }
    }
}

#[test]
fn a_pipe_gets_one_tab_separated_row_per_api() {
    let out = apicat().arg("list").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 5, "{text}");
    for r in &rows {
        assert_eq!(r.split('\t').count(), 5, "{r:?}");
    }
    assert!(
        rows.iter()
            .any(|r| r.starts_with("api-entreprise\tAPI Entreprise\t"))
    );
    // --limit, and the explicit formats.
    let out = apicat().args(["list", "--limit", "2"]).output().unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 2);
    apicat().args(["list", "--limit", "0"]).assert().code(2);
    let out = apicat()
        .args(["list", "--format", "json"])
        .output()
        .unwrap();
    assert!(serde_json::from_slice::<Vec<Value>>(&out.stdout).is_ok());
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
    let table = ["search", "urssaf", "--format", "table"];
    assert!(coloured(
        &[&["--color", "always"][..], &table].concat(),
        false
    ));
    assert!(!coloured(
        &[&["--color", "never"][..], &table].concat(),
        false
    ));
    assert!(!coloured(&table, false));
    assert!(!coloured(&table, true));
    // Rows for a pipe are never coloured.
    assert!(!coloured(&["--color", "always", "search", "urssaf"], false));
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
        vec![
            "--catalogue",
            &dir,
            "--color",
            "always",
            "list",
            "--format",
            "table",
        ],
        vec![
            "--catalogue",
            &dir,
            "--color",
            "always",
            "search",
            "evil",
            "--format",
            "table",
        ],
        vec!["--catalogue", &dir, "list"],
        vec!["--catalogue", &dir, "list", "--json"],
    ] {
        let out = apicat().args(&args).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        // Only our own SGR colour codes may appear.
        let stripped = text.replace("\x1b[1;33m", "").replace("\x1b[0m", "");
        assert!(
            !stripped
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
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
fn first_hour_mistakes_get_a_sentence() {
    // A file, not a folder.
    let file = fixtures("broken/good-one.md");
    apicat()
        .args(["--catalogue", &file, "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a file, not a folder"));
    // An empty folder.
    let empty = tempfile::tempdir().unwrap();
    apicat()
        .args(["--catalogue", empty.path().to_str().unwrap(), "search", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no entries (*.md) in"));
    // A folder whose every file is broken: each is named with its line, not only the first.
    let broken = tempfile::tempdir().unwrap();
    for name in ["a", "b", "c"] {
        std::fs::write(
            broken.path().join(format!("{name}.md")),
            "---\nbad: key: x\n---\n",
        )
        .unwrap();
    }
    let out = apicat()
        .args(["--catalogue", broken.path().to_str().unwrap(), "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("3 files could not be read as entries"),
        "{err}"
    );
    for name in ["a", "b", "c"] {
        assert!(
            err.contains(&format!("{name}.md:2:9: invalid YAML")),
            "{err}"
        );
    }
    // A folder of non-entries beside a subfolder of entries: the subfolder is named.
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("README.md"), "# not an entry\n").unwrap();
    std::fs::create_dir(root.path().join("api")).unwrap();
    std::fs::copy(
        fixtures("broken/good-one.md"),
        root.path().join("api/good-one.md"),
    )
    .unwrap();
    apicat()
        .args(["--catalogue", root.path().to_str().unwrap(), "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("its subfolder api holds entries"));
    // JSON with no hit is an empty array, and still exit 1.
    apicat()
        .args(["search", "zzzzqqq", "--json"])
        .assert()
        .code(1)
        .stdout("[]\n");
    apicat()
        .args(["list", "--theme", "nothing-of-the-sort", "--json"])
        .assert()
        .code(1)
        .stdout("[]\n");
    // A prefix of several slugs.
    apicat().args(["show", "api-"]).assert().code(2).stderr(
        predicate::str::contains("ambiguous").and(predicate::str::contains(
            "api-tierce-declaration-auto-entrepreneur",
        )),
    );
    // --producer gets "did you mean", like --theme.
    apicat()
        .args(["list", "--producer", "urssf"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean \"Urssaf\""));
    // --france-connect filters.
    let out = apicat()
        .args(["list", "--france-connect"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "no bundled entry uses FranceConnect");
}

#[test]
fn the_man_page_has_environment_files_and_exit_status_and_no_missing_pages() {
    let out = apicat().arg("man").output().unwrap();
    let man = String::from_utf8(out.stdout).unwrap();
    for section in [".SH ENVIRONMENT", ".SH FILES", ".SH \"EXIT STATUS\""] {
        assert!(man.contains(section), "{section} missing");
    }
    for var in [
        "APICAT_CATALOGUE",
        "PAGER",
        "NO_COLOR",
        "COLUMNS",
        "XDG_DATA_HOME",
    ] {
        assert!(man.contains(var), "{var} missing");
    }
    assert!(
        !man.contains("apicat-list(1)"),
        "a page that does not exist"
    );
}
