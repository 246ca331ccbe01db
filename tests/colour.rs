//! Colour never changes layout: for every page apicat prints (`show`, `eligible --as`, `list`,
//! `search`), on the bundled entries and on every entry of the real corpus, at widths 40 to
//! 200, the output with `--color always`, its escape sequences removed, is byte for byte the
//! output with `--color never`, and no escape sequence is split across lines.
//!
//! Each corpus entry is shown from a catalogue of its own (`common::one_entry_catalogue`: the
//! same page, parsed in a sixth of the time); `list` and `search` run on the whole corpus.
//!
//! Each test prints "colour changes layout on N of M pages at width W" for every width before
//! it asserts, so the figures show in the test output.

use std::path::{Path, PathBuf};
use std::time::Duration;

mod common;
use common::{
    OneEntry, apicat, bundled_slugs, check_lines, corpus, corpus_slugs, escape_split,
    one_entry_catalogue, parallel, strip_ansi,
};

const WIDTHS: [usize; 5] = [40, 60, 80, 120, 200];

/// One page to print: its command, against the bundled catalogue or a directory.
struct Case {
    name: String,
    catalogue: Option<PathBuf>,
    args: Vec<String>,
}

impl Case {
    fn new(name: impl Into<String>, catalogue: Option<&Path>, args: &[&str]) -> Case {
        Case {
            name: name.into(),
            catalogue: catalogue.map(Path::to_path_buf),
            args: args.iter().map(|a| a.to_string()).collect(),
        }
    }
}

fn run(case: &Case, width: usize, color: &str) -> std::process::Output {
    let mut c = apicat();
    if let Some(dir) = &case.catalogue {
        c.arg("--catalogue").arg(dir);
    }
    c.env("COLUMNS", width.to_string())
        .args(["--color", color])
        .args(&case.args)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap()
}

/// How a coloured page differs from the plain one: its layout (text once the escapes are
/// removed, or exit status), and an escape sequence split across lines.
#[derive(Default)]
struct Diff {
    layout: Option<String>,
    split: Option<String>,
}

fn difference(case: &Case, width: usize) -> Diff {
    let always = run(case, width, "always");
    let never = run(case, width, "never");
    let name = format!("{} at {width}", case.name);
    let coloured = String::from_utf8_lossy(&always.stdout);
    let plain = String::from_utf8_lossy(&never.stdout);
    let split = escape_split(&coloured).map(|s| format!("{name}: escape sequence split: {s}"));
    if always.status.code() != never.status.code() {
        let layout = Some(format!(
            "{name}: exit {:?} in colour, {:?} without",
            always.status.code(),
            never.status.code()
        ));
        return Diff { layout, split };
    }
    let stripped = strip_ansi(&coloured);
    if stripped == plain {
        return Diff {
            layout: None,
            split,
        };
    }
    let (s, p): (Vec<&str>, Vec<&str>) = (stripped.lines().collect(), plain.lines().collect());
    let at = (0..s.len().max(p.len()))
        .find(|&i| s.get(i) != p.get(i))
        .unwrap_or(0);
    let wider = check_lines(&coloured, width);
    let layout = Some(format!(
        "{name}: {} lines in colour, {} without; first difference at line {}:\n    colour: {:?}\n    plain:  {:?}{}",
        s.len(),
        p.len(),
        at + 1,
        s.get(at).copied().unwrap_or("(none)"),
        p.get(at).copied().unwrap_or("(none)"),
        if wider.is_empty() {
            String::new()
        } else {
            format!(
                "\n    and {} coloured lines wider than {width}, first {}",
                wider.len(),
                wider[0]
            )
        }
    ));
    Diff { layout, split }
}

/// Runs every case at every width, prints the count of differing pages per width, then
/// fails with the first differences when there are any.
fn colour_keeps_layout(what: &str, cases: &[Case]) {
    let jobs: Vec<(usize, usize)> = WIDTHS
        .iter()
        .flat_map(|&w| (0..cases.len()).map(move |c| (w, c)))
        .collect();
    let start = std::time::Instant::now();
    let results = parallel(&jobs, |&(w, c)| difference(&cases[c], w));
    let mut failures = Vec::new();
    let mut summary = Vec::new();
    for w in WIDTHS {
        let at_w: Vec<&Diff> = jobs
            .iter()
            .zip(&results)
            .filter(|((jw, _), _)| *jw == w)
            .map(|(_, r)| r)
            .collect();
        let layout: Vec<&String> = at_w.iter().filter_map(|d| d.layout.as_ref()).collect();
        let split: Vec<&String> = at_w.iter().filter_map(|d| d.split.as_ref()).collect();
        let line = format!(
            "{what}: colour changes layout on {} of {} pages at width {w}; {} split an escape sequence across lines",
            layout.len(),
            cases.len(),
            split.len()
        );
        eprintln!("{line}");
        summary.push(line);
        failures.extend(layout.into_iter().take(4).cloned());
        failures.extend(split.into_iter().take(2).cloned());
    }
    eprintln!(
        "{what}: {} runs in {:.1} s",
        jobs.len() * 2,
        start.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{}\n\nfirst differences (up to 4 layouts and 2 splits per width):\n{}",
        summary.join("\n"),
        failures.join("\n")
    );
}

/// The entries to show: each slug with the catalogue that holds it (None: the bundled one).
type Entries = [(String, Option<PathBuf>)];

fn show_cases(entries: &Entries) -> Vec<Case> {
    entries
        .iter()
        .map(|(s, dir)| {
            Case::new(
                format!("show {s}"),
                dir.as_deref(),
                &["show", s, "--no-pager"],
            )
        })
        .collect()
}

/// The profiles of an entry's access page, from `show SLUG --json`: `who` is a list or a string.
fn profiles(catalogue: Option<&Path>, slug: &str) -> Vec<String> {
    let mut c = apicat();
    if let Some(dir) = catalogue {
        c.arg("--catalogue").arg(dir);
    }
    let out = c.args(["show", slug, "--json"]).output().unwrap();
    assert!(out.status.success(), "show {slug} --json failed");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut found = Vec::new();
    for rule in v["front_matter"]["access_page"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        match &rule["who"] {
            serde_json::Value::String(s) => found.push(s.clone()),
            serde_json::Value::Array(a) => {
                found.extend(a.iter().filter_map(|w| w.as_str().map(str::to_string)))
            }
            _ => {}
        }
    }
    found.retain(|p| !p.trim().is_empty());
    found.dedup();
    found
}

fn eligible_cases(entries: &Entries) -> Vec<Case> {
    let per_entry = parallel(entries, |(s, dir)| profiles(dir.as_deref(), s));
    entries
        .iter()
        .zip(per_entry)
        .flat_map(|((s, dir), ps)| {
            ps.into_iter()
                .map(|p| {
                    Case::new(
                        format!("eligible {s} --as {p:?}"),
                        dir.as_deref(),
                        &["eligible", s, "--as", &p],
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

fn bundled() -> Vec<(String, Option<PathBuf>)> {
    bundled_slugs().into_iter().map(|s| (s, None)).collect()
}

/// Each corpus entry in a catalogue of its own (see [`one_entry_catalogue`]); the catalogues
/// live as long as the first element.
fn corpus_entries(dir: &Path) -> (Vec<OneEntry>, Vec<(String, Option<PathBuf>)>) {
    let slugs = corpus_slugs(dir);
    assert_eq!(slugs.len(), 170);
    let ones: Vec<OneEntry> = slugs.iter().map(|s| one_entry_catalogue(dir, s)).collect();
    let entries = slugs
        .into_iter()
        .zip(&ones)
        .map(|(s, one)| (s, Some(one.api.clone())))
        .collect();
    (ones, entries)
}

const QUERIES: &[&str] = &[
    "adresse",
    "entreprise",
    "urssaf",
    "particulier",
    "données santé",
    "procedures collectives",
];

fn table_cases(catalogue: Option<&Path>) -> Vec<Case> {
    let mut cases = vec![
        Case::new("list", catalogue, &["list"]),
        Case::new(
            "eligible --as particulier",
            catalogue,
            &["eligible", "--as", "particulier"],
        ),
    ];
    for q in QUERIES {
        let mut args = vec!["search"];
        args.extend(q.split(' '));
        cases.push(Case::new(format!("search {q}"), catalogue, &args));
    }
    cases
}

#[test]
fn bundled_show_pages() {
    colour_keeps_layout("bundled show", &show_cases(&bundled()));
}

#[test]
fn bundled_eligible_pages() {
    let cases = eligible_cases(&bundled());
    assert!(!cases.is_empty(), "no profiles in the bundled entries");
    colour_keeps_layout("bundled eligible --as", &cases);
}

#[test]
fn bundled_tables() {
    colour_keeps_layout("bundled list/search", &table_cases(None));
}

#[test]
fn corpus_show_pages() {
    let Some(dir) = corpus() else { return };
    let (_catalogues, entries) = corpus_entries(&dir);
    colour_keeps_layout("corpus show", &show_cases(&entries));
}

#[test]
fn corpus_eligible_pages() {
    let Some(dir) = corpus() else { return };
    let (_catalogues, entries) = corpus_entries(&dir);
    let cases = eligible_cases(&entries);
    eprintln!("corpus eligible --as: {} profiles", cases.len());
    colour_keeps_layout("corpus eligible --as", &cases);
}

#[test]
fn corpus_tables() {
    let Some(dir) = corpus() else { return };
    colour_keeps_layout("corpus list/search", &table_cases(Some(&dir)));
}

/// The helpers this file leans on.
#[test]
fn helpers_strip_and_find_broken_escapes() {
    assert_eq!(strip_ansi("a\x1b[1;33mb\x1b[0m c"), "ab c");
    assert_eq!(strip_ansi("\x1b]8;;https://x\x07l\x1b]8;;\x1b\\"), "l");
    assert_eq!(strip_ansi("x\x1b(By\x1b7z"), "xyz");
    assert_eq!(strip_ansi("x\x1b[3\n9my"), "x[3\n9my");
    assert_eq!(escape_split("a\x1b[1mb\x1b[0m\n"), None);
    assert!(escape_split("a\x1b[3\n9m").unwrap().contains("newline"));
    assert!(escape_split("a\x1b").is_some());
    assert!(escape_split("\x1b]8;;x").is_some());
    assert_eq!(check_lines("\x1b[1mabc\x1b[0m\nabcd", 3).len(), 1);
    assert!(check_lines("  https://a.fr/very/long", 5).is_empty());
    assert_eq!(check_lines("see https://a.fr/very/long", 5).len(), 1);
    assert_eq!(check_lines("日本語", 5).len(), 1);
}
