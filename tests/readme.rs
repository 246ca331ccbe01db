//! The README's examples are what apicat prints. Every fenced block whose first line is
//! `$ apicat ARGS` holds one or more commands, each followed by the output it shows; each is
//! run (hermetic, 80 columns, no colour, no pager, from the repository root) and its stdout
//! then stderr compared line by line with the block, trailing spaces ignored.
//!
//! The README elides: a line that is only `…` stands for any number of lines, and `…` inside a
//! line for any text. `~/api.gouv.fr/_data/api` names the real catalogue: the corpus is used
//! instead, and such a command is skipped, loudly, where the corpus is absent. A shell comment
//! after a command (`# every API…`) is not part of it.

use std::path::Path;

mod common;
use common::corpus;

const CATALOGUE_IN_README: &str = "~/api.gouv.fr/_data/api";

/// One `$ apicat …` command of the README and the output it shows.
struct Example {
    line: usize,
    /// Which block it is in: the commands of one block share a home (an `update` then a
    /// `search` read the same snapshot).
    block: usize,
    command: String,
    expected: Vec<String>,
}

/// The examples of the README, and how many blocks hold them.
fn examples(readme: &str) -> (usize, Vec<Example>) {
    let mut blocks = 0;
    let mut found = Vec::new();
    let mut lines = readme.lines().enumerate().peekable();
    while let Some((_, line)) = lines.next() {
        if !line.trim_start().starts_with("```") {
            continue;
        }
        let mut block: Vec<(usize, &str)> = Vec::new();
        for (n, l) in lines.by_ref() {
            if l.trim_start().starts_with("```") {
                break;
            }
            block.push((n + 1, l));
        }
        if !block
            .first()
            .is_some_and(|(_, l)| l.starts_with("$ apicat "))
        {
            continue;
        }
        blocks += 1;
        for (n, l) in block {
            if let Some(cmd) = l.strip_prefix("$ ") {
                found.push(Example {
                    block: blocks,
                    line: n,
                    command: cmd.to_string(),
                    expected: Vec::new(),
                });
            } else {
                found.last_mut().unwrap().expected.push(l.to_string());
            }
        }
    }
    for e in &mut found {
        // A blank line between two commands of one block separates them.
        while e.expected.last().is_some_and(|l| l.trim().is_empty()) {
            e.expected.pop();
        }
    }
    (blocks, found)
}

/// Shell words of a command line: quotes grouped, a `#` comment dropped.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '#') if !in_word => break,
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

/// Whether a line matches a pattern line where `…` stands for any text.
fn line_matches(pattern: &str, line: &str) -> bool {
    let parts: Vec<&str> = pattern.split('…').collect();
    if parts.len() == 1 {
        return pattern == line;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !line.starts_with(first) || line.len() < first.len() + last.len() || !line.ends_with(last) {
        return false;
    }
    let mut rest = &line[first.len()..line.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

/// Whether the output's lines match the pattern's, a `…` line standing for any number.
fn lines_match(pattern: &[String], lines: &[&str]) -> bool {
    // matches[i][j]: pattern[i..] matches lines[j..].
    let (p, l) = (pattern.len(), lines.len());
    let mut m = vec![vec![false; l + 1]; p + 1];
    m[p][l] = true;
    for i in (0..p).rev() {
        let elide = pattern[i].trim() == "…";
        for j in (0..=l).rev() {
            m[i][j] = if elide {
                m[i + 1][j] || (j < l && m[i][j + 1])
            } else {
                j < l && line_matches(pattern[i].trim_end(), lines[j].trim_end()) && m[i + 1][j + 1]
            };
        }
    }
    m[0][0]
}

/// Whether the README's lines appear in the output in order, whatever lies between them:
/// how the block reads if every gap were an elision (reported, not asserted).
fn lines_appear_in_order(pattern: &[String], lines: &[&str]) -> bool {
    let mut rest = lines.iter();
    pattern
        .iter()
        .filter(|p| p.trim() != "…" && !p.trim().is_empty())
        .all(|p| rest.any(|l| line_matches(p.trim_end(), l.trim_end())))
}

/// The first place where the output departs from the pattern, for the report.
fn first_difference(pattern: &[String], lines: &[&str]) -> String {
    let mut j = 0;
    for (i, p) in pattern.iter().enumerate() {
        if p.trim() == "…" {
            // Resynchronise on the next pattern line.
            let Some(next) = pattern.get(i + 1) else {
                return "output differs after the last elision".into();
            };
            match lines[j..]
                .iter()
                .position(|l| line_matches(next.trim_end(), l.trim_end()))
            {
                Some(k) => j += k,
                None => return format!("README line {:?} is nowhere after this point", next),
            }
            continue;
        }
        match lines.get(j) {
            Some(l) if line_matches(p.trim_end(), l.trim_end()) => j += 1,
            Some(l) => {
                return format!(
                    "output line {}:\n      README: {p:?}\n      apicat: {l:?}",
                    j + 1
                );
            }
            None => return format!("output ends before README line {p:?}"),
        }
    }
    format!(
        "{} more output lines, first {:?}",
        lines.len() - j,
        lines.get(j).unwrap_or(&"")
    )
}

/// What a person sees running apicat in an 80×24 terminal with colour off (NO_COLOR) and
/// `cat` as the pager: standard output and error as the terminal shows them.
fn on_terminal(cwd: &Path, home: &Path, args: &[String]) -> String {
    use expectrl::{Eof, Expect, Session};
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("apicat"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("TERM", "xterm-256color")
        .env("LANG", "C.UTF-8")
        .env("NO_COLOR", "1")
        .env("PAGER", "cat")
        .current_dir(cwd)
        .args(args);
    let mut s = Session::spawn(cmd).unwrap();
    s.get_process_mut().set_window_size(80, 24).unwrap();
    s.set_expect_timeout(Some(std::time::Duration::from_secs(60)));
    let out = s.expect(Eof).unwrap().as_bytes().to_vec();
    let _ = s.get_process().wait();
    String::from_utf8_lossy(&out).replace("\r\n", "\n")
}

#[test]
fn readme_examples_are_what_apicat_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let (blocks, examples) = examples(&readme);
    assert!(blocks > 0, "no `$ apicat` example in README.md");
    let corpus = if examples
        .iter()
        .any(|e| e.command.contains(CATALOGUE_IN_README))
    {
        corpus()
    } else {
        None
    };
    let (mut matching, mut skipped, mut in_order) = (0, 0, 0);
    let mut homes = std::collections::HashMap::new();
    let mut report = Vec::new();
    for e in &examples {
        let mut words = shell_words(&e.command);
        assert_eq!(words.remove(0), "apicat", "README line {}", e.line);
        if words.iter().any(|w| w == CATALOGUE_IN_README) {
            let Some(dir) = &corpus else {
                eprintln!(
                    "!!!!!!!! README line {}: `{}` needs the corpus: SKIPPED",
                    e.line, e.command
                );
                skipped += 1;
                continue;
            };
            for w in &mut words {
                if w == CATALOGUE_IN_README {
                    *w = dir.display().to_string();
                }
            }
        }
        let home = homes
            .entry(e.block)
            .or_insert_with(|| tempfile::tempdir().unwrap());
        let text = on_terminal(root, home.path(), &words);
        let lines: Vec<&str> = text.lines().collect();
        if lines_match(&e.expected, &lines) {
            matching += 1;
            eprintln!("README line {}: `{}` matches", e.line, e.command);
        } else {
            let excerpt = lines_appear_in_order(&e.expected, &lines);
            in_order += usize::from(excerpt);
            let why = format!(
                "{}{}",
                first_difference(&e.expected, &lines),
                if excerpt {
                    "\n      (its lines do appear in order: an excerpt whose gaps are not marked …)"
                } else {
                    ""
                }
            );
            eprintln!("README line {}: `{}` DIFFERS: {why}", e.line, e.command);
            report.push(format!("README line {}: `{}`: {why}", e.line, e.command));
        }
    }
    let summary = format!(
        "README: {blocks} example blocks holding {} commands; {matching} match what apicat prints, {} differ ({in_order} of them only by unmarked gaps), {skipped} skipped",
        examples.len(),
        report.len()
    );
    eprintln!("{summary}");
    assert!(report.is_empty(), "{summary}\n{}", report.join("\n"));
}

#[test]
fn the_example_matcher() {
    let p = |s: &[&str]| s.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    assert!(lines_match(&p(&["a", "…", "d"]), &["a", "b", "c", "d"]));
    assert!(lines_match(&p(&["a", " …"]), &["a"]));
    assert!(!lines_match(&p(&["a", "d"]), &["a", "b", "d"]));
    assert!(lines_match(&p(&["…/x.md:1: w"]), &["/long/path/x.md:1: w"]));
    assert!(!lines_match(
        &p(&["…/x.md:1: w"]),
        &["/long/path/y.md:1: w"]
    ));
    assert!(lines_appear_in_order(&p(&["a", "d"]), &["a", "b", "d"]));
    assert!(!lines_appear_in_order(&p(&["d", "a"]), &["a", "b", "d"]));
    assert!(line_matches("a…b…c", "a-b-c"));
    assert!(!line_matches("ab…ba", "aba"));
    assert_eq!(
        shell_words("apicat eligible --as 'x y'   # every API"),
        ["apicat", "eligible", "--as", "x y"]
    );
    let (blocks, ex) =
        examples("```text\n$ apicat list\nA\n\n$ apicat x\nB\n```\n```sh\n$ ls\n```\n");
    assert_eq!(blocks, 1);
    assert_eq!(ex.len(), 2);
    assert_eq!(ex[0].expected, ["A"]);
    assert_eq!(ex[1].expected, ["B"]);
}
