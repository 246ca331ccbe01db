//! What the file is made of: characters, value shapes, size, and keys the format does not have.

use serde_yaml::Value;

use super::{Review, Severity};
use crate::catalogue::keys::{self, Kind};
use crate::text::edit_distance;

pub(super) fn review(r: &mut Review) {
    for &(line, col, c) in &r.src.unsafe_chars {
        let (severity, what, done) = if c.is_control() {
            (Severity::Error, "a control character", "shows it escaped")
        } else if matches!(c, '\u{2028}' | '\u{2029}') {
            (Severity::Warning, "a line separator", "breaks the line")
        } else {
            (Severity::Warning, "an invisible character", "leaves it out")
        };
        r.at_col(
            line,
            col,
            severity,
            format!(
                "{what} (U+{:04X}) in the text: apicat {done}; remove it",
                c as u32
            ),
        );
    }
    if r.src.unsafe_more > 0 {
        let n = r.src.unsafe_more;
        let (line, col, severity, what) = match r.src.unsafe_more_control {
            Some((l, c, ch)) => (
                l,
                c,
                Severity::Error,
                format!(
                    ", control characters among them (the first, U+{:04X}, here)",
                    ch as u32
                ),
            ),
            None => {
                let (l, c, _) = r.src.unsafe_chars.last().copied().unwrap_or((1, 1, ' '));
                (l, c, Severity::Warning, String::new())
            }
        };
        r.at_col(
            line,
            col,
            severity,
            format!(
                "{n} more hidden or control characters after the first {} listed{what}; remove them",
                r.src.unsafe_chars.len()
            ),
        );
    }
    let text_keys = keys::KEYS
        .iter()
        .filter(|(_, k)| matches!(k, Kind::Text | Kind::Link))
        .map(|(k, _)| *k);
    for key in text_keys {
        if let Some(v @ (Value::Sequence(_) | Value::Mapping(_))) = r.get(key) {
            let what = if matches!(v, Value::Sequence(_)) {
                "a list"
            } else {
                "a mapping"
            };
            r.at(
                r.src.line_of(key),
                Severity::Error,
                format!("{key} should be text, not {what}"),
            );
        }
    }
    let list_keys = keys::KEYS
        .iter()
        .filter(|(_, k)| *k == Kind::List)
        .map(|(k, _)| *k);
    for key in list_keys {
        if let Some(Value::Mapping(_)) = r.get(key) {
            r.at(
                r.src.line_of(key),
                Severity::Error,
                format!("{key} should be a list, not a mapping"),
            );
        }
    }
    if r.e.body.trim().is_empty() && r.e.content_intro.is_none() {
        r.say(
            None,
            Severity::Warning,
            "empty body: the page will have no description".into(),
        );
    }
    for (k, _) in &r.src.key_lines {
        if keys::names().any(|known| known == k) || !r.src.front.contains_key(k.as_str()) {
            continue;
        }
        if let Some(near) = keys::names().find(|known| {
            let d = edit_distance(k, known);
            d > 0 && d <= 2 && k.len() > 3
        }) {
            r.say(
                Some(k),
                Severity::Warning,
                format!("unknown key `{k}`; did you mean `{near}`?"),
            );
        }
    }
}
