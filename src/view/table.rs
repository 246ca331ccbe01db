//! The table of APIs printed by `list` and `search`: columns fitted to the width, words
//! wrapped inside them, a rule under the header. It is laid out here rather than with
//! comfy-table, which the other tables use: a search lists up to the whole catalogue, and
//! this plain layout costs a tenth of comfy-table's general one (see README, Performance).

use std::borrow::Cow;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::catalogue::Listing;
use crate::term::{Style, highlight};

const HEADER: [&str; 5] = ["SLUG", "TITLE", "PRODUCER", "ACCESS", "THEMES"];
const SLUG: usize = 0;
const ACCESS: usize = 3;

/// A table of entries (slug, title, producer, access, themes) fitted to the width. Slugs are
/// kept whole when they fit, since people copy them into the next command.
pub fn entries<'a>(
    rows: impl IntoIterator<Item = (Listing<'a>, &'a [String])>,
    style: &Style,
) -> String {
    let mut cells: Vec<[Cow<str>; 5]> = Vec::new();
    let mut all_marks: Vec<&str> = Vec::new();
    for (l, marks) in rows {
        all_marks.extend(marks.iter().map(String::as_str));
        cells.push([
            l.slug,
            l.title,
            l.producer,
            Cow::Borrowed(l.access.name()),
            l.themes,
        ]);
    }
    all_marks.sort_unstable();
    all_marks.dedup();
    let marks: Vec<String> = all_marks.into_iter().map(str::to_string).collect();

    let mut natural = HEADER.map(width);
    for row in &cells {
        for (n, c) in natural.iter_mut().zip(row) {
            *n = (*n).max(width(c));
        }
    }
    // The access column is one short word: it is never wrapped when anything fits.
    let mut keep = [false; 5];
    keep[ACCESS] = true;
    keep[SLUG] = natural[SLUG] + 2 <= style.width / 2;
    let widths = fit(&natural, &keep, style.width);

    let mut out = String::new();
    push_row(&mut out, &HEADER, &widths);
    let rule: usize = widths.iter().map(|w| w + 2).sum();
    out.push_str(&"─".repeat(rule));
    out.push('\n');
    let body_start = out.len();
    for row in &cells {
        push_row(&mut out, row, &widths);
    }
    // Matched words are coloured once the table is laid out, so widths stay exact.
    if style.color && !marks.is_empty() {
        let body = out.split_off(body_start);
        for line in body.lines() {
            out.push_str(&highlight(line, &marks));
            out.push('\n');
        }
    }
    out
}

/// Display width in terminal columns.
fn width(s: &str) -> usize {
    if s.is_ascii() { s.len() } else { s.width() }
}

/// Column widths for a table `total` columns wide, each column padded by one space on
/// either side. Columns that fit keep their natural width; `keep` columns are served
/// first; the others share what is left, the narrow ones taking only what they need.
fn fit(natural: &[usize], keep: &[bool], total: usize) -> Vec<usize> {
    let n = natural.len();
    let mut budget = total.saturating_sub(2 * n);
    if natural.iter().sum::<usize>() <= budget {
        return natural.to_vec();
    }
    let mut widths = vec![0; n];
    let mut open: Vec<usize> = (0..n).collect();
    let kept: usize = (0..n).filter(|&i| keep[i]).map(|i| natural[i]).sum();
    let others = (0..n).filter(|&i| !keep[i]).count();
    if kept + MIN * others <= budget {
        for i in (0..n).filter(|&i| keep[i]) {
            widths[i] = natural[i];
        }
        open.retain(|&i| !keep[i]);
        budget -= kept;
    }
    // Columns narrower than an equal share take their natural width, until none is.
    loop {
        let share = budget / open.len().max(1);
        let (small, rest): (Vec<usize>, Vec<usize>) =
            open.iter().partition(|&&i| natural[i] <= share);
        if small.is_empty() {
            break;
        }
        for i in small {
            widths[i] = natural[i];
            budget -= natural[i];
        }
        open = rest;
        if open.is_empty() {
            return widths;
        }
    }
    let share = budget / open.len();
    let extra = budget % open.len();
    for (k, &i) in open.iter().enumerate() {
        widths[i] = (share + usize::from(k < extra)).max(MIN);
    }
    widths
}

/// The narrowest a wrapped column gets: room for one wide (CJK, emoji) character.
const MIN: usize = 2;

/// Appends one table row: each cell wrapped to its column, padded, lines trimmed at the end.
fn push_row<S: AsRef<str>>(out: &mut String, row: &[S], widths: &[usize]) {
    let wrapped: Vec<Vec<&str>> = row
        .iter()
        .zip(widths)
        .map(|(c, &w)| wrap(c.as_ref(), w))
        .collect();
    let height = wrapped.iter().map(Vec::len).max().unwrap_or(0).max(1);
    for l in 0..height {
        let start = out.len();
        for (lines, &w) in wrapped.iter().zip(widths) {
            let text = lines.get(l).copied().unwrap_or("");
            out.push(' ');
            out.push_str(text);
            pad(out, w.saturating_sub(width(text)) + 1);
        }
        let end = out[start..].trim_end().len();
        out.truncate(start + end);
        out.push('\n');
    }
}

fn pad(out: &mut String, mut n: usize) {
    const SPACES: &str = "                                ";
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// Wraps text to lines at most `w` columns wide: between words, else after a hyphen, else
/// anywhere (a character wider than `w` gets a line of its own).
fn wrap(text: &str, w: usize) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = text.trim();
    let ascii = rest.is_ascii();
    while !rest.is_empty() {
        if (if ascii { rest.len() } else { rest.width() }) <= w {
            lines.push(rest);
            break;
        }
        // The longest prefix that fits, and the last places to break in it.
        let (fits, space, hyphen) = if ascii {
            let b = &rest.as_bytes()[..w];
            let space = b.iter().rposition(|&c| c == b' ');
            (w, space, b.iter().rposition(|&c| c == b'-').map(|h| h + 1))
        } else {
            let (mut fits, mut space, mut hyphen, mut cols) = (0, None, None, 0);
            for (i, c) in rest.char_indices() {
                cols += c.width().unwrap_or(0);
                if cols > w {
                    break;
                }
                fits = i + c.len_utf8();
                if c == ' ' {
                    space = Some(i);
                } else if c == '-' {
                    hyphen = Some(fits);
                }
            }
            (fits, space, hyphen)
        };
        let cut = if rest[fits..].starts_with(' ') {
            // The word before the cut ends there.
            fits
        } else if let Some(s) = space.filter(|&s| s > 0) {
            s
        } else if let Some(h) = hyphen {
            h
        } else {
            fits.max(rest.chars().next().map_or(1, char::len_utf8))
        };
        // Per-character widths can undercount a sequence (a variation selector widens the
        // character before it): the line's own width has the last word.
        let mut cut = cut;
        while cut > 0 && width(rest[..cut].trim_end()) > w {
            let last = rest[..cut].chars().next_back().map_or(1, char::len_utf8);
            if cut == last {
                break;
            }
            cut -= last;
        }
        lines.push(rest[..cut].trim_end());
        rest = rest[cut..].trim_start();
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_prefers_spaces_then_hyphens() {
        assert_eq!(
            wrap("API Tierce Déclaration", 12),
            ["API Tierce", "Déclaration"]
        );
        assert_eq!(
            wrap("api-tierce-declaration", 12),
            ["api-tierce-", "declaration"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("ab cd", 2), ["ab", "cd"]);
        assert_eq!(wrap("", 5), Vec::<&str>::new());
        // A wide character in a one-column cell still moves on.
        assert_eq!(wrap("日本", 1), ["日", "本"]);
        for (text, w) in [
            ("Procédures collectives, France entière", 7),
            ("a-b-c d", 2),
        ] {
            for line in wrap(text, w) {
                assert!(width(line) <= w, "{line:?} wider than {w}");
            }
        }
    }

    #[test]
    fn columns_share_the_width() {
        // Everything fits: natural widths.
        assert_eq!(fit(&[4, 5, 6], &[false; 3], 30), [4, 5, 6]);
        // Narrow columns keep their width, wide ones share the rest.
        assert_eq!(fit(&[10, 40, 6], &[false; 3], 40), [10, 18, 6]);
        // Kept columns are served first.
        assert_eq!(fit(&[20, 40, 40], &[true, false, false], 50), [20, 12, 12]);
        // Too narrow for anything: the narrowest columns.
        assert_eq!(fit(&[20, 40, 40], &[false; 3], 6), [MIN; 3]);
    }
}
