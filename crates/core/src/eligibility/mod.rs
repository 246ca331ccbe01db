//! Who may use an API, and what to do next: every verdict apicat gives is decided here, from
//! an entry's access (open, account, restricted) and its access page. Pure; the views only
//! put these answers into words.

pub mod audience;

pub use audience::{Audience, audience_of, audiences_of};

use crate::catalogue::{Access, AccessRule, Entry};
use crate::text::{fold, is_function_word, singular, suggestions, words};

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

/// Something to do instead, as an entry gives it: a button of the rule, or the contact link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternative {
    /// The button's words ("Rechercher une autre API"); `None` for the entry's contact link.
    pub label: Option<String>,
    pub url: String,
}

/// What to do after a verdict: exactly one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextStep {
    /// Open data: nothing to ask for.
    NoRequest,
    /// Ask for access here.
    Request(String),
    /// Not eligible; the entry says what to do instead.
    Instead(Vec<Alternative>),
    /// Not eligible, and the entry says nothing more.
    None,
    /// The entry does not say: ask its producer (at its contact link, when it gives one).
    AskProducer(Option<String>),
    /// A request is needed, but the entry gives no link for it.
    LinkNotGiven,
}

impl NextStep {
    /// The next step in a few words, for a table cell.
    pub fn words(&self) -> &str {
        match self {
            NextStep::NoRequest => "no request needed",
            NextStep::Request(u) => u,
            NextStep::Instead(alts) => &alts[0].url,
            NextStep::None => "no request possible",
            NextStep::AskProducer(Some(c)) => c,
            NextStep::AskProducer(None) => "ask the producer",
            NextStep::LinkNotGiven => "request link not given",
        }
    }

    /// The request link, when the step is to ask for access.
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
    /// Several labels of the access page name the profile, with different verdicts: it
    /// depends on which one you are (the verdict is "eligible under conditions").
    Depends(Vec<Matched<'a>>),
    /// The access page does not name the profile, but has a rule for everyone else
    /// ("Autres activités").
    Others(Matched<'a>),
    /// The access page does not name the profile; these are the labels it names.
    NotNamed(Vec<&'a str>),
}

/// The verdict for one profile on one entry, why, and what to do next.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer<'a> {
    pub verdict: Verdict,
    pub basis: Basis<'a>,
    pub next: NextStep,
    /// The canonical audience of the answer: the one asked about, or the matched label's.
    pub audience: Option<Audience>,
}

impl<'a> Answer<'a> {
    /// The access-page label that matched, if exactly one did.
    pub fn matched(&self) -> Option<Matched<'a>> {
        match &self.basis {
            Basis::OpenToAll(m) | Basis::AccountOnly(m) => *m,
            Basis::Rule(m) | Basis::Others(m) => Some(*m),
            Basis::Depends(_) | Basis::NotNamed(_) => None,
        }
    }

    pub fn label(&self) -> Option<&'a str> {
        self.matched().map(|m| m.label)
    }
}

/// Who a person says they are, once read against the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    /// One of the four audiences: `--as particulier`, `--as collectivite`…
    Audience(Audience),
    /// An access-page label, as typed: matched on its subject (see [`label_matches`]).
    Label(String),
}

impl Who {
    /// How to name this profile to the person: the audience's French name, or what they typed.
    pub fn name(&self) -> &str {
        match self {
            Who::Audience(a) => a.label(),
            Who::Label(l) => l,
        }
    }
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

/// The entry's contact link as a URL: an e-mail address becomes `mailto:`.
fn contact(e: &Entry) -> Option<String> {
    let c = e.contact_link.as_deref()?.trim();
    if c.is_empty() || c.contains([' ', ',']) {
        return None;
    }
    if c.contains('@') && !c.contains(':') {
        return Some(format!("mailto:{c}"));
    }
    crate::markup::resolve_url(c)
}

/// What a not-eligible rule says to do instead: its buttons, then the entry's contact.
fn alternatives(e: &Entry, rule: Option<&AccessRule>) -> Vec<Alternative> {
    let mut out: Vec<Alternative> = rule
        .map(|r| crate::markup::buttons(&r.description))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(label, url)| {
            Some(Alternative {
                label: Some(label).filter(|l| !l.is_empty()),
                url: url?,
            })
        })
        .collect();
    if let Some(c) = contact(e)
        && !out.iter().any(|a| a.url == c)
    {
        out.push(Alternative {
            label: None,
            url: c,
        });
    }
    out
}

fn next_step(e: &Entry, rule: Option<&AccessRule>, verdict: Verdict) -> NextStep {
    if e.access == Access::Open {
        return NextStep::NoRequest;
    }
    match (request_url(e, rule, verdict), verdict) {
        (Some(u), _) => NextStep::Request(u),
        (None, Verdict::NotEligible) => {
            let alts = alternatives(e, rule);
            if alts.is_empty() {
                NextStep::None
            } else {
                NextStep::Instead(alts)
            }
        }
        (None, Verdict::NotStated) => NextStep::AskProducer(contact(e)),
        (None, _) => NextStep::LinkNotGiven,
    }
}

/// The words of a profile label or query that matter: folded, without articles, singular.
pub fn profile_words(s: &str) -> Vec<String> {
    words(&fold(s))
        .filter(|w| !is_function_word(w))
        .map(|w| singular(w).unwrap_or(w).to_string())
        .collect()
}

/// Whether typed words name a label's subject: the first typed word starts the label's first
/// word, and every other typed word starts one of its words. `etudiant` matches "Un étudiant",
/// not "Une administration qui souhaite simplifier une démarche pour les étudiants".
pub fn label_matches(query: &[String], label: &str) -> bool {
    let words = profile_words(label);
    match (query.first(), words.first()) {
        (Some(q), Some(head)) => {
            head.starts_with(q.as_str())
                && query
                    .iter()
                    .all(|q| words.iter().any(|w| w.starts_with(q.as_str())))
        }
        _ => false,
    }
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

fn all_matched(e: &Entry) -> impl Iterator<Item = Matched<'_>> {
    e.access_page
        .iter()
        .flat_map(|rule| rule.who.iter().map(move |w| Matched { label: w, rule }))
}

/// The entry's labels that name a profile. For an audience: the labels whose subject is that
/// audience, else those that name it among others ("Un particulier ou une entreprise"). For a
/// label: those it matches, and only the exact one when there is one.
fn matches<'a>(e: &'a Entry, who: &Who) -> Vec<Matched<'a>> {
    let mut found: Vec<Matched> = match who {
        Who::Audience(a) => {
            let named: Vec<Matched> = all_matched(e)
                .filter(|m| audiences_of(m.label).contains(a))
                .collect();
            if named.iter().any(|m| audience_of(m.label) == Some(*a)) {
                named
                    .into_iter()
                    .filter(|m| audience_of(m.label) == Some(*a))
                    .collect()
            } else {
                named
            }
        }
        Who::Label(typed) => {
            let query = profile_words(typed);
            let found: Vec<Matched> = all_matched(e)
                .filter(|m| label_matches(&query, m.label))
                .collect();
            if found.iter().any(|m| profile_words(m.label) == query) {
                found
                    .into_iter()
                    .filter(|m| profile_words(m.label) == query)
                    .collect()
            } else {
                found
            }
        }
    };
    let mut seen = std::collections::HashSet::new();
    found.retain(|m| seen.insert(m.label));
    found
}

/// Profile `who` on entry `e`: the one answer apicat gives, whether asked about this API alone
/// or across the catalogue.
pub fn answer<'a>(e: &'a Entry, who: &Who) -> Answer<'a> {
    let found = matches(e, who);
    let verdicts: Vec<Verdict> = found
        .iter()
        .map(|m| Verdict::from_code(m.rule.is_eligible))
        .collect();
    let agreed = verdicts.windows(2).all(|p| p[0] == p[1]);
    let others = || all_matched(e).find(|m| audience::is_catch_all(m.label));
    let (verdict, basis, rule) = match (e.access, found.first().copied()) {
        (Access::Open, m) => (Verdict::Eligible, Basis::OpenToAll(m), m.map(|m| m.rule)),
        // An account is enough unless the rule that names the person says otherwise, as the
        // page (`overview`) shows it.
        (Access::Account, None) => (Verdict::Eligible, Basis::AccountOnly(None), None),
        (Access::Account, Some(m)) if agreed && verdicts[0] == Verdict::Eligible => {
            (Verdict::Eligible, Basis::AccountOnly(Some(m)), Some(m.rule))
        }
        (_, Some(m)) if agreed => (verdicts[0], Basis::Rule(m), Some(m.rule)),
        (_, Some(_)) => {
            // Ask where a matching label may ask.
            let rule = found
                .iter()
                .find(|m| Verdict::from_code(m.rule.is_eligible) != Verdict::NotEligible)
                .map(|m| m.rule);
            (
                Verdict::UnderConditions,
                Basis::Depends(found.clone()),
                rule,
            )
        }
        (_, None) => match others() {
            Some(m) => (
                Verdict::from_code(m.rule.is_eligible),
                Basis::Others(m),
                Some(m.rule),
            ),
            None => (Verdict::NotStated, Basis::NotNamed(entry_labels(e)), None),
        },
    };
    let audience = match who {
        Who::Audience(a) => Some(*a),
        Who::Label(_) => match &basis {
            Basis::Rule(m) => audience_of(m.label),
            Basis::OpenToAll(m) | Basis::AccountOnly(m) => m.and_then(|m| audience_of(m.label)),
            _ => None,
        },
    };
    Answer {
        verdict,
        next: next_step(e, rule, verdict),
        basis,
        audience,
    }
}

/// What a typed profile means for this catalogue: an audience (`particulier`, `collectivite`,
/// `editeur`…, see [`Audience::from_typed`]); else the access-page labels it names by their
/// subject; else the audience of its own subject (`etudiant` is a Particulier); else nothing
/// any access page names, with what it may have meant.
pub fn resolve(entries: &[Entry], typed: &str) -> Result<Who, UnknownProfile> {
    if let Some(a) = Audience::from_typed(typed) {
        return Ok(Who::Audience(a));
    }
    let profiles = catalogue_profiles(entries);
    let query = profile_words(typed);
    if profiles
        .iter()
        .any(|p| p.labels.iter().any(|l| label_matches(&query, l)))
    {
        return Ok(Who::Label(typed.trim().to_string()));
    }
    if let Some(a) = audience_of(typed) {
        return Ok(Who::Audience(a));
    }
    let labels: Vec<String> = profiles.into_iter().map(|p| p.label).collect();
    // Compare what matters: words without articles.
    let keys: Vec<String> = labels.iter().map(|l| profile_words(l).join(" ")).collect();
    let mut near: Vec<String> = Audience::ALL
        .iter()
        .filter(|a| strsim::jaro_winkler(&query.join(" "), a.key()) > 0.85)
        .map(|a| a.key().to_string())
        .collect();
    near.extend(
        suggestions(&query.join(" "), keys.iter().map(String::as_str), 3)
            .into_iter()
            .filter_map(|k| keys.iter().position(|x| x == k).map(|i| labels[i].clone())),
    );
    Err(UnknownProfile { near, labels })
}

/// Profile P for entry E, as asked about one API: the same answer as [`across`] gives for E.
/// An open API answers without reading P: anyone may use it.
pub fn for_entry<'a>(
    entries: &[Entry],
    e: &'a Entry,
    typed: &str,
) -> Result<(Who, Answer<'a>), UnknownProfile> {
    if e.access == Access::Open {
        let who = resolve(entries, typed).unwrap_or_else(|_| Who::Label(typed.trim().into()));
        let a = answer(e, &who);
        return Ok((who, a));
    }
    let who = resolve(entries, typed)?;
    let a = answer(e, &who);
    Ok((who, a))
}

/// [`for_entry`] when the entry alone settles who the profile is: an audience, a label of its
/// own access page, or no profile for an open API. `None` when only the whole catalogue can
/// tell (another entry's label, a subject's audience, a did-you-mean): the answer is then the
/// same as [`for_entry`]'s, without reading every entry.
pub fn for_entry_alone<'a>(e: &'a Entry, typed: &str) -> Option<(Who, Answer<'a>)> {
    let query = profile_words(typed);
    let who = if let Some(a) = Audience::from_typed(typed) {
        Who::Audience(a)
    } else if entry_labels(e).iter().any(|l| label_matches(&query, l))
        || (e.access == Access::Open && query.is_empty() && audience_of(typed).is_none())
    {
        Who::Label(typed.trim().to_string())
    } else {
        return None;
    };
    let a = answer(e, &who);
    Some((who, a))
}

/// Every entry with its answer.
pub type Rows<'a> = Vec<(&'a Entry, Answer<'a>)>;

/// Profile P across the catalogue: every entry's answer, best verdict first; or, when no
/// access page names P, what it may have meant.
pub fn across<'a>(entries: &'a [Entry], typed: &str) -> Result<(Who, Rows<'a>), UnknownProfile> {
    let who = resolve(entries, typed)?;
    Ok((who.clone(), rows(entries, &who)))
}

/// Every entry's answer for a profile, best verdict first, then by title.
pub fn rows<'a>(entries: &'a [Entry], who: &Who) -> Rows<'a> {
    let mut rows: Vec<(&Entry, Answer)> = entries.iter().map(|e| (e, answer(e, who))).collect();
    rows.sort_by(|a, b| {
        a.1.verdict
            .cmp(&b.1.verdict)
            .then_with(|| fold(&a.0.title).cmp(&fold(&b.0.title)))
    });
    rows
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
        let (_, a) = for_entry(&cat.entries, cat.get(slug).unwrap(), profile).unwrap();
        (a.verdict, a.next.url().map(str::to_string))
    }

    const DP: &str = "https://datapass.api.gouv.fr/api-entreprise";

    #[test]
    fn api_entreprise_for_every_profile() {
        let e = "api-entreprise";
        let yes = (Verdict::Eligible, Some(DP.into()));
        let maybe = (Verdict::UnderConditions, Some(DP.into()));
        assert_eq!(verdict(e, "collectivite"), yes);
        assert_eq!(verdict(e, "Une administration"), yes);
        assert_eq!(verdict(e, "particulier"), (Verdict::NotEligible, None));
        assert_eq!(verdict(e, "entreprise"), maybe);
        assert_eq!(verdict(e, "éditeur"), maybe);
        assert_eq!(verdict(e, "editeurs de logiciels"), maybe);
        // An association is an "Entreprise ou association": the entry's "Une entreprise" rule.
        assert_eq!(verdict(e, "association"), maybe);
    }

    /// An account API whose rule for a profile sets conditions: `eligible` answers as the page
    /// shows the rule, not "eligible" for having an account.
    #[test]
    fn an_account_api_answers_as_its_rule_says() {
        let mut e = crate::catalogue::Entry {
            slug: "w".into(),
            title: "W".into(),
            access: Access::Account,
            ..Default::default()
        };
        for (code, verdict) in [
            (1, Verdict::Eligible),
            (0, Verdict::UnderConditions),
            (-1, Verdict::NotEligible),
        ] {
            e.access_page = vec![crate::catalogue::AccessRule {
                who: vec!["Une administration".into(), "Un particulier".into()],
                is_eligible: Some(code),
                description: "Texte.".into(),
            }];
            let a = answer(&e, &Who::Label("Un particulier".into()));
            assert_eq!(a.verdict, verdict, "is_eligible {code}");
            let Overview::Rules(rules) = overview(&e) else {
                panic!("no rules")
            };
            assert_eq!(rules[0].verdict, verdict);
        }
        e.access_page.clear();
        let a = answer(&e, &Who::Label("Un particulier".into()));
        assert_eq!(a.verdict, Verdict::Eligible);
    }

    #[test]
    fn not_eligible_says_what_to_do_instead() {
        let cat = crate::catalogue::sources::bundled_for_tests();
        let (_, a) = for_entry(
            &cat.entries,
            cat.get("api-entreprise").unwrap(),
            "particulier",
        )
        .unwrap();
        assert_eq!(
            a.next,
            NextStep::Instead(vec![
                Alternative {
                    label: Some("Rechercher une autre API".into()),
                    url: "https://api.gouv.fr/rechercher-api".into()
                },
                Alternative {
                    label: None,
                    url: "mailto:support@entreprise.api.gouv.fr".into()
                }
            ])
        );
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
            verdict(e, "Un editeur de services web"),
            (Verdict::UnderConditions, dp.clone())
        );
        assert_eq!(
            verdict(e, "Un editeur de logiciel de paie"),
            (Verdict::NotEligible, None)
        );
        assert_eq!(verdict(e, "autres"), (Verdict::NotEligible, None));
        // Not named: "Autres activités" answers for everyone else.
        assert_eq!(verdict(e, "particulier"), (Verdict::NotEligible, None));
        // `editeur` names three labels with different verdicts: it depends which.
        let cat = crate::catalogue::sources::bundled_for_tests();
        let (who, a) = for_entry(&cat.entries, cat.get(e).unwrap(), "editeur").unwrap();
        assert_eq!(who, Who::Audience(Audience::Editeur));
        let Basis::Depends(labels) = &a.basis else {
            panic!("editeur depends on which editeur, on {e}: {a:?}");
        };
        assert_eq!(labels.len(), 3);
        assert_eq!(a.verdict, Verdict::UnderConditions);
        assert_eq!(a.next.url(), dp.as_deref());
    }

    #[test]
    fn a_raw_label_is_matched_on_its_subject() {
        let q = profile_words("etudiant");
        assert!(label_matches(&q, "Un étudiant"));
        assert!(!label_matches(
            &q,
            "Une administration qui souhaite simplifier une démarche pour les étudiants"
        ));
        assert!(label_matches(
            &profile_words("editeur paie"),
            "Un editeur de logiciel de paie"
        ));
        assert!(!label_matches(
            &profile_words("paie"),
            "Un editeur de logiciel de paie"
        ));
    }

    #[test]
    fn a_word_no_label_names_reads_as_its_audience() {
        let cat = crate::catalogue::sources::bundled_for_tests();
        assert_eq!(
            resolve(&cat.entries, "un étudiant"),
            Ok(Who::Audience(Audience::Particulier))
        );
        assert_eq!(
            resolve(&cat.entries, "Un editeur de logiciel de paie"),
            Ok(Who::Label("Un editeur de logiciel de paie".into()))
        );
        let unknown = resolve(&cat.entries, "partculier").unwrap_err();
        assert_eq!(unknown.near[0], "particulier");
    }

    #[test]
    fn open_entries_need_no_request() {
        let cat = crate::catalogue::sources::bundled_for_tests();
        for slug in [
            "auto-entrepreneurs-par-secteur-d-activite",
            "nombre-de-travailleurs-independants-par-secteur-d-activite",
            "procedures-collectives-france-entiere",
        ] {
            for p in ["particulier", "collectivite", "anyone", "astronaute"] {
                let (_, a) = for_entry(&cat.entries, cat.get(slug).unwrap(), p).unwrap();
                assert_eq!(a.verdict, Verdict::Eligible);
                assert_eq!(a.next, NextStep::NoRequest);
                assert_eq!(a.next.words(), "no request needed");
            }
        }
    }

    /// `for_entry` (one API) and `across` (the catalogue) give the same answer for every entry.
    fn same_answer_both_ways(entries: &[Entry], profiles: &[&str]) {
        for p in profiles {
            let Ok((_, rows)) = across(entries, p) else {
                continue;
            };
            for (e, row) in &rows {
                let (_, one) = for_entry(entries, e, p).unwrap();
                assert_eq!(&one, row, "{} as {p}", e.slug);
            }
        }
    }

    /// Where the entry alone settles the profile, its answer is the whole catalogue's.
    fn alone_agrees(entries: &[Entry]) {
        let labels: Vec<String> = catalogue_profiles(entries)
            .into_iter()
            .flat_map(|p| p.labels)
            .take(60)
            .collect();
        let mut settled = 0;
        for e in entries {
            let mut typed: Vec<&str> = Audience::ALL.iter().map(|a| a.key()).collect();
            typed.extend(entry_labels(e));
            typed.extend(labels.iter().map(String::as_str));
            typed.extend(["", "  ", "un étudiant", "partculier", "Une administration"]);
            for t in typed {
                if let Some(alone) = for_entry_alone(e, t) {
                    settled += 1;
                    assert_eq!(Ok(alone), for_entry(entries, e, t), "{} as {t:?}", e.slug);
                }
            }
        }
        assert!(settled > entries.len(), "{settled}");
    }

    #[test]
    fn an_entry_alone_answers_as_the_catalogue_bundled() {
        alone_agrees(&crate::catalogue::sources::bundled_for_tests().entries);
    }

    #[test]
    fn an_entry_alone_answers_as_the_catalogue_corpus() {
        if let Some(entries) = corpus_entries() {
            alone_agrees(&entries);
        }
    }

    #[test]
    fn one_answer_everywhere_bundled() {
        let cat = crate::catalogue::sources::bundled_for_tests();
        let labels: Vec<String> = catalogue_profiles(&cat.entries)
            .into_iter()
            .flat_map(|p| p.labels)
            .collect();
        let mut profiles: Vec<&str> = Audience::ALL.iter().map(|a| a.key()).collect();
        profiles.extend(labels.iter().map(String::as_str));
        same_answer_both_ways(&cat.entries, &profiles);
    }

    /// The real catalogue (`APICAT_CORPUS`, else `<workspace>/../shared/corpus`), when present.
    fn corpus_entries() -> Option<Vec<Entry>> {
        let dir = std::env::var_os("APICAT_CORPUS")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
            })
            .join("api");
        if !dir.is_dir() {
            assert!(
                std::env::var_os("APICAT_REQUIRE_CORPUS").is_none(),
                "APICAT_REQUIRE_CORPUS is set but {} is absent",
                dir.display()
            );
            eprintln!(
                "\n!!! eligibility: corpus NOT FOUND at {}: skipped\n",
                dir.display()
            );
            return None;
        }
        let files = crate::catalogue::folder::directory_files(
            &dir,
            crate::catalogue::Origin::Directory(dir.clone()),
        )
        .unwrap();
        Some(crate::catalogue::Catalogue::from_files(files).entries)
    }

    #[test]
    fn one_answer_everywhere_corpus() {
        let Some(entries) = corpus_entries() else {
            return;
        };
        assert!(entries.len() >= 170, "{}", entries.len());
        let mut profiles: Vec<&str> = Audience::ALL.iter().map(|a| a.key()).collect();
        profiles.extend([
            "collectivite",
            "auto-entrepreneur",
            "Un editeur de services web",
        ]);
        same_answer_both_ways(&entries, &profiles);
    }

    #[test]
    fn a_student_is_not_an_administration_serving_students() {
        let Some(entries) = corpus_entries() else {
            return;
        };
        let e = entries
            .iter()
            .find(|e| e.slug == "api-statut-etudiant-ecriture")
            .unwrap();
        let (who, a) = for_entry(&entries, e, "etudiant").unwrap();
        assert_eq!(who, Who::Audience(Audience::Particulier));
        assert_eq!(a.label(), Some("Un particulier"));
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
        let unknown = across(&cat.entries, "astronaute").unwrap_err();
        assert_eq!(unknown.labels.len(), 9);
    }
}
