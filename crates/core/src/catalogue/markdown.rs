//! api.gouv.fr's Markdown entries: YAML front matter, then a body. Read leniently, the way a
//! person reads the real data: values in any shape the files use are coerced, and a broken
//! file is a [`Problem`] naming its line.

use serde_yaml::{Mapping, Value};
use std::borrow::Cow;

use super::keys;
use super::{AccessRule, Catalogue, Entry, Format, FranceConnect, Origin, Problem};
use crate::catalogue::Access;
use crate::text::{fold, sanitize};

/// An entry file: its slug, displayed path and content.
pub struct SourceFile {
    pub slug: String,
    pub path: String,
    /// The content, or the line (if known) and reason it could not be read.
    pub text: Result<String, (Option<usize>, String)>,
    pub origin: Origin,
    /// The front matter already converted to JSON at build time (bundled entries).
    pub prepared: Option<&'static str>,
    /// Checked at build time: nothing in the file needs sanitising.
    pub known_clean: bool,
}

impl SourceFile {
    /// Why the file could not be read, as a problem naming it; `None` when it was read.
    pub fn unread(&self) -> Option<Problem> {
        let (line, message) = self.text.as_ref().err()?;
        Some(Problem {
            path: self.path.clone(),
            line: *line,
            col: None,
            message: message.clone(),
        })
    }
}

/// What only a Markdown file tells of its entry.
#[derive(Debug, Clone, Default)]
pub struct Source {
    /// Every front-matter key as written (sanitised), known or not.
    pub front: Mapping,
    /// Line in the file where the body starts.
    pub body_line: usize,
    /// Line of each top-level front-matter key, for messages.
    pub key_lines: Vec<(String, usize)>,
    /// Each character escaped or left out at load (ESC, BEL, a zero-width or bidirectional
    /// mark…): line, column (in characters) and character; at most [`MAX_UNSAFE_REPORTED`].
    pub unsafe_chars: Vec<(usize, usize, char)>,
    /// How many more were found beyond those, and the first control character among them:
    /// a cap on the listing never hides an error.
    pub unsafe_more: usize,
    pub unsafe_more_control: Option<(usize, usize, char)>,
}

impl Source {
    /// The line of a top-level key in the file, else the first line.
    pub fn line_of(&self, key: &str) -> usize {
        self.key_lines
            .iter()
            .find(|(k, _)| k == key)
            .map_or(1, |(_, l)| *l)
    }
}

impl Catalogue {
    /// Parses entry files; later files replace earlier ones of the same slug.
    pub fn from_files(files: Vec<SourceFile>) -> Catalogue {
        Catalogue::from_entries(files.iter().map(read))
    }
}

/// Enough to point at every hidden character of a real file, while a file made of them stays
/// cheap to report.
pub const MAX_UNSAFE_REPORTED: usize = 100;

/// Whether nothing in a file, nor in its front-matter values once read (YAML escapes such as
/// `"\e"` decode to control characters), needs sanitising.
pub fn is_clean(text: &str) -> bool {
    !crate::text::needs_sanitizing(text)
        && split_front_matter(text)
            .ok()
            .and_then(|s| serde_yaml::from_str::<Value>(s.yaml).ok())
            .is_some_and(|v| !needs_clean(&v))
}

/// Parses one entry file, or says why it cannot be served.
pub fn read(f: &SourceFile) -> Result<Entry, Problem> {
    match &f.text {
        Ok(t) => parse_entry(f, t),
        Err(_) => Err(f.unread().expect("a file not read")),
    }
}

/// The front matter of a file as JSON, when its YAML reads as a mapping: parsing JSON at run
/// time costs a fraction of parsing YAML (build.rs embeds it for the bundled entries).
pub fn front_matter_json(text: &str) -> Option<String> {
    let split = split_front_matter(text).ok()?;
    let value: Value = serde_yaml::from_str(split.yaml).ok()?;
    value.as_mapping()?;
    serde_json::to_string(&value).ok()
}

/// Front matter split from the body; `Err` names the line.
pub struct Split<'a> {
    pub yaml: &'a str,
    pub body: &'a str,
    pub body_line: usize,
}

/// Splits a file into front matter and body: the first two `---` lines delimit the front
/// matter; later `---` lines belong to the body.
pub fn split_front_matter(text: &str) -> Result<Split<'_>, (usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err((
            1,
            "empty file: an entry starts with a `---` line of front matter".into(),
        ));
    }
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err((
            1,
            "no front matter: an entry must start with a `---` line, then `key: value` lines and a closing `---`".into(),
        ));
    }
    let start = first.len();
    // Only lines starting with `---` can close it: found by a search, not line by line.
    for hit in memchr::memmem::find_iter(
        text.as_bytes()
            .get(start.saturating_sub(1)..)
            .unwrap_or_default(),
        "\n---",
    ) {
        let pos = start + hit;
        let line = text[pos..].split_inclusive('\n').next().unwrap_or_default();
        if line.trim_end() == "---" {
            let line_no = 1 + memchr::memchr_iter(b'\n', &text.as_bytes()[..pos]).count();
            return Ok(Split {
                yaml: &text[start..pos],
                body: &text[pos + line.len()..],
                body_line: line_no + 1,
            });
        }
    }
    Err((
        1,
        "front matter is never closed: add a `---` line after the last key".into(),
    ))
}

/// Parses one entry file.
pub fn parse_entry(file: &SourceFile, text: &str) -> Result<Entry, Problem> {
    let problem = |line: Option<usize>, col: Option<usize>, message: String| Problem {
        path: file.path.clone(),
        line,
        col,
        message,
    };
    let split = split_front_matter(text).map_err(|(l, m)| problem(Some(l), None, m))?;
    let parsed = match file.prepared {
        Some(json) => serde_json::from_str::<Value>(json).map_err(|_| ()),
        None => Err(()),
    };
    let value: Value = parsed
        .or_else(|()| super::yaml::parse(split.yaml).ok_or(()))
        .or_else(|()| serde_yaml::from_str(split.yaml))
        .map_err(|e| {
            let msg = yaml_message(&e.to_string());
            // The front matter starts on line 2.
            let (line, col) = match duplicate_key_line(split.yaml, &msg) {
                Some(l) => (Some(l + 1), Some(1)),
                None => {
                    // Where libyaml stopped, as a byte of the front matter: its own line count
                    // also breaks at U+2028 and U+0085, which no editor shows as lines.
                    let at = position(&msg)
                        .or_else(|| e.location().map(|l| l.index()).filter(|&i| i > 0));
                    match at {
                        Some(at) => {
                            let (l, c) = line_and_column(split.yaml, at);
                            (Some(l + 1), Some(c))
                        }
                        None => (
                            Some(e.location().map_or(1, |l| l.line()) + 1),
                            e.location().map(|l| l.column()),
                        ),
                    }
                }
            };
            problem(line, col, format!("invalid YAML front matter: {msg}"))
        })?;
    let map = match value {
        Value::Mapping(m) => m,
        Value::Null => Mapping::new(),
        _ => {
            return Err(problem(
                Some(2),
                None,
                "front matter is not a list of `key: value` lines".into(),
            ));
        }
    };
    // One scan of the raw text; values need a look only where controls or YAML escapes
    // (`"\e"`) could be.
    let raw_dirty = !file.known_clean && crate::text::needs_sanitizing(text);
    let may_escape = !file.known_clean && (raw_dirty || text.contains('\\'));
    let mut unsafe_keys = Vec::new();
    let front = match may_escape {
        false => map,
        true => {
            let mut front = Mapping::new();
            for (k, v) in map {
                if needs_clean(&k) || needs_clean(&v) {
                    if let Some(c) = first_unsafe(&v) {
                        unsafe_keys.push((scalar_text(&k).unwrap_or_default(), c));
                    }
                    front.insert(clean_value(k), clean_value(v));
                } else {
                    front.insert(k, v);
                }
            }
            front
        }
    };
    let body = if raw_dirty {
        sanitize(split.body)
    } else {
        Cow::Borrowed(split.body)
    };
    let mut source = Source {
        front,
        body_line: split.body_line,
        ..Source::default()
    };
    let mut unsafe_chars = Vec::new();
    let mut more = 0;
    let mut more_control = None;
    let mut beyond = |at: (usize, usize, char)| {
        more += 1;
        if at.2.is_control() && more_control.is_none_or(|m| at < m) {
            more_control = Some(at);
        }
    };
    if raw_dirty {
        for (i, l) in text.lines().enumerate() {
            if !crate::text::needs_sanitizing(l) {
                continue;
            }
            for (col, c) in l.chars().enumerate() {
                if is_reported(c) {
                    if unsafe_chars.len() == MAX_UNSAFE_REPORTED {
                        beyond((i + 1, col + 1, c));
                    } else {
                        unsafe_chars.push((i + 1, col + 1, c));
                    }
                }
            }
        }
    }
    // Split as `lines()` would split them but for a last empty piece, which has no key.
    source.key_lines = crate::text::split_lines(split.yaml)
        .enumerate()
        .filter_map(|(i, l)| {
            // Nested lines, most of them, are passed over without a look for a colon.
            if l.starts_with([' ', '\t']) {
                return None;
            }
            let (k, _) = l.split_once(':')?;
            let plain = !k.is_empty()
                && k.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
            // The front matter starts on line 2.
            plain.then(|| (sanitize(k).into_owned(), i + 2))
        })
        .collect();
    // Escapes written in YAML (`"\e[2J"`) are control characters too once read.
    // Those written as YAML escapes, unless already found raw on their line.
    for (k, c) in &unsafe_keys {
        let line = source.line_of(&sanitize(k));
        if !unsafe_chars.iter().any(|&(l, _, u)| l == line && u == *c) {
            unsafe_chars.push((line, 1, *c));
        }
    }
    unsafe_chars.sort_unstable();
    unsafe_chars.dedup();
    if unsafe_chars.len() > MAX_UNSAFE_REPORTED {
        for at in unsafe_chars.drain(MAX_UNSAFE_REPORTED..) {
            beyond(at);
        }
    }
    source.unsafe_chars = unsafe_chars;
    source.unsafe_more = more;
    source.unsafe_more_control = more_control;
    Ok(build_entry(file, source, &body))
}

/// Whether any text in a value would be changed by [`sanitize`].
fn needs_clean(v: &Value) -> bool {
    match v {
        Value::String(s) => crate::text::needs_sanitizing(s),
        Value::Sequence(items) => items.iter().any(needs_clean),
        Value::Mapping(m) => m.iter().any(|(k, v)| needs_clean(k) || needs_clean(v)),
        Value::Tagged(t) => needs_clean(&t.value),
        _ => false,
    }
}

/// Whether a character is reported as hidden or escaped (tabs and CRs are only reflowed).
fn is_reported(c: char) -> bool {
    c != '\t' && c != '\r' && crate::text::is_unsafe(c)
}

fn first_unsafe_char(s: &str) -> Option<char> {
    s.chars().find(|&c| is_reported(c))
}

fn first_unsafe(v: &Value) -> Option<char> {
    match v {
        Value::String(s) => first_unsafe_char(s),
        Value::Sequence(items) => items.iter().find_map(first_unsafe),
        Value::Mapping(m) => m
            .iter()
            .find_map(|(k, v)| first_unsafe(k).or_else(|| first_unsafe(v))),
        Value::Tagged(t) => first_unsafe(&t.value),
        _ => None,
    }
}

/// The parser reports a duplicated key at the start of its mapping; point at the second
/// occurrence instead (top-level keys only).
fn duplicate_key_line(yaml: &str, msg: &str) -> Option<usize> {
    let key = msg
        .strip_prefix("duplicate entry with key \"")?
        .strip_suffix('"')?;
    yaml.lines()
        .enumerate()
        .filter(|(_, l)| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .nth(1)
        .map(|(i, _)| i + 1)
}

/// The byte libyaml's reader names ("… at position 12"), for errors that carry no mark.
fn position(msg: &str) -> Option<usize> {
    let (_, n) = msg.rsplit_once(" at position ")?;
    n.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

/// The line (from 1) and column (in characters, from 1) of byte `at` of `text`.
fn line_and_column(text: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[start..].chars().count() + 1,
    )
}

fn yaml_message(raw: &str) -> String {
    // The location is given separately; keep only the parser's sentence.
    let s = match raw.find(" at line ") {
        Some(i) => &raw[..i],
        None => raw,
    };
    crate::text::sanitize_line(s)
}

fn clean_value(v: Value) -> Value {
    match v {
        Value::String(s) => match sanitize(&s) {
            Cow::Owned(clean) => Value::String(clean),
            Cow::Borrowed(_) => Value::String(s),
        },
        Value::Sequence(items) => Value::Sequence(items.into_iter().map(clean_value).collect()),
        Value::Mapping(m) => Value::Mapping(
            m.into_iter()
                .map(|(k, v)| (clean_value(k), clean_value(v)))
                .collect(),
        ),
        Value::Tagged(t) => clean_value(t.value),
        other => other,
    }
}

/// A scalar as text, whatever its YAML type.
pub fn scalar_text(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Tagged(t) => return scalar_text(&t.value),
        Value::Sequence(items) => items
            .iter()
            .filter_map(scalar_text)
            .collect::<Vec<_>>()
            .join(", "),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

/// A list, also when written as one string (`a, b`) or one scalar.
pub fn list_of(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Sequence(items)) => items.iter().filter_map(scalar_text).collect(),
        Some(Value::String(s)) => s
            .split([',', ';'])
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect(),
        Some(other) => scalar_text(other).into_iter().collect(),
        None => Vec::new(),
    }
}

/// An integer code such as `is_open`: a number, a numeric string, or a YAML boolean
/// (mid-2020 files say `is_open: true`).
pub fn int_of(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => {
            let s = s.trim();
            match fold(s).as_str() {
                "true" | "yes" | "oui" => Some(1),
                "false" | "no" | "non" => Some(-1),
                _ => s.parse().ok(),
            }
        }
        Value::Bool(b) => Some(if *b { 1 } else { -1 }),
        Value::Tagged(t) => int_of(Some(&t.value)),
        _ => None,
    }
}

fn float_of(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => crate::text::number(s),
        _ => None,
    }
    .filter(|f: &f64| f.is_finite())
}

/// `dd/mm/yyyy` (optionally followed by other text) or `yyyy-mm-dd`, as `yyyy-mm-dd`.
pub fn iso_date(s: &str) -> Option<String> {
    let s = s.trim();
    let digits = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
    let head = s.split_whitespace().next()?;
    let (y, m, d) = if let [d, m, y] = head.split('/').collect::<Vec<_>>()[..] {
        (y, m, d)
    } else if let [y, m, d] = head.split('-').collect::<Vec<_>>()[..] {
        (y, m, d)
    } else {
        return None;
    };
    if !(digits(y) && digits(m) && digits(d)) || y.len() != 4 {
        return None;
    }
    let (m, d): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| format!("{y}-{m:02}-{d:02}"))
}

fn build_entry(file: &SourceFile, source: Source, body: &str) -> Entry {
    // Each key is looked up once or more: through a map of the text keys with a fast hash,
    // not the front matter's own (SipHash over YAML values).
    let by_key: foldhash::HashMap<&str, &Value> = source
        .front
        .iter()
        .filter_map(|(k, v)| Some((k.as_str()?, v)))
        .collect();
    let get = |k: &str| {
        debug_assert!(keys::is_known(k), "{k} is missing from catalogue::keys");
        by_key.get(k).copied()
    };
    let text = |k: &str| get(k).and_then(scalar_text);
    let is_open = int_of(get("is_open"));
    let access_page = match get("access_page") {
        Some(Value::Sequence(rules)) => rules
            .iter()
            .filter_map(|r| match r {
                Value::Mapping(m) => Some(AccessRule {
                    who: list_of(m.get("who")),
                    is_eligible: int_of(m.get("is_eligible")),
                    description: m
                        .get("description")
                        .and_then(scalar_text)
                        .unwrap_or_default(),
                }),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let last_update = text("last_update");
    let title = text("title").map(|t| t.replace('\n', " "));
    let mut entry = Entry {
        slug: file.slug.clone(),
        origin: file.origin.clone(),
        path: file.path.clone(),
        title: title.unwrap_or_else(|| file.slug.clone()),
        tagline: text("tagline").map(|t| t.replace('\n', " ")),
        producer: text("producer"),
        producer_name: None,
        producer_acronym: None,
        owner: text("owner"),
        owner_acronym: text("owner_acronym"),
        access: Access::from_code(is_open),
        france_connect: FranceConnect::from_code(int_of(get("is_france_connected"))),
        external_site: text("external_site").or_else(|| text("extrenal_site")),
        doc_tech_link: text("doc_tech_link"),
        doc_tech_external: text("doc_tech_external"),
        datapass_link: text("datapass_link"),
        account_link: text("account_link"),
        contact_link: text("contact_link"),
        monitoring_link: text("monitoring_link"),
        monitoring_description: text("monitoring_description"),
        rate_limiting_resume: text("rate_limiting_resume"),
        rate_limiting_description: text("rate_limiting_description"),
        rate_limiting_link: text("rate_limiting_link"),
        stats_detail_resume: text("stats_detail_resume"),
        stats_detail_description: text("stats_detail_description"),
        stats_detail_link: text("stats_detail_link"),
        datagouv_uuid: list_of(get("datagouv_uuid")),
        access_page,
        partners: list_of(get("partners")),
        partner_names: Vec::new(),
        keywords: list_of(get("keywords")),
        themes: list_of(get("themes")),
        kind: list_of(get("kind")),
        category: text("category"),
        last_update_iso: last_update.as_deref().and_then(iso_date),
        last_update,
        content_intro: text("content_intro"),
        uptime: float_of(get("uptime")),
        visits_2019: int_of(get("visits_2019")).or_else(|| int_of(get("visit_2019"))),
        body: body.to_string(),
        format: Format::Markdown(Box::default()),
        elsewhere: Vec::new(),
    };
    entry.format = Format::Markdown(Box::new(source));
    entry
}

#[cfg(test)]
mod tests {
    /// The split made line by line, as it was before the search for `---` lines.
    fn split_line_by_line(text: &str) -> Option<(&str, &str, usize)> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text.split_inclusive('\n');
        let first = lines.next()?;
        if text.trim().is_empty() || first.trim_end() != "---" {
            return None;
        }
        let (start, mut pos, mut line_no) = (first.len(), first.len(), 1);
        for line in lines {
            line_no += 1;
            if line.trim_end() == "---" {
                return Some((&text[start..pos], &text[pos + line.len()..], line_no + 1));
            }
            pos += line.len();
        }
        None
    }

    #[test]
    fn the_front_matter_is_split_as_line_by_line() {
        let mut texts: Vec<String> = [
            "---\n---\n",
            "---\n---",
            "---",
            "---\nx: 1\n---\nbody\n---\nmore",
            "---\r\nx: 1\r\n--- \r\nbody",
            "\u{feff}---\nx: 1\n---\u{a0}\nbody",
            "---\nx: ---\n ---\n----\n---x\n--- y\n---\n",
            "---\nx: 1\n",
            "---\n\n\n---\n\n",
            "\n---\n---\n",
            "  \n",
        ]
        .map(String::from)
        .to_vec();
        texts.extend(crate::text::corpus_texts(&[
            "api",
            "producteurs",
            "history",
        ]));
        for t in &texts {
            let now = super::split_front_matter(t)
                .ok()
                .map(|s| (s.yaml, s.body, s.body_line));
            assert_eq!(now, split_line_by_line(t), "{t:?}");
        }
    }

    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            slug: "t".into(),
            path: "t.md".into(),
            text: Ok(text.into()),
            origin: Origin::Bundled,
            prepared: None,
            known_clean: false,
        }
    }

    fn parse(text: &str) -> Result<Entry, Problem> {
        parse_entry(&file(text), text)
    }

    #[test]
    fn every_seed_parses() {
        let cat = crate::catalogue::sources::bundled_for_tests();
        assert!(cat.problems.is_empty(), "{:?}", cat.problems);
        assert_eq!(cat.entries.len(), 5);
        let e = cat.get("api-entreprise").unwrap();
        assert_eq!(e.title, "API Entreprise");
        assert_eq!(e.access, Access::Restricted);
        assert_eq!(e.access_page.len(), 4);
        assert_eq!(e.access_page[1].is_eligible, Some(1));
        assert_eq!(e.owner_acronym.as_deref(), Some("DINUM"));
        assert_eq!(e.partners.len(), 15);
        assert_eq!(e.last_update_iso.as_deref(), Some("2020-09-14"));
        assert!(
            e.content_intro
                .as_deref()
                .unwrap()
                .starts_with("API Entreprise permet")
        );
        assert!(e.body.starts_with("\n### Données"));
        let u = cat.get("procedures-collectives-france-entiere").unwrap();
        assert_eq!(u.producer_display().as_deref(), Some("Urssaf"));
        assert_eq!(u.kind, vec!["API"]);
        assert_eq!(u.visits_2019, Some(1000));
        for e in &cat.entries {
            assert_eq!(crate::text::slugify(&e.title), e.slug);
        }
    }

    #[test]
    fn values_in_other_shapes_are_read() {
        let e = parse("---\ntitle: T\nis_open: true\nkeywords: a, b\nthemes: Emploi\nuptime: '99,5 %'\nvisits_2019: '12'\nlast_update: 2021-03-04\n---\n").unwrap();
        assert_eq!(e.access, Access::Open);
        assert_eq!(e.keywords, vec!["a", "b"]);
        assert_eq!(e.themes, vec!["Emploi"]);
        assert_eq!(e.uptime, Some(99.5));
        assert_eq!(e.visits_2019, Some(12));
        assert_eq!(e.last_update_iso.as_deref(), Some("2021-03-04"));
        let e = parse("---\ntitle: T\nis_open: '-1'\nkeywords: [x, null]\nlast_update: 10/10/2023 /TODO\n---\n").unwrap();
        assert_eq!(e.access, Access::Restricted);
        assert_eq!(e.keywords, vec!["x"]);
        assert_eq!(e.last_update_iso.as_deref(), Some("2023-10-10"));
    }

    #[test]
    fn unknown_keys_are_kept() {
        let e = parse("---\ntitle: T\nfancy_new_key: {a: 1}\n---\nbody").unwrap();
        assert!(e.markdown().unwrap().front.contains_key("fancy_new_key"));
        assert_eq!(e.body, "body");
    }

    #[test]
    fn broken_files_name_their_line() {
        let p = parse("---\ntitle: T\nbad: key: text\n---\n").unwrap_err();
        assert_eq!(p.line, Some(3), "{p}");
        assert!(p.to_string().starts_with("t.md:3:"), "{p}");
        let p = parse("---\ntitle: a\nx: 1\ntitle: b\n---\n").unwrap_err();
        assert!(p.message.contains("duplicate"), "{p}");
        assert_eq!(p.line, Some(4), "{p}");
        assert_eq!(parse("no front matter").unwrap_err().line, Some(1));
        assert!(
            parse("---\ntitle: x\n")
                .unwrap_err()
                .message
                .contains("never closed")
        );
        assert!(parse("").unwrap_err().message.contains("empty"));
        assert!(parse("---\n- a\n---\n").is_err());
        // Lines as an editor counts them, though libyaml also breaks at U+2028; a control
        // character's own column.
        let p = parse("---\ntitle: T\ntagline: a\u{2028}b\nis_open: 1\nx: y\n---\n").unwrap_err();
        assert_eq!((p.line, p.col), (Some(4), Some(1)), "{p}");
        let p = parse("---\ntitle: Ctrl \u{1b}[31m\n---\n").unwrap_err();
        assert_eq!((p.line, p.col), (Some(2), Some(13)), "{p}");
        let p = parse("---\ntitle: é\nx: [y\n---\n").unwrap_err();
        assert_eq!(p.line, Some(4), "{p}");
    }

    #[test]
    fn later_rules_are_body_not_front_matter() {
        let e = parse("---\r\ntitle: T\r\n---\r\nabove\r\n---\r\nbelow\r\n").unwrap();
        assert_eq!(e.title, "T");
        assert_eq!(e.body, "above\n---\nbelow\n");
        assert_eq!(e.markdown().unwrap().body_line, 4);
    }

    #[test]
    fn control_characters_are_escaped_at_load() {
        let e = parse("---\ntitle: \"A\\e[2Jb\\a\"\n---\nx\u{1b}]0;t\u{7}").unwrap();
        assert_eq!(e.title, "A\\x1b[2Jb\\x07");
        assert_eq!(e.body, "x\\x1b]0;t\\x07");
    }

    #[test]
    fn iso_dates() {
        assert_eq!(iso_date("02/08/2021").as_deref(), Some("2021-08-02"));
        assert_eq!(iso_date("2021-8-2").as_deref(), Some("2021-08-02"));
        assert_eq!(iso_date("31/13/2021"), None);
        assert_eq!(iso_date("soon"), None);
    }
}
