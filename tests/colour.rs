//! Colour never changes layout: every page (`show`, and `eligible SLUG --as P` for each profile
//! an entry names), coloured and with hyperlinks, is the plain page once its escape sequences
//! are removed, at every width down to the narrowest (20 columns), and fits that width; and no
//! escape sequence is split across lines. Over the bundled
//! entries and the real catalogue (`../shared/corpus`).

use std::collections::HashSet;

use apicat::catalogue::{Catalogue, Entry};
use apicat::eligibility::{entry_labels, for_entry};
use apicat::term::Style;
use apicat::view::{page, verdict};

mod common;

const WIDTHS: [usize; 7] = [20, 30, 40, 60, 80, 120, 200];

/// Text as the reader sees it: CSI sequences (colours) and OSC sequences (hyperlinks) removed.
/// Written here rather than taken from the code under test.
fn strip(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('[') => {
                for c in chars.by_ref() {
                    if ('\x40'..='\x7e').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                while let Some(c) = chars.next() {
                    if c == '\x07' || (c == '\x1b' && chars.next_if_eq(&'\\').is_some()) {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether every escape sequence begun on a line ends on it.
fn split_escape(line: &str) -> bool {
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            continue;
        }
        let closed = match chars.next() {
            Some('[') => chars.by_ref().any(|c| ('\x40'..='\x7e').contains(&c)),
            Some(']') => loop {
                match chars.next() {
                    None => break false,
                    Some('\x07') => break true,
                    Some('\x1b') if chars.next_if_eq(&'\\').is_some() => break true,
                    Some(_) => {}
                }
            },
            Some('\\') => true,
            _ => false,
        };
        if !closed {
            return true;
        }
    }
    false
}

/// Every page of an entry, in the three looks a user gets: plain; coloured into a pipe;
/// coloured on a terminal (with hyperlinks).
fn pages(
    all: &[Entry],
    e: &Entry,
    known: &HashSet<String>,
    width: usize,
) -> Vec<(String, [String; 3])> {
    let looks = [(false, false), (true, false), (true, true)].map(|(color, tty)| Style {
        color,
        width,
        tty,
    });
    let mut out = vec![(
        format!("show {}", e.slug),
        looks.map(|s| page::page(e, &s, known)),
    )];
    for label in entry_labels(e) {
        let Ok((_, a)) = for_entry(all, e, label) else {
            continue;
        };
        out.push((
            format!("eligible {} --as {label:?}", e.slug),
            looks.map(|s| verdict::page(e, label, &a, &s)),
        ));
    }
    out
}

fn problems(cat: &Catalogue) -> (usize, Vec<String>) {
    let known: HashSet<String> = cat.entries.iter().map(|e| e.slug.clone()).collect();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let chunk = cat.entries.len().div_ceil(threads).max(1);
    let results: Vec<(usize, Vec<String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = cat
            .entries
            .chunks(chunk)
            .map(|entries| {
                let known = &known;
                let all = &cat.entries[..];
                s.spawn(move || {
                    let mut n = 0;
                    let mut bad = Vec::new();
                    for e in entries {
                        for w in WIDTHS {
                            for (what, [plain, coloured, linked]) in pages(all, e, known, w) {
                                n += 1;
                                assert!(!plain.contains('\x1b'), "{what}: escape without colour");
                                assert!(!coloured.contains("\x1b]8;"), "{what}: link in a pipe");
                                for (look, text) in [("colour", &coloured), ("links", &linked)] {
                                    if strip(text) != plain {
                                        bad.push(format!("{what} at {w} ({look}): differs"));
                                    }
                                    if let Some(l) = text.lines().find(|l| split_escape(l)) {
                                        bad.push(format!("{what} at {w}: split escape in {l:?}"));
                                    }
                                }
                                for l in common::check_lines(&coloured, w) {
                                    bad.push(format!("{what} at {w} (colour): {l}"));
                                }
                            }
                        }
                    }
                    (n, bad)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let n = results.iter().map(|r| r.0).sum();
    (n, results.into_iter().flat_map(|r| r.1).collect())
}

fn assert_none(n: usize, bad: &[String]) {
    eprintln!("{n} pages compared, {} problems", bad.len());
    assert!(
        bad.is_empty(),
        "{} of {n} pages:\n{}",
        bad.len(),
        bad.iter().take(40).cloned().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn bundled_pages_look_the_same_without_colour() {
    let (n, bad) = problems(&common::bundled());
    assert_none(n, &bad);
}

#[test]
fn real_pages_look_the_same_without_colour() {
    let Some(dir) = common::corpus() else { return };
    let cat = common::load(&dir);
    assert!(cat.entries.len() >= 170, "{} entries", cat.entries.len());
    let (n, bad) = problems(&cat);
    assert_none(n, &bad);
}

#[test]
fn the_checks_themselves_see_colour_and_splits() {
    assert_eq!(
        strip("\x1b[1ma\x1b[0m \x1b]8;;https://x.fr\x1b\\x\x1b]8;;\x1b\\"),
        "a x"
    );
    assert!(split_escape("a \x1b[38;5;249"));
    assert!(!split_escape("a \x1b[38;5;249mb\x1b[0m"));
}
