//! The catalogue model and its loader: entries from the bundled files or from directories in
//! the api.gouv.fr layout, read leniently the way a person reads the real data.

use serde_yaml::{Mapping, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::text::{fold, sanitize};

/// Where an entry was read from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Origin {
    #[default]
    Bundled,
    /// The user's personal catalogue directory.
    Personal(PathBuf),
    /// A directory given with `--catalogue` or `APICAT_CATALOGUE`.
    Directory(PathBuf),
}

impl Origin {
    pub fn kind(&self) -> &'static str {
        match self {
            Origin::Bundled => "bundled",
            Origin::Personal(_) => "personal",
            Origin::Directory(_) => "directory",
        }
    }
}

/// How an API may be reached, from `is_open`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Access {
    Open,
    Account,
    Restricted,
    #[default]
    Unknown,
}

impl Access {
    pub fn from_code(code: Option<i64>) -> Access {
        match code {
            Some(1) => Access::Open,
            Some(0) => Access::Account,
            Some(-1) => Access::Restricted,
            _ => Access::Unknown,
        }
    }
    /// Stable name used in JSON and filters.
    pub fn name(self) -> &'static str {
        match self {
            Access::Open => "open",
            Access::Account => "account",
            Access::Restricted => "restricted",
            Access::Unknown => "unknown",
        }
    }
    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Access::Open => "open data",
            Access::Account => "account needed",
            Access::Restricted => "restricted",
            Access::Unknown => "not stated",
        }
    }
}

/// One `access_page` rule: the profiles it names and their verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessRule {
    pub who: Vec<String>,
    /// 1 eligible, 0 under conditions, -1 not eligible; other values are kept as read.
    pub is_eligible: Option<i64>,
    pub description: String,
}

/// A producer from `producteurs/` (or the bundled table).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Producer {
    pub name: String,
    pub acronym: Option<String>,
}

/// One catalogue entry. Text fields are already safe to print (see [`sanitize`]).
#[derive(Debug, Clone, Default)]
pub struct Entry {
    pub slug: String,
    pub origin: Origin,
    /// The file it was read from, as shown in messages.
    pub path: String,
    pub title: String,
    pub tagline: Option<String>,
    pub producer: Option<String>,
    pub producer_name: Option<String>,
    pub producer_acronym: Option<String>,
    pub owner: Option<String>,
    pub owner_acronym: Option<String>,
    pub is_open: Option<i64>,
    pub access: Access,
    pub is_france_connected: Option<i64>,
    pub external_site: Option<String>,
    pub doc_tech_link: Option<String>,
    pub doc_tech_external: Option<String>,
    pub datapass_link: Option<String>,
    pub account_link: Option<String>,
    pub contact_link: Option<String>,
    pub monitoring_link: Option<String>,
    pub monitoring_description: Option<String>,
    pub rate_limiting_resume: Option<String>,
    pub rate_limiting_description: Option<String>,
    pub access_page: Vec<AccessRule>,
    pub partners: Vec<String>,
    /// Partners with producer slugs replaced by names.
    pub partner_names: Vec<String>,
    pub keywords: Vec<String>,
    pub themes: Vec<String>,
    pub kind: Vec<String>,
    pub category: Option<String>,
    pub last_update: Option<String>,
    /// `last_update` as `yyyy-mm-dd` when it reads as a date.
    pub last_update_iso: Option<String>,
    pub content_intro: Option<String>,
    pub uptime: Option<f64>,
    pub visits_2019: Option<i64>,
    /// Every front-matter key as written (sanitised), known or not.
    pub front: Mapping,
    pub body: String,
    /// Line in the file where the body starts.
    pub body_line: usize,
    /// Line of each top-level front-matter key, for messages.
    pub key_lines: Vec<(String, usize)>,
    /// The first line holding a character that was escaped at load (ESC, BEL, a zero-width
    /// or bidirectional mark…), and that character.
    pub unsafe_char: Option<(usize, char)>,
}

impl Entry {
    /// The line of a top-level key in the file, else the first line.
    pub fn line_of(&self, key: &str) -> usize {
        self.key_lines
            .iter()
            .find(|(k, _)| k == key)
            .map_or(1, |(_, l)| *l)
    }
}

impl Entry {
    /// The producer as people name it: name, else acronym, else slug, else owner.
    pub fn producer_display(&self) -> Option<String> {
        let name = self
            .producer_name
            .clone()
            .or_else(|| self.producer.clone())
            .or_else(|| self.owner.clone())?;
        let acronym = self.producer_acronym.as_ref().or(self
            .owner_acronym
            .as_ref()
            .filter(|_| self.producer.is_none()));
        Some(match acronym {
            Some(a) if !fold(&name).contains(&fold(a)) => format!("{name} ({a})"),
            _ => name,
        })
    }

    /// The producer in a few words: acronym, else name, else slug, else owner.
    pub fn producer_short(&self) -> Option<&str> {
        producer_short(
            self.producer.as_deref(),
            self.producer_acronym.as_deref(),
            self.producer_name.as_deref(),
            self.owner_acronym.as_deref(),
            self.owner.as_deref(),
        )
    }

    /// What `list` and `search` show of it.
    pub fn listing(&self) -> Listing<'_> {
        Listing {
            slug: Cow::Borrowed(&self.slug),
            title: Cow::Borrowed(&self.title),
            producer: Cow::Borrowed(self.producer_short().unwrap_or_default()),
            access: self.access,
            themes: Cow::Owned(self.themes.join(", ")),
        }
    }

    /// The request form for a non-open entry.
    pub fn request_link(&self) -> Option<&str> {
        self.datapass_link
            .as_deref()
            .or(self.account_link.as_deref())
    }
}

/// See [`Entry::producer_short`]; for any source of an entry's fields.
pub fn producer_short<'a, T: ?Sized>(
    producer: Option<&'a T>,
    acronym: Option<&'a T>,
    name: Option<&'a T>,
    owner_acronym: Option<&'a T>,
    owner: Option<&'a T>,
) -> Option<&'a T> {
    if producer.is_some() {
        acronym.or(name).or(producer)
    } else {
        owner_acronym.or(owner)
    }
}

/// What a listing shows of an entry: one row of `list` and `search`.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing<'a> {
    pub slug: Cow<'a, str>,
    pub title: Cow<'a, str>,
    pub producer: Cow<'a, str>,
    pub access: Access,
    pub themes: Cow<'a, str>,
}

/// A file that could not be served, or a remark about one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub line: Option<usize>,
    pub col: Option<usize>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.col {
                write!(f, ":{c}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

/// The entries in use, with the files that could not be read.
#[derive(Debug, Default)]
pub struct Catalogue {
    pub entries: Vec<Entry>,
    pub problems: Vec<Problem>,
    pub producers: HashMap<String, Producer>,
    /// Whether `producers` came from a real `producteurs/` folder (so unknown slugs mean something).
    pub producers_known: bool,
    /// Slugs found in two sources: (slug, replaced path, replacing path).
    pub replaced: Vec<(String, String, String)>,
}

/// A catalogue source file: its slug, displayed path and content.
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

/// Producers named by the bundled entries (the bundled catalogue has no `producteurs/`).
const BUNDLED_PRODUCERS: &[(&str, &str, Option<&str>)] = &[
    ("urssaf", "Urssaf", None),
    (
        "dinum",
        "Direction interministérielle du numérique",
        Some("DINUM"),
    ),
];

/// The bundled entries as (slug, text, front matter prepared as JSON, known clean).
pub fn bundled_files()
-> impl Iterator<Item = (&'static str, &'static str, Option<&'static str>, bool)> {
    crate::bundled::FILES.iter().copied()
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
    let mut pos = start;
    let mut line_no = 1;
    for line in lines {
        line_no += 1;
        if line.trim_end() == "---" {
            return Ok(Split {
                yaml: &text[start..pos],
                body: &text[pos + line.len()..],
                body_line: line_no + 1,
            });
        }
        pos += line.len();
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
        .or_else(|()| serde_yaml::from_str(split.yaml))
        .map_err(|e| {
            let msg = yaml_message(&e.to_string());
            // The front matter starts on line 2.
            let (line, col) = match duplicate_key_line(split.yaml, &msg) {
                Some(l) => (Some(l + 1), Some(1)),
                None => {
                    let loc = e.location();
                    (
                        loc.as_ref().map(|l| l.line() + 1).or(Some(1)),
                        loc.as_ref().map(|l| l.column()),
                    )
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
    let mut front = Mapping::new();
    // One scan of the raw text; values need a look only where controls or YAML escapes
    // (`"\e"`) could be.
    let raw_dirty = !file.known_clean && crate::text::needs_sanitizing(text);
    let may_escape = !file.known_clean && (raw_dirty || text.contains('\\'));
    let mut unsafe_keys = Vec::new();
    for (k, v) in map {
        if may_escape && (needs_clean(&k) || needs_clean(&v)) {
            if let Some(c) = first_unsafe(&v) {
                unsafe_keys.push((scalar_text(&k).unwrap_or_default(), c));
            }
            front.insert(clean_value(k), clean_value(v));
        } else {
            front.insert(k, v);
        }
    }
    let body = if raw_dirty {
        sanitize(split.body)
    } else {
        Cow::Borrowed(split.body)
    };
    let mut entry = build_entry(file, front, &body, split.body_line);
    let raw_char = if raw_dirty {
        text.lines()
            .enumerate()
            .find_map(|(i, l)| first_unsafe_char(l).map(|c| (i + 1, c)))
    } else {
        None
    };
    entry.key_lines = split
        .yaml
        .lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let (k, _) = l.split_once(':')?;
            let plain = !k.is_empty()
                && k.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
            // The front matter starts on line 2.
            plain.then(|| (sanitize(k).into_owned(), i + 2))
        })
        .collect();
    // Escapes written in YAML (`"\e[2J"`) are control characters too once read.
    let value_char = unsafe_keys
        .iter()
        .map(|(k, c)| (entry.line_of(&sanitize(k)), *c))
        .min();
    entry.unsafe_char = raw_char.into_iter().chain(value_char).min();
    Ok(entry)
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

/// The first character that must not reach a terminal raw (tabs and CRs are only reflowed).
fn first_unsafe_char(s: &str) -> Option<char> {
    s.chars()
        .find(|&c| c != '\t' && c != '\r' && crate::text::is_unsafe(c))
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
        Value::String(s) => s
            .trim()
            .trim_end_matches('%')
            .trim()
            .replace(',', ".")
            .parse()
            .ok(),
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

fn build_entry(file: &SourceFile, front: Mapping, body: &str, body_line: usize) -> Entry {
    let get = |k: &str| front.get(k);
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
        is_open,
        access: Access::from_code(is_open),
        is_france_connected: int_of(get("is_france_connected")),
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
        front: Mapping::new(),
        body: body.to_string(),
        body_line,
        key_lines: Vec::new(),
        unsafe_char: None,
    };
    entry.front = front;
    entry
}

/// Reads `*.md` files of a directory, sorted by name.
pub fn directory_files(dir: &Path, origin: Origin) -> Result<Vec<SourceFile>, String> {
    let read = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: cannot read directory: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = read
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md") && !p.is_dir())
        .collect();
    paths.sort();
    Ok(paths
        .into_iter()
        .map(|p| {
            let slug = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = std::fs::read(&p)
                .map_err(|e| (None, format!("cannot read file: {e}")))
                .and_then(|bytes| {
                    String::from_utf8(bytes).map_err(|e| {
                        let upto = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                        let line = upto.iter().filter(|b| **b == b'\n').count() + 1;
                        (
                            Some(line),
                            "not UTF-8 text (re-save the file as UTF-8)".to_string(),
                        )
                    })
                });
            SourceFile {
                slug: crate::text::sanitize_line(&slug),
                path: crate::text::sanitize_line(&p.display().to_string()),
                text,
                origin: origin.clone(),
                prepared: None,
                known_clean: false,
            }
        })
        .collect())
}

/// The producers of a directory in the api.gouv.fr layout (`…/api/` beside `…/producteurs/`).
pub fn producers_beside(dir: &Path) -> Option<HashMap<String, Producer>> {
    let prod_dir = [dir.join("producteurs"), dir.join("../producteurs")]
        .into_iter()
        .find(|p| p.is_dir())?;
    let mut producers = HashMap::new();
    for f in directory_files(&prod_dir, Origin::Directory(prod_dir.clone())).ok()? {
        let Ok(text) = &f.text else { continue };
        let Ok(split) = split_front_matter(text) else {
            continue;
        };
        let Ok(Value::Mapping(m)) = serde_yaml::from_str::<Value>(split.yaml) else {
            continue;
        };
        let name = m
            .get("name")
            .and_then(scalar_text)
            .unwrap_or_else(|| f.slug.clone());
        producers.insert(
            f.slug,
            Producer {
                name: sanitize(&name).into_owned(),
                acronym: m
                    .get("acronym")
                    .and_then(scalar_text)
                    .map(|a| sanitize(&a).into_owned()),
            },
        );
    }
    Some(producers)
}

impl Catalogue {
    /// Parses source files; later files replace earlier ones of the same slug.
    pub fn from_files(files: Vec<SourceFile>) -> Catalogue {
        let mut cat = Catalogue::default();
        let mut by_slug: HashMap<String, usize> = HashMap::new();
        for f in files {
            let parsed = match &f.text {
                Ok(t) => parse_entry(&f, t),
                Err((line, message)) => Err(Problem {
                    path: f.path.clone(),
                    line: *line,
                    col: None,
                    message: message.clone(),
                }),
            };
            match parsed {
                Ok(entry) => match by_slug.get(&entry.slug) {
                    Some(&i) => {
                        cat.replaced.push((
                            entry.slug.clone(),
                            cat.entries[i].path.clone(),
                            entry.path.clone(),
                        ));
                        cat.entries[i] = entry;
                    }
                    None => {
                        by_slug.insert(entry.slug.clone(), cat.entries.len());
                        cat.entries.push(entry);
                    }
                },
                Err(p) => cat.problems.push(p),
            }
        }
        cat
    }

    /// The bundled catalogue.
    pub fn bundled() -> Catalogue {
        let mut cat = Catalogue::from_files(Self::bundled_sources());
        cat.set_producers(Self::bundled_producers(), false);
        cat
    }

    pub fn bundled_sources() -> Vec<SourceFile> {
        bundled_files()
            .map(|(slug, text, prepared, known_clean)| SourceFile {
                slug: slug.to_string(),
                path: format!("catalogue/{slug}.md"),
                text: Ok(text.to_string()),
                origin: Origin::Bundled,
                prepared,
                known_clean,
            })
            .collect()
    }

    pub fn bundled_producers() -> HashMap<String, Producer> {
        BUNDLED_PRODUCERS
            .iter()
            .map(|(slug, name, acronym)| {
                (
                    slug.to_string(),
                    Producer {
                        name: name.to_string(),
                        acronym: acronym.map(str::to_string),
                    },
                )
            })
            .collect()
    }

    /// Resolves producer and partner slugs to names.
    pub fn set_producers(&mut self, producers: HashMap<String, Producer>, known: bool) {
        for e in &mut self.entries {
            if let Some(p) = e.producer.as_ref().and_then(|s| producers.get(s)) {
                e.producer_name = Some(p.name.clone());
                e.producer_acronym = p.acronym.clone();
            }
            e.partner_names = e
                .partners
                .iter()
                .map(|p| {
                    producers
                        .get(p)
                        .map_or_else(|| p.clone(), |pr| pr.name.clone())
                })
                .collect();
        }
        self.producers = producers;
        self.producers_known = known;
    }

    /// Finds an entry by slug, exact title (case and accents ignored), or a slug prefix only
    /// one entry has. Otherwise gives up to three close slugs.
    pub fn lookup(&self, name: &str) -> Result<&Entry, Vec<&str>> {
        let name = name.trim();
        if let Some(e) = self.get(name) {
            return Ok(e);
        }
        let folded = fold(name);
        let by = |f: &dyn Fn(&Entry) -> bool| {
            let found: Vec<&Entry> = self.entries.iter().filter(|e| f(e)).collect();
            (found.len() == 1).then(|| found[0])
        };
        if let Some(e) = by(&|e| fold(&e.slug) == folded)
            .or_else(|| by(&|e| fold(&e.title) == folded))
            .or_else(|| by(&|e| !folded.is_empty() && fold(&e.slug).starts_with(&folded)))
        {
            return Ok(e);
        }
        Err(crate::text::suggestions(
            name,
            self.entries.iter().map(|e| e.slug.as_str()),
            3,
        ))
    }

    /// An entry by exact slug.
    pub fn get(&self, slug: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.slug == slug)
    }
}

#[cfg(test)]
mod tests {
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
        let cat = Catalogue::bundled();
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
    fn prepared_front_matter_reads_like_the_yaml() {
        for mut f in Catalogue::bundled_sources() {
            let text = f.text.clone().unwrap();
            let from_json = parse_entry(&f, &text).unwrap();
            assert!(f.prepared.is_some());
            f.prepared = None;
            f.known_clean = false;
            let from_yaml = parse_entry(&f, &text).unwrap();
            assert_eq!(from_json.front, from_yaml.front, "{}", f.slug);
            assert_eq!(from_json.body, from_yaml.body, "{}", f.slug);
            assert_eq!(from_json.unsafe_char, from_yaml.unsafe_char);
        }
    }

    #[test]
    fn values_in_other_shapes_are_read() {
        let e = parse("---\ntitle: T\nis_open: true\nkeywords: a, b\nthemes: Emploi\nuptime: '99,5 %'\nvisits_2019: '12'\nlast_update: 2021-03-04\n---\n").unwrap();
        assert_eq!(e.is_open, Some(1));
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
        assert!(e.front.contains_key("fancy_new_key"));
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
    }

    #[test]
    fn later_rules_are_body_not_front_matter() {
        let e = parse("---\r\ntitle: T\r\n---\r\nabove\r\n---\r\nbelow\r\n").unwrap();
        assert_eq!(e.title, "T");
        assert_eq!(e.body, "above\n---\nbelow\n");
        assert_eq!(e.body_line, 4);
    }

    #[test]
    fn control_characters_are_escaped_at_load() {
        let e = parse("---\ntitle: \"A\\e[2Jb\\a\"\n---\nx\u{1b}]0;t\u{7}").unwrap();
        assert_eq!(e.title, "A\\x1b[2Jb\\x07");
        assert_eq!(e.body, "x\\x1b]0;t\\x07");
    }

    #[test]
    fn lookup_by_slug_title_or_prefix() {
        let cat = Catalogue::bundled();
        assert_eq!(cat.lookup("api-entreprise").unwrap().slug, "api-entreprise");
        assert_eq!(cat.lookup("API ENTREPRISE").unwrap().slug, "api-entreprise");
        assert_eq!(
            cat.lookup("procédures collectives, france entière")
                .unwrap()
                .slug,
            "procedures-collectives-france-entiere"
        );
        assert_eq!(
            cat.lookup("api-t").unwrap().slug,
            "api-tierce-declaration-auto-entrepreneur"
        );
        assert!(cat.lookup("a").is_err(), "a prefix of several slugs");
        assert_eq!(
            cat.lookup("api-entreprse").unwrap_err()[0],
            "api-entreprise"
        );
    }

    #[test]
    fn iso_dates() {
        assert_eq!(iso_date("02/08/2021").as_deref(), Some("2021-08-02"));
        assert_eq!(iso_date("2021-8-2").as_deref(), Some("2021-08-02"));
        assert_eq!(iso_date("31/13/2021"), None);
        assert_eq!(iso_date("soon"), None);
    }
}
