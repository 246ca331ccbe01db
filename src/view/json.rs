//! JSON output for scripts: stable field names.

use serde_json::{Value, json};

use crate::catalogue::Entry;

/// The summary object of an entry, as printed by `list --json` and `search --json`.
pub fn summary(e: &Entry) -> Value {
    json!({
        "slug": e.slug,
        "title": e.title,
        "tagline": e.tagline,
        "producer": e.producer_display(),
        "producer_slug": e.producer,
        "access": e.access.name(),
        "themes": e.themes,
        "keywords": e.keywords,
        "source": e.origin.kind(),
    })
}

/// Pretty JSON followed by a newline.
pub fn to_string(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_else(|_| "null".into());
    s.push('\n');
    s
}
