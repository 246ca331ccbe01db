//! An API's whole page for the terminal: title, facts panel, who may use it, then its text.

use std::borrow::Cow;
use std::collections::HashSet;

use comfy_table::{ContentArrangement, Table, TableStyle, presets};
use termimad::crossterm::style::{Attribute, Color};
use termimad::{CompoundStyle, MadSkin, StyledChar};
use unicode_width::UnicodeWidthStr;

use crate::bundled::to_markdown;
use crate::catalogue::{Access, Entry, FranceConnect};
use crate::eligibility::{Overview, overview};
pub use crate::markup::escape;
use crate::markup::{CELL_BREAK, SITE, resolve_url};
use crate::term::{BOLD, RESET, Style};

/// A table column narrower than this is cut into unreadable pieces: the table is printed as
/// one block of `Header: value` lines per row instead.
const MIN_COLUMN: usize = 10;

/// Renders Markdown of termimad's subset at a width. URLs are never cut: one that would not fit
/// on a line (or sits in a table) is replaced by a note `[n]` printed whole after its block.
pub struct Renderer<'a> {
    skin: MadSkin,
    width: usize,
    color: bool,
    /// Slugs the catalogue in use serves: a link to one is also given as `apicat show SLUG`.
    known: Option<&'a HashSet<String>>,
    /// The entry shown, whose links to itself need no command.
    this: &'a str,
}

/// termimad's plain skin with colours and attributes only: anything that moves text (centred
/// headings, backgrounds filled to the width) would make the coloured page differ from the
/// plain one.
fn colour_skin() -> MadSkin {
    let grey = |n| Color::AnsiValue(n);
    let mut skin = MadSkin::no_style();
    skin.bold = CompoundStyle::with_attr(Attribute::Bold);
    skin.italic = CompoundStyle::with_attr(Attribute::Italic);
    skin.strikeout = CompoundStyle::with_attr(Attribute::CrossedOut);
    skin.inline_code = CompoundStyle::with_fg(grey(249));
    skin.table.compound_style = CompoundStyle::with_fg(grey(244));
    skin.bullet = StyledChar::from_fg_char(grey(244), '•');
    skin.quote_mark = StyledChar::from_fg_char(grey(244), '▐');
    skin.horizontal_rule = StyledChar::from_fg_char(grey(240), '―');
    skin
}

impl<'a> Renderer<'a> {
    pub fn new(style: &Style) -> Renderer<'a> {
        let skin = if style.color {
            colour_skin()
        } else {
            MadSkin::no_style()
        };
        Renderer {
            skin,
            width: style.width.max(20),
            color: style.color,
            known: None,
            this: "",
        }
    }

    /// Links to these entries (other than `this`) are also given as `apicat show SLUG`.
    pub fn with_known(mut self, known: &'a HashSet<String>, this: &'a str) -> Renderer<'a> {
        self.known = Some(known);
        self.this = this;
        self
    }

    pub fn width(&self) -> usize {
        self.width
    }

    /// Renders Markdown already in termimad's subset (see [`to_markdown`]).
    pub fn markdown(&self, md: &str, out: &mut String) {
        let mut notes_seen = 0;
        for block in blocks(md) {
            if block.starts_with("```") {
                code(&block, out);
                continue;
            }
            if let Some(text) = heading_text(&block) {
                self.subheading(text, out);
                continue;
            }
            let is_table = block.lines().all(|l| l.starts_with('|'));
            if is_table && let Some(rows) = self.table_as_rows(&block) {
                for row in rows {
                    self.block(&row, false, &mut notes_seen, out);
                }
                continue;
            }
            self.block(&block, is_table, &mut notes_seen, out);
        }
    }

    fn block(&self, block: &str, is_table: bool, notes_seen: &mut usize, out: &mut String) {
        let (text, notes) =
            notes_for_long_urls(block, self.width.saturating_sub(6), is_table, *notes_seen);
        *notes_seen += notes.len();
        if is_table {
            self.table(&text, out);
        } else {
            let rendered = wrap_plain(&text, self.width)
                .unwrap_or_else(|| self.skin.text(&text, Some(self.width)).to_string());
            // termimad starts a wrapped line with the space after a bold part (`**H:** v`);
            // list items are indented by two.
            let flush_left = !text.starts_with(' ');
            for line in rendered.lines() {
                let line = trim_end_visible(line);
                let plain = match line.contains('\x1b') {
                    true => Cow::Owned(strip_escapes(&line)),
                    false => Cow::Borrowed(&*line),
                };
                if flush_left && plain.starts_with(' ') && !plain.starts_with("  ") {
                    fit(&trim_start_visible(&line), self.width, out);
                } else {
                    fit(&line, self.width, out);
                }
            }
        }
        for (n, url) in notes {
            note(n, &url, self.width, out);
        }
        for slug in self.linked_slugs(block) {
            out.push_str(&format!("→ apicat show {slug}\n"));
        }
        out.push('\n');
    }

    /// A heading of the entry's text: bold, underlined so it shows without colour too.
    fn subheading(&self, text: &str, out: &mut String) {
        let mut t = String::new();
        let md = format!("**{}**", text.replace("**", ""));
        let rendered = self.skin.text(&md, Some(self.width)).to_string();
        for line in rendered.lines() {
            fit(&trim_end_visible(line), self.width, &mut t);
        }
        let longest = t.lines().map(visible_width).max().unwrap_or(0);
        out.push_str(&t);
        out.push_str(&"┄".repeat(longest.min(self.width)));
        out.push_str("\n\n");
    }

    /// A table too wide to give each column its longest word and [`MIN_COLUMN`] (or what it
    /// holds, if less), as one block of `Header: value` lines per row; `None` when it fits as
    /// a table.
    fn table_as_rows(&self, block: &str) -> Option<Vec<String>> {
        let rows: Vec<Vec<String>> = block
            .lines()
            .filter(|l| !is_rule_line(l))
            .map(cells)
            .collect();
        let cols = rows.iter().map(Vec::len).max()?;
        // Each column as wide as its longest word, at least MIN_COLUMN where it holds that
        // much: a table that would cut words reads as rows.
        let (natural, word) = column_widths(&rows, cols);
        let need: usize = natural
            .iter()
            .zip(&word)
            .map(|(n, w)| (*n).min((*w).max(MIN_COLUMN)))
            .sum();
        // One border before each column and one after the last.
        if need + cols < self.width {
            return None;
        }
        let (head, body) = rows.split_first()?;
        if body.is_empty() {
            return Some(vec![head.join("\n")]);
        }
        let blocks = body
            .iter()
            .map(|row| {
                let mut lines = String::new();
                for (c, value) in row.iter().enumerate() {
                    let value = value.trim();
                    if value.is_empty() {
                        continue;
                    }
                    let h = head.get(c).map(|h| h.replace("**", "")).unwrap_or_default();
                    // A line break inside the cell stays one, under its header.
                    let value = value.replace(CELL_BREAK, "\n");
                    if h.trim().is_empty() {
                        lines.push_str(&value);
                    } else {
                        lines.push_str(&format!("**{}:** {value}", h.trim()));
                    }
                    lines.push('\n');
                }
                lines
            })
            .filter(|b| !b.is_empty())
            .collect();
        Some(blocks)
    }

    /// A table that fits: columns sized by their content, cells wrapped between words, a line
    /// break inside a cell kept (termimad's own fitter leaves some columns 3 wide).
    fn table(&self, md: &str, out: &mut String) {
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut head_rows = 0;
        for line in md.lines() {
            if is_rule_line(line) {
                head_rows = rows.len();
            } else {
                rows.push(cells(line));
            }
        }
        let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
        if cols == 0 {
            return;
        }
        let (natural, longest_word) = column_widths(&rows, cols);
        let at_least_1 =
            |v: Vec<usize>| -> Vec<usize> { v.into_iter().map(|w| w.max(1)).collect() };
        let (natural, longest_word) = (at_least_1(natural), at_least_1(longest_word));
        let widths = share(&natural, &longest_word, self.width.saturating_sub(cols + 1));
        let laid: Vec<Vec<Vec<String>>> =
            rows.iter()
                .enumerate()
                .map(|(i, row)| {
                    (0..cols)
                        .map(|c| {
                            let cell = row.get(c).map_or("", |s| s.trim());
                            let mut lines = Vec::new();
                            for part in cell.split(CELL_BREAK).map(str::trim) {
                                if part.is_empty() {
                                    continue;
                                }
                                if i >= head_rows
                                    && let Some(w) = wrap_plain(part, widths[c])
                                {
                                    // What termimad would give back, without parsing: plain words.
                                    lines.extend(w.lines().map(str::to_string));
                                    continue;
                                }
                                let md = if i < head_rows {
                                    format!("**{}**", part.replace("**", ""))
                                } else {
                                    part.to_string()
                                };
                                let r = self.skin.text(&md, Some(widths[c])).to_string();
                                // The space after a bold part may start a wrapped line.
                                lines.extend(r.lines().map(|l| {
                                    trim_start_visible(&trim_end_visible(l)).into_owned()
                                }));
                            }
                            lines
                        })
                        .collect()
                })
                .collect();
        // Rows of several lines need a rule between them to be told apart.
        let tall = laid
            .iter()
            .skip(head_rows)
            .any(|row| row.iter().any(|cell| cell.len() > 1));
        let rule = |out: &mut String| {
            let parts: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
            out.push_str(&format!("├{}┤\n", parts.join("┼")));
        };
        for (i, row) in laid.iter().enumerate() {
            if i > 0 && (i == head_rows || (tall && i > head_rows)) {
                rule(out);
            }
            let height = row.iter().map(Vec::len).max().unwrap_or(0).max(1);
            for k in 0..height {
                out.push('│');
                for (c, cell) in row.iter().enumerate() {
                    let text = cell.get(k).map_or("", String::as_str);
                    out.push_str(text);
                    let pad = widths[c].saturating_sub(visible_width(text));
                    out.push_str(&" ".repeat(pad));
                    out.push('│');
                }
                out.push('\n');
            }
        }
    }

    /// Slugs of the catalogue in use that a block links to.
    fn linked_slugs(&self, block: &str) -> Vec<String> {
        let Some(known) = self.known else {
            return Vec::new();
        };
        let prefix = format!("{SITE}/les-api/");
        let mut found: Vec<String> = Vec::new();
        for (i, _) in block.match_indices(&prefix) {
            let rest = &block[i + prefix.len()..];
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
                .unwrap_or(rest.len());
            let slug = &rest[..end];
            if slug != self.this && known.contains(slug) && !found.iter().any(|f| f == slug) {
                found.push(slug.to_string());
            }
        }
        found
    }

    /// Converts catalogue markup and renders it.
    pub fn markup(&self, src: &str, out: &mut String) {
        self.markdown(&to_markdown(src), out);
    }

    /// A section heading.
    pub fn heading(&self, title: &str, out: &mut String) {
        if self.color {
            out.push_str(&format!("{BOLD}{title}{RESET}\n"));
        } else {
            out.push_str(title);
            out.push('\n');
        }
        out.push_str(&"─".repeat(title.width().min(self.width)));
        out.push_str("\n\n");
    }
}

/// A code block, verbatim: a note marker or a re-flow would change what a reader copies. A
/// long line may pass the width.
fn code(block: &str, out: &mut String) {
    let lines: Vec<&str> = block.lines().collect();
    let inner = match lines.as_slice() {
        [_, inner @ .., last] if last.starts_with("```") => inner,
        [_, inner @ ..] => inner,
        [] => &[],
    };
    for line in inner {
        if !line.trim().is_empty() {
            out.push_str("    ");
            out.push_str(line.trim_end());
        }
        out.push('\n');
    }
    out.push('\n');
}

/// Column widths for `room`: every column its natural width if all fit; else each gets its
/// longest word (at most a fair share; [`MIN_COLUMN`] when even that is too much), and the
/// room left is shared in proportion to what each still lacks.
fn share(natural: &[usize], longest_word: &[usize], room: usize) -> Vec<usize> {
    if natural.iter().sum::<usize>() <= room {
        return natural.to_vec();
    }
    // Each column its longest word where all fit (`table_as_rows` keeps the grid only then);
    // else a very long word (a code span) gets no more than a fair share.
    let whole = |cap: usize| -> Vec<usize> {
        natural
            .iter()
            .zip(longest_word)
            .map(|(n, w)| (*n).min((*w).clamp(MIN_COLUMN, cap.max(MIN_COLUMN))))
            .collect()
    };
    let mut base = whole(usize::MAX);
    if base.iter().sum::<usize>() > room {
        base = whole(room / natural.len().max(1));
    }
    if base.iter().sum::<usize>() > room {
        base = natural.iter().map(|n| (*n).min(MIN_COLUMN)).collect();
    }
    let rest = room.saturating_sub(base.iter().sum());
    let lack: Vec<usize> = natural.iter().zip(&base).map(|(n, b)| n - b).collect();
    let all_lack: usize = lack.iter().sum::<usize>().max(1);
    let mut widths: Vec<usize> = base
        .iter()
        .zip(&lack)
        .map(|(b, l)| b + rest * l / all_lack)
        .collect();
    let mut left = room.saturating_sub(widths.iter().sum());
    for (w, n) in widths.iter_mut().zip(natural) {
        if left > 0 && *w < *n {
            *w += 1;
            left -= 1;
        }
    }
    widths
}

/// Per column of a table's rows, the widest line of a cell as shown, and its longest word
/// (a URL aside: in a table it becomes a note).
fn column_widths(rows: &[Vec<String>], cols: usize) -> (Vec<usize>, Vec<usize>) {
    let pieces = |c: usize| {
        rows.iter()
            .filter_map(move |r| r.get(c))
            .flat_map(|cell| cell.split(CELL_BREAK))
    };
    let natural = (0..cols)
        .map(|c| pieces(c).map(plain_width).max().unwrap_or(0))
        .collect();
    let word = (0..cols)
        .map(|c| {
            pieces(c)
                .flat_map(unbreakable)
                .filter(|w| !w.contains("://"))
                .map(plain_width)
                .max()
                .unwrap_or(0)
        })
        .collect();
    (natural, word)
}

/// The pieces termimad never wraps inside: words, and code spans whole.
fn unbreakable(md: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let (mut start, mut code) = (None, false);
    for (i, c) in md.char_indices() {
        match c {
            '`' => {
                code = !code;
                start.get_or_insert(i);
            }
            ' ' if !code => {
                if let Some(s) = start.take() {
                    pieces.push(&md[s..i]);
                }
            }
            _ => {
                start.get_or_insert(i);
            }
        }
    }
    if let Some(s) = start {
        pieces.push(&md[s..]);
    }
    pieces
}

/// A table's `|-|-|` line, which ends its header.
fn is_rule_line(line: &str) -> bool {
    line.contains('-') && line.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

/// The text of a block that is one heading line (`## Text`).
fn heading_text(block: &str) -> Option<&str> {
    let line = block.trim_end_matches('\n');
    if line.contains('\n') {
        return None;
    }
    let level = line.len() - line.trim_start_matches('#').len();
    let text = line[level..].strip_prefix(' ')?;
    ((1..=6).contains(&level) && !text.trim().is_empty()).then(|| text.trim())
}

/// The cells of a table line `|a|b\|c|`, split at unescaped bars.
fn cells(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cur = String::new();
    let mut chars = line.trim().strip_prefix('|').unwrap_or(line).chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cur.push(c);
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            '|' => cells.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        cells.push(cur);
    }
    cells
}

/// Whether Markdown text is only words that termimad shows as written: letters, digits and
/// common punctuation, single spaces, nothing that starts a list, a quote or a heading.
fn is_plain_words(s: &str) -> bool {
    s.starts_with(char::is_alphabetic)
        && !s.contains("  ")
        && s.chars().all(|c| {
            c.is_alphanumeric()
                || matches!(
                    c,
                    ' ' | ','
                        | '.'
                        | '\''
                        | '’'
                        | '('
                        | ')'
                        | '-'
                        | '/'
                        | ':'
                        | ';'
                        | '&'
                        | '%'
                        | '«'
                        | '»'
                )
        })
}

/// Lines of plain words (see [`is_plain_words`]) wrapped at spaces to `width`, as termimad
/// wraps them; `None` when a line is not plain words or holds a word wider than the line.
fn wrap_plain(text: &str, width: usize) -> Option<String> {
    let mut out = String::with_capacity(text.len() + text.len() / width.max(1) + 1);
    for line in text.lines().map(str::trim_end) {
        if !is_plain_words(line) {
            return None;
        }
        let mut used = 0;
        for word in line.split(' ') {
            let w = columns(word);
            if w > width {
                return None;
            }
            if used > 0 && used + 1 + w <= width {
                out.push(' ');
                used += 1 + w;
            } else {
                if used > 0 {
                    out.push('\n');
                }
                used = w;
            }
            out.push_str(word);
        }
        out.push('\n');
    }
    Some(out)
}

/// The width Markdown text takes once shown: escapes and emphasis marks take none.
fn plain_width(md: &str) -> usize {
    let md = md.trim();
    if md.contains(['\\', '*', '`']) {
        // Marks in pairs are emphasis or code and take no room; a lone one (`5 * 3`) is shown.
        let paired = |m: char| md.matches(m).count().is_multiple_of(2);
        let hidden: Vec<char> = ['\\', '*', '`']
            .into_iter()
            .filter(|&m| m == '\\' || paired(m))
            .collect();
        columns(&md.replace(&hidden[..], ""))
    } else {
        columns(md)
    }
}

/// Byte length of the escape sequence starting `s` (CSI `ESC [ … final`, or OSC `ESC ] … ST`
/// as hyperlinks use), if it starts with one.
fn escape_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.first() != Some(&0x1b) {
        return None;
    }
    match b.get(1) {
        Some(b'[') => Some(
            b[2..]
                .iter()
                .position(|c| (0x40..=0x7e).contains(c))
                .map_or(b.len(), |p| p + 3),
        ),
        Some(b']') => {
            let mut i = 2;
            while i < b.len() {
                if b[i] == 0x07 {
                    return Some(i + 1);
                }
                if b[i] == 0x1b && b.get(i + 1) == Some(&b'\\') {
                    return Some(i + 2);
                }
                i += 1;
            }
            Some(b.len())
        }
        Some(_) => Some(2),
        None => Some(1),
    }
}

/// Text with its escape sequences (colours, hyperlinks) removed: what the reader sees.
pub fn strip_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if let Some(n) = escape_len(&s[i..]) {
            i += n;
        } else {
            let c = s[i..].chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// Columns a text takes on screen ([`UnicodeWidthStr::width`]). Latin letters take one each,
/// whatever their neighbours: counted, not looked up (most of a French page).
fn columns(s: &str) -> usize {
    let one_each = |c: char| matches!(c, ' '..='~' | '\u{a0}'..='\u{ac}' | '\u{ae}'..='\u{2ff}');
    if s.is_ascii() && s.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        s.len()
    } else if s.chars().all(one_each) {
        s.chars().count()
    } else {
        s.width()
    }
}

/// Columns a line takes on screen: escape sequences take none.
fn visible_width(s: &str) -> usize {
    if s.contains('\x1b') {
        columns(&strip_escapes(s))
    } else {
        columns(s)
    }
}

/// The pieces a line is never cut inside: escape sequences and characters, as byte ranges,
/// with whether each is an escape.
fn pieces(s: &str) -> impl Iterator<Item = (usize, usize, bool)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        if i >= s.len() {
            return None;
        }
        let (n, esc) = match escape_len(&s[i..]) {
            Some(n) => (n, true),
            None => (s[i..].chars().next().map_or(1, char::len_utf8), false),
        };
        let piece = (i, (i + n).min(s.len()), esc);
        i += n;
        Some(piece)
    })
}

/// Whether a piece is a character that shows (not an escape, not a space).
fn shows(s: &str, (a, b, esc): (usize, usize, bool)) -> bool {
    !esc && !s[a..b].trim().is_empty()
}

/// Trailing spaces removed, even when escape sequences sit among them (they are kept).
fn trim_end_visible(s: &str) -> Cow<'_, str> {
    if !s.contains('\x1b') {
        return Cow::Borrowed(s.trim_end());
    }
    let cut = pieces(s)
        .filter(|&p| shows(s, p))
        .last()
        .map_or(0, |(_, b, _)| b);
    let mut out = s[..cut].to_string();
    for (a, b, _) in pieces(&s[cut..]).filter(|p| p.2) {
        out.push_str(&s[cut + a..cut + b]);
    }
    Cow::Owned(out)
}

/// Leading spaces removed, even when escape sequences sit among them (they are kept).
fn trim_start_visible(s: &str) -> Cow<'_, str> {
    if !s.contains('\x1b') {
        return Cow::Borrowed(s.trim_start());
    }
    let from = pieces(s)
        .find(|&p| shows(s, p))
        .map_or(s.len(), |(a, _, _)| a);
    let mut out = String::new();
    for (a, b, _) in pieces(&s[..from]).filter(|p| p.2) {
        out.push_str(&s[a..b]);
    }
    out.push_str(&s[from..]);
    Cow::Owned(out)
}

/// Writes a rendered line, re-wrapped at spaces if it is still too wide: termimad's width
/// tables and the terminal's can disagree on rare characters. A URL is never cut, nor an
/// escape sequence, and those take no width.
pub fn fit(line: &str, width: usize, out: &mut String) {
    if visible_width(line) <= width {
        out.push_str(line);
        out.push('\n');
        return;
    }
    let mut rest = line.to_string();
    while visible_width(&rest) > width {
        // The longest start that fits, measured as a whole (a variation selector can widen the
        // character before it).
        // Found by halves, not piece by piece, so that a long line costs n log n, not n².
        let ends: Vec<usize> = pieces(&rest).map(|(_, b, _)| b).collect();
        let (mut lo, mut hi) = (0, ends.len());
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if visible_width(&rest[..ends[mid - 1]]) > width {
                hi = mid - 1;
            } else {
                lo = mid;
            }
        }
        // Escapes right after take no width: they stay on this line.
        let mut end = if lo == 0 { 0 } else { ends[lo - 1] };
        while let Some(n) = escape_len(&rest[end..]) {
            end += n;
        }
        let at_space = rest[end..].starts_with(' ').then_some(end);
        match at_space
            .or_else(|| rest[..end].rfind(' '))
            .filter(|&c| !strip_escapes(&rest[..c]).trim().is_empty())
        {
            Some(cut) => {
                out.push_str(&trim_end_visible(&rest[..cut]));
                rest = trim_start_visible(&rest[cut..]).into_owned();
            }
            None => {
                // One word wider than the line: cut it, as termimad does, unless it is a URL.
                let plain = strip_escapes(&rest);
                let word = plain.split(' ').next().unwrap_or(&plain);
                if end == 0 || word.contains("://") || word.starts_with("mailto:") {
                    break;
                }
                out.push_str(&rest[..end]);
                rest = rest[end..].to_string();
            }
        }
        out.push('\n');
    }
    out.push_str(&rest);
    out.push('\n');
}

/// A note `[n] url`, the URL moved to a line of its own when both do not fit.
pub fn note(n: usize, url: &str, width: usize, out: &mut String) {
    // A link written with spaces (`mailto:…?subject=Demande d'accès`) is one word once they
    // are encoded, as a mail program reads them; a command (`apicat show …`) stays as typed.
    let url = match url.contains(':') {
        true => url.trim().replace(' ', "%20"),
        false => url.trim().to_string(),
    };
    let mark = format!("[{n}]");
    if mark.len() + 1 + url.width() <= width {
        out.push_str(&format!("{mark} {url}\n"));
    } else {
        out.push_str(&format!("{mark}\n{url}\n"));
    }
}

/// Splits Markdown into blocks at blank lines, keeping fenced code together.
fn blocks(md: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut cur = String::new();
    let mut fenced = false;
    for line in md.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        }
        if line.trim().is_empty() && !fenced {
            if !cur.is_empty() {
                blocks.push(std::mem::take(&mut cur));
            }
            continue;
        }
        cur.push_str(line);
        cur.push('\n');
    }
    if !cur.is_empty() {
        blocks.push(cur);
    }
    blocks
}

/// Finds URLs in a block; replaces those longer than `max` (or all, in a table) by `[n]`.
fn notes_for_long_urls(
    block: &str,
    max: usize,
    all: bool,
    first: usize,
) -> (String, Vec<(usize, String)>) {
    let mut out = String::with_capacity(block.len());
    let mut notes = Vec::new();
    let mut rest = block;
    while let Some(i) = find_url(rest) {
        let (before, tail) = rest.split_at(i);
        // A URL in a code span ends at its backtick, which stays to close the span.
        let end = tail
            .find(|c: char| c.is_whitespace() || c == '|' || c == '`')
            .unwrap_or(tail.len());
        let wrapped = before.ends_with('(');
        let url = url_end(&tail[..end], wrapped);
        if all || columns(url) > max {
            let n = first + notes.len() + 1;
            if wrapped {
                out.push_str(&before[..before.len() - 1]);
                out.push_str(&format!("[{n}]"));
                rest = &tail[url.len()..];
                rest = rest.strip_prefix(')').unwrap_or(rest);
            } else {
                out.push_str(before);
                out.push_str(&format!("[{n}]"));
                rest = &tail[url.len()..];
            }
            notes.push((n, url.replace('\\', "")));
        } else {
            out.push_str(before);
            out.push_str(url);
            rest = &tail[url.len()..];
        }
    }
    out.push_str(rest);
    (out, notes)
}

/// Where a URL found in text ends. Inside `(url)`, as the converter writes links, it ends at
/// the parenthesis that closes the wrapper; elsewhere trailing punctuation is not part of it.
fn url_end(token: &str, wrapped: bool) -> &str {
    if wrapped {
        let mut depth = 1;
        for (i, c) in token.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        return &token[..i];
                    }
                }
                _ => {}
            }
        }
        return token;
    }
    let mut url = token;
    loop {
        let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?']);
        let trimmed = if trimmed.ends_with(')')
            && trimmed.matches(')').count() > trimmed.matches('(').count()
        {
            &trimmed[..trimmed.len() - 1]
        } else {
            trimmed
        };
        if trimmed.len() == url.len() {
            return url;
        }
        url = trimmed;
    }
}

fn find_url(s: &str) -> Option<usize> {
    // One pass over the colons: the first URL starts before the first colon that ends a scheme.
    s.match_indices(':').find_map(|(i, _)| {
        let (before, after) = (&s[..i], &s[i + 1..]);
        if before.ends_with("mailto") {
            return Some(i - 6);
        }
        if !after.starts_with("//") {
            return None;
        }
        ["https", "http", "ftp"]
            .iter()
            .find(|p| before.ends_with(*p))
            .map(|p| i - p.len())
    })
}

/// Plain text of catalogue markup, for table cells.
pub fn plain(src: &str) -> String {
    let md = to_markdown(src);
    let mut out = String::with_capacity(md.len());
    let mut chars = md.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '*' | '`' => {}
            '\n' => {
                out.push(' ');
                while chars.peek() == Some(&'\n') {
                    chars.next();
                }
            }
            c => out.push(c),
        }
    }
    out.trim_start_matches(['#', ' ']).trim().to_string()
}

fn access_words(e: &Entry) -> String {
    match e.access {
        Access::Open => "open data: no account, no request".into(),
        Access::Account => "account needed".into(),
        Access::Restricted => "restricted: on request".into(),
        Access::Unknown => match e.markdown().and_then(|m| m.front.get("is_open")) {
            Some(v) => format!(
                "not stated (is_open: {})",
                crate::catalogue::markdown::scalar_text(v).unwrap_or_default()
            ),
            None => "not stated".into(),
        },
    }
}

fn france_connect(fc: Option<FranceConnect>) -> Option<&'static str> {
    match fc? {
        FranceConnect::Required => Some("FranceConnect required"),
        FranceConnect::Compatible => Some("FranceConnect compatible"),
    }
}

const PANEL: TableStyle = presets::NOTHING;

/// Below this many columns for values, the facts panel puts each label above its value.
const MIN_VALUE_WIDTH: usize = 12;
/// Words up to this width are never cut in the side-by-side panel.
const MAX_WHOLE_WORD: usize = 20;
/// Where values start under their label in that layout.
const STACKED_INDENT: usize = 3;

/// The facts panel: key/value rows, long URLs as notes below.
fn facts(e: &Entry, r: &Renderer, out: &mut String) {
    let mut rows: Vec<(&str, String, bool)> = Vec::new();
    let mut add = |k: &'static str, v: Option<String>, url: bool| {
        if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
            rows.push((k, v, url));
        }
    };
    add("Producer", e.producer_display(), false);
    if e.producer.is_some() && e.owner.is_some() {
        add("Owner", e.owner.clone(), false);
    }
    add("Partners", Some(e.partner_names.join(", ")), false);
    let mut access = access_words(e);
    if let Some(fc) = france_connect(e.france_connect) {
        access = format!("{access}; {fc}");
    }
    add("Access", Some(access), false);
    let link = |v: &Option<String>| v.as_deref().and_then(resolve_url);
    add("Rate limits", e.rate_limiting_resume.clone(), false);
    add("", e.rate_limiting_description.as_deref().map(plain), false);
    add("Limits details", link(&e.rate_limiting_link), true);
    add("Website", link(&e.external_site), true);
    add("Documentation", link(&e.doc_tech_external), true);
    add("Specification", link(&e.doc_tech_link), true);
    add(
        "Access request",
        link(&e.datapass_link).or_else(|| link(&e.account_link)),
        true,
    );
    add("Monitoring", link(&e.monitoring_link), true);
    let key = if e.monitoring_link.is_some() {
        ""
    } else {
        "Monitoring"
    };
    add(key, e.monitoring_description.as_deref().map(plain), false);
    add(
        "Statistics",
        e.stats_detail_resume.as_deref().map(plain),
        false,
    );
    add("", e.stats_detail_description.as_deref().map(plain), false);
    add("Statistics page", link(&e.stats_detail_link), true);
    // The datasets on data.gouv.fr that the API serves.
    for (i, id) in e.datagouv_uuid.iter().enumerate() {
        let url = format!("https://www.data.gouv.fr/fr/datasets/{}/", id.trim());
        add(if i == 0 { "Open data" } else { "" }, Some(url), true);
    }
    let contact = e.contact_link.clone();
    let single = contact.as_deref().is_some_and(|c| !c.contains([' ', ',']));
    add("Contact", contact, single);
    add("Themes", Some(e.themes.join(", ")), false);
    // Wrapped below, once the width of the values is known.
    add("Keywords", Some(e.keywords.join(", ")), false);
    add(
        "Last update",
        e.last_update_iso.clone().or_else(|| e.last_update.clone()),
        false,
    );
    // Both figures come from api.gouv.fr's statistics of 2019–2020 and were never updated.
    let year = e
        .last_update_iso
        .as_deref()
        .and_then(|d| d.get(..4))
        .map_or("frozen figure".to_string(), str::to_string);
    add("Uptime", e.uptime.map(|u| format!("{u} % ({year})")), false);
    add(
        "Visits",
        e.visits_2019.map(|v| format!("{v} (2019)")),
        false,
    );
    add(
        "Source",
        Some(format!("{} ({})", e.path, e.origin.kind())),
        false,
    );
    for (k, v, url) in super::sources::facts(e) {
        add(k, Some(v), url);
    }

    let key_width = rows.iter().map(|(k, _, _)| k.width()).max().unwrap_or(0);
    // Two cells, each padded by one space on both sides, where values keep their words whole
    // (URLs aside: too long, they become notes); else each label on its own line with its
    // value below.
    let longest_word = rows
        .iter()
        .filter(|(_, _, url)| !url)
        .flat_map(|(_, v, _)| v.split_whitespace())
        .map(UnicodeWidthStr::width)
        .max()
        .unwrap_or(0)
        .min(MAX_WHOLE_WORD);
    let stacked = r.width < key_width + 4 + MIN_VALUE_WIDTH.max(longest_word);
    let value_width = match stacked {
        true => r.width.saturating_sub(STACKED_INDENT).max(1),
        false => r.width - key_width - 4,
    };
    if let Some(row) = rows.iter_mut().find(|(k, _, _)| *k == "Keywords") {
        row.1 = keywords(&e.keywords, value_width);
    }
    let mut notes = Vec::new();
    // A link too long for the value column, whole or within text, is a note: cut, it could
    // not be copied.
    let mut noted = |v: String, is_url: bool| {
        if is_url && columns(&v) > value_width {
            notes.push(v);
            format!("[{}]", notes.len())
        } else if is_url || !v.contains("://") {
            v
        } else {
            let (text, found) = notes_for_long_urls(&v, value_width, false, notes.len());
            notes.extend(found.into_iter().map(|(_, url)| url));
            text
        }
    };
    if stacked {
        for (k, v, is_url) in rows {
            if !k.is_empty() {
                out.push_str(&match r.color {
                    true => format!(" \x1b[1m{k}\x1b[0m\n"),
                    false => format!(" {k}\n"),
                });
            }
            for line in wrap_value(&noted(v, is_url), value_width).lines() {
                out.push_str(&" ".repeat(STACKED_INDENT));
                out.push_str(line.trim_end());
                out.push('\n');
            }
        }
        for (i, n) in notes.iter().enumerate() {
            note(i + 1, n, r.width, out);
        }
        out.push('\n');
        return;
    }
    let mut table = Table::new();
    // Values come wrapped: comfy-table's own wrapping measures the rest of a long word
    // again for every line it cuts, quadratic in its length.
    table
        .load_style(PANEL)
        .set_content_arrangement(ContentArrangement::Disabled);
    if r.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    for (k, v, is_url) in rows {
        let v = noted(v, is_url);
        table.add_row([
            comfy_table::Cell::new(k).add_attribute(comfy_table::Attribute::Bold),
            comfy_table::Cell::new(wrap_value(&v, value_width)),
        ]);
    }
    for line in table.lines() {
        out.push_str(&trim_end_visible(&line));
        out.push('\n');
    }
    for (i, n) in notes.iter().enumerate() {
        note(i + 1, n, r.width, out);
    }
    out.push('\n');
}

/// A value wrapped to `width` columns as comfy-table's dynamic layout wraps a cell (between
/// words; a word too long for a line fills the rest of it and goes on below), in one pass:
/// comfy-table measures the rest of a long word again for every piece it cuts off.
fn wrap_value(v: &str, width: usize) -> String {
    let mut out = String::with_capacity(v.len() + v.len() / width.max(1) + 1);
    for (i, line) in v.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if line.width() <= width {
            out.push_str(line);
        } else {
            out.push_str(&split_line(line, width).join("\n"));
        }
    }
    out
}

/// Free columns under which a line is ended rather than given part of a long word.
const MIN_FREE_CHARS: usize = 2;

/// comfy-table's `split_line` with the width of what is left of a cut word carried along.
fn split_line(line: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    // Words, last first, each with its width.
    let mut words: Vec<(&str, usize)> = line.split(' ').rev().map(|w| (w, w.width())).collect();
    let mut current = String::new();
    let mut current_len = 0;
    let full = |lines: &mut Vec<String>, current: &mut String, current_len: &mut usize| {
        if *current_len > width.saturating_sub(MIN_FREE_CHARS) {
            lines.push(std::mem::take(current));
            *current_len = 0;
        }
    };
    while let Some((next, next_len)) = words.pop() {
        let sep = usize::from(!current.is_empty());
        if current_len + sep + next_len <= width {
            if sep == 1 {
                current.push(' ');
                current_len += 1;
            }
            current.push_str(next);
            current_len += next_len;
            full(&mut lines, &mut current, &mut current_len);
            continue;
        }
        let remaining = width.saturating_sub(current_len).saturating_sub(sep);
        if !current.is_empty() && remaining <= MIN_FREE_CHARS {
            words.push((next, next_len));
            lines.push(std::mem::take(&mut current));
            current_len = 0;
            continue;
        }
        if next_len > width {
            if sep == 1 {
                current.push(' ');
            }
            let (head, head_len) = split_long_word(remaining, next);
            let tail = &next[head.len()..];
            if current.is_empty() && head.is_empty() {
                // A character wider than the column: it gets a line anyway.
                let c = tail.chars().next().unwrap_or(' ');
                current.push(c);
                let rest = &tail[c.len_utf8()..];
                words.push((rest, next_len.saturating_sub(c.to_string().width())));
            } else {
                current.push_str(head);
                words.push((tail, next_len.saturating_sub(head_len)));
            }
            lines.push(std::mem::take(&mut current));
            current_len = 0;
            continue;
        }
        lines.push(std::mem::take(&mut current));
        current.push_str(next);
        current_len = next_len;
        full(&mut lines, &mut current, &mut current_len);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// The longest start of `word` at most `allowed` columns wide, cut between graphemes; with
/// its width.
fn split_long_word(allowed: usize, word: &str) -> (&str, usize) {
    // Printable ASCII up to the cut and one past it: one column a character, no mark joining
    // the next (only that much is looked at: the rest may be long).
    let at = word.len().min(allowed);
    if word.as_bytes()[..word.len().min(allowed + 1)]
        .iter()
        .all(|b| (0x20..0x7f).contains(b))
    {
        return (&word[..at], at);
    }
    let mut used = 0;
    for (at, g) in unicode_segmentation::UnicodeSegmentation::grapheme_indices(word, true) {
        let w = g.width();
        if used + w > allowed {
            return (&word[..at], used);
        }
        used += w;
    }
    (word, used)
}

/// Keywords wrapped in at most three lines of `width`, the rest counted (`show --json` has them
/// all): a long list would push the page's text off the screen.
fn keywords(all: &[String], width: usize) -> String {
    // Greedy, each word measured once.
    let wrap = |words: &mut dyn Iterator<Item = &str>, max: usize| {
        let mut lines: Vec<(String, usize)> = Vec::new();
        for word in words {
            let ww = word.width();
            let full = lines.len() == max;
            match lines.last_mut() {
                Some((l, lw)) if *lw + 1 + ww <= width => {
                    l.push(' ');
                    l.push_str(word);
                    *lw += 1 + ww;
                }
                _ if full => return None,
                _ => lines.push((word.to_string(), ww)),
            }
        }
        Some(
            lines
                .into_iter()
                .map(|(l, _)| l)
                .collect::<Vec<_>>()
                .join("\n"),
        )
    };
    // The words of the first `n` keywords, comma-separated.
    let words = |n: usize, then_more: bool| {
        all[..n].iter().enumerate().flat_map(move |(i, k)| {
            let last = i + 1 == n && !then_more;
            let mut ws: Vec<&str> = k.split(' ').collect();
            let end = ws.pop().unwrap_or_default();
            ws.into_iter().map(Cow::Borrowed).chain([if last {
                Cow::Borrowed(end)
            } else {
                Cow::Owned(format!("{end},"))
            }])
        })
    };
    let take = |n: usize, more: Option<String>| {
        let ws: Vec<Cow<str>> = words(n, more.is_some())
            .chain(
                more.as_deref()
                    .unwrap_or_default()
                    .split(' ')
                    .filter(|w| !w.is_empty())
                    .map(|w| Cow::Owned(w.to_string())),
            )
            .collect();
        wrap(&mut ws.iter().map(|w| w.as_ref()), 3)
    };
    // Appending words never takes fewer lines: past the first keyword that does not start
    // within three lines, no list is worth trying.
    let mut fit = 0;
    {
        let mut lines = 0;
        let mut lw = 0;
        'all: for (i, k) in all.iter().enumerate() {
            let mut ws: Vec<&str> = k.split(' ').collect();
            let end = ws.pop().unwrap_or_default();
            let end = format!("{end},");
            for w in ws.into_iter().chain([end.as_str()]) {
                let ww = w.width();
                if lines > 0 && lw + 1 + ww <= width {
                    lw += 1 + ww;
                } else {
                    lines += 1;
                    lw = ww;
                    if lines > 3 {
                        break 'all;
                    }
                }
            }
            fit = i + 1;
        }
    }
    if fit + 1 >= all.len()
        && let Some(whole) = take(all.len(), None)
    {
        return whole;
    }
    (1..=(fit + 1).min(all.len().saturating_sub(1)))
        .rev()
        .find_map(|n| take(n, Some(format!("+{} more", all.len() - n))))
        .unwrap_or_else(|| format!("+{} keywords", all.len()))
}

/// "Who may use it": each profile's verdict and what to do.
fn who(e: &Entry, r: &Renderer, out: &mut String) {
    r.heading("Who may use it", out);
    match overview(e) {
        Overview::OpenToAll => {
            r.markdown(
                "Open data: anyone may use it. **No request is needed.**",
                out,
            );
        }
        Overview::AccountOnly(link) => {
            let how = match link {
                Some(u) => format!("Anyone may use it once an account is made: {u}"),
                None => "Anyone may use it once an account is made.".into(),
            };
            r.markdown(&escape(&how), out);
        }
        Overview::Unstated(link) => {
            let how = match link {
                Some(u) => format!(
                    "Access is on request; this entry does not say who may ask. Request form: {u}"
                ),
                None => "This entry does not say who may use it.".into(),
            };
            r.markdown(&escape(&how), out);
        }
        Overview::Rules(rules) => {
            for rv in rules {
                let who = if rv.rule.who.is_empty() {
                    "(no profile named)".to_string()
                } else {
                    rv.rule.who.join(" · ")
                };
                r.markdown(
                    &format!("**{}** — {}", escape(&who), rv.verdict.words()),
                    out,
                );
                let desc = to_markdown(&rv.rule.description);
                if desc.is_empty() {
                    if let Some(u) = rv.request {
                        r.markdown(&format!("→ Request access: {u}"), out);
                    }
                } else {
                    r.markdown(&desc, out);
                }
            }
        }
    }
}

/// The whole page of an entry.
pub fn page(e: &Entry, style: &Style, known: &HashSet<String>) -> String {
    let r = Renderer::new(style).with_known(known, &e.slug);
    let mut out = String::new();
    let mut title = String::new();
    r.markdown(&format!("**{}**", escape(e.title.trim())), &mut title);
    let title = title.trim_end();
    out.push_str(title);
    out.push('\n');
    let longest = title.lines().map(visible_width).max().unwrap_or(0);
    out.push_str(&"═".repeat(longest.min(r.width)));
    out.push('\n');
    if let Some(t) = &e.tagline {
        r.markdown(&escape(t), &mut out);
    } else {
        out.push('\n');
    }
    facts(e, &r, &mut out);
    who(e, &r, &mut out);
    let intro = e
        .content_intro
        .as_deref()
        .map(to_markdown)
        .unwrap_or_default();
    let body = to_markdown(&e.body);
    if !intro.is_empty() || !body.is_empty() {
        r.heading("About", &mut out);
        r.markdown(&intro, &mut out);
        r.markdown(&body, &mut out);
    }
    hyperlinks(out.trim_end().to_string() + "\n", style)
}

/// On a colour terminal, every URL is also a hyperlink (OSC 8), still printed in full. Never
/// into a pipe or a file: there the sequences would be noise.
pub fn hyperlinks(text: String, style: &Style) -> String {
    if !(style.tty && style.color) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text.as_str();
    while let Some(i) = ["https://", "http://"]
        .iter()
        .filter_map(|p| rest.find(p))
        .min()
    {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail
            .find(|c: char| c.is_whitespace() || c == '\x1b')
            .unwrap_or(tail.len());
        let url = url_end(&tail[..end], false);
        out.push_str(&format!("\x1b]8;;{url}\x1b\\{url}\x1b]8;;\x1b\\"));
        rest = &tail[url.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn renderer(color: bool) -> Renderer<'static> {
        Renderer::new(&Style {
            color,
            width: 80,
            tty: false,
        })
    }

    /// The real catalogue beside the checkout; without it these tests are skipped, loudly,
    /// unless `APICAT_REQUIRE_CORPUS` is set (CI), when they fail.
    fn corpus() -> Option<std::path::PathBuf> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/api");
        if dir.is_dir() {
            return Some(dir);
        }
        assert!(
            std::env::var_os("APICAT_REQUIRE_CORPUS").is_none(),
            "APICAT_REQUIRE_CORPUS is set but {} is absent",
            dir.display()
        );
        eprintln!("corpus absent at {}: test SKIPPED", dir.display());
        None
    }

    #[test]
    fn latin_text_is_counted_as_unicode_width_measures_it() {
        for c in (' '..='~').chain('\u{a0}'..='\u{2ff}') {
            let s = format!("a{c}b{c}{c}");
            assert_eq!(columns(&s), s.width(), "U+{:04X}", c as u32);
        }
        for s in [
            "",
            "Données générales",
            "é\u{301}",
            "a\u{ad}b",
            "日本",
            "x\u{200b}y",
            "\t",
        ] {
            assert_eq!(columns(s), s.width(), "{s:?}");
        }
    }

    /// The lines of plain words of the real catalogue's pages are wrapped as termimad wraps
    /// them, at widths from 20 to 100, with colour and without.
    #[test]
    fn plain_words_wrap_as_termimad_wraps_them() {
        let Some(dir) = corpus() else { return };
        let mut lines: Vec<String> =
            vec!["Un texte assez long pour être coupé en plusieurs lignes".into()];
        for f in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let text = std::fs::read_to_string(f.path()).unwrap_or_default();
            lines.extend(to_markdown(&text).lines().map(str::to_string));
        }
        let plain: Vec<&String> = lines.iter().filter(|l| is_plain_words(l)).collect();
        assert!(plain.len() > 100, "{} plain lines", plain.len());
        for color in [false, true] {
            let r = renderer(color);
            for width in (20..=100).step_by(3) {
                for l in &plain {
                    let Some(ours) = wrap_plain(l, width) else {
                        continue;
                    };
                    let theirs: String = r
                        .skin
                        .text(l, Some(width))
                        .to_string()
                        .lines()
                        .map(|x| format!("{}\n", trim_end_visible(x)))
                        .collect();
                    assert_eq!(ours, theirs, "{width}: {l}");
                }
            }
        }
    }

    /// The cells a table of the real catalogue holds that skip termimad are shown as termimad
    /// would show them, with colour and without.
    #[test]
    fn plain_words_are_what_termimad_gives_back() {
        let Some(dir) = corpus() else { return };
        let mut parts: Vec<String> = [
            "Les données générales",
            "INSEE (Paris), 2019-2020 : 12 % « ok »",
        ]
        .map(String::from)
        .to_vec();
        for f in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let text = std::fs::read_to_string(f.path()).unwrap_or_default();
            let md = to_markdown(&text);
            for line in md.lines().filter(|l| l.starts_with('|')) {
                for cell in cells(line) {
                    parts.extend(cell.split(CELL_BREAK).map(|p| p.trim().to_string()));
                }
            }
        }
        let plain: Vec<&String> = parts.iter().filter(|p| is_plain_words(p)).collect();
        assert!(plain.len() > 2, "{} parts", parts.len());
        for color in [false, true] {
            let r = renderer(color);
            for p in &plain {
                let shown = r.skin.text(p, Some(p.width())).to_string();
                assert_eq!(trim_start_visible(&trim_end_visible(&shown)), **p);
            }
        }
        assert!(!is_plain_words("- a list"));
        assert!(!is_plain_words("**bold**"));
        assert!(!is_plain_words("1. first"));
    }

    #[test]
    fn long_urls_become_notes_short_ones_stay() {
        let (t, n) = notes_for_long_urls(
            "voir (https://a.fr/x) et (https://b.fr/very/long/path)",
            20,
            false,
            0,
        );
        assert_eq!(t, "voir (https://a.fr/x) et [1]");
        assert_eq!(n, vec![(1, "https://b.fr/very/long/path".to_string())]);
        let (t, n) = notes_for_long_urls("|a|https://a.fr|\n", 80, true, 2);
        assert_eq!(t, "|a|[3]|\n");
        assert_eq!(n[0].1, "https://a.fr");
        let (t, n) = notes_for_long_urls(
            "(voir (https://a.fr/x.)) (https://w.fr/a_(b)).",
            10,
            false,
            0,
        );
        assert_eq!(t, "(voir [1]) [2].");
        assert_eq!(n[0].1, "https://a.fr/x.");
        assert_eq!(n[1].1, "https://w.fr/a_(b)");
        let (t, n) = notes_for_long_urls("see https://a.fr/long/path.", 10, false, 0);
        assert_eq!(t, "see [1].");
        assert_eq!(n[0].1, "https://a.fr/long/path");
    }

    #[test]
    fn too_wide_lines_are_rewrapped_at_spaces() {
        let mut out = String::new();
        fit("aaa bbb ccc", 7, &mut out);
        assert_eq!(out, "aaa bbb\nccc\n");
        let mut out = String::new();
        fit("https://a.very.long/url", 7, &mut out);
        assert_eq!(out, "https://a.very.long/url\n");
        let mut out = String::new();
        fit("abcdefghij", 4, &mut out);
        assert_eq!(out, "abcd\nefgh\nij\n");
    }

    fn style(color: bool, width: usize) -> Style {
        Style {
            color,
            width,
            tty: false,
        }
    }

    #[test]
    fn escape_sequences_take_no_width_and_are_never_split() {
        let line = "\x1b[1maaa\x1b[0m \x1b[38;5;249mbbb\x1b[0m ccc";
        let mut out = String::new();
        fit(line, 11, &mut out);
        assert_eq!(out, format!("{line}\n"));
        let mut out = String::new();
        fit(line, 7, &mut out);
        assert_eq!(out, "\x1b[1maaa\x1b[0m \x1b[38;5;249mbbb\x1b[0m\nccc\n");
        let mut out = String::new();
        fit("\x1b[1mabcdefghij\x1b[0m", 4, &mut out);
        assert_eq!(strip_escapes(&out), "abcd\nefgh\nij\n");
        assert!(
            out.lines()
                .all(|l| !l.ends_with("\x1b[1") && !l.starts_with('m'))
        );
        assert_eq!(trim_end_visible("a \x1b[0m  "), "a\x1b[0m");
        assert_eq!(trim_start_visible("\x1b[1m  a"), "\x1b[1ma");
    }

    #[test]
    fn a_long_url_in_a_code_span_becomes_a_note_and_the_span_still_closes() {
        let r = Renderer::new(&style(false, 30));
        let mut out = String::new();
        r.markdown(
            "Par exemple, l'adresse `https://api.example.fr/referentiels/v1/apt.json` vous \
             permet d'extraire toute ou partie du référentiel.",
            &mut out,
        );
        assert_eq!(
            out,
            "Par exemple, l'adresse [1]\nvous permet d'extraire toute\nou partie du référentiel.\n\
             [1]\nhttps://api.example.fr/referentiels/v1/apt.json\n\n"
        );
    }

    #[test]
    fn a_table_gives_each_column_its_longest_word_where_all_fit() {
        let md =
            "| Nom | Description |\n|-|-|\n| CSG et CRDS | le montant journalier de l'indemnité |";
        let r = Renderer::new(&style(false, 24));
        let mut out = String::new();
        r.markdown(md, &mut out);
        assert!(out.contains("l'indemnité"), "{out}");
        assert!(out.lines().all(|l| l.width() <= 24), "{out}");
    }

    #[test]
    fn a_lone_star_in_a_cell_takes_its_room() {
        // As the markup conversion gives it: the lone star escaped.
        let md = "| Champ | Note |\n|-|-|\n| prix_ht | 5 \\* 3 |";
        let r = Renderer::new(&style(false, 80));
        let mut out = String::new();
        r.markdown(md, &mut out);
        assert!(out.contains("│5 * 3│"), "{out}");
    }

    #[test]
    fn a_long_link_in_a_fact_is_a_note_not_cut() {
        let url = "https://entreprise.api.gouv.fr/developpeurs#respecter-la-volumetrie";
        let e = Entry {
            slug: "api-x".into(),
            title: "API X".into(),
            rate_limiting_resume: Some("2000 appels / 10 minutes".into()),
            rate_limiting_description: Some(format!("Au-delà, contactez le support. {url}")),
            ..Entry::default()
        };
        for width in [80, 40, 24] {
            let page = page(&e, &style(false, width), &HashSet::new());
            assert!(page.lines().any(|l| l.ends_with(url)), "{page}");
        }
    }

    #[test]
    fn code_is_printed_verbatim() {
        let r = Renderer::new(&style(false, 20));
        let mut out = String::new();
        let code = "<iframe src=\"https://a.fr/very/long/path\" width=\"100%\"></iframe>";
        r.markdown(&format!("```html\n{code}\n```"), &mut out);
        assert_eq!(out, format!("    {code}\n\n"));
    }

    #[test]
    fn a_table_too_wide_becomes_header_value_lines() {
        let md = "|Nom|Fournisseur|Données|Disponible|\n|-|-|-|-|\n|Quotient|CNAF|Quotient familial · Documentation|oui|\n|B|MESR||non|";
        let r = Renderer::new(&style(false, 40));
        let mut out = String::new();
        r.markdown(md, &mut out);
        assert_eq!(
            out,
            "Nom: Quotient\nFournisseur: CNAF\nDonnées: Quotient familial\nDocumentation\nDisponible: oui\n\n\
             Nom: B\nFournisseur: MESR\nDisponible: non\n\n"
        );
        // Wide enough: a table, every column whole.
        let r = Renderer::new(&style(false, 80));
        let mut out = String::new();
        r.markdown(md, &mut out);
        assert!(out.starts_with("│Nom     │Fournisseur│Données"), "{out}");
        assert!(
            out.contains("│Quotient│CNAF       │Quotient familial│oui"),
            "{out}"
        );
        assert!(
            out.contains("│        │           │Documentation    │"),
            "{out}"
        );
    }

    #[test]
    fn code_spans_are_not_wrapped_inside() {
        assert_eq!(unbreakable("a `b c` d"), ["a", "`b c`", "d"]);
    }

    #[test]
    fn headings_show_without_colour() {
        let r = Renderer::new(&style(false, 40));
        let mut out = String::new();
        r.markdown("### Données", &mut out);
        assert_eq!(out, "Données\n┄┄┄┄┄┄┄\n\n");
    }

    #[test]
    fn keywords_take_three_lines_at_most() {
        let all: Vec<String> = (0..40).map(|i| format!("mot{i}")).collect();
        let k = keywords(&all, 30);
        assert_eq!(k.lines().count(), 3, "{k}");
        assert!(k.ends_with("more"), "{k}");
        let shown = k.matches("mot").count();
        assert!(k.contains(&format!("+{} more", 40 - shown)), "{k}");
        assert_eq!(keywords(&all[..3], 30), "mot0, mot1, mot2");
    }

    #[test]
    fn links_to_served_entries_name_the_command() {
        let known: HashSet<String> = ["api-a".to_string(), "moi".to_string()].into();
        let r = Renderer::new(&style(false, 80)).with_known(&known, "moi");
        let mut out = String::new();
        r.markdown(
            "Voir A (https://api.gouv.fr/les-api/api-a/demande-acces), B (https://api.gouv.fr/les-api/api-b) et moi (https://api.gouv.fr/les-api/moi).",
            &mut out,
        );
        assert!(out.ends_with("\n→ apicat show api-a\n\n"), "{out}");
        assert_eq!(out.matches("apicat show").count(), 1, "{out}");
    }

    #[test]
    fn hyperlinks_only_on_a_colour_terminal() {
        let text = "Site : https://a.fr/x. Fin\n".to_string();
        let tty = Style {
            color: true,
            width: 80,
            tty: true,
        };
        assert_eq!(
            hyperlinks(text.clone(), &tty),
            "Site : \x1b]8;;https://a.fr/x\x1b\\https://a.fr/x\x1b]8;;\x1b\\. Fin\n"
        );
        assert_eq!(hyperlinks(text.clone(), &style(true, 80)), text);
        let plain_tty = Style {
            color: false,
            ..tty
        };
        assert_eq!(hyperlinks(text.clone(), &plain_tty), text);
    }

    #[test]
    fn plain_text_of_markup() {
        assert_eq!(plain("Un **gras** <b>x</b>\n\nsuite"), "Un gras x suite");
    }

    #[test]
    fn blocks_keep_code_fences_whole() {
        assert_eq!(blocks("a\n\n```\nx\n\ny\n```\n\nb").len(), 3);
    }
}
