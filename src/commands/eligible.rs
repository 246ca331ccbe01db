//! `apicat eligible`: the verdict for a profile, on one API or across the catalogue; on a
//! terminal without `--as`, the questionnaire asks. Verdicts are the core's `eligibility`.

use apicat_core::eligibility::{self, Unanswered, profile_words};
use apicat_core::text::sanitize_line;

use super::{load, quoted};
use crate::app::Config;
use crate::cli::EligibleArgs;
use crate::term::emit;
use crate::view::{self, questionnaire, verdict};
use crate::{Error, Result};

pub fn run(config: &Config, args: &EligibleArgs) -> Result<u8> {
    let style = &config.style;
    let one = args
        .slug
        .as_deref()
        .map(|s| super::one_entry(config, s))
        .transpose()?;
    let entry = one.as_ref();
    let cat = match entry {
        Some(_) => Default::default(),
        None => load(config)?,
    };
    let Some(profile) = args.profile.as_deref() else {
        if args.json || !questionnaire::available() {
            return Err(Error::usage(
                "who are you? Without a terminal to ask on, say it with --as, e.g. `apicat eligible --as collectivite`",
            ));
        }
        questionnaire::on_interrupt();
        match entry {
            Some(e) => questionnaire::one(e, style)?,
            None => questionnaire::catalogue(&cat, style)?,
        }
        return Ok(0);
    };
    let profile = profile.trim();
    if profile_words(profile).is_empty() {
        return Err(Error::usage("--as needs a profile, e.g. --as collectivite"));
    }
    if let Some(e) = entry {
        let a = eligibility::for_entry(e, profile).map_err(|why| match why {
            Unanswered::Ambiguous(labels) => Error::usage(format!(
                "\"{}\" names several profiles of {} with different verdicts: {}\nsay which with --as, e.g. --as \"{}\"",
                sanitize_line(profile),
                e.slug,
                quoted(&labels),
                labels[0]
            )),
            Unanswered::NotNamed(labels) => Error::usage(format!(
                "{} does not name the profile \"{}\"; its profiles: {}",
                e.slug,
                sanitize_line(profile),
                quoted(&labels)
            )),
        })?;
        if args.json {
            emit(&view::json::to_string(&verdict::json(e, profile, &a)))?;
        } else {
            emit(&verdict::page(e, profile, &a, style))?;
        }
        return Ok(0);
    }
    let rows = eligibility::across(&cat.entries, profile).map_err(|unknown| {
        let hint = if unknown.near.is_empty() {
            format!("profiles: {}", quoted(&unknown.labels))
        } else {
            format!("did you mean {}?", quoted(&unknown.near))
        };
        Error::usage(format!(
            "no access page names the profile \"{}\"; {hint}",
            sanitize_line(profile)
        ))
    })?;
    if args.json {
        let v: Vec<_> = rows
            .iter()
            .map(|(e, a)| verdict::json(e, profile, a))
            .collect();
        emit(&view::json::to_string(&serde_json::Value::Array(v)))?;
    } else {
        emit(&verdict::table(&rows, style))?;
    }
    Ok(0)
}
