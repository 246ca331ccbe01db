//! Which entries make the catalogue in use: a folder given with `--catalogue` (or
//! `APICAT_CATALOGUE`) alone, or the bundled entries with the personal ones added (a personal
//! entry replaces the bundled one of the same slug) and, after `apicat update`, data.gouv.fr's
//! snapshot beside them: between a snapshot entry and a bundled or personal one of the same API,
//! the more recently updated is served (see [`merge`]). `--source` keeps one source. `list` and
//! `search` read the same sources through indexes (see [`crate::index`]).

use std::borrow::BorrowMut;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::folder::{
    PendingFile, directory_files, is_entry_name, lazy_directory_files, pending_files,
    producers_beside, producers_for, slug_key, source_file,
};
use super::markdown::SourceFile;
use super::snapshot::{self, Slot, Snapshot};
use super::{Catalogue, Elsewhere, Entry, Origin, Producer};
use crate::error::{Error, Result};
use crate::index::{self, Index, Want};
use crate::search::{Fields, JoinedBodies};
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

/// Puts the snapshot's entries beside the others. A snapshot entry stands for another when it
/// has its slug, or records it as its api.gouv.fr slug; the more recently updated of the two is
/// kept, and says the other exists (`elsewhere`). `T` travels with each entry (search fields).
/// Entries may come boxed (`E`), so that a large catalogue is not copied at each step.
pub fn merge<E: BorrowMut<Entry>, T>(
    base: Vec<(E, T)>,
    snap: Vec<(E, Option<String>, T)>,
) -> Vec<(E, T)> {
    let mut out = base;
    out.reserve(snap.len());
    let mut by_slug: foldhash::HashMap<String, usize> = out
        .iter()
        .enumerate()
        .map(|(i, (e, _))| (e.borrow().slug.clone(), i))
        .collect();
    for (mut boxed, apigouv, t) in snap {
        let e = boxed.borrow_mut();
        let found = by_slug
            .get(&e.slug)
            .or_else(|| apigouv.as_ref().and_then(|s| by_slug.get(s)))
            .copied();
        match found {
            Some(i) => {
                let other = out[i].0.borrow_mut();
                let note = |x: &Entry| Elsewhere {
                    source: SourceKind::of(&x.origin).name(),
                    slug: x.slug.clone(),
                    last_update: x.last_update_iso.clone(),
                };
                if snapshot_wins(
                    e.last_update_iso.as_deref(),
                    other.last_update_iso.as_deref(),
                ) {
                    e.elsewhere.push(note(other));
                    e.elsewhere.append(&mut other.elsewhere);
                    by_slug.insert(e.slug.clone(), i);
                    out[i] = (boxed, t);
                } else {
                    other.elsewhere.push(note(e));
                }
            }
            None => {
                by_slug.insert(e.slug.clone(), out.len());
                out.push((boxed, t));
            }
        }
    }
    out
}

/// The catalogue `list`, `search` and `show` read when the snapshot joins other sources:
/// entries as the indexes give them, their search fields, and where each snapshot entry lies.
pub struct Merged<'b> {
    pub catalogue: Catalogue,
    pub fields: Vec<Fields<'b>>,
    pub slots: foldhash::HashMap<String, Slot>,
    pub snapshot: Snapshot,
    /// The indexes that hold the body words of the snapshot's and the bundled entries, each
    /// record renumbered as an entry of `catalogue` (`None`: not kept).
    indexes: Vec<(Index<'b>, Vec<Option<usize>>)>,
}

/// Where an entry of a merged catalogue was indexed.
#[derive(Clone, Copy)]
enum Indexed {
    Not,
    Snapshot(usize),
    Bundled(usize),
}

impl Merged<'_> {
    /// Whether a block of body words was damaged when a search read it (see [`Index::damaged`]).
    pub fn damaged(&self) -> bool {
        self.indexes.iter().any(|(ix, _)| ix.damaged())
    }

    /// Removes the damaged indexes' files, so that the next run makes them again.
    pub fn forget(&self) {
        self.indexes
            .iter()
            .filter(|(ix, _)| ix.damaged())
            .for_each(|(ix, _)| ix.forget());
    }

    /// The body words of every entry, for search: those of indexed entries from their index,
    /// the others from their own fields.
    pub fn bodies(&self) -> JoinedBodies<'_> {
        JoinedBodies(
            self.indexes
                .iter()
                .map(|(ix, to)| (ix.bodies(), Some(&to[..])))
                .collect(),
        )
    }

    /// An entry in full: a snapshot entry is read from its one line.
    pub fn full(&self, e: &Entry) -> Option<Entry> {
        if !matches!(e.origin, Origin::Datagouv(_)) || e.dataservice().is_some() {
            return Some(e.clone());
        }
        let full = self.snapshot.read(self.slots.get(&e.slug)?)?;
        if full.slug != e.slug {
            // Not the line indexed: the index is made again by the next run.
            self.snapshot.forget_index();
            return None;
        }
        let mut full = full;
        full.slug = e.slug.clone();
        full.elsewhere = e.elsewhere.clone();
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
    /// `--source`: only this source.
    pub only: Option<SourceKind>,
}

impl Sources {
    /// The sources a command line designates: `folder`, else the bundled and personal entries.
    pub fn new(folder: Option<PathBuf>, bundled: &'static Bundled) -> Sources {
        let personal = match folder {
            Some(_) => None,
            None => personal_dir().filter(|d| d.is_dir()),
        };
        let snapshot = match folder {
            Some(_) => None,
            None => snapshot::dir().and_then(|d| Snapshot::open(&d)),
        };
        Sources {
            folder,
            personal,
            bundled,
            snapshot,
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
        let shown = sanitize_line(&dir.display().to_string());
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
                sanitize_line(&p.display().to_string())
            ),
            None => String::new(),
        };
        let unread = match problems {
            [] => String::new(),
            [p, ..] => format!(
                " ({} file{} could not be read as entries: {p})",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            ),
        };
        Error::usage(format!("no entries (*.md) in {shown}{unread}{hint}"))
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
        let mut cat = self.load_files_as(summaries)?;
        let snap = self.snapshot_served();
        if let Some(snap) = snap {
            let base = std::mem::take(&mut cat.entries)
                .into_iter()
                .map(|e| (e, ()))
                .collect();
            let entries = snap
                .entries()
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
    pub fn load_files(&self) -> Result<Catalogue> {
        self.load_files_as(false)
    }

    fn load_files_as(&self, summaries: bool) -> Result<Catalogue> {
        self.check_only()?;
        if let Some(dir) = &self.folder {
            Self::check_folder(dir)?;
            // Each file's text is dropped once parsed.
            let files = lazy_directory_files(dir, Origin::Directory(dir.clone()))?;
            let mut cat = Catalogue::from_entries(files.map(|f| {
                let e = super::markdown::read(&f)?;
                Ok(if summaries { e.into_summary() } else { e })
            }));
            if cat.entries.is_empty() {
                return Err(Self::empty_folder(dir, &cat.problems));
            }
            match producers_beside(dir) {
                Some(p) => cat.set_producers(p, true),
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
        if let Some(personal) = self
            .personal
            .as_ref()
            .filter(|_| self.wants(SourceKind::Personal))
        {
            files.extend(directory_files(
                personal,
                Origin::Personal(personal.clone()),
            )?);
            if let Some(p) = producers_beside(personal) {
                producers.extend(p);
            }
        }
        let mut cat = Catalogue::from_files(files);
        cat.set_producers(producers, false);
        Ok(cat)
    }

    /// The catalogue `show NAME` and `eligible NAME` need: the one file named NAME, with the
    /// producers it names, read alone. `None` when no file has that name, or it cannot be
    /// served alone (it is broken, or has a look-alike): a title, a prefix, a near name or
    /// the report of a broken file need every entry.
    pub fn load_named(&self, name: &str) -> Result<Option<Catalogue>> {
        let name = name.trim();
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
        if let Some(personal) = &self.personal {
            if let Some(mut cat) = alone(personal, Origin::Personal(personal.clone())) {
                producers.extend(producers_for(personal, &cat).0);
                cat.set_producers(producers, false);
                return Ok(Some(cat));
            }
            // A personal look-alike or broken file: the full load says which.
            if std::fs::symlink_metadata(personal.join(format!("{name}.md"))).is_ok() {
                return Ok(None);
            }
        }
        let Some(f) = self.bundled.sources_named(name) else {
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
        let known = producers.as_ref().unwrap_or(&empty);
        let files = pending_files(dir, Origin::Directory(dir.to_path_buf()))?;
        // Each file read, parsed and encoded on any core; added in order.
        let encode = |f: &PendingFile| match super::markdown::read(&f.read()) {
            Ok(mut e) => {
                e.resolve_producers(known);
                Ok(index::Encoder::encode(&e))
            }
            Err(p) => Err(p),
        };
        crate::parallel::ordered_map(&files, crate::parallel::cores(), encode, |r| match r {
            Ok(e) => enc.push(e),
            Err(p) => enc.problem(&p),
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
    pub fn index<'b>(&self, buf: &'b mut Vec<u8>, want: Want) -> Result<Option<Index<'b>>> {
        self.check_only()?;
        if let Some(dir) = &self.folder {
            Self::check_folder(dir)?;
            let index = index::load(dir, buf, want, |enc| Self::stream(dir, enc))?;
            if index.records.is_empty() {
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

    /// The entry whose slug is exactly `name` when the snapshot is among the sources, with the
    /// problems of the files read: the fast way of `show`, which reads the snapshot's index and
    /// one line of it, and makes no other entry of it. `None` when no entry has that slug (the
    /// caller then looks further, by title or prefix, through [`Sources::merged`]).
    pub fn by_slug(&self, name: &str) -> Result<Option<(Entry, Vec<super::Problem>)>> {
        self.check_only()?;
        let Some(snap) = self.snapshot_served() else {
            return Ok(None);
        };
        let mut local = self.load_local()?;
        let Some(found) = snap.find(name) else {
            return Ok(None);
        };
        let problems = std::mem::take(&mut local.problems);
        let Some((slot, indexed_slug, title)) = found else {
            return Ok(local.get(name).cloned().map(|e| (e, problems)));
        };
        let slot = &slot;
        // What the merge needs of it; the rest is read from its line.
        let summary = Entry {
            slug: indexed_slug.clone(),
            title,
            origin: snap.origin(),
            last_update_iso: slot.updated.clone(),
            ..Entry::default()
        };
        let other = local
            .get(&summary.slug)
            .or_else(|| slot.apigouv_slug.as_deref().and_then(|s| local.get(s)))
            .cloned();
        let base = other.into_iter().map(|e| (e, ())).collect();
        let merged = merge(base, vec![(summary, slot.apigouv_slug.clone(), ())]);
        let Some((winner, ())) = merged.into_iter().next() else {
            return Ok(None);
        };
        if !matches!(winner.origin, Origin::Datagouv(_)) {
            return Ok(Some((winner, problems)));
        }
        let Some(mut full) = snap.read(slot) else {
            return Ok(None);
        };
        if full.slug != indexed_slug {
            // The line is not the one indexed: the index is made again, and read the long way.
            snap.forget_index();
            return Ok(None);
        }
        full.slug = winner.slug;
        full.elsewhere = winner.elsewhere;
        Ok(Some((full, problems)))
    }

    /// The snapshot beside the bundled and personal entries, as `list`, `search` and `show`
    /// read them: the snapshot through its index (no item parsed), the others in full.
    /// `None` when the snapshot is not among the sources served.
    /// Search fields are made only for `Want::Search`.
    pub fn merged<'b>(
        &self,
        buf: &'b mut Vec<u8>,
        keywords: bool,
        want: Want,
    ) -> Result<Option<Merged<'b>>> {
        self.check_only()?;
        let Some(snap) = self.snapshot_served() else {
            return Ok(None);
        };
        let local = self.load_local()?;
        let Some(ix) = snap.index(buf, want) else {
            return Ok(None);
        };
        let mut slots = foldhash::HashMap::default();
        slots.reserve(ix.slots.len());
        let mut entries = Vec::with_capacity(ix.slots.len());
        for (i, slot) in ix.slots.into_iter().enumerate() {
            let mut e = ix.index.entry(i, keywords);
            e.last_update_iso = slot.updated.clone();
            let apigouv = slot.apigouv_slug.clone();
            slots.insert(e.slug.clone(), slot);
            let f = ix.index.fields.get(i).cloned().unwrap_or_default();
            entries.push((Box::new(e), apigouv, (f, Indexed::Snapshot(i))));
        }
        // Bundled entries' search fields were made at build time.
        let bundled = self.bundled.index();
        let built = |e: &Entry| -> Option<(Fields<'static>, Indexed)> {
            let ix = bundled.as_ref().filter(|_| e.origin == Origin::Bundled)?;
            let i = (0..ix.records.len()).find(|&i| ix.raw_slug(i) == e.slug.as_bytes())?;
            Some((ix.fields[i].clone(), Indexed::Bundled(i)))
        };
        let base = local
            .entries
            .into_iter()
            .map(|e| {
                let f = match want {
                    Want::Search | Want::All => {
                        built(&e).unwrap_or_else(|| (Fields::of(&e), Indexed::Not))
                    }
                    Want::Names | Want::Listing | Want::Verdicts => {
                        (Fields::default(), Indexed::Not)
                    }
                };
                (Box::new(e), f)
            })
            .collect();
        let merged = merge(base, entries);
        let mut from_snapshot = vec![None; ix.index.records.len()];
        let mut from_bundled = vec![None; bundled.as_ref().map_or(0, |b| b.records.len())];
        for (at, (_, (_, place))) in merged.iter().enumerate() {
            match *place {
                Indexed::Snapshot(i) => from_snapshot[i] = Some(at),
                Indexed::Bundled(i) => from_bundled[i] = Some(at),
                Indexed::Not => {}
            }
        }
        let mut indexes = vec![(ix.index, from_snapshot)];
        indexes.extend(bundled.map(|b| (b, from_bundled)));
        let (entries, fields) = merged.into_iter().map(|(e, (f, _))| (*e, f)).unzip();
        Ok(Some(Merged {
            catalogue: Catalogue {
                entries,
                problems: local.problems,
                producers: local.producers,
                producers_known: local.producers_known,
                replaced: local.replaced,
            },
            fields,
            slots,
            snapshot: snap.clone(),
            indexes,
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
