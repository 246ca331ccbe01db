//! Front ends: each turns core data into one kind of output.

pub mod json;
pub mod table;
