//! Which entries make the catalogue in use: a folder given with `--catalogue` (or
//! `APICAT_CATALOGUE`) alone, or the bundled entries with the personal ones added (a personal
//! entry replaces the bundled one of the same slug) and, after `apicat update`, data.gouv.fr's
//! snapshot beside them: between a snapshot entry and a bundled or personal one of the same API,
//! the more recently updated is served (see [`merge`]). `--source` keeps one source. `list` and
//! `search` read the same sources through indexes (see [`crate::index`]).

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::folder::{
    PendingFile, directory_files, is_entry_name, lazy_directory_files, listed, producers_beside,
    producers_for, slug_key, source_file,
};
use super::markdown::SourceFile;
use super::snapshot::{self, Slots, Snapshot};
use super::{Catalogue, Elsewhere, Entry, Listing, Origin, Producer, Served};
use crate::error::{Error, Result};
use crate::index::{self, Index, Want};
use crate::search::{Candidate, Filter, JoinedBodies, OwnFields};
use crate::text::sanitize_line;

/// One source of entries, as `--source` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Bundled,
    Datagouv,
    Personal,
    Folder,
}

impl SourceKind {
    pub fn of(origin: &Origin) -> SourceKind {
        match origin {
            Origin::Bundled => SourceKind::Bundled,
            Origin::Personal(_) => SourceKind::Personal,
            Origin::Directory(_) => SourceKind::Folder,
            Origin::Datagouv(_) => SourceKind::Datagouv,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            SourceKind::Bundled => "bundled",
            SourceKind::Datagouv => "datagouv",
            SourceKind::Personal => "personal",
            SourceKind::Folder => "folder",
        }
    }
}

/// Whether the snapshot's entry is served rather than the other source's: the more recently
/// updated (`yyyy-mm-dd`); without a date on one side, the one with a date; without either,
/// the snapshot (the living catalogue).
fn snapshot_wins(snap: Option<&str>, other: Option<&str>) -> bool {
    match (snap, other) {
        (Some(s), Some(o)) => s >= o,
        (None, Some(_)) => false,
        _ => true,
    }
}

/// What the merge needs of an entry.
#[derive(Clone, Copy)]
pub struct MergeKey<'a> {
    pub slug: &'a str,
    /// A snapshot entry's api.gouv.fr slug.
    pub apigouv: Option<&'a str>,
    pub updated: Option<&'a str>,
    pub source: SourceKind,
}

impl<'a> MergeKey<'a> {
    fn of(e: &'a Entry, apigouv: Option<&'a str>) -> MergeKey<'a> {
        MergeKey {
            slug: &e.slug,
            apigouv,
            updated: e.last_update_iso.as_deref(),
            source: SourceKind::of(&e.origin),
        }
    }

    fn note(&self) -> Elsewhere {
        Elsewhere {
            source: self.source.name(),
            // Read from the snapshot's index, which another program could change under us.
            slug: crate::text::copied(self.slug.as_bytes()),
            last_update: self.updated.map(|u| crate::text::copied(u.as_bytes())),
        }
    }
}

/// The bundled and personal entries merged with the snapshot's, known by their index: each
/// one's slug as the index holds it (compared, never shown), and its slot. Gives the slugs as
/// text, and the rows.
fn merge_local<'a>(base: &[MergeKey<'a>], raw_slugs: &[&'a [u8]], slots: Slots<'a>) -> Rows {
    // Slugs come from JSON: always UTF-8. One that were not would name nothing here.
    let snap = |j: usize| {
        let slot = slots.get(j).unwrap_or_default();
        MergeKey {
            slug: std::str::from_utf8(raw_slugs[j]).unwrap_or_default(),
            apigouv: slot.apigouv_slug,
            updated: slot.updated,
            source: SourceKind::Datagouv,
        }
    };
    merge_rows(base, raw_slugs.len().min(slots.len()), snap)
}

/// The notes ([`Rows::notes`]) of the row at `at`.
fn notes_at(notes: &[Vec<Elsewhere>], at: usize) -> &[Elsewhere] {
    notes.get(at).map_or(&[], Vec::as_slice)
}

/// An entry served by a merge: one of the others (`Base`) or of the snapshot, by position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Base(usize),
    Snapshot(usize),
}

/// The snapshot's entries beside the others, by position.
pub struct Rows {
    /// The entries served, in order.
    pub rows: Vec<Row>,
    /// Per row, the entries of the same API not served (`elsewhere`): only the first rows,
    /// those of the other entries, have any (see [`Rows::notes`]).
    pub notes: Vec<Vec<Elsewhere>>,
    /// Per snapshot entry, the row that serves its API (its own, or the one preferred to it).
    pub snapshot_at: Vec<usize>,
}

/// Puts the snapshot's entries beside the others. A snapshot entry stands for another entry
/// when it has its slug, or records it as its api.gouv.fr slug: of an entry and the snapshot
/// entries standing for it, the most recently updated is served (the snapshot's on a tie, the
/// later one between two of the snapshot's), in the entry's place, and notes the others. Two
/// snapshot entries are two data.gouv.fr APIs: they never hide each other otherwise. Only keys
/// are compared: no entry is made or moved.
pub fn merge_rows<'k>(
    base: &[MergeKey<'k>],
    snap_len: usize,
    snap: impl Fn(usize) -> MergeKey<'k>,
) -> Rows {
    let by_slug: foldhash::HashMap<&str, usize> =
        base.iter().enumerate().map(|(i, k)| (k.slug, i)).collect();
    let mut rows: Vec<Row> = (0..base.len()).map(Row::Base).collect();
    rows.reserve(snap_len);
    // Per base entry, the snapshot entries standing for it, in order.
    let mut standing: Vec<Vec<usize>> = vec![Vec::new(); base.len()];
    let mut snapshot_at = Vec::with_capacity(snap_len);
    for j in 0..snap_len {
        let k = snap(j);
        let found = by_slug
            .get(k.slug)
            .or_else(|| k.apigouv.and_then(|s| by_slug.get(s)));
        match found {
            Some(&i) => {
                standing[i].push(j);
                snapshot_at.push(i);
            }
            None => {
                snapshot_at.push(rows.len());
                rows.push(Row::Snapshot(j));
            }
        }
    }
    let mut notes = vec![Vec::new(); base.len()];
    for (i, group) in standing.iter().enumerate().filter(|(_, g)| !g.is_empty()) {
        let key = |r: Row| match r {
            Row::Base(b) => base[b],
            Row::Snapshot(s) => snap(s),
        };
        let winner = group.iter().fold(Row::Base(i), |best, &j| {
            match snapshot_wins(snap(j).updated, key(best).updated) {
                true => Row::Snapshot(j),
                false => best,
            }
        });
        rows[i] = winner;
        let members = std::iter::once(Row::Base(i)).chain(group.iter().map(|&j| Row::Snapshot(j)));
        notes[i] = members
            .filter(|&m| m != winner)
            .map(|m| key(m).note())
            .collect();
    }
    Rows {
        rows,
        notes,
        snapshot_at,
    }
}

/// [`merge_rows`] on entries in full (each with its api.gouv.fr slug when from the snapshot):
/// the entries served, in order, each with its notes. `T` travels with each entry.
pub fn merge<T>(base: Vec<(Entry, T)>, snap: Vec<(Entry, Option<String>, T)>) -> Vec<(Entry, T)> {
    let Rows { rows, notes, .. } = {
        let b: Vec<_> = base.iter().map(|(e, _)| MergeKey::of(e, None)).collect();
        merge_rows(&b, snap.len(), |j| {
            let (e, a, _) = &snap[j];
            MergeKey::of(e, a.as_deref())
        })
    };
    let mut base: Vec<_> = base.into_iter().map(Some).collect();
    let mut snap: Vec<_> = snap.into_iter().map(|(e, _, t)| Some((e, t))).collect();
    rows.into_iter()
        .zip(notes.into_iter().chain(std::iter::repeat(Vec::new())))
        .filter_map(|(row, notes)| {
            let (mut e, t) = match row {
                Row::Base(i) => base[i].take()?,
                Row::Snapshot(i) => snap[i].take()?,
            };
            e.elsewhere.extend(notes);
            Some((e, t))
        })
        .collect()
}

/// The catalogue `list`, `search` and `show` read when the snapshot joins other sources: the
/// bundled and personal entries in full, the snapshot's through its index. An entry of the
/// snapshot is made only for a row asked for.
pub struct Merged<'b> {
    /// The bundled and personal entries (those a snapshot entry replaced are not served), and
    /// the problems of their files; without personal entries, no entry (see `lazy`).
    pub local: Catalogue,
    /// Without personal entries, the bundled ones, by the build's keys: `Base(i)` is
    /// `lazy[i]`, parsed only when its entry is asked for (a listing or a candidate comes from
    /// the bundled index).
    lazy: Option<Vec<Lazy>>,
    source: &'static Bundled,
    /// Their search fields as [`Fields::read`] reads them, when read for search.
    local_fields: Vec<Cow<'static, [u8]>>,
    /// The snapshot's index, and where each record lies in the snapshot.
    index: Index<'b>,
    slots: Slots<'b>,
    /// The entries served, in order.
    rows: Vec<Row>,
    /// Per row, the other sources' entries of the same API.
    notes: Vec<Vec<Elsewhere>>,
    /// Each snapshot record's row.
    snapshot_rows: Vec<Option<usize>>,
    /// The bundled index (body words of the bundled entries), with each record's row.
    bundled: Option<(Index<'static>, Vec<Option<usize>>)>,
    pub snapshot: Snapshot,
}

/// A bundled entry served beside the snapshot, not parsed until needed.
struct Lazy {
    slug: &'static str,
    updated: Option<&'static str>,
    /// Its record in the bundled index.
    record: usize,
    entry: OnceCell<Entry>,
}

impl Served for Merged<'_> {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn entry(&self, at: usize, keywords: bool) -> Entry {
        let mut e = match self.rows[at] {
            Row::Base(i) => self.base(i).clone(),
            Row::Snapshot(i) => {
                let mut e = self.index.entry(i, keywords);
                e.last_update_iso = self
                    .slots
                    .get(i)
                    .and_then(|s| s.updated)
                    .map(|u| crate::text::copied(u.as_bytes()));
                e
            }
        };
        e.elsewhere
            .extend(notes_at(&self.notes, at).iter().cloned());
        e
    }

    fn listing(&self, at: usize) -> Listing<'_> {
        match self.rows[at] {
            Row::Base(i) => match self.built(i) {
                Some((ix, k)) => ix.listing(k),
                None => self.base(i).listing(),
            },
            Row::Snapshot(i) => self.index.listing(i),
        }
    }

    fn passes(&self, at: usize, filter: &Filter) -> bool {
        match self.rows[at] {
            Row::Base(i) => {
                (filter.is_empty() && self.lazy.is_some()) || filter.matches(self.base(i))
            }
            Row::Snapshot(_) => filter.is_empty() || filter.matches(&self.entry(at, false)),
        }
    }

    fn catalogue(&self) -> Cow<'_, Catalogue> {
        Cow::Owned(Catalogue {
            entries: (0..self.len()).map(|at| self.entry(at, false)).collect(),
            problems: self.local.problems.clone(),
            producers: self.local.producers.clone(),
            producers_known: self.local.producers_known,
            replaced: self.local.replaced.clone(),
        })
    }
}

impl<'b> Merged<'b> {
    /// The other entry `i` (see [`Row::Base`]).
    fn base(&self, i: usize) -> &Entry {
        let Some(lazy) = &self.lazy else {
            return &self.local.entries[i];
        };
        let l = &lazy[i];
        l.entry.get_or_init(|| {
            let one = self.source.catalogue_named(l.slug);
            one.and_then(|mut c| c.entries.pop()).unwrap_or_default()
        })
    }

    /// The bundled index and the record of other entry `i`, when it is read from there.
    fn built(&self, i: usize) -> Option<(&Index<'static>, usize)> {
        let l = self.lazy.as_ref()?.get(i)?;
        Some((&self.bundled.as_ref()?.0, l.record))
    }

    /// Slug and title of the entry at `at`, for completion.
    pub fn name(&self, at: usize) -> (String, String) {
        match self.rows[at] {
            Row::Base(i) => match self.built(i) {
                Some((ix, k)) => ix.name(k),
                None => {
                    let e = self.base(i);
                    (e.slug.clone(), e.title.clone())
                }
            },
            Row::Snapshot(i) => self.index.name(i),
        }
    }

    /// What ranking needs of each entry that passes `filter` (read for `Want::Search`).
    pub fn candidates(&self, filter: &Filter) -> Vec<Candidate<'_>> {
        (0..self.rows.len())
            .filter(|&at| self.passes(at, filter))
            .filter_map(|at| match self.rows[at] {
                Row::Base(i) if self.lazy.is_some() => {
                    let (ix, k) = self.built(i)?;
                    ix.candidate(k, at)
                }
                Row::Base(i) => {
                    let e = &self.local.entries[i];
                    Some(Candidate {
                        index: at,
                        fields: self.local_fields.get(i)?,
                        visits: e.visits_2019.unwrap_or(0),
                        title: e.title.as_bytes(),
                    })
                }
                Row::Snapshot(i) => self.index.candidate(i, at),
            })
            .collect()
    }

    /// Whether a block of body words was damaged when a search read it (see [`Index::damaged`]).
    pub fn damaged(&self) -> bool {
        self.index.damaged() || self.bundled.as_ref().is_some_and(|(b, _)| b.damaged())
    }

    /// Removes the damaged indexes' files, so that the next run makes them again.
    pub fn forget(&self) {
        let each = std::iter::once(&self.index).chain(self.bundled.as_ref().map(|(b, _)| b));
        each.filter(|ix| ix.damaged()).for_each(|ix| ix.forget());
    }

    /// The body words of the indexed entries (snapshot and bundled), numbered as rows; the
    /// others' are in their own fields.
    pub fn bodies(&self) -> JoinedBodies<'_> {
        let mut parts = vec![(self.index.bodies(), Some(&self.snapshot_rows[..]))];
        if let Some((b, to)) = &self.bundled {
            parts.push((b.bodies(), Some(&to[..])));
        }
        JoinedBodies(parts)
    }

    /// The entry at `at` in full: a snapshot entry is read from its one line. `None` when
    /// that line is not the one indexed (the index is then made again by the next run).
    pub fn full(&self, at: usize) -> Option<Entry> {
        let Row::Snapshot(i) = self.rows[at] else {
            return Some(self.entry(at, true));
        };
        let mut full = self.snapshot.read(&self.slots.get(i)?)?;
        if full.slug.as_bytes() != self.index.raw_slug(i) {
            self.snapshot.forget_index();
            return None;
        }
        full.elsewhere = notes_at(&self.notes, at).to_vec();
        Some(full)
    }
}

/// One bundled entry file, embedded by the binary's build script.
pub struct BundledFile {
    pub slug: &'static str,
    pub text: &'static str,
    /// Its front matter as JSON, when it converts (see `markdown::front_matter_json`).
    pub front_json: Option<&'static str>,
    /// Checked at build time: nothing in the file needs sanitising.
    pub clean: bool,
}

/// The entries built into the binary, and their index made at build time.
pub struct Bundled {
    pub files: &'static [BundledFile],
    pub index: &'static [u8],
    /// Each file's slug and last update (ISO date), as its entry has them: what a merge
    /// with the snapshot compares, known without parsing the files.
    pub updated: &'static [(&'static str, Option<&'static str>)],
}

/// Producers named by the bundled entries (the bundled catalogue has no `producteurs/`).
const BUNDLED_PRODUCERS: &[(&str, &str, Option<&str>)] = &[
    ("urssaf", "Urssaf", None),
    (
        "dinum",
        "Direction interministérielle du numérique",
        Some("DINUM"),
    ),
];

impl Bundled {
    pub fn sources(&self) -> Vec<SourceFile> {
        self.files
            .iter()
            .map(|f| SourceFile {
                slug: f.slug.to_string(),
                path: format!("catalogue/{}.md", f.slug),
                text: Ok(f.text.to_string()),
                origin: Origin::Bundled,
                prepared: f.front_json,
                known_clean: f.clean,
            })
            .collect()
    }

    /// The bundled entry of a slug, alone.
    pub fn sources_named(&self, slug: &str) -> Option<SourceFile> {
        let f = self.files.iter().find(|f| f.slug == slug)?;
        Some(SourceFile {
            slug: f.slug.to_string(),
            path: format!("catalogue/{}.md", f.slug),
            text: Ok(f.text.to_string()),
            origin: Origin::Bundled,
            prepared: f.front_json,
            known_clean: f.clean,
        })
    }

    pub fn producers() -> HashMap<String, Producer> {
        BUNDLED_PRODUCERS
            .iter()
            .map(|(slug, name, acronym)| {
                (
                    slug.to_string(),
                    Producer {
                        name: name.to_string(),
                        acronym: acronym.map(str::to_string),
                    },
                )
            })
            .collect()
    }

    /// The bundled entries alone.
    pub fn catalogue(&self) -> Catalogue {
        let mut cat = Catalogue::from_files(self.sources());
        cat.set_producers(Self::producers(), false);
        cat
    }

    /// The bundled entry of a slug, alone, with its producer.
    pub fn catalogue_named(&self, slug: &str) -> Option<Catalogue> {
        let mut cat = Catalogue::from_files(vec![self.sources_named(slug)?]);
        cat.set_producers(Self::producers(), false);
        Some(cat)
    }

    /// Their index; `None` only if the build is broken.
    pub fn index(&self) -> Option<Index<'static>> {
        index::decode_as(
            self.index,
            Want::All,
            &[],
            0,
            Origin::Bundled,
            "catalogue/".into(),
        )
    }
}

/// Whether another entry file of `dir` has a slug like `name`'s (a scan of the names only);
/// `None` when the directory cannot be listed, so that nothing can be ruled out.
fn has_twin(dir: &Path, name: &str) -> Option<bool> {
    let key = slug_key(name);
    let read = std::fs::read_dir(dir).ok()?;
    Some(read.flatten().any(|e| {
        let n = super::folder::name_text(e.file_name().as_encoded_bytes());
        n.strip_suffix(".md")
            .is_some_and(|stem| stem != name && slug_key(stem) == key)
    }))
}

/// Whether the directory can be listed: a folder that can be entered but not read serves
/// nothing, as a full read of it would fail. Opening it reads no entry.
fn listable(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok()
}

/// The personal catalogue: `$XDG_DATA_HOME/apicat/catalogue` on Linux.
pub fn personal_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "apicat").map(|p| p.data_dir().join("catalogue"))
}

/// The sources of the catalogue in use.
pub struct Sources {
    /// `--catalogue`: served alone.
    pub folder: Option<PathBuf>,
    /// The personal folder, when it exists.
    pub personal: Option<PathBuf>,
    pub bundled: &'static Bundled,
    /// data.gouv.fr's snapshot, when `apicat update` saved one (never with `--catalogue`).
    pub snapshot: Option<Snapshot>,
    /// Why a source that is there is not served (a FIFO in place of the snapshot or of the
    /// personal folder, an unreadable file): said on stderr, never silently dropped.
    pub warnings: Vec<String>,
    /// `--source`: only this source.
    pub only: Option<SourceKind>,
}

impl Sources {
    /// The sources a command line designates: `folder`, else the bundled and personal entries.
    pub fn new(folder: Option<PathBuf>, bundled: &'static Bundled) -> Sources {
        let mut warnings = Vec::new();
        let personal = match folder {
            Some(_) => None,
            None => personal_dir().filter(|d| {
                // One stat; a folder is then opened to see that it can be listed.
                let why = match std::fs::metadata(d) {
                    Err(_) => return false,
                    Ok(m) if m.is_dir() && listable(d) => return true,
                    Ok(m) if m.is_dir() => {
                        "cannot be read; the personal catalogue is not served (check its \
                         permissions)"
                    }
                    Ok(_) => {
                        "not a folder; the personal catalogue is not served (make it a \
                         folder of *.md entries)"
                    }
                };
                warnings.push(format!(
                    "{}: {why}",
                    crate::text::visible(&d.display().to_string())
                ));
                false
            }),
        };
        let snapshot = match (&folder, snapshot::dir()) {
            (None, Some(d)) => Snapshot::probe(&d).unwrap_or_else(|why| {
                warnings.push(why);
                None
            }),
            _ => None,
        };
        Sources {
            folder,
            personal,
            bundled,
            snapshot,
            warnings,
            only: None,
        }
    }

    /// Keeps only one source (`--source`).
    pub fn only(mut self, kind: Option<SourceKind>) -> Sources {
        self.only = kind;
        self
    }

    fn wants(&self, kind: SourceKind) -> bool {
        self.only.is_none_or(|k| k == kind)
    }

    /// `--source` asks for a source that is not in use: say which are.
    fn check_only(&self) -> Result<()> {
        let Some(k) = self.only else { return Ok(()) };
        let in_use = match (&self.folder, k) {
            (Some(_), SourceKind::Folder) => true,
            (Some(_), _) => {
                return Err(Error::usage(format!(
                    "--source {}: --catalogue serves its folder alone (--source folder, or no --catalogue)",
                    k.name()
                )));
            }
            (None, SourceKind::Folder) => false,
            (None, SourceKind::Bundled) => true,
            (None, SourceKind::Personal) => self.personal.is_some(),
            (None, SourceKind::Datagouv) => self.snapshot.is_some(),
        };
        if in_use {
            return Ok(());
        }
        Err(Error::usage(match k {
            SourceKind::Folder => {
                "--source folder: no folder is served (give one with --catalogue DIR)".to_string()
            }
            SourceKind::Personal => format!(
                "--source personal: there is no personal catalogue{}",
                personal_dir()
                    .map(|d| format!(" ({} does not exist)", d.display()))
                    .unwrap_or_default()
            ),
            _ => "--source datagouv: no snapshot yet; `apicat update` fetches the whole catalogue"
                .to_string(),
        }))
    }

    fn check_folder(dir: &Path) -> Result<()> {
        if dir.is_dir() {
            return Ok(());
        }
        let what = if dir.exists() {
            "is a file, not a folder"
        } else {
            "no such directory"
        };
        Err(Error::usage(format!(
            "{}: {what} (--catalogue or APICAT_CATALOGUE must name a folder of *.md entries)",
            crate::text::visible(&dir.display().to_string())
        )))
    }

    /// A folder that holds no entry at all is a mistake worth a sentence, with the subfolder
    /// that does hold entries if there is one (the corpus root and its `api/`).
    fn empty_folder(dir: &Path, problems: &[super::Problem]) -> Error {
        let shown = crate::text::visible(&dir.display().to_string()).into_owned();
        let entries_in = |p: &Path| {
            std::fs::read_dir(p).map_or(0, |files| {
                files
                    .flatten()
                    .filter(|f| is_entry_name(f.file_name().as_encoded_bytes()))
                    .count()
            })
        };
        // api.gouv.fr's layout first (`_data/api/`), else the subfolder with most entries.
        let mut subs: Vec<(bool, usize, std::path::PathBuf)> = std::fs::read_dir(dir)
            .map(|items| {
                items
                    .flatten()
                    .map(|i| i.path())
                    .filter(|p| p.is_dir())
                    .map(|p| (p.file_name().is_some_and(|n| n == "api"), entries_in(&p), p))
                    .filter(|(_, n, _)| *n > 0)
                    .collect()
            })
            .unwrap_or_default();
        subs.sort();
        let sub = subs.pop().map(|(_, _, p)| p);
        let hint = match sub {
            Some(p) => format!(
                "; its subfolder {} holds entries: try --catalogue {}",
                sanitize_line(&p.file_name().unwrap_or_default().to_string_lossy()),
                crate::text::visible(&p.display().to_string())
            ),
            None => String::new(),
        };
        // Each file that could not be read, with its line: the first alone rarely says why
        // all failed. A few dozen at most; `check` lists every one.
        const SHOWN: usize = 20;
        let mut unread = String::new();
        if !problems.is_empty() {
            let n = problems.len();
            unread = format!(
                "; {n} file{} could not be read as entries:",
                if n == 1 { "" } else { "s" }
            );
            for p in problems.iter().take(SHOWN) {
                unread.push_str(&format!("\n  {p}"));
            }
            if n > SHOWN {
                unread.push_str(&format!(
                    "\n  … and {} more (apicat --catalogue {shown} check lists every one)",
                    n - SHOWN
                ));
            }
        }
        Error::usage(format!("no entries (*.md) in {shown}{hint}{unread}"))
    }

    /// Reads every entry.
    pub fn load(&self) -> Result<Catalogue> {
        self.load_as(false)
    }

    /// Every entry with only what `list` shows ([`Entry::into_summary`]): each file's text,
    /// body and raw front matter dropped as soon as it is read.
    pub fn load_summaries(&self) -> Result<Catalogue> {
        self.load_as(true)
    }

    fn load_as(&self, summaries: bool) -> Result<Catalogue> {
        let mut cat = self.load_files_as(summaries, false)?;
        let snap = self.snapshot_served();
        if let Some(snap) = snap {
            let base = std::mem::take(&mut cat.entries)
                .into_iter()
                .map(|e| (e, ()))
                .collect();
            let read = snap.entries();
            cat.problems.extend(read.problems);
            let entries = read
                .entries
                .into_iter()
                .map(|e| {
                    let apigouv = e.dataservice().and_then(|d| d.apigouv_slug.clone());
                    (e, apigouv, ())
                })
                .collect();
            cat.entries = merge(base, entries).into_iter().map(|(e, ())| e).collect();
        }
        if summaries {
            cat.entries = cat.entries.into_iter().map(Entry::into_summary).collect();
        }
        Ok(cat)
    }

    /// Reads the entries of files only (the folder, or bundled and personal), not the
    /// snapshot: what `apicat check` checks.
    /// A folder whose files are all broken is then no error: each is a finding.
    pub fn load_files(&self) -> Result<Catalogue> {
        self.load_files_as(false, true)
    }

    fn load_files_as(&self, summaries: bool, broken_ok: bool) -> Result<Catalogue> {
        self.check_only()?;
        if let Some(dir) = &self.folder {
            Self::check_folder(dir)?;
            // Each file's text is dropped once parsed.
            let files = lazy_directory_files(dir, Origin::Directory(dir.clone()))?;
            let mut cat = Catalogue::from_entries(files.map(|f| {
                let e = super::markdown::read(&f)?;
                Ok(if summaries { e.into_summary() } else { e })
            }));
            if cat.entries.is_empty() && (!broken_ok || cat.problems.is_empty()) {
                return Err(Self::empty_folder(dir, &cat.problems));
            }
            match producers_beside(dir) {
                Some((p, problems)) => {
                    cat.problems.extend(problems);
                    cat.set_producers(p, true);
                }
                None => cat.set_producers(Default::default(), false),
            }
            return Ok(cat);
        }
        self.load_local()
    }

    /// The bundled and personal entries that `--source` keeps.
    fn load_local(&self) -> Result<Catalogue> {
        let mut files = if self.wants(SourceKind::Bundled) {
            self.bundled.sources()
        } else {
            Vec::new()
        };
        let mut producers = Bundled::producers();
        let mut unread = Vec::new();
        if let Some(personal) = self
            .personal
            .as_ref()
            .filter(|_| self.wants(SourceKind::Personal))
        {
            files.extend(directory_files(
                personal,
                Origin::Personal(personal.clone()),
            )?);
            if let Some((p, problems)) = producers_beside(personal) {
                producers.extend(p);
                unread = problems;
            }
        }
        let mut cat = Catalogue::from_files(files);
        cat.problems.extend(unread);
        cat.set_producers(producers, false);
        Ok(cat)
    }

    /// The catalogue `show NAME` and `eligible NAME` need: the one file named NAME, with the
    /// producers it names, read alone. `None` when no file has that name, or it cannot be
    /// served alone (it is broken, or has a look-alike, or the snapshot is served): a title, a
    /// prefix, a near name or the report of a broken file need every entry.
    pub fn load_named(&self, name: &str) -> Result<Option<Catalogue>> {
        self.check_only()?;
        let name = name.trim();
        // The snapshot may hold a more recent entry of the same API.
        if self.snapshot_served().is_some() {
            return Ok(None);
        }
        if name.is_empty() || name.starts_with('.') || name.contains(['/', '\\', '\0']) {
            return Ok(None);
        }
        let alone = |dir: &Path, origin: Origin| -> Option<Catalogue> {
            let path = dir.join(format!("{name}.md"));
            std::fs::symlink_metadata(&path).ok()?;
            if !listable(dir) {
                return None;
            }
            // The index knows look-alikes while the folder's names are unchanged; else look.
            let twin = match index::names(dir, false) {
                Some(names) => names.twins.contains(&slug_key(name)),
                None => has_twin(dir, name).unwrap_or(true),
            };
            if twin {
                return None;
            }
            let cat = Catalogue::from_files(vec![source_file(&path, &origin)]);
            (cat.problems.is_empty() && cat.entries.len() == 1).then_some(cat)
        };
        if let Some(dir) = &self.folder {
            Self::check_folder(dir)?;
            return Ok(alone(dir, Origin::Directory(dir.clone())).map(|mut cat| {
                let (producers, known) = producers_for(dir, &cat);
                cat.set_producers(producers, known);
                cat
            }));
        }
        let mut producers = Bundled::producers();
        let personal = self.personal.as_ref();
        if let Some(personal) = personal.filter(|_| self.wants(SourceKind::Personal)) {
            if let Some(mut cat) = alone(personal, Origin::Personal(personal.clone())) {
                producers.extend(producers_for(personal, &cat).0);
                cat.set_producers(producers, false);
                // It stands in place of a bundled entry of that name, if any: said as a full
                // load says it.
                let bundled = self.bundled.updated.iter().find(|(slug, _)| *slug == name);
                if let (Some(&(slug, updated)), true, Some(e)) = (
                    bundled,
                    self.wants(SourceKind::Bundled),
                    cat.entries.first_mut(),
                ) {
                    e.elsewhere.push(super::Elsewhere {
                        source: Origin::Bundled.kind(),
                        slug: slug.to_string(),
                        last_update: updated.map(str::to_string),
                    });
                }
                return Ok(Some(cat));
            }
            // A personal look-alike or broken file: the full load says which.
            if std::fs::symlink_metadata(personal.join(format!("{name}.md"))).is_ok() {
                return Ok(None);
            }
        }
        let bundled = Some(self.bundled).filter(|_| self.wants(SourceKind::Bundled));
        let Some(f) = bundled.and_then(|b| b.sources_named(name)) else {
            return Ok(None);
        };
        let mut cat = Catalogue::from_files(vec![f]);
        cat.set_producers(producers, false);
        Ok(Some(cat))
    }

    /// A folder's entries given one at a time to the index being built, each dropped once
    /// encoded; whether its producers are known.
    fn stream(dir: &Path, enc: &mut index::Encoder) -> Result<bool> {
        let producers = producers_beside(dir);
        let empty = HashMap::new();
        let known = producers.as_ref().map_or(&empty, |(p, _)| p);
        let base = crate::text::visible(&dir.join("").display().to_string()).into_owned();
        for p in producers.iter().flat_map(|(_, problems)| problems) {
            enc.problem_named(p, p.path.strip_prefix(&base).unwrap_or(&p.path));
        }
        let (files, folder_links) = listed(dir, Origin::Directory(dir.to_path_buf()))?;
        for (name, meta) in &folder_links {
            enc.stamp(index::Stamp::of_folder_link(name, meta));
        }
        // Each file stamped, read, parsed and encoded on any core; added in order.
        let encode = |f: &PendingFile| {
            let (file, name, meta) = f.read_stamped();
            let stamp = index::Stamp::of_entry(name, meta.as_ref());
            let encoded = super::markdown::read(&file).map(|mut e| {
                e.resolve_producers(known);
                index::Encoder::encode(&e)
            });
            (encoded, stamp)
        };
        crate::parallel::ordered_map(&files, crate::parallel::cores(), encode, |(r, s)| {
            enc.stamp(s);
            match r {
                Ok(e) => enc.push(e),
                Err(p) => enc.problem(&p),
            }
        });
        Ok(producers.is_some())
    }

    /// Every entry, for completion: no messages, never an error.
    pub fn load_quietly(&self) -> Catalogue {
        self.load().unwrap_or_default()
    }

    /// The index `list` and `search` read when one source is served: a folder's from the cache
    /// (rebuilt when stale), the bundled one made at build time, the snapshot's. `None` when
    /// several sources join (see [`Sources::merged`]) or personal entries are served: they
    /// are read in full.
    pub fn index<'b>(&self, buf: &'b mut index::Buf, want: Want) -> Result<Option<Index<'b>>> {
        self.check_only()?;
        if let Some(dir) = &self.folder {
            Self::check_folder(dir)?;
            let index = index::load(dir, buf, want, |enc| Self::stream(dir, enc))?;
            if index.is_empty() {
                return Err(Self::empty_folder(dir, &index.problems));
            }
            return Ok(Some(index));
        }
        let personal = self.personal.is_some() && self.wants(SourceKind::Personal);
        let snapshot = self
            .snapshot
            .as_ref()
            .filter(|_| self.wants(SourceKind::Datagouv));
        let bundled = self.wants(SourceKind::Bundled);
        Ok(match (bundled, personal, snapshot) {
            (true, false, None) => self.bundled.index(),
            (false, false, Some(s)) => s.index(buf, want).map(|ix| ix.index),
            _ => None,
        })
    }

    /// The snapshot, when it is among the sources served (no `--catalogue` folder, and
    /// `--source` keeps it).
    fn snapshot_served(&self) -> Option<&Snapshot> {
        self.snapshot
            .as_ref()
            .filter(|_| self.folder.is_none() && self.wants(SourceKind::Datagouv))
    }

    /// The entry served for `name` when the snapshot is among the sources, with the problems
    /// of the files read: the fast way of `show`, which reads the snapshot's slots and names,
    /// and one line of it. `name` is a slug, of an entry served or of one another is preferred
    /// to, or an api.gouv.fr slug a snapshot entry records. `None` when no entry has that name
    /// (the caller then looks further, by title or prefix, through [`Sources::merged`]).
    pub fn by_slug(&self, name: &str) -> Result<Option<(Entry, Vec<super::Problem>)>> {
        self.check_only()?;
        let Some(snap) = self.snapshot_served() else {
            return Ok(None);
        };
        // Without personal entries, the bundled ones are compared by the keys the build
        // made: only the one served, if any, is parsed.
        let personal = self.personal.is_some() && self.wants(SourceKind::Personal);
        let mut local = match personal {
            true => self.load_local()?,
            false => Catalogue::default(),
        };
        let base: Vec<MergeKey> = match personal {
            true => local
                .entries
                .iter()
                .map(|e| MergeKey::of(e, None))
                .collect(),
            false => self
                .bundled
                .updated
                .iter()
                .filter(|_| self.wants(SourceKind::Bundled))
                .map(|&(slug, updated)| MergeKey {
                    slug,
                    apigouv: None,
                    updated,
                    source: SourceKind::Bundled,
                })
                .collect(),
        };
        let mut buf = Vec::new();
        let Some((slots, names)) = snap.names(&mut buf) else {
            return Ok(None);
        };
        let slugs: Vec<&[u8]> = names.iter().map(|n| n.0).collect();
        let merged = merge_local(&base, &slugs, slots);
        let at = base
            .iter()
            .position(|k| k.slug == name)
            .or_else(|| {
                let j = slugs.iter().position(|s| *s == name.as_bytes())?;
                Some(merged.snapshot_at[j])
            })
            .or_else(|| {
                // An api.gouv.fr slug: the most recently updated entry served that records it
                // (the first listed on a tie), as `Catalogue::lookup` chooses.
                let recording = merged.rows.iter().enumerate().rev().filter_map(|(at, r)| {
                    let Row::Snapshot(j) = *r else { return None };
                    let slot = slots.get(j)?;
                    (slot.apigouv_slug == Some(name)).then_some((slot.updated, at))
                });
                recording
                    .max_by_key(|&(updated, _)| updated)
                    .map(|(_, at)| at)
            });
        let Some(at) = at else {
            return Ok(None);
        };
        let mut problems = std::mem::take(&mut local.problems);
        let notes = notes_at(&merged.notes, at).to_vec();
        let mut e = match merged.rows[at] {
            Row::Base(b) if personal => local.entries.swap_remove(b),
            Row::Base(b) => {
                let Some(mut one) = self.bundled.catalogue_named(base[b].slug) else {
                    return Ok(None);
                };
                problems = one.problems;
                let Some(e) = one.entries.pop() else {
                    return Ok(None);
                };
                e
            }
            Row::Snapshot(i) => {
                let Some(full) = slots.get(i).and_then(|slot| snap.read(&slot)) else {
                    return Ok(None);
                };
                if full.slug.as_bytes() != slugs[i] {
                    // The line is not the one indexed: the index is made again, and read the
                    // long way.
                    snap.forget_index();
                    return Ok(None);
                }
                full
            }
        };
        e.elsewhere.extend(notes);
        Ok(Some((e, problems)))
    }

    /// The snapshot beside the bundled and personal entries, as `list`, `search` and `show`
    /// read them: the snapshot through its index (no item parsed), the others in full.
    /// `None` when the snapshot is not among the sources served.
    /// Search fields are made only for `Want::Search`.
    pub fn merged<'b>(&self, buf: &'b mut index::Buf, want: Want) -> Result<Option<Merged<'b>>> {
        self.check_only()?;
        let Some(snap) = self.snapshot_served() else {
            return Ok(None);
        };
        // Bundled entries' search fields and body words were made at build time.
        let bundled = self.bundled.index();
        // Without personal entries, the bundled ones are known by the build's keys and
        // records, and each is parsed only when asked for.
        let personal = self.personal.is_some() && self.wants(SourceKind::Personal);
        let lazy: Option<Vec<Lazy>> = match (personal, &bundled) {
            (false, Some(ix)) => self
                .bundled
                .updated
                .iter()
                .filter(|_| self.wants(SourceKind::Bundled))
                .map(|&(slug, updated)| {
                    let record = (0..ix.len()).find(|&k| ix.raw_slug(k) == slug.as_bytes());
                    record.map(|record| Lazy {
                        slug,
                        updated,
                        record,
                        entry: OnceCell::new(),
                    })
                })
                .collect(),
            _ => None,
        };
        let local = match lazy {
            Some(_) => {
                let mut none = Catalogue::default();
                none.set_producers(Bundled::producers(), false);
                none
            }
            None => self.load_local()?,
        };
        let Some(ix) = snap.index(buf, want) else {
            return Ok(None);
        };
        let (index, slots) = (ix.index, ix.slots);
        // Lines of the snapshot that could not be read are reported with the local files'.
        let mut local = local;
        local.problems.extend(index.problems.iter().cloned());
        let slugs: Vec<&[u8]> = (0..index.len()).map(|i| index.raw_slug(i)).collect();
        let base: Vec<_> = match &lazy {
            Some(lazy) => lazy
                .iter()
                .map(|l| MergeKey {
                    slug: l.slug,
                    apigouv: None,
                    updated: l.updated,
                    source: SourceKind::Bundled,
                })
                .collect(),
            None => local
                .entries
                .iter()
                .map(|e| MergeKey::of(e, None))
                .collect(),
        };
        let Rows { rows, notes, .. } = merge_local(&base, &slugs, slots);
        let mut snapshot_rows = vec![None; index.len()];
        let mut local_rows = vec![None; base.len()];
        for (at, row) in rows.iter().enumerate() {
            match *row {
                Row::Snapshot(i) => snapshot_rows[i] = Some(at),
                Row::Base(i) => local_rows[i] = Some(at),
            }
        }
        let mut bundled_rows = vec![None; bundled.as_ref().map_or(0, |b| b.len())];
        for (l, at) in lazy.iter().flatten().zip(&local_rows) {
            bundled_rows[l.record] = *at;
        }
        let mut local_fields = Vec::new();
        if want.fields() && lazy.is_none() {
            local_fields = local
                .entries
                .iter()
                .zip(&local_rows)
                .map(|(e, at)| {
                    let built = bundled.as_ref().filter(|_| e.origin == Origin::Bundled);
                    let i = built.and_then(|ix| {
                        (0..ix.len()).find(|&i| ix.raw_slug(i) == e.slug.as_bytes())
                    });
                    match (built, i) {
                        (Some(ix), Some(i)) => {
                            bundled_rows[i] = *at;
                            Cow::Borrowed(ix.fields_bytes(i).unwrap_or_default())
                        }
                        _ => Cow::Owned(OwnFields::of(e).encoded()),
                    }
                })
                .collect();
        }
        Ok(Some(Merged {
            local,
            lazy,
            source: self.bundled,
            local_fields,
            index,
            slots,
            rows,
            notes,
            snapshot_rows,
            bundled: bundled.map(|b| (b, bundled_rows)),
            snapshot: snap.clone(),
        }))
    }
}

/// The repository's `catalogue/` files as the binary bundles them, for the core's own tests.
#[cfg(test)]
pub fn bundled_for_tests() -> Catalogue {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../catalogue");
    let mut files = directory_files(&dir, Origin::Bundled).expect("the repository's catalogue/");
    for f in &mut files {
        f.path = format!("catalogue/{}.md", f.slug);
    }
    let mut cat = Catalogue::from_files(files);
    cat.set_producers(Bundled::producers(), false);
    cat
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(slug: &str, origin: Origin, date: Option<&str>) -> Entry {
        Entry {
            slug: slug.into(),
            origin,
            last_update_iso: date.map(str::to_string),
            ..Entry::default()
        }
    }

    #[test]
    fn the_more_recently_updated_entry_of_one_api_is_served() {
        let snap = Origin::Datagouv(PathBuf::new());
        let merged = merge(
            vec![
                (entry("a", Origin::Bundled, Some("2020-01-01")), ()),
                (entry("b", Origin::Bundled, Some("2026-01-01")), ()),
                (entry("c", Origin::Bundled, None), ()),
            ],
            vec![
                // Another slug, but it records the api.gouv.fr one.
                (
                    entry("a-dgv", snap.clone(), Some("2025-06-17")),
                    Some("a".into()),
                    (),
                ),
                (entry("b", snap.clone(), Some("2025-06-17")), None, ()),
                (entry("c", snap.clone(), None), None, ()),
                (entry("d", snap.clone(), None), None, ()),
            ],
        );
        let shown: Vec<(&str, &str, Vec<&str>)> = merged
            .iter()
            .map(|(e, ())| {
                (
                    e.slug.as_str(),
                    e.origin.kind(),
                    e.elsewhere.iter().map(|o| o.slug.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                ("a-dgv", "datagouv", vec!["a"]),
                ("b", "bundled", vec!["b"]),
                ("c", "datagouv", vec!["c"]),
                ("d", "datagouv", vec![]),
            ]
        );
        assert_eq!(merged[1].0.elsewhere[0].source, "datagouv");
    }
}
