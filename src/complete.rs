//! Shell completion: the registration scripts, and the values completed from the catalogue in
//! use (slugs, profiles, themes, producers).

use apicat_core::index::Want;
use clap_complete::engine::CompletionCandidate;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};
use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

use crate::catalogue::sources::Sources;
use crate::catalogue::{Catalogue, Served};

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

/// The catalogue the command line being completed would use (`--catalogue` on that line,
/// else `APICAT_CATALOGUE`, else bundled and personal entries) with the access pages `--as`
/// completes from: the file of the API named on the line alone, else the index, which
/// holds every access rule; a full read only when neither serves.
fn catalogue_in_use(slug: Option<&str>) -> Catalogue {
    let sources = sources_in_use();
    if let Some(cat) = slug.and_then(|s| sources.load_named(s).ok().flatten()) {
        return cat;
    }
    let mut buf = apicat_core::index::Buf::default();
    match sources.index(&mut buf, Want::Verdicts) {
        Ok(Some(index)) => index.catalogue_for_verdicts(),
        _ => sources.load_quietly(),
    }
}

/// The sources the command line being completed would use: `--catalogue` on that line,
/// else `APICAT_CATALOGUE`, else bundled and personal entries and the snapshot.
/// Entries as `list` shows them: with the snapshot, read through its index, not item by item.
fn listed_in_use() -> Catalogue {
    let sources = sources_in_use();
    let mut buf = apicat_core::index::Buf::default();
    if let Ok(Some(m)) = sources.merged(&mut buf, Want::Listing) {
        return m.catalogue().into_owned();
    }
    let mut buf = apicat_core::index::Buf::default();
    match sources.index(&mut buf, Want::Listing) {
        Ok(Some(index)) => index.catalogue(false),
        _ => sources.load_summaries().unwrap_or_default(),
    }
}

fn sources_in_use() -> Sources {
    // Words as the shell gave them: a path or a word typed need not be UTF-8.
    let args: Vec<OsString> = std::env::args_os().collect();
    let mut dir: Option<PathBuf> = None;
    for (i, a) in args.iter().enumerate() {
        if let Some(v) = strip_prefix_os(a, "--catalogue=") {
            dir = Some(v);
        } else if a == "--catalogue" {
            dir = args.get(i + 1).map(PathBuf::from);
        }
    }
    let dir = dir.or_else(|| std::env::var_os("APICAT_CATALOGUE").map(PathBuf::from));
    Sources::new(dir, &crate::bundled::BUNDLED)
}

/// Slugs and titles, from the compact list at the start of a folder's index while the
/// folder's names are unchanged, else from the index (made if need be): no entry is parsed
/// on TAB once the index exists.
fn names_in_use(
    keep: impl Fn(&str) -> bool,
    may_keep: impl Fn(&[u8]) -> bool,
) -> Vec<(String, String)> {
    let sources = sources_in_use();
    // With the snapshot: entries as `list` shows them, through its index.
    if sources.snapshot.is_some() {
        let mut buf = apicat_core::index::Buf::default();
        if let Ok(Some(m)) = sources.merged(&mut buf, Want::Listing) {
            return (0..m.len()).map(|at| m.name(at)).collect();
        }
    }
    if let Some(dir) = &sources.folder
        && let Some(names) = crate::index::names_where(dir, true, keep, may_keep)
    {
        return names.entries;
    }
    let mut buf = apicat_core::index::Buf::default();
    let cat = match sources.index(&mut buf, Want::Listing) {
        Ok(Some(index)) => index.catalogue(false),
        _ => sources.load_quietly(),
    };
    cat.entries.into_iter().map(|e| (e.slug, e.title)).collect()
}

/// Whether a name, as its bytes are stored, may start with `folded` once made clean and
/// folded: not when its start is printable ASCII (a backtick aside) that differs, since
/// neither cleaning nor folding changes such a start but for its case.
fn may_start_folded(raw: &[u8], folded: &str) -> bool {
    match raw.get(..folded.len()) {
        Some(start)
            if start
                .iter()
                .all(|&c| (0x20..0x7f).contains(&c) && c != b'`') =>
        {
            start.eq_ignore_ascii_case(folded.as_bytes())
        }
        _ => true,
    }
}

/// Whether `value` folded starts with `folded`; a value whose start is ASCII (most slugs) is
/// compared in place, as a TAB on a large folder meets every name: folding that start is
/// lowering its case (a backtick aside), and the rest cannot change it.
fn starts_folded(value: &str, folded: &str) -> bool {
    let plain = |b: &[u8]| b.iter().all(|&c| c.is_ascii() && c != b'`');
    match value.as_bytes().get(..folded.len()) {
        Some(start) if start.eq_ignore_ascii_case(folded.as_bytes()) && plain(start) => true,
        Some(start) if plain(start) => false,
        // Shorter than the prefix: only folding could lengthen it.
        None if plain(value.as_bytes()) => false,
        _ => crate::text::fold(value).starts_with(folded),
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
        if starts_folded(value, &folded) && seen.insert(value.to_string()) {
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
    let folded = crate::text::fold(&current.to_string_lossy());
    let names = names_in_use(
        |slug| starts_folded(slug, &folded),
        |raw| may_start_folded(raw, &folded),
    );
    candidates(
        current,
        names.iter().map(|(s, t)| (s.as_str(), Some(t.as_str()))),
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

/// The API named on the command line being completed (`apicat eligible SLUG --as <TAB>`).
fn slug_on_line(args: &[String]) -> Option<String> {
    let at = args.iter().position(|a| a == "eligible")?;
    let mut rest = args[at + 1..].iter();
    while let Some(a) = rest.next() {
        if a == "--as" || a == "--catalogue" || a == "--color" {
            rest.next();
        } else if !a.starts_with('-') && !a.is_empty() {
            return Some(a.clone());
        }
    }
    None
}

/// The rest of `a` after `prefix`, as a path, whatever its bytes.
fn strip_prefix_os(a: &OsStr, prefix: &str) -> Option<PathBuf> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let rest = a.as_bytes().strip_prefix(prefix.as_bytes())?;
        Some(PathBuf::from(OsStr::from_bytes(rest)))
    }
    #[cfg(not(unix))]
    {
        a.to_str()?.strip_prefix(prefix).map(PathBuf::from)
    }
}

/// `--as <TAB>`: the audiences' keys first, then the labels of the API named on the line, or
/// of the whole catalogue without one, as words to type (`editeur-logiciel-paie`).
pub fn profiles(current: &OsStr) -> Vec<CompletionCandidate> {
    use crate::eligibility::{Audience, catalogue_profiles, entry_labels, profile_words};
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let slug = slug_on_line(&args);
    let cat = catalogue_in_use(slug.as_deref());
    let labels: Vec<String> = match slug.and_then(|s| cat.lookup(&s).ok()) {
        Some(e) => entry_labels(e).into_iter().map(str::to_string).collect(),
        None => catalogue_profiles(&cat.entries)
            .into_iter()
            .map(|p| p.label)
            .collect(),
    };
    let words: Vec<String> = labels.iter().map(|l| profile_words(l).join("-")).collect();
    let audiences = Audience::ALL.iter().map(|a| (a.key(), Some(a.label())));
    candidates(
        current,
        audiences.chain(
            words
                .iter()
                .zip(&labels)
                .filter(|(w, _)| !w.is_empty())
                .map(|(w, l)| (w.as_str(), Some(l.as_str()))),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_rejected_by_its_bytes_is_never_one_kept() {
        let raws: [&[u8]; 14] = [
            b"api-entreprise",
            b"API_Ingres",
            "\u{c9}t\u{e9}-x".as_bytes(),
            b"a`b",
            b"",
            b"ap\x1bi",
            b"\x1bapi",
            b"api\x7fx",
            b"a\tpi",
            b"ap\xffi",
            "a\u{200b}pi".as_bytes(),
            "\u{202e}api".as_bytes(),
            b"a\rpi",
            b"xapi",
        ];
        for raw in raws {
            let text = apicat_core::text::sanitize(&String::from_utf8_lossy(raw)).into_owned();
            for typed in [
                "", "api", "API", "ap", "été", "a`", "a\\x1b", "\\x1b", "a    ", "x",
            ] {
                let folded = crate::text::fold(typed);
                if !may_start_folded(raw, &folded) {
                    assert!(!starts_folded(&text, &folded), "{raw:?} {typed:?}");
                }
            }
        }
        // And it does reject: that is its use.
        assert!(!may_start_folded(b"zulu", "api"));
    }

    #[test]
    fn prefix_in_place_agrees_with_fold() {
        let values = [
            "api-entreprise",
            "API_Ingres",
            "Été-x",
            "a`b",
            "",
            "apI",
            "ap",
            "api`x",
            "api-étoile",
            "ApiÉ",
            "Àpi",
            "a",
        ];
        for v in values {
            for typed in [
                "",
                "api",
                "API",
                "ap",
                "été",
                "ete",
                "a`",
                "api-entreprises",
                "api-e",
                "apie",
                "a",
            ] {
                let folded = crate::text::fold(typed);
                assert_eq!(
                    starts_folded(v, &folded),
                    crate::text::fold(v).starts_with(&folded),
                    "{v:?} {typed:?}"
                );
            }
        }
    }
}
