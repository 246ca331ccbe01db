//! `apicat search`: entries ranked against words (ranking itself is the core's `search`).

use apicat_core::catalogue::{Catalogue, Entry};
use apicat_core::index::Index;
use apicat_core::search::{Fields, Hit, Query, rank, search_in};
use apicat_core::text::sanitize_line;

use super::{filter_of, nothing_matches};
use crate::app::Config;
use crate::cli::SearchArgs;
use crate::term::emit;
use crate::view;
use crate::{Error, Result};

pub fn run(config: &Config, args: &SearchArgs) -> Result<u8> {
    if !config.no_cache {
        let mut buf = Vec::new();
        if let Some(index) = config.sources.index(&mut buf)? {
            for p in &index.problems {
                eprintln!("{p}");
            }
            return indexed(&index, config, args);
        }
        let mut buf = Vec::new();
        if let Some(merged) = config.sources.merged(&mut buf, args.filter.json)? {
            for p in &merged.catalogue.problems {
                eprintln!("{p}");
            }
            return find(&merged.catalogue, Some(&merged.fields), config, args);
        }
    }
    find(&super::load(config)?, None, config, args)
}

fn parse_query(args: &SearchArgs) -> Result<Query> {
    let query = Query::parse(&args.query);
    if query.terms.is_empty() {
        return Err(Error::usage(
            "the query has no words to look for: try `apicat search urssaf`",
        ));
    }
    Ok(query)
}

fn no_match(cat: &Catalogue, config: &Config, args: &SearchArgs) -> Error {
    let q = sanitize_line(&args.query.join(" "));
    let mut what = format!("no API matches \"{q}\"");
    let s = &config.sources;
    if s.folder.is_none() && s.snapshot.is_none() {
        what.push_str("\n(`apicat update` fetches the whole catalogue)");
    }
    nothing_matches(cat, &args.filter, what)
}

fn find(
    cat: &Catalogue,
    fields: Option<&[Fields<'_>]>,
    config: &Config,
    args: &SearchArgs,
) -> Result<u8> {
    let query = parse_query(args)?;
    let mut hits = search_in(&cat.entries, fields, &query, &filter_of(&args.filter));
    if let Some(n) = args.limit {
        hits.truncate(n);
    }
    if hits.is_empty() {
        return Err(no_match(cat, config, args));
    }
    if args.filter.json {
        return json(hits.iter().map(|h| (&cat.entries[h.index], h)));
    }
    let rows = hits
        .iter()
        .map(|h| (cat.entries[h.index].listing(), &h.marks[..]));
    emit(&view::table::entries(rows, &config.style))?;
    Ok(0)
}

/// Search on an index: entries are made only for the hits, unless a filter needs them all.
fn indexed(index: &Index, config: &Config, args: &SearchArgs) -> Result<u8> {
    let f = &args.filter;
    if f.theme.is_some() || f.producer.is_some() || f.access.is_some() {
        return find(&index.catalogue(f.json), Some(&index.fields), config, args);
    }
    let query = parse_query(args)?;
    let mut hits = rank(&index.candidates(), &query);
    if let Some(n) = args.limit {
        hits.truncate(n);
    }
    if hits.is_empty() {
        return Err(no_match(&Catalogue::default(), config, args));
    }
    if f.json {
        let entries: Vec<_> = hits.iter().map(|h| index.entry(h.index, true)).collect();
        return json(entries.iter().zip(&hits));
    }
    let rows = hits.iter().map(|h| (index.listing(h.index), &h.marks[..]));
    emit(&view::table::entries(rows, &config.style))?;
    Ok(0)
}

fn json<'a>(hits: impl Iterator<Item = (&'a Entry, &'a Hit)>) -> Result<u8> {
    let v: Vec<_> = hits
        .map(|(e, h)| {
            let mut o = view::json::summary(e);
            o["score"] = h.score.into();
            o
        })
        .collect();
    emit(&view::json::to_string(&serde_json::Value::Array(v)))?;
    Ok(0)
}
