//! Front ends: each turns core data into one kind of output.

pub mod json;
pub mod page;
pub mod questionnaire;
pub mod sources;
pub mod table;
pub mod verdict;
