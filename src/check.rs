//! `apicat check`: what a reviewer of catalogue entries would point out. Pure.

use serde_yaml::Value;

use crate::catalogue::{Catalogue, Entry, int_of, scalar_text};
use crate::text::edit_distance;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn word(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub path: String,
    pub line: Option<usize>,
    pub col: Option<usize>,
    pub severity: Severity,
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.path)?;
        if let Some(l) = self.line {
            write!(f, ":{l}:{}", self.col.unwrap_or(1))?;
        }
        write!(f, ": {}: {}", self.severity.word(), self.message)
    }
}

/// Every key the api.gouv.fr format uses, for spotting typos.
pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "tagline",
    "producer",
    "owner",
    "owner_acronym",
    "is_open",
    "is_france_connected",
    "external_site",
    "doc_tech_link",
    "doc_tech_external",
    "datapass_link",
    "account_link",
    "contact_link",
    "monitoring_link",
    "monitoring_description",
    "rate_limiting_resume",
    "rate_limiting_description",
    "rate_limiting_link",
    "access_page",
    "partners",
    "keywords",
    "themes",
    "kind",
    "category",
    "last_update",
    "content_intro",
    "stat",
    "uptime",
    "visits_2019",
    "datagouv_uuid",
    "stats_detail_resume",
    "stats_detail_description",
    "stats_detail_link",
    "useSwaggerProxy",
    "clients",
    "hide_pre_footer",
    "layout",
    "additional_css",
    "logo",
    "from",
];

const LINK_KEYS: &[&str] = &[
    "external_site",
    "doc_tech_external",
    "datapass_link",
    "account_link",
    "monitoring_link",
    "stats_detail_link",
    "rate_limiting_link",
];

fn is_url(s: &str) -> bool {
    let s = s.trim();
    (s.starts_with("https://") || s.starts_with("http://"))
        && s.len() > 10
        && !s.contains(char::is_whitespace)
}

fn is_email(s: &str) -> bool {
    let s = s.trim().trim_start_matches("mailto:");
    match s.split_once('@') {
        Some((user, host)) => {
            !user.is_empty()
                && host.contains('.')
                && !host.starts_with('.')
                && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

fn code_in(v: Option<&Value>, allowed: &[i64]) -> Result<(), String> {
    match v {
        None => Ok(()),
        Some(Value::Bool(b)) => Err(format!("`{b}` is an old form; write one of {allowed:?}")),
        Some(v) => match int_of(Some(v)) {
            Some(n) if allowed.contains(&n) => Ok(()),
            _ => Err(format!(
                "`{}` is not one of {allowed:?}",
                scalar_text(v).unwrap_or_else(|| "(empty)".into())
            )),
        },
    }
}

/// Findings for one entry.
pub fn entry(e: &Entry, cat: &Catalogue) -> Vec<Finding> {
    let mut out = Vec::new();
    let at = |out: &mut Vec<Finding>, line: usize, severity: Severity, message: String| {
        out.push(Finding {
            path: e.path.clone(),
            line: Some(line),
            col: Some(1),
            severity,
            message,
        });
    };
    let say = |out: &mut Vec<Finding>, key: Option<&str>, severity: Severity, message: String| {
        at(out, key.map_or(1, |k| e.line_of(k)), severity, message);
    };
    let get = |k: &str| e.front.get(k);
    for key in ["title", "tagline"] {
        if get(key).and_then(scalar_text).is_none() {
            say(&mut out, None, Severity::Error, format!("missing {key}"));
        }
    }
    match get("is_open") {
        None => say(
            &mut out,
            None,
            Severity::Error,
            "missing is_open (1 open, 0 account needed, -1 restricted)".into(),
        ),
        v => {
            if let Err(m) = code_in(v, &[-1, 0, 1]) {
                let sev = if matches!(v, Some(Value::Bool(_))) {
                    Severity::Warning
                } else {
                    Severity::Error
                };
                say(&mut out, Some("is_open"), sev, format!("is_open: {m}"));
            }
        }
    }
    if let Err(m) = code_in(get("is_france_connected"), &[-1, 0, 1, 2]) {
        say(
            &mut out,
            Some("is_france_connected"),
            Severity::Error,
            format!("is_france_connected: {m}"),
        );
    }
    match get("access_page") {
        Some(Value::Sequence(rules)) => {
            for (i, r) in rules.iter().enumerate() {
                let n = i + 1;
                let Value::Mapping(m) = r else {
                    say(
                        &mut out,
                        Some("access_page"),
                        Severity::Error,
                        format!(
                            "access_page rule {n} is not a mapping of who / is_eligible / description"
                        ),
                    );
                    continue;
                };
                if crate::catalogue::list_of(m.get("who")).is_empty() {
                    say(
                        &mut out,
                        Some("access_page"),
                        Severity::Error,
                        format!("access_page rule {n} has no `who`"),
                    );
                }
                if m.get("description").and_then(scalar_text).is_none() {
                    say(
                        &mut out,
                        Some("access_page"),
                        Severity::Error,
                        format!("access_page rule {n} has no description"),
                    );
                }
                match m.get("is_eligible") {
                    None => say(
                        &mut out,
                        Some("access_page"),
                        Severity::Error,
                        format!("access_page rule {n} has no is_eligible"),
                    ),
                    v => {
                        if let Err(msg) = code_in(v, &[-1, 0, 1]) {
                            say(
                                &mut out,
                                Some("access_page"),
                                Severity::Error,
                                format!("access_page rule {n}: is_eligible: {msg}"),
                            );
                        }
                    }
                }
            }
        }
        Some(Value::Null) | None => {
            if e.is_open == Some(-1) {
                say(
                    &mut out,
                    None,
                    Severity::Warning,
                    "restricted (is_open: -1) but no access_page says who may use it".into(),
                );
            }
        }
        Some(_) => say(
            &mut out,
            Some("access_page"),
            Severity::Error,
            "access_page is not a list of rules".into(),
        ),
    }
    if e.is_open == Some(0) && e.account_link.is_none() {
        say(
            &mut out,
            None,
            Severity::Warning,
            "account needed (is_open: 0) but no account_link".into(),
        );
    }
    for key in LINK_KEYS {
        if let Some(v) = get(key).and_then(scalar_text)
            && !is_url(&v)
        {
            say(
                &mut out,
                Some(key),
                Severity::Error,
                format!("{key}: `{v}` is not a URL (https://…)"),
            );
        }
    }
    if let Some(v) = get("doc_tech_link").and_then(scalar_text)
        && !is_url(&v)
        && !v.starts_with('/')
    {
        say(
            &mut out,
            Some("doc_tech_link"),
            Severity::Error,
            format!("doc_tech_link: `{v}` is neither a URL nor a path on api.gouv.fr"),
        );
    }
    if get("doc_tech_link").is_none() && get("doc_tech_external").is_none() {
        say(
            &mut out,
            None,
            Severity::Warning,
            "no technical documentation: add doc_tech_link or doc_tech_external".into(),
        );
    }
    if let Some(c) = &e.contact_link
        && !is_url(c)
        && !is_email(c)
    {
        let several = c
            .split([',', ';', ' '])
            .filter(|p| !p.is_empty())
            .all(is_email);
        if several {
            say(
                &mut out,
                Some("contact_link"),
                Severity::Warning,
                format!("contact_link holds several addresses (`{c}`); the site expects one"),
            );
        } else {
            say(
                &mut out,
                Some("contact_link"),
                Severity::Error,
                format!("contact_link: `{c}` is neither a URL nor an e-mail address"),
            );
        }
    }
    if cat.producers_known {
        if let Some(p) = &e.producer
            && !cat.producers.contains_key(p)
        {
            let near = crate::text::suggestions(p, cat.producers.keys().map(String::as_str), 1);
            let hint = near
                .first()
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            say(
                &mut out,
                Some("producer"),
                Severity::Error,
                format!("producer `{p}` is not in producteurs/{hint}"),
            );
        }
        for p in &e.partners {
            let slug_like = !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
            if slug_like && !cat.producers.contains_key(p) {
                say(
                    &mut out,
                    Some("partners"),
                    Severity::Warning,
                    format!("partner `{p}` looks like a producer slug but is not in producteurs/"),
                );
            }
        }
    }
    if let Some((line, c)) = e.unsafe_char {
        let (severity, what, done) = if c.is_control() {
            (Severity::Error, "a control character", "shows it escaped")
        } else {
            (Severity::Warning, "an invisible character", "leaves it out")
        };
        at(
            &mut out,
            line,
            severity,
            format!(
                "{what} (U+{:04X}) in the text: apicat {done}; remove it",
                c as u32
            ),
        );
    }
    const TEXT_KEYS: &[&str] = &[
        "title",
        "tagline",
        "producer",
        "owner",
        "owner_acronym",
        "external_site",
        "doc_tech_link",
        "doc_tech_external",
        "datapass_link",
        "account_link",
        "contact_link",
        "monitoring_link",
        "rate_limiting_resume",
        "rate_limiting_description",
        "content_intro",
        "last_update",
        "category",
    ];
    for key in TEXT_KEYS {
        if let Some(v @ (Value::Sequence(_) | Value::Mapping(_))) = get(key) {
            let what = if matches!(v, Value::Sequence(_)) {
                "a list"
            } else {
                "a mapping"
            };
            at(
                &mut out,
                e.line_of(key),
                Severity::Error,
                format!("{key} should be text, not {what}"),
            );
        }
    }
    for key in ["keywords", "themes", "partners", "kind"] {
        if let Some(Value::Mapping(_)) = get(key) {
            at(
                &mut out,
                e.line_of(key),
                Severity::Error,
                format!("{key} should be a list, not a mapping"),
            );
        }
    }
    const LARGE: usize = 1 << 20;
    if e.body.len() > LARGE {
        at(
            &mut out,
            e.body_line,
            Severity::Warning,
            format!(
                "body of {} KB: over 1 MB is far beyond any real entry",
                e.body.len() / 1024
            ),
        );
    }
    if e.body.trim().is_empty() && e.content_intro.is_none() {
        say(
            &mut out,
            None,
            Severity::Warning,
            "empty body: the page will have no description".into(),
        );
    }
    for (k, _) in &e.key_lines {
        if KNOWN_KEYS.contains(&k.as_str()) || !e.front.contains_key(k.as_str()) {
            continue;
        }
        if let Some(near) = KNOWN_KEYS.iter().find(|known| {
            let d = edit_distance(k, known);
            d > 0 && d <= 2 && k.len() > 3
        }) {
            say(
                &mut out,
                Some(k),
                Severity::Warning,
                format!("unknown key `{k}`; did you mean `{near}`?"),
            );
        }
    }
    out
}

/// Every finding for a catalogue: files that failed to load, then each entry's.
pub fn catalogue(cat: &Catalogue) -> Vec<Finding> {
    let mut out: Vec<Finding> = cat
        .problems
        .iter()
        .map(|p| Finding {
            path: p.path.clone(),
            line: p.line,
            col: p.col,
            severity: Severity::Error,
            message: p.message.clone(),
        })
        .collect();
    for (slug, old, new) in &cat.replaced {
        out.push(Finding {
            path: new.clone(),
            line: None,
            col: None,
            severity: Severity::Warning,
            message: format!("slug `{slug}` is also in {old}; this file replaces it"),
        });
    }
    for e in &cat.entries {
        out.extend(entry(e, cat));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Origin, SourceFile};

    fn findings(text: &str) -> Vec<String> {
        let cat = Catalogue::from_files(vec![SourceFile {
            slug: "t".into(),
            path: "t.md".into(),
            text: Ok(text.into()),
            origin: Origin::Bundled,
            prepared: None,
            known_clean: false,
        }]);
        catalogue(&cat).iter().map(|f| f.to_string()).collect()
    }

    #[test]
    fn the_bundled_catalogue_has_no_error() {
        let cat = Catalogue::bundled();
        let f = catalogue(&cat);
        assert!(f.iter().all(|f| f.severity == Severity::Warning), "{f:?}");
    }

    #[test]
    fn each_rule() {
        let f = findings(
            "---\ntitle: T\nis_open: 3\nis_france_connected: 5\nexternal_site: www.x.fr\ncontact_link: nobody\ndoc_tech_link: /swaggers/x\naccess_page:\n  - who: []\n    is_eligible: 2\nthemes: [a]\ntitel: x\n---\n",
        );
        let all = f.join("\n");
        for want in [
            "t.md:1:1: error: missing tagline",
            "t.md:3:1: error: is_open: `3` is not one of [-1, 0, 1]",
            "t.md:4:1: error: is_france_connected: `5`",
            "t.md:5:1: error: external_site: `www.x.fr` is not a URL",
            "t.md:6:1: error: contact_link: `nobody` is neither a URL nor an e-mail address",
            "t.md:8:1: error: access_page rule 1 has no `who`",
            "access_page rule 1 has no description",
            "access_page rule 1: is_eligible: `2`",
            "t.md:12:1: warning: unknown key `titel`; did you mean `title`?",
            "warning: empty body",
        ] {
            assert!(all.contains(want), "missing {want:?} in\n{all}");
        }
        let f = findings(
            "---\ntitle: T\ntagline: x\nis_open: true\ncontact_link: a@b.fr\ndoc_tech_external: https://x.fr\n---\nbody",
        );
        assert_eq!(
            f,
            vec!["t.md:4:1: warning: is_open: `true` is an old form; write one of [-1, 0, 1]"]
        );
        assert_eq!(
            findings("nope")[0],
            "t.md:1:1: error: no front matter: an entry must start with a `---` line, then `key: value` lines and a closing `---`"
        );
    }

    #[test]
    fn urls_and_emails() {
        assert!(is_url("https://a.fr/x"));
        assert!(!is_url("a.fr"));
        assert!(is_email("a@b.fr") && is_email("mailto:a@b.fr"));
        assert!(!is_email("a@b") && !is_email("a b@c.fr"));
    }
}
