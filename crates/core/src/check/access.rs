//! Who may use the API: `is_open`, `is_france_connected`, the access page, the account link.

use serde_yaml::Value;

use super::{Review, Severity, code_in};
use crate::catalogue::Access;
use crate::catalogue::markdown::{list_of, scalar_text};

pub(super) fn review(r: &mut Review) {
    match r.get("is_open") {
        None => r.say(
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
                r.say(Some("is_open"), sev, format!("is_open: {m}"));
            }
        }
    }
    if let Err(m) = code_in(r.get("is_france_connected"), &[-1, 0, 1, 2]) {
        r.say(
            Some("is_france_connected"),
            Severity::Error,
            format!("is_france_connected: {m}"),
        );
    }
    match r.get("access_page") {
        Some(Value::Sequence(rules)) => {
            for (i, rule) in rules.iter().enumerate() {
                let n = i + 1;
                let Value::Mapping(m) = rule else {
                    r.say(
                        Some("access_page"),
                        Severity::Error,
                        format!(
                            "access_page rule {n} is not a mapping of who / is_eligible / description"
                        ),
                    );
                    continue;
                };
                if list_of(m.get("who")).is_empty() {
                    r.say(
                        Some("access_page"),
                        Severity::Error,
                        format!("access_page rule {n} has no `who`"),
                    );
                }
                if m.get("description").and_then(scalar_text).is_none() {
                    r.say(
                        Some("access_page"),
                        Severity::Error,
                        format!("access_page rule {n} has no description"),
                    );
                }
                match m.get("is_eligible") {
                    None => r.say(
                        Some("access_page"),
                        Severity::Error,
                        format!("access_page rule {n} has no is_eligible"),
                    ),
                    v => {
                        if let Err(msg) = code_in(v, &[-1, 0, 1]) {
                            r.say(
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
            if r.e.access == Access::Restricted {
                r.say(
                    None,
                    Severity::Warning,
                    "restricted (is_open: -1) but no access_page says who may use it".into(),
                );
            }
        }
        Some(_) => r.say(
            Some("access_page"),
            Severity::Error,
            "access_page is not a list of rules".into(),
        ),
    }
    if r.e.access == Access::Account && r.e.account_link.is_none() {
        r.say(
            None,
            Severity::Warning,
            "account needed (is_open: 0) but no account_link".into(),
        );
    }
}
