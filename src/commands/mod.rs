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

use apicat_core::catalogue::{Catalogue, Entry, Served};
use apicat_core::index::Want;
use apicat_core::search::Filter;
use apicat_core::text::{fold, sanitize_line, suggestions};

use crate::app::Config;
use crate::cli::{FilterArgs, Format};
use crate::{Error, Result};

/// Loads every entry of the catalogue in use and reports unreadable files on stderr.
pub fn load(config: &Config) -> Result<Catalogue> {
    let cat = config.sources.load()?;
    for p in &cat.problems {
        eprintln!("{p}");
    }
    Ok(cat)
}

/// The catalogue needed to find NAME: its file alone when there is one, else every entry.
pub fn load_for(config: &Config, name: &str) -> Result<Catalogue> {
    match config.sources.load_named(name)? {
        Some(cat) => Ok(cat),
        None => load(config),
    }
}

pub fn filter_of(args: &FilterArgs) -> Filter {
    Filter {
        theme: args.theme.clone(),
        producer: args.producer.clone(),
        access: args.access.map(Into::into),
        france_connect: args.france_connect,
    }
}

/// How results are printed: as asked, else a table on a terminal and TSV in a pipe.
pub fn format_of(config: &Config, format: Option<Format>, json: bool) -> Format {
    match (json, format) {
        (true, _) => Format::Json,
        (false, Some(f)) => f,
        (false, None) if config.style.tty => Format::Table,
        (false, None) => Format::Tsv,
    }
}

/// No result: `[]` for JSON (scripts read an empty array), then the failure on stderr.
pub fn no_result(format: Format, why: Error) -> Result<u8> {
    if format == Format::Json {
        crate::term::emit("[]\n")?;
    }
    Err(why)
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
pub fn nothing_matches(served: &dyn Served, args: &FilterArgs, what: String) -> Error {
    if let Some(t) = &args.theme {
        let cat = served.catalogue();
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
    if let Some(p) = &args.producer {
        let cat = served.catalogue();
        let mut names: Vec<&str> = cat
            .entries
            .iter()
            .flat_map(|e| {
                [
                    &e.producer,
                    &e.producer_acronym,
                    &e.owner_acronym,
                    &e.producer_name,
                    &e.owner,
                ]
                .into_iter()
                .flatten()
                .map(String::as_str)
            })
            .collect();
        names.sort();
        names.dedup();
        let f = fold(p);
        if !names
            .iter()
            .any(|n| fold(n) == f || fold(n).split(' ').any(|w| w == f))
        {
            let near = suggestions(p, names.iter().copied(), 3);
            let hint = if near.is_empty() {
                "`apicat list` shows each API's producer".to_string()
            } else {
                format!("did you mean {}?", quoted(&near))
            };
            return Error::not_found(format!(
                "no producer \"{}\" in the catalogue; {hint}",
                sanitize_line(p)
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
        // Hidden characters shown as escapes: they may be why the name is unknown.
        let name = apicat_core::text::visible(name);
        if unknown.ambiguous.len() > 1 {
            let listed: Vec<&str> = unknown.ambiguous.iter().take(10).copied().collect();
            let more = unknown.ambiguous.len() - listed.len();
            let more = if more > 0 { format!(" and {more} more") } else { String::new() };
            return Error::usage(format!(
                "\"{name}\" is ambiguous: {} slugs start with it: {}{more}\nsay which, e.g. `apicat show {}`",
                unknown.ambiguous.len(),
                listed.join(", "),
                listed[0]
            ));
        }
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
        let mut buf = apicat_core::index::Buf::default();
        if let Some(merged) = config.sources.merged(&mut buf, Want::Listing)? {
            for p in &merged.local.problems {
                eprintln!("{p}");
            }
            let cat = merged.catalogue();
            let e = entry_named(&cat, name)?;
            let at = cat.entries.iter().position(|x| std::ptr::eq(x, e));
            return at.and_then(|at| merged.full(at)).ok_or_else(|| {
                Error::usage(format!(
                    "{}: the snapshot cannot be read; `apicat update` fetches it again",
                    merged.snapshot.items_file().display()
                ))
            });
        }
    }
    let cat = load_for(config, name)?;
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
