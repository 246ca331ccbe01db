//! What the binary tests share: a hermetic `apicat` command, where the real corpus is, and the
//! checks of a page as a terminal would show it (escape sequences, display width).
//!
//! Each test file uses part of this module only.
#![allow(dead_code)]

use assert_cmd::Command;
use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use unicode_width::UnicodeWidthStr;

/// An `apicat` command with folders of its own, removed when it is dropped (after the run, in
/// `apicat().args(…).output()`). It derefs to the assert_cmd [`Command`].
pub struct Apicat {
    cmd: Command,
    _dirs: tempfile::TempDir,
}

impl Deref for Apicat {
    type Target = Command;
    fn deref(&self) -> &Command {
        &self.cmd
    }
}

impl DerefMut for Apicat {
    fn deref_mut(&mut self) -> &mut Command {
        &mut self.cmd
    }
}

/// apicat as a user runs it from a clean environment: only PATH kept; fresh, empty HOME and
/// XDG data, cache and config folders for this run alone; no colour, catalogue or pager
/// settings; 80 columns; a UTF-8 locale; run from an empty directory that is not the
/// repository.
pub fn apicat() -> Apicat {
    let dirs = tempfile::Builder::new()
        .prefix("apicat-test-")
        .tempdir()
        .unwrap();
    let sub = |name: &str| {
        let d = dirs.path().join(name);
        std::fs::create_dir_all(&d).unwrap();
        d
    };
    let mut cmd = Command::cargo_bin("apicat").unwrap();
    cmd.env_clear();
    for keep in ["PATH", "RUST_BACKTRACE", "LLVM_PROFILE_FILE"] {
        if let Some(v) = std::env::var_os(keep) {
            cmd.env(keep, v);
        }
    }
    cmd.env("HOME", sub("home"))
        .env("XDG_DATA_HOME", sub("data"))
        .env("XDG_CACHE_HOME", sub("cache"))
        .env("XDG_CONFIG_HOME", sub("config"))
        .env("COLUMNS", "80")
        .env("LANG", "C.UTF-8")
        .current_dir(sub("cwd"));
    Apicat { cmd, _dirs: dirs }
}

/// The real api.gouv.fr catalogue: `$APICAT_CORPUS`, else `../shared/corpus/api` beside the
/// checkout (as CI lays it out), else `/work/shared/corpus/api`. When it is absent this says so
/// loudly on stderr and returns None: the caller skips its corpus checks.
pub fn corpus() -> Option<PathBuf> {
    let candidates: Vec<PathBuf> = match std::env::var_os("APICAT_CORPUS") {
        Some(dir) => vec![PathBuf::from(dir)],
        None => vec![
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/api"),
            PathBuf::from("/work/shared/corpus/api"),
        ],
    };
    for dir in &candidates {
        if dir.is_dir() {
            return Some(dir.canonicalize().unwrap_or_else(|_| dir.clone()));
        }
    }
    let tried: Vec<String> = candidates.iter().map(|d| d.display().to_string()).collect();
    if std::env::var_os("APICAT_REQUIRE_CORPUS").is_some() {
        panic!(
            "corpus absent at {} and APICAT_REQUIRE_CORPUS is set",
            tried.join(" and ")
        );
    }
    eprintln!(
        "\n!!!!!!!! corpus absent at {}: corpus tests SKIPPED !!!!!!!!\n",
        tried.join(" and ")
    );
    None
}

/// The slugs of the corpus: its `*.md` files' stems, sorted.
pub fn corpus_slugs(dir: &std::path::Path) -> Vec<String> {
    let mut slugs: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|f| {
            let p = f.unwrap().path();
            (p.extension()? == "md").then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    slugs.sort();
    slugs
}

/// A catalogue of one corpus entry, in the api.gouv.fr layout: `api/SLUG.md` with
/// `producteurs/` beside it, both links into the corpus, so the page is the one the whole
/// corpus gives (but for its "Source" path). apicat reads and parses every entry of a catalogue
/// on `show` and `eligible`, about 0.15 s of CPU per run for the corpus in a debug build against
/// 0.02 s for one entry: tests that run thousands of pages use this. Removed when dropped.
pub struct OneEntry {
    _dir: tempfile::TempDir,
    pub api: PathBuf,
}

pub fn one_entry_catalogue(corpus: &std::path::Path, slug: &str) -> OneEntry {
    let dir = tempfile::Builder::new()
        .prefix("apicat-one-")
        .tempdir()
        .unwrap();
    let api = dir.path().join("api");
    std::fs::create_dir(&api).unwrap();
    let file = format!("{slug}.md");
    std::os::unix::fs::symlink(corpus.join(&file), api.join(&file)).unwrap();
    let producers = corpus.join("../producteurs");
    if producers.is_dir() {
        std::os::unix::fs::symlink(producers, dir.path().join("producteurs")).unwrap();
    }
    OneEntry { _dir: dir, api }
}

/// The slugs of the bundled catalogue.
pub fn bundled_slugs() -> Vec<String> {
    let out = apicat().args(["list", "--json"]).output().unwrap();
    assert!(out.status.success());
    let v: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    v.iter()
        .map(|o| o["slug"].as_str().unwrap().to_string())
        .collect()
}

/// `f` over the items on as many threads as there are cores, results in the items' order.
pub fn parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, f(item)));
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// Where the escape sequence starting at `s[0] == ESC` ends (exclusive), or why it is broken.
fn sequence(s: &str) -> Result<usize, String> {
    let b = s.as_bytes();
    debug_assert_eq!(b[0], 0x1b);
    match b.get(1) {
        None => Err("ESC at the very end".into()),
        // CSI: parameters 0x30–0x3F, intermediates 0x20–0x2F, one final byte 0x40–0x7E.
        Some(b'[') => {
            let mut i = 2;
            while i < b.len() && (0x30..=0x3f).contains(&b[i]) {
                i += 1;
            }
            while i < b.len() && (0x20..=0x2f).contains(&b[i]) {
                i += 1;
            }
            match b.get(i) {
                Some(c) if (0x40..=0x7e).contains(c) => Ok(i + 1),
                Some(b'\n') => Err("CSI broken by a newline".into()),
                Some(c) => Err(format!("CSI with the byte {c:#04x} before its end")),
                None => Err("CSI cut at the end".into()),
            }
        }
        // OSC: up to BEL or ESC \ (ST).
        Some(b']') => {
            let mut i = 2;
            while i < b.len() {
                match b[i] {
                    0x07 => return Ok(i + 1),
                    0x1b if b.get(i + 1) == Some(&b'\\') => return Ok(i + 2),
                    0x1b => return Err("OSC interrupted by another ESC".into()),
                    b'\n' => return Err("OSC broken by a newline".into()),
                    _ => i += 1,
                }
            }
            Err("OSC never terminated".into())
        }
        // Any other: intermediates 0x20–0x2F then a final byte 0x30–0x7E.
        Some(_) => {
            let mut i = 1;
            while i < b.len() && (0x20..=0x2f).contains(&b[i]) {
                i += 1;
            }
            match b.get(i) {
                Some(c) if (0x30..=0x7e).contains(c) => Ok(i + 1),
                Some(b'\n') => Err("escape broken by a newline".into()),
                Some(c) => Err(format!("ESC followed by {c:#04x}")),
                None => Err("escape cut at the end".into()),
            }
        }
    }
}

/// The text without its escape sequences (CSI, OSC, and two- or three-byte ones). A broken
/// sequence loses its ESC only, so what follows it stays visible.
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('\x1b') {
        out.push_str(&rest[..i]);
        let seq = &rest[i..];
        let len = sequence(seq).unwrap_or(1);
        rest = &seq[len..];
    }
    out.push_str(rest);
    out
}

/// The first escape sequence that is broken, split across lines or left incomplete, with
/// where it is; None when every ESC starts a whole sequence on one line.
pub fn escape_split(s: &str) -> Option<String> {
    let mut from = 0;
    while let Some(i) = s[from..].find('\x1b') {
        let at = from + i;
        match sequence(&s[at..]) {
            Ok(len) => from = at + len,
            Err(why) => {
                let line = s[..at].matches('\n').count() + 1;
                let start = s[..at].char_indices().rev().nth(20).map_or(0, |(k, _)| k);
                let end = s[at..]
                    .char_indices()
                    .nth(20)
                    .map_or(s.len(), |(k, _)| at + k);
                return Some(format!("line {line}: {why}: {:?}", &s[start..end]));
            }
        }
    }
    None
}

/// Whether a line may run past the width: it is one unbroken URL, which is never cut.
pub fn lone_url(line: &str) -> bool {
    let t = line.trim();
    let command = t
        .strip_prefix("→ apicat show ")
        .is_some_and(|slug| !slug.contains(char::is_whitespace));
    command || (!t.contains(char::is_whitespace) && is_address(t))
}

/// A link or an e-mail address: kept whole so that it can be copied.
fn is_address(w: &str) -> bool {
    w.contains("://") || w.starts_with("mailto:") || (w.contains('@') && w.contains('.'))
}

/// The lines of a page wider than `width` terminal columns (escape sequences removed), each
/// described; only a line holding an unbroken URL or address wider than the width, a command
/// to copy (`→ apicat show SLUG`) alone on its line, or a line of a code block (indented by
/// four spaces, printed verbatim), may be wider.
pub fn check_lines(page: &str, width: usize) -> Vec<String> {
    let plain = strip_ansi(page);
    let long_url = |l: &str| {
        l.split_whitespace()
            .any(|w| is_address(w) && w.width() > width)
    };
    plain
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            l.width() > width && !lone_url(l) && !long_url(l) && !l.starts_with("    ")
        })
        .map(|(n, l)| format!("line {}: {} columns > {width}: {l:?}", n + 1, l.width()))
        .collect()
}

/// Every entry of a folder, loaded in-process as `--catalogue DIR` does.
pub fn load(dir: &std::path::Path) -> apicat::catalogue::Catalogue {
    let sources = apicat::catalogue::sources::Sources::new(
        Some(dir.to_path_buf()),
        &apicat::bundled::BUNDLED,
    );
    sources.load().unwrap()
}

/// The bundled entries, loaded in-process.
pub fn bundled() -> apicat::catalogue::Catalogue {
    let sources = apicat::catalogue::sources::Sources {
        folder: None,
        personal: None,
        snapshot: None,
        warnings: Vec::new(),
        only: None,
        bundled: &apicat::bundled::BUNDLED,
    };
    sources.load().unwrap()
}
