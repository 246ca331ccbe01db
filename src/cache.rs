//! An index cache for catalogue directories, so `list` and `search` need not parse YAML on
//! every run. It lives in the user cache directory, one file per catalogue directory, and
//! holds for each `*.md` file its name, size and modification time with what `list` and
//! `search` need (display fields and folded search fields) or the reason it failed to load.
//! Any difference in the directory, or in its `producteurs/`, and it is rebuilt; a stale,
//! corrupt or unreadable cache is ignored, never trusted. It is written to a temporary file,
//! then renamed.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use crate::catalogue::{Access, Catalogue, Entry, Origin, Problem};
use crate::search::Fields;

const MAGIC: &[u8; 8] = b"APICATIX";
/// Changes with the code that writes and reads the index (see build.rs).
const VERSION: &str = env!("APICAT_INDEX_KEY");

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
struct Stamp {
    name: String,
    size: u64,
    mtime_ns: u128,
}

fn stamps(dir: &Path) -> Option<Vec<Stamp>> {
    let mut out: Vec<Stamp> = fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            if meta.is_dir() {
                return None;
            }
            let mtime_ns = meta
                .modified()
                .ok()?
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            Some(Stamp {
                name: e.file_name().to_str()?.to_string(),
                size: meta.len(),
                mtime_ns,
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Some(out)
}

/// One signature for the producers folder beside a catalogue: any change rebuilds.
fn producers_signature(dir: &Path) -> u64 {
    let mut bytes = Vec::new();
    for p in [dir.join("producteurs"), dir.join("../producteurs")] {
        if let Some(st) = stamps(&p) {
            for s in st {
                bytes.extend_from_slice(s.name.as_bytes());
                bytes.extend_from_slice(&s.size.to_le_bytes());
                bytes.extend_from_slice(&s.mtime_ns.to_le_bytes());
            }
            break;
        }
    }
    hash(&bytes)
}

/// What a cached directory gives: light entries (display and filter fields only), their
/// folded search fields, and the files that failed to load.
pub struct Index<'b> {
    pub catalogue: Catalogue,
    /// Borrowed from the index file's bytes when read from the cache.
    pub fields: Vec<Fields<'b>>,
    /// Each entry's keywords, joined, until [`Index::fill_keywords`] (only JSON shows them).
    keywords: Vec<&'b str>,
}

/// Joins keywords in the index; sanitised text never holds this control character.
const SEP: char = '\u{1f}';

impl Index<'_> {
    /// Gives the entries read from the index their keywords.
    pub fn fill_keywords(&mut self) {
        for (e, k) in self.catalogue.entries.iter_mut().zip(&self.keywords) {
            e.keywords = k
                .split(SEP)
                .filter(|k| !k.is_empty())
                .map(str::to_string)
                .collect();
        }
    }
}

/// Loads a catalogue directory for `list` and `search` through the cache, rebuilding it when
/// it is missing, stale or unreadable. `full` is how to load the directory without it.
/// `buf` keeps the index file's bytes, which the search fields borrow.
pub fn load<'b>(
    dir: &Path,
    buf: &'b mut Vec<u8>,
    full: impl FnOnce() -> Result<Catalogue, String>,
) -> Result<Index<'b>, String> {
    let current = stamps(dir);
    let signature = producers_signature(dir);
    let file = file_for(dir);
    if let (Some(current), Some(file)) = (&current, &file)
        && let Ok(bytes) = fs::read(file)
    {
        *buf = bytes;
        if let Some(index) = decode(buf, dir, current, signature) {
            return Ok(index);
        }
    }
    let catalogue = full()?;
    let fields: Vec<Fields> = catalogue
        .entries
        .iter()
        .map(|e| Fields::of(e).compact())
        .collect();
    if let (Some(current), Some(file)) = (current, file) {
        // A cache that cannot be written is only a slower next run.
        let _ = write_atomically(&file, &encode(&catalogue, &fields, &current, signature));
    }
    Ok(Index {
        catalogue,
        fields,
        keywords: Vec::new(),
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
        self.u32(u32::try_from(s.len()).unwrap_or(u32::MAX));
        self.0.extend_from_slice(s.as_bytes());
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
    fn list(&mut self, items: &[String]) {
        self.u32(u32::try_from(items.len()).unwrap_or(u32::MAX));
        for i in items {
            self.str(i);
        }
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
    fn text(&mut self) -> Option<&'a str> {
        let n = self.u32()? as usize;
        std::str::from_utf8(self.take(n)?).ok()
    }
    fn opt_str(&mut self) -> Option<Option<String>> {
        match self.u8()? {
            0 => Some(None),
            1 => Some(Some(self.str()?)),
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
    fn list(&mut self) -> Option<Vec<String>> {
        let n = self.u32()? as usize;
        // A corrupt count must not allocate wildly: each item takes at least 4 bytes.
        if n > self.bytes.len().saturating_sub(self.pos) / 4 {
            return None;
        }
        (0..n).map(|_| self.str()).collect()
    }
}

fn file_name(path: &str) -> &str {
    Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(path)
}

fn encode(cat: &Catalogue, fields: &[Fields], stamps: &[Stamp], signature: u64) -> Vec<u8> {
    let mut w = Writer::default();
    w.0.extend_from_slice(MAGIC);
    w.str(VERSION);
    w.u64(signature);
    w.u8(u8::from(cat.producers_known));
    w.u32(u32::try_from(stamps.len()).unwrap_or(u32::MAX));
    for s in stamps {
        w.str(&s.name);
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
    for (e, f) in cat.entries.iter().zip(fields) {
        w.str(&e.slug);
        w.str(file_name(&e.path));
        w.str(&e.title);
        w.opt_str(&e.tagline);
        w.opt_str(&e.producer);
        w.opt_str(&e.producer_name);
        w.opt_str(&e.producer_acronym);
        w.opt_str(&e.owner);
        w.opt_str(&e.owner_acronym);
        w.opt_i64(e.is_open);
        w.opt_i64(e.visits_2019);
        w.list(&e.themes);
        w.str(&e.keywords.join(&SEP.to_string()));
        for s in [
            &f.title,
            &f.tagline,
            &f.producer,
            &f.keywords,
            &f.themes,
            &f.partners,
            &f.body,
        ] {
            w.str(s);
        }
    }
    w.0
}

fn decode<'b>(bytes: &'b [u8], dir: &Path, current: &[Stamp], signature: u64) -> Option<Index<'b>> {
    let mut r = Reader { bytes, pos: 0 };
    if r.take(8)? != MAGIC || r.str()? != VERSION || r.u64()? != signature {
        return None;
    }
    let producers_known = r.u8()? == 1;
    let n = r.u32()? as usize;
    if n != current.len() {
        return None;
    }
    for s in current {
        let cached = Stamp {
            name: r.str()?,
            size: r.u64()?,
            mtime_ns: r.u128()?,
        };
        if &cached != s {
            return None;
        }
    }
    let prefix = crate::text::sanitize_line(&dir.join("").display().to_string());
    let path_of = |name: &str| format!("{prefix}{}", crate::text::sanitize_line(name));
    let mut cat = Catalogue {
        producers_known,
        ..Catalogue::default()
    };
    for _ in 0..r.u32()? {
        cat.problems.push(Problem {
            path: path_of(&r.str()?),
            line: r.opt_usize()?,
            col: r.opt_usize()?,
            message: r.str()?,
        });
    }
    let count = r.u32()? as usize;
    let mut fields = Vec::with_capacity(count.min(current.len()));
    let mut keywords = Vec::with_capacity(count.min(current.len()));
    cat.entries.reserve(count.min(current.len()));
    for _ in 0..count {
        let slug = r.str()?;
        let path = path_of(&r.str()?);
        let mut e = Entry {
            slug,
            path,
            origin: Origin::Directory(dir.to_path_buf()),
            title: r.str()?,
            tagline: r.opt_str()?,
            producer: r.opt_str()?,
            producer_name: r.opt_str()?,
            producer_acronym: r.opt_str()?,
            owner: r.opt_str()?,
            owner_acronym: r.opt_str()?,
            is_open: r.opt_i64()?,
            visits_2019: r.opt_i64()?,
            themes: r.list()?,
            // Partners are searched through the fields; no listing shows them.
            ..Entry::default()
        };
        e.access = Access::from_code(e.is_open);
        keywords.push(r.text()?);
        cat.entries.push(e);
        let mut text = || r.text().map(std::borrow::Cow::Borrowed);
        fields.push(Fields {
            title: text()?,
            tagline: text()?,
            producer: text()?,
            keywords: text()?,
            themes: text()?,
            partners: text()?,
            body: text()?,
            sorted: true,
        });
    }
    (r.pos == bytes.len()).then_some(Index {
        catalogue: cat,
        fields,
        keywords,
    })
}

/// Whether a directory's cache is present and current (for `apicat paths`).
pub fn is_current(dir: &Path) -> bool {
    let (Some(current), Some(file)) = (stamps(dir), file_for(dir)) else {
        return false;
    };
    fs::read(file)
        .ok()
        .is_some_and(|b| decode(&b, dir, &current, producers_signature(dir)).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_then_decode_gives_the_same_listing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.md"),
            "---\ntitle: A é\ntagline: t\nis_open: -1\nthemes: [X]\n---\nbody",
        )
        .unwrap();
        std::fs::write(dir.path().join("b.md"), "---\nbad: key: x\n---\n").unwrap();
        let st = stamps(dir.path()).unwrap();
        let cat = Catalogue::from_files(
            crate::catalogue::directory_files(dir.path(), Origin::Directory(dir.path().into()))
                .unwrap(),
        );
        let fields: Vec<Fields> = cat
            .entries
            .iter()
            .map(|e| Fields::of(e).compact())
            .collect();
        let bytes = encode(&cat, &fields, &st, 7);
        let back = decode(&bytes, dir.path(), &st, 7).unwrap();
        assert_eq!(back.fields, fields);
        assert_eq!(back.catalogue.entries[0].title, "A é");
        assert_eq!(back.catalogue.entries[0].access, Access::Restricted);
        assert_eq!(back.catalogue.problems, cat.problems);
        let mut back = back;
        back.fill_keywords();
        assert_eq!(back.catalogue.entries[0].keywords, cat.entries[0].keywords);
        assert_eq!(back.catalogue.entries[0].path, cat.entries[0].path);
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
