//! data.gouv.fr "dataservices" (udata's API catalogue): a listing page, or items read from a
//! file, into apicat entries. Pure: the binary fetches the pages, this reads them.
//!
//! One mapping, written once (the README shows it as a table):
//!
//! | dataservice | entry |
//! |---|---|
//! | `slug` (normalised), else the title's | `slug` |
//! | `title` (one line; blank → the slug) | `title` |
//! | `acronym` | a word of the title when it is not in it (searchable) |
//! | `description` | `body` (Markdown); its first sentence → `tagline` |
//! | `organization` `slug`/`name`/`acronym`, else `owner` first + last name | producer |
//! | `access_type` `open` / `open_with_account` / `restricted` | open / account / restricted |
//! | `access_audiences[]` role × condition | access rules on the canonical audiences |
//! | `authorization_request_url` | the access-request link |
//! | `rate_limiting` (+ `rate_limiting_url`) | rate limits |
//! | `availability` (+ `availability_url`) | uptime (+ monitoring link) |
//! | `base_api_url` | website (the API's address) |
//! | `machine_documentation_url` | specification |
//! | `technical_documentation_url` | documentation |
//! | `business_documentation_url`, `license`, `format`, `self_web_url` | page facts |
//! | `contact_points[]` | contact |
//! | `tags` | keywords |
//! | `metadata_modified_at` | last update |
//! | `extras.is_franceconnect: true` | FranceConnect |
//! | `archived_at` / `deleted_at` set, `private: true` | left out |

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{Access, AccessRule, Entry, Format, FranceConnect, Origin, Problem};
use crate::text::{sanitize, sanitize_line, slugify};

/// The canonical audience of each udata role (the labels of the eligibility module).
pub const AUDIENCES: &[(&str, &str)] = &[
    (
        "local_authority_and_administration",
        "Administration ou collectivité",
    ),
    ("company_and_association", "Entreprise ou association"),
    ("private", "Particulier"),
];

/// The api.gouv.fr access-page label (`extras.public_cible[].name`) of each udata role, as the
/// migration wrote them.
const PUBLIC_CIBLE: &[(&str, &str)] = &[
    (
        "local_authority_and_administration",
        "Une collectivité ou une administration",
    ),
    (
        "company_and_association",
        "Une entreprise ou une association",
    ),
    ("private", "Un particulier"),
];

/// udata's audience condition as apicat's eligibility code.
pub fn condition_code(condition: &str) -> Option<i64> {
    match condition {
        "yes" => Some(1),
        "under_condition" => Some(0),
        "no" => Some(-1),
        _ => None,
    }
}

/// What only a dataservice tells of its entry.
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub id: Option<String>,
    /// The page on the portal (`self_web_url`).
    pub web_url: Option<String>,
    pub business_documentation: Option<String>,
    pub license: Option<String>,
    /// `REST`, `WMS`, `WSL`.
    pub api_format: Option<String>,
    /// `access_type` as written, when apicat does not know it.
    pub access_type: Option<String>,
    /// Why access is restricted (`access_type_reason`).
    pub access_reason: Option<String>,
    /// The api.gouv.fr slug the item records (an `api.gouv.fr/les-api/SLUG` link in `harvest`
    /// or `extras`), to find the bundled entry it stands for.
    pub apigouv_slug: Option<String>,
    /// The item as read, sanitised (for `show --json`).
    pub raw: Value,
    /// When and where the snapshot holding it was fetched (set when read from one).
    pub fetched: Option<String>,
}

/// Where an item was read: a page of the listing, a file, a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// `page 2 (https://…)` or the file's path.
    pub what: String,
    pub line: Option<usize>,
    /// Position of the item in its page or array (from 1).
    pub item: Option<usize>,
}

impl Place {
    pub fn problem(&self, message: impl Into<String>) -> Problem {
        let message = message.into();
        Problem {
            path: self.what.clone(),
            line: self.line,
            col: None,
            message: match self.item {
                Some(i) => format!("item {i}: {message}"),
                None => message,
            },
        }
    }
}

/// One page of the listing, checked.
#[derive(Debug)]
pub struct Page {
    pub items: Vec<Value>,
    /// The next page's URL, `None` on the last.
    pub next: Option<String>,
    /// How many items the whole listing holds, as the page says.
    pub total: Option<u64>,
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Checks a listing page's envelope: `data` a list, `next_page` a URL or null.
pub fn page(v: Value, place: &Place) -> Result<Page, Problem> {
    let Value::Object(mut o) = v else {
        return Err(place.problem(format!(
            "the response is {}, expected a page object with `data`",
            kind(&v)
        )));
    };
    let items = match o.remove("data") {
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(place.problem(format!(
                "field `data` is {}, expected a list of dataservices",
                kind(&other)
            )));
        }
        None => return Err(place.problem("field `data` is missing")),
    };
    let (next, total) = envelope(o.remove("next_page"), o.remove("total"), place)?;
    Ok(Page { items, next, total })
}

/// A page's `next_page` (a URL or null) and `total`, checked.
fn envelope(
    next: Option<Value>,
    total: Option<Value>,
    place: &Place,
) -> Result<(Option<String>, Option<u64>), Problem> {
    let next = match next {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => Some(s.trim().to_string()),
        Some(other) => {
            return Err(place.problem(format!(
                "field `next_page` is {}, expected a URL or null",
                kind(&other)
            )));
        }
    };
    Ok((next, total.as_ref().and_then(Value::as_u64)))
}

/// The items of a saved file: one page, a list of items, or JSON Lines; each as its JSON
/// text, so that a large file is never held as one tree of values.
pub fn file_items(text: &str, path: &str) -> Result<Vec<(String, Place)>, Problem> {
    use serde_json::value::RawValue;
    let at = |line: Option<usize>, item: Option<usize>| Place {
        what: path.to_string(),
        line,
        item,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let texts = |raws: Vec<&RawValue>| -> Vec<(String, Place)> {
        numbered(
            raws.into_iter().map(|r| r.get().to_string()).collect(),
            |i| at(None, Some(i)),
        )
    };
    let whole = match text.trim_start().as_bytes().first() {
        Some(b'[') => serde_json::from_str::<Vec<&RawValue>>(text).map(|raws| Ok(texts(raws))),
        Some(b'{') => {
            serde_json::from_str::<BTreeMap<String, &RawValue>>(text).map(|o| match o.get("data") {
                Some(data) => {
                    let value = |k: &str| o.get(k).and_then(|r| serde_json::from_str(r.get()).ok());
                    envelope(value("next_page"), value("total"), &at(None, None))?;
                    match serde_json::from_str::<Vec<&RawValue>>(data.get()) {
                        Ok(raws) => Ok(texts(raws)),
                        Err(_) => Err(not_a_list(data, &at(None, None))),
                    }
                }
                None if text.trim().lines().count() <= 1 => {
                    Ok(vec![(text.trim().to_string(), at(Some(1), None))])
                }
                None => Err(at(None, None).problem(
                    "the file holds an object, expected a page (with `data`), a list of items \
                     or JSON Lines",
                )),
            })
        }
        _ => serde_json::from_str::<Value>(text).map(|v| {
            Err(at(None, None).problem(format!(
                "the file holds {}, expected a page (with `data`), a list of items or JSON Lines",
                kind(&v)
            )))
        }),
    };
    let whole = match whole {
        Ok(items) => return items,
        Err(e) => e,
    };
    // JSON Lines: one item a line, blank lines ignored. A text whose first line is not JSON
    // is reported as one document.
    let is_json = |l: &str| serde_json::from_str::<serde::de::IgnoredAny>(l);
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let first_ok = lines.next().is_some_and(|(_, l)| is_json(l).is_ok());
    if !first_ok || text.trim().lines().count() < 2 {
        return Err(at(Some(whole.line()), None).problem(format!(
            "invalid JSON: {}",
            sanitize_line(&whole.to_string())
        )));
    }
    let mut items = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match is_json(line) {
            Ok(_) => items.push((line.to_string(), at(Some(n + 1), None))),
            Err(e) => {
                return Err(at(Some(n + 1), None)
                    .problem(format!("invalid JSON: {}", sanitize_line(&e.to_string()))));
            }
        }
    }
    Ok(items)
}

/// `data` that is not a list, said as [`page`] says it.
fn not_a_list(data: &serde_json::value::RawValue, place: &Place) -> Problem {
    let what = serde_json::from_str::<Value>(data.get()).map_or("not JSON", |v| kind(&v));
    place.problem(format!(
        "field `data` is {what}, expected a list of dataservices"
    ))
}

fn numbered<T>(items: Vec<T>, place: impl Fn(usize) -> Place) -> Vec<(T, Place)> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let p = place(i + 1);
            (v, p)
        })
        .collect()
}

/// Why an item is left out of the catalogue on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftOut {
    Archived,
    Deleted,
    Private,
}

impl LeftOut {
    pub fn words(self) -> &'static str {
        match self {
            LeftOut::Archived => "archived",
            LeftOut::Deleted => "deleted",
            LeftOut::Private => "private",
        }
    }
}

fn set(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(_) => true,
    }
}

/// Whether an item is one the catalogue leaves out: archived, deleted or private.
pub fn left_out(item: &Value) -> Option<LeftOut> {
    if set(item.get("deleted_at")) {
        Some(LeftOut::Deleted)
    } else if set(item.get("archived_at")) {
        Some(LeftOut::Archived)
    } else if item.get("private") == Some(&Value::Bool(true)) {
        Some(LeftOut::Private)
    } else {
        None
    }
}

/// The JSON kinds a field may have (null and a missing key are always allowed).
#[derive(Clone, Copy)]
enum Want {
    Text,
    List,
    Object,
    /// An object, or the organisation's bare id as a string.
    ObjectOrText,
    /// A number, or a number written as text.
    Number,
    Any,
}

const FIELDS: &[(&str, Want)] = &[
    ("id", Want::Text),
    ("title", Want::Text),
    ("slug", Want::Text),
    ("acronym", Want::Text),
    ("description", Want::Text),
    ("access_type", Want::Text),
    ("access_audiences", Want::List),
    ("authorization_request_url", Want::Text),
    ("access_type_reason", Want::Text),
    ("base_api_url", Want::Text),
    ("machine_documentation_url", Want::Text),
    ("technical_documentation_url", Want::Text),
    ("business_documentation_url", Want::Text),
    ("rate_limiting", Want::Text),
    ("rate_limiting_url", Want::Text),
    ("availability", Want::Number),
    ("availability_url", Want::Text),
    ("format", Want::Text),
    ("license", Want::Text),
    ("tags", Want::List),
    ("organization", Want::ObjectOrText),
    ("owner", Want::ObjectOrText),
    ("contact_points", Want::List),
    ("created_at", Want::Text),
    ("metadata_modified_at", Want::Text),
    ("self_web_url", Want::Text),
    ("extras", Want::Object),
    ("harvest", Want::Any),
];

fn fits(v: &Value, want: Want) -> bool {
    matches!(
        (want, v),
        (_, Value::Null)
            | (Want::Any, _)
            | (Want::Text | Want::ObjectOrText, Value::String(_))
            | (Want::List, Value::Array(_))
            | (Want::Object | Want::ObjectOrText, Value::Object(_))
            | (Want::Number, Value::Number(_) | Value::String(_))
    )
}

/// A JSON value with every string (keys too) sanitised, for `show --json`.
fn sanitized(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(sanitize(s).into_owned()),
        Value::Array(items) => Value::Array(items.iter().map(sanitized).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (sanitize(k).into_owned(), sanitized(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Text of a field: trimmed, sanitised, `None` when blank.
fn text(o: &Map<String, Value>, key: &str) -> Option<String> {
    o.get(key).and_then(Value::as_str).and_then(clean)
}

fn clean(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| sanitize(s).into_owned())
}

/// One line, whitespace runs made one space.
fn one_line(s: &str) -> String {
    sanitize_line(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A link worth showing: http(s) or mailto, nothing else (`javascript:`, `data:`…).
fn link(o: &Map<String, Value>, key: &str) -> Option<String> {
    o.get(key).and_then(Value::as_str).and_then(link_of)
}

fn link_of(s: &str) -> Option<String> {
    let s = sanitize_line(s);
    let s = s.trim();
    let lower = s.to_ascii_lowercase();
    (["https://", "http://", "mailto:"]
        .iter()
        .any(|p| lower.starts_with(p) && lower.len() > p.len())
        && !s.contains(char::is_whitespace))
    .then(|| s.to_string())
}

/// The first sentence of a Markdown text, as a tagline.
pub fn first_sentence(md: &str) -> Option<String> {
    let para = md
        .split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty() && !p.starts_with('|') && !p.starts_with("```"))?;
    let para = one_line(para.trim_start_matches(['#', ' ', '>', '-', '*']));
    let mut end = para.len();
    let chars: Vec<(usize, char)> = para.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if matches!(c, '.' | '!' | '?') && chars.get(k + 1).is_none_or(|(_, n)| *n == ' ') {
            end = i + c.len_utf8();
            break;
        }
    }
    let mut s = para[..end].to_string();
    if s.chars().count() > 300 {
        s = s.chars().take(299).collect::<String>() + "…";
    }
    (!s.is_empty()).then_some(s)
}

/// A slug as apicat names entries: kebab-case ASCII; a slug already so is kept.
pub fn normal_slug(s: &str) -> String {
    let ok = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok { s.to_string() } else { slugify(s) }
}

fn apigouv_slug(o: &Map<String, Value>) -> Option<String> {
    let mut urls = Vec::new();
    if let Some(Value::Object(h)) = o.get("harvest") {
        urls.extend(h.get("remote_url").and_then(Value::as_str));
    }
    if let Some(Value::Object(x)) = o.get("extras") {
        urls.extend(x.get("apigouv_url").and_then(Value::as_str));
        if let Some(s) = x.get("apigouv_slug").and_then(Value::as_str) {
            return Some(normal_slug(s))
                .filter(|n| !n.is_empty() && !s.chars().any(crate::text::is_unsafe));
        }
    }
    urls.iter().find_map(|u| {
        if u.chars().any(crate::text::is_unsafe) {
            return None;
        }
        let (_, rest) = u.split_once("api.gouv.fr/les-api/")?;
        let slug = normal_slug(rest.split(['/', '?', '#']).next()?);
        (!slug.is_empty()).then_some(slug)
    })
}

fn float(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => crate::text::number(s),
        _ => None,
    }
    .filter(|f: &f64| f.is_finite() && (0.0..=100.0).contains(f))
}

fn access(o: &Map<String, Value>) -> (Access, Option<String>) {
    match o.get("access_type") {
        Some(Value::String(s)) => match s.trim() {
            "open" => (Access::Open, None),
            "open_with_account" => (Access::Account, None),
            "restricted" => (Access::Restricted, None),
            other => (Access::Unknown, clean(other)),
        },
        // Before 2025, udata said it with two booleans; udata's default is open.
        _ => {
            if o.get("is_restricted") == Some(&Value::Bool(true)) {
                (Access::Restricted, None)
            } else if o.get("has_token") == Some(&Value::Bool(true)) {
                (Access::Account, None)
            } else {
                (Access::Open, None)
            }
        }
    }
}

fn rules(o: &Map<String, Value>) -> Vec<AccessRule> {
    let Some(Value::Array(list)) = o.get("access_audiences") else {
        return Vec::new();
    };
    let cible: Vec<&Map<String, Value>> = match o.get("extras").and_then(|x| x.get("public_cible"))
    {
        Some(Value::Array(c)) => c.iter().filter_map(Value::as_object).collect(),
        _ => Vec::new(),
    };
    let mut out: Vec<(&str, AccessRule)> = Vec::new();
    for a in list.iter().filter_map(Value::as_object) {
        let Some(role) = a.get("role").and_then(Value::as_str).map(str::trim) else {
            continue;
        };
        let Some(&(_, label)) = AUDIENCES.iter().find(|(r, _)| *r == role) else {
            continue;
        };
        // At most one per role, as udata enforces; a hand-made file may repeat one.
        if out.iter().any(|(r, _)| *r == role) {
            continue;
        }
        let description = PUBLIC_CIBLE
            .iter()
            .find(|(r, _)| *r == role)
            .and_then(|(_, name)| {
                cible
                    .iter()
                    .find(|c| c.get("name").and_then(Value::as_str) == Some(*name))
            })
            .and_then(|c| text(c, "description"))
            .unwrap_or_default();
        out.push((
            role,
            AccessRule {
                who: vec![label.to_string()],
                is_eligible: a
                    .get("condition")
                    .and_then(Value::as_str)
                    .and_then(|c| condition_code(c.trim())),
                description,
            },
        ));
    }
    out.into_iter().map(|(_, r)| r).collect()
}

fn contact(o: &Map<String, Value>) -> Option<String> {
    let mut points: Vec<&Map<String, Value>> = match o.get("contact_points") {
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_object).collect(),
        _ => Vec::new(),
    };
    if points.is_empty()
        && let Some(Value::Object(p)) = o.get("contact_point")
    {
        points.push(p);
    }
    let shown: Vec<String> = points
        .iter()
        .filter_map(|p| {
            let name = text(p, "name").map(|n| one_line(&n));
            let reach = p
                .get("email")
                .and_then(Value::as_str)
                .and_then(|e| {
                    let e = sanitize_line(e.trim());
                    (e.contains('@') && !e.contains(char::is_whitespace)).then_some(e)
                })
                .or_else(|| link(p, "contact_form"));
            match (name, reach) {
                (Some(n), Some(r)) => Some(format!("{n} <{r}>")),
                (None, Some(r)) => Some(r),
                (Some(n), None) => Some(n),
                (None, None) => None,
            }
        })
        .collect();
    (!shown.is_empty()).then(|| shown.join(", "))
}

/// `yyyy-mm-dd` of an ISO 8601 date or datetime.
pub fn iso_day(s: &str) -> Option<String> {
    let day = s.trim().get(..10)?;
    crate::catalogue::markdown::iso_date(day).filter(|d| d == day)
}

/// Converts one dataservice. `Err` names the field of the wrong type; the caller decides
/// beforehand whether the item is [`left_out`].
pub fn entry(item: &Value, place: &Place, origin: Origin, path: String) -> Result<Entry, Problem> {
    entry_with(item, place, origin, path, true)
}

/// [`entry`], keeping a sanitised copy of the item (`Source::raw`) only when `keep_raw`: a
/// whole catalogue read for its verdicts does without.
pub fn entry_with(
    item: &Value,
    place: &Place,
    origin: Origin,
    path: String,
    keep_raw: bool,
) -> Result<Entry, Problem> {
    let Value::Object(o) = item else {
        return Err(place.problem(format!(
            "{} where a dataservice object was expected",
            kind(item)
        )));
    };
    let label = || {
        o.get("id")
            .and_then(Value::as_str)
            .map(|id| format!(" (id {})", sanitize_line(id)))
            .unwrap_or_default()
    };
    for (key, want) in FIELDS {
        if let Some(v) = o.get(*key)
            && !fits(v, *want)
        {
            let expected = match want {
                Want::Text => "text",
                Want::List => "a list",
                Want::Object => "an object",
                Want::ObjectOrText => "an object",
                Want::Number => "a number",
                Want::Any => "anything",
            };
            return Err(place.problem(format!(
                "field `{key}` is {}, expected {expected}{}",
                kind(v),
                label()
            )));
        }
    }
    let title = text(o, "title")
        .map(|t| one_line(&t))
        .filter(|t| !t.is_empty());
    // A slug with a hidden character would be normalised into another API's name and take
    // its place: the item is left out instead.
    for key in ["slug", "id"] {
        if let Some(c) = o
            .get(key)
            .and_then(Value::as_str)
            .and_then(|s| s.chars().find(|&c| crate::text::is_unsafe(c)))
        {
            return Err(place.problem(format!(
                "field `{key}` holds a hidden or control character (U+{:04X}): it could pass \
                 for another API's name",
                c as u32
            )));
        }
    }
    let slug_src = o
        .get("slug")
        .and_then(Value::as_str)
        .map(normal_slug)
        .filter(|s| !s.is_empty())
        .or_else(|| title.as_deref().map(slugify).filter(|s| !s.is_empty()))
        .or_else(|| {
            o.get("id")
                .and_then(Value::as_str)
                .map(normal_slug)
                .filter(|s| !s.is_empty())
        });
    let Some(slug) = slug_src else {
        return Err(place.problem("no `slug`, `title` or `id` to name it by"));
    };
    let mut title = title.unwrap_or_else(|| slug.clone());
    if let Some(acr) = text(o, "acronym").map(|a| one_line(&a))
        && !acr.is_empty()
        && !crate::text::fold(&title).contains(&crate::text::fold(&acr))
    {
        title = format!("{title} ({acr})");
    }
    let body = text(o, "description").unwrap_or_default();
    let (access, unknown_access) = access(o);
    let request = link(o, "authorization_request_url");
    let (mut producer, mut producer_name, mut producer_acronym, mut owner) =
        (None, None, None, None);
    match o.get("organization") {
        Some(Value::Object(org)) => {
            producer_name = text(org, "name").map(|n| one_line(&n));
            producer = text(org, "slug")
                .map(|s| normal_slug(&s))
                .or_else(|| producer_name.as_deref().map(slugify));
            producer_acronym = text(org, "acronym").map(|a| one_line(&a));
        }
        _ => {
            if let Some(Value::Object(user)) = o.get("owner") {
                let name = [text(user, "first_name"), text(user, "last_name")]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                owner = Some(one_line(&name)).filter(|n| !n.is_empty());
            }
        }
    }
    let (rate_resume, rate_more) = match text(o, "rate_limiting") {
        Some(r) => {
            let mut lines = r.lines().map(str::trim).filter(|l| !l.is_empty());
            let first = lines.next().map(str::to_string);
            let rest: Vec<&str> = lines.collect();
            (first, (!rest.is_empty()).then(|| rest.join("\n")))
        }
        None => (None, None),
    };
    let rate_more = match (rate_more, link(o, "rate_limiting_url")) {
        (Some(m), Some(u)) => Some(format!("{m}\n{u}")),
        (m, u) => m.or(u),
    };
    let extras = o.get("extras").and_then(Value::as_object);
    let monitoring =
        link(o, "availability_url").or_else(|| extras.and_then(|x| link(x, "availability_url")));
    let france_connect = (extras.and_then(|x| x.get("is_franceconnect"))
        == Some(&Value::Bool(true)))
    .then_some(FranceConnect::Compatible);
    let keywords: Vec<String> = match o.get("tags") {
        Some(Value::Array(tags)) => tags
            .iter()
            .filter_map(Value::as_str)
            .filter_map(clean)
            .map(|t| one_line(&t))
            .collect(),
        _ => Vec::new(),
    };
    let last_update = text(o, "metadata_modified_at").map(|d| one_line(&d));
    let mut technical = link(o, "technical_documentation_url");
    let mut machine = link(o, "machine_documentation_url");
    // Before 2025: one `endpoint_description_url`, split by udata's migration the same way.
    if let Some(old) = link(o, "endpoint_description_url") {
        let l = old.to_ascii_lowercase();
        let spec = [".json", ".yaml", ".yml", "?format=openapi-json"]
            .iter()
            .any(|e| l.ends_with(e))
            || l.contains("getcapabilities")
            || l.contains("getresourcedescription");
        if spec {
            machine = machine.or(Some(old));
        } else {
            technical = technical.or(Some(old));
        }
    }
    let (datapass_link, account_link) = match access {
        Access::Account => (None, request),
        _ => (request, None),
    };
    let source = Source {
        id: text(o, "id").map(|i| one_line(&i)),
        web_url: link(o, "self_web_url"),
        business_documentation: link(o, "business_documentation_url"),
        license: text(o, "license").map(|l| one_line(&l)),
        api_format: text(o, "format").map(|f| one_line(&f)),
        access_type: unknown_access,
        access_reason: text(o, "access_type_reason"),
        apigouv_slug: apigouv_slug(o),
        raw: if keep_raw {
            sanitized(item)
        } else {
            Value::Null
        },
        fetched: None,
    };
    Ok(Entry {
        slug,
        origin,
        path,
        tagline: first_sentence(&body),
        title,
        producer,
        producer_name,
        producer_acronym,
        owner,
        access,
        france_connect,
        external_site: link(o, "base_api_url"),
        doc_tech_link: machine,
        doc_tech_external: technical,
        datapass_link,
        account_link,
        contact_link: contact(o),
        monitoring_link: monitoring,
        rate_limiting_resume: rate_resume,
        rate_limiting_description: rate_more,
        access_page: rules(o),
        keywords,
        kind: vec!["API".into()],
        last_update_iso: last_update.as_deref().and_then(iso_day),
        last_update,
        uptime: float(o.get("availability")),
        body,
        format: Format::Dataservice(Box::new(source)),
        ..Entry::default()
    })
}

/// What a set of items gives: the items kept (as read), their entries, and what was not kept.
#[derive(Debug, Default)]
pub struct Converted {
    /// Kept items (as compact JSON), deduplicated by id and slug, with their entries, in
    /// order.
    pub kept: Vec<(String, Entry)>,
    /// Left out on purpose (archived, deleted, private).
    pub left_out: Vec<(String, LeftOut)>,
    /// Items that could not be read.
    pub problems: Vec<Problem>,
    /// The same id seen twice (the listing has no stable order): counted once.
    pub duplicates: usize,
    /// Items served under another slug than theirs, as messages.
    pub renamed: Vec<String>,
}

/// Converts items, leaves out archived, deleted and private ones, and deduplicates: the same
/// `id` twice is one item. Two items of one slug: it goes to the one whose `slug` field is
/// written so (a `slug` written otherwise, `API_Entreprise` or with a space, only became it),
/// else to the first; the other gets `-2`…, and a message says so.
pub fn convert(items: Vec<(String, Place)>, origin: &Origin) -> Converted {
    let mut out = Converted::default();
    let mut ids = std::collections::HashSet::new();
    let mut read = Vec::new();
    // One item's values at a time: a tree of values takes several times its text.
    for (text, place) in items {
        let item = match serde_json::from_str::<Value>(&text) {
            Ok(v) => v,
            Err(e) => {
                let why = format!("invalid JSON: {}", sanitize_line(&e.to_string()));
                out.problems.push(place.problem(why));
                continue;
            }
        };
        drop(text);
        if let Some(why) = left_out(&item) {
            let name = item
                .get("slug")
                .or_else(|| item.get("id"))
                .and_then(Value::as_str)
                .map(sanitize_line)
                .unwrap_or_default();
            out.left_out.push((name, why));
            continue;
        }
        // As for an entry file: one item can hold no more than an entry may.
        let compact = serde_json::to_string(&item).unwrap_or_default();
        let size = compact.len() as u64;
        if size > super::folder::MAX_ENTRY_BYTES {
            out.problems.push(place.problem(format!(
                "{size} bytes, over the {} KiB limit for an entry",
                super::folder::MAX_ENTRY_BYTES / 1024
            )));
            continue;
        }
        match entry_with(&item, &place, origin.clone(), String::new(), false) {
            Ok(e) => {
                if let Some(id) = item.get("id").and_then(Value::as_str)
                    && !ids.insert(id.to_string())
                {
                    out.duplicates += 1;
                    continue;
                }
                let own = item.get("slug").and_then(Value::as_str) == Some(e.slug.as_str());
                read.push((compact, e, own, place));
            }
            Err(p) => out.problems.push(p),
        }
    }
    let mut slugs: std::collections::HashSet<String> = read
        .iter()
        .filter(|(_, _, own, _)| *own)
        .map(|(_, e, _, _)| e.slug.clone())
        .collect();
    let mut claimed = std::collections::HashSet::new();
    for (item, mut e, own, place) in read {
        // The first item owning its slug claims it; any other of that slug is renamed.
        let takes = if own {
            claimed.insert(e.slug.clone())
        } else {
            slugs.insert(e.slug.clone())
        };
        if !takes {
            let base = e.slug.clone();
            let n = (2..)
                .find(|n| !slugs.contains(&format!("{base}-{n}")))
                .unwrap_or(2);
            e.slug = format!("{base}-{n}");
            slugs.insert(e.slug.clone());
            out.renamed.push(
                place
                    .problem(format!(
                        "slug `{base}` is another item's; served as `{}`",
                        e.slug
                    ))
                    .to_string(),
            );
        }
        out.kept.push((item, e));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn fixture(name: &str) -> String {
        let p = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/datagouv")
            .join(name);
        std::fs::read_to_string(p).unwrap()
    }

    fn pages(name: &str) -> Converted {
        let items = file_items(&fixture(name), name).unwrap();
        convert(items, &Origin::Datagouv(Default::default()))
    }

    #[test]
    fn a_slug_written_otherwise_never_takes_the_one_written_so() {
        let text = r#"[
            {"id": "a", "title": "Imposteur", "slug": "API_Entreprise\u00a0"},
            {"id": "b", "title": "Sans slug"},
            {"id": "c", "title": "API Entreprise", "slug": "api-entreprise"},
            {"id": "d", "title": "Sans slug", "slug": "Sans Slug"}
        ]"#;
        let c = convert(
            file_items(text, "f.json").unwrap(),
            &Origin::Datagouv(Default::default()),
        );
        let got: Vec<(&str, &str)> = c
            .kept
            .iter()
            .map(|(_, e)| (e.title.as_str(), e.slug.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("Imposteur", "api-entreprise-2"),
                ("Sans slug", "sans-slug"),
                ("API Entreprise", "api-entreprise"),
                ("Sans slug", "sans-slug-2"),
            ]
        );
        assert_eq!(c.renamed.len(), 2, "{:?}", c.renamed);
        assert!(
            c.renamed[0].contains("item 1: slug `api-entreprise` is another item's"),
            "{:?}",
            c.renamed
        );
    }

    fn all_pages() -> Converted {
        let mut items = Vec::new();
        for (n, f) in ["page1.json", "page2.json", "page3.json"]
            .iter()
            .enumerate()
        {
            let v: Value = serde_json::from_str(&fixture(f)).unwrap();
            let place = Place {
                what: format!("page {}", n + 1),
                line: None,
                item: None,
            };
            let p = page(v, &place).unwrap();
            assert_eq!(p.total, Some(8));
            assert_eq!(p.next.is_none(), n == 2);
            let texts = p.items.iter().map(Value::to_string).collect();
            items.extend(numbered(texts, |i| Place {
                item: Some(i),
                ..place.clone()
            }));
        }
        convert(items, &Origin::Datagouv(Default::default()))
    }

    #[test]
    fn three_pages_keep_five_and_leave_out_three() {
        let c = all_pages();
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        let slugs: Vec<&str> = c.kept.iter().map(|(_, e)| e.slug.as_str()).collect();
        assert_eq!(
            slugs,
            [
                "api-entreprise",
                "api-adresse-base-adresse-nationale-ban",
                "api-particulier",
                "api-recherche-d-entreprises",
                "api-sirene"
            ]
        );
        let mut why: Vec<LeftOut> = c.left_out.iter().map(|(_, w)| *w).collect();
        why.sort_by_key(|w| w.words());
        assert_eq!(why, [LeftOut::Archived, LeftOut::Deleted, LeftOut::Private]);
    }

    #[test]
    fn api_entreprise_maps_every_field() {
        let c = all_pages();
        let e = &c.kept[0].1;
        assert_eq!(e.title, "API Entreprise");
        assert_eq!(e.access, Access::Restricted);
        assert_eq!(
            e.tagline.as_deref(),
            Some(
                "Accédez aux données et aux documents administratifs des entreprises et des associations, afin de simplifier leurs démarches."
            )
        );
        assert_eq!(
            e.producer.as_deref(),
            Some("direction-interministerielle-du-numerique")
        );
        assert_eq!(e.producer_acronym.as_deref(), Some("DINUM"));
        assert_eq!(
            e.datapass_link.as_deref(),
            Some("https://datapass.api.gouv.fr/api-entreprise")
        );
        assert_eq!(e.request_link(), e.datapass_link.as_deref());
        let rules: Vec<(&str, Option<i64>)> = e
            .access_page
            .iter()
            .map(|r| (r.who[0].as_str(), r.is_eligible))
            .collect();
        assert_eq!(
            rules,
            [
                ("Administration ou collectivité", Some(1)),
                ("Entreprise ou association", Some(0)),
                ("Particulier", Some(-1))
            ]
        );
        assert!(
            e.access_page[1]
                .description
                .contains("mission de service public")
        );
        assert_eq!(e.uptime, Some(99.5));
        assert_eq!(
            e.monitoring_link.as_deref(),
            Some("https://status.entreprise.api.gouv.fr/")
        );
        assert_eq!(
            e.rate_limiting_resume.as_deref(),
            Some("2000 appels / 10 minutes / IP")
        );
        assert!(
            e.rate_limiting_description
                .as_deref()
                .unwrap()
                .ends_with("#respecter-la-volumetrie")
        );
        assert_eq!(
            e.external_site.as_deref(),
            Some("https://entreprise.api.gouv.fr/")
        );
        assert!(
            e.doc_tech_link
                .as_deref()
                .unwrap()
                .ends_with("openapi-v3.yaml")
        );
        assert_eq!(
            e.doc_tech_external.as_deref(),
            Some("https://entreprise.api.gouv.fr/developpeurs")
        );
        assert_eq!(
            e.contact_link.as_deref(),
            Some("Support API Entreprise <support@entreprise.api.gouv.fr>")
        );
        assert_eq!(e.keywords, ["certification", "entreprise", "etablissement"]);
        assert_eq!(e.last_update_iso.as_deref(), Some("2025-06-17"));
        assert_eq!(e.france_connect, None);
        let Format::Dataservice(s) = &e.format else {
            panic!()
        };
        assert_eq!(s.license.as_deref(), Some("notspecified"));
        assert_eq!(s.api_format.as_deref(), Some("REST"));
        assert_eq!(
            s.web_url.as_deref(),
            Some("https://www.data.gouv.fr/dataservices/api-entreprise")
        );
        assert_eq!(
            s.business_documentation.as_deref(),
            Some("https://entreprise.api.gouv.fr/catalogue")
        );
    }

    #[test]
    fn account_franceconnect_and_extras() {
        let c = all_pages();
        let get = |s: &str| &c.kept.iter().find(|(_, e)| e.slug == s).unwrap().1;
        let p = get("api-particulier");
        assert_eq!(p.france_connect, Some(FranceConnect::Compatible));
        assert_eq!(
            p.monitoring_link.as_deref(),
            Some("https://status.particulier.api.gouv.fr/")
        );
        let s = get("api-sirene");
        assert_eq!(s.access, Access::Account);
        assert!(s.account_link.is_some() && s.datapass_link.is_none());
        assert!(s.access_page.is_empty());
        let b = get("api-adresse-base-adresse-nationale-ban");
        assert_eq!(b.access, Access::Open);
        assert!(b.title.contains("BAN"), "{}", b.title);
    }

    #[test]
    fn odd_items_are_read_leniently() {
        let c = pages("odd.json");
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.kept.len(), 8);
        let e = |i: usize| &c.kept[i].1;
        assert!(e(0).owner.is_some());
        assert!(e(0).producer_display().is_some());
        assert_eq!(e(1).title, "API Qualité de l'air (Atmo)");
        assert_eq!(e(1).body, "");
        assert_eq!(e(1).access, Access::Restricted);
        assert_eq!(e(1).uptime, Some(99.2));
        let r: Vec<_> = e(2)
            .access_page
            .iter()
            .map(|r| (r.who[0].clone(), r.is_eligible))
            .collect();
        assert_eq!(
            r.len(),
            1 + usize::from(r.iter().any(|(w, _)| w == "Particulier"))
                + usize::from(r.iter().any(|(w, _)| w == "Entreprise ou association"))
        );
        assert_eq!(
            r.iter()
                .filter(|(w, _)| w == "Administration ou collectivité")
                .count(),
            1
        );
        assert_eq!(e(2).uptime, Some(97.0));
        assert_eq!(e(2).last_update_iso.as_deref(), Some("2024-12-31"));
        assert_eq!(e(3).access, Access::Unknown);
        assert_eq!(e(3).slug, "api-meteo-publique");
        assert_eq!(e(3).france_connect, None);
        assert_eq!(e(3).uptime, None);
        assert_eq!(e(4).access, Access::Open);
        assert_eq!(e(6).access, Access::Account);
        assert!(e(6).doc_tech_link.is_some() || e(6).doc_tech_external.is_some());
        assert!(e(6).contact_link.is_some());
        assert_eq!(e(7).slug, "api-qualite-de-l-air-atmo-2");
        assert_eq!(e(7).uptime, Some(99.5));
    }

    #[test]
    fn hostile_text_is_sanitised() {
        let c = pages("hostile.json");
        // The two whose slug hides a character are left out, not renamed.
        let left: Vec<&str> = c.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            left,
            [
                "item 2: field `slug` holds a hidden or control character (U+202E): it could pass for another API's name",
                "item 3: field `slug` holds a hidden or control character (U+200B): it could pass for another API's name",
            ]
        );
        assert!(!c.kept.is_empty());
        for (_, e) in &c.kept {
            let mut texts = vec![&e.slug, &e.title, &e.body];
            texts.extend(e.tagline.iter());
            texts.extend(e.keywords.iter());
            texts.extend(e.contact_link.iter());
            texts.extend(e.producer_name.iter());
            texts.extend(e.rate_limiting_resume.iter());
            for t in texts {
                assert!(
                    !t.chars().any(|c| crate::text::is_unsafe(c) && c != '\n'),
                    "{t:?}"
                );
            }
            assert!(
                e.slug
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                e.slug
            );
            assert!(
                e.datapass_link
                    .as_deref()
                    .is_none_or(|l| l.starts_with("http"))
            );
        }
    }

    #[test]
    fn wrong_shapes_and_types_name_the_field() {
        let v: Value = serde_json::from_str(&fixture("wrong_shape.json")).unwrap();
        let place = Place {
            what: "page 1".into(),
            line: None,
            item: None,
        };
        let p = page(v, &place).unwrap_err();
        assert_eq!(
            p.to_string(),
            "page 1: field `data` is an object, expected a list of dataservices"
        );
        let c = pages("wrong_types.json");
        assert_eq!(c.kept.len(), 1);
        assert_eq!(c.problems.len(), 13, "{:#?}", c.problems);
        assert!(
            c.problems[0].message.contains("`title` is a number"),
            "{}",
            c.problems[0]
        );
        assert!(
            c.problems
                .iter()
                .any(|p| p.message.contains("`tags` is a string"))
        );
        let p = file_items(&fixture("malformed.json"), "malformed.json").unwrap_err();
        assert!(p.message.contains("EOF while parsing a string"), "{p}");
    }

    #[test]
    fn files_as_arrays_and_json_lines() {
        assert_eq!(pages("items.json").kept.len(), 2);
        let c = pages("items.jsonl");
        assert_eq!(c.kept.len(), 2);
        assert!(c.kept.iter().any(|(_, e)| e.access == Access::Restricted));
    }

    #[test]
    fn first_sentences() {
        assert_eq!(
            first_sentence("## Titre\n\nUne phrase. Une autre.").as_deref(),
            Some("Titre")
        );
        assert_eq!(
            first_sentence("Une phrase. Une autre.").as_deref(),
            Some("Une phrase.")
        );
        assert_eq!(
            first_sentence("v1.2 est là").as_deref(),
            Some("v1.2 est là")
        );
        assert_eq!(first_sentence(""), None);
    }
}
