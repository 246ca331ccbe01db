//! `apicat eligible`: verdicts with --as (one API and catalogue-wide, text and JSON, errors),
//! and the real questionnaire driven through a pseudo-terminal.

use predicates::prelude::*;
use serde_json::Value;
use std::time::{Duration, Instant};

mod common;
use common::{apicat, check_lines};

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
        p.contains("As \"Une collectivité ou une administration\": eligible\n"),
        "{p}"
    );
    assert!(p.contains("renseigner le cadre juridique"));
    assert!(p.contains("Next step: https://datapass.api.gouv.fr/api-entreprise"));
    let p = stdout(&["eligible", "api-entreprise", "--as", "Particulier"]);
    assert!(
        p.contains(": not eligible\n") && p.contains("Next step: none: not eligible"),
        "{p}"
    );
    let p = stdout(&["eligible", "api-entreprise", "--as", "éditeur"]);
    assert!(p.contains(": eligible under conditions\n"), "{p}");
    let p = stdout(&[
        "eligible",
        "procedures-collectives-france-entiere",
        "--as",
        "particulier",
    ]);
    assert!(
        p.contains(": eligible\n") && p.contains("Next step: no request needed"),
        "{p}"
    );
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
    assert_eq!(v["matched_label"], "Une entreprise");
    assert_eq!(v["verdict"], "eligible under conditions");
    assert_eq!(
        v["next_step_url"],
        "https://datapass.api.gouv.fr/api-entreprise"
    );
    assert_eq!(v["no_request_needed"], false);
}

#[test]
fn catalogue_wide_eligible_first() {
    let v: Vec<Value> =
        serde_json::from_str(&stdout(&["eligible", "--as", "collectivite", "--json"])).unwrap();
    let verdicts: Vec<&str> = v.iter().map(|o| o["verdict"].as_str().unwrap()).collect();
    assert_eq!(
        verdicts,
        ["eligible", "eligible", "eligible", "eligible", "not stated"]
    );
    assert_eq!(v[4]["slug"], "api-tierce-declaration-auto-entrepreneur");
    assert!(v[4]["next_step_url"].is_null());
    let t = stdout(&["eligible", "--as", "collectivite"]);
    assert!(t.starts_with(" SLUG"), "{t}");
    assert!(t.contains("not stated"));
    assert!(check_lines(&t, 80).is_empty(), "{t}");
}

#[test]
fn errors_name_the_known_profiles() {
    apicat()
        .args(["eligible", "api-entreprise", "--as", "astronaute"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "its profiles: \"Un particulier\", \"Une collectivité ou une administration\"",
        ));
    apicat()
        .args([
            "eligible",
            "api-tierce-declaration-auto-entrepreneur",
            "--as",
            "editeur",
        ])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("several profiles")
                .and(predicate::str::contains("Un editeur de logiciel de paie")),
        );
    apicat()
        .args(["eligible", "--as", "partculier"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean \"Un particulier\""));
    apicat()
        .args(["eligible", "api-entreprse", "--as", "x"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean"));
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
    fn catalogue_questionnaire_profile_table_then_an_api() {
        let mut s = spawn(&["eligible"]);
        s.expect("Who are you?").unwrap();
        s.send("particulier").unwrap();
        std::thread::sleep(Duration::from_millis(200));
        s.send("\r").unwrap();
        s.expect("VERDICT").unwrap();
        s.expect("Which API?").unwrap();
        s.send("API Entreprise").unwrap();
        std::thread::sleep(Duration::from_millis(200));
        s.send("\r").unwrap();
        s.expect("not eligible").unwrap();
        s.expect("Which API?").unwrap();
        s.send(ControlCode::Escape).unwrap();
        assert_eq!(exit_code(&s), Some(0));
    }

    #[test]
    fn an_open_entry_asks_nothing() {
        let mut s = spawn(&["eligible", "procedures-collectives-france-entiere"]);
        s.expect("no request needed").unwrap();
        assert_eq!(exit_code(&s), Some(0));
    }
}
