//! One file per command. Each takes the configuration and its own arguments, asks the core,
//! and hands the answer to a view.

pub mod check;
pub mod completions;
pub mod eligible;
pub mod list;
pub mod man;
pub mod paths;
pub mod search;
pub mod show;
pub mod update;

use apicat_core::catalogue::{Catalogue, Entry};
use apicat_core::search::Filter;
use apicat_core::text::{fold, sanitize_line, suggestions};

use crate::app::Config;
use crate::cli::FilterArgs;
use crate::{Error, Result};

/// Loads every entry of the catalogue in use and reports unreadable files on stderr.
pub fn load(config: &Config) -> Result<Catalogue> {
    let cat = config.sources.load()?;
    for p in &cat.problems {
        eprintln!("{p}");
    }
    Ok(cat)
}

pub fn filter_of(args: &FilterArgs) -> Filter {
    Filter {
        theme: args.theme.clone(),
        producer: args.producer.clone(),
        access: args.access.map(Into::into),
    }
}

/// `"a", "b"`, for messages.
pub fn quoted<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|s| format!("\"{}\"", s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Explains an empty result: a filter value that names nothing gets "did you mean".
pub fn nothing_matches(cat: &Catalogue, args: &FilterArgs, what: String) -> Error {
    if let Some(t) = &args.theme {
        let mut themes: Vec<&str> = cat
            .entries
            .iter()
            .flat_map(|e| e.themes.iter().map(String::as_str))
            .collect();
        themes.sort();
        themes.dedup();
        let f = fold(t);
        if !themes.iter().any(|th| fold(th) == f) {
            let near = suggestions(t, themes.iter().copied(), 3);
            let hint = if near.is_empty() {
                format!("themes: {}", themes.join(", "))
            } else {
                format!("did you mean {}?", quoted(&near))
            };
            return Error::not_found(format!(
                "no theme \"{}\" in the catalogue; {hint}",
                sanitize_line(t)
            ));
        }
    }
    Error::not_found(what)
}

/// The entry a NAME argument designates, or a "did you mean" failure.
pub fn entry_named<'a>(cat: &'a Catalogue, name: &str) -> Result<&'a Entry> {
    if name.trim().is_empty() {
        return Err(Error::usage(
            "an API name is needed, e.g. `apicat show api-entreprise` (`apicat list` shows them all)",
        ));
    }
    cat.lookup(name).map_err(|unknown| {
        let name = sanitize_line(name);
        let mut msg = format!("no API named \"{name}\"");
        if !unknown.near.is_empty() {
            msg.push_str(&format!("\n\ndid you mean {}?", quoted(&unknown.near)));
        }
        msg.push_str("\n(`apicat search WORDS` finds APIs by words)");
        Error::not_found(msg)
    })
}

/// The entry a NAME argument designates, in full. With the snapshot among the sources, the
/// others are read in full and the snapshot through its index: only the entry chosen is read
/// from it.
pub fn one_entry(config: &Config, name: &str) -> Result<Entry> {
    if !config.no_cache {
        if let Some((e, problems)) = config.sources.by_slug(name.trim())? {
            for p in &problems {
                eprintln!("{p}");
            }
            return Ok(e);
        }
        let mut buf = Vec::new();
        if let Some(merged) = config.sources.merged(&mut buf, false)? {
            for p in &merged.catalogue.problems {
                eprintln!("{p}");
            }
            let e = entry_named(&merged.catalogue, name)?;
            return merged.full(e).ok_or_else(|| {
                Error::usage(format!(
                    "{}: the snapshot cannot be read; `apicat update` fetches it again",
                    merged.snapshot.items_file().display()
                ))
            });
        }
    }
    let cat = load(config)?;
    let e = entry_named(&cat, name)?;
    // A whole-catalogue read keeps no copy of each item: read this one's again for --json.
    if let (Some(snap), Some(d)) = (&config.sources.snapshot, e.dataservice())
        && d.raw.is_null()
        && let Some(full) = snap.reread(e)
    {
        return Ok(full);
    }
    Ok(e.clone())
}
