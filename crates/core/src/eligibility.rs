//! Who may use an API, and what to do next: every verdict apicat gives is decided here, from
//! an entry's access (open, account, restricted) and its access page. Pure; the views only
//! put these answers into words.

use crate::catalogue::{Access, AccessRule, Entry};
use crate::text::{ARTICLES, fold, singular, suggestions, words};

/// The answer for one profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    Eligible,
    UnderConditions,
    NotEligible,
    NotStated,
}

impl Verdict {
    /// From an access-page rule's `is_eligible`: 1, 0, -1; anything else is not stated.
    pub fn from_code(code: Option<i64>) -> Verdict {
        match code {
            Some(1) => Verdict::Eligible,
            Some(0) => Verdict::UnderConditions,
            Some(-1) => Verdict::NotEligible,
            _ => Verdict::NotStated,
        }
    }

    /// The exact words shown to people and in JSON.
    pub fn words(self) -> &'static str {
        match self {
            Verdict::Eligible => "eligible",
            Verdict::UnderConditions => "eligible under conditions",
            Verdict::NotEligible => "not eligible",
            Verdict::NotStated => "not stated",
        }
    }
}

/// What to do after a verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextStep {
    /// Open data: nothing to ask for.
    NoRequest,
    /// Ask for access here.
    Request(String),
    /// Not eligible: no request is possible.
    None,
    /// The entry does not say: ask its producer.
    AskProducer,
    /// A request is needed, but the entry gives no link for it.
    LinkNotGiven,
}

impl NextStep {
    /// The next step in words.
    pub fn words(&self) -> &str {
        match self {
            NextStep::NoRequest => "no request needed",
            NextStep::Request(u) => u,
            NextStep::None => "none: not eligible",
            NextStep::AskProducer => "ask the producer",
            NextStep::LinkNotGiven => "request link not given",
        }
    }

    pub fn url(&self) -> Option<&str> {
        match self {
            NextStep::Request(u) => Some(u),
            _ => None,
        }
    }
}

/// The access-page label a profile matched, and its rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Matched<'a> {
    pub label: &'a str,
    pub rule: &'a AccessRule,
}

/// Why a verdict is what it is.
#[derive(Debug, Clone, PartialEq)]
pub enum Basis<'a> {
    /// Open data: anyone may use it (a label the profile matched, if any).
    OpenToAll(Option<Matched<'a>>),
    /// Anyone may use it once an account is made (a label the profile matched, if any).
    AccountOnly(Option<Matched<'a>>),
    /// A rule of the access page names the profile.
    Rule(Matched<'a>),
    /// The access page does not name the profile; these are the labels it names.
    NotNamed(Vec<&'a str>),
}

/// The verdict for one profile on one entry, why, and what to do next.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer<'a> {
    pub verdict: Verdict,
    pub basis: Basis<'a>,
    pub next: NextStep,
}

impl<'a> Answer<'a> {
    /// The access-page label that matched, if one did.
    pub fn matched(&self) -> Option<Matched<'a>> {
        match &self.basis {
            Basis::OpenToAll(m) | Basis::AccountOnly(m) => *m,
            Basis::Rule(m) => Some(*m),
            Basis::NotNamed(_) => None,
        }
    }

    pub fn label(&self) -> Option<&'a str> {
        self.matched().map(|m| m.label)
    }
}

/// Why one API's answer for a profile cannot be given.
#[derive(Debug, Clone, PartialEq)]
pub enum Unanswered<'a> {
    /// The profile names several of the entry's labels, with different verdicts.
    Ambiguous(Vec<&'a str>),
    /// The entry's access page names profiles, not this one.
    NotNamed(Vec<&'a str>),
}

/// A profile that no access page of the catalogue names.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownProfile {
    /// Close labels, for "did you mean".
    pub near: Vec<String>,
    /// Every label the catalogue names.
    pub labels: Vec<String>,
}

/// The first Button's link in a description (`<Button href="…">`), resolved.
pub fn button_url(description: &str) -> Option<String> {
    crate::markup::first_button_href(description)
}

/// Where a rule's verdict leads: the request link, or none when no request is needed (open
/// data) or possible (not eligible).
fn request_url(e: &Entry, rule: Option<&AccessRule>, verdict: Verdict) -> Option<String> {
    match verdict {
        Verdict::NotEligible | Verdict::NotStated => None,
        _ if e.access == Access::Open => None,
        _ => e
            .datapass_link
            .clone()
            .or_else(|| e.account_link.clone())
            .or_else(|| rule.and_then(|r| button_url(&r.description)))
            .map(|u| crate::markup::resolve_url(&u).unwrap_or(u)),
    }
}

fn next_step(e: &Entry, rule: Option<&AccessRule>, verdict: Verdict) -> NextStep {
    if e.access == Access::Open {
        return NextStep::NoRequest;
    }
    match (request_url(e, rule, verdict), verdict) {
        (Some(u), _) => NextStep::Request(u),
        (None, Verdict::NotEligible) => NextStep::None,
        (None, Verdict::NotStated) => NextStep::AskProducer,
        (None, _) => NextStep::LinkNotGiven,
    }
}

/// The words of a profile label or query that matter: folded, without articles, singular.
pub fn profile_words(s: &str) -> Vec<String> {
    words(&fold(s))
        .filter(|w| !ARTICLES.contains(w))
        .map(|w| singular(w).unwrap_or(w).to_string())
        .collect()
}

/// Whether every query word is a word, or the start of a word, of the label.
pub fn label_matches(query: &[String], label: &str) -> bool {
    let words = profile_words(label);
    !query.is_empty()
        && query
            .iter()
            .all(|q| words.iter().any(|w| w.starts_with(q.as_str())))
}

/// Every label an entry's access page names, in order, without repeats.
pub fn entry_labels(e: &Entry) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for w in e.access_page.iter().flat_map(|r| r.who.iter()) {
        if !out.contains(&w.as_str()) {
            out.push(w);
        }
    }
    out
}

/// The entry's labels a profile matches; a label that says exactly the profile wins over
/// labels that merely contain it.
fn matches<'a>(e: &'a Entry, profile: &str) -> Vec<Matched<'a>> {
    let query = profile_words(profile);
    let mut found: Vec<Matched> = e
        .access_page
        .iter()
        .flat_map(|rule| rule.who.iter().map(move |w| Matched { label: w, rule }))
        .filter(|m| label_matches(&query, m.label))
        .collect();
    if found.iter().any(|m| profile_words(m.label) == query) {
        found.retain(|m| profile_words(m.label) == query);
    }
    found
}

fn agreed(found: &[Matched]) -> bool {
    found.windows(2).all(|p| {
        Verdict::from_code(p[0].rule.is_eligible) == Verdict::from_code(p[1].rule.is_eligible)
    })
}

/// The answer once the matching label is chosen.
fn decide<'a>(e: &'a Entry, found: Option<Matched<'a>>) -> Answer<'a> {
    let rule = found.map(|m| m.rule);
    let (verdict, basis) = match (e.access, found) {
        (Access::Open, m) => (Verdict::Eligible, Basis::OpenToAll(m)),
        (Access::Account, m) => (Verdict::Eligible, Basis::AccountOnly(m)),
        (_, Some(m)) => (Verdict::from_code(m.rule.is_eligible), Basis::Rule(m)),
        (_, None) => (Verdict::NotStated, Basis::NotNamed(entry_labels(e))),
    };
    Answer {
        verdict,
        next: next_step(e, rule, verdict),
        basis,
    }
}

/// Profile P for entry E, as asked about one API: what cannot be answered is said, not guessed.
pub fn for_entry<'a>(e: &'a Entry, profile: &str) -> Result<Answer<'a>, Unanswered<'a>> {
    let found = matches(e, profile);
    let needs_rule = !matches!(e.access, Access::Open | Access::Account);
    if needs_rule && !agreed(&found) {
        return Err(Unanswered::Ambiguous(
            found.iter().map(|m| m.label).collect(),
        ));
    }
    let answer = decide(e, found.first().copied());
    match answer.basis {
        Basis::NotNamed(ref others) if !others.is_empty() => {
            Err(Unanswered::NotNamed(others.clone()))
        }
        _ => Ok(answer),
    }
}

/// Profile P for entry E, always answered: among labels that disagree, the closest (fewest
/// extra words) decides. For catalogue-wide rows and answers chosen from a list.
pub fn closest<'a>(e: &'a Entry, profile: &str) -> Answer<'a> {
    let mut found = matches(e, profile);
    if !matches!(e.access, Access::Open | Access::Account) && !agreed(&found) {
        found.sort_by_key(|m| profile_words(m.label).len());
    }
    decide(e, found.first().copied())
}

/// Profile P across the catalogue: every entry's answer, best verdict first; or, when no
/// access page names P, what it may have meant.
pub fn across<'a>(
    entries: &'a [Entry],
    profile: &str,
) -> Result<Vec<(&'a Entry, Answer<'a>)>, UnknownProfile> {
    let profiles = catalogue_profiles(entries);
    let typed = profile_words(profile);
    if !profiles
        .iter()
        .any(|p| p.labels.iter().any(|l| label_matches(&typed, l)))
    {
        let labels: Vec<String> = profiles.into_iter().map(|p| p.label).collect();
        // Compare what matters: words without articles.
        let keys: Vec<String> = labels.iter().map(|l| profile_words(l).join(" ")).collect();
        let near = suggestions(&typed.join(" "), keys.iter().map(String::as_str), 3)
            .into_iter()
            .filter_map(|k| keys.iter().position(|x| x == k).map(|i| labels[i].clone()))
            .collect();
        return Err(UnknownProfile { near, labels });
    }
    let mut rows: Vec<(&Entry, Answer)> =
        entries.iter().map(|e| (e, closest(e, profile))).collect();
    rows.sort_by(|a, b| {
        a.1.verdict
            .cmp(&b.1.verdict)
            .then_with(|| fold(&a.0.title).cmp(&fold(&b.0.title)))
    });
    Ok(rows)
}

/// One rule of an access page with its verdict and, when it says nothing itself, where to ask.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleVerdict<'a> {
    pub rule: &'a AccessRule,
    pub verdict: Verdict,
    pub request: Option<String>,
}

/// Who may use an API, as its page tells it.
#[derive(Debug, Clone, PartialEq)]
pub enum Overview<'a> {
    /// Open data: anyone, no request.
    OpenToAll,
    /// Anyone with an account; where to make one.
    AccountOnly(Option<String>),
    /// On request, but the entry does not say who may ask; the request form if given.
    Unstated(Option<String>),
    /// The access page's rules.
    Rules(Vec<RuleVerdict<'a>>),
}

pub fn overview(e: &Entry) -> Overview<'_> {
    let resolved = |u: Option<&str>| u.and_then(crate::markup::resolve_url);
    match e.access {
        Access::Open => Overview::OpenToAll,
        Access::Account if e.access_page.is_empty() => {
            Overview::AccountOnly(resolved(e.account_link.as_deref()))
        }
        _ if e.access_page.is_empty() => Overview::Unstated(resolved(e.request_link())),
        _ => Overview::Rules(
            e.access_page
                .iter()
                .map(|rule| {
                    let verdict = Verdict::from_code(rule.is_eligible);
                    RuleVerdict {
                        rule,
                        verdict,
                        request: request_url(e, Some(rule), verdict),
                    }
                })
                .collect(),
        ),
    }
}

/// A kind of person, merged from the labels that name it.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// The most used spelling.
    pub label: String,
    pub labels: Vec<String>,
    /// How many entries name it.
    pub entries: usize,
}

/// Every profile the catalogue's access pages name, merged where the labels differ only by
/// case, accents, articles or plural; most used first.
pub fn catalogue_profiles(entries: &[Entry]) -> Vec<Profile> {
    /// Labels sharing the same words, with how often each spelling is used.
    struct Group {
        key: Vec<String>,
        spellings: Vec<(String, usize)>,
        entries: usize,
    }
    let mut groups: Vec<Group> = Vec::new();
    for e in entries {
        let mut seen = std::collections::HashSet::new();
        for label in e.access_page.iter().flat_map(|r| r.who.iter()) {
            let key = profile_words(label);
            if key.is_empty() || !seen.insert(key.clone()) {
                continue;
            }
            let label = label.trim().to_string();
            match groups.iter_mut().find(|g| g.key == key) {
                Some(g) => {
                    g.entries += 1;
                    match g.spellings.iter_mut().find(|(l, _)| *l == label) {
                        Some(l) => l.1 += 1,
                        None => g.spellings.push((label, 1)),
                    }
                }
                None => groups.push(Group {
                    key,
                    spellings: vec![(label, 1)],
                    entries: 1,
                }),
            }
        }
    }
    let mut profiles: Vec<Profile> = groups
        .into_iter()
        .map(|mut g| {
            g.spellings
                .sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            Profile {
                label: g.spellings[0].0.clone(),
                labels: g.spellings.into_iter().map(|(l, _)| l).collect(),
                entries: g.entries,
            }
        })
        .collect();
    profiles.sort_by(|a, b| b.entries.cmp(&a.entries).then(a.label.cmp(&b.label)));
    profiles
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn button_urls_are_found_and_resolved() {
        assert_eq!(
            button_url("x <Button href=\"https://d.fr/a\">Go</Button>").as_deref(),
            Some("https://d.fr/a")
        );
        assert_eq!(
            button_url("<Button href='/rechercher-api'>Back</Button>").as_deref(),
            Some("https://api.gouv.fr/rechercher-api")
        );
        assert_eq!(button_url("no button"), None);
    }

    #[test]
    fn verdict_words() {
        assert_eq!(Verdict::from_code(Some(1)).words(), "eligible");
        assert_eq!(
            Verdict::from_code(Some(0)).words(),
            "eligible under conditions"
        );
        assert_eq!(Verdict::from_code(Some(-1)).words(), "not eligible");
        assert_eq!(Verdict::from_code(Some(7)).words(), "not stated");
    }
}

#[cfg(test)]
mod profile_tests {
    use super::*;

    fn verdict(slug: &str, profile: &str) -> (Verdict, Option<String>) {
        let cat = crate::catalogue::sources::bundled_for_tests();
        let a = closest(cat.get(slug).unwrap(), profile);
        (a.verdict, a.next.url().map(str::to_string))
    }

    const DP: &str = "https://datapass.api.gouv.fr/api-entreprise";

    #[test]
    fn api_entreprise_for_every_profile() {
        let e = "api-entreprise";
        assert_eq!(
            verdict(e, "collectivite"),
            (Verdict::Eligible, Some(DP.into()))
        );
        assert_eq!(
            verdict(e, "Une administration"),
            (Verdict::Eligible, Some(DP.into()))
        );
        assert_eq!(verdict(e, "particulier"), (Verdict::NotEligible, None));
        assert_eq!(
            verdict(e, "entreprise"),
            (Verdict::UnderConditions, Some(DP.into()))
        );
        assert_eq!(
            verdict(e, "éditeur"),
            (Verdict::UnderConditions, Some(DP.into()))
        );
        assert_eq!(
            verdict(e, "editeurs de logiciels"),
            (Verdict::UnderConditions, Some(DP.into()))
        );
        assert_eq!(verdict(e, "association"), (Verdict::NotStated, None));
    }

    #[test]
    fn tierce_declaration_for_every_profile() {
        let e = "api-tierce-declaration-auto-entrepreneur";
        let dp = Some("https://datapass.api.gouv.fr/api-declaration-auto-entrepreneur".to_string());
        assert_eq!(
            verdict(e, "auto-entrepreneur"),
            (Verdict::UnderConditions, dp.clone())
        );
        assert_eq!(
            verdict(e, "editeur de services web"),
            (Verdict::UnderConditions, dp.clone())
        );
        assert_eq!(
            verdict(e, "application mobile"),
            (Verdict::UnderConditions, dp)
        );
        assert_eq!(verdict(e, "logiciel de paie"), (Verdict::NotEligible, None));
        assert_eq!(verdict(e, "autres"), (Verdict::NotEligible, None));
        assert_eq!(verdict(e, "particulier"), (Verdict::NotStated, None));
        // `editeur` names profiles with different verdicts here.
        let cat = crate::catalogue::sources::bundled_for_tests();
        let Err(Unanswered::Ambiguous(labels)) = for_entry(cat.get(e).unwrap(), "editeur") else {
            panic!("editeur is ambiguous on {e}");
        };
        assert_eq!(labels.len(), 3);
        let a = closest(cat.get(e).unwrap(), "editeur");
        assert_eq!(a.verdict, Verdict::UnderConditions);
    }

    #[test]
    fn open_entries_need_no_request() {
        let cat = crate::catalogue::sources::bundled_for_tests();
        for slug in [
            "auto-entrepreneurs-par-secteur-d-activite",
            "nombre-de-travailleurs-independants-par-secteur-d-activite",
            "procedures-collectives-france-entiere",
        ] {
            for p in ["particulier", "collectivite", "anyone"] {
                let a = for_entry(cat.get(slug).unwrap(), p).unwrap();
                assert_eq!(a.verdict, Verdict::Eligible);
                assert_eq!(a.next, NextStep::NoRequest);
                assert_eq!(a.next.words(), "no request needed");
            }
        }
    }

    #[test]
    fn profiles_merge_spellings() {
        assert_eq!(
            profile_words("Un éditeur de logiciels"),
            profile_words("Un editeur de logiciel")
        );
        assert_eq!(
            profile_words("Une collectivité ou une administration"),
            vec!["collectivite", "administration"]
        );
        let cat = crate::catalogue::sources::bundled_for_tests();
        let p = catalogue_profiles(&cat.entries);
        assert_eq!(p.len(), 9);
        let q = profile_words("collectivité");
        let m: Vec<_> = p
            .iter()
            .filter(|p| p.labels.iter().any(|l| label_matches(&q, l)))
            .collect();
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].label, "Une collectivité ou une administration");
        let unknown = across(&cat.entries, "astronaute").unwrap_err();
        assert_eq!(unknown.labels.len(), 9);
    }
}
