//! Where the entry points: its links, contact, producer and partners.

use super::{Review, Severity, is_email, is_url};
use crate::catalogue::keys;
use crate::catalogue::markdown::scalar_text;

pub(super) fn review(r: &mut Review) {
    for key in keys::links() {
        if let Some(v) = r.get(key).and_then(scalar_text)
            && !is_url(&v)
        {
            r.say(
                Some(key),
                Severity::Error,
                format!("{key}: `{v}` is not a URL (https://…)"),
            );
        }
    }
    if let Some(v) = r.get("doc_tech_link").and_then(scalar_text)
        && !is_url(&v)
        && !v.starts_with('/')
    {
        r.say(
            Some("doc_tech_link"),
            Severity::Error,
            format!("doc_tech_link: `{v}` is neither a URL nor a path on api.gouv.fr"),
        );
    }
    if r.get("doc_tech_link").is_none() && r.get("doc_tech_external").is_none() {
        r.say(
            None,
            Severity::Warning,
            "no technical documentation: add doc_tech_link or doc_tech_external".into(),
        );
    }
    if let Some(c) = &r.e.contact_link
        && !is_url(c)
        && !is_email(c)
    {
        let several = c
            .split([',', ';', ' '])
            .filter(|p| !p.is_empty())
            .all(is_email);
        if several {
            r.say(
                Some("contact_link"),
                Severity::Warning,
                format!("contact_link holds several addresses (`{c}`); the site expects one"),
            );
        } else {
            r.say(
                Some("contact_link"),
                Severity::Error,
                format!("contact_link: `{c}` is neither a URL nor an e-mail address"),
            );
        }
    }
    if r.cat.producers_known {
        if let Some(p) = &r.e.producer
            && !r.cat.producers.contains_key(p)
        {
            let near = crate::text::suggestions(p, r.cat.producers.keys().map(String::as_str), 1);
            let hint = near
                .first()
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            r.say(
                Some("producer"),
                Severity::Error,
                format!("producer `{p}` is not in producteurs/{hint}"),
            );
        }
        for p in &r.e.partners {
            let slug_like = !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
            if slug_like && !r.cat.producers.contains_key(p) {
                r.say(
                    Some("partners"),
                    Severity::Warning,
                    format!("partner `{p}` looks like a producer slug but is not in producteurs/"),
                );
            }
        }
    }
}
