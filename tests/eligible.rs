//! `apicat eligible`: verdicts with --as (one API and catalogue-wide, text and JSON, errors),
//! and the real questionnaire driven through a pseudo-terminal.

use predicates::prelude::*;
use serde_json::Value;
use std::time::{Duration, Instant};

mod common;
use common::apicat;

fn stdout(args: &[&str]) -> String {
    let out = apicat().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn one_api_as_a_profile() {
    let p = stdout(&["eligible", "api-entreprise", "--as", "collectivite"]);
    assert!(
        p.contains("As \"Administration ou collectivité\": eligible\n"),
        "{p}"
    );
    assert!(
        p.contains("for \"Une collectivité ou une administration\""),
        "{p}"
    );
    assert!(p.contains("renseigner le cadre juridique"));
    assert!(p.contains("Next step: ask for access at https://datapass.api.gouv.fr/api-entreprise"));
    // One next step: the request link is given once, not as a button and again.
    assert_eq!(
        p.matches("https://datapass.api.gouv.fr/api-entreprise")
            .count(),
        1,
        "{p}"
    );
    assert!(!p.contains("Remplir une demande"), "{p}");
    let p = stdout(&["eligible", "api-entreprise", "--as", "Particulier"]);
    assert!(p.contains(": not eligible\n"), "{p}");
    // What to do instead, as the entry says it; never "Next step: none".
    assert!(
        p.contains("Instead: Rechercher une autre API at\nhttps://api.gouv.fr/rechercher-api"),
        "{p}"
    );
    assert!(p.contains("mailto:support@entreprise.api.gouv.fr"), "{p}");
    assert!(!p.contains("none: not eligible"), "{p}");
    let p = stdout(&["eligible", "api-entreprise", "--as", "éditeur"]);
    assert!(p.contains(": eligible under conditions\n"), "{p}");
    for args in [
        &[
            "eligible",
            "procedures-collectives-france-entiere",
            "--as",
            "particulier",
        ][..],
        &[
            "eligible",
            "procedures-collectives-france-entiere",
            "--as",
            "astronaute",
        ],
        &["eligible", "procedures-collectives-france-entiere"],
    ] {
        let p = stdout(args);
        assert!(
            p.contains(": eligible\n") && p.contains("Next step: no request needed"),
            "{args:?}: {p}"
        );
    }
}

#[test]
fn audiences_are_typed_as_people_say_them() {
    for (typed, audience) in [
        ("administration", "administration"),
        ("Collectivité", "administration"),
        ("ENTREPRISE", "entreprise"),
        ("association", "entreprise"),
        ("auto-entrepreneur", "entreprise"),
        ("particulier", "particulier"),
        ("Éditeur", "editeur"),
        ("editeur", "editeur"),
    ] {
        let v: Value = serde_json::from_str(&stdout(&[
            "eligible",
            "api-entreprise",
            "--as",
            typed,
            "--json",
        ]))
        .unwrap();
        assert_eq!(v["audience"], audience, "{typed}");
    }
}

#[test]
fn one_api_json() {
    let v: Value = serde_json::from_str(&stdout(&[
        "eligible",
        "api-entreprise",
        "--as",
        "une entreprise",
        "--json",
    ]))
    .unwrap();
    assert_eq!(v["slug"], "api-entreprise");
    assert_eq!(v["profile"], "une entreprise");
    assert_eq!(v["audience"], "entreprise");
    assert_eq!(v["matched_label"], "Une entreprise");
    assert_eq!(v["verdict"], "eligible under conditions");
    assert_eq!(
        v["next_step_url"],
        "https://datapass.api.gouv.fr/api-entreprise"
    );
    assert_eq!(v["no_request_needed"], false);
    // A raw label: its own audience, or null when it has none.
    let v: Value = serde_json::from_str(&stdout(&[
        "eligible",
        "api-tierce-declaration-auto-entrepreneur",
        "--as",
        "autres activites",
        "--json",
    ]))
    .unwrap();
    assert_eq!(v["matched_label"], "Autres activités");
    assert!(v["audience"].is_null(), "{v}");
    assert_eq!(v["verdict"], "not eligible");
}

#[test]
fn catalogue_wide_eligible_first() {
    let v: Vec<Value> =
        serde_json::from_str(&stdout(&["eligible", "--as", "collectivite", "--json"])).unwrap();
    let verdicts: Vec<&str> = v.iter().map(|o| o["verdict"].as_str().unwrap()).collect();
    assert_eq!(
        verdicts,
        [
            "eligible",
            "eligible",
            "eligible",
            "eligible",
            "not eligible"
        ]
    );
    assert_eq!(v[4]["slug"], "api-tierce-declaration-auto-entrepreneur");
    assert_eq!(v[4]["matched_label"], "Autres activités");
    let t = stdout(&["eligible", "--as", "collectivite"]);
    assert!(t.starts_with(" SLUG"), "{t}");
    assert!(t.contains("not eligible"));
    assert!(t.lines().all(|l| l.chars().count() <= 80), "{t}");
}

/// `eligible SLUG --as P` and `eligible --as P` agree on SLUG, for every entry and profile.
fn same_verdict_both_ways(catalogue: Option<&str>, profiles: &[&str], slugs: Option<&[&str]>) {
    let with = |args: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = catalogue
            .map(|c| vec!["--catalogue".to_string(), c.to_string()])
            .unwrap_or_default();
        v.extend(args.iter().map(|s| s.to_string()));
        v
    };
    for p in profiles {
        let all: Vec<Value> =
            serde_json::from_str(&stdout_of(&with(&["eligible", "--as", p, "--json"]))).unwrap();
        for row in &all {
            let slug = row["slug"].as_str().unwrap();
            if slugs.is_some_and(|s| !s.contains(&slug)) {
                continue;
            }
            let one: Value =
                serde_json::from_str(&stdout_of(&with(&["eligible", slug, "--as", p, "--json"])))
                    .unwrap();
            assert_eq!(&one, row, "{slug} --as {p}");
        }
    }
}

fn stdout_of(args: &[String]) -> String {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    stdout(&args)
}

#[test]
fn same_verdict_both_ways_bundled() {
    same_verdict_both_ways(
        None,
        &[
            "administration",
            "entreprise",
            "particulier",
            "editeur",
            "auto-entrepreneur",
            "autres",
            "Un editeur de logiciel de paie",
        ],
        None,
    );
}

/// The real catalogue: every audience across all 170 entries, each compared with the one-API
/// form on entries chosen to cover every kind of answer (one process per entry and audience
/// for all 170 would take minutes; the core checks every entry in-process).
#[test]
fn same_verdict_both_ways_corpus() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/api");
    if !dir.is_dir() {
        assert!(
            std::env::var_os("APICAT_REQUIRE_CORPUS").is_none(),
            "corpus absent"
        );
        eprintln!("note: {} is absent; skipped", dir.display());
        return;
    }
    same_verdict_both_ways(
        Some(dir.to_str().unwrap()),
        &["administration", "entreprise", "particulier", "editeur"],
        Some(&[
            "api-entreprise",
            "api-particulier",
            "api-statut-etudiant-ecriture",
            "api-tierce-declaration-auto-entrepreneur",
            "api-captchetat",
            "api-indemnites-journalieres-cnam",
            "api-pro-sante-connect",
            "api-acces-libre",
            "API_Ingres_Noyau",
        ]),
    );
    // A student is a Particulier, not "an administration serving students".
    let v: Value = serde_json::from_str(&stdout(&[
        "--catalogue",
        dir.to_str().unwrap(),
        "eligible",
        "api-statut-etudiant-ecriture",
        "--as",
        "etudiant",
        "--json",
    ]))
    .unwrap();
    assert_eq!(v["audience"], "particulier", "{v}");
    assert_eq!(v["matched_label"], "Un particulier", "{v}");
}

#[test]
fn an_unknown_profile_lists_the_audiences_then_the_labels() {
    let out = apicat()
        .args(["eligible", "api-entreprise", "--as", "astronaute"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    let audiences = err.find("--as administration").expect(&err);
    let labels = err.find("Un particulier").expect(&err);
    assert!(audiences < labels, "{err}");
    // Labels in columns: several a line, none past 80 columns.
    assert!(
        err.lines()
            .any(|l| l.contains("Un auto-entrepreneur") && l.trim().contains("   ")),
        "{err}"
    );
    assert!(err.lines().all(|l| l.chars().count() < 80), "{err}");
    apicat()
        .args(["eligible", "--as", "partculier"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean \"particulier\""));
    apicat()
        .args(["eligible", "api-entreprse", "--as", "x"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean"));
}

#[test]
fn several_labels_of_one_audience_it_depends() {
    let p = stdout(&[
        "eligible",
        "api-tierce-declaration-auto-entrepreneur",
        "--as",
        "editeur",
    ]);
    assert!(p.contains(": eligible under conditions\n"), "{p}");
    assert!(
        p.contains("\"Un editeur de logiciel de paie\": not eligible"),
        "{p}"
    );
}

#[test]
fn without_a_terminal_and_without_as_it_fails_fast() {
    for args in [vec!["eligible"], vec!["eligible", "api-entreprise"]] {
        let start = Instant::now();
        apicat()
            .args(&args)
            .write_stdin("")
            .timeout(Duration::from_secs(5))
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--as"));
        assert!(start.elapsed() < Duration::from_secs(1));
    }
}

mod pty {
    use expectrl::{ControlCode, Expect, Session};
    use std::process::Command;
    use std::time::Duration;

    fn spawn(args: &[&str]) -> expectrl::session::OsSession {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("apicat"));
        cmd.args(args)
            .env("COLUMNS", "80")
            .env("TERM", "xterm")
            .env_remove("NO_COLOR");
        let mut s = Session::spawn(cmd).unwrap();
        s.set_expect_timeout(Some(Duration::from_secs(10)));
        s
    }

    fn exit_code(s: &expectrl::session::OsSession) -> Option<i32> {
        match s.get_process().wait().unwrap() {
            expectrl::process::unix::WaitStatus::Exited(_, code) => Some(code),
            _ => None,
        }
    }

    #[test]
    fn type_a_profile_press_enter_read_the_verdict() {
        let mut s = spawn(&["eligible", "api-entreprise"]);
        s.expect("Who are you?").unwrap();
        s.send("collectivit").unwrap();
        std::thread::sleep(Duration::from_millis(200));
        s.send("\r").unwrap();
        s.expect("eligible").unwrap();
        s.expect("Next step:").unwrap();
        s.expect("https://datapass.api.gouv.fr/api-entreprise")
            .unwrap();
        assert_eq!(exit_code(&s), Some(0));
    }

    #[test]
    fn escape_quits_cleanly() {
        let mut s = spawn(&["eligible", "api-entreprise"]);
        s.expect("Who are you?").unwrap();
        s.send(ControlCode::Escape).unwrap();
        assert_eq!(exit_code(&s), Some(0));
    }

    #[test]
    fn ctrl_c_at_a_prompt_exits_130_and_shows_the_cursor() {
        let mut s = spawn(&["eligible"]);
        s.expect("Who are you?").unwrap();
        s.send(ControlCode::EndOfText).unwrap();
        s.expect("\x1b[?25h").unwrap();
        assert_eq!(exit_code(&s), Some(130));
    }

    #[test]
    fn an_open_entry_asks_nothing() {
        let mut s = spawn(&["eligible", "procedures-collectives-france-entiere"]);
        s.expect("no request needed").unwrap();
        assert_eq!(exit_code(&s), Some(0));
    }
}
