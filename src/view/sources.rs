//! What the page says of an entry's source beyond the Markdown fields: the facts only a
//! data.gouv.fr dataservice gives, and the entries of the same API in other sources.

use crate::catalogue::Entry;

/// Extra rows of the facts panel: (key, value, whether the value is kept whole: one URL or
/// command).
pub fn facts(e: &Entry) -> Vec<(&'static str, String, bool)> {
    let mut rows = Vec::new();
    if let Some(d) = e.dataservice() {
        if let Some(u) = &d.business_documentation {
            rows.push(("Business docs", u.clone(), true));
        }
        if let Some(f) = &d.api_format {
            rows.push(("Format", f.clone(), false));
        }
        if let Some(l) = &d.license {
            rows.push(("Licence", l.clone(), false));
        }
        if let Some(a) = &d.access_type {
            rows.push(("Access type", format!("{a} (not known to apicat)"), false));
        }
        if let Some(u) = &d.web_url {
            rows.push(("Portal page", u.clone(), true));
        }
        if let Some(f) = &d.fetched {
            rows.push(("Fetched", f.clone(), false));
        }
    }
    for o in &e.elsewhere {
        let date = o
            .last_update
            .as_deref()
            .map_or_else(|| "undated".to_string(), |d| format!("updated {d}"));
        rows.push(("Also", format!("a {} entry, {date}:", o.source), false));
        // The command on a line of its own, never cut (a note below when too long), so that
        // it is copied whole.
        rows.push((
            "",
            format!("apicat show --source {} {}", o.source, o.slug),
            true,
        ));
    }
    rows
}
