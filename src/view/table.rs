//! apicat's own result tables (`list`, `search`, catalogue-wide `eligible`): columns fitted to
//! the terminal, or tab-separated rows for a pipe.
//!
//! On a terminal the slug, what a person types next, is never broken: it keeps its whole
//! width. Other columns wrap only between words (never inside a word or a header), sized by
//! their content; when the terminal is too narrow for every column, the least needed
//! columns are left out, and a line under the table says which. Laying out is linear in the
//! size of the text. It is done here rather than with comfy-table: a search lists up to the
//! whole catalogue, and this plain layout costs a tenth of comfy-table's general one.

use std::borrow::Cow;

use unicode_width::UnicodeWidthStr;

use crate::catalogue::Listing;
use crate::term::{Style, highlight};

/// The colour of a cell, by its column and text.
pub type Paint = dyn Fn(usize, &str) -> Option<&'static str>;

/// A table to lay out: a header, rows of cells, and how each column behaves.
pub struct Grid<'a> {
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<Cow<'a, str>>>,
    /// Columns never wrapped (the slug; short fixed words).
    pub whole: Vec<bool>,
    /// Columns to leave out first when the width is short, least needed first.
    pub drop_order: Vec<usize>,
    /// A colour for a cell, put on once the layout is done.
    pub paint: Option<&'a Paint>,
    /// Words to highlight in the body.
    pub marks: Vec<String>,
}

const HEADER: [&str; 5] = ["SLUG", "TITLE", "PRODUCER", "ACCESS", "THEMES"];

/// The rows of `list` and `search`, with the words a search highlights.
pub fn entries_grid<'a>(
    rows: impl IntoIterator<Item = Listing<'a>>,
    marks: Vec<String>,
) -> Grid<'a> {
    let mut cells = Vec::new();
    for l in rows {
        cells.push(vec![
            l.slug,
            l.title,
            l.producer,
            Cow::Borrowed(l.access.name()),
            l.themes,
        ]);
    }
    Grid {
        header: HEADER.to_vec(),
        rows: cells,
        whole: vec![true, false, false, true, false],
        drop_order: vec![4, 2, 3, 1],
        paint: None,
        marks,
    }
}

/// `list` and `search` as a table at the style's width.
pub fn entries<'a>(
    rows: impl IntoIterator<Item = Listing<'a>>,
    marks: Vec<String>,
    style: &Style,
) -> String {
    layout(&entries_grid(rows, marks), style)
}

/// `list` and `search` for a pipe: one row per line, tab-separated, no header, no colour.
pub fn entries_tsv<'a>(rows: impl IntoIterator<Item = Listing<'a>>) -> String {
    let mut out = String::new();
    for l in rows {
        tsv_row(
            &mut out,
            [
                &*l.slug,
                &*l.title,
                &*l.producer,
                l.access.name(),
                &*l.themes,
            ],
        );
    }
    out
}

/// One row per line, cells separated by tabs; tabs and line breaks inside a cell become
/// spaces.
pub fn tsv(grid: &Grid) -> String {
    let mut out = String::new();
    for row in &grid.rows {
        tsv_row(&mut out, row.iter().map(|c| &**c));
    }
    out
}

fn tsv_row<'c>(out: &mut String, cells: impl IntoIterator<Item = &'c str>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        if cell.bytes().any(|b| matches!(b, b'\t' | b'\n' | b'\r')) {
            out.extend(cell.chars().map(|c| match c {
                '\t' | '\n' | '\r' => ' ',
                c => c,
            }));
        } else {
            out.push_str(cell);
        }
    }
    out.push('\n');
}

/// The narrowest the first column gets before other columns are left out.
const SPILL_FLOOR: usize = 16;

/// Spaces between two columns.
const GAP: usize = 2;

/// A word wider than this does not widen its column: it is cut there, so that one huge word
/// does not push every other column out.
const LONGEST_WORD: usize = 30;

/// Display width in terminal columns.
pub fn width(s: &str) -> usize {
    if s.is_ascii() { s.len() } else { s.width() }
}

/// The widest word of a text: the narrowest a column holding it can be.
fn widest_word(s: &str) -> usize {
    s.split(' ').map(width).max().unwrap_or(0)
}

/// The table laid out for the style's width.
pub fn layout(grid: &Grid, style: &Style) -> String {
    layout_shown(grid, style).0
}

/// [`layout`], and which columns it kept.
pub fn layout_shown(grid: &Grid, style: &Style) -> (String, Vec<bool>) {
    let n = grid.header.len();
    let mut natural: Vec<usize> = grid.header.iter().map(|h| width(h)).collect();
    let mut least = natural.clone();
    for row in &grid.rows {
        for (i, c) in row.iter().enumerate() {
            let w = width(c);
            natural[i] = natural[i].max(w);
            least[i] = least[i].max(if grid.whole[i] {
                w
            } else {
                widest_word(c).min(LONGEST_WORD)
            });
        }
    }
    let mut shown: Vec<bool> = vec![true; n];
    // Columns are two spaces apart.
    let room = |shown: &[bool]| {
        let cols = shown.iter().filter(|s| **s).count();
        style.width.saturating_sub(GAP * cols.saturating_sub(1))
    };
    // The first column (the slug) may be narrower than its longest cell: a slug too long
    // for it then has a line of its own, whole, and its row goes on below.
    let first_least = natural[0].min(SPILL_FLOOR.max(width(grid.header[0])));
    let others = |shown: &[bool]| -> usize { (1..n).filter(|&j| shown[j]).map(|j| least[j]).sum() };
    let mut left_out = Vec::new();
    for &i in &grid.drop_order {
        if first_least + others(&shown) <= room(&shown) {
            break;
        }
        shown[i] = false;
        left_out.push(grid.header[i]);
    }
    // Still too narrow: the slug column shrinks further (down to its header), longer slugs
    // taking a line of their own.
    let first_least = first_least.min(
        room(&shown)
            .saturating_sub(others(&shown))
            .max(width(grid.header[0])),
    );
    let cols: Vec<usize> = (0..n).filter(|&i| shown[i]).collect();
    let room = room(&shown);
    let first = natural[0]
        .min(room.saturating_sub(others(&shown)))
        .max(first_least);
    let mut widths = vec![first];
    widths.extend(share(
        &cols[1..].iter().map(|&i| natural[i]).collect::<Vec<_>>(),
        &cols[1..].iter().map(|&i| least[i]).collect::<Vec<_>>(),
        room.saturating_sub(first),
    ));

    let mut out = String::new();
    let header: Vec<&str> = cols.iter().map(|&i| grid.header[i]).collect();
    push_row(&mut out, &header, &widths, None, &cols);
    let rule: usize = widths.iter().sum::<usize>() + GAP * widths.len().saturating_sub(1);
    out.push_str(&"─".repeat(rule.min(style.width)));
    out.push('\n');
    let paint = if style.color { grid.paint } else { None };
    for row in &grid.rows {
        let cells: Vec<&str> = cols.iter().map(|&i| row[i].as_ref()).collect();
        let start = out.len();
        push_row(&mut out, &cells, &widths, paint, &cols);
        // Matched words are coloured once the row is laid out, so widths stay exact.
        if style.color && !grid.marks.is_empty() {
            let body = out.split_off(start);
            for line in body.lines() {
                out.push_str(&highlight(line, &grid.marks));
                out.push('\n');
            }
        }
    }
    if !left_out.is_empty() {
        let note = format!(
            "({} left out for lack of width; --format tsv prints every column)",
            left_out.join(", ")
        );
        for line in wrap(&note, style.width) {
            out.push_str(line);
            out.push('\n');
        }
    }
    (out, shown)
}

/// Whether the columns kept whole, with the first at its floor, fit `width` once the
/// columns `dropped` are left out.
pub fn fits_whole(grid: &Grid, width: usize, dropped: &[usize]) -> bool {
    let n = grid.header.len();
    let natural = |i: usize| {
        grid.rows
            .iter()
            .map(|r| self::width(&r[i]))
            .chain([self::width(grid.header[i])])
            .max()
            .unwrap_or(0)
    };
    let kept: Vec<usize> = (0..n).filter(|i| !dropped.contains(i)).collect();
    let first = natural(0).min(SPILL_FLOOR.max(self::width(grid.header[0])));
    let rest: usize = kept[1..].iter().map(|&i| natural(i)).sum();
    first + rest + GAP * kept.len().saturating_sub(1) <= width
}

/// Column widths in `room` columns: each at least its `least`, at most its `natural`; what
/// is left goes first to the columns that need least of it.
fn share(natural: &[usize], least: &[usize], room: usize) -> Vec<usize> {
    if natural.iter().sum::<usize>() <= room {
        return natural.to_vec();
    }
    let mut widths = least.to_vec();
    let mut spare = room.saturating_sub(least.iter().sum());
    let mut open: Vec<usize> = (0..natural.len())
        .filter(|&i| natural[i] > least[i])
        .collect();
    open.sort_by_key(|&i| natural[i] - least[i]);
    let mut left = open.len();
    for i in open {
        let give = (spare / left).min(natural[i] - least[i]);
        widths[i] += give;
        spare -= give;
        left -= 1;
    }
    widths
}

/// Appends one row: each cell wrapped to its column, padded, lines trimmed at the end.
fn push_row(
    out: &mut String,
    row: &[&str],
    widths: &[usize],
    paint: Option<&Paint>,
    cols: &[usize],
) {
    let mut wrapped: Vec<Vec<&str>> = row
        .iter()
        .zip(widths)
        .map(|(c, &w)| wrap(c, w).into_iter().flat_map(|l| cut(l, w)).collect())
        .collect();
    // A first cell wider than its column: alone on its line, whole.
    if width(row[0]) > widths[0] {
        wrapped[0] = vec![row[0].trim(), ""];
        for cell in &mut wrapped[1..] {
            cell.insert(0, "");
        }
    }
    let height = wrapped.iter().map(Vec::len).max().unwrap_or(0).max(1);
    for l in 0..height {
        let start = out.len();
        for (k, (lines, &w)) in wrapped.iter().zip(widths).enumerate() {
            let text = lines.get(l).copied().unwrap_or("");
            if k > 0 {
                pad(out, GAP);
            }
            match paint
                .and_then(|p| p(cols[k], row[k]))
                .filter(|_| !text.is_empty())
            {
                Some(code) => {
                    out.push_str(code);
                    out.push_str(text);
                    out.push_str(crate::term::RESET);
                }
                None => out.push_str(text),
            }
            pad(out, w.saturating_sub(width(text)));
        }
        let end = out[start..].trim_end().len();
        out.truncate(start + end);
        out.push('\n');
    }
}

/// A line in pieces at most `w` columns wide (it is one piece when it fits): only a word
/// wider than its column is cut.
fn cut(line: &str, w: usize) -> Vec<&str> {
    if width(line) <= w || w == 0 {
        return vec![line];
    }
    let mut pieces = Vec::new();
    let (mut start, mut used) = (0, 0);
    for (at, c) in line.char_indices() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + cw > w && used > 0 {
            pieces.push(&line[start..at]);
            start = at;
            used = 0;
        }
        used += cw;
    }
    pieces.push(&line[start..]);
    pieces
}

fn pad(out: &mut String, mut n: usize) {
    const SPACES: &str = "                                ";
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// Wraps text to lines at most `w` columns wide, between words only: a word wider than `w`
/// has a line of its own. One pass over the text.
pub fn wrap(text: &str, w: usize) -> Vec<&str> {
    let text = text.trim();
    let mut lines = Vec::new();
    if text.is_empty() {
        return lines;
    }
    let (mut start, mut end, mut line_width) = (0, 0, 0);
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let at = word.as_ptr() as usize - text.as_ptr() as usize;
        let ww = width(word);
        if line_width == 0 {
            start = at;
            line_width = ww;
        } else if line_width + (at - end) + ww > w {
            lines.push(&text[start..end]);
            start = at;
            line_width = ww;
        } else {
            // The spaces between, as many as the text has.
            line_width += (at - end) + ww;
        }
        end = at + word.len();
    }
    lines.push(&text[start..end]);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_is_between_words_only() {
        assert_eq!(
            wrap("API Tierce Déclaration", 12),
            ["API Tierce", "Déclaration"]
        );
        // Never inside a word, even a hyphenated one.
        assert_eq!(
            wrap("api-tierce-declaration", 12),
            ["api-tierce-declaration"]
        );
        assert_eq!(wrap("ab cd", 2), ["ab", "cd"]);
        assert_eq!(wrap("a  b", 5), ["a  b"]);
        assert_eq!(wrap("", 5), Vec::<&str>::new());
        for (text, w) in [
            ("Procédures collectives, France entière", 12),
            ("a b c d", 3),
        ] {
            for line in wrap(text, w) {
                assert!(width(line) <= w, "{line:?} wider than {w}");
            }
        }
    }

    #[test]
    fn columns_share_the_room() {
        // Everything fits: natural widths.
        assert_eq!(share(&[4, 5, 6], &[4, 2, 2], 30), [4, 5, 6]);
        // The least-hungry column is served first, the rest share.
        assert_eq!(share(&[10, 40, 8], &[10, 8, 4], 40), [10, 22, 8]);
        // Never below the least.
        assert_eq!(share(&[20, 40], &[20, 15], 10), [20, 15]);
    }

    fn grid(rows: &[[&'static str; 3]]) -> Grid<'static> {
        Grid {
            header: vec!["SLUG", "TITLE", "THEMES"],
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| Cow::Borrowed(*c)).collect())
                .collect(),
            whole: vec![true, false, false],
            drop_order: vec![2, 1],
            paint: None,
            marks: Vec::new(),
        }
    }

    fn style(width: usize) -> Style {
        Style {
            color: false,
            width,
            tty: true,
        }
    }

    #[test]
    fn slugs_stay_whole_and_columns_go_before_they_are_cut() {
        let g = grid(&[[
            "base-adresse-nationale",
            "API Adresse (Base Adresse Nationale)",
            "Géographie, Territoires",
        ]]);
        let t = layout(&g, &style(40));
        assert!(
            t.lines().any(|l| l.starts_with("base-adresse-nationale  ")),
            "{t}"
        );
        assert!(t.contains("THEMES left out"), "{t}");
        for l in t.lines() {
            assert!(width(l) <= 40 || l.starts_with('('), "{l:?}");
        }
        // So narrow only the slug is left: it is still whole.
        let t = layout(&g, &style(20));
        assert!(t.contains("base-adresse-nationale"), "{t}");
        // Wide: every column.
        let t = layout(&g, &style(120));
        assert!(!t.contains("left out"), "{t}");
        assert!(t.contains("Géographie, Territoires"), "{t}");
    }

    #[test]
    fn one_huge_word_is_cut_in_its_column_and_leaves_the_others() {
        let title: &'static str = "É".repeat(5000).leak();
        let g = grid(&[["api-longue", title, "Test"]]);
        let t = layout(&g, &style(80));
        assert!(!t.contains("left out"), "{t}");
        assert!(t.contains("THEMES"), "{t}");
        assert_eq!(t.matches('É').count(), 5000);
        for l in t.lines() {
            assert!(width(l) <= 80, "{l:?}");
        }
    }

    #[test]
    fn tsv_is_one_row_per_line() {
        let g = grid(&[["a", "T\tab", "x\ny"], ["b", "U", ""]]);
        assert_eq!(tsv(&g), "a\tT ab\tx y\nb\tU\t\n");
    }
}
