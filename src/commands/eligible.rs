//! `apicat eligible`: the verdict for a profile, on one API or across the catalogue; on a
//! terminal without `--as`, the questionnaire asks. Verdicts are the core's `eligibility`.

use apicat_core::catalogue::{Access, Entry};
use apicat_core::eligibility::{self, Answer, Audience, UnknownProfile, profile_words};
use apicat_core::index::Want;
use apicat_core::text::sanitize_line;

use super::{load, quoted};
use crate::app::Config;
use crate::cli::{EligibleArgs, Format};
use crate::term::{Style, emit, page_or_print};
use crate::view::{self, questionnaire, verdict};
use crate::{Error, Result};

pub fn run(config: &Config, args: &EligibleArgs) -> Result<u8> {
    let style = &config.style;
    let one = args
        .slug
        .as_deref()
        .map(|s| super::one_entry(config, s))
        .transpose()?;
    // Most profiles are settled by the entry alone (an audience, a label of its page): the
    // rest of the catalogue is then not read.
    if let Some(e) = &one {
        let typed = args.profile.as_deref().map(|p| sanitize_line(p.trim()));
        let asked = match typed.as_deref() {
            // An open API needs no question: anyone may use it.
            None if e.access == Access::Open => Some(""),
            Some(t) if !profile_words(t).is_empty() => Some(t),
            _ => None,
        };
        if let Some(t) = asked
            && let Some((who, a)) = eligibility::for_entry_alone(e, t)
        {
            let (profile, name) = match typed.as_deref() {
                None => (None, "anyone"),
                Some(t) => (Some(t), who.name()),
            };
            verdict_of_one(e, profile, name, &a, args.json, style)?;
            return Ok(0);
        }
    }
    let mut buf = apicat_core::index::Buf::default();
    // Verdicts need only what the index holds, and a profile is read against every label of
    // the catalogue (one answer everywhere), so the index serves both forms.
    let indexed = match config.no_cache {
        false => config.sources.index(&mut buf, Want::Verdicts)?,
        true => None,
    };
    let cat = match indexed {
        Some(index) => {
            for p in &index.problems {
                eprintln!("{p}");
            }
            index.catalogue_for_verdicts()
        }
        None => load(config)?,
    };
    let entry = one.as_ref();
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
    // Echoed on every verdict: never raw.
    let profile = &sanitize_line(profile.trim());
    if profile_words(profile).is_empty() {
        return Err(Error::usage("--as needs a profile, e.g. --as collectivite"));
    }
    if let Some(e) = entry {
        let (who, a) =
            eligibility::for_entry(&cat.entries, e, profile).map_err(|u| unknown(u, profile))?;
        verdict_of_one(e, Some(profile), who.name(), &a, args.json, style)?;
        return Ok(0);
    }
    let (_, rows) = eligibility::across(&cat.entries, profile).map_err(|u| unknown(u, profile))?;
    match super::format_of(config, args.format, args.json) {
        Format::Json => {
            let v: Vec<_> = rows
                .iter()
                .map(|(e, a)| verdict::json(e, Some(profile), a))
                .collect();
            emit(&view::json::to_string(&serde_json::Value::Array(v)))?;
        }
        Format::Table => page_or_print(&verdict::table(&rows, style), style, true)?,
        Format::Tsv => emit(&verdict::tsv(&rows))?,
    }
    Ok(0)
}

/// One API's verdict, as a page or as JSON.
fn verdict_of_one(
    e: &Entry,
    profile: Option<&str>,
    who: &str,
    a: &Answer,
    json: bool,
    style: &Style,
) -> Result<()> {
    if json {
        emit(&view::json::to_string(&verdict::json(e, profile, a)))?;
    } else {
        emit(&verdict::page(e, who, a, style))?;
    }
    Ok(())
}

/// A profile no access page names: what it may have meant, the audiences, then every label
/// in columns.
fn unknown(u: UnknownProfile, profile: &str) -> Error {
    let width = crate::term::Style::detect(crate::cli::ColorChoice::Never).width;
    let mut msg = format!(
        "no access page names the profile \"{}\"",
        sanitize_line(profile)
    );
    if !u.near.is_empty() {
        msg.push_str(&format!("; did you mean {}?", quoted(&u.near)));
    }
    msg.push_str("\nsay who you are with an audience:\n");
    for a in Audience::ALL {
        msg.push_str(&format!("  --as {:<16}{}\n", a.key(), a.label()));
    }
    if !u.labels.is_empty() {
        msg.push_str("or with a label of the access pages (--as \"LABEL\"):\n");
        let labels: Vec<String> = u.labels.iter().map(|l| sanitize_line(l)).collect();
        msg.push_str(&verdict::columns(&labels, width));
    }
    Error::usage(msg.trim_end().to_string())
}
