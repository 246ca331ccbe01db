//! The table of APIs printed by `list` and `search`.

use comfy_table::{ColumnConstraint, ContentArrangement, LineStyle, Table, TableStyle, presets};

use crate::catalogue::Entry;
use crate::term::{Style, highlight};

/// One header rule under the column names, and nothing else.
const RULED: TableStyle =
    presets::NOTHING.header_separator(LineStyle::none().fill('─').junction('─'));

/// A table of entries (slug, title, producer, access, themes) fitted to the width. Slugs are
/// kept whole when they fit, since people copy them into the next command.
pub fn entries<'a>(
    rows: impl IntoIterator<Item = (&'a Entry, &'a [String])>,
    style: &Style,
) -> String {
    let mut table = Table::new();
    table
        .load_style(RULED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(u16::try_from(style.width).unwrap_or(u16::MAX))
        .set_header(["SLUG", "TITLE", "PRODUCER", "ACCESS", "THEMES"]);
    if style.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    let mut longest_slug = 0;
    let mut all_marks: Vec<String> = Vec::new();
    for (e, marks) in rows {
        all_marks.extend(marks.iter().cloned());
        longest_slug = longest_slug.max(e.slug.chars().count());
        table.add_row([
            e.slug.clone(),
            e.title.clone(),
            e.producer_short().unwrap_or_default(),
            e.access.name().to_string(),
            e.themes.join(", "),
        ]);
    }
    all_marks.sort();
    all_marks.dedup();
    if longest_slug + 2 <= style.width / 2
        && let Some(c) = table.column_mut(0)
    {
        c.set_constraint(ColumnConstraint::ContentWidth);
    }
    // Matched words are coloured once the table is laid out, so widths stay exact.
    let mut out = String::new();
    for (i, line) in table.lines().enumerate() {
        let line = line.trim_end();
        if style.color && i > 1 && !all_marks.is_empty() {
            out.push_str(&highlight(line, &all_marks));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}
