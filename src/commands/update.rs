//! `apicat update`: fetches every dataservice of a udata site (data.gouv.fr by default), or
//! imports a saved response, and keeps it as the snapshot served beside the bundled entries.
//! The conversion is the core's (`catalogue::datagouv`), the snapshot's format too
//! (`catalogue::snapshot`); this file only fetches and reports.

use std::collections::HashSet;
use std::io::IsTerminal;
use std::time::{SystemTime, UNIX_EPOCH};

use apicat_core::catalogue::Origin;
use apicat_core::catalogue::datagouv::{self, Place};
use apicat_core::catalogue::folder::{ReadFailure, read_regular};
use apicat_core::catalogue::snapshot::{self, ITEMS, Meta, Snapshot};
use apicat_core::text::sanitize_line;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::Value;

use crate::app::Config;
use crate::cli::UpdateArgs;
use crate::net::Client;
use crate::term::emit;
use crate::{Error, Result};

/// The listing asks for this many items a page (a server may send fewer).
const PAGE_SIZE: usize = 100;
/// At most this many items, pages and bytes in all: far above the real catalogue (a few
/// hundred APIs), far below what would fill a disk.
const MAX_ITEMS: usize = 100_000;
const MAX_PAGES: usize = 5_000;
const MAX_BYTES: u64 = 512 * 1024 * 1024;

pub fn run(config: &Config, args: &UpdateArgs) -> Result<u8> {
    let dir = snapshot::dir()
        .ok_or_else(|| Error::usage("no home directory: nowhere to keep the snapshot"))?;
    let previous = Snapshot::open(&dir);
    let kept = match &previous {
        Some(s) => format!("your snapshot of {} is kept", s.meta.when()),
        None => "no snapshot was saved".to_string(),
    };
    let (items, origin, shown) = match &args.file {
        Some(path) => {
            let shown = apicat_core::text::visible(&path.display().to_string()).into_owned();
            (read_file(path, &shown, &kept)?, shown.clone(), shown)
        }
        None => {
            let root = args.from.trim().trim_end_matches('/');
            let lower = root.to_ascii_lowercase();
            if !(lower.starts_with("https://") || lower.starts_with("http://")) {
                return Err(Error::usage(format!(
                    "--from {}: give the root of a udata site, e.g. https://www.data.gouv.fr",
                    sanitize_line(root)
                )));
            }
            let url = format!("{root}/api/1/dataservices/?page_size={PAGE_SIZE}");
            (fetch(&url, host(root), &kept)?, url, sanitize_line(root))
        }
    };
    let converted = datagouv::convert(items, &Origin::Datagouv(dir.join(ITEMS)));
    for p in &converted.problems {
        eprintln!("apicat: left out: {p}");
    }
    for r in &converted.renamed {
        eprintln!("apicat: {r}");
    }
    if converted.kept.is_empty() {
        return Err(Error::Update(format!(
            "no dataservice could be read from {shown}; {kept}"
        )));
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let meta = Meta {
        origin,
        fetched_at: snapshot::iso_utc(now),
        count: converted.kept.len(),
    };
    let snap = snapshot::save(&dir, &meta, converted.kept).map_err(|e| {
        Error::Update(format!(
            "cannot save the snapshot in {}: {e}; {kept}",
            dir.display()
        ))
    })?;
    let mut notes = Vec::new();
    if !converted.left_out.is_empty() {
        notes.push(format!(
            "{} left out: archived, deleted or private",
            converted.left_out.len()
        ));
    }
    if !converted.problems.is_empty() {
        notes.push(format!("{} unreadable", converted.problems.len()));
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", notes.join("; "))
    };
    let said = format!(
        "{} from {shown}, {}{notes}",
        apis(snap.meta.count),
        snap.meta.when()
    );
    // One line into a pipe; on a terminal, wrapped between words.
    let lines = match config.style.tty {
        true => crate::view::table::wrap(&said, config.style.width),
        false => vec![said.as_str()],
    };
    emit(&(lines.join("\n") + "\n"))?;
    Ok(0)
}

/// `1 API`, `5 APIs`.
pub fn apis(n: usize) -> String {
    format!("{n} API{}", if n == 1 { "" } else { "s" })
}

/// The host of a URL, for messages.
fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    sanitize_line(rest.split(['/', '?', '#']).next().unwrap_or(rest))
}

fn read_file(path: &std::path::Path, shown: &str, kept: &str) -> Result<Vec<(String, Place)>> {
    let fail = |why: String| Error::Update(format!("{shown}: {why}; {kept}"));
    // A FIFO or device given as the file must not block nor stream for ever.
    let bytes = read_regular(path, MAX_BYTES).map_err(|e| match e {
        ReadFailure::TooLarge(_) => fail(format!("larger than {MAX_BYTES} bytes")),
        ReadFailure::NotRegular => fail("not a regular file".into()),
        ReadFailure::Io(e) => fail(e.to_string()),
    })?;
    let text = String::from_utf8(bytes).map_err(|_| fail("not UTF-8 text".into()))?;
    let items =
        datagouv::file_items(&text, shown).map_err(|p| Error::Update(format!("{p}; {kept}")))?;
    if items.len() > MAX_ITEMS {
        return Err(fail(format!("more than {MAX_ITEMS} items")));
    }
    Ok(items)
}

/// Every item of the listing, following `next_page` until it is null.
fn fetch(first: &str, host: String, kept: &str) -> Result<Vec<(String, Place)>> {
    let client = Client::from_env();
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} APIs {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_prefix(format!("Fetching from {host}"));
    let mut items = Vec::new();
    let mut seen = HashSet::new();
    let mut ids = HashSet::new();
    let mut url = first.to_string();
    let mut bytes = 0u64;
    for n in 1..=MAX_PAGES {
        let what = format!("page {n} ({})", sanitize_line(&url));
        let body = client
            .get(&url, MAX_BYTES - bytes, |m| bar.set_message(m.to_string()))
            .map_err(|e| {
                bar.finish_and_clear();
                Error::Update(format!(
                    "cannot reach {host}: {e} (page {n}: {}); {kept}",
                    sanitize_line(&url)
                ))
            })?;
        bar.set_message("");
        bytes += body.len() as u64;
        let bad = |why: String| {
            bar.finish_and_clear();
            Error::Update(format!("{why}; {kept}"))
        };
        let value: Value = serde_json::from_slice(&body).map_err(|e| {
            bad(format!(
                "{what}: invalid JSON: {}",
                sanitize_line(&e.to_string())
            ))
        })?;
        let place = Place {
            what: what.clone(),
            line: None,
            item: None,
        };
        let page = datagouv::page(value, &place).map_err(|p| bad(p.to_string()))?;
        if let Some(total) = page.total {
            bar.set_length(total);
        }
        let count = page.items.len();
        // A server that sends the same items again under a new `next_page` would be followed
        // to the page limit, each copy kept: an item read before is dropped, and a page made
        // mostly of them ends the listing. Items are told apart by id, else slug, else title.
        let mut fresh = Vec::with_capacity(count);
        for (i, v) in page.items.into_iter().enumerate() {
            let key = ["id", "slug", "title"]
                .iter()
                .find_map(|k| {
                    v.get(*k)
                        .and_then(Value::as_str)
                        .map(|s| format!("{k}:{s}"))
                })
                .unwrap_or_else(|| v.to_string());
            if ids.insert(key) {
                fresh.push((i, v));
            }
        }
        if count > 0 && fresh.len() * 2 < count {
            return Err(bad(format!(
                "{what}: {} of its {count} items were already read on an earlier page (the \
                 listing repeats itself): stopped",
                count - fresh.len()
            )));
        }
        // Kept as text: a tree of values takes several times its text.
        items.extend(fresh.into_iter().map(|(i, v)| {
            let p = Place {
                item: Some(i + 1),
                ..place.clone()
            };
            (v.to_string(), p)
        }));
        bar.inc(count as u64);
        if items.len() > MAX_ITEMS {
            return Err(bad(format!("more than {MAX_ITEMS} items: stopped")));
        }
        seen.insert(url.clone());
        match page.next {
            None => {
                bar.finish_and_clear();
                return Ok(items);
            }
            Some(next) if seen.contains(&next) => {
                return Err(bad(format!(
                    "{what}: `next_page` leads back to a page already read"
                )));
            }
            Some(_) if count == 0 => {
                return Err(bad(format!("{what}: no items, yet a `next_page`")));
            }
            Some(next) => url = next,
        }
    }
    Err(Error::Update(format!(
        "more than {MAX_PAGES} pages: stopped; {kept}"
    )))
}
