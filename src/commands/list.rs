//! `apicat list`: every API of the catalogue, filtered.

use apicat_core::catalogue::Served;
use apicat_core::index::Want;

use super::{filter_of, format_of, no_result, nothing_matches};
use crate::Result;
use crate::app::Config;
use crate::cli::{Format, ListArgs};
use crate::term::emit;
use crate::view;

pub fn run(config: &Config, args: &ListArgs) -> Result<u8> {
    if !config.no_cache {
        let mut buf = apicat_core::index::Buf::default();
        if let Some(index) = config.sources.index(&mut buf, Want::Listing)? {
            for p in &index.problems {
                eprintln!("{p}");
            }
            return print(&index, config, args);
        }
        let mut buf = apicat_core::index::Buf::default();
        if let Some(merged) = config.sources.merged(&mut buf, Want::Listing)? {
            for p in &merged.local.problems {
                eprintln!("{p}");
            }
            return print(&merged, config, args);
        }
    }
    let cat = config.sources.load_summaries()?;
    for p in &cat.problems {
        eprintln!("{p}");
    }
    print(&cat, config, args)
}

/// Prints the entries that pass the filters; each entry is made only for JSON or a filter.
fn print(served: &dyn Served, config: &Config, args: &ListArgs) -> Result<u8> {
    let filter = filter_of(&args.filter);
    let format = format_of(config, args.filter.format, args.filter.json);
    let limit = args.limit.map_or(usize::MAX, |n| n as usize);
    let rows: Vec<usize> = (0..served.len())
        .filter(|&at| served.passes(at, &filter))
        .take(limit)
        .collect();
    if rows.is_empty() {
        let why = nothing_matches(served, &args.filter, "no API matches these filters".into());
        return no_result(format, why);
    }
    let listings = || rows.iter().map(|&at| served.listing(at));
    match format {
        Format::Json => {
            let v: Vec<_> = rows
                .iter()
                .map(|&at| view::json::summary(&served.entry(at, true)))
                .collect();
            emit(&view::json::to_string(&serde_json::Value::Array(v)))?;
        }
        Format::Table => emit(&view::table::entries(listings(), Vec::new(), &config.style))?,
        Format::Tsv => emit(&view::table::entries_tsv(listings()))?,
    }
    Ok(0)
}
