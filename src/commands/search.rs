//! `apicat search`: entries ranked against words (ranking itself is the core's `search`).

use apicat_core::catalogue::{Entry, Listing, Served};
use apicat_core::index::Want;
use apicat_core::search::{
    Bodies, Candidate, Hit, Match, OwnBodies, Query, Ranking, rank_all, search_in,
};
use apicat_core::text::sanitize_line;

use super::{filter_of, format_of, nothing_matches};
use crate::app::Config;
use crate::cli::{Format, SearchArgs};
use crate::term::emit;
use crate::view;
use crate::{Error, Result};

pub fn run(config: &Config, args: &SearchArgs) -> Result<u8> {
    // A block of an index found damaged while ranking: nothing is printed from it, its file is
    // removed (the next run makes it again), and this run reads the entries themselves.
    if !config.no_cache {
        let filter = filter_of(&args.filter);
        let mut buf = apicat_core::index::Buf::default();
        if let Some(index) = config.sources.index(&mut buf, Want::Search)? {
            for p in &index.problems {
                eprintln!("{p}");
            }
            let candidates: Vec<_> = index
                .candidates()
                .into_iter()
                .filter(|c| index.passes(c.index, &filter))
                .collect();
            let sound = || !index.damaged();
            if let Some(code) = ranked(&index, &candidates, index.bodies(), &sound, config, args)? {
                return Ok(code);
            }
            index.forget();
        } else {
            let mut buf = apicat_core::index::Buf::default();
            if let Some(merged) = config.sources.merged(&mut buf, Want::Search)? {
                for p in &merged.local.problems {
                    eprintln!("{p}");
                }
                let candidates = merged.candidates(&filter);
                // Personal entries' body words are in their own fields.
                let own = OwnBodies(&candidates);
                let mut bodies = merged.bodies();
                bodies.0.push((&own, None));
                let sound = || !merged.damaged();
                if let Some(code) = ranked(&merged, &candidates, &bodies, &sound, config, args)? {
                    return Ok(code);
                }
                merged.forget();
            }
        }
    }
    let cat = super::load(config)?;
    let query = parse_query(config, args)?;
    let ranking = search_in(&cat.entries, None, &query, &filter_of(&args.filter));
    Ok(shown(&cat, ranking, &query, config, args)?.unwrap_or(0))
}

/// Ranks the candidates (entries of `served` that pass the filters); `None` when `sound`
/// says an index was found damaged meanwhile (nothing printed).
fn ranked(
    served: &dyn Served,
    candidates: &[Candidate],
    bodies: &dyn Bodies,
    sound: &dyn Fn() -> bool,
    config: &Config,
    args: &SearchArgs,
) -> Result<Option<u8>> {
    let query = parse_query(config, args)?;
    let ranking = rank_all(candidates, bodies, &query);
    if !sound() {
        return Ok(None);
    }
    shown(served, ranking, &query, config, args)
}

/// Prints a ranking of the entries of `served`: entries are made only for the hits.
fn shown(
    served: &dyn Served,
    ranking: Ranking,
    query: &Query,
    config: &Config,
    args: &SearchArgs,
) -> Result<Option<u8>> {
    let json = format_of(config, args.filter.format, args.filter.json) == Format::Json;
    if ranking.hits.is_empty() && json {
        // A filter value that names nothing is said so, rather than "no API matches".
        emit("[]\n")?;
    }
    let no_match = || {
        let what = hint_update(
            config,
            no_match(query, &ranking.closest, |i| served.entry(i, false).slug),
        );
        nothing_matches(served, &args.filter, what)
    };
    show(
        &ranking,
        config,
        args,
        no_match,
        |i| served.listing(i),
        |i| served.entry(i, json),
    )
    .map(Some)
}

fn parse_query(config: &Config, args: &SearchArgs) -> Result<Query> {
    let mut query = Query::parse(&args.query);
    // How each word matched is shown by JSON and `--explain` alone.
    query.explained =
        args.explain || format_of(config, args.filter.format, args.filter.json) == Format::Json;
    if query.terms.is_empty() {
        return Err(Error::usage(
            "the query has no words to look for: try `apicat search urssaf`",
        ));
    }
    Ok(query)
}

/// "no API matches all of: carte grise — closest: a (carte), b (grise)".
/// Without a snapshot the bundled catalogue is five APIs: say how to get them all.
fn hint_update(config: &Config, what: String) -> String {
    let s = &config.sources;
    if s.folder.is_none() && s.snapshot.is_none() {
        format!("{what}\n(`apicat update` fetches the whole catalogue)")
    } else {
        what
    }
}

fn no_match(query: &Query, closest: &[Hit], slug: impl Fn(usize) -> String) -> String {
    let q = sanitize_line(&query.terms.join(" "));
    let mut msg = if query.terms.len() > 1 {
        format!("no API matches all of: {q}")
    } else {
        format!("no API matches \"{q}\"")
    };
    if !closest.is_empty() {
        let near: Vec<String> = closest
            .iter()
            .map(|h| {
                format!(
                    "{} ({})",
                    sanitize_line(&slug(h.index)),
                    terms_of(h).join(" ")
                )
            })
            .collect();
        msg.push_str(&format!(" — closest: {}", near.join(", ")));
    }
    msg
}

/// The query terms a hit matched, in query order.
fn terms_of(h: &Hit) -> Vec<&str> {
    let mut t: Vec<&str> = h.matches.iter().map(|m| &*m.term).collect();
    t.dedup();
    t
}

/// Prints the hits as a table, JSON or explanations; an entry is made only for JSON.
fn show<'a>(
    ranking: &Ranking,
    config: &Config,
    args: &SearchArgs,
    no_match: impl FnOnce() -> Error,
    listing: impl Fn(usize) -> Listing<'a>,
    entry: impl Fn(usize) -> Entry,
) -> Result<u8> {
    let mut hits = &ranking.hits[..];
    if let Some(n) = args.limit {
        hits = &hits[..(n as usize).min(hits.len())];
    }
    if hits.is_empty() {
        return Err(no_match());
    }
    let format = format_of(config, args.filter.format, args.filter.json);
    if format == Format::Json {
        let v: Vec<_> = hits
            .iter()
            .map(|h| {
                let mut o = view::json::summary(&entry(h.index));
                o["score"] = h.score.into();
                o["matched"] = matched_json(&h.matches);
                o
            })
            .collect();
        emit(&view::json::to_string(&serde_json::Value::Array(v)))?;
        return Ok(0);
    }
    if args.explain {
        let mut out = String::new();
        for (n, h) in hits.iter().enumerate() {
            let l = listing(h.index);
            out.push_str(&format!(
                "{}. {} — {}  score {:.3}\n",
                n + 1,
                l.slug,
                l.title,
                h.score
            ));
            for term in terms_of(h) {
                let how: Vec<String> = h
                    .matches
                    .iter()
                    .filter(|m| &*m.term == term)
                    .map(|m| match &m.word {
                        Some(w) => format!("{} {} ({})", m.field, m.how.name(), sanitize_line(w)),
                        None => format!("{} {}", m.field, m.how.name()),
                    })
                    .collect();
                out.push_str(&format!("   {}: {}\n", sanitize_line(term), how.join(", ")));
            }
        }
        emit(&out)?;
        return Ok(0);
    }
    let rows = hits.iter().map(|h| listing(h.index));
    match format {
        Format::Tsv => emit(&view::table::entries_tsv(rows))?,
        _ => {
            let mut marks = ranking.marks.clone();
            marks.extend(hits.iter().flat_map(|h| h.marks.iter().cloned()));
            marks.sort_unstable();
            marks.dedup();
            emit(&view::table::entries(rows, marks, &config.style))?
        }
    }
    Ok(0)
}

/// `{"word": [{"field": "title", "how": "exact"}, {"field": "body", "how": "stem", "word": "impot"}]}`
fn matched_json(matches: &[Match]) -> serde_json::Value {
    let mut o = serde_json::Map::new();
    for m in matches {
        let mut one = serde_json::json!({ "field": m.field, "how": m.how.name() });
        if let Some(w) = &m.word {
            one["word"] = w.to_string().into();
        }
        let list = o
            .entry(m.term.to_string())
            .or_insert_with(|| serde_json::Value::Array(Vec::new()));
        if let serde_json::Value::Array(a) = list {
            a.push(one);
        }
    }
    serde_json::Value::Object(o)
}
