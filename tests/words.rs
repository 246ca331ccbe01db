//! Every word kept: the words of each real entry (the text fields of its front matter, its
//! introduction and body with tags removed) appear in its page, in order within each field.
//! Prints the overall share and the entries losing most. Keywords are left out: the page shows
//! three lines of them by design (`show --json` has them all).

use std::collections::HashSet;

use apicat::catalogue::Entry;
use apicat::term::Style;
use apicat::view::page;

mod common;

/// Words as compared: letters and digits, lowercased.
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Text of catalogue markup with what a reader never sees taken out: tags (with their
/// attributes), comments, character references, emphasis marks, and URLs (a page may move a URL to a note
/// after its paragraph, out of the words' order).
fn visible(src: &str) -> String {
    // A code fence's language (```sh) is not shown; `*FI*chier` shows as one word.
    let src: Vec<&str> = src
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("```") {
                ""
            } else {
                l
            }
        })
        .collect();
    let mut s = src
        .join("\n")
        .replace("\\n", " ")
        .replace("\\\"", "\"")
        .replace('*', "");
    while let Some(a) = s.find("<!--") {
        let b = s[a..].find("-->").map_or(s.len(), |b| a + b + 3);
        s.replace_range(a..b, " ");
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s.as_str();
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        let is_tag = tail
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/');
        match tail.find('>').filter(|_| is_tag) {
            Some(end) => {
                out.push(' ');
                rest = &tail[end + 1..];
            }
            None => {
                out.push('<');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    let out: Vec<&str> = out
        .split_whitespace()
        .map(|w| {
            if w.contains("://") || w.starts_with("mailto:") || w.contains("](") {
                // `[label](url)`: the label only.
                w.split("](").next().unwrap_or("")
            } else {
                w
            }
        })
        .collect();
    let out = out.join(" ");
    // `&nbsp;`, `&#39;`…
    let mut clean = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(i) = rest.find('&') {
        clean.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        match tail
            .find(';')
            .filter(|&e| e <= 8 && tail[..e].chars().all(|c| c.is_alphanumeric() || c == '#'))
        {
            Some(e) => {
                clean.push(' ');
                rest = &tail[e + 1..];
            }
            None => {
                clean.push('&');
                rest = tail;
            }
        }
    }
    clean.push_str(rest);
    clean
}

fn fields(e: &Entry) -> Vec<String> {
    let mut f = vec![e.title.clone()];
    let opt = [
        &e.tagline,
        &e.rate_limiting_resume,
        &e.rate_limiting_description,
        &e.monitoring_description,
        &e.stats_detail_resume,
        &e.stats_detail_description,
        &e.content_intro,
    ];
    f.extend(opt.into_iter().flatten().cloned());
    f.extend(e.themes.iter().cloned());
    f.extend(e.partner_names.iter().cloned());
    for r in &e.access_page {
        f.extend(r.who.iter().cloned());
        f.push(r.description.clone());
    }
    f.push(e.body.clone());
    f
}

/// (words of the entry, words kept, the first few lost). A word is looked for in order after
/// the previous one of its field; a table's cells, wrapped side by side, are read out of
/// order, so a word found only earlier on the page still counts as kept.
fn kept(e: &Entry, page: &str) -> (usize, usize, Vec<String>) {
    let shown = words(page);
    let anywhere: HashSet<&str> = shown.iter().map(String::as_str).collect();
    let (mut total, mut found, mut lost) = (0, 0, Vec::new());
    for field in fields(e) {
        let mut at = 0;
        for w in words(&visible(&field)) {
            total += 1;
            if let Some(i) = shown[at..].iter().position(|s| *s == w) {
                found += 1;
                at += i + 1;
            } else if anywhere.contains(w.as_str()) {
                found += 1;
            } else if lost.len() < 12 {
                lost.push(w);
            }
        }
    }
    (total, found, lost)
}

#[test]
fn the_words_of_every_real_entry_are_on_its_page() {
    words_kept_at(80);
}

/// On a narrow terminal too, where the facts panel puts each label above its value.
#[test]
fn the_words_of_every_real_entry_are_on_its_narrow_page() {
    words_kept_at(24);
}

fn words_kept_at(width: usize) {
    let Some(dir) = common::corpus() else { return };
    let cat = common::load(&dir);
    let known: HashSet<String> = cat.entries.iter().map(|e| e.slug.clone()).collect();
    let style = Style {
        color: false,
        width,
        tty: false,
    };
    let mut rows: Vec<(f64, &str, usize, usize, Vec<String>)> = cat
        .entries
        .iter()
        .map(|e| {
            let (t, k, lost) = kept(e, &page::page(e, &style, &known));
            let share = if t == 0 { 1.0 } else { k as f64 / t as f64 };
            (share, e.slug.as_str(), t, k, lost)
        })
        .collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: usize = rows.iter().map(|r| r.2).sum();
    let found: usize = rows.iter().map(|r| r.3).sum();
    let overall = found as f64 / total as f64;
    eprintln!(
        "at {width} columns, words kept: {found} of {total} ({:.2} %) over {} entries; the entries losing most:",
        overall * 100.0,
        rows.len()
    );
    for (share, slug, t, k, lost) in rows.iter().take(8) {
        eprintln!(
            "  {slug}: {:.2} % ({} of {t} lost) {lost:?}",
            share * 100.0,
            t - k
        );
    }
    let over_1 = rows.iter().filter(|r| r.0 < 0.99).count();
    assert!(
        overall >= 0.995,
        "only {:.2} % of words kept",
        overall * 100.0
    );
    assert!(over_1 <= 3, "{over_1} entries lose over 1 % of their words");
}
