//! `apicat list`: every API of the catalogue, filtered.

use apicat_core::catalogue::Catalogue;
use apicat_core::index::Want;

use super::{filter_of, format_of, no_result, nothing_matches};
use crate::Result;
use crate::app::Config;
use crate::cli::{Format, ListArgs};
use crate::term::emit;
use crate::view;

pub fn run(config: &Config, args: &ListArgs) -> Result<u8> {
    if !config.no_cache {
        let mut buf = Vec::new();
        if let Some(index) = config.sources.index(&mut buf, Want::Listing)? {
            for p in &index.problems {
                eprintln!("{p}");
            }
            return print(
                &index.catalogue(args.filter.json || args.filter.format == Some(Format::Json)),
                config,
                args,
            );
        }
        let mut buf = Vec::new();
        if let Some(merged) = config
            .sources
            .merged(&mut buf, args.filter.json, Want::Listing)?
        {
            return print(&merged.catalogue, config, args);
        }
    }
    let cat = config.sources.load_summaries()?;
    for p in &cat.problems {
        eprintln!("{p}");
    }
    print(&cat, config, args)
}

fn print(cat: &Catalogue, config: &Config, args: &ListArgs) -> Result<u8> {
    let filter = filter_of(&args.filter);
    let format = format_of(config, args.filter.format, args.filter.json);
    let limit = args.limit.map_or(usize::MAX, |n| n as usize);
    let rows: Vec<_> = cat
        .entries
        .iter()
        .filter(|e| filter.matches(e))
        .take(limit)
        .collect();
    if rows.is_empty() {
        let why = nothing_matches(cat, &args.filter, "no API matches these filters".into());
        return no_result(format, why);
    }
    let listings = || rows.iter().map(|e| (e.listing(), &[][..]));
    match format {
        Format::Json => {
            let v: Vec<_> = rows.iter().map(|e| view::json::summary(e)).collect();
            emit(&view::json::to_string(&serde_json::Value::Array(v)))?;
        }
        Format::Table => emit(&view::table::entries(listings(), &config.style))?,
        Format::Tsv => emit(&view::table::entries_tsv(listings()))?,
    }
    Ok(0)
}
