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
