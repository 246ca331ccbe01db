//! Finding entries: filters, query parsing and ranking. Pure: takes entries, returns indices.

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use memchr::memmem::Finder;

use std::borrow::Cow;

use crate::catalogue::{Access, Entry};
use crate::text::{edit_distance, fold, is_function_word, singular, words};

/// Words a query ignores unless it has nothing else (as api.gouv.fr did): French function
/// words, and words every entry of this catalogue could claim.
fn is_stopword(w: &str) -> bool {
    is_function_word(w) || ["api", "apis", "donnees", "donnee", "base"].contains(&w)
}

/// Field weights, after api.gouv.fr's search: the title counts most, the body least.
const TITLE: f64 = 10.0;
const TAGLINE: f64 = 3.0;
const PRODUCER: f64 = 3.0;
const KEYWORDS: f64 = 3.0;
const THEMES: f64 = 2.0;
const PARTNERS: f64 = 2.0;
const BODY: f64 = 0.5;

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
}

impl Query {
    pub fn parse<S: AsRef<str>>(args: &[S]) -> Query {
        let all: Vec<String> = args
            .iter()
            .flat_map(|a| {
                words(&fold(a.as_ref()))
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut terms: Vec<String> = all.iter().filter(|w| !is_stopword(w)).cloned().collect();
        if terms.is_empty() {
            terms = all;
        }
        let mut seen = std::collections::HashSet::new();
        terms.retain(|t| seen.insert(t.clone()));
        Query { terms }
    }
}

/// One ranked result.
#[derive(Debug, Clone)]
pub struct Hit {
    pub index: usize,
    pub score: f64,
    /// How many query terms the entry matched.
    pub matched: usize,
    /// Folded words to highlight: the terms, and the words they matched by typo tolerance.
    pub marks: Vec<String>,
}

/// A query word ready for matching: its substring finder is built once for every field.
struct Needle<'q> {
    text: &'q str,
    finder: Finder<'q>,
    /// Four letters or more: may match inside a word.
    long: bool,
}

impl<'q> Needle<'q> {
    fn new(text: &'q str) -> Needle<'q> {
        Needle {
            text,
            finder: Finder::new(text.as_bytes()),
            long: text.chars().count() >= 4,
        }
    }
}

/// A query term, and its singular when it reads as a French plural.
struct Term<'q> {
    word: Needle<'q>,
    singular: Option<Needle<'q>>,
    chars: usize,
}

impl<'q> Term<'q> {
    fn new(text: &'q str) -> Term<'q> {
        Term {
            word: Needle::new(text),
            singular: singular(text).map(Needle::new),
            chars: text.chars().count(),
        }
    }
}

/// How well `term` matches one word by typo tolerance: 0.6 or 0.5 by edit distance, 0.4 for a
/// dropped letter or two.
fn typo_quality(term: &str, tl: usize, word: &str, matcher: &SkimMatcherV2) -> f64 {
    let wl = word.chars().count();
    if tl < 4 || wl + 2 < tl || wl > tl + 2 {
        return 0.0;
    }
    // As most search engines do, a typo is not looked for in the first letter (a swap of
    // the first two is allowed): that keeps the costly comparison to a few words.
    let (mut t, mut w) = (term.chars(), word.chars());
    let (t0, t1, w0, w1) = (t.next(), t.next(), w.next(), w.next());
    if t0 != w0 && !(t0 == w1 && t1 == w0) {
        return 0.0;
    }
    let allowed = if tl >= 8 { 2 } else { 1 };
    let d = edit_distance(term, word);
    if d <= allowed {
        return 0.6 - 0.1 * d as f64;
    }
    // A dropped letter or two (`entrprise`): the term is a subsequence of the word.
    if t0 == w0 && matcher.fuzzy_match(word, term).is_some() {
        return 0.4;
    }
    0.0
}

/// The best match of `term` among a field's words; typos are looked for only when nothing
/// better than a typo matched.
fn field_quality(
    term: &Term,
    field: &[u8],
    matcher: Option<&SkimMatcherV2>,
    marks: &mut Vec<String>,
) -> f64 {
    let best = text_quality(&term.word, field).max(
        0.9 * term
            .singular
            .as_ref()
            .map_or(0.0, |t| text_quality(t, field)),
    );
    if best >= 0.6 {
        return best;
    }
    let Some(matcher) = matcher else { return best };
    // Only a field from a damaged index is not UTF-8; its words are still compared.
    let field = String::from_utf8_lossy(field);
    let mut typo_word = "";
    let mut typo = 0.0f64;
    for w in words(&field) {
        let q = typo_quality(term.word.text, term.chars, w, matcher);
        if q > typo {
            typo = q;
            typo_word = w;
        }
    }
    if typo > best {
        marks.push(typo_word.to_string());
        return typo;
    }
    best
}

fn is_word(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

/// The character that ends just before byte `at`, if it is whole.
fn char_before(b: &[u8], at: usize) -> Option<char> {
    let start = (at.saturating_sub(4)..at)
        .rev()
        .find(|&i| b[i] & 0xc0 != 0x80)?;
    std::str::from_utf8(&b[start..at]).ok()?.chars().next()
}

/// The character that starts at byte `at`, if it is whole.
fn char_after(b: &[u8], at: usize) -> Option<char> {
    b.get(at..(at + 4).min(b.len()))?
        .utf8_chunks()
        .next()?
        .valid()
        .chars()
        .next()
}

/// Each place `n` occurs in `field`, as (starts a word, ends a word).
fn occurrences<'a>(n: &'a Needle, field: &'a [u8]) -> impl Iterator<Item = (bool, bool)> + 'a {
    let mut from = 0;
    std::iter::from_fn(move || {
        if n.text.is_empty() {
            return None;
        }
        let at = from + n.finder.find(field.get(from..)?)?;
        let end = at + n.text.len();
        from = end;
        Some((
            !is_word(char_before(field, at)),
            !is_word(char_after(field, end)),
        ))
    })
}

/// How well a needle matches a field without typos, by substring search: a whole word 1, the
/// start of a word 0.8, inside a word 0.5 (terms of four letters or more).
fn text_quality(n: &Needle, field: &[u8]) -> f64 {
    let mut best = 0.0f64;
    for (starts_word, ends_word) in occurrences(n, field) {
        let q = match (starts_word, ends_word) {
            (true, true) => return 1.0,
            (true, false) => 0.8,
            (false, _) if n.long => 0.5,
            _ => 0.0,
        };
        best = best.max(q);
    }
    best
}

/// How well a needle matches a body: a whole word 1, the start of a word 0.8. Inside a word
/// counts only in the other fields: in a long text it is mostly noise. `sorted` bodies (the
/// index's word lists) are searched by bisection.
fn body_quality(n: &Needle, body: &[u8], sorted: bool) -> f64 {
    let term = n.text.as_bytes();
    if sorted {
        let w = first_word_not_below(body, term);
        return if term.is_empty() {
            0.0
        } else if w == term {
            1.0
        } else if w.starts_with(term) {
            0.8
        } else {
            0.0
        };
    }
    let mut best = 0.0f64;
    for (starts_word, ends_word) in occurrences(n, body) {
        if starts_word {
            if ends_word {
                return 1.0;
            }
            best = 0.8;
        }
    }
    best
}

/// In a sorted list of words one space apart, the first word not below `term` (empty if none).
fn first_word_not_below<'a>(b: &'a [u8], term: &[u8]) -> &'a [u8] {
    let word_at = |start: usize| {
        let end = b[start..]
            .iter()
            .position(|&c| c == b' ')
            .map_or(b.len(), |p| start + p);
        (&b[start..end], end)
    };
    // Bisect on word starts: `lo` is always a word start.
    let (mut lo, mut hi) = (0usize, b.len());
    while lo < hi {
        let mut mid = lo + (hi - lo) / 2;
        while mid > lo && b[mid - 1] != b' ' {
            mid -= 1;
        }
        let (w, end) = word_at(mid);
        if w < term {
            lo = (end + 1).min(b.len());
        } else {
            hi = mid;
        }
    }
    if lo >= b.len() { &[] } else { word_at(lo).0 }
}

/// The distinct words of a folded text, one space apart: what matching needs, and much
/// smaller than a body.
fn word_list(folded: &str) -> Vec<u8> {
    let mut all: Vec<&str> = words(folded).collect();
    // Order does not matter to matching: sorting is the cheapest way to drop repeats.
    all.sort_unstable();
    all.dedup();
    all.join(" ").into_bytes()
}

/// Each searchable field of an entry, folded: UTF-8 text, but kept as bytes since those
/// read from the index cache are matched without being checked first.
/// Borrowed when read from the index cache, owned when computed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fields<'a> {
    pub title: Cow<'a, [u8]>,
    pub tagline: Cow<'a, [u8]>,
    pub producer: Cow<'a, [u8]>,
    pub keywords: Cow<'a, [u8]>,
    pub themes: Cow<'a, [u8]>,
    pub partners: Cow<'a, [u8]>,
    pub body: Cow<'a, [u8]>,
    /// Each field is a sorted list of distinct words (the index's form).
    pub sorted: bool,
}

impl Fields<'_> {
    pub fn of(e: &Entry) -> Fields<'static> {
        let producer = [
            &e.producer,
            &e.producer_name,
            &e.producer_acronym,
            &e.owner,
            &e.owner_acronym,
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ");
        let folded = |s: &str| Cow::Owned(fold(s).into_bytes());
        Fields {
            title: folded(&e.title),
            tagline: folded(e.tagline.as_deref().unwrap_or("")),
            producer: folded(&producer),
            keywords: folded(&e.keywords.join(" ")),
            themes: folded(&e.themes.join(" ")),
            partners: folded(&[e.partners.join(" "), e.partner_names.join(" ")].join(" ")),
            body: folded(&[e.content_intro.as_deref().unwrap_or(""), &e.body].join(" ")),
            sorted: false,
        }
    }

    /// The same fields reduced to their distinct words, for the index cache: matching gives
    /// the same answers on either form.
    pub fn compact(&self) -> Fields<'static> {
        let c = |s: &Cow<[u8]>| Cow::Owned(word_list(&String::from_utf8_lossy(s)));
        Fields {
            title: c(&self.title),
            tagline: c(&self.tagline),
            producer: c(&self.producer),
            keywords: c(&self.keywords),
            themes: c(&self.themes),
            partners: c(&self.partners),
            body: c(&self.body),
            sorted: true,
        }
    }

    /// Whether a field other than the body holds the term as written.
    fn names(&self, term: &Term) -> bool {
        [
            &self.title,
            &self.tagline,
            &self.producer,
            &self.keywords,
            &self.themes,
            &self.partners,
        ]
        .into_iter()
        .any(|f| text_quality(&term.word, f) > 0.0)
    }

    fn score(&self, term: &Term, typos: Option<&SkimMatcherV2>, marks: &mut Vec<String>) -> f64 {
        let m = typos;
        let body = |n: &Needle| body_quality(n, &self.body, self.sorted);
        TITLE * field_quality(term, &self.title, m, marks)
            + TAGLINE * field_quality(term, &self.tagline, m, marks)
            + PRODUCER * field_quality(term, &self.producer, m, marks)
            + KEYWORDS * field_quality(term, &self.keywords, m, marks)
            + THEMES * field_quality(term, &self.themes, m, marks)
            + PARTNERS * field_quality(term, &self.partners, m, marks)
            + BODY * body(&term.word).max(0.9 * term.singular.as_ref().map_or(0.0, body))
    }
}

/// What ranking needs to know of one entry.
pub struct Candidate<'c, 'f> {
    /// The entry's position, given back in its [`Hit`].
    pub index: usize,
    pub fields: &'c Fields<'f>,
    /// api.gouv.fr's visit count, which breaks ties.
    pub visits: i64,
    pub title: &'c [u8],
}

/// Ranks the entries that pass `filter` against `query`: more matched terms first, then
/// score, then api.gouv.fr's visit count, then title.
pub fn search(entries: &[Entry], query: &Query, filter: &Filter) -> Vec<Hit> {
    search_in(entries, None, query, filter)
}

/// [`search`] with each entry's folded fields already at hand (from the index cache).
pub fn search_in(
    entries: &[Entry],
    prepared: Option<&[Fields<'_>]>,
    query: &Query,
    filter: &Filter,
) -> Vec<Hit> {
    let computed: Vec<Fields> = match prepared {
        Some(_) => Vec::new(),
        None => entries.iter().map(Fields::of).collect(),
    };
    let all = prepared.unwrap_or(&computed);
    let candidates: Vec<Candidate> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| filter.matches(e))
        .filter_map(|(index, e)| {
            Some(Candidate {
                index,
                fields: all.get(index)?,
                visits: e.visits_2019.unwrap_or(0),
                title: e.title.as_bytes(),
            })
        })
        .collect();
    rank(&candidates, query)
}

/// Ranks candidates against `query`, best first (see [`search`]).
pub fn rank(candidates: &[Candidate], query: &Query) -> Vec<Hit> {
    let matcher = SkimMatcherV2::default();
    let terms: Vec<Term> = query.terms.iter().map(|t| Term::new(t)).collect();
    // Typos are looked for only for a term that nothing in the catalogue spells: a word
    // that exists is not taken for a misspelling of another.
    let typos: Vec<bool> = terms
        .iter()
        .map(|t| !candidates.iter().any(|c| c.fields.names(t)))
        .collect();
    let hits: Vec<(Hit, &Candidate)> = candidates
        .iter()
        .filter_map(|c| {
            let mut marks = Vec::new();
            let mut score = 0.0;
            let mut matched = 0;
            for (t, typos) in terms.iter().zip(&typos) {
                let s = c.fields.score(t, typos.then_some(&matcher), &mut marks);
                if s > 0.0 {
                    matched += 1;
                    score += s;
                }
            }
            if matched == 0 {
                return None;
            }
            marks.extend(query.terms.iter().cloned());
            marks.sort();
            marks.dedup();
            Some((
                Hit {
                    index: c.index,
                    score: (score * 100.0).round() / 100.0,
                    matched,
                    marks,
                },
                c,
            ))
        })
        .collect();
    let mut keyed: Vec<_> = hits
        .into_iter()
        .map(|(h, c)| (fold(&String::from_utf8_lossy(c.title)), c.visits, h))
        .collect();
    keyed.sort_by(|(ta, va, a), (tb, vb, b)| {
        b.matched
            .cmp(&a.matched)
            .then(b.score.total_cmp(&a.score))
            .then(vb.cmp(va))
            .then_with(|| ta.cmp(tb))
    });
    keyed.into_iter().map(|(_, _, h)| h).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slugs(q: &[&str]) -> Vec<String> {
        let cat = crate::catalogue::sources::bundled_for_tests();
        search(&cat.entries, &Query::parse(q), &Filter::default())
            .into_iter()
            .map(|h| cat.entries[h.index].slug.clone())
            .collect()
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
    }

    #[test]
    fn urssaf_finds_the_four_urssaf_entries() {
        let s = slugs(&["urssaf"]);
        assert_eq!(s.len(), 4, "{s:?}");
        assert!(!s.contains(&"api-entreprise".to_string()));
    }

    #[test]
    fn accents_and_typos() {
        assert_eq!(
            slugs(&["procedures"])[0],
            "procedures-collectives-france-entiere"
        );
        assert_eq!(slugs(&["entrprise"])[0], "api-entreprise");
        assert_eq!(slugs(&["entrepirse"])[0], "api-entreprise");
        assert!(slugs(&["zzzzqqq"]).is_empty());
    }

    #[test]
    fn more_matched_words_rank_higher() {
        let s = slugs(&["les procédures de la France"]);
        assert_eq!(s[0], "procedures-collectives-france-entiere");
        let s = slugs(&["travailleurs", "urssaf"]);
        assert_eq!(
            s[0],
            "nombre-de-travailleurs-independants-par-secteur-d-activite"
        );
    }

    #[test]
    fn fields_match_by_word_prefix_or_inside() {
        let q = |term: &str, field: &str| text_quality(&Needle::new(term), field.as_bytes());
        assert_eq!(q("rna", "le rna est"), 1.0);
        assert_eq!(q("adr", "une adresse"), 0.8);
        assert_eq!(q("dres", "une adresse"), 0.5);
        assert_eq!(q("rna", "internationale"), 0.0);
        assert_eq!(q("été", "l'été"), 1.0);
        assert_eq!(q("été", "étéx"), 0.8);
        assert_eq!(q("été", "xétéx"), 0.0);
        // Bytes that are not UTF-8 (a damaged index) are no word characters, and no panic.
        assert_eq!(text_quality(&Needle::new("rna"), b"\xffrna\xc3"), 1.0);
    }

    #[test]
    fn plurals_find_singulars() {
        assert_eq!(singular("impots"), Some("impot"));
        assert_eq!(singular("reseaux"), Some("reseau"));
        assert_eq!(singular("bus"), None);
        assert_eq!(singular("adresse"), None);
        let mut marks = Vec::new();
        assert_eq!(
            field_quality(&Term::new("impots"), b"impot particulier", None, &mut marks),
            0.9
        );
    }

    #[test]
    fn bodies_match_by_word_or_prefix_in_both_forms() {
        let text = "une adresse, l'adresse et le rna des adresses ; zebre";
        let sorted = word_list(text);
        for (term, want) in [
            ("rna", 1.0),
            ("adr", 0.8),
            ("adresse", 1.0),
            ("dres", 0.0),
            ("zeb", 0.8),
            ("zz", 0.0),
            ("a", 0.8),
            ("", 1.0),
        ] {
            if term.is_empty() {
                continue;
            }
            let n = Needle::new(term);
            assert_eq!(
                body_quality(&n, text.as_bytes(), false),
                want,
                "{term} in text"
            );
            assert_eq!(body_quality(&n, &sorted, true), want, "{term} in list");
        }
        assert_eq!(first_word_not_below(b"", b"x"), b"");
        assert_eq!(first_word_not_below(b"a b c", b"b"), b"b");
        assert_eq!(first_word_not_below(b"a b c", b"bb"), b"c");
        assert_eq!(first_word_not_below(b"a b c", b"d"), b"");
        assert_eq!(first_word_not_below(b"a b c", b"0"), b"a");
    }

    #[test]
    fn compact_fields_match_like_full_ones() {
        let cat = crate::catalogue::sources::bundled_for_tests();
        for q in [
            ["urssaf"],
            ["entrprise"],
            ["procedures"],
            ["declarant"],
            ["rna"],
        ] {
            let q = Query::parse(&q);
            let full = search(&cat.entries, &q, &Filter::default());
            let compact: Vec<Fields> = cat
                .entries
                .iter()
                .map(|e| Fields::of(e).compact())
                .collect();
            let small = search_in(&cat.entries, Some(&compact), &q, &Filter::default());
            let key = |h: &Vec<Hit>| {
                h.iter()
                    .map(|h| (h.index, h.score.to_bits()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(key(&full), key(&small), "{q:?}");
        }
    }

    #[test]
    fn title_outranks_body() {
        let cat = crate::catalogue::sources::bundled_for_tests();
        let hits = search(
            &cat.entries,
            &Query::parse(&["entreprise"]),
            &Filter::default(),
        );
        assert_eq!(cat.entries[hits[0].index].slug, "api-entreprise");
        assert!(hits[0].score > hits[1].score);
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
