//! Finding entries: filters, query parsing and ranking. Pure: takes entries, returns indices.

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use std::borrow::Cow;

use crate::catalogue::{Access, Entry};
use crate::text::{edit_distance, fold, words};

/// Words a query ignores unless it has nothing else (as api.gouv.fr did).
const STOPWORDS: &[&str] = &[
    "a", "au", "aux", "avec", "ce", "ces", "cet", "cette", "d", "dans", "de", "des", "du", "elle",
    "en", "et", "il", "j", "je", "l", "la", "le", "les", "leur", "leurs", "lui", "ma", "mais",
    "me", "mes", "moi", "mon", "n", "ne", "nos", "notre", "nous", "on", "ou", "par", "pas", "pour",
    "qu", "que", "qui", "s", "sa", "se", "ses", "son", "sur", "t", "ta", "te", "tes", "ton", "tu",
    "un", "une", "vos", "votre", "vous", "y", "api", "apis", "donnees", "donnee", "base",
];

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
        let mut terms: Vec<String> = all
            .iter()
            .filter(|w| !STOPWORDS.contains(&w.as_str()))
            .cloned()
            .collect();
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
    term: &str,
    field: &str,
    matcher: Option<&SkimMatcherV2>,
    marks: &mut Vec<String>,
) -> f64 {
    let best =
        text_quality(term, field).max(0.9 * singular(term).map_or(0.0, |t| text_quality(t, field)));
    if best >= 0.6 {
        return best;
    }
    let Some(matcher) = matcher else { return best };
    let tl = term.chars().count();
    let mut typo_word = "";
    let mut typo = 0.0f64;
    for w in words(field) {
        let q = typo_quality(term, tl, w, matcher);
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

/// A French plural's singular, for matching (`impots` → `impot`, `reseaux` → `reseau`).
fn singular(term: &str) -> Option<&str> {
    (term.len() > 3)
        .then(|| term.strip_suffix('s').or_else(|| term.strip_suffix('x')))
        .flatten()
        .filter(|t| !t.ends_with('s'))
}

/// How well `term` matches a field without typos, by substring search: a whole word 1, the
/// start of a word 0.8, inside a word 0.5 (terms of four letters or more).
fn text_quality(term: &str, body: &str) -> f64 {
    let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let long = term.chars().count() >= 4;
    let mut best = 0.0f64;
    let mut from = 0;
    while let Some(i) = body[from..].find(term) {
        let at = from + i;
        let end = at + term.len();
        let starts_word = !is_word(body[..at].chars().next_back());
        let ends_word = !is_word(body[end..].chars().next());
        let q = match (starts_word, ends_word) {
            (true, true) => return 1.0,
            (true, false) => 0.8,
            (false, _) if long => 0.5,
            _ => 0.0,
        };
        best = best.max(q);
        from = end;
    }
    best
}

/// How well `term` matches a body: a whole word 1, the start of a word 0.8. Inside a word
/// counts only in the other fields: in a long text it is mostly noise. `sorted` bodies (the
/// index's word lists) are searched by bisection.
fn body_quality(term: &str, body: &str, sorted: bool) -> f64 {
    if sorted {
        let w = first_word_not_below(body, term);
        return if w == term {
            1.0
        } else if w.starts_with(term) {
            0.8
        } else {
            0.0
        };
    }
    let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut best = 0.0f64;
    let mut from = 0;
    while let Some(i) = body[from..].find(term) {
        let at = from + i;
        let end = at + term.len();
        if !is_word(body[..at].chars().next_back()) {
            if !is_word(body[end..].chars().next()) {
                return 1.0;
            }
            best = 0.8;
        }
        from = end;
    }
    best
}

/// In a sorted list of words one space apart, the first word not below `term` ("" if none).
fn first_word_not_below<'a>(list: &'a str, term: &str) -> &'a str {
    let b = list.as_bytes();
    let word_at = |start: usize| {
        let end = b[start..]
            .iter()
            .position(|&c| c == b' ')
            .map_or(b.len(), |p| start + p);
        (&list[start..end], end)
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
    if lo >= b.len() { "" } else { word_at(lo).0 }
}

/// The distinct words of a folded text, one space apart: what matching needs, and much
/// smaller than a body.
fn word_list(folded: &str) -> String {
    let mut all: Vec<&str> = words(folded).collect();
    // Order does not matter to matching: sorting is the cheapest way to drop repeats.
    all.sort_unstable();
    all.dedup();
    all.join(" ")
}

/// Each searchable field of an entry, folded.
/// Borrowed when read from the index cache, owned when computed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fields<'a> {
    pub title: Cow<'a, str>,
    pub tagline: Cow<'a, str>,
    pub producer: Cow<'a, str>,
    pub keywords: Cow<'a, str>,
    pub themes: Cow<'a, str>,
    pub partners: Cow<'a, str>,
    pub body: Cow<'a, str>,
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
        let joined = |items: &[String]| Cow::Owned(fold(&items.join(" ")));
        Fields {
            title: Cow::Owned(fold(&e.title)),
            tagline: Cow::Owned(fold(e.tagline.as_deref().unwrap_or(""))),
            producer: Cow::Owned(fold(&producer)),
            keywords: joined(&e.keywords),
            themes: joined(&e.themes),
            partners: Cow::Owned(fold(
                &[e.partners.join(" "), e.partner_names.join(" ")].join(" "),
            )),
            body: Cow::Owned(fold(
                &[e.content_intro.as_deref().unwrap_or(""), &e.body].join(" "),
            )),
            sorted: false,
        }
    }

    /// The same fields reduced to their distinct words, for the index cache: matching gives
    /// the same answers on either form.
    pub fn compact(&self) -> Fields<'static> {
        let c = |s: &Cow<str>| Cow::Owned(word_list(s));
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
    fn names(&self, term: &str) -> bool {
        [
            &self.title,
            &self.tagline,
            &self.producer,
            &self.keywords,
            &self.themes,
            &self.partners,
        ]
        .into_iter()
        .any(|f| text_quality(term, f) > 0.0)
    }

    fn score(&self, term: &str, typos: Option<&SkimMatcherV2>, marks: &mut Vec<String>) -> f64 {
        let m = typos;
        TITLE * field_quality(term, &self.title, m, marks)
            + TAGLINE * field_quality(term, &self.tagline, m, marks)
            + PRODUCER * field_quality(term, &self.producer, m, marks)
            + KEYWORDS * field_quality(term, &self.keywords, m, marks)
            + THEMES * field_quality(term, &self.themes, m, marks)
            + PARTNERS * field_quality(term, &self.partners, m, marks)
            + BODY
                * body_quality(term, &self.body, self.sorted).max(
                    0.9 * singular(term).map_or(0.0, |t| body_quality(t, &self.body, self.sorted)),
                )
    }
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
    let matcher = SkimMatcherV2::default();
    let computed: Vec<Fields> = match prepared {
        Some(_) => Vec::new(),
        None => entries.iter().map(Fields::of).collect(),
    };
    let all = prepared.unwrap_or(&computed);
    let candidates: Vec<(usize, &Fields)> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| filter.matches(e))
        .filter_map(|(i, _)| Some((i, all.get(i)?)))
        .collect();
    // Typos are looked for only for a term that nothing in the catalogue spells: a word
    // that exists is not taken for a misspelling of another.
    let typos: Vec<bool> = query
        .terms
        .iter()
        .map(|t| !candidates.iter().any(|(_, f)| f.names(t)))
        .collect();
    let mut hits: Vec<Hit> = candidates
        .iter()
        .filter_map(|(index, fields)| {
            let mut marks = query.terms.clone();
            let mut score = 0.0;
            let mut matched = 0;
            for (t, typos) in query.terms.iter().zip(&typos) {
                let s = fields.score(t, typos.then_some(&matcher), &mut marks);
                if s > 0.0 {
                    matched += 1;
                    score += s;
                }
            }
            marks.sort();
            marks.dedup();
            (matched > 0).then_some(Hit {
                index: *index,
                score: (score * 100.0).round() / 100.0,
                matched,
                marks,
            })
        })
        .collect();
    hits.sort_by(|a, b| {
        let (ea, eb) = (&entries[a.index], &entries[b.index]);
        b.matched
            .cmp(&a.matched)
            .then(b.score.total_cmp(&a.score))
            .then(
                eb.visits_2019
                    .unwrap_or(0)
                    .cmp(&ea.visits_2019.unwrap_or(0)),
            )
            .then_with(|| fold(&ea.title).cmp(&fold(&eb.title)))
    });
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Catalogue;

    fn slugs(q: &[&str]) -> Vec<String> {
        let cat = Catalogue::bundled();
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
        assert_eq!(text_quality("rna", "le rna est"), 1.0);
        assert_eq!(text_quality("adr", "une adresse"), 0.8);
        assert_eq!(text_quality("dres", "une adresse"), 0.5);
        assert_eq!(text_quality("rna", "internationale"), 0.0);
        assert_eq!(text_quality("été", "l'été"), 1.0);
    }

    #[test]
    fn plurals_find_singulars() {
        assert_eq!(singular("impots"), Some("impot"));
        assert_eq!(singular("reseaux"), Some("reseau"));
        assert_eq!(singular("bus"), None);
        assert_eq!(singular("adresse"), None);
        let mut marks = Vec::new();
        assert_eq!(
            field_quality("impots", "impot particulier", None, &mut marks),
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
            assert_eq!(body_quality(term, text, false), want, "{term} in text");
            assert_eq!(
                body_quality(term, &sorted, true),
                want,
                "{term} in {sorted}"
            );
        }
        assert_eq!(first_word_not_below("", "x"), "");
        assert_eq!(first_word_not_below("a b c", "b"), "b");
        assert_eq!(first_word_not_below("a b c", "bb"), "c");
        assert_eq!(first_word_not_below("a b c", "d"), "");
        assert_eq!(first_word_not_below("a b c", "0"), "a");
    }

    #[test]
    fn compact_fields_match_like_full_ones() {
        let cat = Catalogue::bundled();
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
        let cat = Catalogue::bundled();
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
        let cat = Catalogue::bundled();
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
