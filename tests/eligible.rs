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
        p.contains("Instead:\n\n• Rechercher une autre API: https://api.gouv.fr/rechercher-api\n"),
        "{p}"
    );
    assert!(
        p.contains("• write to the producer: mailto:support@entreprise.api.gouv.fr"),
        "{p}"
    );
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
    let t = stdout(&["eligible", "--as", "collectivite", "--format", "table"]);
    assert!(t.starts_with("SLUG"), "{t}");
    assert!(t.contains("not eligible"));
    assert!(t.lines().all(|l| l.chars().count() <= 80), "{t}");
    // For a pipe: one row per API, links whole.
    let t = stdout(&["eligible", "--as", "collectivite"]);
    assert_eq!(t.lines().count(), 5, "{t}");
    assert!(t.contains("api-entreprise\tAPI Entreprise\teligible\thttps://datapass.api.gouv.fr/api-entreprise\n"), "{t}");
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

/// The questionnaire in a pseudo-terminal of 80×24, read through a terminal emulator: each
/// test checks the screen a person would see after each key.
mod pty {
    use expectrl::Session;
    use std::io::Write;
    use std::process::Command;
    use std::time::{Duration, Instant};

    const HINT_FIRST: &str = "↑↓ move · type to filter · Enter choose · Esc quit";
    const HINT_MORE: &str = "↑↓ move · type to filter · Enter choose · Esc back";
    const DOWN: &str = "\x1b[B";
    const ENTER: &str = "\r";
    const ESC: &str = "\x1b";
    const BACKSPACE: &str = "\x7f";

    struct Term {
        s: expectrl::session::OsSession,
        vt: vt100::Parser,
    }

    impl Term {
        /// apicat in an 80×24 terminal (the size is set before apicat starts).
        fn spawn(args: &[&str], env: &[(&str, &str)]) -> Term {
            let bin = assert_cmd::cargo::cargo_bin("apicat");
            let mut cmd = Command::new("sh");
            cmd.arg("-c")
                .arg("stty cols 80 rows 24; exec \"$0\" \"$@\"")
                .arg(bin)
                .args(args)
                .env("TERM", "xterm")
                .env(
                    "XDG_CACHE_HOME",
                    std::env::temp_dir().join("apicat-tests-cache"),
                )
                .env_remove("COLUMNS")
                .env_remove("LINES")
                .env_remove("NO_COLOR")
                .env_remove("PAGER")
                .env_remove("APICAT_CATALOGUE");
            for (k, v) in env {
                cmd.env(k, v);
            }
            let mut s = Session::spawn(cmd).unwrap();
            s.get_process_mut().set_window_size(80, 24).unwrap();
            Term {
                s,
                vt: vt100::Parser::new(24.try_into().unwrap(), 80.try_into().unwrap(), 0),
            }
        }

        /// Feeds what apicat wrote so far to the emulator.
        fn pump(&mut self) {
            let mut buf = [0u8; 8192];
            loop {
                match self.s.try_read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => self.vt.process(&buf[..n]),
                    Err(_) => break,
                }
            }
        }

        fn screen(&self) -> String {
            self.vt.screen().contents()
        }

        /// Waits until the screen shows `text`, and returns the screen.
        fn wait_for(&mut self, text: &str) -> String {
            let start = Instant::now();
            loop {
                self.pump();
                let screen = self.screen();
                if screen.contains(text) {
                    // Let the rest of this frame arrive.
                    std::thread::sleep(Duration::from_millis(100));
                    self.pump();
                    let screen = self.screen();
                    // APICAT_TEST_SCREENS=1 cargo test --test eligible pty -- --nocapture
                    if std::env::var_os("APICAT_TEST_SCREENS").is_some() {
                        eprintln!("┌{}┐\n{screen}\n└{}┘", "─".repeat(80), "─".repeat(80));
                    }
                    return screen;
                }
                assert!(
                    start.elapsed() < Duration::from_secs(10),
                    "waited for {text:?}; the screen:\n{screen}"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }

        /// Presses keys, then waits until the screen shows `text`.
        fn press(&mut self, keys: &str, then: &str) -> String {
            self.s.write_all(keys.as_bytes()).unwrap();
            self.s.flush().unwrap();
            std::thread::sleep(Duration::from_millis(150));
            self.wait_for(then)
        }

        /// No row of the screen continues a line that wrapped.
        fn nothing_wrapped(&self) -> bool {
            (0..24).all(|r| !self.vt.screen().row_wrapped(r))
        }

        /// Waits for apicat to exit, reading its output meanwhile (a full pty would block it).
        fn exit_code(&mut self) -> Option<i32> {
            use expectrl::process::unix::WaitStatus;
            let start = Instant::now();
            loop {
                self.pump();
                match self.s.get_process().status().unwrap() {
                    WaitStatus::StillAlive => {
                        if start.elapsed() > Duration::from_secs(10) {
                            let _ = self.s.get_process_mut().exit(true);
                            panic!("apicat did not exit; the screen:\n{}", self.screen());
                        }
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    WaitStatus::Exited(_, code) => {
                        self.pump();
                        return Some(code);
                    }
                    _ => return None,
                }
            }
        }
    }

    fn picker_gone(screen: &str) {
        for leftover in ["❯", "›", HINT_FIRST, HINT_MORE, "another profile…"] {
            assert!(
                !screen.contains(leftover),
                "{leftover:?} left on:\n{screen}"
            );
        }
    }

    const TIERCE: &str = "api-tierce-declaration-auto-entrepreneur";

    #[test]
    fn audiences_a_folded_filter_and_a_verdict_nothing_draws_over() {
        let mut t = Term::spawn(&["eligible", TIERCE], &[]);
        let screen = t.wait_for(HINT_FIRST);
        for item in [
            "Who are you? ›",
            "❯ Administration ou collectivité",
            "  Entreprise ou association",
            "  Particulier",
            "  Éditeur de logiciel",
            "  another profile…",
        ] {
            assert!(screen.contains(item), "{item:?} not on:\n{screen}");
        }
        // The README says exactly what the hint says.
        let readme = include_str!("../README.md");
        assert!(readme.contains(HINT_FIRST) && readme.contains(HINT_MORE));
        // Accents and case aside: "edit" finds "Éditeur de logiciel", and only it.
        let screen = t.press("edit", "Who are you? › edit");
        assert!(screen.contains("❯ Éditeur de logiciel"), "{screen}");
        assert!(!screen.contains("Administration"), "{screen}");
        let screen = t.press(&BACKSPACE.repeat(4), "Who are you? ›");
        assert!(screen.contains("Administration"), "{screen}");
        let screen = t.press("ÉDITEUR", "❯ Éditeur de logiciel");
        assert!(!screen.contains("Particulier"), "{screen}");
        // A letter is a letter: q filters, it does not quit.
        let screen = t.press(&BACKSPACE.repeat(7), "Particulier");
        assert!(screen.contains("Who are you? ›"), "{screen}");
        let screen = t.press("q", "Who are you? › q");
        assert!(screen.contains("(nothing matches"), "{screen}");
        t.press(BACKSPACE, "❯ Administration");
        // Down twice: Particulier.
        t.press(DOWN, "❯ Entreprise ou association");
        t.press(DOWN, "❯ Particulier");
        let screen = t.press(ENTER, "Next step:");
        assert!(
            screen.contains("Who are you? Particulier\n"),
            "the answer stays above the verdict:\n{screen}"
        );
        assert!(
            screen.contains("As \"Particulier\": not eligible"),
            "{screen}"
        );
        picker_gone(&screen);
        assert_eq!(t.exit_code(), Some(0));
        let screen = t.screen();
        assert!(screen.contains("Next step:"), "{screen}");
        picker_gone(&screen);
    }

    #[test]
    fn another_profile_lists_the_labels_and_esc_goes_back() {
        let mut t = Term::spawn(&["eligible", TIERCE], &[]);
        t.wait_for(HINT_FIRST);
        t.press(&DOWN.repeat(4), "❯ another profile…");
        let screen = t.press(ENTER, HINT_MORE);
        assert!(screen.contains("Which profile? ›"), "{screen}");
        for label in [
            "Un editeur d’application mobile",
            "Un editeur de services web",
            "Un editeur de logiciel de paie",
            "Autres activités",
        ] {
            assert!(screen.contains(label), "{label:?} not on:\n{screen}");
        }
        // Labels with an audience of their own are the audience: not offered again.
        assert!(!screen.contains("Un auto-entrepreneur"), "{screen}");
        // Esc goes back to the first question.
        let screen = t.press(ESC, HINT_FIRST);
        assert!(screen.contains("Who are you? ›"), "{screen}");
        assert!(!screen.contains("Which profile?"), "{screen}");
        t.press(&DOWN.repeat(4), "❯ another profile…");
        t.press(ENTER, HINT_MORE);
        t.press("PAIE", "❯ Un editeur de logiciel de paie");
        let screen = t.press(ENTER, "Next step:");
        assert!(
            screen.contains("As \"Un editeur de logiciel de paie\": not eligible"),
            "{screen}"
        );
        picker_gone(&screen);
        assert_eq!(t.exit_code(), Some(0));
    }

    #[test]
    fn escape_at_the_first_question_quits_and_prints_nothing() {
        let mut t = Term::spawn(&["eligible", "api-entreprise"], &[]);
        t.wait_for(HINT_FIRST);
        t.s.write_all(ESC.as_bytes()).unwrap();
        t.s.flush().unwrap();
        assert_eq!(t.exit_code(), Some(0));
        assert_eq!(t.screen().trim(), "", "{}", t.screen());
    }

    #[test]
    fn ctrl_c_at_a_prompt_exits_130_and_shows_the_cursor() {
        let mut t = Term::spawn(&["eligible"], &[]);
        t.wait_for(HINT_FIRST);
        assert!(t.vt.screen().hide_cursor(), "the picker hides the cursor");
        t.s.write_all(b"\x03").unwrap();
        t.s.flush().unwrap();
        assert_eq!(t.exit_code(), Some(130));
        assert!(!t.vt.screen().hide_cursor(), "the cursor is shown again");
        picker_gone(&t.screen());
    }

    #[test]
    fn an_open_entry_asks_nothing() {
        let mut t = Term::spawn(&["eligible", "procedures-collectives-france-entiere"], &[]);
        let screen = t.wait_for("no request needed");
        assert!(screen.contains("Anyone: eligible"), "{screen}");
        assert!(!screen.contains("Who are you?"), "{screen}");
        assert_eq!(t.exit_code(), Some(0));
    }

    /// `apicat eligible` alone on the real catalogue: labels longer than the screen are cut,
    /// never wrapped; the question is asked once; the table goes through the pager.
    #[test]
    fn the_catalogue_asks_once_then_pages_the_table() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/api");
        if !dir.is_dir() {
            assert!(
                std::env::var_os("APICAT_REQUIRE_CORPUS").is_none(),
                "corpus absent"
            );
            eprintln!("note: {} is absent; skipped", dir.display());
            return;
        }
        let mut t = Term::spawn(
            &["--catalogue", dir.to_str().unwrap(), "eligible"],
            // A pager that marks its lines, then shows the end of the table.
            &[("PAGER", "sed 's/^/| /' | tail -n 5")],
        );
        t.wait_for(HINT_FIRST);
        t.press(&DOWN.repeat(4), "❯ another profile…");
        let screen = t.press(ENTER, HINT_MORE);
        assert!(t.nothing_wrapped(), "{screen}");
        // The longest label, cut to the width with an ellipsis.
        let screen = t.press("charge mission", "❯ Un organisme \"chargé d'une mission");
        let line = screen
            .lines()
            .find(|l| l.starts_with("❯ Un organisme"))
            .unwrap();
        assert!(
            line.ends_with('…') && line.chars().count() <= 79,
            "{line:?}"
        );
        assert!(t.nothing_wrapped(), "{screen}");
        // Scroll a long list: every line stays within the screen.
        t.press(&BACKSPACE.repeat(14), "Un particulier");
        for _ in 0..30 {
            t.s.write_all(DOWN.as_bytes()).unwrap();
        }
        t.s.flush().unwrap();
        std::thread::sleep(Duration::from_millis(300));
        t.pump();
        assert!(t.nothing_wrapped(), "{}", t.screen());
        t.press(ESC, HINT_FIRST);
        t.press(&DOWN.repeat(2), "❯ Particulier");
        t.s.write_all(ENTER.as_bytes()).unwrap();
        t.s.flush().unwrap();
        assert_eq!(t.exit_code(), Some(0));
        let screen = t.screen();
        assert!(screen.contains("Who are you? Particulier"), "{screen}");
        let paged = screen.lines().filter(|l| l.starts_with("| ")).count();
        assert_eq!(paged, 5, "the table went through the pager:\n{screen}");
        assert!(!screen.contains("Which API?"), "asked once:\n{screen}");
        picker_gone(&screen);
    }
}

/// The catalogue-wide table fits the terminal down to 20 columns: titles go first, then the
/// verdict and next step wrap, then the next step goes; a slug longer than the line keeps a
/// line of its own, whole, and notes print only for a next step shown.
#[test]
fn catalogue_wide_table_fits_narrow_terminals() {
    let Some(dir) = common::corpus() else { return };
    let mut bad = Vec::new();
    for width in [20, 24, 30, 40, 50, 60, 80] {
        for profile in ["entreprise", "collectivite", "particulier"] {
            let out = apicat()
                .env("COLUMNS", width.to_string())
                .args(["--catalogue", dir.to_str().unwrap(), "--color", "always"])
                .args(["eligible", "--as", profile, "--format", "table"])
                .output()
                .unwrap();
            let text = String::from_utf8(out.stdout).unwrap();
            let lone_slug = |l: &str| !l.trim().contains(' ');
            bad.extend(
                common::check_lines(&text, width)
                    .into_iter()
                    .filter(|l| {
                        let line = l.split_once(": \"").map_or("", |(_, t)| t);
                        !lone_slug(line.trim_end_matches('"'))
                    })
                    .map(|l| format!("--as {profile} at {width}: {l}")),
            );
            let plain = common::strip_ansi(&text);
            if !plain.lines().next().unwrap_or("").contains("NEXT STEP") {
                assert!(
                    !plain.contains("\n[1] "),
                    "notes without their column:\n{plain}"
                );
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
