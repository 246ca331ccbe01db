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

/// A YAML value as JSON; keys that are not strings are written as text.
pub fn from_yaml(v: &serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(*b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into()
            } else if let Some(u) = n.as_u64() {
                u.into()
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s.clone()),
        Y::Sequence(items) => Value::Array(items.iter().map(from_yaml).collect()),
        Y::Mapping(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let key =
                        crate::catalogue::markdown::scalar_text(k).unwrap_or_else(|| "null".into());
                    (key, from_yaml(v))
                })
                .collect(),
        ),
        Y::Tagged(t) => from_yaml(&t.value),
    }
}

/// The whole entry, as printed by `show --json`.
pub fn entry(e: &Entry) -> Value {
    json!({
        "slug": e.slug,
        "source": { "kind": e.origin.kind(), "path": e.path },
        "title": e.title,
        "producer": e.producer_display(),
        "access": e.access.name(),
        "last_update": e.last_update_iso,
        "front_matter": e.markdown().map_or(Value::Object(Default::default()), |m| {
            from_yaml(&serde_yaml::Value::Mapping(m.front.clone()))
        }),
        "dataservice": e.dataservice().map(|d| d.raw.clone()),
        "elsewhere": e.elsewhere.iter().map(|o| json!({
            "source": o.source, "slug": o.slug, "last_update": o.last_update,
        })).collect::<Vec<_>>(),
        "body": e.body,
        "body_markdown": crate::bundled::to_markdown(&e.body),
        "content_intro_markdown": e.content_intro.as_deref().map(crate::bundled::to_markdown),
    })
}

/// Pretty JSON followed by a newline.
pub fn to_string(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_else(|_| "null".into());
    s.push('\n');
    s
}
