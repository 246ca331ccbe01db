//! The core of apicat: the catalogue model and its sources, markup conversion, search,
//! eligibility and the checks of `apicat check`. Pure: it takes data and returns data, and
//! knows nothing of terminals (the `apicat` crate's `view` and `term` do).

pub mod catalogue;
pub mod check;
pub mod eligibility;
pub mod error;
pub mod index;
pub mod mapped;
pub mod markup;
pub mod parallel;
pub mod search;
pub mod text;

pub use error::{Error, Result};
