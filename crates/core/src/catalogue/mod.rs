//! The catalogue model: entries, whatever format they were read from, and finding one by name.
//! Reading them is the business of the submodules: `markdown` (api.gouv.fr files), `folder`
//! (directories of them) and `sources` (which of them make the catalogue in use).

pub mod datagouv;
pub mod folder;
pub mod keys;
pub mod markdown;
pub mod snapshot;
pub mod sources;
pub mod yaml;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

use crate::text::fold;

/// Where an entry was read from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Origin {
    #[default]
    Bundled,
    /// The user's personal catalogue directory.
    Personal(PathBuf),
    /// A directory given with `--catalogue` or `APICAT_CATALOGUE`.
    Directory(PathBuf),
    /// The snapshot of data.gouv.fr's dataservices that `apicat update` saved (its file).
    Datagouv(PathBuf),
}

impl Origin {
    /// Stable name used in JSON and on the page: the one `--source` takes.
    pub fn kind(&self) -> &'static str {
        match self {
            Origin::Bundled => "bundled",
            Origin::Personal(_) => "personal",
            Origin::Directory(_) => "folder",
            Origin::Datagouv(_) => "datagouv",
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
    /// From api.gouv.fr's `is_open` code: 1 open, 0 account, -1 restricted.
    pub fn from_code(code: Option<i64>) -> Access {
        match code {
            Some(1) => Access::Open,
            Some(0) => Access::Account,
            Some(-1) => Access::Restricted,
            _ => Access::Unknown,
        }
    }
    /// Its code in the index.
    pub fn from_index(code: u8) -> Option<Access> {
        [
            Access::Open,
            Access::Account,
            Access::Restricted,
            Access::Unknown,
        ]
        .into_iter()
        .find(|a| *a as u8 == code)
    }
    /// Stable name used in JSON and on the page: the one `--source` takes.and filters.
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
    pub access: Access,
    pub france_connect: Option<FranceConnect>,
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
    pub rate_limiting_link: Option<String>,
    pub stats_detail_resume: Option<String>,
    pub stats_detail_description: Option<String>,
    pub stats_detail_link: Option<String>,
    /// data.gouv.fr dataset ids: the open data the API serves.
    pub datagouv_uuid: Vec<String>,
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
    /// The text, in the catalogue's Markdown with HTML and MDX-like tags.
    pub body: String,
    /// What only the format it was read from knows (raw front matter, line numbers).
    pub format: Format,
    /// Entries of the same API in other sources, which this one was preferred to.
    pub elsewhere: Vec<Elsewhere>,
}

/// An entry of the same API in another source (see [`sources::merge`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Elsewhere {
    /// `bundled`, `personal`, `datagouv`.
    pub source: &'static str,
    pub slug: String,
    pub last_update: Option<String>,
}

/// How an API works with FranceConnect, from `is_france_connected`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FranceConnect {
    Compatible,
    Required,
}

impl FranceConnect {
    /// Its code in the index.
    pub fn from_index(code: u8) -> Option<FranceConnect> {
        [FranceConnect::Compatible, FranceConnect::Required]
            .into_iter()
            .find(|f| *f as u8 == code)
    }

    pub fn from_code(code: Option<i64>) -> Option<FranceConnect> {
        match code {
            Some(1) => Some(FranceConnect::Compatible),
            Some(2) => Some(FranceConnect::Required),
            _ => None,
        }
    }
}

/// The details of an entry that belong to the format it was read from.
#[derive(Debug, Clone, Default)]
pub enum Format {
    /// Made from an index record: only what `list` and `search` show.
    #[default]
    Summary,
    /// An api.gouv.fr Markdown file.
    Markdown(Box<markdown::Source>),
    /// A data.gouv.fr dataservice.
    Dataservice(Box<datagouv::Source>),
}

impl Entry {
    /// The entry with only what an index record holds (`list`'s columns, filters and JSON),
    /// as [`crate::index::Index::entry`] makes it: the rest, body and raw front matter first,
    /// is dropped.
    pub fn into_summary(self) -> Entry {
        let own = |s: String| s.into_boxed_str().into_string();
        let opt = |s: Option<String>| s.map(own);
        let list = |v: Vec<String>| v.into_iter().map(own).collect::<Vec<_>>();
        Entry {
            slug: own(self.slug),
            path: own(self.path),
            origin: self.origin,
            title: own(self.title),
            tagline: opt(self.tagline),
            producer: opt(self.producer),
            producer_name: opt(self.producer_name),
            producer_acronym: opt(self.producer_acronym),
            owner: opt(self.owner),
            owner_acronym: opt(self.owner_acronym),
            access: self.access,
            france_connect: self.france_connect,
            visits_2019: self.visits_2019,
            themes: list(self.themes),
            keywords: list(self.keywords),
            ..Entry::default()
        }
    }

    /// The Markdown file's details, when it was read from one.
    pub fn markdown(&self) -> Option<&markdown::Source> {
        match &self.format {
            Format::Markdown(m) => Some(m),
            _ => None,
        }
    }

    /// The dataservice's details, when it was read from one.
    pub fn dataservice(&self) -> Option<&datagouv::Source> {
        match &self.format {
            Format::Dataservice(d) => Some(d),
            _ => None,
        }
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

    /// Producer and partner slugs resolved to names.
    pub fn resolve_producers(&mut self, producers: &HashMap<String, Producer>) {
        if let Some(p) = self.producer.as_ref().and_then(|s| producers.get(s)) {
            self.producer_name = Some(p.name.clone());
            self.producer_acronym = p.acronym.clone();
        }
        self.partner_names = self
            .partners
            .iter()
            .map(|p| {
                producers
                    .get(p)
                    .map_or_else(|| p.clone(), |pr| pr.name.clone())
            })
            .collect();
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

/// A name no entry answers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoSuchEntry<'a> {
    /// Up to three close slugs, for "did you mean".
    pub near: Vec<&'a str>,
    /// The slugs the name starts, when it starts several.
    pub ambiguous: Vec<&'a str>,
}

/// The entries in use, with the files that could not be read.
#[derive(Debug, Default, Clone)]
pub struct Catalogue {
    pub entries: Vec<Entry>,
    pub problems: Vec<Problem>,
    pub producers: HashMap<String, Producer>,
    /// Whether `producers` came from a real `producteurs/` folder (so unknown slugs mean something).
    pub producers_known: bool,
    /// Slugs found in two sources: (slug, replaced path, replacing path).
    pub replaced: Vec<(String, String, String)>,
}

impl Catalogue {
    /// Entries read from any source, in order; a later entry replaces an earlier one of the
    /// same slug.
    pub fn from_entries(items: impl IntoIterator<Item = Result<Entry, Problem>>) -> Catalogue {
        let mut cat = Catalogue::default();
        let mut by_slug: HashMap<String, usize> = HashMap::new();
        for parsed in items {
            match parsed {
                Ok(entry) => match by_slug.get(&entry.slug) {
                    Some(&i) => {
                        let mut entry = entry;
                        let old = &cat.entries[i];
                        cat.replaced.push((
                            entry.slug.clone(),
                            old.path.clone(),
                            entry.path.clone(),
                        ));
                        // A personal entry in place of a bundled one says that one is there.
                        if old.origin.kind() != entry.origin.kind() {
                            entry.elsewhere.push(Elsewhere {
                                source: old.origin.kind(),
                                slug: old.slug.clone(),
                                last_update: old.last_update_iso.clone(),
                            });
                        }
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

    /// Resolves producer and partner slugs to names.
    pub fn set_producers(&mut self, producers: HashMap<String, Producer>, known: bool) {
        for e in &mut self.entries {
            e.resolve_producers(&producers);
        }
        self.producers = producers;
        self.producers_known = known;
    }

    /// Finds an entry by slug, exact title (case and accents ignored), or a slug prefix only
    /// one entry has.
    pub fn lookup(&self, name: &str) -> Result<&Entry, NoSuchEntry<'_>> {
        let name = name.trim();
        if let Some(e) = self.get(name) {
            return Ok(e);
        }
        // The name of an entry another was preferred to: the entry served for that API. An
        // api.gouv.fr slug snapshot entries record: the most recently updated of them (the
        // first listed on a tie).
        let records = |e: &&Entry| {
            e.dataservice()
                .is_some_and(|d| d.apigouv_slug.as_deref() == Some(name))
        };
        if let Some(e) = (self.entries.iter())
            .find(|e| e.elsewhere.iter().any(|o| o.slug == name))
            .or_else(|| {
                let recording = self.entries.iter().rev().filter(records);
                recording.max_by_key(|e| e.last_update_iso.as_deref())
            })
        {
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
        let ambiguous = if folded.is_empty() {
            Vec::new()
        } else {
            self.entries
                .iter()
                .filter(|e| fold(&e.slug).starts_with(&folded))
                .map(|e| e.slug.as_str())
                .collect()
        };
        Err(NoSuchEntry {
            near: crate::text::suggestions(name, self.entries.iter().map(|e| e.slug.as_str()), 3),
            ambiguous,
        })
    }

    /// An entry by exact slug.
    pub fn get(&self, slug: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.slug == slug)
    }
}

/// Entries served by position, each made only when asked for: a catalogue in memory, an
/// index, the snapshot merged with the others. `list` and `search` print through it, so a
/// large catalogue makes entries only for the rows shown.
pub trait Served {
    fn len(&self) -> usize;

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// What `list` and `search` show of the entry at `at`.
    fn listing(&self, at: usize) -> Listing<'_>;

    /// The entry at `at` as `list` and `search` give it; keywords only when asked for.
    fn entry(&self, at: usize, keywords: bool) -> Entry;

    /// Whether the entry at `at` passes `filter`; made only when a filter is set.
    fn passes(&self, at: usize, filter: &crate::search::Filter) -> bool {
        filter.is_empty() || filter.matches(&self.entry(at, false))
    }

    /// Every entry, as a catalogue: to say why nothing matched.
    fn catalogue(&self) -> Cow<'_, Catalogue>;
}

impl Served for Catalogue {
    fn len(&self) -> usize {
        self.entries.len()
    }

    fn listing(&self, at: usize) -> Listing<'_> {
        self.entries[at].listing()
    }

    fn entry(&self, at: usize, _: bool) -> Entry {
        self.entries[at].clone()
    }

    fn passes(&self, at: usize, filter: &crate::search::Filter) -> bool {
        filter.matches(&self.entries[at])
    }

    fn catalogue(&self) -> Cow<'_, Catalogue> {
        Cow::Borrowed(self)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn lookup_by_slug_title_or_prefix() {
        let cat = crate::catalogue::sources::bundled_for_tests();
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
        let several = cat.lookup("a").unwrap_err();
        assert_eq!(several.ambiguous.len(), 3, "{several:?}");
        assert_eq!(
            cat.lookup("api-entreprse").unwrap_err().near[0],
            "api-entreprise"
        );
    }
}
