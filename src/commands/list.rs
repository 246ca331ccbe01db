//! `apicat list`: every API of the catalogue, filtered.

use apicat_core::catalogue::Catalogue;

use super::{filter_of, nothing_matches};
use crate::Result;
use crate::app::Config;
use crate::cli::ListArgs;
use crate::term::emit;
use crate::view;

pub fn run(config: &Config, args: &ListArgs) -> Result<u8> {
    if !config.no_cache {
        let mut buf = Vec::new();
        if let Some(index) = config.sources.index(&mut buf)? {
            for p in &index.problems {
                eprintln!("{p}");
            }
            return print(&index.catalogue(args.filter.json), config, args);
        }
        let mut buf = Vec::new();
        if let Some(merged) = config.sources.merged(&mut buf, args.filter.json)? {
            return print(&merged.catalogue, config, args);
        }
    }
    print(&super::load(config)?, config, args)
}

fn print(cat: &Catalogue, config: &Config, args: &ListArgs) -> Result<u8> {
    let filter = filter_of(&args.filter);
    let rows: Vec<_> = cat.entries.iter().filter(|e| filter.matches(e)).collect();
    if rows.is_empty() {
        return Err(nothing_matches(
            cat,
            &args.filter,
            "no API matches these filters".into(),
        ));
    }
    if args.filter.json {
        let v: Vec<_> = rows.iter().map(|e| view::json::summary(e)).collect();
        emit(&view::json::to_string(&serde_json::Value::Array(v)))?;
    } else {
        emit(&view::table::entries(
            rows.iter().map(|e| (e.listing(), &[][..])),
            &config.style,
        ))?;
    }
    Ok(0)
}
