//! `apicat check`: what a reviewer of catalogue entries would point out, one file per group
//! of rules: `access` (who may use it), `links`, `text` (shapes, characters, keys). Pure.

mod access;
mod links;
mod text;

use serde_yaml::Value;

use crate::catalogue::markdown::{Source, int_of, scalar_text};
use crate::catalogue::{Catalogue, Entry};

/// One entry under review, and what was found.
struct Review<'a> {
    e: &'a Entry,
    src: &'a Source,
    cat: &'a Catalogue,
    out: Vec<Finding>,
}

impl<'a> Review<'a> {
    /// A finding at a line of the file.
    fn at(&mut self, line: usize, severity: Severity, message: String) {
        self.at_col(line, 1, severity, message);
    }

    fn at_col(&mut self, line: usize, col: usize, severity: Severity, message: String) {
        self.out.push(Finding {
            path: self.e.path.clone(),
            line: Some(line),
            col: Some(col),
            severity,
            message,
        });
    }

    /// A finding at a key's line, else the file's first.
    fn say(&mut self, key: Option<&str>, severity: Severity, message: String) {
        let line = key.map_or(1, |k| self.src.line_of(k));
        self.at(line, severity, message);
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.src.front.get(key)
    }
}

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

pub(crate) fn is_url(s: &str) -> bool {
    let s = s.trim();
    (s.starts_with("https://") || s.starts_with("http://"))
        && s.len() > 10
        && !s.contains(char::is_whitespace)
}

pub(crate) fn is_email(s: &str) -> bool {
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

pub(crate) fn code_in(v: Option<&Value>, allowed: &[i64]) -> Result<(), String> {
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

/// Findings for one entry (only Markdown files have front matter to review).
pub fn entry(e: &Entry, cat: &Catalogue) -> Vec<Finding> {
    let Some(src) = e.markdown() else {
        return Vec::new();
    };
    let mut r = Review {
        e,
        src,
        cat,
        out: Vec::new(),
    };
    for key in ["title", "tagline"] {
        if r.get(key).and_then(scalar_text).is_none() {
            r.say(None, Severity::Error, format!("missing {key}"));
        }
    }
    access::review(&mut r);
    links::review(&mut r);
    text::review(&mut r);
    r.out
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
    use crate::catalogue::Origin;
    use crate::catalogue::markdown::SourceFile;

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
        let cat = crate::catalogue::sources::bundled_for_tests();
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
