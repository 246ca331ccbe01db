//! Eligibility answers: one API's verdict page, and the catalogue-wide table.

use comfy_table::{
    Cell, Color, ColumnConstraint, ContentArrangement, LineStyle, Table, TableStyle, presets,
};
use serde_json::{Value, json};
use unicode_width::UnicodeWidthStr;

use crate::catalogue::Entry;
use crate::eligibility::{Answer, Basis, NextStep, Verdict};
use crate::term::{BOLD, RESET, Style};
use crate::view::page::{Renderer, escape, hyperlinks};

const RULED: TableStyle =
    presets::NOTHING.header_separator(LineStyle::none().fill('─').junction('─'));

/// Each verdict's colour: green, yellow, red, dim; as a table cell's and as a sequence.
fn hue(v: Verdict) -> (Color, &'static str) {
    match v {
        Verdict::Eligible => (Color::Green, "\x1b[1;32m"),
        Verdict::UnderConditions => (Color::Yellow, "\x1b[1;33m"),
        Verdict::NotEligible => (Color::Red, "\x1b[1;31m"),
        Verdict::NotStated => (Color::DarkGrey, "\x1b[2m"),
    }
}

fn coloured(v: Verdict, style: &Style) -> String {
    if !style.color {
        return v.words().to_string();
    }
    format!("{}{}{RESET}", hue(v).1, v.words())
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

/// The catalogue-wide table: one row per API, best verdict first. Request links too long for
/// their column become notes below, printed whole.
pub fn table(rows: &[(&Entry, Answer)], style: &Style) -> String {
    // Titles only where there is room for them beside the links.
    let with_title = style.width >= 120;
    let mut table = Table::new();
    table
        .load_style(RULED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(u16::try_from(style.width).unwrap_or(u16::MAX));
    if with_title {
        table.set_header(["SLUG", "TITLE", "VERDICT", "NEXT STEP"]);
    } else {
        table.set_header(["SLUG", "VERDICT", "NEXT STEP"]);
    }
    if style.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    let longest_slug = rows
        .iter()
        .map(|(e, _)| e.slug.width())
        .max()
        .unwrap_or(0)
        .min(24);
    let title_room = if with_title { 40 } else { 0 };
    let limit = style
        .width
        .saturating_sub(longest_slug + title_room + "eligible under conditions".len() + 8)
        .max(20);
    let mut notes = Vec::new();
    for (e, a) in rows {
        let mut next = a.next.words().to_string();
        if a.next.url().is_some() && next.width() > limit {
            notes.push(next);
            next = format!("[{}]", notes.len());
        }
        let colour = hue(a.verdict).0;
        let mut row = vec![Cell::new(&e.slug)];
        if with_title {
            row.push(Cell::new(&e.title));
        }
        row.push(Cell::new(a.verdict.words()).fg(colour));
        row.push(Cell::new(next));
        table.add_row(row);
    }
    let last = if with_title { 3 } else { 2 };
    if let Some(c) = table.column_mut(last) {
        c.set_constraint(ColumnConstraint::ContentWidth);
    }
    let mut out = String::new();
    for line in table.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    for (i, n) in notes.iter().enumerate() {
        out.push_str(&format!("[{}] {n}\n", i + 1));
    }
    out
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
