//! Runs a parsed command line: loads the catalogue in use and calls the command.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::catalogue::{Catalogue, Origin, directory_files, producers_beside};
use crate::cli::{Cli, Command, EligibleArgs, FilterArgs, ListArgs, SearchArgs, ShowArgs};
use crate::search::{Filter, Query};
use crate::term::{Style, emit, page_or_print};
use crate::view;

/// A failure with the exit status it calls for.
#[derive(Debug)]
pub struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    /// Nothing found, or a name that is not in the catalogue (exit 1).
    pub fn not_found(message: impl Into<String>) -> Failure {
        Failure {
            code: 1,
            message: message.into(),
        }
    }
    /// A usage mistake (exit 2).
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: 2,
            message: message.into(),
        }
    }
    pub fn code(&self) -> u8 {
        self.code
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        Failure {
            code: 1,
            message: e.to_string(),
        }
    }
}

pub type Result<T> = std::result::Result<T, Failure>;

/// The personal catalogue: `$XDG_DATA_HOME/apicat/catalogue` on Linux.
pub fn personal_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "apicat").map(|p| p.data_dir().join("catalogue"))
}

/// Builds the catalogue in use: a directory alone, or the bundled entries with the personal
/// ones added (a personal entry replaces the bundled one of the same slug).
fn build(dir: Option<&Path>) -> std::result::Result<Catalogue, String> {
    if let Some(dir) = dir {
        if !dir.is_dir() {
            return Err(format!(
                "{}: no such directory (--catalogue or APICAT_CATALOGUE must name a folder of *.md entries)",
                dir.display()
            ));
        }
        let mut cat =
            Catalogue::from_files(directory_files(dir, Origin::Directory(dir.to_path_buf()))?);
        match producers_beside(dir) {
            Some(p) => cat.set_producers(p, true),
            None => cat.set_producers(Default::default(), false),
        }
        return Ok(cat);
    }
    let mut files = Catalogue::bundled_sources();
    let mut producers = Catalogue::bundled_producers();
    if let Some(personal) = personal_dir().filter(|d| d.is_dir()) {
        files.extend(directory_files(
            &personal,
            Origin::Personal(personal.clone()),
        )?);
        if let Some(p) = producers_beside(&personal) {
            producers.extend(p);
        }
    }
    let mut cat = Catalogue::from_files(files);
    cat.set_producers(producers, false);
    Ok(cat)
}

/// The catalogue in use, for completion: no messages, never an error.
pub fn load_quietly(dir: Option<&Path>) -> Catalogue {
    build(dir).unwrap_or_default()
}

/// Loads the catalogue in use and reports unreadable files on stderr.
pub fn load(cli: &Cli) -> Result<Catalogue> {
    let cat = build(cli.catalogue.as_deref()).map_err(Failure::usage)?;
    if !matches!(cli.command, Command::Check(_)) {
        for p in &cat.problems {
            eprintln!("{p}");
        }
    }
    Ok(cat)
}

pub fn run(cli: Cli) -> Result<u8> {
    let style = Style::detect(cli.color);
    match &cli.command {
        Command::Completions(args) => {
            emit(&String::from_utf8_lossy(&crate::complete::script(
                args.shell,
            )))?;
            return Ok(0);
        }
        Command::Man => {
            emit(&man_page())?;
            return Ok(0);
        }
        Command::Paths => {
            emit(&paths(&cli))?;
            return Ok(0);
        }
        _ => {}
    }
    // `list` and `search` read an index: a directory's from the cache, the bundled one made
    // at build time (unless personal entries join it).
    if let (false, Command::List(_) | Command::Search(_)) = (cli.no_cache, &cli.command) {
        let mut buf = crate::cache::Bytes::default();
        let index = match &cli.catalogue {
            Some(dir) => {
                if !dir.is_dir() {
                    build(Some(dir)).map_err(Failure::usage)?;
                }
                Some(
                    crate::cache::load(dir, &mut buf, || build(Some(dir)))
                        .map_err(Failure::usage)?,
                )
            }
            None if !personal_dir().is_some_and(|d| d.is_dir()) => crate::cache::bundled(),
            None => None,
        };
        if let Some(index) = index {
            for p in &index.problems {
                eprintln!("{p}");
            }
            return match &cli.command {
                Command::List(args) => list(&index.catalogue(args.filter.json), args, &style),
                Command::Search(args) => find_indexed(&index, args, &style),
                _ => Ok(0),
            };
        }
    }
    let cat = load(&cli)?;
    match &cli.command {
        Command::List(args) => list(&cat, args, &style),
        Command::Search(args) => find(&cat, None, args, &style),
        Command::Show(args) => show(&cat, args, &style),
        Command::Eligible(args) => eligible(&cat, args, &style),
        Command::Check(args) => check(&cat, args.json),
        Command::Completions(_) | Command::Man | Command::Paths => Ok(0),
    }
}

fn filter_of(args: &FilterArgs) -> Filter {
    Filter {
        theme: args.theme.clone(),
        producer: args.producer.clone(),
        access: args.access.map(Into::into),
    }
}

/// Explains an empty result: a filter value that names nothing gets "did you mean".
fn nothing_matches(cat: &Catalogue, args: &FilterArgs, what: String) -> Failure {
    if let Some(t) = &args.theme {
        let mut themes: Vec<&str> = cat
            .entries
            .iter()
            .flat_map(|e| e.themes.iter().map(String::as_str))
            .collect();
        themes.sort();
        themes.dedup();
        let f = crate::text::fold(t);
        if !themes.iter().any(|th| crate::text::fold(th) == f) {
            let near = crate::text::suggestions(t, themes.iter().copied(), 3);
            let hint = if near.is_empty() {
                format!("themes: {}", themes.join(", "))
            } else {
                format!("did you mean {}?", quoted(&near))
            };
            return Failure::not_found(format!(
                "no theme \"{}\" in the catalogue; {hint}",
                crate::text::sanitize_line(t)
            ));
        }
    }
    Failure::not_found(what)
}

fn quoted(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn list(cat: &Catalogue, args: &ListArgs, style: &Style) -> Result<u8> {
    let filter = filter_of(&args.filter);
    let rows: Vec<_> = cat.entries.iter().filter(|e| filter.matches(e)).collect();
    if rows.is_empty() {
        return Err(nothing_matches(
            cat,
            &args.filter,
            "no API matches these filters".into(),
        ));
    }
    if args.filter.json {
        let v: Vec<_> = rows.iter().map(|e| view::json::summary(e)).collect();
        emit(&view::json::to_string(&serde_json::Value::Array(v)))?;
    } else {
        emit(&view::table::entries(
            rows.iter().map(|e| (e.listing(), &[][..])),
            style,
        ))?;
    }
    Ok(0)
}

fn parse_query(args: &SearchArgs) -> Result<Query> {
    let query = Query::parse(&args.query);
    if query.terms.is_empty() {
        return Err(Failure::usage(
            "the query has no words to look for: try `apicat search urssaf`",
        ));
    }
    Ok(query)
}

fn no_match(cat: &Catalogue, args: &SearchArgs) -> Failure {
    let q = crate::text::sanitize_line(&args.query.join(" "));
    nothing_matches(cat, &args.filter, format!("no API matches \"{q}\""))
}

fn find(
    cat: &Catalogue,
    fields: Option<&[crate::search::Fields<'_>]>,
    args: &SearchArgs,
    style: &Style,
) -> Result<u8> {
    let query = parse_query(args)?;
    let mut hits = crate::search::search_in(&cat.entries, fields, &query, &filter_of(&args.filter));
    if let Some(n) = args.limit {
        hits.truncate(n);
    }
    if hits.is_empty() {
        return Err(no_match(cat, args));
    }
    if args.filter.json {
        return json_hits(hits.iter().map(|h| (&cat.entries[h.index], h)));
    }
    let rows = hits
        .iter()
        .map(|h| (cat.entries[h.index].listing(), &h.marks[..]));
    emit(&view::table::entries(rows, style))?;
    Ok(0)
}

/// `search` on a directory's index: entries are made only for the hits, unless a filter
/// needs them all.
fn find_indexed(index: &crate::cache::Index, args: &SearchArgs, style: &Style) -> Result<u8> {
    let f = &args.filter;
    if f.theme.is_some() || f.producer.is_some() || f.access.is_some() {
        return find(&index.catalogue(f.json), Some(&index.fields), args, style);
    }
    let query = parse_query(args)?;
    let mut hits = crate::search::rank(&index.candidates(), &query);
    if let Some(n) = args.limit {
        hits.truncate(n);
    }
    if hits.is_empty() {
        return Err(no_match(&Catalogue::default(), args));
    }
    if f.json {
        let entries: Vec<_> = hits.iter().map(|h| index.entry(h.index, true)).collect();
        return json_hits(entries.iter().zip(&hits));
    }
    let rows = hits.iter().map(|h| (index.listing(h.index), &h.marks[..]));
    emit(&view::table::entries(rows, style))?;
    Ok(0)
}

fn json_hits<'a>(
    hits: impl Iterator<Item = (&'a crate::catalogue::Entry, &'a crate::search::Hit)>,
) -> Result<u8> {
    let v: Vec<_> = hits
        .map(|(e, h)| {
            let mut o = view::json::summary(e);
            o["score"] = h.score.into();
            o
        })
        .collect();
    emit(&view::json::to_string(&serde_json::Value::Array(v)))?;
    Ok(0)
}

/// The entry a NAME argument designates, or a "did you mean" failure.
pub fn entry_named<'a>(cat: &'a Catalogue, name: &str) -> Result<&'a crate::catalogue::Entry> {
    if name.trim().is_empty() {
        return Err(Failure::usage(
            "an API name is needed, e.g. `apicat show api-entreprise` (`apicat list` shows them all)",
        ));
    }
    cat.lookup(name).map_err(|near| {
        let name = crate::text::sanitize_line(name);
        let mut msg = format!("no API named \"{name}\"");
        if !near.is_empty() {
            msg.push_str(&format!("\n\ndid you mean {}?", quoted(&near)));
        }
        msg.push_str("\n(`apicat search WORDS` finds APIs by words)");
        Failure::not_found(msg)
    })
}

fn show(cat: &Catalogue, args: &ShowArgs, style: &Style) -> Result<u8> {
    let e = entry_named(cat, &args.name)?;
    if args.json {
        emit(&view::json::to_string(&view::json::entry(e)))?;
    } else {
        page_or_print(&view::page::page(e, style), style, !args.no_pager)?;
    }
    Ok(0)
}

fn eligible(cat: &Catalogue, args: &EligibleArgs, style: &Style) -> Result<u8> {
    use crate::eligibility::{
        Ambiguity, answer, catalogue_profiles, entry_labels, profiles_matching,
    };
    use crate::view::{questionnaire, verdict};

    let entry = args
        .slug
        .as_deref()
        .map(|s| entry_named(cat, s))
        .transpose()?;
    let Some(profile) = args.profile.as_deref() else {
        if args.json || !questionnaire::available() {
            return Err(Failure::usage(
                "who are you? Without a terminal to ask on, say it with --as, e.g. `apicat eligible --as collectivite`",
            ));
        }
        questionnaire::on_interrupt();
        match entry {
            Some(e) => questionnaire::one(e, style)?,
            None => questionnaire::catalogue(cat, style)?,
        }
        return Ok(0);
    };
    let profile = profile.trim();
    if crate::eligibility::profile_words(profile).is_empty() {
        return Err(Failure::usage(
            "--as needs a profile, e.g. --as collectivite",
        ));
    }
    if let Some(e) = entry {
        let known = entry_labels(e);
        let a = match answer(e, profile, Ambiguity::Refuse) {
            Ok(a) => a,
            Err(labels) => {
                return Err(Failure::usage(format!(
                    "\"{}\" names several profiles of {} with different verdicts: {}\nsay which with --as, e.g. --as \"{}\"",
                    crate::text::sanitize_line(profile),
                    e.slug,
                    quoted(&labels),
                    labels[0]
                )));
            }
        };
        if a.label.is_none() && !a.no_request && e.is_open != Some(0) && !known.is_empty() {
            return Err(Failure::usage(format!(
                "{} does not name the profile \"{}\"; its profiles: {}",
                e.slug,
                crate::text::sanitize_line(profile),
                quoted(&known)
            )));
        }
        if args.json {
            emit(&view::json::to_string(&verdict::json(e, profile, &a)))?;
        } else {
            emit(&verdict::page(e, profile, &a, style))?;
        }
        return Ok(0);
    }
    let profiles = catalogue_profiles(&cat.entries);
    if profiles_matching(&profiles, profile).is_empty() {
        let labels: Vec<&str> = profiles.iter().map(|p| p.label.as_str()).collect();
        // Compare what matters: words without articles.
        let keys: Vec<String> = labels
            .iter()
            .map(|l| crate::eligibility::profile_words(l).join(" "))
            .collect();
        let typed = crate::eligibility::profile_words(profile).join(" ");
        let near: Vec<&str> = crate::text::suggestions(&typed, keys.iter().map(String::as_str), 3)
            .into_iter()
            .filter_map(|k| keys.iter().position(|x| x == k).map(|i| labels[i]))
            .collect();
        let hint = if near.is_empty() {
            format!("profiles: {}", quoted(&labels))
        } else {
            format!("did you mean {}?", quoted(&near))
        };
        return Err(Failure::usage(format!(
            "no access page names the profile \"{}\"; {hint}",
            crate::text::sanitize_line(profile)
        )));
    }
    let rows = questionnaire::rows(cat, profile);
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

/// The roff man page: the main page, then each command's options.
pub fn man_page() -> String {
    use clap::CommandFactory;
    let cmd = Cli::command();
    let mut buf: Vec<u8> = Vec::new();
    let man = clap_mangen::Man::new(cmd.clone());
    let _ = man.render(&mut buf);
    for sub in cmd.get_subcommands() {
        let name = format!("apicat {}", sub.get_name());
        buf.extend_from_slice(format!(".SH \"{}\"\n", name.to_uppercase()).as_bytes());
        let sub = sub.clone().bin_name(name);
        let man = clap_mangen::Man::new(sub);
        let _ = man.render_description_section(&mut buf);
        let _ = man.render_synopsis_section(&mut buf);
        let _ = man.render_options_section(&mut buf);
    }
    String::from_utf8_lossy(&buf).into_owned()
}

fn paths(cli: &Cli) -> String {
    let mut out = String::new();
    match crate::cache::dir() {
        Some(d) => out.push_str(&format!(
            "cache      {}  (index of catalogue directories; --no-cache bypasses it)\n",
            d.display()
        )),
        None => out.push_str("cache      (no cache directory)\n"),
    }
    if let Some(dir) = &cli.catalogue
        && let Some(file) = crate::cache::file_for(dir)
    {
        let state = if crate::cache::is_current(dir) {
            "current"
        } else {
            "absent or stale: rebuilt on the next list or search"
        };
        out.push_str(&format!("index      {}  ({state})\n", file.display()));
    }
    match &cli.catalogue {
        Some(dir) => {
            out.push_str(&format!(
                "catalogue  {}  (--catalogue or APICAT_CATALOGUE: served alone)\n",
                dir.display()
            ));
        }
        None => {
            out.push_str(&format!(
                "bundled    {} entries built into the binary\n",
                crate::catalogue::bundled_files().count()
            ));
            match personal_dir() {
                Some(d) => {
                    let state = if d.is_dir() {
                        "added to the bundled entries"
                    } else {
                        "absent; create it to add your own entries"
                    };
                    out.push_str(&format!("personal   {}  ({state})\n", d.display()));
                }
                None => out.push_str("personal   (no home directory)\n"),
            }
        }
    }
    out
}

fn check(cat: &Catalogue, json: bool) -> Result<u8> {
    use crate::check::Severity;
    let findings = crate::check::catalogue(cat);
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    let files = cat.entries.len() + cat.problems.len();
    if json {
        let v: Vec<serde_json::Value> = findings
            .iter()
            .map(|f| {
                serde_json::json!({
                    "path": f.path, "line": f.line, "column": f.col,
                    "severity": f.severity.word(), "message": f.message,
                })
            })
            .collect();
        let doc = serde_json::json!({ "files": files, "errors": errors, "warnings": warnings, "findings": v });
        emit(&view::json::to_string(&doc))?;
    } else {
        let mut out = String::new();
        for f in &findings {
            out.push_str(&format!("{f}\n"));
        }
        emit(&out)?;
        eprintln!("{files} files checked: {errors} errors, {warnings} warnings");
    }
    Ok(u8::from(errors > 0))
}
