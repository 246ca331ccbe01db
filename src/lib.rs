//! apicat: explore the catalogue of French public APIs offline.
//!
//! The core (`apicat-core`, re-exported here) is pure and knows nothing of terminals; `view`
//! and `term` turn its answers into output; `app` turns a parsed command line into a
//! configuration and runs one of the `commands`. docs/architecture.md maps every module.

pub use apicat_core::{Error, Result, catalogue, check, eligibility, index, markup, search, text};

pub mod app;
pub mod bundled;
pub mod cli;
pub mod commands;
pub mod complete;
pub mod net;
pub mod term;
pub mod view;
