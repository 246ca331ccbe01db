//! Eligibility answers: one API's verdict page, and the catalogue-wide table.

use std::borrow::Cow;

use serde_json::{Value, json};

use crate::catalogue::Entry;
use crate::eligibility::{Answer, Basis, NextStep, Verdict};
use crate::term::{BOLD, RESET, Style};
use crate::view::page::{Renderer, escape, hyperlinks};
use crate::view::table::{self, Grid};

/// Each verdict's colour: green, yellow, red, dim.
fn hue(v: Verdict) -> &'static str {
    match v {
        Verdict::Eligible => "\x1b[1;32m",
        Verdict::UnderConditions => "\x1b[1;33m",
        Verdict::NotEligible => "\x1b[1;31m",
        Verdict::NotStated => "\x1b[2m",
    }
}

fn coloured(v: Verdict, style: &Style) -> String {
    if !style.color {
        return v.words().to_string();
    }
    format!("{}{}{RESET}", hue(v), v.words())
}

/// One API's verdict for a profile: the verdict, the rendered description, the next step.
pub fn page(e: &Entry, profile: &str, a: &Answer, style: &Style) -> String {
    let r = Renderer::new(style);
    let mut out = String::new();
    let title = if style.color {
        format!("{BOLD}{}{RESET}", e.title)
    } else {
        e.title.clone()
    };
    out.push_str(&format!("{title} ({})\n", e.slug));
    let who = a.label().unwrap_or(profile);
    out.push_str(&format!("As \"{who}\": {}\n\n", coloured(a.verdict, style)));
    match &a.basis {
        Basis::OpenToAll(_) => r.markdown("Open data: anyone may use it.", &mut out),
        Basis::AccountOnly(None) => {
            r.markdown("Anyone may use it once an account is made.", &mut out)
        }
        Basis::AccountOnly(Some(m)) | Basis::Rule(m) => r.markup(&m.rule.description, &mut out),
        Basis::NotNamed(known) => {
            let text = if known.is_empty() {
                "This entry's access page names no profile.".to_string()
            } else {
                format!(
                    "This entry's access page does not name this profile. It names: {}.",
                    known.join(", ")
                )
            };
            r.markdown(&escape(&text), &mut out);
        }
    }
    let next = a.next.words();
    r.markdown(&format!("**Next step:** {}", escape(next)), &mut out);
    hyperlinks(out.trim_end().to_string() + "\n", style)
}

/// The catalogue-wide answer as rows: slug, title, verdict, next step. Request links too long
/// for the table's width become notes `[n]`, printed whole below it.
fn grid<'a>(rows: &'a [(&Entry, Answer)], width: Option<usize>) -> (Grid<'a>, Vec<String>) {
    let slug_w = rows
        .iter()
        .map(|(e, _)| table::width(&e.slug))
        .max()
        .unwrap_or(0);
    let verdict_w = "eligible under conditions".len();
    let room = width.map(|w| w.saturating_sub(slug_w + verdict_w + 6).max(12));
    let mut notes = Vec::new();
    let mut cells = Vec::new();
    for (e, a) in rows {
        let mut next = a.next.words().to_string();
        if let Some(room) = room
            && a.next.url().is_some()
            && table::width(&next) > room
        {
            notes.push(next);
            next = format!("[{}]", notes.len());
        }
        cells.push(vec![
            Cow::Borrowed(e.slug.as_str()),
            Cow::Borrowed(e.title.as_str()),
            Cow::Borrowed(a.verdict.words()),
            Cow::Owned(next),
        ]);
    }
    let grid = Grid {
        header: vec!["SLUG", "TITLE", "VERDICT", "NEXT STEP"],
        rows: cells,
        whole: vec![true, false, true, true],
        drop_order: vec![1],
        paint: Some(&paint),
        marks: Vec::new(),
    };
    (grid, notes)
}

/// The verdict column's colour.
fn paint(col: usize, text: &str) -> Option<&'static str> {
    let v = [
        Verdict::Eligible,
        Verdict::UnderConditions,
        Verdict::NotEligible,
        Verdict::NotStated,
    ]
    .into_iter()
    .find(|v| v.words() == text)?;
    (col == 2).then(|| hue(v))
}

/// The catalogue-wide table: one row per API, best verdict first.
pub fn table(rows: &[(&Entry, Answer)], style: &Style) -> String {
    let (grid, notes) = grid(rows, Some(style.width));
    let mut out = table::layout(&grid, style);
    for (i, n) in notes.iter().enumerate() {
        out.push_str(&format!("[{}] {n}\n", i + 1));
    }
    out
}

/// The catalogue-wide answer for a pipe: one row per API, tab-separated, links whole.
pub fn tsv(rows: &[(&Entry, Answer)]) -> String {
    table::tsv(&grid(rows, None).0)
}

/// A verdict as JSON, for both forms of the command.
pub fn json(e: &Entry, profile: &str, a: &Answer) -> Value {
    json!({
        "slug": e.slug,
        "title": e.title,
        "profile": profile,
        "matched_label": a.label(),
        "verdict": a.verdict.words(),
        "next_step_url": a.next.url(),
        "no_request_needed": a.next == NextStep::NoRequest,
    })
}
