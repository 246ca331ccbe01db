//! `apicat search`: entries ranked against words (ranking itself is the core's `search`).

use apicat_core::catalogue::{Catalogue, Entry};
use apicat_core::index::Index;
use apicat_core::search::{Fields, Hit, Query, rank, search_in};
use apicat_core::text::sanitize_line;

use super::{filter_of, format_of, no_result, nothing_matches};
use crate::app::Config;
use crate::cli::{Format, SearchArgs};
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

fn no_match(cat: &Catalogue, args: &SearchArgs) -> Error {
    let q = sanitize_line(&args.query.join(" "));
    nothing_matches(cat, &args.filter, format!("no API matches \"{q}\""))
}

fn find(
    cat: &Catalogue,
    fields: Option<&[Fields<'_>]>,
    config: &Config,
    args: &SearchArgs,
) -> Result<u8> {
    let query = parse_query(args)?;
    let format = format_of(config, args.filter.format, args.filter.json);
    let mut hits = search_in(&cat.entries, fields, &query, &filter_of(&args.filter));
    if let Some(n) = args.limit {
        hits.truncate(n as usize);
    }
    if hits.is_empty() {
        return no_result(format, no_match(cat, args));
    }
    let rows = || {
        hits.iter()
            .map(|h| (cat.entries[h.index].listing(), &h.marks[..]))
    };
    match format {
        Format::Json => json(hits.iter().map(|h| (&cat.entries[h.index], h))),
        Format::Table => table(rows(), config),
        Format::Tsv => emit(&view::table::entries_tsv(rows()))
            .map(|_| 0)
            .map_err(Into::into),
    }
}

/// Search on an index: entries are made only for the hits, unless a filter needs them all.
fn indexed(index: &Index, config: &Config, args: &SearchArgs) -> Result<u8> {
    let f = &args.filter;
    let format = format_of(config, f.format, f.json);
    if f.theme.is_some() || f.producer.is_some() || f.access.is_some() || f.france_connect {
        let cat = index.catalogue(format == Format::Json);
        return find(&cat, Some(&index.fields), config, args);
    }
    let query = parse_query(args)?;
    let mut hits = rank(&index.candidates(), &query);
    if let Some(n) = args.limit {
        hits.truncate(n as usize);
    }
    if hits.is_empty() {
        return no_result(format, no_match(&Catalogue::default(), args));
    }
    let rows = || hits.iter().map(|h| (index.listing(h.index), &h.marks[..]));
    match format {
        Format::Json => {
            let entries: Vec<_> = hits.iter().map(|h| index.entry(h.index, true)).collect();
            json(entries.iter().zip(&hits))
        }
        Format::Table => table(rows(), config),
        Format::Tsv => emit(&view::table::entries_tsv(rows()))
            .map(|_| 0)
            .map_err(Into::into),
    }
}

fn table<'a>(
    rows: impl Iterator<Item = (apicat_core::catalogue::Listing<'a>, &'a [String])>,
    config: &Config,
) -> Result<u8> {
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
