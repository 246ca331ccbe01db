//! Shell completion: the registration scripts, and the values completed from the catalogue in
//! use (slugs, profiles, themes, producers).

use clap_complete::engine::CompletionCandidate;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};
use std::ffi::OsStr;
use std::path::PathBuf;

use crate::catalogue::Catalogue;
use crate::catalogue::sources::Sources;

/// The variable through which the shell asks apicat for completions.
pub const VAR: &str = "APICAT_COMPLETE";

/// The script a shell sources to complete apicat.
pub fn script(shell: crate::cli::Shell) -> Vec<u8> {
    use crate::cli::Shell as S;
    let completer: &dyn EnvCompleter = match shell {
        S::Bash => &Bash,
        S::Zsh => &Zsh,
        S::Fish => &Fish,
        S::Powershell => &Powershell,
        S::Elvish => &Elvish,
    };
    let mut buf = Vec::new();
    completer
        .write_registration(VAR, "apicat", "apicat", "apicat", &mut buf)
        .expect("writing to memory");
    buf
}

/// The sources the command line being completed would use: `--catalogue` on that line,
/// else `APICAT_CATALOGUE`, else bundled and personal entries and the snapshot.
fn sources_in_use() -> Sources {
    let args: Vec<String> = std::env::args().collect();
    let mut dir: Option<PathBuf> = None;
    for (i, a) in args.iter().enumerate() {
        if let Some(v) = a.strip_prefix("--catalogue=") {
            dir = Some(v.into());
        } else if a == "--catalogue" {
            dir = args.get(i + 1).map(PathBuf::from);
        }
    }
    let dir = dir.or_else(|| std::env::var_os("APICAT_CATALOGUE").map(PathBuf::from));
    Sources::new(dir, &crate::bundled::BUNDLED)
}

/// Every entry in full (profiles need the access rules).
fn catalogue_in_use() -> Catalogue {
    sources_in_use().load_quietly()
}

/// Entries as `list` shows them: with the snapshot, read through its index, not item by item.
fn listed_in_use() -> Catalogue {
    let sources = sources_in_use();
    let mut buf = Vec::new();
    match sources.merged(&mut buf, false) {
        Ok(Some(m)) => m.catalogue,
        _ => sources.load_quietly(),
    }
}

fn candidates<'a>(
    current: &OsStr,
    values: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy();
    let folded = crate::text::fold(&current);
    let mut out: Vec<CompletionCandidate> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (value, help) in values {
        if crate::text::fold(value).starts_with(&folded) && seen.insert(value.to_string()) {
            let mut c = CompletionCandidate::new(value);
            if let Some(h) = help {
                c = c.help(Some(h.to_string().into()));
            }
            out.push(c);
        }
    }
    out
}

pub fn slugs(current: &OsStr) -> Vec<CompletionCandidate> {
    let cat = listed_in_use();
    candidates(
        current,
        cat.entries
            .iter()
            .map(|e| (e.slug.as_str(), Some(e.title.as_str()))),
    )
}

pub fn themes(current: &OsStr) -> Vec<CompletionCandidate> {
    let cat = listed_in_use();
    candidates(
        current,
        cat.entries
            .iter()
            .flat_map(|e| e.themes.iter().map(|t| (t.as_str(), None))),
    )
}

pub fn producers(current: &OsStr) -> Vec<CompletionCandidate> {
    let cat = listed_in_use();
    candidates(
        current,
        cat.entries
            .iter()
            .filter_map(|e| e.producer.as_deref().map(|p| (p, None))),
    )
}

pub fn profiles(current: &OsStr) -> Vec<CompletionCandidate> {
    let cat = catalogue_in_use();
    let profiles = crate::eligibility::catalogue_profiles(&cat.entries);
    // Offer the label's words without the article: `--as collectivite…` is what people type.
    let words: Vec<String> = profiles
        .iter()
        .map(|p| crate::eligibility::profile_words(&p.label).join("-"))
        .collect();
    candidates(
        current,
        words
            .iter()
            .zip(&profiles)
            .map(|(w, p)| (w.as_str(), Some(p.label.as_str()))),
    )
}
