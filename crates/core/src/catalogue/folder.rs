//! Directories of entries in the api.gouv.fr layout: `*.md` files, and the producers in a
//! `producteurs/` folder beside them or one level up (`…/api/` beside `…/producteurs/`).

use serde_yaml::Value;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::markdown::{SourceFile, scalar_text, split_front_matter};
use super::{Origin, Producer};
use crate::error::{Error, Result};
use crate::text::sanitize;

/// Whether a directory item is read as an entry, by its name: `x.md`, not `.md`.
pub fn is_entry_name(name: &[u8]) -> bool {
    name.len() > 3 && name.ends_with(b".md")
}

/// The producers folder of a catalogue directory, if it has one.
pub fn producers_dir(dir: &Path) -> Option<PathBuf> {
    [dir.join("producteurs"), dir.join("../producteurs")]
        .into_iter()
        .find(|p| p.is_dir())
}

/// The largest entry file read: far above any real entry (the largest is 12.6 KB), so that a
/// huge or endless file cannot exhaust memory.
pub const MAX_ENTRY_BYTES: u64 = 1 << 20;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadFailure {
    /// A FIFO, socket, device or directory (or a link to one).
    NotRegular,
    /// Larger than the limit: its size.
    TooLarge(u64),
    Io(std::io::Error),
}

impl std::fmt::Display for ReadFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadFailure::NotRegular => write!(f, "not a regular file"),
            ReadFailure::TooLarge(n) => write!(
                f,
                "file of {} bytes, over the {} KiB limit for an entry; skipped",
                n,
                MAX_ENTRY_BYTES / 1024
            ),
            ReadFailure::Io(e) => write!(f, "cannot read file: {e}"),
        }
    }
}

/// Reads a regular file of at most `limit` bytes. Never blocks on a FIFO (opened
/// non-blocking, then checked through the opened descriptor, so a swap after the check
/// cannot fool it) and never reads more than `limit + 1` bytes.
pub fn read_regular(path: &Path, limit: u64) -> std::result::Result<Vec<u8>, ReadFailure> {
    let meta = std::fs::metadata(path).map_err(ReadFailure::Io)?;
    read_regular_as(path, &meta, limit)
}

/// [`read_regular`] of a file already stat'ed as `meta`.
fn read_regular_as(
    path: &Path,
    meta: &std::fs::Metadata,
    limit: u64,
) -> std::result::Result<Vec<u8>, ReadFailure> {
    let (file, len) = open_regular_as(path, meta)?;
    read_open(file, len, limit)
}

/// [`read_regular`] of a file its folder's listing gave as regular: opened without a stat
/// first (the listing told what it is), with what the opened file is.
fn read_listed_regular(
    path: &Path,
    limit: u64,
) -> (
    std::result::Result<Vec<u8>, ReadFailure>,
    Option<std::fs::Metadata>,
) {
    let opened = open_nonblocking(path).and_then(|f| Ok((f.metadata()?, f)));
    match opened {
        Ok((meta, _)) if !meta.is_file() => (Err(ReadFailure::NotRegular), Some(meta)),
        Ok((meta, file)) => (read_open(file, meta.len(), limit), Some(meta)),
        // Unreadable: stamped all the same, so that a change of permissions is seen.
        Err(e) => (Err(ReadFailure::Io(e)), std::fs::metadata(path).ok()),
    }
}

/// Reads an open file of `len` bytes (as stat'ed), up to `limit`.
fn read_open(
    mut file: std::fs::File,
    len: u64,
    limit: u64,
) -> std::result::Result<Vec<u8>, ReadFailure> {
    if len > limit {
        return Err(ReadFailure::TooLarge(len));
    }
    // The size known, it is read in one call rather than in growing steps; the file may
    // still have changed since, so it is read on to its end (or past the limit).
    let mut bytes = vec![0; usize::try_from(len).unwrap_or(0)];
    let mut filled = 0;
    while filled < bytes.len() {
        match file.read(&mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ReadFailure::Io(e)),
        }
    }
    bytes.truncate(filled);
    file.take(limit.saturating_add(1).saturating_sub(filled as u64))
        .read_to_end(&mut bytes)
        .map_err(ReadFailure::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadFailure::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Opens a regular file for reading without ever blocking; with its size.
pub fn open_regular(path: &Path) -> std::result::Result<(std::fs::File, u64), ReadFailure> {
    let meta = std::fs::metadata(path).map_err(ReadFailure::Io)?;
    open_regular_as(path, &meta)
}

/// [`open_regular`] of a file already stat'ed as `meta`.
fn open_regular_as(
    path: &Path,
    meta: &std::fs::Metadata,
) -> std::result::Result<(std::fs::File, u64), ReadFailure> {
    // Refuse what is plainly not a file before opening: opening a device can act on it.
    if !meta.is_file() {
        return Err(ReadFailure::NotRegular);
    }
    let file = open_nonblocking(path).map_err(ReadFailure::Io)?;
    let meta = file.metadata().map_err(ReadFailure::Io)?;
    if !meta.is_file() {
        return Err(ReadFailure::NotRegular);
    }
    Ok((file, meta.len()))
}

/// Opens a file for reading such that a FIFO or a terminal cannot block or take over.
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    options.open(path)
}

/// Reads `*.md` files of a directory, sorted by name.
pub fn directory_files(dir: &Path, origin: Origin) -> Result<Vec<SourceFile>> {
    Ok(lazy_directory_files(dir, origin)?.collect())
}

/// The `*.md` files of a directory, sorted by name, each read only when taken: a full load
/// then holds one file's text at a time.
pub fn lazy_directory_files(
    dir: &Path,
    origin: Origin,
) -> Result<impl Iterator<Item = SourceFile>> {
    Ok(pending_files(dir, origin)?.into_iter().map(|p| p.read()))
}

/// An entry file of a directory, not read yet.
pub struct PendingFile {
    path: PathBuf,
    /// The listing said it is a regular file (not a link).
    regular: bool,
    /// Why it is not served: a look-alike of another file's name.
    twin: Option<String>,
    origin: Origin,
}

impl PendingFile {
    pub fn read(&self) -> SourceFile {
        match &self.twin {
            // Not even read: neither of the two is served.
            Some(message) => SourceFile {
                slug: slug_of(&self.path),
                path: shown_path(&self.path),
                text: Err((None, message.clone())),
                origin: self.origin.clone(),
                prepared: None,
                known_clean: false,
            },
            None if self.regular => {
                source_file_read(&self.path, &self.origin, |p| {
                    read_listed_regular(p, MAX_ENTRY_BYTES)
                })
                .0
            }
            None => source_file(&self.path, &self.origin),
        }
    }

    /// The file read, with its name and what it was just before it was read (as opened, or
    /// stat'ed with links followed; `None` when it could not be): stamped so, a file changed
    /// while the index is built is found changed on the next run.
    pub fn read_stamped(&self) -> (SourceFile, &[u8], Option<std::fs::Metadata>) {
        let name = self
            .path
            .file_name()
            .map_or(&[][..], |n| n.as_encoded_bytes());
        if self.twin.is_none() && self.regular {
            let (file, meta) = source_file_read(&self.path, &self.origin, |p| {
                read_listed_regular(p, MAX_ENTRY_BYTES)
            });
            // Not opened (a name refused as it is): stamped all the same.
            let meta = meta.or_else(|| std::fs::metadata(&self.path).ok());
            return (file, name, meta);
        }
        let meta = std::fs::metadata(&self.path);
        match &self.twin {
            Some(_) => (self.read(), name, meta.ok()),
            None => {
                let (file, meta) = source_file_stat(&self.path, &self.origin, meta);
                (file, name, meta)
            }
        }
    }
}

/// The `*.md` files of a directory, sorted by name, to be read by [`PendingFile::read`].
pub fn pending_files(dir: &Path, origin: Origin) -> Result<Vec<PendingFile>> {
    Ok(listed(dir, origin)?.0)
}

/// The names of links with an entry's name that lead to a folder, each with what it leads
/// to: not read, yet what they may become.
pub type FolderLinks = Vec<(Vec<u8>, std::fs::Metadata)>;

/// [`pending_files`], and the links to folders left out.
pub fn listed(dir: &Path, origin: Origin) -> Result<(Vec<PendingFile>, FolderLinks)> {
    let read = std::fs::read_dir(dir).map_err(|source| Error::Read {
        path: dir.to_path_buf(),
        what: "cannot read directory",
        source,
    })?;
    let mut folder_links = Vec::new();
    let mut listed: Vec<(PathBuf, bool)> = read
        .filter_map(|e| e.ok())
        .filter(|e| is_entry_name(e.file_name().as_encoded_bytes()))
        .filter_map(|e| {
            // The directory listing knows most types; a link is followed.
            let regular = match e.file_type() {
                Ok(t) if t.is_dir() => return None,
                Ok(t) if !t.is_symlink() => t.is_file(),
                _ => match std::fs::metadata(e.path()) {
                    Ok(m) if m.is_dir() => {
                        folder_links.push((e.file_name().into_encoded_bytes(), m));
                        return None;
                    }
                    _ => false,
                },
            };
            Some((e.path(), regular))
        })
        .collect();
    // All in one folder: their bytes sort as their names do, and faster than paths.
    listed.sort_unstable_by(|(a, _), (b, _)| {
        a.as_os_str()
            .as_encoded_bytes()
            .cmp(b.as_os_str().as_encoded_bytes())
    });
    let (paths, regular): (Vec<PathBuf>, Vec<bool>) = listed.into_iter().unzip();
    let mut twins = twins(&paths);
    let files = paths
        .into_iter()
        .enumerate()
        .map(|(i, path)| PendingFile {
            path,
            regular: regular[i],
            twin: twins.remove(&i),
            origin: origin.clone(),
        })
        .collect();
    Ok((files, folder_links))
}

/// A file name or path as text, each byte that is not UTF-8 shown as `\xNN`: two names never
/// read alike (`bad\xff` is not `bad\u{fffd}`).
pub fn name_text(name: &[u8]) -> String {
    let mut out = String::with_capacity(name.len());
    for chunk in name.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// A path as shown in messages: bytes that are not UTF-8 and hidden characters as escapes.
pub fn shown_path(p: &Path) -> String {
    crate::text::visible(&name_text(p.as_os_str().as_encoded_bytes())).into_owned()
}

/// The slug of an entry file: its name without `.md`, hidden characters shown as escapes so
/// that it is told apart from the name it imitates.
fn slug_of(p: &Path) -> String {
    let stem = p
        .file_stem()
        .map(|s| name_text(s.as_encoded_bytes()))
        .unwrap_or_default();
    crate::text::visible(&stem).into_owned()
}

/// What the slug of an entry file is, and the file read (or why not).
pub fn source_file(p: &Path, origin: &Origin) -> SourceFile {
    source_file_stat(p, origin, std::fs::metadata(p)).0
}

/// [`source_file`] of a file stat'ed as `meta` (links followed) before it is opened; with
/// that stat, when it could be taken.
fn source_file_stat(
    p: &Path,
    origin: &Origin,
    meta: std::io::Result<std::fs::Metadata>,
) -> (SourceFile, Option<std::fs::Metadata>) {
    let read = |p: &Path| match &meta {
        Ok(m) => (read_regular_as(p, m, MAX_ENTRY_BYTES), None),
        Err(e) => (
            Err(ReadFailure::Io(std::io::Error::new(
                e.kind(),
                e.to_string(),
            ))),
            None,
        ),
    };
    let (file, _) = source_file_read(p, origin, read);
    (file, meta.ok())
}

/// [`source_file`] of a file read by `read`, which says what it found the file to be.
fn source_file_read(
    p: &Path,
    origin: &Origin,
    read: impl FnOnce(
        &Path,
    ) -> (
        std::result::Result<Vec<u8>, ReadFailure>,
        Option<std::fs::Metadata>,
    ),
) -> (SourceFile, Option<std::fs::Metadata>) {
    let mut meta = None;
    let stem = p
        .file_stem()
        .map(|s| name_text(s.as_encoded_bytes()))
        .unwrap_or_default();
    let slug = crate::text::visible(&stem).into_owned();
    let path = shown_path(p);
    // A hidden character would make two names look alike: one file could pass for another.
    // A space of any kind too: `api r2p` and `api\u{a0}r2p` look alike, and neither is typed.
    let hidden = stem
        .chars()
        .find(|&c| c.is_control() || crate::text::is_unsafe(c) || c.is_whitespace());
    let text = match hidden {
        Some(c) => Err((
            None,
            format!(
                "the file name holds {} (U+{:04X}): rename the file",
                if c.is_whitespace() {
                    "a space"
                } else {
                    "an invisible or control character"
                },
                c as u32
            ),
        )),
        None => {
            let (bytes, found) = read(p);
            meta = found;
            bytes
        }
        .map_err(|e| (None, e.to_string()))
        .and_then(|bytes| {
            String::from_utf8(bytes).map_err(|e| {
                let upto = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                let line = upto.iter().filter(|b| **b == b'\n').count() + 1;
                (
                    Some(line),
                    "not UTF-8 text (re-save the file as UTF-8)".to_string(),
                )
            })
        }),
    };
    let file = SourceFile {
        slug,
        path,
        text,
        origin: origin.clone(),
        prepared: None,
        known_clean: false,
    };
    (file, meta)
}

/// Slugs people cannot tell apart: equal once case is folded, accents removed, full-width
/// letters taken as letters, Cyrillic and Greek letters drawn like Latin ones taken as those
/// (`аpi` with a Cyrillic `а`), and runs of `-`, `_` and spaces taken as one `-` (none at the
/// ends).
pub fn slug_key(slug: &str) -> String {
    // Most names are plain ASCII, which normalising and folding only lowercase: every name
    // of a folder is keyed when its index is built.
    if slug.is_ascii() && !slug.contains('`') {
        let mut key = String::with_capacity(slug.len());
        for c in slug.chars() {
            if c == '-' || c == '_' || c.is_whitespace() {
                if !key.is_empty() && !key.ends_with('-') {
                    key.push('-');
                }
            } else {
                key.push(c.to_ascii_lowercase());
            }
        }
        while key.ends_with('-') {
            key.pop();
        }
        return key;
    }
    slug_key_of_any(slug)
}

/// [`slug_key`] of any text.
fn slug_key_of_any(slug: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let wide: String = slug.nfkc().collect();
    let mut key = String::with_capacity(wide.len());
    for c in crate::text::fold(&wide).chars() {
        if c == '-' || c == '_' || c.is_whitespace() {
            if !key.is_empty() && !key.ends_with('-') {
                key.push('-');
            }
        } else {
            key.push(latin_lookalike(c).unwrap_or(c));
        }
    }
    while key.ends_with('-') {
        key.pop();
    }
    key
}

/// The Latin letter a Cyrillic or Greek one (lowercase, as folded) is drawn like, in either
/// case: `р` and `р` look alike, and `В` is drawn as `B`.
pub(crate) fn latin_lookalike(c: char) -> Option<char> {
    Some(match c {
        'а' | 'α' => 'a',
        'в' | 'β' => 'b',
        'с' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'ё' | 'ε' => 'e',
        'һ' | 'н' | 'η' => 'h',
        'і' | 'ї' | 'ι' | 'ӏ' => 'i',
        'ј' | 'ϳ' => 'j',
        'к' | 'κ' => 'k',
        'м' | 'μ' => 'm',
        'о' | 'ο' | 'σ' => 'o',
        'р' | 'ρ' => 'p',
        'ԛ' => 'q',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'υ' => 'u',
        'ν' => 'v',
        'ԝ' | 'ω' => 'w',
        'х' | 'χ' => 'x',
        'у' | 'γ' => 'y',
        'ζ' => 'z',
        _ => return None,
    })
}

/// Files of one directory whose slugs only differ by case, accents or `-`/`_` are errors,
/// each naming the other: serving either would hide the other. Their messages, by position.
fn twins(paths: &[PathBuf]) -> HashMap<usize, String> {
    // Every name of a folder is keyed when its index is built: a plain name is its own slug.
    let key_of = |p: &PathBuf| {
        let stem = p.file_stem().map_or(&[][..], |s| s.as_encoded_bytes());
        match std::str::from_utf8(stem) {
            Ok(s) if s.bytes().all(|b| b.is_ascii_graphic()) => slug_key(s),
            _ => slug_key(&slug_of(p)),
        }
    };
    // Each key → the first name holding it; then each name sharing it, by that first one.
    let mut first: foldhash::HashMap<String, usize> =
        foldhash::HashMapExt::with_capacity(paths.len());
    let mut groups: foldhash::HashMap<usize, Vec<usize>> = foldhash::HashMap::default();
    for (i, p) in paths.iter().enumerate() {
        match first.entry(key_of(p)) {
            std::collections::hash_map::Entry::Occupied(o) => {
                let f = *o.get();
                groups.entry(f).or_insert_with(|| vec![f]).push(i);
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(i);
            }
        }
    }
    let slugs: HashMap<usize, String> = groups
        .values()
        .flatten()
        .map(|&i| (i, slug_of(&paths[i])))
        .collect();
    let mut out = HashMap::new();
    for group in groups.into_values() {
        for &i in &group {
            let others: Vec<String> = group
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| shown_path(&paths[j]))
                .collect();
            let message = format!(
                "slug `{}` is too like that of {}: rename one (case, accents, - and _ are not told apart)",
                slugs[&i],
                others.join(", ")
            );
            out.insert(i, message);
        }
    }
    out
}

/// Only the producers an entry names (producer and partners), read from their own files in
/// the producers folder beside `dir`; with whether there is such a folder.
pub fn producers_for(dir: &Path, cat: &super::Catalogue) -> (HashMap<String, Producer>, bool) {
    let Some(prod_dir) = producers_dir(dir) else {
        return (HashMap::new(), false);
    };
    let wanted = cat
        .entries
        .iter()
        .flat_map(|e| e.producer.iter().chain(&e.partners));
    let mut producers = HashMap::new();
    for slug in wanted {
        // Only plain names: a slug is no path.
        if slug.is_empty() || slug.starts_with('.') || slug.contains(['/', '\\', '\0']) {
            continue;
        }
        let f = source_file(
            &prod_dir.join(format!("{slug}.md")),
            &Origin::Directory(prod_dir.clone()),
        );
        if let Some(p) = producer_of(&f) {
            producers.insert(f.slug, p);
        }
    }
    (producers, true)
}

fn producer_of(f: &SourceFile) -> Option<Producer> {
    let Ok(text) = &f.text else { return None };
    let split = split_front_matter(text).ok()?;
    let Ok(Value::Mapping(m)) = serde_yaml::from_str::<Value>(split.yaml) else {
        return None;
    };
    let name = m
        .get("name")
        .and_then(scalar_text)
        .unwrap_or_else(|| f.slug.clone());
    Some(Producer {
        name: sanitize(&name).into_owned(),
        acronym: m
            .get("acronym")
            .and_then(scalar_text)
            .map(|a| sanitize(&a).into_owned()),
    })
}

/// The producers of a directory in the api.gouv.fr layout (`…/api/` beside `…/producteurs/`),
/// with the files among them that could not be read (a FIFO, a device, over the size limit).
pub fn producers_beside(dir: &Path) -> Option<(HashMap<String, Producer>, Vec<super::Problem>)> {
    let prod_dir = producers_dir(dir)?;
    let mut producers = HashMap::new();
    let mut problems = Vec::new();
    for f in directory_files(&prod_dir, Origin::Directory(prod_dir.clone())).ok()? {
        problems.extend(f.unread());
        if let Some(p) = producer_of(&f) {
            producers.insert(f.slug, p);
        }
    }
    Some((producers, problems))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_names_are_keyed_as_any_name_is() {
        let ascii: Vec<char> = (0..128u8).map(char::from).collect();
        let mut names: Vec<String> = Vec::new();
        for &a in &ascii {
            for &b in &ascii {
                names.push([a, b].iter().collect());
            }
        }
        let mut seed = 7u64;
        for _ in 0..5000 {
            let name: String = (0..1 + seed % 12)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ascii[(seed >> 33) as usize % 128]
                })
                .collect();
            names.push(name);
        }
        names.extend(["API_Ingres-Noyau", "a--b__c", "-x-", " a\u{b} b"].map(String::from));
        for n in names {
            assert_eq!(slug_key(&n), slug_key_of_any(&n), "{n:?}");
        }
        assert_eq!(slug_key("API_Ingres-Noyau"), "api-ingres-noyau");
    }
}
