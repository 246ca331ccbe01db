//! Search relevance on the real catalogue: every query of `tests/relevance.tsv` runs as
//! `apicat --catalogue CORPUS search --json WORDS…`; the test prints MRR (mean reciprocal rank
//! of the first wanted slug), success@1 and success@3, and fails under the floors below or
//! when a query with no answer (`-`) does not end with exit 1 and `[]`.
//!
//! The corpus is `../shared/corpus/api` beside the checkout, or `$APICAT_CORPUS`. Where it is
//! absent the test is skipped, loudly; with `APICAT_REQUIRE_CORPUS` set it fails instead.

use assert_cmd::Command;
use std::path::PathBuf;

/// Floors, a little under the measured figures (MRR 0.978, success@3 98.1 % over 161 queries,
/// debug and release builds alike): a change that makes search find less fails here.
const MRR_FLOOR: f64 = 0.975;
const SUCCESS_AT_3_FLOOR: f64 = 0.975;

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("APICAT_CORPUS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/api"),
        PathBuf::from,
    );
    if dir.is_dir() {
        return Some(dir);
    }
    let msg = format!(
        "the corpus {} is absent (set APICAT_CORPUS to where it is)",
        dir.display()
    );
    if std::env::var_os("APICAT_REQUIRE_CORPUS").is_some() {
        panic!("{msg}, and APICAT_REQUIRE_CORPUS is set");
    }
    eprintln!("\n*** SKIPPED: search relevance not measured: {msg} ***\n");
    None
}

/// The set: (query, wanted slugs); no slug for a query that has no answer.
fn queries() -> Vec<(String, Vec<String>)> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/relevance.tsv");
    let text = std::fs::read_to_string(&path).expect("tests/relevance.tsv");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (q, wanted) = l.split_once('\t').expect("QUERY<TAB>SLUGS");
            let wanted = match wanted.trim() {
                "-" => Vec::new(),
                w => w.split(',').map(str::to_string).collect(),
            };
            (q.to_string(), wanted)
        })
        .collect()
}

#[test]
fn search_finds_what_people_mean() {
    let Some(corpus) = corpus() else { return };
    let home = tempfile::tempdir().unwrap();
    let (mut rr, mut at1, mut at3, mut positives) = (0.0, 0u32, 0u32, 0u32);
    let mut failures = Vec::new();
    let mut report = String::new();
    for (query, wanted) in queries() {
        let out = Command::cargo_bin("apicat")
            .unwrap()
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("LANG", "C.UTF-8")
            .env("COLUMNS", "80")
            .env("HOME", home.path())
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .current_dir(home.path())
            .arg("--catalogue")
            .arg(&corpus)
            .args(["search", "--json"])
            .args(query.split_whitespace())
            .output()
            .unwrap();
        let code = out.status.code();
        let hits: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{query:?}: stdout is not JSON ({e})"));
        let slugs: Vec<&str> = hits
            .as_array()
            .unwrap_or_else(|| panic!("{query:?}: not an array"))
            .iter()
            .map(|h| h["slug"].as_str().unwrap_or_default())
            .collect();
        if wanted.is_empty() {
            if code != Some(1) || !slugs.is_empty() {
                failures.push(format!(
                    "{query:?} has no answer, yet exit {code:?} with {slugs:?}"
                ));
            }
            continue;
        }
        assert!(matches!(code, Some(0 | 1)), "{query:?}: exit {code:?}");
        positives += 1;
        let rank = slugs.iter().position(|s| wanted.iter().any(|w| w == s));
        if let Some(r) = rank {
            rr += 1.0 / (r + 1) as f64;
            at1 += u32::from(r == 0);
            at3 += u32::from(r < 3);
        }
        if rank.is_none_or(|r| r >= 3) {
            report.push_str(&format!(
                "  {query:?}: rank {}, top 3 {:?}, want {wanted:?}\n",
                rank.map_or("-".into(), |r| (r + 1).to_string()),
                &slugs[..slugs.len().min(3)]
            ));
        }
    }
    let n = f64::from(positives);
    let (mrr, p1, p3) = (rr / n, f64::from(at1) / n, f64::from(at3) / n);
    eprintln!(
        "search relevance over {positives} queries: MRR {mrr:.3}  success@1 {:.1}%  success@3 {:.1}%\nnot in the top 3:\n{report}",
        p1 * 100.0,
        p3 * 100.0
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(mrr >= MRR_FLOOR, "MRR {mrr:.3} under {MRR_FLOOR}");
    assert!(
        p3 >= SUCCESS_AT_3_FLOOR,
        "success@3 {:.1}% under {:.1}%",
        p3 * 100.0,
        SUCCESS_AT_3_FLOOR * 100.0
    );
}

#[test]
fn no_entry_with_every_word_names_the_closest() {
    let Some(corpus) = corpus() else { return };
    let home = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("apicat")
        .unwrap()
        .env("HOME", home.path())
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env_remove("APICAT_CATALOGUE")
        .arg("--catalogue")
        .arg(&corpus)
        .args(["search", "--json", "carte", "grise"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "[]");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no API matches all of: carte grise — closest: ") && err.contains("(carte)"),
        "{err}"
    );
}
