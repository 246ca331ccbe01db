//! Audiences: who an access rule of the catalogue is about.
//!
//! Every catalogue entry has an `access_page`: a list of rules, each with
//! `who` (French free-text profile labels such as "Une collectivité ou une
//! administration", "Un éditeur de logiciel de paie", "Autres activités"),
//! `is_eligible` and `description`. apicat groups those labels into four
//! canonical audiences. Three are data.gouv.fr's own audiences
//! (`local_authority_and_administration`, `company_and_association`,
//! `private`); the fourth, "Éditeur de logiciel", is a profile of its own in
//! api.gouv.fr's access pages (software vendors usually get access on behalf
//! of their clients, with rules of their own).
//!
//! # How a label is mapped ([`audience_of`], [`audiences_of`])
//!
//! A label is mapped by its **subject** (who the label is about), never by a
//! word somewhere in it: "Une administration qui souhaite simplifier une
//! démarche pour les étudiants" is an administration, not a student.
//!
//! 1. [`UNMAPPED`] is checked first: labels listed there (catch-alls such as
//!    "Autres activités", profiles that are public or private alike such as
//!    "Un établissements de soins") have no audience, whatever the rules say.
//! 2. The label is folded ([`fold_label`]: lowercase, accents dropped, `’` → `'`,
//!    inclusive-writing suffixes cut: "un·e apiculteur·ice" → "un apiculteur"),
//!    text in parentheses is dropped ("Un ministère (administration centrale
//!    ou service déconcentré)" → "un ministère"), other punctuation becomes
//!    spaces, elisions are split ("d'emploi" → "d'" "emploi") and one leading
//!    article is removed (un, une, le, la, les, l', des).
//! 3. The words left are matched against [`RULES`], an ordered table of head
//!    phrases; the first rule whose words start the label wins. A rule word
//!    also matches its plural (+s / +x); `*` in a rule skips any words. Only
//!    the head counts: "particulier" matches "Particuliers, entreprise autre"
//!    but "entreprise" does not match "Une plateforme de vente … entre
//!    particuliers".
//! 4. [`audiences_of`] also reads coordinated subjects: the label is split on
//!    commas and "ou", and each following part is matched the same way, until
//!    a part carries a qualifier word (qui, pour, de, dans, …), after which
//!    the text is about something else ("Un service de ressources humaines ou
//!    de recrutement" is one subject; "Un particulier, une association ou une
//!    entreprise" is three). [`audience_of`] is the first of them.
//!
//! Labels with no audience keep their raw text in apicat's output;
//! [`unmapped_reason`] tells why for the known ones.
//!
//! # What `--as` accepts ([`Audience::from_typed`])
//!
//! Accents, case, a leading article, plurals, `-` and `_` are ignored. Each
//! audience accepts its key, its French label and the synonyms in `TYPED`
//! (e.g. `collectivite`, `mairie`, `ministere`, `secteur public`;
//! `societe`, `association`, `pro`, `auto-entrepreneur`; `citoyen`,
//! `usager`, `personne`, `grand public`; `editeur de logiciel`, `logiciel`),
//! data.gouv.fr's keys (`local_authority_and_administration`,
//! `company_and_association`, `private`), and any prefix of at least three
//! letters of a key (`adm`, `ent`, `part`, `edit`). Not accepted, being
//! ambiguous: `public` alone (secteur public or grand public?) and
//! `developpeur` (an administration's developer is not a software vendor).

use std::fmt;

/// One of apicat's four canonical audiences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Audience {
    Administration,
    Entreprise,
    Particulier,
    Editeur,
}

impl Audience {
    /// Every audience, in display order.
    pub const ALL: [Audience; 4] = [
        Audience::Administration,
        Audience::Entreprise,
        Audience::Particulier,
        Audience::Editeur,
    ];

    /// French display name.
    pub fn label(self) -> &'static str {
        match self {
            Audience::Administration => "Administration ou collectivité",
            Audience::Entreprise => "Entreprise ou association",
            Audience::Particulier => "Particulier",
            Audience::Editeur => "Éditeur de logiciel",
        }
    }

    /// ASCII key, for command lines, JSON and file names.
    pub fn key(self) -> &'static str {
        match self {
            Audience::Administration => "administration",
            Audience::Entreprise => "entreprise",
            Audience::Particulier => "particulier",
            Audience::Editeur => "editeur",
        }
    }

    /// data.gouv.fr's name for the same audience (it has no software-vendor
    /// audience).
    pub fn datagouv_key(self) -> Option<&'static str> {
        match self {
            Audience::Administration => Some("local_authority_and_administration"),
            Audience::Entreprise => Some("company_and_association"),
            Audience::Particulier => Some("private"),
            Audience::Editeur => None,
        }
    }

    /// What a person types for `--as`: see the module documentation.
    pub fn from_typed(s: &str) -> Option<Audience> {
        let typed = normalize_typed(s);
        if typed.is_empty() {
            return None;
        }
        if let Some(&(_, a)) = TYPED.iter().find(|(t, _)| *t == typed) {
            return Some(a);
        }
        if typed.len() >= 3 && !typed.contains(' ') {
            let mut hits = Audience::ALL.iter().filter(|a| a.key().starts_with(&typed));
            if let (Some(&a), None) = (hits.next(), hits.next()) {
                return Some(a);
            }
        }
        None
    }
}

impl fmt::Display for Audience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

use Audience::{Administration as ADM, Editeur as EDI, Entreprise as ENT, Particulier as PAR};

/// Head phrases of access-page labels, in folded form (lowercase, no accents,
/// elisions as in "d'emploi"), first match wins. A word also matches its
/// plural; `*` skips any words. Comments say why when it is not obvious.
#[rustfmt::skip]
pub const RULES: &[(&str, Audience)] = &[
    // ---- Administration ou collectivité: the public sector ----
    ("administration", ADM), // also "… centrale", "… déconcentrée", "… partenaire de France Connect", "… qui souhaite …"
    ("collectivite", ADM),
    ("entite administrative", ADM),
    ("ministere", ADM),
    ("institution", ADM), // Ingres/CaptchEtat: institutions on the State network (RIE)
    ("mairie", ADM),
    ("commune", ADM),
    ("service de l'etat", ADM),
    ("operateur de l'etat", ADM),
    ("organisme public", ADM),
    ("organisme publique", ADM), // upstream misspelling of the line above
    ("etablissement public", ADM),
    ("acteur public", ADM),
    // Bodies "chargés d'une mission ou délégataires de service public": API
    // Entreprise / API Particulier count them among the "acteurs publics".
    ("organisme charge d'une mission", ADM),
    ("organisme delegataire", ADM),
    // le.taxi: public mobility authorities.
    ("acteur de mobilite publique", ADM),
    // Schools and universities: public establishments in these rules.
    ("lycee", ADM),
    ("universite", ADM),
    ("etablissement * enseignement superieur", ADM),
    // API Service national: registration services of exams "soumis au
    // contrôle de l'autorité publique", and HR services checking candidates
    // to public office (code du service national L111-3).
    ("service charge de l'inscription", ADM),
    ("service de ressources humaines", ADM),
    // ---- Entreprise ou association: private organisations ----
    ("entreprise", ENT),
    ("association", ENT),
    ("cooperative", ENT),
    ("societe", ENT),
    ("bureau d'etude", ENT),
    ("plateforme", ENT), // a marketplace operator; HistoVec's rule says "les entreprises et plateformes"
    ("acteur prive", ENT), // even when "habilité par une administration": the habilitation is a condition, not the subject
    // Banks, insurers and health mutuals stay private bodies, even where an
    // API treats them as an administration for one purpose (LEP checks).
    ("banque", ENT),
    ("etablissement bancaire", ENT),
    ("assurance", ENT),
    ("mutuelle", ENT),
    ("organisme complementaire", ENT),
    ("organisme de prevoyance", ENT),
    ("auto ecole", ENT),
    // Self-employed people are businesses: an auto-entrepreneur is an
    // entreprise individuelle, and the Tierce Déclaration rules talk to them
    // as sellers with clients, asking for attestations fiscale and sociale.
    ("auto entrepreneur", ENT),
    ("micro entrepreneur", ENT),
    ("artisan", ENT),
    ("chauffeur de taxi", ENT), // "… indépendant": a self-employed driver
    ("groupement de taxi", ENT),
    ("operateur de taxi", ENT),
    ("apiculteur", ENT), // CartoBio lists beekeepers with coopératives, associations and entreprises
    // Home-services organisations (API Tiers de prestation, CESU).
    ("prestataire", ENT),
    ("mandataire", ENT),
    // Declarations: an employer declaring its own hires (DPAE), a platform
    // declaring for its micro-entrepreneurs (Tierce Déclaration).
    ("declarant direct", ENT),
    ("tiers declarant", ENT),
    // ---- Particulier: a person acting for themselves ----
    ("particulier", PAR),
    ("citoyen", PAR),
    ("usager", PAR),
    ("etudiant", PAR),
    ("demandeur d'emploi", PAR),
    ("candidat", PAR), // "… à l'examen du permis de conduire"
    ("salarie", PAR),  // trefle: an employee simulating their own training funding
    // ---- Éditeur de logiciel: whoever builds software for others ----
    ("editeur", EDI), // "… de logiciel(s)", "… de services web", "… d'application mobile", "… logiciel pour les flottes de taxis"
    ("logiciel", EDI),
    // A label naming a piece of software ("Une application RH", "Application
    // de mobilité", "Un applicatif chauffeur", "Un moteur de recherche de
    // taxis") is answered by whoever builds it.
    ("application", EDI),
    ("applicatif", EDI),
    ("moteur de recherche", EDI),
    // DPAE: a concentrator relays the declarations of many employers
    // (payroll software, EDI platforms), unlike a "déclarant direct".
    ("concentrateur", EDI),
];

/// Labels of the corpus that get no audience, with the reason. Checked
/// before [`RULES`] (compared after [`fold_label`]).
#[rustfmt::skip]
pub const UNMAPPED: &[(&str, &str)] = &[
    ("Autre", "catch-all: anyone not named by the API's other rules"),
    ("Autres", "catch-all: anyone not named by the API's other rules"),
    ("Autre activité", "catch-all: any activity not named by the API's other rules"),
    ("Autre actvité", "catch-all (upstream typo of 'Autre activité'): any activity not named by the other rules"),
    ("Autres activités", "catch-all: any activity not named by the API's other rules"),
    ("Un gestionnaire de cantine", "canteens are run by communes and public establishments as much as by private caterers"),
    ("Un établissements de soins", "public hospitals and private clinics alike"),
    ("Un professionnel de santé", "a profession, not an organisation: self-employed practitioner (business) or salaried/hospital staff"),
    ("Une organisation partenaire de France Connect", "FranceConnect partners are public and private; the label names a partnership, not a profile"),
    ("Une structure bénéficiaire des données foncières", "defined by an existing entitlement (State services, agencies, SAFER, research bodies, mandated consultancies), not a profile"),
    ("Une structure déjà bénéficiaire des fichiers MAJIC", "defined by an existing entitlement to MAJIC files (public or private), not a profile"),
];

/// `--as` synonyms, already in the form `normalize_typed` gives.
const TYPED: &[(&str, Audience)] = &[
    ("administration", ADM),
    ("admin", ADM),
    ("administration ou collectivite", ADM),
    ("collectivite ou administration", ADM),
    ("collectivite", ADM),
    ("collectivite territoriale", ADM),
    ("mairie", ADM),
    ("commune", ADM),
    ("ministere", ADM),
    ("etat", ADM),
    ("service public", ADM),
    ("secteur public", ADM),
    ("acteur public", ADM),
    ("organisme public", ADM),
    ("etablissement public", ADM),
    ("local authority and administration", ADM),
    ("entreprise", ENT),
    ("entreprise ou association", ENT),
    ("association ou entreprise", ENT),
    ("association", ENT),
    ("asso", ENT),
    ("societe", ENT),
    ("professionnel", ENT),
    ("pro", ENT),
    ("auto entrepreneur", ENT),
    ("micro entrepreneur", ENT),
    ("company and association", ENT),
    ("company", ENT),
    ("particulier", PAR),
    ("citoyen", PAR),
    ("usager", PAR),
    ("personne", PAR),
    ("individu", PAR),
    ("grand public", PAR),
    ("private", PAR),
    ("editeur", EDI),
    ("editeur de logiciel", EDI),
    ("editeur logiciel", EDI),
    ("logiciel", EDI),
    ("editeur de service web", EDI),
    ("software vendor", EDI),
];

/// Words that start a qualifier: after a coordinated part containing one of
/// them, the label no longer lists subjects.
const QUALIFIERS: &[&str] = &[
    "qui", "que", "qu'", "dont", "pour", "dans", "avec", "entre", "chez", "sur", "sous", "de",
    "du", "des", "d'", "a", "au", "aux", "en", "par",
];

const ARTICLES: &[&str] = &["un", "une", "le", "la", "les", "l'", "des"];

/// The audience of an access-page label: its (first) subject, or `None` when
/// the label is a catch-all, ambiguous, or names no known profile.
pub fn audience_of(label: &str) -> Option<Audience> {
    audiences_of(label).into_iter().next()
}

/// Every audience a label names, head subject first: "Un particulier ou une
/// entreprise" → `[Particulier, Entreprise]`.
pub fn audiences_of(label: &str) -> Vec<Audience> {
    let mut out = Vec::new();
    if unmapped_reason(label).is_some() {
        return out;
    }
    let toks = tokens(label);
    let words: Vec<&str> = toks
        .iter()
        .map(String::as_str)
        .filter(|w| *w != ",")
        .collect();
    if let Some((_, a)) = rule_for(strip_article(&words)) {
        out.push(a);
    }
    for (i, part) in toks.split(|t| t == "," || t == "ou").enumerate() {
        let part: Vec<&str> = part.iter().map(String::as_str).collect();
        let part = strip_article(&part);
        if part.is_empty() {
            continue;
        }
        if i > 0
            && let Some((_, a)) = rule_for(part)
            && !out.contains(&a)
        {
            out.push(a);
        }
        if part.iter().any(|w| QUALIFIERS.contains(w)) {
            break;
        }
    }
    out
}

/// The [`RULES`] pattern deciding a label's head subject, if any (for
/// debugging and reports). `None` for [`UNMAPPED`] labels.
pub fn matched_rule(label: &str) -> Option<(&'static str, Audience)> {
    if unmapped_reason(label).is_some() {
        return None;
    }
    let toks = tokens(label);
    let words: Vec<&str> = toks
        .iter()
        .map(String::as_str)
        .filter(|w| *w != ",")
        .collect();
    rule_for(strip_article(&words))
}

/// Why a known label has no audience (see [`UNMAPPED`]).
pub fn unmapped_reason(label: &str) -> Option<&'static str> {
    let f = fold_label(label);
    UNMAPPED
        .iter()
        .find(|(l, _)| fold_label(l) == f)
        .map(|&(_, r)| r)
}

/// Whether a label means "anyone the other rules do not name" ("Autre", "Autres activités"):
/// its rule answers every profile the access page does not name.
pub fn is_catch_all(label: &str) -> bool {
    unmapped_reason(label).is_some_and(|r| r.starts_with("catch-all"))
}

/// A label in comparable form: [`crate::text::fold`] (lowercase, accents dropped, `’` → `'`,
/// `œ`/`æ`/`ß` spelled out), then inclusive-writing suffixes cut ("un·e" → "un") and
/// whitespace collapsed. Other punctuation is kept.
pub fn fold_label(s: &str) -> String {
    let folded = crate::text::fold(s);
    let mut out = String::with_capacity(folded.len());
    let mut cutting = false;
    for c in folded.chars() {
        if cutting {
            if c.is_alphanumeric() {
                continue;
            }
            cutting = false;
        }
        match c {
            '·' | '⋅' | '•' => cutting = true,
            c => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Words of a folded label: parentheses dropped, `,` `;` `/` kept as `,`
/// tokens, other punctuation as spaces, elisions split ("l'etat" → "l'" "etat").
fn tokens(label: &str) -> Vec<String> {
    let mut clean = String::new();
    let mut depth = 0usize;
    for c in fold_label(label).chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth = depth.saturating_sub(1);
                clean.push(' ');
            }
            _ if depth > 0 => {}
            ',' | ';' | '/' => clean.push_str(" , "),
            '\'' => clean.push('\''),
            c if c.is_alphanumeric() => clean.push(c),
            _ => clean.push(' '),
        }
    }
    split_words(&clean).into_iter().map(str::to_owned).collect()
}

/// Split on whitespace, then after each apostrophe ("d'une" → "d'" "une").
fn split_words(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for mut w in s.split_whitespace() {
        while let Some(i) = w.find('\'') {
            let (head, rest) = w.split_at(i + 1);
            if head != "'" {
                out.push(head);
            }
            w = rest;
        }
        if !w.is_empty() {
            out.push(w);
        }
    }
    out
}

fn strip_article<'a, 'b>(words: &'a [&'b str]) -> &'a [&'b str] {
    match words.split_first() {
        Some((first, rest)) if ARTICLES.contains(first) => rest,
        _ => words,
    }
}

fn rule_for(words: &[&str]) -> Option<(&'static str, Audience)> {
    if words.is_empty() {
        return None;
    }
    RULES
        .iter()
        .find(|(pat, _)| head_matches(&split_words(pat), words))
        .copied()
}

/// Does `pat` match the start of `words`? `*` skips any words; a pattern word
/// matches itself and its plural (+s, +x).
fn head_matches(pat: &[&str], words: &[&str]) -> bool {
    match pat.split_first() {
        None => true,
        Some((&"*", rest)) => (0..=words.len()).any(|i| head_matches(rest, &words[i..])),
        Some((p, rest)) => match words.split_first() {
            Some((w, more)) => word_matches(p, w) && head_matches(rest, more),
            None => false,
        },
    }
}

fn word_matches(pat: &str, word: &str) -> bool {
    word == pat
        || (word.len() == pat.len() + 1
            && word.starts_with(pat)
            && (word.ends_with('s') || word.ends_with('x')))
}

/// `--as` input in comparable form: folded, punctuation as spaces, no
/// leading article, each word singular.
fn normalize_typed(s: &str) -> String {
    let toks = tokens(s);
    let words: Vec<&str> = toks
        .iter()
        .map(String::as_str)
        .filter(|w| *w != ",")
        .collect();
    strip_article(&words)
        .iter()
        .map(|w| match w.strip_suffix('s') {
            Some(stem) if stem.len() >= 3 && !stem.ends_with('s') => stem,
            _ => w,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Every distinct `who` label of the corpus (/work/shared/corpus: 170
    /// `api/*.md` and the 1,463 `history/**/*.md` whose front matter parses;
    /// 103 labels: 60 in api, 99 in history), with the audiences decided for
    /// it by hand. An empty list means: must be in [`UNMAPPED`].
    #[rustfmt::skip]
    const CORPUS_LABELS: &[(&str, &[Audience])] = &[
        ("Acteur de mobilité publique", &[ADM]),
        ("Application de mobilité", &[EDI]),
        ("Application de mobilité (pro et grand public)", &[EDI]),
        ("Artisan taxi", &[ENT]),
        ("Autre", &[]),
        ("Autre activité", &[]),
        ("Autre actvité", &[]),
        ("Autres", &[]),
        ("Autres activités", &[]),
        ("Concentrateur", &[EDI]),
        ("Déclarant direct", &[ENT]),
        ("Editeur logiciel pour les flottes de taxis", &[EDI]),
        (
            "Etablissement ou système d'information dans l'enseignement supérieur",
            &[ADM],
        ),
        ("Groupement de taxis", &[ENT]),
        (
            "Groupement de taxis (GIE, opérateurs, app chauffeurs...)",
            &[ENT],
        ),
        ("Particuliers, entreprise autre", &[PAR, ENT]),
        ("Un Ministère", &[ADM]),
        ("Un acteur de mobilité publique", &[ADM]),
        ("Un acteur privé habilité par une administration", &[ENT]),
        (
            "Un applicatif chauffeur (groupement, centrale, application pour indépendants...)",
            &[EDI],
        ),
        (
            "Un applicatif client (moteur de recherche de taxis, application multimodale…)",
            &[EDI],
        ),
        ("Un artisan taxi", &[ENT]),
        ("Un auto-entrepreneur", &[ENT]),
        ("Un bureau d'étude", &[ENT]),
        ("Un candidat à l'examen du permis de conduire", &[PAR]),
        ("Un chauffeur de taxi indépendant", &[ENT]),
        ("Un chauffeur de taxis indépendant", &[ENT]),
        ("Un demandeur d'emploi", &[PAR]),
        ("Un demandeur d’emploi", &[PAR]),
        ("Un editeur de logiciel de paie", &[EDI]),
        ("Un editeur de logiciel de service à la personne", &[EDI]),
        ("Un editeur de services web", &[EDI]),
        ("Un editeur d’application mobile", &[EDI]),
        ("Un gestionnaire de cantine", &[]),
        ("Un lycée", &[ADM]),
        ("Un mandataire de service à la personne", &[ENT]),
        ("Un ministère", &[ADM]),
        (
            "Un ministère (administration centrale ou service déconcentré)",
            &[ADM],
        ),
        ("Un moteur de recherche de taxis (pour les clients)", &[EDI]),
        ("Un opérateur de l'Etat", &[ADM]),
        ("Un opérateur de l'État", &[ADM]),
        ("Un opérateur de taxi (pour les chauffeurs)", &[ENT]),
        (
            "Un organisme \"chargé d'une mission ou délégataire de service public\" (statut spécifique)",
            &[ADM],
        ),
        ("Un organisme complémentaire de santé", &[ENT]),
        ("Un organisme de prévoyance santé", &[ENT]),
        ("Un organisme public", &[ADM]),
        ("Un particulier", &[PAR]),
        ("Un particulier ou une entreprise", &[PAR, ENT]),
        (
            "Un particulier, une association ou une entreprise",
            &[PAR, ENT],
        ),
        ("Un prestataire de service à la personne", &[ENT]),
        ("Un professionnel de santé", &[]),
        ("Un salariés du secteur privé", &[PAR]),
        (
            "Un service chargé de l'inscription à un examen ou un concours",
            &[ADM],
        ),
        (
            "Un service chargé de l'inscription à un examen ou un concours soumis au controle de l'autorité publique",
            &[ADM],
        ),
        (
            "Un service chargé de l'inscription à un examen ou un concours soumis au contrôle de l'autorité publique",
            &[ADM],
        ),
        (
            "Un service de ressources humaines ou de recrutement",
            &[ADM],
        ),
        ("Un tiers déclarant", &[ENT]),
        ("Un éditeur", &[EDI]),
        ("Un éditeur d'un logiciel de gestion de cantine", &[EDI]),
        ("Un éditeur de logiciel", &[EDI]),
        (
            "Un éditeur de logiciel des secteurs du transport léger et du déménagement",
            &[EDI],
        ),
        (
            "Un éditeur de logiciel du secteur des transports routiers",
            &[EDI],
        ),
        ("Un éditeur de logiciels", &[EDI]),
        ("Un éditeur de services web", &[EDI]),
        ("Un éditeur logiciel pour les flottes de taxis", &[EDI]),
        ("Un établissement bancaire", &[ENT]),
        ("Un établissement de l'enseignement supérieur", &[ADM]),
        ("Un établissement public", &[ADM]),
        ("Un établissements de soins", &[]),
        ("Un étudiant", &[PAR]),
        ("Une administration", &[ADM]),
        ("Une administration centrale", &[ADM]),
        ("Une administration déconcentrée", &[ADM]),
        ("Une administration partenaire de France Connect", &[ADM]),
        (
            "Une administration qui souhaite simplifier une démarche pour les étudiants",
            &[ADM],
        ),
        ("Une application RH", &[EDI]),
        ("Une application de mobilité", &[EDI]),
        ("Une association", &[ENT]),
        ("Une association ou une entreprise", &[ENT]),
        ("Une assurance", &[ENT]),
        ("Une auto-école", &[ENT]),
        ("Une banque", &[ENT]),
        ("Une collectivité", &[ADM]),
        ("Une collectivité ou une administration", &[ADM]),
        ("Une collectivité territoriale", &[ADM]),
        ("Une entité administrative", &[ADM]),
        ("Une entreprise", &[ENT]),
        ("Une entreprise dédiée à la maitrise d'énergie", &[ENT]),
        ("Une entreprise ou association", &[ENT]),
        ("Une entreprise ou une association", &[ENT]),
        ("Une institution", &[ADM]),
        ("Une organisation partenaire de France Connect", &[]),
        (
            "Une plateforme de vente ou location de véhicules entre particuliers",
            &[ENT],
        ),
        ("Une structure bénéficiaire des données foncières", &[]),
        ("Une structure déjà bénéficiaire des fichiers MAJIC", &[]),
        ("un organisme public", &[ADM]),
        ("un organisme publique", &[ADM]),
        ("un particulier", &[PAR]),
        ("une administration", &[ADM]),
        ("une association", &[ENT]),
        ("une coopérative", &[ENT]),
        ("une entreprise", &[ENT]),
        ("un·e apiculteur·ice", &[ENT]),
    ];

    #[test]
    fn labels_and_keys() {
        let labels: Vec<_> = Audience::ALL.iter().map(|a| a.label()).collect();
        assert_eq!(
            labels,
            [
                "Administration ou collectivité",
                "Entreprise ou association",
                "Particulier",
                "Éditeur de logiciel"
            ]
        );
        let keys: Vec<_> = Audience::ALL.iter().map(|a| a.key()).collect();
        assert_eq!(
            keys,
            ["administration", "entreprise", "particulier", "editeur"]
        );
        assert!(keys.iter().all(|k| k.is_ascii()));
        assert_eq!(ADM.to_string(), "Administration ou collectivité");
        assert_eq!(
            ADM.datagouv_key(),
            Some("local_authority_and_administration")
        );
        assert_eq!(EDI.datagouv_key(), None);
    }

    #[test]
    fn from_typed_accepts_keys_labels_and_synonyms() {
        for a in Audience::ALL {
            assert_eq!(Audience::from_typed(a.key()), Some(a), "{}", a.key());
            assert_eq!(Audience::from_typed(a.label()), Some(a), "{}", a.label());
            assert_eq!(Audience::from_typed(&a.key().to_uppercase()), Some(a));
            if let Some(k) = a.datagouv_key() {
                assert_eq!(Audience::from_typed(k), Some(a), "{k}");
            }
        }
        let cases: &[(&str, Option<Audience>)] = &[
            ("Administration", Some(ADM)),
            ("collectivité", Some(ADM)),
            ("collectivite", Some(ADM)),
            ("Collectivités", Some(ADM)),
            ("collectivités territoriales", Some(ADM)),
            ("mairie", Some(ADM)),
            ("une mairie", Some(ADM)),
            ("ministère", Some(ADM)),
            ("l'État", Some(ADM)),
            ("secteur public", Some(ADM)),
            ("adm", Some(ADM)),
            ("ENTREPRISE", Some(ENT)),
            ("entreprises", Some(ENT)),
            ("association", Some(ENT)),
            ("associations", Some(ENT)),
            ("société", Some(ENT)),
            ("auto-entrepreneur", Some(ENT)),
            ("micro_entrepreneur", Some(ENT)),
            ("pro", Some(ENT)),
            ("particulier", Some(PAR)),
            ("Particuliers", Some(PAR)),
            ("citoyen", Some(PAR)),
            ("citoyens", Some(PAR)),
            ("usager", Some(PAR)),
            ("grand public", Some(PAR)),
            ("part", Some(PAR)),
            ("editeur", Some(EDI)),
            ("éditeur", Some(EDI)),
            ("Éditeurs de logiciels", Some(EDI)),
            ("editeur de logiciel", Some(EDI)),
            ("éditeur logiciel", Some(EDI)),
            ("edit", Some(EDI)),
            ("  Éditeur   de  logiciel ", Some(EDI)),
            ("public", None), // secteur public or grand public?
            ("developpeur", None),
            ("e", None),
            ("ad", None),
            ("", None),
            ("tout le monde", None),
        ];
        for (typed, want) in cases {
            assert_eq!(Audience::from_typed(typed), *want, "--as {typed:?}");
        }
    }

    #[test]
    fn typed_table_is_normalized_and_unambiguous() {
        let mut seen = BTreeSet::new();
        for (t, _) in TYPED {
            assert_eq!(normalize_typed(t), *t, "TYPED entry {t:?} can never match");
            assert!(seen.insert(*t), "duplicate TYPED entry {t:?}");
        }
    }

    #[test]
    fn rules_are_folded_unique_and_reachable() {
        for (i, (pat, _)) in RULES.iter().enumerate() {
            let words = split_words(pat);
            assert!(!words.is_empty());
            for w in &words {
                assert!(
                    *w == "*" || tokens(w).concat() == *w,
                    "rule {pat:?}: word {w:?} is not in folded form"
                );
            }
            assert!(
                !ARTICLES.contains(&words[0]),
                "rule {pat:?} starts with an article"
            );
            if words.contains(&"*") {
                continue;
            }
            for (earlier, a) in &RULES[..i] {
                assert!(
                    !head_matches(&split_words(earlier), &words),
                    "rule {pat:?} is shadowed by earlier rule {earlier:?} ({a:?})"
                );
            }
        }
    }

    #[test]
    fn every_corpus_label_is_mapped_or_explicitly_unmapped() {
        let mut unmapped = Vec::new();
        for (label, _) in CORPUS_LABELS {
            match audience_of(label) {
                Some(_) => assert!(
                    unmapped_reason(label).is_none(),
                    "{label:?} is both mapped and in UNMAPPED"
                ),
                None => match unmapped_reason(label) {
                    Some(reason) => unmapped.push((*label, reason)),
                    None => panic!("{label:?} maps to no audience and is not in UNMAPPED"),
                },
            }
        }
        println!(
            "{} corpus labels, {} unmapped:",
            CORPUS_LABELS.len(),
            unmapped.len()
        );
        for (label, reason) in &unmapped {
            println!("  UNMAPPED {label:?}: {reason}");
        }
    }

    #[test]
    fn corpus_labels_get_the_decided_audiences() {
        let mut wrong = Vec::new();
        for (label, want) in CORPUS_LABELS {
            let got = audiences_of(label);
            if got != *want {
                wrong.push(format!("{label:?}: want {want:?}, got {got:?}"));
            }
            assert_eq!(audience_of(label), want.first().copied());
        }
        assert!(wrong.is_empty(), "wrong audiences:\n{}", wrong.join("\n"));
    }

    #[test]
    fn unmapped_list_is_exact_and_not_claimed_by_rules() {
        let corpus: BTreeSet<&str> = CORPUS_LABELS.iter().map(|(l, _)| *l).collect();
        for (label, reason) in UNMAPPED {
            assert!(
                corpus.contains(label),
                "UNMAPPED {label:?} is not a corpus label"
            );
            assert!(
                !reason.trim().is_empty(),
                "UNMAPPED {label:?} has no reason"
            );
            let toks = tokens(label);
            let words: Vec<&str> = toks
                .iter()
                .map(String::as_str)
                .filter(|w| *w != ",")
                .collect();
            assert_eq!(
                rule_for(strip_article(&words)),
                None,
                "a RULES entry also claims UNMAPPED {label:?}: decide which one is right"
            );
        }
    }

    #[test]
    fn subject_decides_not_any_word() {
        // The qualifier mentions students; the subject is an administration.
        assert_eq!(
            audience_of(
                "Une administration qui souhaite simplifier une démarche pour les étudiants"
            ),
            Some(ADM)
        );
        assert_eq!(
            audiences_of(
                "Une administration qui souhaite simplifier une démarche pour les étudiants"
            ),
            [ADM]
        );
        // "particuliers" and "entreprises" in qualifiers are not subjects.
        assert_eq!(
            audiences_of("Une plateforme de vente ou location de véhicules entre particuliers"),
            [ENT]
        );
        assert_eq!(
            audiences_of("Une administration qui aide les particuliers ou les entreprises"),
            [ADM]
        );
        assert_eq!(
            audiences_of("Un acteur privé habilité par une administration"),
            [ENT]
        );
        assert_eq!(
            audiences_of("Un éditeur d'un logiciel de gestion de cantine"),
            [EDI]
        );
        assert_eq!(
            audiences_of("Une entreprise dédiée à la maitrise d'énergie"),
            [ENT]
        );
        // The parenthesis lists examples, not subjects.
        assert_eq!(
            audiences_of("Un ministère (administration centrale ou service déconcentré)"),
            [ADM]
        );
        assert_eq!(
            audiences_of("Un moteur de recherche de taxis (pour les clients)"),
            [EDI]
        );
        assert_eq!(
            audiences_of("Un opérateur de taxi (pour les chauffeurs)"),
            [ENT]
        );
        assert_eq!(
            audiences_of("Groupement de taxis (GIE, opérateurs, app chauffeurs...)"),
            [ENT]
        );
        // Coordinated complements are not coordinated subjects.
        assert_eq!(
            audiences_of("Un service de ressources humaines ou de recrutement"),
            [ADM]
        );
        assert_eq!(
            audiences_of("Un service chargé de l'inscription à un examen ou un concours"),
            [ADM]
        );
    }

    #[test]
    fn labels_that_say_two_things() {
        assert_eq!(
            audiences_of("Une collectivité ou une administration"),
            [ADM]
        );
        assert_eq!(audiences_of("Une entreprise ou une association"), [ENT]);
        assert_eq!(audiences_of("Une association ou une entreprise"), [ENT]);
        assert_eq!(audiences_of("Une entreprise ou association"), [ENT]);
        assert_eq!(audiences_of("Un particulier ou une entreprise"), [PAR, ENT]);
        assert_eq!(audience_of("Un particulier ou une entreprise"), Some(PAR));
        assert_eq!(
            audiences_of("Un particulier, une association ou une entreprise"),
            [PAR, ENT]
        );
        assert_eq!(audiences_of("Particuliers, entreprise autre"), [PAR, ENT]);
        assert_eq!(
            audiences_of("Etablissement ou système d'information dans l'enseignement supérieur"),
            [ADM]
        );
        assert_eq!(audiences_of("Un éditeur / une entreprise"), [EDI, ENT]);
        // Conservative: once a part carries a qualifier ("de logiciel"), the
        // rest may be its complement, so it is not read as more subjects.
        assert_eq!(
            audiences_of("Un éditeur de logiciel / une entreprise"),
            [EDI]
        );
    }

    #[test]
    fn profiles_outside_the_four() {
        // Self-employed people are businesses.
        assert_eq!(audience_of("Un auto-entrepreneur"), Some(ENT));
        assert_eq!(audience_of("Un micro-entrepreneur"), Some(ENT));
        assert_eq!(audience_of("Artisan taxi"), Some(ENT));
        assert_eq!(audience_of("Un chauffeur de taxis indépendant"), Some(ENT));
        assert_eq!(audience_of("un·e apiculteur·ice"), Some(ENT));
        // People acting for themselves.
        assert_eq!(audience_of("Un étudiant"), Some(PAR));
        assert_eq!(audience_of("Un demandeur d’emploi"), Some(PAR));
        assert_eq!(
            audience_of("Un candidat à l'examen du permis de conduire"),
            Some(PAR)
        );
        assert_eq!(audience_of("Un salariés du secteur privé"), Some(PAR));
        // Private bodies even when treated as administrations for one use.
        assert_eq!(audience_of("Une banque"), Some(ENT));
        assert_eq!(
            audience_of("Un organisme complémentaire de santé"),
            Some(ENT)
        );
        // Public bodies.
        assert_eq!(audience_of("Un lycée"), Some(ADM));
        assert_eq!(audience_of("Une institution"), Some(ADM));
        assert_eq!(audience_of("Acteur de mobilité publique"), Some(ADM));
        assert_eq!(audience_of("un organisme publique"), Some(ADM));
        assert_eq!(
            audience_of(
                "Un organisme \"chargé d'une mission ou délégataire de service public\" (statut spécifique)"
            ),
            Some(ADM)
        );
        // Ambiguous public/private profiles stay unmapped.
        assert_eq!(audience_of("Un établissements de soins"), None);
        assert_eq!(audience_of("Un gestionnaire de cantine"), None);
        assert_eq!(audience_of("Un professionnel de santé"), None);
    }

    #[test]
    fn catch_alls_are_unmapped() {
        for l in [
            "Autre",
            "Autres",
            "Autre activité",
            "Autre actvité",
            "Autres activités",
            "  autres ACTIVITÉS ",
        ] {
            assert_eq!(audience_of(l), None, "{l:?}");
            assert!(unmapped_reason(l).is_some(), "{l:?}");
        }
        for l in [
            "Tout le monde",
            "Autres (particuliers, entreprises)",
            "",
            "   ",
            "—",
        ] {
            assert_eq!(audience_of(l), None, "{l:?}");
        }
    }

    #[test]
    fn software_labels() {
        assert_eq!(audience_of("Un editeur de logiciel de paie"), Some(EDI));
        assert_eq!(audience_of("Un editeur d’application mobile"), Some(EDI));
        assert_eq!(audience_of("Un éditeur de services web"), Some(EDI));
        assert_eq!(audience_of("Un éditeur"), Some(EDI));
        assert_eq!(audience_of("Une application RH"), Some(EDI));
        assert_eq!(
            audience_of("Application de mobilité (pro et grand public)"),
            Some(EDI)
        );
        assert_eq!(
            audience_of(
                "Un applicatif client (moteur de recherche de taxis, application multimodale…)"
            ),
            Some(EDI)
        );
        assert_eq!(audience_of("Un logiciel de paie"), Some(EDI));
        assert_eq!(audience_of("Une application mobile"), Some(EDI));
        assert_eq!(audience_of("Concentrateur"), Some(EDI));
    }

    #[test]
    fn folding() {
        assert_eq!(
            fold_label("  Une  Collectivité\tTERRITORIALE "),
            "une collectivite territoriale"
        );
        assert_eq!(fold_label("Un demandeur d’emploi"), "un demandeur d'emploi");
        assert_eq!(fold_label("un·e apiculteur·ice"), "un apiculteur");
        assert_eq!(fold_label("Œuvre"), "oeuvre");
        assert_eq!(
            tokens("Un opérateur de l'État (pour les chauffeurs)"),
            ["un", "operateur", "de", "l'", "etat"]
        );
        assert_eq!(
            tokens("Particuliers, entreprise autre"),
            ["particuliers", ",", "entreprise", "autre"]
        );
        assert_eq!(audience_of("UNE ENTREPRISE"), Some(ENT));
        assert_eq!(audience_of("l'administration"), Some(ADM));
        assert_eq!(audience_of("Des particuliers"), Some(PAR));
    }

    // ---- Optional: the real corpus, when it is on this machine ----

    fn corpus_dir() -> Option<std::path::PathBuf> {
        let mut candidates = Vec::new();
        if let Some(p) = std::env::var_os("APICAT_CORPUS") {
            candidates.push(std::path::PathBuf::from(p));
        }
        // crates/core → the workspace → its parent, where `shared/corpus` sits.
        let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        candidates.push(manifest.join("../../../shared/corpus"));
        candidates.into_iter().find(|p| p.join("api").is_dir())
    }

    fn md_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                md_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "md") {
                out.push(p);
            }
        }
    }

    /// `who` labels of a file's front matter, read line by line (no YAML
    /// parser: a superset of what a parser accepts, broken files included).
    fn scan_who(text: &str) -> Vec<String> {
        fn unquote(s: &str) -> String {
            let s = s.trim();
            if s.len() >= 2 && s.starts_with('\'') && s.ends_with('\'') {
                s[1..s.len() - 1].replace("''", "'")
            } else if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') {
                s[1..s.len() - 1].replace("\\\"", "\"")
            } else {
                s.to_string()
            }
        }
        let mut lines = text.lines();
        if lines.next().map(str::trim) != Some("---") {
            return vec![];
        }
        let mut out = Vec::new();
        let mut who_col: Option<usize> = None;
        for line in lines {
            if line.trim() == "---" {
                break;
            }
            let body = line.trim_start();
            if body.is_empty() || body.starts_with('#') {
                continue;
            }
            let indent = line.len() - body.len();
            let (key_col, key_body) = match body.strip_prefix("- ") {
                Some(rest) => (
                    indent + 2 + (rest.len() - rest.trim_start().len()),
                    rest.trim_start(),
                ),
                None => (indent, body),
            };
            if let Some(rest) = key_body.strip_prefix("who:") {
                let rest = rest.trim();
                who_col = None;
                if rest.is_empty() {
                    who_col = Some(key_col);
                } else if let Some(flow) = rest.strip_prefix('[').and_then(|r| r.strip_suffix(']'))
                {
                    out.extend(flow.split(',').map(unquote).filter(|s| !s.is_empty()));
                } else {
                    out.push(unquote(rest));
                }
                continue;
            }
            match (who_col, body.strip_prefix("- ")) {
                (Some(col), Some(item)) if indent >= col => out.push(unquote(item)),
                _ => who_col = None,
            }
        }
        out
    }

    #[test]
    fn corpus_on_disk_has_no_label_left_out() {
        let Some(dir) = corpus_dir() else {
            assert!(
                std::env::var_os("APICAT_REQUIRE_CORPUS").is_none(),
                "APICAT_REQUIRE_CORPUS is set but the corpus is absent (APICAT_CORPUS, \
                 <workspace>/../shared/corpus)"
            );
            eprintln!(
                "\n!!! audience: corpus NOT FOUND (APICAT_CORPUS, <workspace>/../shared/corpus):"
            );
            eprintln!("!!! only the embedded CORPUS_LABELS list was checked.\n");
            return;
        };
        let mut files = Vec::new();
        md_files(&dir.join("api"), &mut files);
        md_files(&dir.join("history"), &mut files);
        assert!(!files.is_empty(), "no .md file under {}", dir.display());
        let known: BTreeSet<&str> = CORPUS_LABELS.iter().map(|(l, _)| *l).collect();
        let mut found = BTreeSet::new();
        for f in &files {
            let text = String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned();
            found.extend(scan_who(&text));
        }
        let missing: Vec<_> = found
            .iter()
            .filter(|l| !known.contains(l.as_str()))
            .collect();
        let undecided: Vec<_> = found
            .iter()
            .filter(|l| audience_of(l).is_none() && unmapped_reason(l).is_none())
            .collect();
        println!(
            "corpus {}: {} files, {} distinct labels scanned",
            dir.display(),
            files.len(),
            found.len()
        );
        assert!(
            undecided.is_empty(),
            "labels neither mapped nor in UNMAPPED: {undecided:#?}"
        );
        assert!(
            missing.is_empty(),
            "labels missing from CORPUS_LABELS (add them with a decision): {missing:#?}"
        );
    }

    #[test]
    fn scan_who_reads_the_list_forms() {
        let text = "---\ntitle: x\naccess_page:\n  - who:\n      - Un particulier\n      - 'Une entreprise'\n    is_eligible: -1\n  - who: Une administration\n    is_eligible: 1\n  - who: [\"Un éditeur\", Autre]\n---\n- who: body\n";
        assert_eq!(
            scan_who(text),
            [
                "Un particulier",
                "Une entreprise",
                "Une administration",
                "Un éditeur",
                "Autre"
            ]
        );
    }
}
