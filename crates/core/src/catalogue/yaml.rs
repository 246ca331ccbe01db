//! The plain part of YAML that catalogue front matter is written in, read without libyaml:
//! block mappings and sequences, plain and quoted one-line scalars, literal blocks (`|`,
//! `|-`) and comments. Building the index of a folder parses every front matter, and
//! libyaml's scanner was a quarter of that time.
//!
//! Anything else (flow collections, anchors, tags, folded or multi-line plain scalars,
//! escapes, tabs, duplicate keys, numbers in other forms…) gives `None`, and the caller
//! parses the text with serde_yaml instead: what is read here is always what serde_yaml
//! would read (checked on every file of the corpus and its history, and on mutations of them).

use serde_yaml::{Mapping, Number, Value};

/// The front matter `yaml` as serde_yaml reads it, when it keeps to the plain part.
pub fn parse(yaml: &str) -> Option<Value> {
    if !plain_characters(yaml.as_bytes()) {
        return None;
    }
    let raw: Vec<&str> = crate::text::split_lines(yaml).collect();
    let mut p = Parser {
        raw: &raw,
        lines: Vec::new(),
        at: 0,
        depth: 0,
    };
    for (i, l) in raw.iter().enumerate() {
        let content = l.trim_start_matches(' ');
        if !content.is_empty() && !content.starts_with('#') {
            p.lines.push(Line {
                indent: l.len() - content.len(),
                content,
                raw: i,
            });
        }
    }
    let first = p.lines.first()?;
    if first.indent != 0 || first.content.starts_with("---") || first.content.starts_with("...") {
        return None;
    }
    let v = p.mapping(0)?;
    (p.at == p.lines.len()).then_some(v)
}

/// Whether the text holds only characters read here as libyaml reads them: no tab or
/// carriage return, no other line break (U+0085, U+2028, U+2029), and nothing libyaml refuses
/// anywhere, comments included (controls, U+FFFE, U+FFFF) or treats apart (a byte order mark).
fn plain_characters(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        // Eight plain bytes at once, as most are.
        if let Some(w) = b.get(i..i + 8)
            && crate::text::printable_or_newlines(u64::from_le_bytes(
                w.try_into().unwrap_or_default(),
            ))
        {
            i += 8;
            continue;
        }
        let c = b[i];
        let bad = match c {
            b'\n' | 0x20..=0x7e => false,
            0..=0x1f | 0x7f => true,
            // U+0080–U+009F: C1 controls and U+0085.
            0xc2 => matches!(b.get(i + 1), Some(0x80..=0x9f)),
            // U+2028, U+2029.
            0xe2 => b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xa8 | 0xa9)),
            // U+FEFF, U+FFFE, U+FFFF.
            0xef => matches!(
                (b.get(i + 1), b.get(i + 2)),
                (Some(0xbb), Some(0xbf)) | (Some(0xbf), Some(0xbe | 0xbf))
            ),
            _ => false,
        };
        if bad {
            return false;
        }
        i += 1;
    }
    true
}

/// Deeper than any front matter, and within serde_yaml's own limit (128): deeper documents
/// are left to it, and the reader's recursion stays small.
const MAX_DEPTH: usize = 32;

/// libyaml's longest key (a "simple key" of 1,024 characters at most), with a margin.
const MAX_KEY: usize = 1000;

/// A line that holds structure: not blank, not only a comment.
#[derive(Clone, Copy)]
struct Line<'a> {
    indent: usize,
    content: &'a str,
    /// Its number among all lines (block scalars read the raw lines).
    raw: usize,
}

struct Parser<'a> {
    raw: &'a [&'a str],
    lines: Vec<Line<'a>>,
    at: usize,
    /// Collections open around the one being read.
    depth: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<Line<'a>> {
        self.lines.get(self.at).copied()
    }

    /// The mapping whose keys are at `indent`.
    fn mapping(&mut self, indent: usize) -> Option<Value> {
        self.nested(|p| p.mapping_in(indent))
    }

    /// The sequence whose dashes are at `indent`.
    fn sequence(&mut self, indent: usize) -> Option<Value> {
        self.nested(|p| p.sequence_in(indent))
    }

    fn nested(&mut self, read: impl FnOnce(&mut Self) -> Option<Value>) -> Option<Value> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let v = read(self);
        self.depth -= 1;
        v
    }

    fn mapping_in(&mut self, indent: usize) -> Option<Value> {
        let mut map = Mapping::new();
        while let Some(line) = self.peek() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent || is_item(line.content) {
                return None;
            }
            let (key, rest) = split_key(line.content)?;
            self.at += 1;
            let value = self.value_after(rest, indent, line)?;
            if map.insert(Value::String(key.to_string()), value).is_some() {
                return None;
            }
        }
        Some(Value::Mapping(map))
    }

    fn sequence_in(&mut self, indent: usize) -> Option<Value> {
        let mut items = Vec::new();
        while let Some(line) = self.peek() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent {
                return None;
            }
            // A key at the indentation of a sequence that is its value: the mapping goes on.
            if !is_item(line.content) {
                break;
            }
            let rest = line.content[1..].trim_start_matches(' ');
            let offset = line.content.len() - rest.len();
            if !rest.is_empty() && !rest.starts_with('#') && split_key(rest).is_some() {
                // `- key: value`: a mapping whose keys line up with this first one.
                self.lines[self.at] = Line {
                    indent: indent + offset,
                    content: rest,
                    raw: line.raw,
                };
                items.push(self.mapping(indent + offset)?);
                continue;
            }
            self.at += 1;
            items.push(self.value_after(rest, indent, line)?);
        }
        Some(Value::Sequence(items))
    }

    /// The value of a key or item at `indent`, written after it on its `line` (`rest`) or
    /// in the lines below.
    fn value_after(&mut self, rest: &'a str, indent: usize, line: Line<'a>) -> Option<Value> {
        if rest.is_empty() || rest.starts_with('#') {
            return match self.peek() {
                Some(next) if next.indent > indent => match is_item(next.content) {
                    true => self.sequence(next.indent),
                    false => self.mapping(next.indent),
                },
                // A sequence may sit at its key's own indentation.
                Some(next) if next.indent == indent && is_item(next.content) => {
                    // Not under a sequence's item, where it would be the next item.
                    if self.is_key_line(line) {
                        self.sequence(indent)
                    } else {
                        Some(Value::Null)
                    }
                }
                _ => Some(Value::Null),
            };
        }
        let value = match rest.as_bytes()[0] {
            b'"' => Value::String(double_quoted(rest)?.to_string()),
            b'\'' => Value::String(single_quoted(rest)?),
            b'|' => return self.literal(rest, indent, line),
            _ => plain(rest)?,
        };
        // A plain or quoted scalar on one line only: what follows more indented would
        // continue it.
        match self.peek() {
            Some(next) if next.indent > indent => None,
            _ => Some(value),
        }
    }

    fn is_key_line(&self, line: Line) -> bool {
        !is_item(line.content)
    }

    /// A literal block (`|` or `|-`) below `line`, more indented than `indent`.
    fn literal(&mut self, header: &str, indent: usize, line: Line) -> Option<Value> {
        let strip = match header.trim_end_matches(' ') {
            "|" => false,
            "|-" => true,
            _ => return None,
        };
        let mut text_lines: Vec<&str> = Vec::new();
        let mut content_indent = None;
        let mut end = line.raw + 1;
        let mut leading = 0;
        while let Some(l) = self.raw.get(end) {
            let spaces = l.len() - l.trim_start_matches(' ').len();
            let blank = spaces == l.len();
            match content_indent {
                // Blank lines before the first line of text are empty lines of it.
                None if blank => leading = leading.max(spaces + 1),
                None if spaces > indent => {
                    // …unless one holds more spaces than the text is indented.
                    if leading > spaces + 1 {
                        return None;
                    }
                    content_indent = Some(spaces);
                    text_lines.extend(self.raw[line.raw + 1..end].iter().map(|_| ""));
                    text_lines.push(&l[spaces..]);
                }
                None => break,
                Some(ci) if blank => text_lines.push(l.get(ci..).unwrap_or("")),
                Some(ci) if spaces >= ci => text_lines.push(&l[ci..]),
                Some(_) => break,
            }
            end += 1;
        }
        // Trailing blank lines are not text ("clip" and "strip" chomping).
        while text_lines
            .last()
            .is_some_and(|l| l.trim_start_matches(' ').is_empty())
        {
            if text_lines.last().is_some_and(|l| !l.is_empty()) {
                // Spaces beyond the indentation on a trailing line: kept in part; rare.
                return None;
            }
            text_lines.pop();
        }
        // A last line of text without a line break after it (the end of the document) has
        // none to keep.
        let broken = line.raw + text_lines.len() + 1 < self.raw.len();
        let mut text = text_lines.join("\n");
        if !strip && !text.is_empty() && broken {
            text.push('\n');
        }
        // The structural lines read as text are passed over.
        while self.peek().is_some_and(|l| l.raw < end) {
            self.at += 1;
        }
        // What follows must be less indented than the block's key or item.
        match self.peek() {
            Some(next) if next.indent > indent => None,
            _ => Some(Value::String(text)),
        }
    }
}

/// A sequence item: `-` then a space or nothing.
fn is_item(content: &str) -> bool {
    content == "-" || content.starts_with("- ")
}

/// `key: rest` with a plain key; `None` for any other line.
fn split_key(content: &str) -> Option<(&str, &str)> {
    let colon = content.find(':')?;
    if colon > MAX_KEY {
        return None;
    }
    let key = content[..colon].trim_end_matches(' ');
    let after = &content[colon + 1..];
    if key.is_empty()
        || !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        || !(after.is_empty() || after.starts_with(' '))
        // Keys that read as null, a boolean or a number are not text (those that start with
        // a digit or a sign are left to serde_yaml).
        || !(key.as_bytes()[0].is_ascii_alphabetic() || key.starts_with('_'))
        || matches!(
            key,
            "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
        )
    {
        return None;
    }
    Some((key, after.trim_start_matches(' ')))
}

/// What may follow a scalar on its line: spaces, then a comment.
fn ends_line(tail: &str) -> bool {
    let t = tail.trim_start_matches(' ');
    t.is_empty() || (t.starts_with('#') && t.len() < tail.len())
}

/// `"text"` without escapes.
fn double_quoted(s: &str) -> Option<&str> {
    let inner = &s[1..];
    let close = inner.find('"')?;
    let text = &inner[..close];
    (!text.contains('\\') && ends_line(&inner[close + 1..])).then_some(text)
}

/// `'text'`, where `''` is a quote.
fn single_quoted(s: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = &s[1..];
    loop {
        let q = rest.find('\'')?;
        out.push_str(&rest[..q]);
        rest = &rest[q + 1..];
        match rest.strip_prefix('\'') {
            Some(more) => {
                out.push('\'');
                rest = more;
            }
            None => break,
        }
    }
    ends_line(rest).then_some(out)
}

/// A plain scalar and what it resolves to: text, or the null, boolean and number forms
/// serde_yaml reads (`None` for the rarer number forms).
fn plain(rest: &str) -> Option<Value> {
    // Indicators that start something else: flow collections, anchors, aliases, tags,
    // folded blocks, directives, reserved characters.
    if rest.starts_with([
        '[', ']', '{', '}', '&', '*', '!', '>', '%', '@', '`', ',', '?', ':', '#',
    ]) || rest.starts_with("- ")
        || rest == "-"
    {
        return None;
    }
    let text = match rest.find(" #") {
        Some(c) => &rest[..c],
        None => rest,
    }
    .trim_end_matches(' ');
    if text.contains(": ") || text.ends_with(':') {
        return None;
    }
    let word = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-' | b'_' | b'~');
    if !text.bytes().all(word) {
        return Some(Value::String(text.to_string()));
    }
    match text {
        "null" | "Null" | "NULL" | "~" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    // `.inf`, `-.Inf`, `.nan`… are numbers; other words after a dot are rare.
    if text.trim_start_matches(['+', '-']).starts_with('.') {
        return None;
    }
    let first = text.as_bytes()[0];
    if first.is_ascii_alphabetic() || first == b'_' {
        return Some(Value::String(text.to_string()));
    }
    // Numbers hold no letter but the exponent's, nor `_` or `~`, unless written in base 16,
    // 8 or 2 (`0x1f`): an identifier such as `5e7201d5…` is text.
    let unsigned = text.trim_start_matches(['+', '-']);
    if !unsigned.starts_with(['0']) || !unsigned[1..].starts_with(['x', 'o', 'b']) {
        let letter = |b: u8| (b.is_ascii_alphabetic() && b != b'e' && b != b'E') || b == b'_';
        if text.bytes().any(|b| letter(b) || b == b'~') {
            return Some(Value::String(text.to_string()));
        }
    }
    // Whole numbers and decimals written plainly; any other form is left to serde_yaml.
    let (negative, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let decimal = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    if !decimal(int) || (int.len() > 1 && int.starts_with('0')) {
        return None;
    }
    match frac {
        Some(f) if decimal(f) => {
            let x: f64 = text.parse().ok()?;
            x.is_finite().then(|| Value::Number(Number::from(x)))
        }
        Some(_) => None,
        None if negative => match int {
            "0" => None,
            _ => text.parse::<i64>().ok().map(|n| Value::Number(n.into())),
        },
        None => text.parse::<u64>().ok().map(|n| Value::Number(n.into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(yaml: &str) {
        let serde: Value = serde_yaml::from_str(yaml).unwrap();
        assert_eq!(parse(yaml), Some(serde), "{yaml}");
    }

    #[test]
    fn the_plain_shapes_read_as_serde_yaml_reads_them() {
        same("title: API Adresse\nis_open: -1 # restricted\nuptime: 99.5\nvisits: 120\n");
        same("a: \"quoted: yes\"\nb: 'it''s'\nc:\nd: ~\ne: true\nf: 0\ng: x # y\n");
        same("who:\n  - Un particulier\n  - 'Une entreprise'\nthemes:\n- Emploi\n- Santé\n");
        same(
            "access_page:\n  - who:\n      - Un particulier\n    is_eligible: -1\n    \
             description: |\n      Ligne une.\n\n        retrait\n      fin\n\n  - who:\n    - Un éditeur\n",
        );
        same("a: |\n\n  lead\n\n  two\n  \nb: |-\n   \n   x\n");
        same("a: |\n  no break at the end");
        same("keywords:\n- a\n- b\nthemes: x\n");
        same(
            "stat:\n  lastXdays: 30\n  url: https://x.fr/a#b\n# note\nbody: |-\n  a\n  b\n\nz: 1\n",
        );
    }

    #[test]
    fn what_it_does_not_read_is_left_to_serde_yaml() {
        for yaml in [
            "a: [x, y]\n",
            "a: &x 1\nb: *x\n",
            "a: >\n  folded\n",
            "a: multi\n  line\n",
            "a: \"esc\\n\"\n",
            "a: 1\na: 2\n",
            "a: 0x1f\n",
            "a: 1e5\n",
            "a: 007\n",
            "a:\tb\n",
            "  a: 1\n",
            "a: b: c\n",
            "a: |+\n  keep\n\n",
            "",
            "- a\n",
            "1: x\n",
            "true: x\n",
            // Found by an audit: numbers that start with a dot, other line breaks, characters
            // libyaml refuses anywhere.
            "a: .inf\n",
            "a: -.INF\n",
            "a: .NaN\n",
            "a: x\u{2028}y\n",
            "a: 1 # x\u{2028}y: z\nb: 2\n",
            "a: |\n  \u{85}\n",
            "a: '\u{85}'\n",
            "a: x\u{1}y\n",
            "a: x\n# \u{9f}\n",
            "a: x\u{fffe}y\n",
            "a: a\0b",
        ] {
            assert_eq!(parse(yaml), None, "{yaml:?}");
        }
        // libyaml's longest key, and serde_yaml's deepest nesting.
        let long = format!("{}: 1\n", "k".repeat(1025));
        assert!(serde_yaml::from_str::<Value>(&long).is_err());
        assert_eq!(parse(&long), None);
        let deep: String = (0..3000)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        assert_eq!(parse(&deep), None);
        let deep: String = (0..129).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        assert_eq!(parse(&(deep + &" ".repeat(129) + "k: 1\n")), None);
    }
}

/// Every front matter of the corpus, its history and the bundled catalogue, and mutations of
/// them: whatever is read here is read alike by serde_yaml.
#[cfg(test)]
mod corpus {
    use super::*;
    use std::path::Path;

    fn front_matters() -> Vec<(String, String)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![root.join("../../catalogue")];
        let corpus = root.join("../../../shared/corpus");
        if corpus.is_dir() {
            for d in ["api", "producteurs", "history"] {
                dirs.push(corpus.join(d));
            }
        } else {
            assert!(
                std::env::var_os("APICAT_REQUIRE_CORPUS").is_none(),
                "no corpus"
            );
        }
        let mut out = Vec::new();
        while let Some(dir) = dirs.pop() {
            for f in std::fs::read_dir(&dir).unwrap() {
                let p = f.unwrap().path();
                if p.is_dir() {
                    dirs.push(p);
                } else if let Ok(text) = std::fs::read_to_string(&p)
                    && let Ok(split) = crate::catalogue::markdown::split_front_matter(&text)
                {
                    out.push((p.display().to_string(), split.yaml.to_string()));
                }
            }
        }
        out.sort();
        out
    }

    fn agrees(name: &str, yaml: &str) -> bool {
        let Some(fast) = parse(yaml) else {
            return false;
        };
        match serde_yaml::from_str::<Value>(yaml) {
            Ok(v) => assert_eq!(fast, v, "{name}:\n{yaml}"),
            Err(e) => panic!("{name}: read here, refused by serde_yaml ({e}):\n{yaml}"),
        }
        true
    }

    #[test]
    fn every_real_front_matter_reads_as_serde_yaml_reads_it() {
        let all = front_matters();
        let fast = all.iter().filter(|(n, y)| agrees(n, y)).count();
        eprintln!(
            "{fast} of {} front matters read without serde_yaml",
            all.len()
        );
        // Most are: that is the point of this reader.
        if all.len() > 100 {
            assert!(fast * 10 >= all.len() * 9, "{fast} of {}", all.len());
        }
    }

    #[test]
    fn mutations_of_them_read_as_serde_yaml_reads_them_or_are_left_to_it() {
        const CUTS: [&str; 16] = [
            ":", " ", "\n", "#", "-", "- ", "|", "'", "\"", "  ", "\n  ", "1", ": x", "\n- ", "~",
            " #",
        ];
        // More rounds, with another seed, when asked: `APICAT_MUTATIONS=50 cargo test yaml`.
        let more: usize = std::env::var("APICAT_MUTATIONS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(1);
        let mut seed = 0x9e37_79b9_7f4a_7c15u64 + more as u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n.max(1) as u64) as usize
        };
        let (mut tried, mut read) = (0, 0);
        for (name, yaml) in front_matters() {
            let rounds = more * if name.contains("history") { 2 } else { 12 };
            for _ in 0..rounds {
                let mut m = yaml.clone();
                for _ in 0..1 + next(3) {
                    let mut at = next(m.len() + 1);
                    while !m.is_char_boundary(at) {
                        at -= 1;
                    }
                    match next(3) {
                        0 => m.insert_str(at, CUTS[next(CUTS.len())]),
                        1 => {
                            let mut end = (at + 1 + next(3)).min(m.len());
                            while !m.is_char_boundary(end) {
                                end += 1;
                            }
                            m.replace_range(at..end, "");
                        }
                        _ => {
                            let start = m[..at].rfind('\n').map_or(0, |i| i + 1);
                            match next(2) {
                                0 => m.insert(start, ' '),
                                _ if m[start..].starts_with(' ') => {
                                    m.remove(start);
                                }
                                _ => {}
                            }
                        }
                    }
                }
                tried += 1;
                read += usize::from(agrees(&name, &m));
            }
        }
        eprintln!("{read} of {tried} mutations read without serde_yaml");
    }
}
