//! Finding entries: filters, query parsing and ranking. Pure: takes entries, returns indices.
//!
//! Every query word must match an entry (stopwords aside), by its folded form, its French
//! stem, through a [`RELATED`] word, as a prefix (the last word only), or, for a word that
//! nothing in the catalogue spells in any of those ways, with a typo. Matching entries are scored BM25F-style over four fields;
//! the weights below are the only place ranking is tuned.

use std::cell::{OnceCell, RefCell};
use std::collections::BTreeMap;
use std::num::NonZeroU32;
use std::rc::Rc;

use foldhash::{HashMap, HashMapExt};

use rust_stemmers::{Algorithm, Stemmer};

use crate::catalogue::{Access, Entry};
use crate::text::{edit_distance, fold, is_function_word, words};

/// The fields an entry is searched by, with their BM25F weight `w` and length normalisation
/// `b` (0: none, 1: full). One place for every weight of the ranking; the README copies it.
pub const FIELDS: [Field; 4] = [
    // Title, the acronyms it gives "(BAN)", the slug's words, the producer's acronym.
    Field {
        name: "title",
        weight: 6.0,
        b: 0.3,
    },
    Field {
        name: "tagline",
        weight: 3.0,
        b: 0.5,
    },
    // Keywords, themes, producer and owner names, partners.
    Field {
        name: "tags",
        weight: 2.0,
        b: 0.5,
    },
    // Introduction and body text.
    Field {
        name: "body",
        weight: 1.0,
        b: 0.75,
    },
];
pub const BODY: usize = 3;

/// How much a match counts, by how the word matched (multiplies the field weight).
impl How {
    pub fn factor(self) -> f64 {
        match self {
            How::Exact => 1.0,
            How::Stem => 0.7,
            How::Related => 0.6,
            How::Prefix => 0.5,
            How::Typo => 0.35,
        }
    }
}

/// BM25 term-frequency saturation.
const K1: f64 = 1.2;
/// Occurrences of a word in a field counted at most (the index keeps no more; one digit).
const TF_CAP: usize = 3;
/// The score is a band plus a BM25F relevance in [0, 1). Bands, highest first: the query
/// spells the entry's name (slug, title or acronym) word for word, `api` aside; it does once
/// small words are set aside too; every word matched in a field other than the body; some word
/// did; only the body matched.
const FULL_NAME_BAND: f64 = 4.0;
const NAME_BAND: f64 = 3.0;
const ALL_FIELDS_BAND: f64 = 2.0;
const SOME_FIELD_BAND: f64 = 1.0;

/// Words a query ignores unless it has nothing else (as api.gouv.fr did): French function
/// words, and words every entry of this catalogue could claim.
fn is_stopword(w: &str) -> bool {
    is_function_word(w)
        || [
            "api", "apis", "donnees", "donnee", "base", "numero", "numeros",
        ]
        .contains(&w)
}

/// Words a query word also looks for, as a weaker match: what a person holds (an identifier, a
/// document) and the name of the register or number it comes from, which entries about that
/// register use. Folded; each listed word matches by its stem too.
pub const RELATED: &[(&str, &[&str])] = &[
    // A SIRET number (SIREN + NIC) is given by the Sirene register, whose API says "Sirene".
    ("siret", &["sirene"]),
    // A RIB is the bank's statement of an IBAN.
    ("rib", &["iban"]),
    // Laws are what entries call legislation ("Administration & législation", "législatifs").
    ("loi", &["legislation"]),
    ("lois", &["legislation"]),
];

/// One searchable field of entries.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub weight: f64,
    pub b: f64,
}

/// How a query word matched a field, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum How {
    Exact,
    Stem,
    /// Through a word of [`RELATED`].
    Related,
    Prefix,
    Typo,
}

impl How {
    pub fn name(self) -> &'static str {
        match self {
            How::Exact => "exact",
            How::Stem => "stem",
            How::Related => "related",
            How::Prefix => "prefix",
            How::Typo => "typo",
        }
    }
}

/// The French stem of a folded word (Snowball).
pub fn stem(word: &str) -> String {
    Stemmer::create(Algorithm::French).stem(word).into_owned()
}

/// Restrictions shared by `list` and `search`.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub theme: Option<String>,
    pub producer: Option<String>,
    pub access: Option<Access>,
    /// Only APIs that work with FranceConnect.
    pub france_connect: bool,
}

impl Filter {
    /// Whether every entry passes.
    pub fn is_empty(&self) -> bool {
        self.theme.is_none()
            && self.producer.is_none()
            && self.access.is_none()
            && !self.france_connect
    }

    pub fn matches(&self, e: &Entry) -> bool {
        if let Some(t) = &self.theme {
            let t = fold(t.trim());
            if !e.themes.iter().any(|th| fold(th) == t) {
                return false;
            }
        }
        if let Some(p) = &self.producer {
            let p = fold(p.trim());
            let exact = [&e.producer, &e.producer_acronym, &e.owner_acronym]
                .into_iter()
                .flatten()
                .any(|v| fold(v) == p);
            let named = [&e.producer_name, &e.owner]
                .into_iter()
                .flatten()
                .any(|v| words(&fold(v)).any(|w| w == p) || fold(v) == p);
            if !(exact || named) {
                return false;
            }
        }
        if self.france_connect && e.france_connect.is_none() {
            return false;
        }
        match self.access {
            Some(a) => e.access == a,
            None => true,
        }
    }
}

/// A parsed query: folded words, stopwords dropped unless only stopwords were given.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub terms: Vec<String>,
    /// Each term's French stem.
    pub stems: Vec<String>,
    /// Each pair of neighbouring terms written as one word (`france connect` →
    /// `franceconnect`): a term also matches as part of such a word.
    pub joined: Vec<String>,
    /// Each term's [`RELATED`] words, as stems, each with whether it is its own stem.
    pub related: Vec<Vec<(String, bool)>>,
    /// The whole query as a name (see [`name_key`]): an entry named so ranks first.
    pub key: String,
    /// The whole query as a name word for word (see [`full_name_key`]): an entry named so
    /// ranks above one whose name differs only by a small word (`api-entreprise`, not
    /// `api-mon-entreprise`).
    pub full_key: String,
    /// Every word of the query, small words included, folded: a misspelt one is replaced by
    /// its corrections to find the name the query meant.
    pub words: Vec<String>,
    /// Whether hits say how each word matched ([`Hit::matches`]); the closest always do.
    /// Only `--json` and `--explain` show it.
    pub explained: bool,
}

impl Query {
    pub fn parse<S: AsRef<str>>(args: &[S]) -> Query {
        let folded = args
            .iter()
            .map(|a| fold(a.as_ref()))
            .collect::<Vec<_>>()
            .join(" ");
        let all: Vec<String> = words(&folded).map(str::to_string).collect();
        let mut terms: Vec<String> = all.iter().filter(|w| !is_stopword(w)).cloned().collect();
        if terms.is_empty() {
            terms = all;
        }
        let mut seen = std::collections::HashSet::new();
        terms.retain(|t| seen.insert(t.clone()));
        let stemmer = Stemmer::create(Algorithm::French);
        let stems = terms.iter().map(|t| stemmer.stem(t).into_owned()).collect();
        let joined = terms.windows(2).map(|w| w.concat()).collect();
        let related = terms
            .iter()
            .map(|t| {
                let listed = RELATED.iter().filter(|(w, _)| w == t);
                let stems =
                    listed.flat_map(|(_, r)| r.iter().map(|r| stemmer.stem(r).into_owned()));
                stems
                    .map(|s| (stemmer.stem(&s) == s, s))
                    .map(|(f, s)| (s, f))
                    .collect()
            })
            .collect();
        Query {
            terms,
            stems,
            joined,
            related,
            key: name_key(&folded),
            full_key: full_name_key(&folded),
            words: words(&folded).map(str::to_string).collect(),
            explained: true,
        }
    }
}

/// A name as a query would spell it: its folded words but stopwords, one space apart (all its
/// words when it has only stopwords). `API Adresse`, `api-adresse` and `adresse` are one key.
pub fn name_key(folded: &str) -> String {
    let all: Vec<&str> = words(folded).collect();
    let kept: Vec<&str> = all.iter().copied().filter(|w| !is_stopword(w)).collect();
    if kept.is_empty() { all } else { kept }.join(" ")
}

/// A name word for word: its folded words but `api`, one space apart.
pub fn full_name_key(folded: &str) -> String {
    let all: Vec<&str> = words(folded).collect();
    let kept: Vec<&str> = all
        .iter()
        .copied()
        .filter(|w| !matches!(*w, "api" | "apis"))
        .collect();
    if kept.is_empty() { all } else { kept }.join(" ")
}

/// How one query word matched one field of an entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// The query word.
    pub term: Rc<str>,
    /// The field's name, from [`FIELDS`].
    pub field: &'static str,
    pub how: How,
    /// What it matched when not the word itself: the stem, the word it starts, the word it
    /// misspells.
    pub word: Option<Rc<str>>,
}

/// One ranked result.
#[derive(Debug, Clone)]
pub struct Hit {
    pub index: usize,
    /// The band (2: the query is the entry's name, 1: a word matched a field other than the
    /// body, 0: only the body) plus the BM25F relevance, in [0, 1), rounded to 3 decimals.
    pub score: f64,
    /// How many query terms the entry matched.
    pub matched: usize,
    /// How each word matched, field by field (in [`FIELDS`] order per word).
    pub matches: Vec<Match>,
    /// Folded words to highlight beside the ranking's own ([`Ranking::marks`]): those it
    /// matched by typo or prefix.
    pub marks: Vec<String>,
}

/// A ranking: the entries that match every word, best first, and when there are none, the
/// closest: those that match the most words.
#[derive(Debug, Clone, Default)]
pub struct Ranking {
    pub hits: Vec<Hit>,
    pub closest: Vec<Hit>,
    /// Folded words every hit highlights: the terms and their stems.
    pub marks: Vec<String>,
}

/// Each searchable field of an entry (see [`FIELDS`]), folded and reduced to what matching
/// needs: sorted word lists, one space apart, a word repeated as often as it occurs (at most
/// [`TF_CAP`] times). UTF-8, but kept as bytes since those read from the index cache are
/// matched without being checked first. A view: of an index's bytes, or of [`OwnFields`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Fields<'a> {
    /// The entry's names as keys ([`name_key`]): slug, title, title without its parenthesised
    /// part, the acronyms it gives; one a line.
    pub names: &'a [u8],
    /// Per field, its words.
    pub words: [&'a [u8]; 4],
    /// Per field, the French stems of its words.
    pub stems: [&'a [u8]; 4],
    /// Per field, how many words it has.
    pub lens: [u32; 4],
}

/// An entry's [`Fields`] as computed from it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OwnFields {
    pub names: Vec<u8>,
    pub words: [Vec<u8>; 4],
    pub stems: [Vec<u8>; 4],
    pub lens: [u32; 4],
}

/// Each distinct word with its count, in order, and the number of words.
fn counted<'w>(
    ws: impl Iterator<Item = &'w str>,
    text_len: usize,
) -> (Vec<(&'w str, usize)>, usize) {
    let (mut counts, len) = counted_unsorted(ws, text_len);
    sort_words(&mut counts);
    (counts, len)
}

/// [`counted`] in no particular order.
fn counted_unsorted<'w>(
    ws: impl Iterator<Item = &'w str>,
    text_len: usize,
) -> (Vec<(&'w str, usize)>, usize) {
    // Hashed, then sorted once: a body repeats its words many times. Sized by the text (a
    // title has a few words, a body a few hundred distinct ones): a map too large for the
    // text costs more to allocate than to fill.
    let mut counts: HashMap<&str, usize> = HashMap::with_capacity((text_len / 8).clamp(4, 256));
    let mut len = 0;
    for w in ws {
        *counts.entry(w).or_default() += 1;
        len += 1;
    }
    (counts.into_iter().collect(), len)
}

/// Sorts distinct words. Most differ in their first 8 bytes: those are sorted as numbers, each
/// with its place, and only words sharing them are compared whole.
fn sort_words(counts: &mut Vec<(&str, usize)>) {
    let mut keys: Vec<u128> = counts
        .iter()
        .enumerate()
        .map(|(i, (w, _))| (u128::from(head(w.as_bytes())) << 64) | i as u128)
        .collect();
    keys.sort_unstable();
    let mut sorted: Vec<(&str, usize)> = keys
        .iter()
        .map(|&k| counts[usize::try_from(k as u64).unwrap_or_default()])
        .collect();
    sort_ties(&keys, &mut sorted, |(w, _)| w.as_bytes());
    *counts = sorted;
}

/// The first 8 bytes of a key as a number that sorts as they do: no key holds a NUL byte,
/// so padding with zeros keeps their order.
fn head(w: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    let n = w.len().min(8);
    b[..n].copy_from_slice(&w[..n]);
    u64::from_be_bytes(b)
}

/// Sorts whole the runs of `sorted` whose `keys` (as made by [`head`]) are equal.
fn sort_ties<T>(keys: &[u128], sorted: &mut [T], key: impl Fn(&T) -> &[u8]) {
    let mut i = 0;
    while i < keys.len() {
        let same = keys[i..]
            .iter()
            .take_while(|&&k| k >> 64 == keys[i] >> 64)
            .count();
        if same > 1 {
            sorted[i..i + same].sort_unstable_by(|a, b| key(a).cmp(key(b)));
        }
        i += same;
    }
}

/// Sorts items by a key of bytes holding no NUL byte. Most keys differ in their first 8 bytes:
/// those are sorted as numbers, each with its place, and only keys sharing them are compared
/// whole.
pub(crate) fn sort_by_bytes<T>(items: &mut Vec<T>, key: impl Fn(&T) -> &[u8]) {
    let mut keys: Vec<u128> = items
        .iter()
        .enumerate()
        .map(|(i, t)| (u128::from(head(key(t))) << 64) | i as u128)
        .collect();
    keys.sort_unstable();
    let mut slots: Vec<Option<T>> = std::mem::take(items).into_iter().map(Some).collect();
    let mut sorted: Vec<T> = keys
        .iter()
        .filter_map(|&k| slots.get_mut(usize::try_from(k as u64).ok()?)?.take())
        .collect();
    sort_ties(&keys, &mut sorted, key);
    *items = sorted;
}

/// A sorted list of the distinct words counted, one space apart, each followed by `:N` when it
/// occurs N times, 2 ≤ N ≤ `cap` (more count as `cap`).
fn counted_list(counts: &[(&str, usize)], cap: usize) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::with_capacity(
        counts
            .iter()
            .map(|(w, n)| w.len() + if *n > 1 { 3 } else { 1 })
            .sum(),
    );
    for &(w, n) in counts {
        if !out.is_empty() {
            out.push(b' ');
        }
        out.extend_from_slice(w.as_bytes());
        if n.min(cap) > 1 {
            out.push(b':');
            out.push(b'0' + u8::try_from(n.min(cap)).unwrap_or(9));
        }
    }
    out
}

/// French stems, each word stemmed once per process: building an index of a large folder
/// meets the same words in every entry, and stemming is most of its cost.
struct StemCache {
    stemmer: Stemmer,
    /// Each word met → its stem's place in `stems`, where it differs from the word.
    known: HashMap<String, Option<u32>>,
    stems: Vec<String>,
    /// The stems of the words last learnt, as places in `stems`.
    last: Vec<Option<u32>>,
}

/// Enough for any real vocabulary; past it, the cache starts again rather than growing.
const STEM_CACHE_MAX: usize = 200_000;

impl StemCache {
    /// Stems every word not yet known; [`StemCache::learnt`] then gives their stems, in order.
    fn learn<'w>(&mut self, ws: impl ExactSizeIterator<Item = &'w str>) {
        if self.known.len() + ws.len() > STEM_CACHE_MAX {
            self.known.clear();
            self.stems.clear();
        }
        self.last.clear();
        for w in ws {
            let place = match self.known.get(w) {
                Some(&p) => p,
                None => {
                    let p = stem_shared(&self.stemmer, w).map(|s| {
                        self.stems.push(s);
                        u32::try_from(self.stems.len() - 1).unwrap_or(u32::MAX)
                    });
                    self.known.insert(w.to_owned(), p);
                    p
                }
            };
            self.last.push(place);
        }
    }

    /// The stem of each word last learnt, where it differs from the word.
    fn learnt(&self) -> impl Iterator<Item = Option<&str>> {
        self.last.iter().map(|p| {
            p.and_then(|p| self.stems.get(p as usize))
                .map(String::as_str)
        })
    }
}

thread_local! {
    static STEMS: RefCell<StemCache> = RefCell::new(StemCache {
        stemmer: Stemmer::create(Algorithm::French),
        known: HashMap::new(),
        stems: Vec::new(),
        last: Vec::new(),
    });
}

#[cfg(test)]
fn word_list<'w>(ws: impl Iterator<Item = &'w str>, cap: usize) -> Vec<u8> {
    counted_list(&counted(ws, 64).0, cap)
}

/// An entry's body as an index inverts it: its folded text, and each distinct word of it
/// (where it is in that text, its length, how often it occurs, at most [`TF_CAP`]), in no
/// order: sorting the longest lists of each entry was much of the cost of building an index,
/// and stemming them on each core ([`body_stem_count`]).
pub struct BodyWords {
    pub text: String,
    pub words: Vec<(u32, u32, u8)>,
    /// How many words it has.
    pub len: u32,
}

impl BodyWords {
    pub fn of(e: &Entry) -> BodyWords {
        let text = body_text(e);
        let mut counts: HashMap<&str, usize> =
            HashMap::with_capacity((text.len() / 8).clamp(4, 256));
        let mut len = 0u32;
        crate::text::word_spans(&text, |at, end| {
            *counts.entry(&text[at..end]).or_default() += 1;
            len = len.saturating_add(1);
        });
        let base = text.as_ptr() as usize;
        let place = |w: &str| u32::try_from(w.as_ptr() as usize - base).unwrap_or(u32::MAX);
        let words = counts
            .iter()
            .map(|(&w, &n)| {
                (
                    place(w),
                    u32::try_from(w.len()).unwrap_or(u32::MAX),
                    u8::try_from(n.min(TF_CAP)).unwrap_or(u8::MAX),
                )
            })
            .collect();
        drop(counts);
        BodyWords { words, len, text }
    }

    /// Each distinct word, with how often it occurs.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], usize)> {
        let b = self.text.as_bytes();
        self.words.iter().filter_map(move |&(at, len, n)| {
            let word = b.get(at as usize..at as usize + len as usize)?;
            Some((word, usize::from(n)))
        })
    }
}

/// The folded text of an entry's body field: its introduction and body.
fn body_text(e: &Entry) -> String {
    let intro = e.content_intro.as_deref().unwrap_or("");
    let mut text = String::with_capacity(intro.len() + 1 + e.body.len() + 8);
    crate::text::fold_into(intro, &mut text);
    text.push(' ');
    crate::text::fold_into(&e.body, &mut text);
    text
}

/// How often a body holds the words of one stem, given how often it holds each (as its word
/// list says, at most [`TF_CAP`]): what its stem list would say.
pub(crate) fn body_stem_count(summed: usize) -> u8 {
    u8::try_from(summed.min(TF_CAP)).unwrap_or(u8::MAX)
}

/// The French stem of a folded word, where it differs from the word.
pub(crate) fn stem_if_other(stemmer: &Stemmer, word: &str) -> Option<String> {
    let s = stemmer.stem(word);
    (s != word).then(|| s.into_owned())
}

/// [`stem_if_other`], each word stemmed once whatever thread meets it: an index's build
/// stems search fields on every core and body words on one, and most words are in both.
pub(crate) fn stem_shared(stemmer: &Stemmer, word: &str) -> Option<String> {
    type Known = std::sync::Mutex<Option<HashMap<Box<str>, Option<Box<str>>>>>;
    static KNOWN: Known = std::sync::Mutex::new(None);
    let known = || KNOWN.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(stem) = known().as_ref().and_then(|k| k.get(word)) {
        return stem.as_deref().map(str::to_owned);
    }
    // Stemmed outside the lock: another thread may stem the same word meanwhile, to the
    // same stem.
    let stem = stem_if_other(stemmer, word);
    let mut known = known();
    let k = known.get_or_insert_with(HashMap::new);
    if k.len() >= STEM_CACHE_MAX {
        k.clear();
    }
    k.insert(word.into(), stem.as_deref().map(Box::from));
    stem
}

/// A word of a list and how often it occurs: `adresse:3` is `adresse`, 3. The count is one
/// digit ([`TF_CAP`] < 10), so it is found from the end without scanning the word.
pub(crate) fn token(t: &[u8]) -> (&[u8], usize) {
    match t {
        [word @ .., b':', n @ b'2'..=b'9'] => (word, usize::from(n - b'0')),
        _ => (t, 1),
    }
}

/// The parenthesised parts of a title: `API Adresse (Base Adresse Nationale - BAN)` gives
/// `Base Adresse Nationale - BAN`.
fn parenthesised(title: &str) -> impl Iterator<Item = &str> {
    title.split('(').skip(1).filter_map(|p| p.split(')').next())
}

impl OwnFields {
    pub fn of(e: &Entry) -> OwnFields {
        Self::of_as(e, true)
    }

    /// [`OwnFields::of`] without the body's lists and length: an index takes the body apart
    /// itself ([`BodyWords`]).
    pub fn for_index(e: &Entry) -> OwnFields {
        Self::of_as(e, false)
    }

    fn of_as(e: &Entry, with_body: bool) -> OwnFields {
        let title_text = fold(&e.title);
        // Acronyms after a dash or alone in parentheses: "(Base Adresse Nationale - BAN)".
        let acronyms: Vec<String> = parenthesised(&title_text)
            .flat_map(|p| p.split(" - ").map(name_key).collect::<Vec<_>>())
            .collect();
        let mut names = vec![
            name_key(&fold(&e.slug)),
            name_key(&title_text),
            name_key(title_text.split('(').next().unwrap_or_default()),
        ];
        names.extend(
            acronyms
                .iter()
                .filter(|a| a.split(' ').count() == 1)
                .cloned(),
        );
        // The same names word for word, marked `=` (no key holds one).
        let full = [
            full_name_key(&fold(&e.slug)),
            full_name_key(&title_text),
            full_name_key(title_text.split('(').next().unwrap_or_default()),
        ];
        names.extend(
            full.into_iter()
                .chain(
                    acronyms
                        .iter()
                        .filter(|a| a.split(' ').count() == 1)
                        .cloned(),
                )
                .filter(|n| !n.is_empty())
                .map(|n| format!("={n}")),
        );
        names.retain(|n| !n.is_empty());
        names.sort();
        names.dedup();

        // The slug in one word too: `agentconnect` names agent-connect.
        let name_text = [
            Some(&e.title),
            Some(&e.slug),
            e.producer_acronym.as_ref(),
            e.owner_acronym.as_ref(),
        ]
        .into_iter()
        .flatten()
        .map(|s| fold(s))
        .chain([fold(&e.slug).replace(|c: char| !c.is_alphanumeric(), "")])
        .collect::<Vec<_>>()
        .join(" ");
        let tags = [
            e.keywords.join(" "),
            e.themes.join(" "),
            [&e.producer, &e.producer_name, &e.owner]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(" "),
            e.partners.join(" "),
            e.partner_names.join(" "),
        ]
        .join(" ");
        let texts = [
            name_text,
            fold(e.tagline.as_deref().unwrap_or("")),
            fold(&tags),
            // An index takes the body apart itself ([`BodyWords`]).
            match with_body {
                true => body_text(e),
                false => String::new(),
            },
        ];
        let mut f = OwnFields {
            names: names.join("\n").into_bytes(),
            ..OwnFields::default()
        };
        STEMS.with_borrow_mut(|stems| {
            for (i, t) in texts.iter().enumerate() {
                // The title field is a set: names repeat there (title and slug) without meaning more.
                let cap = if i == 0 { 1 } else { TF_CAP };
                if i == BODY && !with_body {
                    continue;
                }
                let (counts, len) = counted(words(t), t.len());
                f.words[i] = counted_list(&counts, cap);
                f.lens[i] = u32::try_from(len).unwrap_or(u32::MAX);
                // Only stems that differ from their word: the others are in the word list.
                stems.learn(counts.iter().map(|&(w, _)| w));
                let stemmed = counts
                    .iter()
                    .zip(stems.learnt())
                    .filter_map(|(&(_, n), s)| Some((s?, n)));
                // Words sharing a stem, summed.
                let mut stem_counts: Vec<(&str, usize)> = stemmed.collect();
                sort_words(&mut stem_counts);
                stem_counts.dedup_by(|later, kept| {
                    let same = later.0 == kept.0;
                    if same {
                        kept.1 += later.1;
                    }
                    same
                });
                f.stems[i] = counted_list(&stem_counts, cap);
            }
        });
        f
    }

    pub fn view(&self) -> Fields<'_> {
        Fields {
            names: &self.names,
            words: std::array::from_fn(|i| &self.words[i][..]),
            stems: std::array::from_fn(|i| &self.stems[i][..]),
            lens: self.lens,
        }
    }

    /// As an index holds them: what [`Fields::read`] reads. The lengths come first: ranking
    /// reads every candidate's ([`Candidate::lens`]) without the rest.
    pub fn write(&self, out: &mut Vec<u8>) {
        for n in self.lens {
            out.extend_from_slice(&n.to_le_bytes());
        }
        for list in std::iter::once(&self.names)
            .chain(&self.words)
            .chain(&self.stems)
        {
            let n = u32::try_from(list.len()).unwrap_or(u32::MAX);
            out.extend_from_slice(&n.to_le_bytes());
            out.extend_from_slice(&list[..n as usize]);
        }
    }

    pub fn encoded(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write(&mut out);
        out
    }
}

impl<'a> Fields<'a> {
    /// The fields [`OwnFields::write`] wrote at the start of `bytes`, and the bytes after them.
    pub fn read(bytes: &'a [u8]) -> Option<(Fields<'a>, &'a [u8])> {
        let mut rest = bytes;
        let u32_of = |rest: &mut &'a [u8]| -> Option<u32> {
            let (n, after) = rest.split_first_chunk::<4>()?;
            *rest = after;
            Some(u32::from_le_bytes(*n))
        };
        let list = |rest: &mut &'a [u8]| -> Option<&'a [u8]> {
            let n = u32_of(rest)? as usize;
            let (l, after) = rest.split_at_checked(n)?;
            *rest = after;
            Some(l)
        };
        let mut lens = [0u32; 4];
        for n in &mut lens {
            *n = u32_of(&mut rest)?;
        }
        let names = list(&mut rest)?;
        let words = [
            list(&mut rest)?,
            list(&mut rest)?,
            list(&mut rest)?,
            list(&mut rest)?,
        ];
        let stems = [
            list(&mut rest)?,
            list(&mut rest)?,
            list(&mut rest)?,
            list(&mut rest)?,
        ];
        Some((
            Fields {
                names,
                words,
                stems,
                lens,
            },
            rest,
        ))
    }

    /// Whether `key` is one of the entry's names, spaces aside (`france connect` names
    /// FranceConnect).
    fn is_named(&self, key: &str) -> bool {
        self.named_as(b"", key)
    }

    /// Whether `full_key` ([`full_name_key`]) is one of the entry's names word for word.
    fn is_fully_named(&self, full_key: &str) -> bool {
        self.named_as(b"=", full_key)
    }

    /// Whether a name line is `mark` then `key`, spaces aside; compared in place.
    fn named_as(&self, mark: &[u8], key: &str) -> bool {
        self.named_as_how(mark, key, false)
    }

    /// Whether `full_key` begins one of the entry's names word for word, spaces aside: the last
    /// word typed may be unfinished (`api-entrepris`).
    fn is_fully_named_from(&self, full_key: &str) -> bool {
        self.named_as_how(b"=", full_key, true)
    }

    fn named_as_how(&self, mark: &[u8], key: &str, prefix: bool) -> bool {
        // Compared as they are read, spaces skipped: no copy for each entry and name.
        let key = || key.bytes().filter(|&c| c != b' ');
        key().next().is_some()
            && self.names.split(|&b| b == b'\n').any(|n| {
                n.strip_prefix(mark).is_some_and(|rest| {
                    // A full key's mark never starts a plain one: plain names hold no `=`.
                    let plain = !mark.is_empty() || !rest.starts_with(b"=");
                    let mut rest = rest.iter().copied().filter(|&c| c != b' ');
                    plain
                        && match prefix {
                            true => key().all(|k| rest.next() == Some(k)),
                            false => rest.eq(key()),
                        }
                })
            })
    }
}

/// In a sorted list of words one space apart, the words from the first not below `term` on.
fn words_from<'a>(b: &'a [u8], term: &[u8]) -> impl Iterator<Item = &'a [u8]> {
    // Bisect on word starts: `lo` is always a word start.
    let (mut lo, mut hi) = (0usize, b.len());
    while lo < hi {
        let mut mid = lo + (hi - lo) / 2;
        while mid > lo && b[mid - 1] != b' ' {
            mid -= 1;
        }
        let end = b[mid..]
            .iter()
            .position(|&c| c == b' ')
            .map_or(b.len(), |p| mid + p);
        if token(&b[mid..end]).0 < term {
            lo = (end + 1).min(b.len());
        } else {
            hi = mid;
        }
    }
    b[lo.min(b.len())..]
        .split(|&c| c == b' ')
        .filter(|w| !w.is_empty())
}

/// How often `term` is in a sorted word list.
fn count(list: &[u8], term: &[u8]) -> usize {
    if term.is_empty() {
        return 0;
    }
    match words_from(list, term).next().map(token) {
        Some((w, n)) if w == term => n,
        _ => 0,
    }
}

/// How often field `i` holds a word of stem `stem`; `fixed` when `stem` is its own stem (then
/// the word itself counts: the stem list leaves out words that are their own stem).
fn stem_count(f: &Fields, i: usize, stem: &str, fixed: bool) -> usize {
    count(f.stems[i], stem.as_bytes())
        + if fixed {
            count(f.words[i], stem.as_bytes())
        } else {
            0
        }
}

/// Whether `word` is `term` misspelt: same first letter (or the first two swapped), and one
/// edit (a letter changed, added, dropped, or two swapped) for up to 9 letters, two beyond.
fn is_typo(term: &str, word: &str) -> bool {
    let (tl, wl) = (term.chars().count(), word.chars().count());
    if tl < 4 || wl < 4 || wl + 2 < tl || wl > tl + 2 || term == word {
        return false;
    }
    let (mut t, mut w) = (term.chars(), word.chars());
    let (t0, t1, w0, w1) = (t.next(), t.next(), w.next(), w.next());
    if t0 != w0 && !(t0 == w1 && t1 == w0) {
        return false;
    }
    let allowed = if tl >= 10 { 2 } else { 1 };
    edit_distance(term, word) <= allowed
}

/// How a term matched one field: how, how often, and what it matched when not itself (see
/// [`Spellings`]). A few bytes: a search holds one for each field of each candidate and term.
type FieldMatch = Option<(How, u32, Option<Spelling>)>;

/// A word a match names, by its place in the ranking's [`Spellings`].
type Spelling = NonZeroU32;

/// The words matches name when not the query's own, each kept once per ranking: many entries
/// match the same stem.
#[derive(Default)]
struct Spellings(RefCell<Spelt>);

/// The words in order, and each word's place.
type Spelt = (Vec<Rc<str>>, HashMap<Rc<str>, Spelling>);

impl Spellings {
    fn of(&self, word: &str) -> Spelling {
        let (all, known) = &mut *self.0.borrow_mut();
        if let Some(&id) = known.get(word) {
            return id;
        }
        let w: Rc<str> = Rc::from(word);
        all.push(w.clone());
        let id = NonZeroU32::new(u32::try_from(all.len()).unwrap_or(u32::MAX))
            .unwrap_or(NonZeroU32::MIN);
        known.insert(w, id);
        id
    }

    fn of_bytes(&self, word: &[u8]) -> Spelling {
        // Copied first, as corrections are (a mapped index may change under us).
        self.of(&crate::text::copied_lossy(word))
    }

    fn get(&self, id: Spelling) -> Rc<str> {
        let (all, _) = &*self.0.borrow();
        all.get(id.get() as usize - 1)
            .cloned()
            .unwrap_or_else(|| Rc::from(""))
    }
}

/// A count as a match keeps it.
fn n32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A query term as it is looked for: the term, its stem, whether that is its own stem, the
/// words it is part of with a neighbour, and its related stems (see [`Query`]).
type Ways<'q> = (
    &'q str,
    &'q str,
    bool,
    [Option<&'q String>; 2],
    &'q [(String, bool)],
);

/// The best way `term` (with its `stem`) matches a field, typos aside.
fn field_match(
    f: &Fields,
    i: usize,
    (term, stem, fixed, joined, related): Ways,
    prefix: bool,
    spell: &Spellings,
) -> FieldMatch {
    let (t, st) = (term.as_bytes(), stem.as_bytes());
    // One bisection of the word list finds the stem as a word (when it is its own stem), the
    // word, and the words it starts: a stem that starts the word sorts just before it, and
    // every word between them starts with the stem.
    let stem_first = fixed && t.starts_with(st);
    let from = if stem_first { st } else { t };
    let (mut self_stem, mut exact, mut starting, mut first) = (0, 0, 0, None);
    for (w, n) in words_from(f.words[i], from).map(token) {
        if w < t {
            self_stem += if w == st { n } else { 0 };
        } else if w == t {
            exact = n;
        } else if w.starts_with(t) {
            first = first.or(Some(w));
            starting += 1;
            if !prefix {
                break;
            }
        } else {
            break;
        }
    }
    if exact > 0 {
        return Some((How::Exact, n32(exact), None));
    }
    for j in joined.into_iter().flatten() {
        let n = count(f.words[i], j.as_bytes());
        if n > 0 {
            return Some((How::Exact, n32(n), Some(spell.of(j))));
        }
    }
    let n = if stem_first {
        count(f.stems[i], st) + self_stem
    } else {
        stem_count(f, i, stem, fixed)
    };
    if n > 0 {
        return Some((How::Stem, n32(n), Some(spell.of(stem))));
    }
    for (r, fixed) in related {
        let n = stem_count(f, i, r, *fixed);
        if n > 0 {
            return Some((How::Related, n32(n), Some(spell.of(r))));
        }
    }
    match first {
        Some(w) if prefix => Some((How::Prefix, n32(starting), Some(spell.of_bytes(w)))),
        _ => None,
    }
}

/// What every match [`field_match`] finds spells somewhere in the field's words or stems: the
/// stem when it starts the term (the term, the words it starts or is part of, the stem as a
/// word), else the term and the stem; and each related stem.
fn needles<'a>((term, stem, _, _, related): Ways<'a>) -> Vec<Needle<'a>> {
    let mut out = vec![stem];
    if !term.starts_with(stem) {
        out.push(term);
    }
    out.extend(related.iter().map(|(r, _)| r.as_str()));
    out.iter().map(|n| Needle::new(n.as_bytes())).collect()
}

/// A word looked for in a field's text. The SIMD searcher memchr picks by itself first asks
/// the CPU what it can do (CPUID: about 27 µs under a hypervisor, in every search); SSE2 is
/// always there on x86-64, and elsewhere the portable two-way searcher does.
struct Needle<'a> {
    bytes: &'a [u8],
    #[cfg(target_arch = "x86_64")]
    sse2: Option<memchr::arch::x86_64::sse2::packedpair::Finder>,
    portable: memchr::arch::all::twoway::Finder,
}

impl<'a> Needle<'a> {
    fn new(bytes: &'a [u8]) -> Needle<'a> {
        Needle {
            bytes,
            #[cfg(target_arch = "x86_64")]
            sse2: memchr::arch::x86_64::sse2::packedpair::Finder::new(bytes),
            portable: memchr::arch::all::twoway::Finder::new(bytes),
        }
    }

    fn is_in(&self, haystack: &[u8]) -> bool {
        #[cfg(target_arch = "x86_64")]
        if let Some(f) = &self.sse2
            && haystack.len() >= f.min_haystack_len()
        {
            return f.find(haystack, self.bytes).is_some();
        }
        self.portable.find(haystack, self.bytes).is_some()
    }
}

/// Whether field `i` may hold a match of a term with these [`needles`]: most fields of most
/// entries spell none, and a search then skips looking the term up in their sorted lists.
fn may_match(f: &Fields, i: usize, needles: &[Needle]) -> bool {
    needles
        .iter()
        .any(|n| n.is_in(f.words[i]) || n.is_in(f.stems[i]))
}

/// The words of the catalogue's fields (the body aside) that `term` misspells, at the least
/// distance, and the stems its stem misspells (`defibrilateur` is one letter from the stem
/// of `defibrillateurs`, two from the word).
fn corrections(candidates: &[Candidate], term: &str) -> (Vec<String>, Vec<String>) {
    let term_stem = stem(term);
    let mut best: [(usize, Vec<String>); 2] = [(usize::MAX, Vec::new()), (usize::MAX, Vec::new())];
    let mut copy = Vec::new();
    for c in candidates {
        let f = c.fields();
        for i in 0..BODY {
            for (k, list, t) in [
                (0, f.words[i], term),
                (1, f.stems[i], &term_stem[..]),
                // Words that are their own stem are not in the stem list.
                (1, f.words[i], &term_stem[..]),
            ] {
                // Copied first: an index changed in place by another program while mapped
                // must not change a word between its check as UTF-8 and its use. Only a
                // field from a damaged index is not UTF-8; its words are still compared.
                copy.clear();
                copy.extend_from_slice(list);
                let list = String::from_utf8_lossy(&copy);
                for w in list.split(' ').map(|t| {
                    let w = token(t.as_bytes()).0;
                    &t[..w.len()]
                }) {
                    if is_typo(t, w) {
                        let d = edit_distance(t, w);
                        if d < best[k].0 {
                            best[k] = (d, Vec::new());
                        }
                        if d == best[k].0 && !best[k].1.iter().any(|b| b == w) {
                            best[k].1.push(w.to_string());
                        }
                    }
                }
            }
        }
    }
    let [(_, words), (_, stems)] = best;
    (words, stems)
}

/// Past this many, corrected names are not looked for: a query of several misspelt words
/// names nothing for sure.
const MAX_CORRECTED_NAMES: usize = 8;

/// `names` (name key, full name key), and the query's `words` as names with `term` replaced by
/// each of its corrections.
fn corrected_names(
    mut names: Vec<(String, String)>,
    words: &[String],
    term: &str,
    fixes: &[String],
) -> Vec<(String, String)> {
    for fix in fixes {
        if names.len() >= MAX_CORRECTED_NAMES {
            break;
        }
        let spelt: Vec<&str> = words
            .iter()
            .map(|w| if w == term { fix.as_str() } else { w.as_str() })
            .collect();
        let text = spelt.join(" ");
        names.push((name_key(&text), full_name_key(&text)));
    }
    names
}

/// How a field holds one of the corrections of a misspelt term: the corrected word, or a word
/// of the same stem.
fn typo_match(
    f: &Fields,
    i: usize,
    (words, stems): &(Vec<String>, Vec<String>),
    spell: &Spellings,
) -> FieldMatch {
    for w in words {
        let n = count(f.words[i], w.as_bytes());
        if n > 0 {
            return Some((How::Typo, n32(n), Some(spell.of(w))));
        }
    }
    let stemmed = words.iter().map(|w| stem(w));
    for s in stemmed.chain(stems.iter().cloned()) {
        let n = stem_count(f, i, &s, stem(&s) == s);
        if n > 0 {
            return Some((How::Typo, n32(n), Some(spell.of(&s))));
        }
    }
    None
}

/// Entries (by [`Candidate::index`]) holding a word, each with how often.
pub type Holders = Vec<(usize, usize)>;

/// Where the body words of candidates are looked up. The index keeps bodies inverted (each
/// word with the entries that hold it), so a search reads the lists of its own words rather
/// than every body; entries read in full carry their own lists ([`OwnBodies`]).
pub trait Bodies {
    /// The entries (by [`Candidate::index`]) whose body holds `word`, with its count.
    fn word(&self, word: &[u8]) -> Holders;
    /// The same for a stem (stems that differ from their word).
    fn stem(&self, stem: &[u8]) -> Holders;
    /// The words longer than `prefix` that start with it, in order, each with its holders.
    fn starting(&self, prefix: &[u8]) -> Vec<(Vec<u8>, Holders)>;
}

/// The bodies of candidates from their own word lists.
pub struct OwnBodies<'a, 'c>(pub &'a [Candidate<'c>]);

impl OwnBodies<'_, '_> {
    /// The candidates whose body words (or stems) hold `term`.
    fn holding(&self, term: &[u8], stems: bool) -> Holders {
        let n = |c: &Candidate| match stems {
            true => count(c.fields().stems[BODY], term),
            false => count(c.fields().words[BODY], term),
        };
        self.0
            .iter()
            .filter_map(|c| Some((c.index, n(c))).filter(|h| h.1 > 0))
            .collect()
    }
}

impl Bodies for OwnBodies<'_, '_> {
    fn word(&self, word: &[u8]) -> Holders {
        self.holding(word, false)
    }

    fn stem(&self, stem: &[u8]) -> Holders {
        self.holding(stem, true)
    }

    fn starting(&self, prefix: &[u8]) -> Vec<(Vec<u8>, Holders)> {
        let mut found: BTreeMap<&[u8], Vec<(usize, usize)>> = BTreeMap::new();
        for c in self.0 {
            for (w, n) in words_from(c.fields().words[BODY], prefix).map(token) {
                if !w.starts_with(prefix) {
                    break;
                }
                if w != prefix {
                    found.entry(w).or_default().push((c.index, n));
                }
            }
        }
        found.into_iter().map(|(w, h)| (w.to_vec(), h)).collect()
    }
}

/// Bodies from several sources, each source's entries renumbered as candidates (`None`: as
/// they are).
pub struct JoinedBodies<'a>(pub Vec<(&'a dyn Bodies, Renumbering<'a>)>);

/// Each entry of a source as a candidate (`None`: not one); no renumbering: as they are.
pub type Renumbering<'a> = Option<&'a [Option<usize>]>;

/// Holders of a source renumbered as candidates; those that are not candidates dropped.
fn renumbered(to: Renumbering, holders: Holders) -> Holders {
    match to {
        None => holders,
        Some(to) => holders
            .into_iter()
            .filter_map(|(i, n)| Some(((*to.get(i)?)?, n)))
            .collect(),
    }
}

impl Bodies for JoinedBodies<'_> {
    fn word(&self, word: &[u8]) -> Holders {
        let each = self.0.iter().map(|(b, to)| renumbered(*to, b.word(word)));
        each.flatten().collect()
    }

    fn stem(&self, stem: &[u8]) -> Holders {
        let each = self.0.iter().map(|(b, to)| renumbered(*to, b.stem(stem)));
        each.flatten().collect()
    }

    fn starting(&self, prefix: &[u8]) -> Vec<(Vec<u8>, Holders)> {
        let mut found: BTreeMap<Vec<u8>, Vec<(usize, usize)>> = BTreeMap::new();
        for (b, to) in &self.0 {
            for (w, holders) in b.starting(prefix) {
                found.entry(w).or_default().extend(renumbered(*to, holders));
            }
        }
        found.into_iter().filter(|(_, h)| !h.is_empty()).collect()
    }
}

/// Per candidate (by [`Candidate::index`], below `span`), how its body holds one query
/// term, typos aside: what [`field_match`] finds in a field, found through [`Bodies`].
fn body_matches(
    bodies: &dyn Bodies,
    (term, stem, fixed, joined, related): Ways,
    prefix: bool,
    spell: &Spellings,
    span: usize,
) -> Vec<FieldMatch> {
    let mut out: Vec<FieldMatch> = vec![None; span];
    let mut set = |i: usize, m| put(&mut out, i, m);
    // The weakest way first: a stronger one replaces it.
    if prefix {
        let mut words: Vec<u32> = vec![0; span];
        let mut first: Vec<Option<Spelling>> = vec![None; span];
        for (w, holders) in bodies.starting(term.as_bytes()) {
            let w = spell.of_bytes(&w);
            for (i, _) in holders.into_iter().filter(|&(i, _)| i < span) {
                words[i] += 1;
                first[i] = first[i].or(Some(w));
            }
        }
        for (i, (k, w)) in words.into_iter().zip(first).enumerate() {
            if k > 0 {
                set(i, (How::Prefix, k, w));
            }
        }
    }
    for (r, fixed) in related.iter().rev() {
        let r_id = spell.of(r);
        for (i, k) in stem_holders(bodies, r, *fixed, span) {
            set(i, (How::Related, k, Some(r_id)));
        }
    }
    let stem_id = spell.of(stem);
    for (i, k) in stem_holders(bodies, stem, fixed, span) {
        set(i, (How::Stem, k, Some(stem_id)));
    }
    for j in joined.into_iter().flatten().rev() {
        let j_id = spell.of(j);
        for (i, k) in bodies.word(j.as_bytes()) {
            set(i, (How::Exact, n32(k), Some(j_id)));
        }
    }
    for (i, k) in bodies.word(term.as_bytes()) {
        set(i, (How::Exact, n32(k), None));
    }
    out
}

/// Sets candidate `i`'s body match; an entry past the candidates is left out.
fn put(out: &mut [FieldMatch], i: usize, m: (How, u32, Option<Spelling>)) {
    if let Some(slot) = out.get_mut(i) {
        *slot = Some(m);
    }
}

/// How often each entry's body holds a word of stem `stem`: [`stem_count`] through [`Bodies`];
/// entries from `span` on left out.
fn stem_holders(bodies: &dyn Bodies, stem: &str, fixed: bool, span: usize) -> Vec<(usize, u32)> {
    let own = if fixed {
        bodies.word(stem.as_bytes())
    } else {
        Vec::new()
    };
    let mut counts: Vec<u32> = vec![0; span];
    for (i, k) in bodies.stem(stem.as_bytes()).into_iter().chain(own) {
        if let Some(c) = counts.get_mut(i) {
            *c = c.saturating_add(n32(k));
        }
    }
    let held = counts.into_iter().enumerate();
    held.filter(|&(_, k)| k > 0).collect()
}

/// How each entry's body holds one of the corrections of a misspelt term ([`typo_match`]).
fn body_typos(
    bodies: &dyn Bodies,
    (words, stems): &(Vec<String>, Vec<String>),
    spell: &Spellings,
    span: usize,
) -> Vec<FieldMatch> {
    let mut out: Vec<FieldMatch> = vec![None; span];
    let mut set = |i: usize, m| put(&mut out, i, m);
    let stemmed = words.iter().map(|w| stem(w));
    // The weakest way first, the first of each list last: a stronger one replaces it.
    let stemmed: Vec<String> = stemmed.chain(stems.iter().cloned()).collect();
    for s in stemmed.iter().rev() {
        let id = spell.of(s);
        for (i, k) in stem_holders(bodies, s, stem(s) == *s, span) {
            set(i, (How::Typo, k, Some(id)));
        }
    }
    for w in words.iter().rev() {
        let id = spell.of(w);
        for (i, k) in bodies.word(w.as_bytes()) {
            set(i, (How::Typo, n32(k), Some(id)));
        }
    }
    out
}

/// What ranking needs to know of one entry.
pub struct Candidate<'c> {
    /// The entry's position, given back in its [`Hit`].
    pub index: usize,
    /// Its [`Fields`] as [`OwnFields::write`] wrote them: read where used, so that a search
    /// of many entries holds a few bytes for each.
    pub fields: &'c [u8],
    /// api.gouv.fr's visit count, which breaks ties.
    pub visits: i64,
    pub title: &'c [u8],
}

impl<'c> Candidate<'c> {
    pub fn fields(&self) -> Fields<'c> {
        Fields::read(self.fields).map_or_else(Fields::default, |(f, _)| f)
    }

    /// Its fields' lengths alone ([`Fields::lens`]).
    pub fn lens(&self) -> [u32; 4] {
        let at = |i: usize| {
            let b = self.fields.get(4 * i..4 * i + 4)?;
            Some(u32::from_le_bytes(b.try_into().ok()?))
        };
        std::array::from_fn(|i| at(i).unwrap_or(0))
    }
}

/// Ranks the entries that pass `filter` against `query` (see [`rank`]).
pub fn search(entries: &[Entry], query: &Query, filter: &Filter) -> Vec<Hit> {
    search_in(entries, None, query, filter).hits
}

/// [`search`] with each entry's fields already at hand (from the index) and the body words
/// the fields do not hold (`bodies`, numbered as `entries`), and the closest entries when none
/// matches every word.
pub fn search_in(
    entries: &[Entry],
    bodies: Option<&dyn Bodies>,
    query: &Query,
    filter: &Filter,
) -> Ranking {
    let fields: Vec<Option<Vec<u8>>> = entries
        .iter()
        .map(|e| filter.matches(e).then(|| OwnFields::of(e).encoded()))
        .collect();
    let candidates: Vec<Candidate> = entries
        .iter()
        .zip(&fields)
        .enumerate()
        .filter_map(|(index, (e, f))| {
            Some(Candidate {
                index,
                fields: f.as_deref()?,
                visits: e.visits_2019.unwrap_or(0),
                title: e.title.as_bytes(),
            })
        })
        .collect();
    let own = OwnBodies(&candidates);
    let mut parts: Vec<(&dyn Bodies, _)> = vec![(&own, None)];
    parts.extend(bodies.map(|b| (b, None)));
    rank_all(&candidates, &JoinedBodies(parts), query)
}

/// The entries that match every word of `query`, best first (see [`rank_all`]), their
/// bodies in their own fields.
pub fn rank(candidates: &[Candidate], query: &Query) -> Vec<Hit> {
    rank_all(candidates, &OwnBodies(candidates), query).hits
}

/// Ranks candidates against `query`: those that match every word, by score (highest first),
/// ties broken by api.gouv.fr's visit count (highest first), then folded title, then position.
/// When none matches every word, `closest` holds up to three that match the most.
pub fn rank_all(candidates: &[Candidate], bodies: &dyn Bodies, query: &Query) -> Ranking {
    let nterms = query.terms.len();
    let last = nterms.saturating_sub(1);
    // Whether each term's stem is its own stem (see `stem_count`).
    let fixed: Vec<bool> = query.stems.iter().map(|s| stem(s) == *s).collect();
    let ways: Vec<_> = query
        .terms
        .iter()
        .zip(&query.stems)
        .enumerate()
        .map(|(t, (term, stem))| {
            // The last word may be unfinished; a prefix of one or two letters says too little.
            let prefix = t == last && term.chars().count() >= 3;
            let joined = [
                t.checked_sub(1).and_then(|p| query.joined.get(p)),
                query.joined.get(t),
            ];
            let related = query.related.get(t).map_or(&[][..], Vec::as_slice);
            (
                (term.as_str(), stem.as_str(), fixed[t], joined, related),
                prefix,
            )
        })
        .collect();
    let spell = Spellings::default();
    // Body matches are kept by candidate index, in a vector that long.
    let span = candidates.iter().map(|c| c.index + 1).max().unwrap_or(0);
    let in_bodies: Vec<_> = ways
        .iter()
        .map(|&(words, prefix)| body_matches(bodies, words, prefix, &spell, span))
        .collect();
    let needles: Vec<Vec<Needle>> = ways.iter().map(|&(words, _)| needles(words)).collect();
    // Per candidate, per term, per field: how it matched, typos aside; one vector, `nterms`
    // a candidate.
    // Sized at once: grown by doubling, it would touch half as many pages again.
    let mut found: Vec<[FieldMatch; 4]> = Vec::with_capacity(candidates.len() * nterms);
    let spelt = &spell;
    found.extend(candidates.iter().flat_map(|c| {
        let f = c.fields();
        let each = ways.iter().zip(&in_bodies).zip(&needles);
        each.map(move |((&(words, prefix), body), needles)| {
            std::array::from_fn(|i| match i {
                BODY => body.get(c.index).copied().flatten(),
                _ if !may_match(&f, i, needles) => None,
                _ => field_match(&f, i, words, prefix, spelt),
            })
        })
    }));
    let per_candidate = nterms.max(1);
    // Long enough to be a name's beginning rather than a word of its own.
    let unfinished = query.terms.last().is_some_and(|t| t.chars().count() >= 4);
    // The query's names (see `Query::key`), and those it spells once its typos are corrected:
    // `api-entrepise` names API Entreprise.
    let mut names = vec![(query.key.clone(), query.full_key.clone())];
    // A word nothing in the catalogue spells may be misspelt: only then are typos looked for,
    // so a word that exists is never taken for another.
    for (t, term) in query.terms.iter().enumerate() {
        if found
            .chunks(per_candidate)
            .all(|f| f[t].iter().all(Option::is_none))
        {
            let fixed = corrections(candidates, term);
            names = corrected_names(names, &query.words, term, &fixed.0);
            let body = body_typos(bodies, &fixed, &spell, span);
            for (c, f) in candidates.iter().zip(found.chunks_mut(per_candidate)) {
                let fields = c.fields();
                f[t] = std::array::from_fn(|i| match i {
                    BODY => body.get(c.index).copied().flatten(),
                    _ => typo_match(&fields, i, &fixed, &spell),
                });
            }
        }
    }
    // BM25F statistics over the candidates.
    let n = candidates.len().max(1) as f64;
    let mut total = [0.0f64; 4];
    for c in candidates {
        for (t, len) in total.iter_mut().zip(c.lens()) {
            *t += f64::from(len);
        }
    }
    let avg: [f64; 4] = total.map(|t| (t / n).max(1.0));
    let idf: Vec<f64> = (0..nterms)
        .map(|t| {
            let df = found
                .chunks(per_candidate)
                .filter(|f| f[t].iter().any(Option::is_some))
                .count() as f64;
            (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
        })
        .collect();
    let idf_total: f64 = idf.iter().sum::<f64>().max(f64::MIN_POSITIVE);

    // What every hit highlights: the terms and their stems.
    let mut query_marks: Vec<String> = query.terms.clone();
    query_marks.extend(query.stems.iter().filter(|s| s.len() >= 3).cloned());
    query_marks.sort();
    query_marks.dedup();
    let terms: Vec<Rc<str>> = query.terms.iter().map(|t| Rc::from(t.as_str())).collect();
    // How each word of a candidate matched, field by field, from its part of `found`.
    let matches_of = |f: &[[FieldMatch; 4]]| {
        let mut out = Vec::new();
        for (t, per_field) in f.iter().enumerate() {
            for (i, m) in per_field.iter().enumerate() {
                if let Some((how, _, word)) = *m {
                    out.push(Match {
                        term: terms[t].clone(),
                        field: FIELDS[i].name,
                        how,
                        word: word.map(|w| spell.get(w)),
                    });
                }
            }
        }
        out
    };
    let mut scored: Vec<Scored> = Vec::with_capacity(candidates.len());
    for (c, f) in candidates.iter().zip(found.chunks(per_candidate)) {
        let fields = c.fields();
        let mut relevance = 0.0;
        let mut matched = 0;
        let mut in_fields = 0;
        let mut marks = Vec::new();
        for (t, per_field) in f.iter().enumerate() {
            let mut tf = 0.0;
            if per_field[..BODY].iter().any(Option::is_some) {
                in_fields += 1;
            }
            for (i, m) in per_field.iter().enumerate() {
                let Some((how, count, word)) = *m else {
                    continue;
                };
                let spec = FIELDS[i];
                let len = f64::from(fields.lens[i]);
                let norm = 1.0 - spec.b + spec.b * len / avg[i];
                tf += spec.weight * how.factor() * (count as usize).min(TF_CAP) as f64 / norm;
                if let Some(w) = word.map(|w| spell.get(w))
                    && query_marks
                        .binary_search_by(|m| m.as_str().cmp(&w))
                        .is_err()
                {
                    marks.push(w.to_string());
                }
            }
            if tf > 0.0 {
                matched += 1;
                relevance += idf[t] * tf / (K1 + tf);
            }
        }
        if matched == 0 {
            continue;
        }
        let all = matched == nterms;
        let fully = all
            && names
                .iter()
                .any(|(key, full)| fields.is_named(key) && fields.is_fully_named(full));
        // A name the query begins, its last word unfinished, ranks as a name less exactly typed.
        let named = fully
            || all
                && (names.iter().any(|(key, _)| fields.is_named(key))
                    || unfinished
                        && names
                            .iter()
                            .any(|(_, full)| fields.is_fully_named_from(full)));
        let band = if fully {
            FULL_NAME_BAND
        } else if named {
            NAME_BAND
        } else if in_fields == nterms {
            ALL_FIELDS_BAND
        } else if in_fields > 0 {
            SOME_FIELD_BAND
        } else {
            0.0
        };
        let score = band + relevance / idf_total;
        marks.sort();
        marks.dedup();
        let hit = Hit {
            index: c.index,
            score: (score * 1000.0).round() / 1000.0,
            matched,
            // Made for every hit only when shown (a table shows none).
            matches: match query.explained {
                true => matches_of(f),
                false => Vec::new(),
            },
            marks,
        };
        scored.push(Scored {
            score,
            candidate: c,
            hit,
            title: OnceCell::new(),
            found: f,
        });
    }
    // The order is total (positions differ), so an unstable sort gives the same.
    let order = |a: &Scored, b: &Scored| {
        b.hit
            .matched
            .cmp(&a.hit.matched)
            .then(b.score.total_cmp(&a.score))
            .then(b.candidate.visits.cmp(&a.candidate.visits))
            .then_with(|| {
                let (x, y) = (a.candidate.title, b.candidate.title);
                by_folded_title(x, y, &a.title, &b.title)
            })
            .then(a.hit.index.cmp(&b.hit.index))
    };
    // Hits first, in place: no second vector.
    let mut n = 0;
    for i in 0..scored.len() {
        if scored[i].hit.matched == nterms {
            scored.swap(n, i);
            n += 1;
        }
    }
    if n == 0 {
        scored.sort_unstable_by(order);
        scored.truncate(3);
        // The closest say which words they matched, whoever asks.
        let closest = scored.into_iter().map(|s| Hit {
            matches: matches_of(s.found),
            ..s.hit
        });
        return Ranking {
            hits: Vec::new(),
            closest: closest.collect(),
            marks: query_marks,
        };
    }
    scored.truncate(n);
    scored.sort_unstable_by(order);
    Ranking {
        hits: scored.into_iter().map(|s| s.hit).collect(),
        closest: Vec::new(),
        marks: query_marks,
    }
}

/// A candidate that matched at least one word, as ranked.
struct Scored<'a, 'c> {
    score: f64,
    candidate: &'a Candidate<'c>,
    hit: Hit,
    /// Its folded title, made if a tie needs it.
    title: OnceCell<String>,
    /// How it matched each word (its part of `found`).
    found: &'a [[FieldMatch; 4]],
}

/// Two titles in the order of their folded forms ([`fold`]). A title is folded only when a
/// tie needs it, and once (into `folded_a`, `folded_b`): many entries may tie. ASCII ones are
/// compared as read: they fold to lowercase, the backtick to an apostrophe.
fn by_folded_title(
    a: &[u8],
    b: &[u8],
    folded_a: &OnceCell<String>,
    folded_b: &OnceCell<String>,
) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        let f = |c: u8| {
            if c == b'`' {
                b'\''
            } else {
                c.to_ascii_lowercase()
            }
        };
        let n = a.len().min(b.len());
        let mut i = 0;
        loop {
            // What is equal as written folds alike: skipped 8 bytes at a time (titles that
            // tie often share a long start).
            while i + 8 <= n && a[i..i + 8] == b[i..i + 8] {
                i += 8;
            }
            while i < n && a[i] == b[i] {
                i += 1;
            }
            if i == n {
                return a.len().cmp(&b.len());
            }
            match f(a[i]).cmp(&f(b[i])) {
                std::cmp::Ordering::Equal => i += 1,
                other => return other,
            }
        }
    }
    // Copied first: a mapped index may change under us, and text must stay text.
    let folded = |t: &[u8]| fold(&crate::text::copied_lossy(t));
    folded_a
        .get_or_init(|| folded(a))
        .cmp(folded_b.get_or_init(|| folded(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_tie_break_in_their_folded_order() {
        let titles = [
            "API Adresse",
            "api adresse",
            "API `Adresse`",
            "API 'Adresse'",
            "API Ádresse",
            "API adresse 2",
            "API Adresse 10",
            "Zéro",
            "zero",
            "Œuvre",
            "oeuvre",
            "API-Adresse",
            "",
            "A",
            "a",
            "[API]",
            "{api}",
            "API_Adresse",
            "Été",
            "ete",
        ];
        for a in titles {
            for b in titles {
                let expected = fold(a).cmp(&fold(b));
                let got = by_folded_title(
                    a.as_bytes(),
                    b.as_bytes(),
                    &OnceCell::new(),
                    &OnceCell::new(),
                );
                assert_eq!(got, expected, "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn words_sort_as_strings_do() {
        // Long shared starts, words that are starts of others, non-ASCII, the empty word.
        let mut words: Vec<String> = [
            "administration",
            "administratif",
            "administrat",
            "administ",
            "adm",
            "a",
            "",
            "entreprises",
            "entreprise",
            "zzzzzzzzz",
            "zzzzzzzz",
            "é",
            "ébène",
            "e",
            "9",
            "10",
        ]
        .iter()
        .map(|w| (*w).to_string())
        .collect();
        // And many more, pseudo-random, from a small alphabet so that starts are shared.
        let mut x: u32 = 7;
        for _ in 0..3000 {
            let len = 1 + (x % 13) as usize;
            let w: String = (0..len)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    ['a', 'b', 'é'][(x >> 16) as usize % 3]
                })
                .collect();
            words.push(w);
        }
        words.sort();
        words.dedup();
        let mut counts: Vec<(&str, usize)> = words
            .iter()
            .rev()
            .enumerate()
            .map(|(i, w)| (w.as_str(), i))
            .collect();
        let mut expected = counts.clone();
        expected.sort_unstable();
        sort_words(&mut counts);
        assert_eq!(counts, expected);
    }

    fn slugs(q: &[&str]) -> Vec<String> {
        let cat = crate::catalogue::sources::bundled_for_tests();
        search(&cat.entries, &Query::parse(q), &Filter::default())
            .into_iter()
            .map(|h| cat.entries[h.index].slug.clone())
            .collect()
    }

    fn entry(slug: &str, title: &str, tagline: &str, body: &str) -> Entry {
        Entry {
            slug: slug.into(),
            title: title.into(),
            tagline: Some(tagline.into()),
            body: body.into(),
            ..Entry::default()
        }
    }

    /// Slugs and hits of `q` among made-up entries.
    fn among(entries: &[Entry], q: &[&str]) -> (Vec<String>, Ranking) {
        let r = search_in(entries, None, &Query::parse(q), &Filter::default());
        let s = r
            .hits
            .iter()
            .map(|h| entries[h.index].slug.clone())
            .collect();
        (s, r)
    }

    fn made_up() -> Vec<Entry> {
        vec![
            entry(
                "api-adresse",
                "API Adresse (Base Adresse Nationale - BAN)",
                "Chercher une adresse",
                "Géocodage des adresses.",
            ),
            entry(
                "api-ficoba",
                "Comptes bancaires (FICOBA)",
                "Les comptes bancaires",
                "Fichier des comptes bancaires, ouvert à l'adresse des banques.",
            ),
            entry(
                "sirene_v3",
                "API Sirene",
                "Le répertoire des entreprises",
                "Siret, siren.",
            ),
            entry(
                "agent-connect",
                "ProConnect",
                "Identifier les agents",
                "ProConnect identifie les agents publics.",
            ),
            entry(
                "moncomptepro",
                "MonComptePro",
                "Un compte",
                "Compatible avec ProConnect, anciennement AgentConnect.",
            ),
            entry(
                "api-autorite",
                "Autorité des marchés",
                "Les déclarations des sociétés",
                "Une autorité déclare.",
            ),
        ]
    }

    #[test]
    fn stopwords_are_dropped_unless_alone() {
        assert_eq!(
            Query::parse(&["les procédures de la France"]).terms,
            vec!["procedures", "france"]
        );
        assert_eq!(Query::parse(&["l’Urssaf"]).terms, vec!["urssaf"]);
        assert_eq!(Query::parse(&["de", "la"]).terms, vec!["de", "la"]);
        assert_eq!(Query::parse(&["API", "api"]).terms, vec!["api"]);
        let q = Query::parse(&["France", "Connect"]);
        assert_eq!(q.joined, vec!["franceconnect"]);
        assert_eq!(q.key, "france connect");
        assert_eq!(Query::parse(&["api-geo"]).key, "geo");
    }

    #[test]
    fn urssaf_finds_the_four_urssaf_entries() {
        let s = slugs(&["urssaf"]);
        assert_eq!(s.len(), 4, "{s:?}");
        assert!(!s.contains(&"api-entreprise".to_string()));
    }

    #[test]
    fn every_word_must_match_and_the_closest_are_named() {
        let e = made_up();
        let (s, _) = among(&e, &["comptes", "bancaires"]);
        assert_eq!(s, vec!["api-ficoba"]);
        // "adresse" alone finds two; with "zebre", which nothing holds, none.
        assert_eq!(among(&e, &["adresse"]).0.len(), 2);
        let (s, r) = among(&e, &["adresse", "zebre"]);
        assert!(s.is_empty());
        let closest: Vec<&str> = r.closest.iter().map(|h| e[h.index].slug.as_str()).collect();
        assert_eq!(closest, vec!["api-adresse", "api-ficoba"]);
        assert!(r.closest.iter().all(|h| h.matched == 1));
    }

    #[test]
    fn stems_match_and_rank_below_exact_words() {
        let e = made_up();
        // "déclarations" is in one tagline, "déclare" in its body: both by stem for "declaration".
        let (s, r) = among(&e, &["declaration"]);
        assert_eq!(s, vec!["api-autorite"]);
        assert!(r.hits[0].matches.iter().all(|m| m.how == How::Stem));
        let mut q = Query::parse(&["bancaire"]);
        let r = search_in(&e, None, &q, &Filter::default());
        let stem_score = r.hits[0].score;
        q = Query::parse(&["bancaires"]);
        let r = search_in(&e, None, &q, &Filter::default());
        assert!(r.hits[0].score > stem_score);
    }

    #[test]
    fn related_words_match_below_stems_and_name_the_register() {
        let e = vec![
            entry(
                "api-sirene",
                "API Sirene",
                "Le répertoire des entreprises",
                "",
            ),
            entry("api-siret", "API Conventions", "Par numéro SIRET", ""),
            entry("api-autre", "API Autre", "Rien de tel", ""),
        ];
        let (s, r) = among(&e, &["siret"]);
        assert_eq!(s, vec!["api-siret", "api-sirene"]);
        let m = &r.hits[1].matches[0];
        assert_eq!(
            (m.field, m.how, m.word.as_deref()),
            ("title", How::Related, Some("siren"))
        );
        // The related word itself is not widened: "sirene" does not find SIRET.
        assert_eq!(among(&e, &["sirene"]).0, vec!["api-sirene"]);
        assert!(How::Related.factor() < How::Stem.factor());
        assert!(How::Related.factor() > How::Prefix.factor());
        // Laws are legislation; "numéro" is a word every entry could claim.
        let e = vec![
            entry(
                "legifrance",
                "Légifrance",
                "Textes consolidés",
                "Dossiers législatifs.",
            ),
            entry("api-siren", "API Siren", "Le répertoire", ""),
            entry("api-numero", "API Numéro", "Un numéro de téléphone", ""),
        ];
        assert_eq!(among(&e, &["textes", "de", "loi"]).0, vec!["legifrance"]);
        assert_eq!(among(&e, &["numéro", "siren"]).0, vec!["api-siren"]);
    }

    #[test]
    fn only_the_last_word_is_a_prefix() {
        let e = made_up();
        let (s, r) = among(&e, &["comptes", "banc"]);
        assert_eq!(s, vec!["api-ficoba"]);
        assert!(r.hits[0].matches.iter().any(|m| m.how == How::Prefix));
        assert!(among(&e, &["banc", "comptes"]).0.is_empty());
        // Two letters say too little.
        assert!(among(&e, &["ad"]).0.is_empty());
    }

    #[test]
    fn exact_names_rank_first() {
        let e = made_up();
        // "ban" is the start of "bancaires" three times, but the acronym of the adresse API.
        let (s, r) = among(&e, &["BAN"]);
        assert_eq!(s[0], "api-adresse");
        assert!(r.hits[0].score >= NAME_BAND);
        assert_eq!(among(&e, &["sirene_v3"]).0[0], "sirene_v3");
        // The slug's words, and the slug as one word; a former name in another entry's body.
        let (s, r) = among(&e, &["agent", "connect"]);
        assert_eq!(s, vec!["agent-connect", "moncomptepro"]);
        assert!(r.hits[0].score >= NAME_BAND);
        assert!(
            r.hits[1]
                .matches
                .iter()
                .all(|m| m.word.as_deref() == Some("agentconnect"))
        );
        let (s, r) = among(&e, &["agentconnect"]);
        assert_eq!(s, vec!["agent-connect", "moncomptepro"]);
        assert!(r.hits[0].score >= NAME_BAND);
        assert_eq!(r.hits[0].matches[0].field, "title");
        assert_eq!(
            among(&e, &["FICOBA"]).1.hits[0].score.floor(),
            FULL_NAME_BAND
        );
    }

    #[test]
    fn a_name_word_for_word_ranks_above_one_with_a_small_word_more() {
        // "mon" is a small word: both are named `entreprise` once it is set aside, and the
        // longer one says "entreprise" more often.
        let e = vec![
            entry(
                "api-mon-entreprise",
                "API Mon entreprise",
                "Simulez en tant que salarié ou entreprise",
                "Entreprise, entreprise.",
            ),
            entry(
                "api-entreprise",
                "API Entreprise",
                "Les données des entreprises",
                "Pour les administrations.",
            ),
        ];
        for q in [
            &["api-entreprise"][..],
            &["entreprise"],
            &["API_Entreprise"],
        ] {
            let (s, r) = among(&e, q);
            assert_eq!(s, vec!["api-entreprise", "api-mon-entreprise"], "{q:?}");
            assert_eq!(r.hits[0].score.floor(), FULL_NAME_BAND, "{q:?}");
            assert_eq!(r.hits[1].score.floor(), NAME_BAND, "{q:?}");
        }
        let (s, _) = among(&e, &["mon", "entreprise"]);
        assert_eq!(s[0], "api-mon-entreprise");
    }

    #[test]
    fn typos_only_for_words_found_nowhere() {
        assert_eq!(slugs(&["entrprise"])[0], "api-entreprise");
        assert_eq!(slugs(&["entrepirse"])[0], "api-entreprise");
        assert!(slugs(&["zzzzqqq"]).is_empty());
        assert!(is_typo("litoral", "littoral"));
        assert!(is_typo("assosiation", "association"));
        assert!(!is_typo("autoroute", "autorite"));
        assert!(!is_typo("ban", "bon"));
        let e = made_up();
        // "autorite" exists: "autorites" is no typo of anything else; "autoroute" is not
        // one letter from it.
        assert!(among(&e, &["autoroute"]).0.is_empty());
        let (_, r) = among(&e, &["adrese"]);
        assert!(r.hits[0].matches.iter().all(|m| m.how == How::Typo));
        // Corrected to the nearest word ("adresse", not "adresses"), found by its stem in the
        // body's "adresses".
        let words: Vec<_> = r.hits[0]
            .matches
            .iter()
            .map(|m| m.word.as_deref())
            .collect();
        assert_eq!(words, [Some("adresse"), Some("adresse"), Some("adress")]);
    }

    #[test]
    fn scores_decrease_and_body_only_ranks_last() {
        let cat = crate::catalogue::sources::bundled_for_tests();
        for q in [["urssaf"], ["declarant"], ["entreprise"], ["activite"]] {
            let hits = search(&cat.entries, &Query::parse(&q), &Filter::default());
            assert!(!hits.is_empty(), "{q:?}");
            assert!(hits.windows(2).all(|w| w[0].score >= w[1].score), "{q:?}");
            let body_only = |h: &Hit| h.matches.iter().all(|m| m.field == "body");
            let first_body_only = hits.iter().position(body_only).unwrap_or(hits.len());
            assert!(hits[first_body_only..].iter().all(body_only), "{q:?}");
        }
        let hits = search(
            &cat.entries,
            &Query::parse(&["declarant"]),
            &Filter::default(),
        );
        assert!(hits.iter().any(|h| h.score < 1.0), "a body-only hit");
    }

    #[test]
    fn word_lists_count_repeats_up_to_the_cap() {
        let list = word_list("b a c a a a a b".split(' '), 3);
        assert_eq!(list, b"a:3 b:2 c");
        assert_eq!(count(&list, b"a"), 3);
        assert_eq!(count(&list, b"b"), 2);
        assert_eq!(count(&list, b"c"), 1);
        // The count is no part of the word: "a1" sorts after "a", whatever the suffix.
        let list = word_list("a a a1 b".split(' '), 3);
        assert_eq!(list, b"a:2 a1 b");
        assert_eq!(count(&list, b"a1"), 1);
        let after_a: Vec<_> = words_from(&list, b"a").map(token).collect();
        assert_eq!(after_a, [(&b"a"[..], 2), (&b"a1"[..], 1), (&b"b"[..], 1)]);
        assert_eq!(count(&list, b"bb"), 0);
        assert_eq!(count(b"", b"x"), 0);
        assert_eq!(words_from(b"a b c", b"bb").next(), Some(&b"c"[..]));
        assert_eq!(words_from(b"a b c", b"0").next(), Some(&b"a"[..]));
        assert_eq!(words_from(b"a b c", b"d").next(), None);
    }

    #[test]
    fn a_field_skipped_by_its_needles_holds_no_match() {
        let mut entries = crate::catalogue::sources::bundled_for_tests().entries;
        // Words whose stem does not start them ("travaux" → "traval"), also joined to the
        // next ("travaux publics"), and a related word only.
        entries.push(entry("a", "Travaux", "Des travauxpublics", ""));
        entries.push(entry("b", "Répertoire", "Le répertoire Sirene", ""));
        let own: Vec<OwnFields> = entries.iter().map(OwnFields::of).collect();
        let fields: Vec<Fields> = own.iter().map(OwnFields::view).collect();
        // Every word of every field, its start and its stem, each alone, first and last of
        // two terms.
        let mut terms: Vec<String> = ["siret", "rib"].map(String::from).to_vec();
        for f in &fields {
            for list in f.words.iter().chain(&f.stems) {
                for w in String::from_utf8_lossy(list).split(' ') {
                    let w = std::str::from_utf8(token(w.as_bytes()).0).unwrap_or_default();
                    let cut: String = w.chars().take(4).collect();
                    terms.extend([w.to_string(), cut, stem(w)]);
                }
            }
        }
        terms.sort();
        terms.dedup();
        let mut checked = 0;
        for t in terms.iter().filter(|t| !t.is_empty()) {
            for q in [vec![t.as_str()], vec!["entreprise", t], vec![t, "publics"]] {
                let query = Query::parse(&q);
                let Some(k) = query.terms.iter().position(|x| x == t) else {
                    continue;
                };
                let fixed = stem(&query.stems[k]) == query.stems[k];
                let joined = [
                    k.checked_sub(1).and_then(|p| query.joined.get(p)),
                    query.joined.get(k),
                ];
                let ways = (
                    t.as_str(),
                    query.stems[k].as_str(),
                    fixed,
                    joined,
                    &query.related[k][..],
                );
                let needles = needles(ways);
                for f in &fields {
                    for i in 0..BODY {
                        if field_match(f, i, ways, true, &Spellings::default()).is_some() {
                            assert!(may_match(f, i, &needles), "{t:?} in field {i}");
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(checked > 500, "{checked}");
    }

    #[test]
    fn fields_hold_stems_names_and_acronyms() {
        let own = OwnFields::of(&made_up()[0]);
        let f = own.view();
        let names = String::from_utf8_lossy(f.names).into_owned();
        assert!(names.lines().any(|n| n == "ban"), "{names}");
        assert!(names.lines().any(|n| n == "adresse"), "{names}");
        assert!(f.is_named("adresse"));
        // "adresses" in the body is "adresse" only by its stem.
        assert_eq!(count(f.words[BODY], b"adresse"), 0);
        assert_eq!(count(f.stems[BODY], b"adress"), 1);
        assert_eq!(f.lens[BODY], 3);
    }

    #[test]
    fn filters_fold_case_and_accents() {
        let cat = crate::catalogue::sources::bundled_for_tests();
        let f = Filter {
            theme: Some("EMPLOI".into()),
            ..Default::default()
        };
        assert_eq!(cat.entries.iter().filter(|e| f.matches(e)).count(), 3);
        let f = Filter {
            producer: Some("dinum".into()),
            ..Default::default()
        };
        assert_eq!(cat.entries.iter().filter(|e| f.matches(e)).count(), 1);
        let f = Filter {
            access: Some(Access::Restricted),
            ..Default::default()
        };
        assert_eq!(cat.entries.iter().filter(|e| f.matches(e)).count(), 2);
    }
}
