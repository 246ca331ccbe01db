//! Eligibility answers: one API's verdict page, and the catalogue-wide table.

use std::borrow::Cow;

use serde_json::{Value, json};
use unicode_width::UnicodeWidthStr;

use crate::catalogue::Entry;
use crate::eligibility::{Answer, Basis, Matched, NextStep, Verdict};
use crate::markup::without_buttons;
use crate::term::{BOLD, RESET, Style};
use crate::text::sanitize_line;
use crate::view::page::{Renderer, escape, fit, hyperlinks, note};
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

/// One API's verdict for a profile, in sentences: the verdict, why (the access page's own
/// words), and one next step. `who` names the profile as the person gave it.
pub fn page(e: &Entry, who: &str, a: &Answer, style: &Style) -> String {
    let r = Renderer::new(style);
    let mut out = String::new();
    let title = if style.color {
        format!("{BOLD}{}{RESET}", e.title)
    } else {
        e.title.clone()
    };
    fit(&format!("{title} ({})", e.slug), r.width(), &mut out);
    let who = sanitize_line(who);
    let verdict = coloured(a.verdict, style);
    match &a.basis {
        Basis::OpenToAll(_) => {
            said(&format!("Anyone: {verdict}"), &r, &mut out);
            r.markdown("Open data: anyone may use it.", &mut out);
        }
        Basis::AccountOnly(m) => {
            said(&format!("As \"{who}\": {verdict}"), &r, &mut out);
            match m {
                Some(m) => described(&r, m, &mut out),
                None => r.markdown("Anyone may use it once an account is made.", &mut out),
            }
        }
        Basis::Rule(m) => {
            said(&format!("As \"{who}\": {verdict}"), &r, &mut out);
            described(&r, m, &mut out);
        }
        Basis::Others(m) => {
            said(&format!("As \"{who}\": {verdict}"), &r, &mut out);
            let text = format!(
                "The access page does not name you; for everyone else (\"{}\") it says:",
                sanitize_line(m.label)
            );
            r.markdown(&escape(&text), &mut out);
            r.markup(&without_buttons(&m.rule.description), &mut out);
        }
        Basis::Depends(found) => {
            said(&format!("As \"{who}\": {verdict}"), &r, &mut out);
            let mut text = String::from("It depends on which you are:\n\n");
            for m in found {
                text.push_str(&format!(
                    "- \"{}\": {}\n",
                    escape(&sanitize_line(m.label)),
                    Verdict::from_code(m.rule.is_eligible).words()
                ));
            }
            text.push_str(&format!(
                "\nFor one rule's details, name it: `--as \"{}\"`.",
                sanitize_line(found[0].label)
            ));
            r.markdown(&text, &mut out);
        }
        Basis::NotNamed(known) => {
            said(&format!("As \"{who}\": {verdict}"), &r, &mut out);
            let text = if known.is_empty() {
                "This entry's access page names no profile.".to_string()
            } else {
                format!(
                    "This entry's access page does not name \"{who}\". It names: {}.",
                    known
                        .iter()
                        .map(|l| format!("\"{}\"", sanitize_line(l)))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            r.markdown(&escape(&text), &mut out);
        }
    }
    r.markdown(&next_step(&a.next), &mut out);
    hyperlinks(out.trim_end().to_string() + "\n", style)
}

/// A line of the verdict, wrapped to the width, and a blank line.
fn said(line: &str, r: &Renderer, out: &mut String) {
    fit(line, r.width(), out);
    out.push('\n');
}

/// The matched rule's words, under the label they are for; its buttons become the next step.
fn described(r: &Renderer, m: &Matched, out: &mut String) {
    let text = format!("The access page says, for \"{}\":", sanitize_line(m.label));
    r.markdown(&escape(&text), out);
    r.markup(&without_buttons(&m.rule.description), out);
}

/// The one next step, as a sentence (Markdown).
pub fn next_step(next: &NextStep) -> String {
    let step = match next {
        NextStep::NoRequest => "no request needed: the data is open to everyone.".to_string(),
        NextStep::Request(u) => format!("ask for access at {}", escape(u)),
        NextStep::Instead(alts) => {
            let ways: Vec<String> = alts
                .iter()
                .map(|alt| match &alt.label {
                    Some(l) => format!("- {}: {}", escape(l), escape(&alt.url)),
                    None => format!("- write to the producer: {}", escape(&alt.url)),
                })
                .collect();
            format!("no request is possible. Instead:\n\n{}", ways.join("\n"))
        }
        NextStep::None => "no request is possible.".to_string(),
        NextStep::AskProducer(Some(c)) => format!(
            "the access page does not say; ask the producer at {}",
            escape(c)
        ),
        NextStep::AskProducer(None) => {
            "the access page does not say; ask the producer.".to_string()
        }
        NextStep::LinkNotGiven => {
            "ask the producer for access; the entry gives no request link.".to_string()
        }
    };
    format!("**Next step:** {step}")
}

/// Items in as many columns as fit in the width, filled down then across, each column as
/// wide as its widest item (as `ls` does); items wider than half the width follow, one a line.
pub fn columns(items: &[String], width: usize) -> String {
    const GAP: usize = 3;
    const INDENT: usize = 2;
    let (items, long): (Vec<String>, Vec<String>) = items
        .iter()
        .cloned()
        .partition(|i| i.width() + GAP + INDENT <= width / 2);
    let widths: Vec<usize> = items.iter().map(|i| i.width()).collect();
    let layout = |cols: usize| -> Option<(usize, Vec<usize>)> {
        let rows = items.len().div_ceil(cols);
        let col_widths: Vec<usize> = widths
            .chunks(rows)
            .map(|c| c.iter().copied().max().unwrap_or(0))
            .collect();
        let total = INDENT + col_widths.iter().sum::<usize>() + GAP * (col_widths.len() - 1);
        (total < width).then_some((rows, col_widths))
    };
    let (rows, col_widths) = (2..=items.len().clamp(2, 6))
        .rev()
        .find_map(layout)
        .unwrap_or_else(|| (items.len(), vec![0]));
    let mut out = String::new();
    for row in 0..rows {
        let mut line = " ".repeat(INDENT);
        for (col, w) in col_widths.iter().enumerate() {
            if let Some(item) = items.get(col * rows + row) {
                line.push_str(item);
                line.push_str(&" ".repeat((w + GAP).saturating_sub(item.width())));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    for l in long {
        out.push_str(&format!("{}{l}\n", " ".repeat(INDENT)));
    }
    out
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
        let prefix = if matches!(a.next, NextStep::Instead(_)) {
            "instead: "
        } else {
            ""
        };
        let mut next = a.next.words().to_string();
        let link = next.contains("://") || next.starts_with("mailto:");
        if let Some(room) = room
            && link
            && prefix.len() + table::width(&next) > room
        {
            notes.push(next);
            next = format!("[{}]", notes.len());
        }
        let next = format!("{prefix}{next}");
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
    let (mut grid, notes) = grid(rows, Some(style.width));
    // Too narrow for the verdict and next step whole, even without titles: they wrap between
    // words, and the next step is left out before the verdict.
    if !table::fits_whole(&grid, style.width, &[1]) {
        grid.whole = vec![true, false, false, false];
        grid.drop_order = vec![1, 3];
    }
    let (mut out, shown) = table::layout_shown(&grid, style);
    // Notes of a column left out would point nowhere.
    if shown[3] {
        for (i, n) in notes.iter().enumerate() {
            note(i + 1, n, style.width, &mut out);
        }
    }
    out
}

/// The catalogue-wide answer for a pipe: one row per API, tab-separated, links whole.
pub fn tsv(rows: &[(&Entry, Answer)]) -> String {
    table::tsv(&grid(rows, None).0)
}

/// A verdict as JSON, for both forms of the command.
pub fn json(e: &Entry, profile: Option<&str>, a: &Answer) -> Value {
    json!({
        "slug": e.slug,
        "title": e.title,
        "profile": profile,
        "audience": a.audience.map(|a| a.key()),
        "matched_label": a.label(),
        "verdict": a.verdict.words(),
        "next_step_url": a.next.url(),
        "no_request_needed": a.next == NextStep::NoRequest,
    })
}
