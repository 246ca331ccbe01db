//! `apicat show`: one API's whole page, or its entry as JSON.

use std::collections::HashSet;

use super::{entry_named, load_for};
use crate::Result;
use crate::app::Config;
use crate::cli::ShowArgs;
use crate::term::{emit, page_or_print};
use crate::view;

pub fn run(config: &Config, args: &ShowArgs) -> Result<u8> {
    // With a snapshot, the entry may be one line of it; without, its file alone is read.
    let (e, known): (_, HashSet<String>) = if config.sources.snapshot.is_some() {
        (super::one_entry(config, &args.name)?, HashSet::new())
    } else {
        let cat = load_for(config, &args.name)?;
        let e = entry_named(&cat, &args.name)?.clone();
        (e, cat.entries.iter().map(|e| e.slug.clone()).collect())
    };
    let e = &e;
    if args.json {
        emit(&view::json::to_string(&view::json::entry(e)))?;
    } else {
        page_or_print(
            &view::page::page(e, &config.style, &known),
            &config.style,
            !args.no_pager,
        )?;
    }
    Ok(0)
}
