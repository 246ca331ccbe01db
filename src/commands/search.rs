//! `apicat search`: entries ranked against words (ranking itself is the core's `search`).

use apicat_core::catalogue::{Entry, Listing};
use apicat_core::index::Index;
use apicat_core::index::Want;
use apicat_core::search::{Bodies, Hit, Match, Query, Ranking, rank_all, search_in};
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
        let mut buf = Vec::new();
        if let Some(index) = config.sources.index(&mut buf, Want::Search)? {
            for p in &index.problems {
                eprintln!("{p}");
            }
            if let Some(code) = indexed(&index, config, args)? {
                return Ok(code);
            }
            index.forget();
        } else {
            let mut buf = Vec::new();
            if let Some(merged) = config
                .sources
                .merged(&mut buf, args.filter.json, Want::Search)?
            {
                for p in &merged.catalogue.problems {
                    eprintln!("{p}");
                }
                let bodies = merged.bodies();
                let fields = Some((&merged.fields[..], &bodies as &dyn Bodies));
                let ok = || !merged.damaged();
                if let Some(code) = ranked(&merged.catalogue, fields, &ok, config, args)? {
                    return Ok(code);
                }
                merged.forget();
            }
        }
    }
    let cat = super::load(config)?;
    Ok(ranked(&cat, None, &|| true, config, args)?.unwrap_or(0))
}

/// Ranks every entry of a catalogue (with their search fields when an index gave them).
fn ranked(
    cat: &apicat_core::catalogue::Catalogue,
    fields: Option<(
        &[apicat_core::search::Fields<'_>],
        &dyn apicat_core::search::Bodies,
    )>,
    sound: &dyn Fn() -> bool,
    config: &Config,
    args: &SearchArgs,
) -> Result<Option<u8>> {
    let query = parse_query(args)?;
    let ranking = search_in(
        &cat.entries,
        fields.map(|f| f.0),
        fields.map(|f| f.1),
        &query,
        &filter_of(&args.filter),
    );
    if !sound() {
        return Ok(None);
    }
    let json = format_of(config, args.filter.format, args.filter.json) == Format::Json;
    if ranking.hits.is_empty() && json {
        // A filter value that names nothing is said so, rather than "no API matches".
        emit("[]\n")?;
    }
    let no_match = || {
        let what = hint_update(
            config,
            no_match(&query, &ranking.closest, |i| cat.entries[i].slug.clone()),
        );
        nothing_matches(cat, &args.filter, what)
    };
    show(&ranking, config, args, no_match, |i| {
        (cat.entries[i].listing(), cat.entries[i].clone())
    })
    .map(Some)
}

fn parse_query(args: &SearchArgs) -> Result<Query> {
    let query = Query::parse(&args.query);
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
    let mut t: Vec<&str> = h.matches.iter().map(|m| m.term.as_str()).collect();
    t.dedup();
    t
}

/// Search on an index: entries are made only for the hits, unless a filter needs them all.
/// `None` when the index was found damaged (nothing printed).
fn indexed(index: &Index, config: &Config, args: &SearchArgs) -> Result<Option<u8>> {
    let f = &args.filter;
    let json = format_of(config, f.format, f.json) == Format::Json;
    let sound = || !index.damaged();
    if f.theme.is_some() || f.producer.is_some() || f.access.is_some() || f.france_connect {
        let fields = Some((&index.fields[..], index.bodies()));
        return ranked(&index.catalogue(json), fields, &sound, config, args);
    }
    let query = parse_query(args)?;
    let ranking = rank_all(&index.candidates(), index.bodies(), &query);
    if !sound() {
        return Ok(None);
    }
    if ranking.hits.is_empty() && json {
        emit("[]\n")?;
    }
    let no_match = || {
        let what = hint_update(
            config,
            no_match(&query, &ranking.closest, |i| index.entry(i, false).slug),
        );
        Error::not_found(what)
    };
    show(&ranking, config, args, no_match, |i| {
        (index.listing(i), index.entry(i, json))
    })
    .map(Some)
}

/// Prints the hits as a table, JSON or explanations; `get` gives a hit's listing and entry.
fn show<'a>(
    ranking: &Ranking,
    config: &Config,
    args: &SearchArgs,
    no_match: impl FnOnce() -> Error,
    get: impl Fn(usize) -> (Listing<'a>, Entry),
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
                let mut o = view::json::summary(&get(h.index).1);
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
            let (l, _) = get(h.index);
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
                    .filter(|m| m.term == term)
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
    let rows: Vec<_> = hits
        .iter()
        .map(|h| (get(h.index).0, &h.marks[..]))
        .collect();
    match format {
        Format::Tsv => emit(&view::table::entries_tsv(rows))?,
        _ => emit(&view::table::entries(rows, &config.style))?,
    }
    Ok(0)
}

/// `{"word": [{"field": "title", "how": "exact"}, {"field": "body", "how": "stem", "word": "impot"}]}`
fn matched_json(matches: &[Match]) -> serde_json::Value {
    let mut o = serde_json::Map::new();
    for m in matches {
        let mut one = serde_json::json!({ "field": m.field, "how": m.how.name() });
        if let Some(w) = &m.word {
            one["word"] = w.clone().into();
        }
        let list = o
            .entry(m.term.clone())
            .or_insert_with(|| serde_json::Value::Array(Vec::new()));
        if let serde_json::Value::Array(a) = list {
            a.push(one);
        }
    }
    serde_json::Value::Object(o)
}
