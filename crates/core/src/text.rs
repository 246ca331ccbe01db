//! Text helpers shared by every part of apicat: folding for comparison, slugs, and making
//! catalogue text safe to print.

use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds one character for comparison: lowercase, accents removed, ligatures spelled out,
/// both apostrophes made the same.
pub fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() && c != '`' {
        out.push(c.to_ascii_lowercase());
    } else if let Some(f) = (c as usize)
        .checked_sub(LATIN_START)
        .and_then(|i| LATIN.get(i))
    {
        // French text is mostly Latin letters with accents: looked up, not decomposed.
        out.push_str(f.get_or_init(|| {
            let mut s = String::new();
            fold_char_decomposed(c, &mut s);
            s
        }));
    } else {
        fold_char_decomposed(c, out);
    }
}

const LATIN_START: usize = 0x80;

/// The folds of U+0080–U+024F, each made the first time it is needed.
static LATIN: [std::sync::OnceLock<String>; 0x250 - LATIN_START] =
    [const { std::sync::OnceLock::new() }; 0x250 - LATIN_START];

fn fold_char_decomposed(c: char, out: &mut String) {
    match c {
        'œ' | 'Œ' => out.push_str("oe"),
        'æ' | 'Æ' => out.push_str("ae"),
        'ß' => out.push_str("ss"),
        '’' | '‘' | 'ʼ' | '`' | '´' => out.push('\''),
        c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
        c => {
            for d in c.nfd().filter(|d| !is_combining_mark(*d)) {
                out.extend(d.to_lowercase());
            }
        }
    }
}

/// Lowercase, accent-free form used for every comparison (`Procédures` → `procedures`).
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// [`fold`] appended to `out`.
pub fn fold_into(s: &str, out: &mut String) {
    // Most catalogue text is ASCII between accented letters: copy ASCII runs in bulk.
    let mut rest = s;
    while !rest.is_empty() {
        let ascii = ascii_run(rest.as_bytes());
        let start = out.len();
        out.push_str(&rest[..ascii]);
        out[start..].make_ascii_lowercase();
        rest = &rest[ascii..];
        if let Some(c) = rest.chars().next() {
            fold_char(c, out);
            rest = &rest[c.len_utf8()..];
        }
    }
}

/// How many bytes `b` starts with that are ASCII and not a backtick (which folds to an
/// apostrophe): eight at a time.
fn ascii_run(b: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = 0;
    while let Some(chunk) = b.get(i..i + 8) {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let tick = x ^ (u64::from(b'`') * ONES);
        if (x | (tick.wrapping_sub(ONES) & !tick)) & HIGH != 0 {
            break;
        }
        i += 8;
    }
    i + b[i..]
        .iter()
        .position(|&c| !c.is_ascii() || c == b'`')
        .unwrap_or(b.len() - i)
}

/// Folds `s` and returns, for each byte of the folded text, the byte offset in `s` of the
/// character it came from, so that matches found in folded text can be highlighted in the
/// original.
pub fn fold_with_offsets(s: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(s.len());
    let mut offsets = Vec::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        let before = out.len();
        fold_char(c, &mut out);
        offsets.extend(std::iter::repeat_n(i, out.len() - before));
    }
    (out, offsets)
}

/// The pieces of `s` between newlines, as `s.split('\n')` gives them, found with `memchr`:
/// front matter lines are short, and a string search costs more to start than to run.
pub fn split_lines(s: &str) -> impl Iterator<Item = &str> {
    let mut start = Some(0);
    let mut ends = memchr::memchr_iter(b'\n', s.as_bytes());
    std::iter::from_fn(move || {
        let from = start?;
        match ends.next() {
            Some(end) => {
                start = Some(end + 1);
                s.get(from..end)
            }
            None => {
                start = None;
                s.get(from..)
            }
        }
    })
}

/// The words of an already folded text: runs of letters and digits.
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    Words { rest: folded }
}

/// [`words`] with ASCII read byte by byte: indexing a large folder splits every body.
struct Words<'a> {
    rest: &'a str,
}

/// ASCII letters and digits; other bytes are either ASCII and not part of a word, or part of
/// a longer character.
static ASCII_WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 128 {
        t[i] = (i as u8).is_ascii_alphanumeric();
        i += 1;
    }
    t
};

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let s = self.rest;
        let b = s.as_bytes();
        let mut i = 0;
        // ASCII runs are stepped over byte by byte; only other characters are decoded.
        loop {
            while i < b.len() && b[i].is_ascii() && !ASCII_WORD[usize::from(b[i])] {
                i += 1;
            }
            if i == b.len() {
                self.rest = "";
                return None;
            }
            if b[i].is_ascii() {
                break;
            }
            let c = s[i..].chars().next()?;
            if c.is_alphanumeric() {
                break;
            }
            i += c.len_utf8();
        }
        let start = i;
        loop {
            while i < b.len() && ASCII_WORD[usize::from(b[i])] {
                i += 1;
            }
            if i == b.len() || b[i].is_ascii() {
                break;
            }
            let c = s[i..].chars().next()?;
            if !c.is_alphanumeric() {
                break;
            }
            i += c.len_utf8();
        }
        self.rest = &s[i..];
        Some(&s[start..i])
    }
}

/// Where each word of `s` starts and ends, as [`words`] splits it, given to `found` in
/// order: eight ASCII bytes are classed at once, and only other characters decoded.
pub fn word_spans(s: &str, mut found: impl FnMut(usize, usize)) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte of `x` (all ASCII) that is at least `lo`.
    let at_least = |x: u64, lo: u8| ((x | HIGH) - u64::from(lo) * ONES) & HIGH;
    let b = s.as_bytes();
    let mut start = None;
    let mut i = 0;
    while i < b.len() {
        if let Some(chunk) = b.get(i..i + 8) {
            let x = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
            if x & HIGH == 0 {
                let digit = at_least(x, b'0') & !at_least(x, b'9' + 1);
                let upper = at_least(x, b'A') & !at_least(x, b'Z' + 1);
                let lower = at_least(x, b'a') & !at_least(x, b'z' + 1);
                // Byte k of the chunk is a word's when bit 8k + 7 is set.
                let word = digit | upper | lower;
                let gap = !word & HIGH;
                let mut from_byte = 0;
                loop {
                    let after = u64::MAX << (from_byte * 8);
                    match start {
                        Some(from) => {
                            let Some(end) = first_byte(gap & after) else {
                                break;
                            };
                            found(from, i + end);
                            start = None;
                            from_byte = end;
                        }
                        None => {
                            let Some(at) = first_byte(word & after) else {
                                break;
                            };
                            start = Some(i + at);
                            from_byte = at;
                        }
                    }
                }
                i += 8;
                continue;
            }
        }
        // A character at a time, up to the next that starts on an ASCII byte.
        let stop = (i + 8).min(b.len());
        while i < stop || (i < b.len() && !b[i].is_ascii() && b[i] & 0xc0 == 0x80) {
            let (is_word, len) = match b[i] {
                c if c.is_ascii() => (ASCII_WORD[usize::from(c)], 1),
                _ => match s.get(i..).and_then(|r| r.chars().next()) {
                    Some(c) => (c.is_alphanumeric(), c.len_utf8()),
                    None => (false, 1),
                },
            };
            match (is_word, start) {
                (true, None) => start = Some(i),
                (false, Some(from)) => {
                    found(from, i);
                    start = None;
                }
                _ => {}
            }
            i += len;
        }
    }
    if let Some(from) = start {
        found(from, b.len());
    }
}

/// The first byte of a chunk whose high bit is set in `bits`.
fn first_byte(bits: u64) -> Option<usize> {
    (bits != 0).then(|| bits.trailing_zeros() as usize / 8)
}

/// The bundled catalogue's slug for a title: lowercase ASCII, accents folded, every run of
/// other characters one hyphen.
///
/// ```
/// use apicat_core::text::slugify;
/// assert_eq!(slugify("Procédures collectives, France entière"), "procedures-collectives-france-entiere");
/// ```
pub fn slugify(title: &str) -> String {
    let folded = fold(title);
    let mut slug = String::with_capacity(folded.len());
    let mut pending_hyphen = false;
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_hyphen && !slug.is_empty() {
                slug.push('-');
            }
            pending_hyphen = false;
            slug.push(c);
        } else {
            pending_hyphen = true;
        }
    }
    slug
}

/// Characters that must not reach a terminal raw: controls, and what can hide or reorder
/// text (bidirectional controls, zero-width and invisible characters, line and paragraph
/// separators, interlinear annotations, tag characters), and characters that draw nothing
/// yet are not spaces (soft hyphen, Hangul and braille fillers, format controls of scripts).
/// Not variation selectors: they only choose how an emoji is drawn, and the catalogue uses
/// them (⚠️).
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c,
            '\u{AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E007F}')
}

/// Makes catalogue text safe for a terminal: control characters (ESC, BEL, C1, DEL…) and
/// bidirectional or zero-width marks become visible escapes such as `\x1b`; newlines stay,
/// a tab becomes spaces, and carriage returns are dropped.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !needs_sanitizing(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    // Control characters in a row past the first few are counted, not each shown: a file of
    // NUL bytes would otherwise be shown four times its size.
    let mut run = 0usize;
    let end_run = |run: &mut usize, out: &mut String| {
        if *run > MAX_CONTROL_RUN {
            let more = *run - MAX_CONTROL_RUN;
            let s = if more == 1 { "" } else { "s" };
            out.push_str(&format!("…(+{more} control character{s})"));
        }
        *run = 0;
    };
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // Up to the next byte that may start a character to change, copied as it is.
        let clean = may_start_unsafe(&b[i..]).unwrap_or(b.len() - i);
        if clean > 0 {
            if run > 0 {
                end_run(&mut run, &mut out);
            }
            out.push_str(&s[i..i + clean]);
            i += clean;
            continue;
        }
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        let control = c.is_control() && !matches!(c, '\r' | '\t' | '\n');
        if !control && run > 0 {
            end_run(&mut run, &mut out);
        }
        match c {
            // Soft hyphens: terminals disagree on their width, and nobody reads them.
            '\r' | '\u{AD}' => {}
            '\t' => out.push_str("    "),
            '\n' | '\u{2028}' | '\u{2029}' => out.push('\n'),
            // Control characters are shown, so that nothing is hidden from the reader.
            c if c.is_control() => {
                run += 1;
                if run <= MAX_CONTROL_RUN {
                    out.push_str(&format!("\\x{:02x}", c as u32));
                }
            }
            // Zero-width and direction marks are dropped: shown, they would only be noise,
            // and kept, they could reorder what the terminal shows.
            c if is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    end_run(&mut run, &mut out);
    Cow::Owned(out)
}

/// Control characters in a row shown one by one; the rest of the run is counted.
const MAX_CONTROL_RUN: usize = 8;

/// Bytes that can start a character [`sanitize`] changes: controls but the newline, DEL, and
/// the lead bytes of the characters [`is_unsafe`] names.
static MAY_START_UNSAFE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = i != b'\n' as usize;
        i += 1;
    }
    t[0x7f] = true;
    t[0xc2] = true;
    t[0xcd] = true;
    t[0xd8] = true;
    t[0xe1] = true;
    t[0xe2] = true;
    t[0xe3] = true;
    t[0xef] = true;
    t[0xf0] = true;
    t[0xf3] = true;
    t
};

/// Whether eight bytes (little-endian) are each printable ASCII (0x20–0x7e) or a newline.
pub(crate) fn printable_or_newlines(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    if w & HIGH != 0 {
        return false;
    }
    // Each newline made a `*` first: its high bit marks a byte that is not zero once
    // compared, exactly (no carry from byte to byte), so the others are left as they are.
    let v = w ^ (b'\n' as u64 * ONES);
    let other = (((v & !HIGH) + !HIGH) | v) & HIGH;
    let w = w + ((!other & HIGH) >> 2);
    // No byte < 0x20 or equal to 0x7f (each test exact as no byte is ≥ 0x80).
    let del = w ^ (0x7f * ONES);
    (w.wrapping_sub(0x20 * ONES) | del.wrapping_sub(ONES)) & HIGH == 0
}

/// Where the first byte of [`MAY_START_UNSAFE`] is. Eight bytes are looked at at once: most
/// are printable ASCII or newlines, which none of them is.
fn may_start_unsafe(b: &[u8]) -> Option<usize> {
    let mut chunks = b.chunks_exact(8);
    let mut at = 0;
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().unwrap_or_default());
        if !printable_or_newlines(w)
            && let Some(p) = c.iter().position(|&x| MAY_START_UNSAFE[usize::from(x)])
        {
            return Some(at + p);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&x| MAY_START_UNSAFE[usize::from(x)])
        .map(|p| at + p)
}

/// Whether [`sanitize`] would change anything: a byte scan, since most text is clean.
pub fn needs_sanitizing(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    // Skip quickly to the bytes that can start something unsafe.
    while let Some(p) = may_start_unsafe(&b[i..]) {
        i += p;
        let next = |k: usize| b.get(i + k).copied();
        let bad = match b[i] {
            // U+0080–U+009F (C1) and U+00AD (soft hyphen)
            0xc2 => next(1).is_some_and(|n| (0x80..=0x9f).contains(&n) || n == 0xad),
            // U+034F
            0xcd => next(1) == Some(0x8f),
            // U+061C
            0xd8 => next(1) == Some(0x9c),
            // U+115F–U+1160, U+17B4–U+17B5, U+180B–U+180F
            0xe1 => match (next(1), next(2)) {
                (Some(0x85), Some(n)) => n == 0x9f || n == 0xa0,
                (Some(0x9e), Some(n)) => n == 0xb4 || n == 0xb5,
                (Some(0xa0), Some(n)) => (0x8b..=0x8f).contains(&n),
                _ => false,
            },
            // U+200B–U+200F, U+2028–U+202E, U+2060–U+206F, U+2800
            0xe2 => match (next(1), next(2)) {
                (Some(0x80), Some(n)) => (0x8b..=0x8f).contains(&n) || (0xa8..=0xae).contains(&n),
                (Some(0x81), Some(n)) => (0xa0..=0xaf).contains(&n),
                (Some(0xa0), Some(0x80)) => true,
                _ => false,
            },
            // U+3164
            0xe3 => next(1) == Some(0x85) && next(2) == Some(0xa4),
            // U+FEFF, U+FFA0, U+FFF9–U+FFFB
            0xef => match (next(1), next(2)) {
                (Some(0xbb), Some(0xbf)) | (Some(0xbe), Some(0xa0)) => true,
                (Some(0xbf), Some(n)) => (0xb9..=0xbb).contains(&n),
                _ => false,
            },
            // U+13430–U+1343F, U+1BCA0–U+1BCA3, U+1D173–U+1D17A
            0xf0 => match (next(1), next(2), next(3)) {
                (Some(0x93), Some(0x90), Some(n)) => (0xb0..=0xbf).contains(&n),
                (Some(0x9b), Some(0xb2), Some(n)) => (0xa0..=0xa3).contains(&n),
                (Some(0x9d), Some(0x85), Some(n)) => (0xb3..=0xba).contains(&n),
                _ => false,
            },
            // U+E0000–U+E007F
            0xf3 => next(1) == Some(0xa0) && matches!(next(2), Some(0x80 | 0x81)),
            _ => true,
        };
        if bad {
            return true;
        }
        i += 1;
    }
    false
}

/// Text with every character [`is_unsafe`] shown as an escape (`\x1b`, `\u{200b}`), none
/// dropped: for names such as paths, which two files must never share on screen.
pub fn visible(s: &str) -> Cow<'_, str> {
    // Spaces other than the ASCII one too: in a name they pass for it.
    let odd = |c: char| is_unsafe(c) || (c.is_whitespace() && c != ' ');
    // Most names are printable ASCII, none of which is odd: a path per file read is shown so.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) || !s.chars().any(odd) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            c if (c as u32) < 0x100 && (c.is_control()) => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if odd(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Bytes another program may change while we read them (a mapped index) as safe text: copied
/// first, then checked and sanitised, so that what is shown is what was checked.
pub fn copied(b: &[u8]) -> String {
    sanitize_owned(copied_lossy(b))
}

/// Bytes copied before they are read as text (see [`copied`]), not sanitised.
pub fn copied_lossy(b: &[u8]) -> String {
    String::from_utf8(b.to_vec())
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// [`sanitize`] for text already owned: no copy when it is clean.
pub fn sanitize_owned(s: String) -> String {
    match sanitize(&s) {
        Cow::Owned(clean) => clean,
        Cow::Borrowed(_) => s,
    }
}

/// Same as [`sanitize`], for text that must stay on one line.
pub fn sanitize_line(s: &str) -> String {
    sanitize(s).replace('\n', " ")
}

/// A number as people write it in French text: `99,5 %`, ` 12 `.
pub fn number(s: &str) -> Option<f64> {
    s.trim()
        .trim_end_matches('%')
        .trim()
        .replace(',', ".")
        .parse()
        .ok()
}

/// Edit distance with adjacent transpositions (optimal string alignment), on chars.
pub fn edit_distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

/// Folded French articles and the little words around them: they do not tell one kind of
/// person from another ("Une collectivité ou une administration").
pub const ARTICLES: &[&str] = &[
    "a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "ou", "pour",
    "qui", "s", "se", "un", "une",
];

/// Other folded French function words (prepositions, pronouns…): with [`ARTICLES`], what a
/// search ignores.
pub const OTHER_FUNCTION_WORDS: &[&str] = &[
    "avec", "ce", "ces", "cet", "cette", "dans", "elle", "il", "j", "je", "leur", "leurs", "lui",
    "ma", "mais", "me", "mes", "moi", "mon", "n", "ne", "nos", "notre", "nous", "on", "par", "pas",
    "qu", "que", "sa", "sur", "t", "ta", "te", "tes", "ton", "tu", "ses", "son", "vos", "votre",
    "vous", "y",
];

/// Whether a folded word is a French function word. None is longer than five bytes: most
/// words are told apart by their length alone (every search field's words are tested).
pub fn is_function_word(w: &str) -> bool {
    w.len() <= 5 && (ARTICLES.contains(&w) || OTHER_FUNCTION_WORDS.contains(&w))
}

/// A folded French plural's singular, for matching (`impots` → `impot`, `reseaux` →
/// `reseau`); `None` for words that do not read as plurals (`bus`, `adresse`, `acces`).
pub fn singular(word: &str) -> Option<&str> {
    (word.len() > 3)
        .then(|| word.strip_suffix('s').or_else(|| word.strip_suffix('x')))
        .flatten()
        .filter(|t| !t.ends_with('s'))
}

/// Up to `max` candidates close to `wanted` (by folded edit distance or prefix), best first,
/// for "did you mean" lines.
pub fn suggestions<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    max: usize,
) -> Vec<&'a str> {
    let w = fold(wanted);
    if w.is_empty() {
        return Vec::new();
    }
    let limit = (w.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter_map(|c| {
            let f = fold(c);
            let d = edit_distance(&w, &f);
            if d <= limit {
                Some((d, c))
            } else if f.starts_with(&w) || (w.len() >= 4 && f.contains(&w)) {
                Some((limit + 1, c))
            } else {
                None
            }
        })
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(max).map(|(_, c)| c).collect()
}

/// The text of each file of the corpus folders `dirs` (none when the corpus is not beside the
/// checkout), for tests that compare two ways of reading real files.
#[cfg(test)]
pub(crate) fn corpus_texts(dirs: &[&str]) -> Vec<String> {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    dirs.iter()
        .flat_map(|d| std::fs::read_dir(corpus.join(d)).into_iter().flatten())
        .filter_map(|f| std::fs::read_to_string(f.ok()?.path()).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copied_bytes_become_safe_text() {
        assert_eq!(copied("Adresse é".as_bytes()), "Adresse é");
        let shown = copied(b"a\xff\x1b]0;x\x07\xe2\x80\xaeb");
        assert!(
            !shown.chars().any(|c| c.is_control() || c == '\u{202e}'),
            "{shown:?}"
        );
        assert!(shown.starts_with('a') && shown.ends_with('b'), "{shown:?}");
    }

    #[test]
    fn latin_letters_fold_as_decomposed() {
        // The looked-up folds are the decomposition's, for every character up to U+02FF.
        for c in (0..0x300u32).filter_map(char::from_u32) {
            let (mut looked_up, mut decomposed) = (String::new(), String::new());
            fold_char(c, &mut looked_up);
            fold_char(c, &mut looked_up);
            fold_char_decomposed(c, &mut decomposed);
            fold_char_decomposed(c, &mut decomposed);
            assert_eq!(looked_up, decomposed, "{c:?}");
        }
        assert_eq!(fold("Œuvre É`é’"), "oeuvre e'e'");
    }

    #[test]
    fn words_split_as_unicode_says() {
        let texts = [
            "",
            "   ",
            "api adresse",
            "l’api—ban 2½ fois: «ok»!",
            "éé ü\u{200b}x 漢字 ١٢٣ a\u{301}b",
            "trailing word",
            "..x..",
            "\u{1F600}emoji\u{1F600}",
        ];
        for t in texts {
            let expected: Vec<&str> = t
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            assert_eq!(words(t).collect::<Vec<_>>(), expected, "{t:?}");
        }
    }

    #[test]
    fn slugs_of_the_seed_titles() {
        assert_eq!(slugify("API Entreprise"), "api-entreprise");
        assert_eq!(
            slugify("Procédures collectives, France entière"),
            "procedures-collectives-france-entiere"
        );
        assert_eq!(
            slugify("Auto-entrepreneurs, par secteur d'activité"),
            "auto-entrepreneurs-par-secteur-d-activite"
        );
        assert_eq!(slugify("  --Œuvres & co!! "), "oeuvres-co");
        assert_eq!(slugify(""), "");
    }

    #[test]
    fn folding_removes_case_accents_and_apostrophe_kinds() {
        assert_eq!(fold("Procédures ÉLÈVES"), "procedures eleves");
        assert_eq!(fold("l’Urssaf"), fold("l'urssaf"));
        assert_eq!(fold("Cœur"), "coeur");
    }

    #[test]
    fn offsets_point_back_into_the_original() {
        let (f, o) = fold_with_offsets("Éa’b");
        assert_eq!(f, "ea'b");
        assert_eq!(o, vec![0, 2, 3, 6]);
    }

    #[test]
    fn lines_are_split_as_str_splits_them() {
        let mut texts: Vec<String> = [
            "",
            "\n",
            "\n\n",
            "a",
            "a\n",
            "\na",
            "a\r\nb\r\n",
            "é\nè\n\nà",
        ]
        .map(String::from)
        .to_vec();
        texts.extend(corpus_texts(&["api"]));
        for t in &texts {
            let ours: Vec<&str> = split_lines(t).collect();
            let theirs: Vec<&str> = t.split('\n').collect();
            assert_eq!(ours, theirs, "{t:?}");
        }
    }

    #[test]
    fn no_function_word_is_longer_than_five_bytes() {
        for w in ARTICLES.iter().chain(OTHER_FUNCTION_WORDS) {
            assert!(w.len() <= 5, "{w}");
            assert!(is_function_word(w), "{w}");
        }
    }

    #[test]
    fn word_spans_split_as_words_does() {
        let mut texts: Vec<String> = [
            "",
            "a",
            "abcdefgh",
            "abcdefghi jklmnopqrstuvwxyz0123456789 ABCDEFGH-ijkl",
            "l'accès à l’API (v2) coûte 0 € ; Ωμέγα ≠ ω… 日本語テキスト x",
            "éééééééééééé ---------------- é-é-é-é-é ab€cd 12345678é",
            "`tick` [z] {a} @A Z[ z{ 9: /0",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        texts.extend(corpus_texts(&["api"]).iter().map(|t| fold(t)));
        texts.extend(corpus_texts(&["api"]));
        for t in &texts {
            // At every start, so that chunks fall everywhere.
            for from in 0..t.len().min(9) {
                let Some(t) = t.get(from..) else { continue };
                let mut ours = Vec::new();
                word_spans(t, |a, b| ours.push(&t[a..b]));
                let theirs: Vec<&str> = words(t).collect();
                assert_eq!(ours, theirs, "{t:?}");
            }
        }
    }

    #[test]
    fn eight_bytes_are_printable_or_newlines_when_each_is() {
        let each = |w: [u8; 8]| w.iter().all(|&b| b == b'\n' || (0x20..0x7f).contains(&b));
        for v in 0..=255u8 {
            for at in 0..8 {
                for fill in [b'a', b'\n', b' ', b'~'] {
                    let mut w = [fill; 8];
                    w[at] = v;
                    let got = printable_or_newlines(u64::from_le_bytes(w));
                    assert_eq!(got, each(w), "{w:?}");
                }
            }
        }
    }

    #[test]
    fn the_eight_byte_scan_finds_what_a_byte_scan_finds() {
        let naive = |b: &[u8]| b.iter().position(|&x| MAY_START_UNSAFE[usize::from(x)]);
        // Every byte value at every place of a chunk, after clean text of each length.
        for v in 0..=255u8 {
            for len in 0..20 {
                for at in 0..len {
                    let mut b = vec![b'a'; len];
                    b[at] = v;
                    assert_eq!(may_start_unsafe(&b), naive(&b), "{v:#x} at {at} of {len}");
                }
            }
        }
        // Mixed bytes, with borrows from one byte to the next.
        let mut x = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            let b: Vec<u8> = (0..24)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    [b' ', b'\n', 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0xc3, b'e'][(x % 9) as usize]
                })
                .collect();
            assert_eq!(may_start_unsafe(&b), naive(&b), "{b:?}");
        }
    }

    /// [`sanitize`] as it was first written, a character at a time: the oracle of the fast one.
    fn sanitize_each_char(s: &str) -> String {
        let mut out = String::new();
        let mut run = 0usize;
        let end_run = |run: &mut usize, out: &mut String| {
            if *run > MAX_CONTROL_RUN {
                let more = *run - MAX_CONTROL_RUN;
                let s = if more == 1 { "" } else { "s" };
                out.push_str(&format!("…(+{more} control character{s})"));
            }
            *run = 0;
        };
        for c in s.chars() {
            let control = c.is_control() && !matches!(c, '\r' | '\t' | '\n');
            if !control && run > 0 {
                end_run(&mut run, &mut out);
            }
            match c {
                '\r' | '\u{AD}' => {}
                '\t' => out.push_str("    "),
                '\n' | '\u{2028}' | '\u{2029}' => out.push('\n'),
                c if c.is_control() => {
                    run += 1;
                    if run <= MAX_CONTROL_RUN {
                        out.push_str(&format!("\\x{:02x}", c as u32));
                    }
                }
                c if is_unsafe(c) => {}
                c => out.push(c),
            }
        }
        end_run(&mut run, &mut out);
        out
    }

    #[test]
    fn sanitize_copies_clean_runs_as_each_character_would() {
        let mut texts = corpus_texts(&["api"]);
        let specials = (0u32..0x300)
            .chain(0x2000..0x2070)
            .chain(0xfe00..0x10000)
            .chain([
                0x61c, 0x34f, 0x115f, 0x17b4, 0x180e, 0x3164, 0x1d173, 0xe0001, 0xe007f,
            ])
            .filter_map(char::from_u32);
        for c in specials {
            texts.push(format!("ab{c}cd é{c}{c} {c}"));
        }
        for n in 0..20 {
            let run = "\u{1b}".repeat(n);
            texts.push(format!("x{run}y\t{run}\r\n{run}é{run}"));
            texts.push(format!("{}{run}\u{202e}{run}", "abcdefgh".repeat(n)));
        }
        for t in &texts {
            assert_eq!(sanitize(t), sanitize_each_char(t), "{t:?}");
        }
    }

    #[test]
    fn sanitize_escapes_controls_and_keeps_newlines() {
        assert_eq!(sanitize("a\x1b[31mb\x07\nc"), "a\\x1b[31mb\\x07\nc");
        assert_eq!(sanitize("x\u{9b}y\u{202e}z\u{200b}"), "x\\x9byz");
        assert_eq!(sanitize("tab\there\r\n"), "tab    here\n");
        assert_eq!(sanitize("échan\u{AD}tillons"), "échantillons");
        assert!(matches!(sanitize("plain é"), Cow::Borrowed(_)));
        assert_eq!(sanitize_line("a\nb"), "a b");
        // Trojan Source and friends: none passes raw.
        for c in [
            '\u{61C}',
            '\u{200E}',
            '\u{202A}',
            '\u{2066}',
            '\u{2069}',
            '\u{2060}',
            '\u{2064}',
            '\u{206A}',
            '\u{206F}',
            '\u{FFF9}',
            '\u{FFFB}',
            '\u{E0001}',
            '\u{E007F}',
            // Characters that draw nothing yet are not spaces.
            '\u{AD}',
            '\u{34F}',
            '\u{115F}',
            '\u{1160}',
            '\u{17B4}',
            '\u{180E}',
            '\u{2800}',
            '\u{3164}',
            '\u{FFA0}',
            '\u{13430}',
            '\u{1BCA0}',
            '\u{1D173}',
            '\u{1D17A}',
        ] {
            assert_eq!(sanitize(&format!("a{c}b")), "ab", "{:x}", c as u32);
        }
        assert_eq!(sanitize("a\u{2028}b\u{2029}c"), "a\nb\nc");
        // A long run of control characters is counted past its first eight.
        let nuls = format!("a{}b\x07", "\0".repeat(20));
        assert_eq!(
            sanitize(&nuls),
            format!("a{}…(+12 control characters)b\\x07", "\\x00".repeat(8))
        );
        assert_eq!(
            sanitize(&"\0".repeat(9)),
            format!("{}…(+1 control character)", "\\x00".repeat(8))
        );
        assert_eq!(visible("a\u{200b}.md\n\x1b"), "a\\u{200b}.md\\x0a\\x1b");
        assert!(matches!(visible("plain é"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_byte_scan_agrees_with_the_character_rule() {
        // Every character a scan could take for another: all of the planes in use.
        for c in (0u32..0x3_2000)
            .chain(0xE_0000..0xE_0200)
            .filter_map(char::from_u32)
            .chain(['é', '’', '\u{E01EF}', '\u{F0080}'])
        {
            let s = format!("a{c}b");
            let by_char = is_unsafe(c) || c == '\t';
            assert_eq!(needs_sanitizing(&s), by_char, "{:x}", c as u32);
        }
        assert_eq!(fold("AbC `x` ÉTÉ"), "abc 'x' ete");
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("entreprise", "entrprise"), 1);
        assert_eq!(edit_distance("entreprise", "entrerpise"), 1);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("ca", "abc"), 3);
        let long = "x".repeat(40);
        assert_eq!(edit_distance(&long, &"x".repeat(38)), 2);
        assert_eq!(edit_distance("été", "ete"), 2);
    }

    #[test]
    fn suggestions_rank_closest_first() {
        let c = ["api-entreprise", "api-particulier", "api-entreprise-v2"];
        assert_eq!(suggestions("api-entreprse", c, 3)[0], "api-entreprise");
        assert!(suggestions("zzzzzz", c, 3).is_empty());
    }
}
