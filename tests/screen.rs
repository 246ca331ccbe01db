//! What a person sees: apicat runs in a pseudo-terminal of 80 columns and 24 rows, with no
//! colour flag (so colour is on, as on a real terminal), and its output goes through a
//! terminal emulator (the `vt100` crate). On the screen: no fragment of an escape sequence
//! shows as text, no line runs past the right edge (only a lone URL longer than the screen
//! may wrap), the title and tagline are there word for word, and in `list` and `search` every
//! slug sits whole on one row, ready to copy.

use expectrl::{Eof, Expect, Session};
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

mod common;
use common::{apicat, corpus};

const COLS: u16 = 80;
const ROWS: u16 = 24;

/// Runs apicat in an 80×24 pseudo-terminal, in a clean environment (no COLUMNS: the terminal
/// says its size), and returns all it wrote there.
fn on_terminal(catalogue: Option<&Path>, args: &[&str], pager: Option<&str>) -> Vec<u8> {
    on_terminal_at(COLS, catalogue, args, pager)
}

/// [`on_terminal`] in a terminal `cols` wide.
fn on_terminal_at(
    cols: u16,
    catalogue: Option<&Path>,
    args: &[&str],
    pager: Option<&str>,
) -> Vec<u8> {
    let home = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("apicat");
    // The terminal is 80 columns wide when the child starts (ptyprocess's default): another
    // width is set from inside, before apicat runs, so that it can never read the first one.
    let mut cmd = match cols {
        COLS => std::process::Command::new(&bin),
        _ => {
            let mut sh = std::process::Command::new("sh");
            sh.arg("-c")
                .arg(format!(
                    "stty cols {cols} rows {ROWS} && exec \"$0\" \"$@\""
                ))
                .arg(&bin);
            sh
        }
    };
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("TERM", "xterm-256color")
        .env("LANG", "C.UTF-8")
        .current_dir(home.path());
    if let Some(p) = pager {
        cmd.env("PAGER", p);
    }
    if let Some(dir) = catalogue {
        cmd.arg("--catalogue").arg(dir);
    }
    cmd.args(args);
    let mut s = Session::spawn(cmd).unwrap();
    // Said again from outside, as a terminal window does.
    s.get_process_mut().set_window_size(cols, ROWS).unwrap();
    s.set_expect_timeout(Some(Duration::from_secs(60)));
    let out = s.expect(Eof).unwrap().as_bytes().to_vec();
    let status = s.get_process().wait().unwrap();
    assert!(
        matches!(status, expectrl::process::unix::WaitStatus::Exited(_, 0)),
        "apicat {args:?} on a terminal: {status:?}\n{}",
        String::from_utf8_lossy(&out)
    );
    out
}

/// The screen after the output, one logical line per entry: the rows of a line that ran past
/// the right edge (and wrapped) are joined, and how many rows it took is kept.
fn screen(bytes: &[u8]) -> Vec<(String, usize)> {
    screen_at(bytes, COLS)
}

fn screen_at(bytes: &[u8], cols: u16) -> Vec<(String, usize)> {
    let mut p = vt100::Parser::new(
        std::num::NonZeroU16::new(5000).unwrap(),
        std::num::NonZeroU16::new(cols).unwrap(),
        0,
    );
    p.process(bytes);
    let s = p.screen();
    let rows: Vec<String> = s.rows(0, cols).collect();
    let mut lines: Vec<(String, usize)> = Vec::new();
    let mut continued = false;
    for (i, row) in rows.iter().enumerate() {
        if continued {
            let last = lines.last_mut().unwrap();
            last.0.push_str(row);
            last.1 += 1;
        } else {
            lines.push((row.clone(), 1));
        }
        continued = s.row_wrapped(u16::try_from(i).unwrap());
    }
    while lines.last().is_some_and(|(l, _)| l.trim().is_empty()) {
        lines.pop();
    }
    lines
}

/// Text on the screen that is a piece of an escape sequence: ESC itself, or `[…m` and
/// `38;5;`-like colour parameters left visible.
fn escape_fragments(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    if text.contains('\x1b') {
        found.push("ESC".into());
    }
    for p in ["38;5;", "48;5;"] {
        if text.contains(p) {
            found.push(p.into());
        }
    }
    let b = text.as_bytes();
    for (i, _) in text.match_indices('[') {
        let digits = b[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit() || **c == b';')
            .count();
        if digits > 0 && b.get(i + 1 + digits) == Some(&b'm') {
            found.push(text[i..i + digits + 2].to_string());
        }
    }
    found
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn is_subsequence(want: &[String], have: &[String]) -> bool {
    let mut it = have.iter();
    want.iter().all(|w| it.any(|h| h == w))
}

fn json(catalogue: Option<&Path>, args: &[&str]) -> Value {
    let mut c = apicat();
    if let Some(dir) = catalogue {
        c.arg("--catalogue").arg(dir);
    }
    let out = c.args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The problems of a page of `show` as the screen shows it.
fn show_problems(catalogue: Option<&Path>, slug: &str, pager: Option<&str>) -> Vec<String> {
    show_problems_at(COLS, catalogue, slug, pager)
}

fn show_problems_at(
    cols: u16,
    catalogue: Option<&Path>,
    slug: &str,
    pager: Option<&str>,
) -> Vec<String> {
    let mut args = vec!["show", slug];
    if pager.is_none() {
        args.push("--no-pager");
    }
    let how = format!(
        "show {slug} {} at {cols} columns",
        pager.map_or("--no-pager".to_string(), |p| format!("with PAGER={p}"))
    );
    let bytes = on_terminal_at(cols, catalogue, &args, pager);
    let lines = screen_at(&bytes, cols);
    let text: String = lines.iter().map(|(l, _)| format!("{l}\n")).collect();
    let mut bad = Vec::new();
    if !bytes.windows(2).any(|w| w == b"\x1b[") {
        bad.push(format!("{how}: no colour on a terminal"));
    }
    if !text.contains('═') || lines.len() < 5 {
        bad.push(format!("{how}: no page on the screen:\n{text}"));
    }
    let fragments = escape_fragments(&text);
    if !fragments.is_empty() {
        bad.push(format!(
            "{how}: escape fragments visible on the screen: {fragments:?}"
        ));
    }
    for (line, rows) in &lines {
        // A URL, an address or a command to copy is kept whole; code is printed verbatim,
        // indented by four columns: they may pass the edge.
        let code = line.starts_with("    ");
        if *rows > 1 && !common::lone_url(line) && !code {
            bad.push(format!(
                "{how}: a line ran past column {cols} and wrapped onto {rows} rows: {line:?}"
            ));
        }
    }
    let entry = json(catalogue, &["show", slug, "--json"]);
    let shown = words(&text);
    for field in ["title", "tagline"] {
        let want = words(entry["front_matter"][field].as_str().unwrap_or(""));
        if !is_subsequence(&want, &shown) {
            let missing: Vec<&String> = want.iter().filter(|w| !shown.contains(w)).collect();
            bad.push(format!(
                "{how}: the {field}'s words are not all there in order (missing: {missing:?})"
            ));
        }
    }
    bad
}

const SHOWN: &[&str] = &[
    "api-entreprise",
    "api-particulier",
    "base-adresse-nationale",
    "api-la-bonne-alternance",
    "franceconnect",
];

#[test]
fn show_on_an_80_column_terminal() {
    let Some(dir) = corpus() else { return };
    let mut bad = Vec::new();
    let mut pages = 0;
    for slug in SHOWN {
        for pager in [Some("cat"), None] {
            bad.extend(show_problems(Some(&dir), slug, pager));
            pages += 1;
        }
    }
    for slug in ["api-entreprise", "procedures-collectives-france-entiere"] {
        bad.extend(show_problems(None, slug, Some("cat")));
        pages += 1;
    }
    eprintln!(
        "show on a terminal: {} problems on {pages} pages",
        bad.len()
    );
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The same on narrow terminals, down to the narrowest apicat lays out for: the facts panel
/// puts labels above values, and tables that would cut words read as rows.
#[test]
fn show_on_narrow_terminals() {
    let Some(dir) = corpus() else { return };
    let mut bad = Vec::new();
    let mut pages = 0;
    for cols in [40, 24] {
        for slug in SHOWN {
            bad.extend(show_problems_at(cols, Some(&dir), slug, Some("cat")));
            pages += 1;
        }
        bad.extend(show_problems_at(cols, None, "api-entreprise", None));
        pages += 1;
    }
    eprintln!(
        "show on narrow terminals: {} problems on {pages} pages",
        bad.len()
    );
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// `show` through the default pager, `less -R`, read page by page as a person does (space,
/// then q at the end): the problems seen on each screen. `less` is told to end its prompt with
/// a mark the test waits for; it is skipped, loudly, where `less` is not installed.
fn through_less(catalogue: Option<&Path>, slug: &str) -> Vec<String> {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("apicat"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("TERM", "xterm-256color")
        .env("LANG", "C.UTF-8")
        .env("LESS", "-Ps?e@@END@@:@@PAGE@@.$")
        .current_dir(home.path());
    if let Some(dir) = catalogue {
        cmd.arg("--catalogue").arg(dir);
    }
    cmd.args(["show", slug]);
    let mut s = Session::spawn(cmd).unwrap();
    s.get_process_mut().set_window_size(COLS, ROWS).unwrap();
    s.set_expect_timeout(Some(Duration::from_secs(30)));
    let mut term = vt100::Parser::new(
        std::num::NonZeroU16::new(ROWS).unwrap(),
        std::num::NonZeroU16::new(COLS).unwrap(),
        0,
    );
    let mut bad = Vec::new();
    for page in 1..=500 {
        let found = s.expect(expectrl::Regex("@@(PAGE|END)@@")).unwrap();
        term.process(found.as_bytes());
        let end = found.get(0) == Some(b"@@END@@".as_slice());
        let shown = term.screen().contents();
        let fragments = escape_fragments(&shown);
        if !fragments.is_empty() {
            let row = shown
                .lines()
                .find(|l| !escape_fragments(l).is_empty())
                .unwrap_or("");
            bad.push(format!(
                "show {slug} in less, screen {page}: escape fragments {fragments:?} in {row:?}"
            ));
        }
        if end {
            break;
        }
        s.send(" ").unwrap();
    }
    s.send("q").unwrap();
    s.expect(Eof).unwrap();
    bad
}

#[test]
fn show_through_less_page_by_page() {
    let Some(dir) = corpus() else { return };
    if std::process::Command::new("less")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("!!!!!!!! less is not installed: the pager test is SKIPPED");
        return;
    }
    let mut bad = Vec::new();
    for slug in SHOWN {
        bad.extend(through_less(Some(&dir), slug));
    }
    bad.extend(through_less(None, "api-entreprise"));
    eprintln!(
        "show through less -R: {} screens with escape fragments on {} pages",
        bad.len(),
        SHOWN.len() + 1
    );
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Every slug of `expected` printed whole on one row of the screen.
fn slugs_whole(catalogue: Option<&Path>, args: &[&str], expected: &[String]) -> Vec<String> {
    let lines = screen(&on_terminal(catalogue, args, Some("cat")));
    let mut bad = Vec::new();
    let text: String = lines.iter().map(|(l, _)| format!("{l}\n")).collect();
    let fragments = escape_fragments(&text);
    if !fragments.is_empty() {
        bad.push(format!("{args:?}: escape fragments visible: {fragments:?}"));
    }
    for (line, rows) in &lines {
        if *rows > 1 {
            bad.push(format!("{args:?}: a row ran past column {COLS}: {line:?}"));
        }
    }
    let broken: Vec<&String> = expected
        .iter()
        .filter(|slug| {
            !lines
                .iter()
                .any(|(l, rows)| *rows == 1 && l.split_whitespace().any(|t| t == slug.as_str()))
        })
        .collect();
    eprintln!(
        "{args:?} on a terminal: {} of {} slugs not whole on one row",
        broken.len(),
        expected.len()
    );
    if !broken.is_empty() {
        bad.push(format!(
            "{args:?}: {} of {} slugs not whole on one row: {broken:?}",
            broken.len(),
            expected.len()
        ));
    }
    bad
}

fn slugs_of(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|o| o["slug"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn list_and_search_keep_every_slug_whole() {
    let Some(dir) = corpus() else { return };
    let mut bad = Vec::new();
    let all = slugs_of(&json(Some(&dir), &["list", "--json"]));
    assert_eq!(all.len(), 170);
    bad.extend(slugs_whole(Some(&dir), &["list"], &all));
    let found = slugs_of(&json(Some(&dir), &["search", "adresse", "--json"]));
    assert!(!found.is_empty());
    bad.extend(slugs_whole(Some(&dir), &["search", "adresse"], &found));
    let bundled = slugs_of(&json(None, &["list", "--json"]));
    bad.extend(slugs_whole(None, &["list"], &bundled));
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The emulator and the checks catch what they are meant to.
#[test]
fn the_screen_checks_catch_what_they_should() {
    let bytes = format!(
        "{}\r\n{}\r\nb\x1b[1mold\x1b[0m\r\n",
        "x".repeat(85),
        "y".repeat(80)
    );
    let lines = screen(bytes.as_bytes());
    assert_eq!(
        lines,
        [("x".repeat(85), 2), ("y".repeat(80), 1), ("bold".into(), 1)]
    );
    assert_eq!(escape_fragments("a [39m b 38;5;239"), ["38;5;", "[39m"]);
    assert!(escape_fragments("see [1] and [a]m").is_empty());
}
