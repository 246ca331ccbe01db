//! What the file is made of: characters, value shapes, size, and keys the format does not have.

use serde_yaml::Value;

use super::{Review, Severity};
use crate::catalogue::folder::latin_lookalike;
use crate::catalogue::keys::{self, Kind};
use crate::catalogue::markdown::scalar_text;
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
    look_alikes(r);
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

/// Words of the title, tagline or keywords that mix Latin letters with Cyrillic or Greek ones
/// drawn alike (`Аpi`, its `А` Cyrillic): they read as the Latin word, yet no search for it
/// finds them, and a copy of an entry could pass for it.
fn look_alikes(r: &mut Review) {
    let mut found = Vec::new();
    for key in ["title", "tagline", "keywords"] {
        let texts: Vec<String> = match r.get(key) {
            Some(Value::Sequence(items)) => items.iter().filter_map(scalar_text).collect(),
            Some(v) => scalar_text(v).into_iter().collect(),
            None => Vec::new(),
        };
        for text in &texts {
            for word in text.split(|c: char| !c.is_alphanumeric()) {
                let folded = crate::text::fold(word);
                let latin = folded.chars().any(|c| c.is_ascii_alphabetic());
                let alike: Vec<char> = word
                    .chars()
                    .filter(|&c| {
                        crate::text::fold(&c.to_string())
                            .chars()
                            .any(|f| latin_lookalike(f).is_some())
                    })
                    .collect();
                if latin && !alike.is_empty() {
                    let codes: Vec<String> = alike
                        .iter()
                        .map(|c| format!("U+{:04X}", *c as u32))
                        .collect();
                    let reads: String = folded
                        .chars()
                        .map(|c| latin_lookalike(c).unwrap_or(c))
                        .collect();
                    found.push((
                        key,
                        format!(
                            "`{}` in {key} mixes Latin letters with Cyrillic or Greek ones drawn alike ({}): it reads as `{reads}` but no search for that finds it; write it in Latin letters",
                            crate::text::sanitize_line(word),
                            codes.join(", ")
                        ),
                    ));
                }
            }
        }
    }
    for (key, message) in found {
        r.say(Some(key), Severity::Warning, message);
    }
}
