//! Who may use an API: verdicts from `is_open` and `access_page`. Pure.

use crate::catalogue::{AccessRule, Entry};

/// The answer for one profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    Eligible,
    UnderConditions,
    NotEligible,
    NotStated,
}

impl Verdict {
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

/// The first Button's link in a description (`<Button href="…">`), resolved.
pub fn button_url(description: &str) -> Option<String> {
    crate::markup::first_button_href(description)
}

/// Where a profile with this verdict goes next: the request link, or none when no request is
/// needed (open data) or possible (not eligible).
pub fn next_step(e: &Entry, rule: Option<&AccessRule>, verdict: Verdict) -> Option<String> {
    match verdict {
        Verdict::NotEligible | Verdict::NotStated => None,
        _ if e.is_open == Some(1) => None,
        _ => e
            .datapass_link
            .clone()
            .or_else(|| e.account_link.clone())
            .or_else(|| rule.and_then(|r| button_url(&r.description)))
            .map(|u| crate::markup::resolve_url(&u).unwrap_or(u)),
    }
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

/// Words that do not tell one kind of person from another.
const FILLER: &[&str] = &[
    "un", "une", "le", "la", "les", "l", "des", "de", "du", "d", "ou", "et", "a", "au", "aux",
    "en", "pour", "qui", "se", "s",
];

/// The words of a profile label or query that matter: folded, without articles, singular.
pub fn profile_words(s: &str) -> Vec<String> {
    crate::text::words(&crate::text::fold(s))
        .filter(|w| !FILLER.contains(w))
        .map(|w| {
            let w = if w.len() > 3 && (w.ends_with('s') || w.ends_with('x')) && !w.ends_with("ss") {
                &w[..w.len() - 1]
            } else {
                w
            };
            w.to_string()
        })
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

/// The verdict for one profile on one entry, and what to do next.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer<'a> {
    pub verdict: Verdict,
    /// The entry's label that matched, if a rule did.
    pub label: Option<&'a str>,
    pub rule: Option<&'a AccessRule>,
    /// The request link, if a request is the next step.
    pub next_url: Option<String>,
    /// Open data: nothing to ask for.
    pub no_request: bool,
}

impl Answer<'_> {
    /// The next step in words.
    pub fn next_step_words(&self) -> String {
        match (&self.next_url, self.no_request, self.verdict) {
            (_, true, _) => "no request needed".into(),
            (Some(u), _, _) => u.clone(),
            (None, _, Verdict::NotEligible) => "none: not eligible".into(),
            (None, _, Verdict::NotStated) => "ask the producer".into(),
            (None, _, _) => "request link not given".into(),
        }
    }
}

/// How to settle a profile that matches rules with different verdicts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ambiguity {
    /// Report it (one API asked about).
    Refuse,
    /// Take the closest label: the one with fewest extra words (catalogue-wide rows).
    Closest,
}

/// The answer for a profile (as typed by a person) on an entry. `Err` holds the entry's
/// labels that matched when they disagree and `Ambiguity::Refuse` was asked.
pub fn answer<'a>(
    e: &'a Entry,
    profile: &str,
    ambiguity: Ambiguity,
) -> Result<Answer<'a>, Vec<&'a str>> {
    let open = e.is_open == Some(1);
    let account = e.is_open == Some(0);
    let query = profile_words(profile);
    let mut matches: Vec<(&AccessRule, &str)> = e
        .access_page
        .iter()
        .flat_map(|r| r.who.iter().map(move |w| (r, w.as_str())))
        .filter(|(_, w)| label_matches(&query, w))
        .collect();
    // A label that says exactly the profile wins over labels that merely contain it.
    if matches.iter().any(|(_, w)| profile_words(w) == query) {
        matches.retain(|(_, w)| profile_words(w) == query);
    }
    let agreed = matches
        .windows(2)
        .all(|p| Verdict::from_code(p[0].0.is_eligible) == Verdict::from_code(p[1].0.is_eligible));
    if !agreed && !open && !account {
        match ambiguity {
            Ambiguity::Refuse => return Err(matches.iter().map(|(_, w)| *w).collect()),
            Ambiguity::Closest => matches.sort_by_key(|(_, w)| profile_words(w).len()),
        }
    }
    let found = matches.first().copied();
    let verdict = if open || account {
        Verdict::Eligible
    } else {
        found.map_or(Verdict::NotStated, |(r, _)| {
            Verdict::from_code(r.is_eligible)
        })
    };
    let rule = found.map(|(r, _)| r);
    Ok(Answer {
        verdict,
        label: found.map(|(_, w)| w),
        rule,
        next_url: if open {
            None
        } else {
            next_step(e, rule, verdict)
        },
        no_request: open,
    })
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

/// The catalogue's profiles a typed profile designates.
pub fn profiles_matching<'p>(profiles: &'p [Profile], typed: &str) -> Vec<&'p Profile> {
    let q = profile_words(typed);
    profiles
        .iter()
        .filter(|p| p.labels.iter().any(|l| label_matches(&q, l)))
        .collect()
}

#[cfg(test)]
mod profile_tests {
    use super::*;
    use crate::catalogue::Catalogue;

    fn verdict(slug: &str, profile: &str) -> (Verdict, Option<String>) {
        let cat = Catalogue::bundled();
        let a = answer(cat.get(slug).unwrap(), profile, Ambiguity::Refuse).unwrap();
        (a.verdict, a.next_url)
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
        let cat = Catalogue::bundled();
        let err = answer(cat.get(e).unwrap(), "editeur", Ambiguity::Refuse).unwrap_err();
        assert_eq!(err.len(), 3);
        let a = answer(cat.get(e).unwrap(), "editeur", Ambiguity::Closest).unwrap();
        assert_eq!(a.verdict, Verdict::UnderConditions);
    }

    #[test]
    fn open_entries_need_no_request() {
        let cat = Catalogue::bundled();
        for slug in [
            "auto-entrepreneurs-par-secteur-d-activite",
            "nombre-de-travailleurs-independants-par-secteur-d-activite",
            "procedures-collectives-france-entiere",
        ] {
            for p in ["particulier", "collectivite", "anyone"] {
                let a = answer(cat.get(slug).unwrap(), p, Ambiguity::Refuse).unwrap();
                assert_eq!(a.verdict, Verdict::Eligible);
                assert!(a.no_request);
                assert_eq!(a.next_step_words(), "no request needed");
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
        let cat = Catalogue::bundled();
        let p = catalogue_profiles(&cat.entries);
        assert_eq!(p.len(), 9);
        let m = profiles_matching(&p, "collectivité");
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].label, "Une collectivité ou une administration");
    }
}
