//! apicat: explore the catalogue of French public APIs (api.gouv.fr format) offline.
//!
//! The core (`catalogue`, `search`, `text`) is pure and knows nothing of terminals; `view`
//! and `term` turn its answers into output; `app` runs a parsed command line.

pub mod app;
mod bundled;
pub mod cache;
pub mod catalogue;
pub mod check;
pub mod cli;
pub mod complete;
pub mod eligibility;
pub mod markup;
pub mod search;
pub mod term;
pub mod text;
pub mod view;
