//! `apicat show`: one API's whole page, or its entry as JSON.

use crate::Result;
use crate::app::Config;
use crate::cli::ShowArgs;
use crate::term::{emit, page_or_print};
use crate::view;

pub fn run(config: &Config, args: &ShowArgs) -> Result<u8> {
    let e = super::one_entry(config, &args.name)?;
    let e = &e;
    if args.json {
        emit(&view::json::to_string(&view::json::entry(e)))?;
    } else {
        page_or_print(
            &view::page::page(e, &config.style),
            &config.style,
            !args.no_pager,
        )?;
    }
    Ok(0)
}
