//! The bundled catalogue, embedded by build.rs: each entry's file with its front matter
//! already converted to JSON, and the index `list` and `search` read (the same format as the
//! index cache of directories, made by the same code).
include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
