//! The index of a catalogue, so `list` and `search` need not parse YAML on every run. For a
//! directory it is a cache file, rebuilt whenever the directory changes; the bundled entries'
//! index is made at build time by the same code.
//!
//! An index cache for catalogue directories It lives in the user cache directory, one file per catalogue directory, and
//! holds for each `*.md` file its name, size and modification time with what `list` and
//! `search` need (display fields and folded search fields) or the reason it failed to load.
//! Any difference in the directory, or in its `producteurs/`, and it is rebuilt; a stale,
//! corrupt or unreadable cache is ignored, never trusted. It is written to a temporary file,
//! then renamed.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use std::borrow::Cow;

use crate::catalogue::folder::{is_entry_name, producers_dir};
use crate::catalogue::{Access, Catalogue, Entry, Listing, Origin, Problem};
use crate::error::{Error, Result};
use crate::search::{Candidate, Fields};

const MAGIC: &[u8; 8] = b"APICATIX";
/// The index format (raised whenever what the index holds, or how, changes), then the
/// release: an index written by another format or release is never read as this one's.
pub const VERSION: &str = concat!("4-", env!("CARGO_PKG_VERSION"));

/// The user cache directory of apicat (`~/.cache/apicat` on Linux).
pub fn dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "apicat").map(|p| p.cache_dir().to_path_buf())
}

/// FNV-1a: a stable name for a directory's cache file.
fn hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Where the index of a catalogue directory is kept.
pub fn file_for(catalogue: &Path) -> Option<PathBuf> {
    let canonical = fs::canonicalize(catalogue).ok()?;
    let key = hash(canonical.as_os_str().as_encoded_bytes());
    Some(dir()?.join(format!("index-{key:016x}.bin")))
}

/// Name, size and modification time of a file: what says it is unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    name: Vec<u8>,
    size: u64,
    mtime_ns: u128,
}

/// The stamps of a directory's `*.md` files (those the loader reads), in the directory's own
/// order: it stays the same while the directory does, and any other order only means a
/// rebuild, so no time is spent sorting.
fn stamps(dir: &Path) -> Option<Vec<Stamp>> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).ok()?.flatten() {
        let name = e.file_name().into_encoded_bytes();
        if !is_entry_name(&name) {
            continue;
        }
        // A link is stamped by what it points to: that is what gets read.
        let meta = match e.file_type() {
            Ok(t) if t.is_symlink() => fs::metadata(e.path()),
            _ => e.metadata(),
        };
        let Ok(meta) = meta else { continue };
        if meta.is_dir() {
            continue;
        }
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|m| m.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        out.push(Stamp {
            name,
            size: meta.len(),
            mtime_ns,
        });
    }
    Some(out)
}

/// One signature for the producers folder beside a catalogue: any change rebuilds.
fn producers_signature(dir: &Path) -> u64 {
    let mut bytes = Vec::new();
    for s in producers_dir(dir)
        .and_then(|p| stamps(&p))
        .unwrap_or_default()
    {
        bytes.extend_from_slice(&s.name);
        bytes.extend_from_slice(&s.size.to_le_bytes());
        bytes.extend_from_slice(&s.mtime_ns.to_le_bytes());
    }
    hash(&bytes)
}

/// One entry as the index holds it: what `list` and `search` show and filter on, borrowed
/// from the index file's bytes. An [`Entry`] is made only for what is shown.
pub struct Record<'b> {
    slug: &'b [u8],
    file: &'b [u8],
    title: &'b [u8],
    tagline: Option<&'b [u8]>,
    producer: Option<&'b [u8]>,
    producer_name: Option<&'b [u8]>,
    producer_acronym: Option<&'b [u8]>,
    owner: Option<&'b [u8]>,
    owner_acronym: Option<&'b [u8]>,
    access: Access,
    visits_2019: Option<i64>,
    /// Joined by [`SEP`].
    themes: &'b [u8],
    keywords: &'b [u8],
}

/// What a cached directory gives: its entries as records, their folded search fields, and
/// the files that failed to load.
pub struct Index<'b> {
    pub records: Vec<Record<'b>>,
    pub fields: Vec<Fields<'b>>,
    pub problems: Vec<Problem>,
    producers_known: bool,
    origin: Origin,
    /// The directory as shown in messages, with a trailing separator.
    prefix: String,
}

/// Joins lists in the index; sanitised text never holds this control character.
const SEP: char = '\u{1f}';

/// Text of the index as it was written: UTF-8 and sanitised. It is checked only here, for
/// what is shown, so a damaged index still never puts raw control characters on screen.
fn text(b: &[u8]) -> String {
    // The check first: `from_utf8_lossy` is slower on valid text.
    let s =
        std::str::from_utf8(b).map_or_else(|_| String::from_utf8_lossy(b).into(), str::to_string);
    crate::text::sanitize_owned(s)
}

fn split(joined: &[u8]) -> Vec<String> {
    joined
        .split(|&b| b == SEP as u8)
        .filter(|k| !k.is_empty())
        .map(text)
        .collect()
}

impl Index<'_> {
    /// The entry of record `i`, as `list` and `search` show it (no body, no access rules);
    /// keywords only when asked for, since only JSON shows them.
    pub fn entry(&self, i: usize, keywords: bool) -> Entry {
        let r = &self.records[i];
        let own = |s: Option<&[u8]>| s.map(text);
        Entry {
            slug: text(r.slug),
            path: format!(
                "{}{}",
                self.prefix,
                crate::text::sanitize_line(&String::from_utf8_lossy(r.file))
            ),
            origin: self.origin.clone(),
            title: text(r.title),
            tagline: own(r.tagline),
            producer: own(r.producer),
            producer_name: own(r.producer_name),
            producer_acronym: own(r.producer_acronym),
            owner: own(r.owner),
            owner_acronym: own(r.owner_acronym),
            access: r.access,
            visits_2019: r.visits_2019,
            themes: split(r.themes),
            keywords: if keywords {
                split(r.keywords)
            } else {
                Vec::new()
            },
            // Partners are searched through the fields; no listing shows them.
            ..Entry::default()
        }
    }

    /// What `list` and `search` show of record `i`, made without the rest of its entry.
    pub fn listing(&self, i: usize) -> Listing<'static> {
        let r = &self.records[i];
        let producer = crate::catalogue::producer_short(
            r.producer,
            r.producer_acronym,
            r.producer_name,
            r.owner_acronym,
            r.owner,
        );
        Listing {
            slug: Cow::Owned(text(r.slug)),
            title: Cow::Owned(text(r.title)),
            producer: Cow::Owned(producer.map(text).unwrap_or_default()),
            access: r.access,
            themes: Cow::Owned(split(r.themes).join(", ")),
        }
    }

    /// Every entry, with the problems, as a catalogue.
    pub fn catalogue(&self, keywords: bool) -> Catalogue {
        Catalogue {
            entries: (0..self.records.len())
                .map(|i| self.entry(i, keywords))
                .collect(),
            problems: self.problems.clone(),
            producers_known: self.producers_known,
            ..Catalogue::default()
        }
    }

    /// What ranking needs of every entry.
    pub fn candidates(&self) -> Vec<Candidate<'_, '_>> {
        self.records
            .iter()
            .zip(&self.fields)
            .enumerate()
            .map(|(index, (r, fields))| Candidate {
                index,
                fields,
                visits: r.visits_2019.unwrap_or(0),
                title: r.title,
            })
            .collect()
    }
}

/// Loads a catalogue directory for `list` and `search` through the cache, rebuilding it when
/// it is missing, stale or unreadable. `full` is how to load the directory without it.
/// `buf` keeps the index's bytes, which the index borrows.
pub fn load<'b>(
    dir: &Path,
    buf: &'b mut Vec<u8>,
    full: impl FnOnce() -> Result<Catalogue>,
) -> Result<Index<'b>> {
    let current = stamps(dir);
    let signature = producers_signature(dir);
    let file = file_for(dir);
    let cached = match (&current, &file) {
        (Some(current), Some(file)) => fs::read(file)
            .ok()
            .filter(|b| decode(b, dir, current, signature).is_some()),
        _ => None,
    };
    *buf = match cached {
        Some(bytes) => bytes,
        None => {
            let catalogue = full()?;
            let built = encode(
                &catalogue,
                current.as_deref().unwrap_or_default(),
                signature,
            );
            if let (Some(_), Some(file)) = (&current, &file) {
                // A cache that cannot be written is only a slower next run.
                let _ = write_atomically(file, &built);
            }
            built
        }
    };
    decode(buf, dir, current.as_deref().unwrap_or_default(), signature).ok_or_else(|| {
        Error::usage(format!(
            "{}: the catalogue index could not be read back",
            dir.display()
        ))
    })
}

fn write_atomically(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = file.parent() {
        fs::create_dir_all(parent)?;
    }
    let tmp = file.with_extension(format!("tmp{}", std::process::id()));
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, file).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

#[derive(Default)]
struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u128(&mut self, v: u128) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn i64(&mut self, v: i64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }
    fn bytes(&mut self, b: &[u8]) {
        self.u32(u32::try_from(b.len()).unwrap_or(u32::MAX));
        self.0.extend_from_slice(b);
    }
    fn opt_str(&mut self, s: &Option<String>) {
        match s {
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
            None => self.u8(0),
        }
    }
    fn opt_i64(&mut self, v: Option<i64>) {
        match v {
            Some(v) => {
                self.u8(1);
                self.i64(v);
            }
            None => self.u8(0),
        }
    }
    fn opt_usize(&mut self, v: Option<usize>) {
        self.opt_i64(v.and_then(|v| i64::try_from(v).ok()));
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.bytes.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn u128(&mut self) -> Option<u128> {
        Some(u128::from_le_bytes(self.take(16)?.try_into().ok()?))
    }
    fn i64(&mut self) -> Option<i64> {
        Some(i64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn str(&mut self) -> Option<String> {
        self.text().map(str::to_string)
    }
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    fn text(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes()?).ok()
    }
    fn opt_bytes(&mut self) -> Option<Option<&'a [u8]>> {
        match self.u8()? {
            0 => Some(None),
            1 => Some(Some(self.bytes()?)),
            _ => None,
        }
    }
    fn opt_i64(&mut self) -> Option<Option<i64>> {
        match self.u8()? {
            0 => Some(None),
            1 => Some(Some(self.i64()?)),
            _ => None,
        }
    }
    fn opt_usize(&mut self) -> Option<Option<usize>> {
        Some(match self.opt_i64()? {
            Some(v) => Some(usize::try_from(v).ok()?),
            None => None,
        })
    }
}

fn file_name(path: &str) -> &str {
    Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(path)
}

/// What the index holds to search each entry: its fields reduced to their distinct words.
pub fn fields_of(cat: &Catalogue) -> Vec<Fields<'static>> {
    cat.entries.iter().map(Fields::of).collect()
}

/// The index of a catalogue: what [`decode`] reads.
pub fn encode(cat: &Catalogue, stamps: &[Stamp], signature: u64) -> Vec<u8> {
    let fields = fields_of(cat);
    let mut w = Writer::default();
    w.0.extend_from_slice(MAGIC);
    w.str(VERSION);
    w.u64(signature);
    w.u8(u8::from(cat.producers_known));
    w.u32(u32::try_from(stamps.len()).unwrap_or(u32::MAX));
    for s in stamps {
        w.bytes(&s.name);
        w.u64(s.size);
        w.u128(s.mtime_ns);
    }
    w.u32(u32::try_from(cat.problems.len()).unwrap_or(u32::MAX));
    for p in &cat.problems {
        w.str(file_name(&p.path));
        w.opt_usize(p.line);
        w.opt_usize(p.col);
        w.str(&p.message);
    }
    w.u32(u32::try_from(cat.entries.len()).unwrap_or(u32::MAX));
    for (e, f) in cat.entries.iter().zip(&fields) {
        w.str(&e.slug);
        w.str(file_name(&e.path));
        w.str(&e.title);
        w.opt_str(&e.tagline);
        w.opt_str(&e.producer);
        w.opt_str(&e.producer_name);
        w.opt_str(&e.producer_acronym);
        w.opt_str(&e.owner);
        w.opt_str(&e.owner_acronym);
        w.u8(e.access as u8);
        w.opt_i64(e.visits_2019);
        w.str(&e.themes.join(&SEP.to_string()));
        w.str(&e.keywords.join(&SEP.to_string()));
        w.bytes(&f.names);
        for s in f.words.iter().chain(&f.stems) {
            w.bytes(s);
        }
        for n in f.lens {
            w.u32(n);
        }
    }
    w.0
}

/// Reads an index made for a directory (see [`decode_as`]).
fn decode<'b>(bytes: &'b [u8], dir: &Path, current: &[Stamp], signature: u64) -> Option<Index<'b>> {
    let prefix = crate::text::sanitize_line(&dir.join("").display().to_string());
    decode_as(
        bytes,
        current,
        signature,
        Origin::Directory(dir.to_path_buf()),
        prefix,
    )
}

/// Reads an index whose files are `current` and producers `signature`; entries get
/// `origin`, and paths `prefix` before their file name.
pub fn decode_as<'b>(
    bytes: &'b [u8],
    current: &[Stamp],
    signature: u64,
    origin: Origin,
    prefix: String,
) -> Option<Index<'b>> {
    let mut r = Reader { bytes, pos: 0 };
    if r.take(8)? != MAGIC || r.text()? != VERSION || r.u64()? != signature {
        return None;
    }
    let producers_known = r.u8()? == 1;
    let n = r.u32()? as usize;
    if n != current.len() {
        return None;
    }
    for s in current {
        if r.bytes()? != s.name || r.u64()? != s.size || r.u128()? != s.mtime_ns {
            return None;
        }
    }
    let mut problems = Vec::new();
    for _ in 0..r.u32()? {
        problems.push(Problem {
            path: format!("{prefix}{}", crate::text::sanitize_line(r.text()?)),
            line: r.opt_usize()?,
            col: r.opt_usize()?,
            message: r.str()?,
        });
    }
    let count = r.u32()? as usize;
    let mut records = Vec::with_capacity(count.min(current.len()));
    let mut fields = Vec::with_capacity(count.min(current.len()));
    for _ in 0..count {
        // Nothing is checked for UTF-8 here: search fields are matched as bytes, and the
        // rest is checked when shown.
        records.push(Record {
            slug: r.bytes()?,
            file: r.bytes()?,
            title: r.bytes()?,
            tagline: r.opt_bytes()?,
            producer: r.opt_bytes()?,
            producer_name: r.opt_bytes()?,
            producer_acronym: r.opt_bytes()?,
            owner: r.opt_bytes()?,
            owner_acronym: r.opt_bytes()?,
            access: Access::from_index(r.u8()?)?,
            visits_2019: r.opt_i64()?,
            themes: r.bytes()?,
            keywords: r.bytes()?,
        });
        let mut raw = || r.bytes().map(Cow::Borrowed);
        let names = raw()?;
        let words = [raw()?, raw()?, raw()?, raw()?];
        let stems = [raw()?, raw()?, raw()?, raw()?];
        let lens = [r.u32()?, r.u32()?, r.u32()?, r.u32()?];
        fields.push(Fields {
            names,
            words,
            stems,
            lens,
        });
    }
    (r.pos == bytes.len()).then_some(Index {
        records,
        fields,
        problems,
        producers_known,
        origin,
        prefix,
    })
}

/// Whether a directory's cache is present and current (for `apicat paths`).
pub fn is_current(dir: &Path) -> bool {
    let (Some(current), Some(file)) = (stamps(dir), file_for(dir)) else {
        return false;
    };
    fs::read(file).is_ok_and(|b| decode(&b, dir, &current, producers_signature(dir)).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A directory's stamps and entries, as `load` reads them.
    fn read(dir: &Path) -> (Vec<Stamp>, Catalogue) {
        let files = crate::catalogue::folder::directory_files(dir, Origin::Directory(dir.into()));
        (stamps(dir).unwrap(), Catalogue::from_files(files.unwrap()))
    }

    #[test]
    fn a_tampered_index_shows_no_raw_control_and_does_not_panic() {
        let dir = tempfile::tempdir().unwrap();
        let title = "Titre piégé ABCDEFGH";
        std::fs::write(
            dir.path().join("a.md"),
            format!("---\ntitle: {title}\nthemes: [X, Y]\nkeywords: [k]\n---\nbody"),
        )
        .unwrap();
        let (st, cat) = read(dir.path());
        let mut bytes = encode(&cat, &st, 1);
        // Same length, so the index still reads: ESC, BEL, a broken UTF-8 sequence.
        let at = bytes
            .windows(8)
            .position(|w| w == b"ABCDEFGH")
            .expect("title in the index");
        bytes[at..at + 8].copy_from_slice(b"\x1b]0;\x07\xc3(\xff");
        let index = decode(&bytes, dir.path(), &st, 1).expect("same shape");
        let l = index.listing(0);
        for text in [&l.slug, &l.title, &l.producer, &l.themes] {
            assert!(!text.chars().any(char::is_control), "{text:?}");
        }
        assert!(l.title.contains("\\x1b"), "{}", l.title);
        let e = index.entry(0, true);
        assert!(!e.title.chars().any(char::is_control));
        let q = crate::search::Query::parse(&["titre"]);
        assert_eq!(crate::search::rank(&index.candidates(), &q).len(), 1);
    }

    #[test]
    fn encode_then_decode_gives_the_same_listing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.md"),
            "---\ntitle: A é\ntagline: t\nis_open: -1\nthemes: [X]\n---\nbody",
        )
        .unwrap();
        std::fs::write(dir.path().join("b.md"), "---\nbad: key: x\n---\n").unwrap();
        let (st, cat) = read(dir.path());
        let bytes = encode(&cat, &st, 7);
        let back = decode(&bytes, dir.path(), &st, 7).unwrap();
        assert_eq!(back.fields, fields_of(&cat));
        let listed = back.catalogue(true);
        assert_eq!(listed.problems, cat.problems);
        assert_eq!(listed.entries.len(), 1);
        let (a, b) = (&listed.entries[0], &cat.entries[0]);
        assert_eq!(a.title, "A é");
        assert_eq!(a.access, Access::Restricted);
        for (x, y) in [(&a.slug, &b.slug), (&a.path, &b.path), (&a.title, &b.title)] {
            assert_eq!(x, y);
        }
        assert_eq!(a.tagline, b.tagline);
        assert_eq!(a.themes, b.themes);
        assert_eq!(a.keywords, b.keywords);
        assert_eq!(a.origin, b.origin);
        assert_eq!(back.candidates()[0].title, "A é".as_bytes());
        // Any change, truncation or garbage is refused.
        assert!(decode(&bytes, dir.path(), &st, 8).is_none());
        assert!(decode(&bytes[..bytes.len() - 1], dir.path(), &st, 7).is_none());
        let mut other = st.clone();
        other[0].size += 1;
        assert!(decode(&bytes, dir.path(), &other, 7).is_none());
        let mut garbage = bytes.clone();
        for b in garbage.iter_mut().skip(40).step_by(7) {
            *b = 0xff;
        }
        let _ = decode(&garbage, dir.path(), &st, 7);
        assert!(decode(b"nonsense", dir.path(), &st, 7).is_none());
    }
}
