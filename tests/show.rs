//! `apicat show`: the rendered page of every bundled entry (insta snapshots at width 80, colour
//! off), finding entries, JSON, and errors.

use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::{apicat, check_lines};

fn show(name: &str) -> String {
    let out = apicat().args(["show", name]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const SEEDS: &[&str] = &[
    "api-entreprise",
    "api-tierce-declaration-auto-entrepreneur",
    "auto-entrepreneurs-par-secteur-d-activite",
    "nombre-de-travailleurs-independants-par-secteur-d-activite",
    "procedures-collectives-france-entiere",
];

#[test]
fn seed_pages_match_their_snapshots() {
    for slug in SEEDS {
        insta::assert_snapshot!(*slug, show(slug));
    }
}

#[test]
fn seed_pages_have_no_markup_left_and_fit_80_columns() {
    for slug in SEEDS {
        let page = show(slug);
        for leftover in ["<", "&nbsp;", "\\\"", "\\n", "style=", "href="] {
            assert!(
                !page.contains(leftover),
                "{slug}: {leftover:?} left in\n{page}"
            );
        }
        let long = check_lines(&page, 80);
        assert!(long.is_empty(), "{slug}:\n{}", long.join("\n"));
    }
}

#[test]
fn page_contents() {
    let p = show("api-entreprise");
    assert!(p.starts_with("API Entreprise\n══════════════\n"));
    for want in [
        "Direction interministérielle du numérique (DINUM)",
        "2000 appels / 10 minutes / IP",
        "Access request  https://datapass.api.gouv.fr/api-entreprise",
        "Une collectivité ou une administration — eligible",
        "Un particulier — not eligible",
        "Une entreprise — eligible under conditions",
        "→ Remplir une demande: https://datapass.api.gouv.fr/api-entreprise",
        "→ Rechercher une autre API: https://api.gouv.fr/rechercher-api",
        "les données du RNA (https://api.gouv.fr/les-api/api_rna)",
        "[1]\nhttps://api.gouv.fr/api/v1/proxy/https%3A%2F%2Fentreprise.api.gouv.fr%2Fv2%2Fopen-api.yml\n",
    ] {
        assert!(p.contains(want), "missing {want:?}");
    }
    let p = show("auto-entrepreneurs-par-secteur-d-activite");
    assert!(p.contains("No request is needed."));
    // A URL too long for its line is a note, whole, after the paragraph.
    assert!(p.contains("l'Acoss Stat [1])."));
    assert!(p.contains(
        "\n[1]\nhttps://www.acoss.fr/home/observatoire-economique/publications/acoss-stat.html\n"
    ));
}

#[test]
fn names_are_found_by_title_and_prefix() {
    assert!(show("API Entreprise").starts_with("API Entreprise\n"));
    assert!(show("procédures collectives, FRANCE entière").starts_with("Procédures collectives"));
    assert!(show("api-ti").starts_with("API Tierce"));
}

#[test]
fn unknown_names_suggest() {
    apicat()
        .args(["show", "api-entreprse"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(
            predicate::str::contains("no API named \"api-entreprse\"")
                .and(predicate::str::contains("did you mean \"api-entreprise\"")),
        );
    apicat()
        .args(["show", ""])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("an API name is needed"));
    // A prefix of several slugs: say which.
    apicat()
        .args(["show", "a"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("\"a\" is ambiguous"));
}

#[test]
fn show_json_is_the_whole_entry() {
    let out = apicat()
        .args(["show", "api-entreprise", "--json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["slug"], "api-entreprise");
    assert_eq!(v["source"]["kind"], "bundled");
    assert_eq!(v["source"]["path"], "catalogue/api-entreprise.md");
    let fm = v["front_matter"].as_object().unwrap();
    assert_eq!(fm.len(), 21, "{:?}", fm.keys().collect::<Vec<_>>());
    assert_eq!(fm["is_open"], -1);
    assert_eq!(fm["stat"]["lastXdays"], 30);
    assert!(v["body"].as_str().unwrap().contains("<External href="));
    assert!(!v["body_markdown"].as_str().unwrap().contains("<External"));
}

#[test]
fn colour_only_when_asked_and_width_follows_columns() {
    let out = apicat()
        .args(["show", "api-entreprise", "--color", "always"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("\x1b["));
    let out = apicat()
        .env("COLUMNS", "50")
        .args(["show", "api-entreprise"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b'));
    let long = check_lines(&text, 50);
    assert!(long.is_empty(), "{}", long.join("\n"));
}

/// On a terminal, a page taller than the screen goes through $PAGER; --no-pager prints it.
#[test]
fn a_tall_page_goes_through_the_pager_on_a_terminal() {
    use expectrl::{Expect, Session};
    let spawn = |extra: &[&str]| {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("apicat"));
        cmd.args(["show", "api-entreprise"])
            .args(extra)
            .env("PAGER", "echo PAGER-RAN; cat > /dev/null")
            .env("TERM", "xterm")
            .env_remove("APICAT_CATALOGUE");
        let mut s = Session::spawn(cmd).unwrap();
        s.set_expect_timeout(Some(std::time::Duration::from_secs(10)));
        s
    };
    let mut s = spawn(&[]);
    s.expect("PAGER-RAN").unwrap();
    let mut s = spawn(&["--no-pager"]);
    s.expect("Who may use it").unwrap();
    s.expect(expectrl::Eof).unwrap();
}

/// On a terminal, a pager that cannot run never loses the page: it is printed, the reason is
/// on stderr, and the exit status is 0.
mod pager {
    use expectrl::Session;
    use std::io::Read;
    use std::process::Command;
    use std::time::Duration;

    fn page_with(pager: &str) -> (String, Option<i32>) {
        let home = tempfile::tempdir().unwrap();
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("apicat"));
        cmd.args(["show", "api-entreprise"])
            .env("PAGER", pager)
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("TERM", "xterm")
            .env_remove("NO_COLOR");
        let mut s = Session::spawn(cmd).unwrap();
        s.get_process_mut().set_window_size(80, 24).unwrap();
        s.set_expect_timeout(Some(Duration::from_secs(10)));
        let mut all = Vec::new();
        let _ = s.read_to_end(&mut all);
        let code = match s.get_process().wait().unwrap() {
            expectrl::process::unix::WaitStatus::Exited(_, code) => Some(code),
            _ => None,
        };
        (String::from_utf8_lossy(&all).into_owned(), code)
    }

    #[test]
    fn a_failing_or_missing_pager_still_shows_the_page() {
        for pager in ["false", "/no/such/pager", "exit 3"] {
            let (out, code) = page_with(pager);
            assert_eq!(code, Some(0), "{pager}: {out}");
            assert!(out.contains("Who may use it"), "{pager}: page lost:\n{out}");
            assert!(
                out.contains("the page follows"),
                "{pager}: no reason given:\n{out}"
            );
        }
    }
}
