//! The snapshot `apicat update` saves: data.gouv.fr's dataservices as they were read, served
//! beside the bundled and personal entries.
//!
//! It is a folder in the user data folder (`~/.local/share/apicat/snapshot` on Linux) with two
//! files:
//!
//! - `dataservices.jsonl`: a first line of facts (where from, when, how many), then one kept
//!   item a line, exactly as the portal sent it (so a better conversion needs no new download).
//! - `dataservices.idx`: for each item its byte offset and length in that file, its last update
//!   and the api.gouv.fr slug it records, then the same index a catalogue folder gets (see
//!   [`crate::index`]), stamped with the JSON Lines file's size and time.
//!
//! `list` and `search` read only the index; `show` finds a slug there and reads that one line.
//! Both files are written to a temporary file and renamed, the items first: an index that does
//! not match them is rebuilt from them, never trusted.

use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::datagouv::{self, Place};
use super::{Catalogue, Entry, Origin, Problem};
use crate::index::{self, Index, Want, stamp_of, write_atomically};

pub const ITEMS: &str = "dataservices.jsonl";
pub const INDEX: &str = "dataservices.idx";
/// The slots' length and checksum follow, then the slots, then the index of the entries.
const MAGIC: &[u8; 8] = b"APICATS3";

/// The snapshot folder: `$XDG_DATA_HOME/apicat/snapshot` on Linux.
pub fn dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "apicat").map(|p| p.data_dir().join("snapshot"))
}

/// What the first line of the snapshot says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    /// The listing's first URL, or the file imported.
    pub origin: String,
    /// When it was fetched, `yyyy-mm-ddThh:mm:ssZ`.
    pub fetched_at: String,
    pub count: usize,
}

impl Meta {
    /// `yyyy-mm-dd hh:mm UTC`.
    pub fn when(&self) -> String {
        let s = &self.fetched_at;
        match (s.get(..10), s.get(11..16)) {
            (Some(d), Some(t)) => format!("{d} {t} UTC"),
            _ => s.clone(),
        }
    }
}

/// A time as `yyyy-mm-ddThh:mm:ssZ`, from seconds since 1970.
pub fn iso_utc(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A saved snapshot.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub dir: PathBuf,
    pub meta: Meta,
}

/// One item's place in the JSON Lines file, and what merging needs without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Slot<'b> {
    pub offset: u64,
    pub len: u32,
    pub line: usize,
    pub updated: Option<&'b str>,
    pub apigouv_slug: Option<&'b str>,
}

/// Every item's slot as the index holds them, each read when asked for: where each starts,
/// then the slots.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Slots<'b> {
    starts: &'b [u8],
    items: &'b [u8],
}

impl<'b> Slots<'b> {
    pub fn len(&self) -> usize {
        (self.starts.len() / 4).saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn start(&self, j: usize) -> Option<usize> {
        let b = self.starts.get(j.checked_mul(4)?..j.checked_mul(4)? + 4)?;
        Some(u32::from_le_bytes(b.try_into().ok()?) as usize)
    }

    /// Slot `j`; `None` past the last or, in a forged index only, where it does not read.
    pub fn get(&self, j: usize) -> Option<Slot<'b>> {
        let mut b = self.items.get(self.start(j)?..self.start(j + 1)?)?;
        let mut take = |n: usize| -> Option<&'b [u8]> {
            let (t, rest) = b.split_at_checked(n)?;
            b = rest;
            Some(t)
        };
        let offset = u64::from_le_bytes(take(8)?.try_into().ok()?);
        let len = u32::from_le_bytes(take(4)?.try_into().ok()?);
        let line = u32::from_le_bytes(take(4)?.try_into().ok()?) as usize;
        let mut text = || -> Option<Option<&'b str>> {
            let l = take(1)?[0] as usize;
            let s = std::str::from_utf8(take(l)?).ok()?;
            Some((!s.is_empty()).then_some(s))
        };
        let updated = text()?;
        let apigouv_slug = text()?;
        Some(Slot {
            offset,
            len,
            line,
            updated,
            apigouv_slug,
        })
    }
}

/// The snapshot's index, borrowed from `buf`, with each record's slot.
pub struct Indexed<'b> {
    pub index: Index<'b>,
    pub slots: Slots<'b>,
}

impl Snapshot {
    /// The snapshot in `dir`, if one was saved there and can be read.
    pub fn open(dir: &Path) -> Option<Snapshot> {
        Snapshot::probe(dir).ok().flatten()
    }

    /// The snapshot in `dir`: `Ok(None)` when none was saved, an error (to show, naming the
    /// file) when its file is there but cannot serve: not a regular file (a FIFO would block
    /// every command), unreadable, or not a snapshot.
    pub fn probe(dir: &Path) -> std::result::Result<Option<Snapshot>, String> {
        use super::folder::ReadFailure;
        use std::io::ErrorKind;
        let path = dir.join(ITEMS);
        let shown = || crate::text::visible(&path.display().to_string()).into_owned();
        // One open on the common paths: its error says which case this is.
        let file = match super::folder::open_regular(&path) {
            Ok((file, _)) => file,
            Err(ReadFailure::Io(e)) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(ReadFailure::Io(e)) if e.kind() == ErrorKind::NotADirectory => {
                return Err(format!(
                    "{}: not a folder, so no snapshot can be kept there (remove it; \
                     `apicat update` then saves one)",
                    crate::text::visible(&dir.display().to_string())
                ));
            }
            Err(e) => {
                return Err(format!(
                    "{}: {e}; the snapshot is not served (`apicat update` saves a new one)",
                    shown()
                ));
            }
        };
        let mut first = String::new();
        let unrecognised = || {
            format!(
                "{}: not a snapshot apicat can read (its first line names no origin and date); \
                 it is not served (`apicat update` saves a new one)",
                shown()
            )
        };
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(file.take(64 * 1024)),
            &mut first,
        )
        .map_err(|_| unrecognised())?;
        let v: Value = serde_json::from_str(&first).map_err(|_| unrecognised())?;
        let text = |k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .map(crate::text::sanitize_line)
        };
        let (Some(origin), Some(fetched_at)) = (text("origin"), text("fetched_at")) else {
            return Err(unrecognised());
        };
        Ok(Some(Snapshot {
            dir: dir.to_path_buf(),
            meta: Meta {
                origin,
                fetched_at,
                count: v.get("count").and_then(Value::as_u64).unwrap_or(0) as usize,
            },
        }))
    }

    /// The items file, opened only if it is still a regular file.
    fn items(&self) -> Option<fs::File> {
        super::folder::open_regular(&self.items_file())
            .ok()
            .map(|(f, _)| f)
    }

    fn items_bytes(&self) -> Option<Vec<u8>> {
        let mut bytes = Vec::new();
        self.items()?.read_to_end(&mut bytes).ok()?;
        Some(bytes)
    }

    pub fn items_file(&self) -> PathBuf {
        self.dir.join(ITEMS)
    }

    pub fn origin(&self) -> Origin {
        Origin::Datagouv(self.items_file())
    }

    fn path_of(&self, line: usize) -> String {
        crate::text::sanitize_line(&format!("{}:{line}", self.items_file().display()))
    }

    /// Every item, converted in full (for `eligible` across the catalogue and completion),
    /// and the lines that could not be.
    pub fn entries(&self) -> Catalogue {
        let mut cat = Catalogue::default();
        let Some(bytes) = self.items_bytes() else {
            return cat;
        };
        for (n, line) in lines(&bytes).enumerate().skip(1) {
            match self.convert_bytes(line, n + 1, false) {
                Ok(e) => cat.entries.push(e),
                Err(p) => cat.problems.push(p),
            }
        }
        cat
    }

    /// A line of the items file as an entry, or why it cannot be one.
    fn convert_bytes(&self, line: &[u8], line_no: usize, keep_raw: bool) -> Result<Entry, Problem> {
        let problem = |message: String| Problem {
            path: crate::text::sanitize_line(&self.items_file().display().to_string()),
            line: Some(line_no),
            col: None,
            message: format!(
                "{message}; this API is left out (`apicat update` fetches the catalogue again)"
            ),
        };
        let text = std::str::from_utf8(line)
            .map_err(|e| problem(format!("not UTF-8 text (byte {})", e.valid_up_to() + 1)))?;
        self.convert_line(text, line_no, keep_raw)
            .map_err(|p| problem(p.message))
    }

    fn convert_line(&self, line: &str, line_no: usize, keep_raw: bool) -> Result<Entry, Problem> {
        let place = Place {
            what: self.items_file().display().to_string(),
            line: Some(line_no),
            item: None,
        };
        if line.trim().is_empty() {
            return Err(place.problem("an empty line where an item was expected"));
        }
        let v: Value = serde_json::from_str(line).map_err(|e| {
            // The line is the file's; serde's own "line 1" would contradict it.
            let what = e.to_string();
            let what = what
                .strip_suffix(&format!(" at line {} column {}", e.line(), e.column()))
                .unwrap_or(&what);
            place.problem(format!(
                "not a line of JSON: {what} (column {})",
                e.column()
            ))
        })?;
        // Shown and typed like any slug: escaped as the item's own texts are.
        let slug = v
            .get("apicat_slug")
            .and_then(Value::as_str)
            .map(crate::text::sanitize_line);
        let item = v
            .get("item")
            .ok_or_else(|| place.problem("no `item` in this line"))?;
        let mut e =
            datagouv::entry_with(item, &place, self.origin(), self.path_of(line_no), keep_raw)?;
        if let Some(s) = slug {
            e.slug = s;
        }
        if let super::Format::Dataservice(d) = &mut e.format {
            d.fetched = Some(format!("{} from {}", self.meta.when(), self.meta.origin));
        }
        Ok(e)
    }

    /// The entry of one slot: one line read, not the file.
    pub fn read(&self, slot: &Slot) -> Option<Entry> {
        let mut f = self.items()?;
        f.seek(SeekFrom::Start(slot.offset)).ok()?;
        let mut buf = vec![0; slot.len as usize];
        f.read_exact(&mut buf).ok()?;
        self.convert_bytes(&buf, slot.line, true).ok()
    }

    /// An entry of a whole-catalogue read ([`Snapshot::entries`]) again, with its item kept
    /// (for `show --json` without the index): its line is found by number.
    pub fn reread(&self, e: &Entry) -> Option<Entry> {
        let line_no: usize = e.path.rsplit_once(':')?.1.parse().ok()?;
        let bytes = self.items_bytes()?;
        let line = lines(&bytes).nth(line_no.checked_sub(1)?)?;
        let mut full = self.convert_bytes(line, line_no, true).ok()?;
        full.slug = e.slug.clone();
        full.elsewhere = e.elsewhere.clone();
        Some(full)
    }

    /// Removes the index, so that the next read makes it again.
    pub fn forget_index(&self) {
        let _ = fs::remove_file(self.dir.join(INDEX));
    }

    /// The index, read from its file, or rebuilt from the items when missing or stale.
    pub fn index<'b>(&self, buf: &'b mut index::Buf, want: Want) -> Option<Indexed<'b>> {
        let (read, made, mapped) = buf.parts();
        let stamp = stamp_of(&self.items_file())?;
        let current = [stamp];
        if let Some((bytes, f, base)) = map_parts(&self.dir.join(INDEX), want, &current) {
            let bytes: &[u8] = match bytes {
                index::Bytes::Mapped(m) => mapped.insert(m),
                index::Bytes::Read(b) => {
                    *read = b;
                    read
                }
            };
            if let Some(mut ix) = self.decode(bytes, want, &current) {
                ix.index.attach(f, base, &self.dir.join(INDEX));
                return Some(ix);
            }
        }
        *made = self.build_index(&current)?;
        let _ = write_atomically(&self.dir.join(INDEX), made);
        self.decode(made, want, &current)
    }

    fn build_index(&self, current: &[index::Stamp]) -> Option<Vec<u8>> {
        let text = self.items_bytes()?;
        // Each entry encoded as it is read, then dropped: the index of a large snapshot never
        // holds all its entries.
        let mut enc = index::Encoder::default();
        // Each slot, and where it starts among them.
        let (mut slots, mut starts) = (Vec::new(), Vec::new());
        let mut offset = 0usize;
        for (n, line) in text.split_inclusive(|&b| b == b'\n').enumerate() {
            let start = offset;
            offset += line.len();
            if n == 0 {
                continue;
            }
            let body = line.strip_suffix(b"\n").unwrap_or(line);
            let e = match self.convert_bytes(body, n + 1, false) {
                Ok(e) => e,
                Err(p) => {
                    enc.problem_named(&p, ITEMS);
                    continue;
                }
            };
            starts.push(u32::try_from(slots.len()).ok()?);
            slots.extend_from_slice(&(start as u64).to_le_bytes());
            slots.extend_from_slice(&u32::try_from(body.len()).ok()?.to_le_bytes());
            slots.extend_from_slice(&u32::try_from(n + 1).ok()?.to_le_bytes());
            let apigouv = e.dataservice().and_then(|d| d.apigouv_slug.as_deref());
            for t in [e.last_update_iso.as_deref(), apigouv] {
                let t = t.unwrap_or("");
                slots.push(u8::try_from(t.len()).ok()?);
                slots.extend_from_slice(t.as_bytes());
            }
            enc.entry(&e);
        }
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&[0; 16]);
        out.extend_from_slice(&u32::try_from(starts.len()).ok()?.to_le_bytes());
        for s in starts.iter().chain([&u32::try_from(slots.len()).ok()?]) {
            out.extend_from_slice(&s.to_le_bytes());
        }
        out.extend_from_slice(&slots);
        let slots_len = (out.len() - 24) as u64;
        let sum = index::checksum(&out[24..]);
        out[8..16].copy_from_slice(&slots_len.to_le_bytes());
        out[16..24].copy_from_slice(&sum.to_le_bytes());
        out.extend_from_slice(&enc.finish(false, &index::Survey::of_files(current.to_vec()), 0));
        Some(out)
    }

    /// Each entry's slot, and its slug and title as indexed, from the slots and the index's
    /// head alone (`show` reads no other record); `buf` keeps the bytes. `None` when the index
    /// cannot be read or made.
    #[allow(clippy::type_complexity)]
    pub fn names<'b>(
        &self,
        buf: &'b mut Vec<u8>,
    ) -> Option<(Slots<'b>, Vec<(&'b [u8], &'b [u8])>)> {
        let current = [stamp_of(&self.items_file())?];
        *buf = match read_parts(&self.dir.join(INDEX), Want::Names, &current) {
            Some(r) => r.0,
            None => {
                // Missing or stale: made again, then read whole.
                let mut whole = index::Buf::default();
                self.index(&mut whole, Want::All)?;
                whole.into_bytes()
            }
        };
        let (slots, pos) = slots_of(buf)?;
        let names = index::names_in(&buf[pos..])?;
        (names.len() == slots.len()).then_some((slots, names))
    }

    fn decode<'b>(
        &self,
        bytes: &'b [u8],
        want: Want,
        current: &[index::Stamp],
    ) -> Option<Indexed<'b>> {
        let (slots, pos) = slots_of(bytes)?;
        let prefix = crate::text::sanitize_line(&self.dir.join("").display().to_string());
        let index = index::decode_as(&bytes[pos..], want, current, 0, self.origin(), prefix)?;
        (index.len() == slots.len()).then_some(Indexed { index, slots })
    }
}

/// The lines of the items file, without their ends (as `str::lines` cuts text).
fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes
        .split_inclusive(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\n").unwrap_or(l))
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
}

/// The slots at the start of the snapshot's index file, checked, and where its index starts.
fn slots_of<'b>(bytes: &'b [u8]) -> Option<(Slots<'b>, usize)> {
    if bytes.get(..8)? != MAGIC {
        return None;
    }
    let u64_at = |at: usize| Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?));
    let slots_len = usize::try_from(u64_at(8)?).ok()?;
    let sum = u64_at(16)?;
    let end = 24usize.checked_add(slots_len)?;
    let part = bytes.get(24..end)?;
    if index::checksum(part) != sum {
        return None;
    }
    let (n, rest) = part.split_first_chunk::<4>()?;
    let n = u32::from_le_bytes(*n) as usize;
    let (starts, items) = rest.split_at_checked(n.checked_add(1)?.checked_mul(4)?)?;
    let slots = Slots { starts, items };
    (slots.start(n)? == items.len()).then_some((slots, end))
}

/// What `want` needs of the snapshot's index file: its slots, then the parts of its index.
/// An index longer than its items could make (see [`index::plausible_len`]) is refused before
/// anything but its start is read.
/// [`read_parts`], the file mapped whole when it can be: nothing is copied, and the body
/// words are read in place.
fn map_parts(
    file: &Path,
    want: Want,
    current: &[index::Stamp],
) -> Option<(index::Bytes, fs::File, u64)> {
    let (f, len) = super::folder::open_regular(file).ok()?;
    if len > max_len(current) {
        return None;
    }
    let Some(m) = usize::try_from(len)
        .ok()
        .and_then(|n| crate::mapped::Mapped::of(&f, n))
    else {
        return read_parts(file, want, current)
            .map(|(b, f, base)| (index::Bytes::Read(b), f, base));
    };
    if m.get(..8)? != &MAGIC[..] {
        return None;
    }
    let slots_len = u64::from_le_bytes(m.get(8..16)?.try_into().ok()?);
    let base = slots_len.checked_add(24).filter(|&b| b <= len)?;
    index::made_for(m.get(usize::try_from(base).ok()?..)?, current, 0).then_some((
        index::Bytes::Mapped(m),
        f,
        base,
    ))
}

/// One file of many items: the cap on one entry's size is not its own.
fn max_len(current: &[index::Stamp]) -> u64 {
    current
        .iter()
        .map(|s| s.size().saturating_mul(8))
        .sum::<u64>()
        .saturating_add(1 << 20)
}

fn read_parts(
    file: &Path,
    want: Want,
    current: &[index::Stamp],
) -> Option<(Vec<u8>, fs::File, u64)> {
    let (f, len) = super::folder::open_regular(file).ok()?;
    let max = max_len(current);
    if len > max {
        return None;
    }
    let mut bytes = vec![0; 24];
    index::read_at(&f, 0, &mut bytes)?;
    if bytes[..8] != MAGIC[..] {
        return None;
    }
    let slots_len = u64::from_le_bytes(bytes[8..16].try_into().ok()?);
    let base = slots_len.checked_add(24).filter(|&b| b <= len)?;
    index::append_at(&f, 24, usize::try_from(slots_len).ok()?, &mut bytes)?;
    let bytes = index::read_parts_onto(bytes, &f, base, len - base, want, max, |h| {
        index::made_for(h, current, 0)
    })?;
    Some((bytes, f, base))
}

/// Saves a snapshot of `kept` items with their slugs: items first, then the index, each to a
/// temporary file renamed in place. Returns the snapshot.
pub fn save(dir: &Path, meta: &Meta, kept: Vec<(String, Entry)>) -> std::io::Result<Snapshot> {
    fs::create_dir_all(dir)?;
    let mut text = serde_json::to_string(&json!({
        "apicat_snapshot": 1,
        "origin": meta.origin,
        "fetched_at": meta.fetched_at,
        "count": kept.len(),
    }))
    .map_err(std::io::Error::other)?;
    text.push('\n');
    // Sized once: grown by doubling, the text would pass through twice its size.
    text.reserve(kept.iter().map(|(i, e)| i.len() + e.slug.len() + 32).sum());
    let count = kept.len();
    for (item, e) in kept {
        // `item` is compact JSON already: written in place, never parsed again.
        let slug = serde_json::to_string(&e.slug).map_err(std::io::Error::other)?;
        text.push_str(&format!("{{\"apicat_slug\":{slug},\"item\":{item}}}\n"));
    }
    // The items and entries are gone (consumed above) before the index is made from the file.
    write_atomically(&dir.join(ITEMS), text.as_bytes())?;
    drop(text);
    let snap = Snapshot {
        dir: dir.to_path_buf(),
        meta: Meta {
            count,
            ..meta.clone()
        },
    };
    // The index is made now, so the first `list` after an update is as fast as the next.
    let mut buf = index::Buf::default();
    let _ = snap.index(&mut buf, Want::Listing);
    Ok(snap)
}

/// The problems of a conversion, for messages.
pub fn describe(problems: &[Problem]) -> Vec<String> {
    problems.iter().map(ToString::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_utc(1_798_386_000), "2026-12-27T15:40:00Z");
        assert_eq!(iso_utc(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn saved_then_read_by_index_and_by_line() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/datagouv");
        let text = fs::read_to_string(fixtures.join("odd.json")).unwrap();
        let items = datagouv::file_items(&text, "odd.json").unwrap();
        let c = datagouv::convert(items, &Origin::Datagouv(PathBuf::new()));
        let dir = tempfile::tempdir().unwrap();
        let meta = Meta {
            origin: "odd.json".into(),
            fetched_at: iso_utc(0),
            count: 0,
        };
        let snap = save(dir.path(), &meta, c.kept).unwrap();
        let opened = Snapshot::open(dir.path()).unwrap();
        assert_eq!(opened.meta.count, 8);
        assert_eq!(opened.meta.when(), "1970-01-01 00:00 UTC");
        let mut buf = index::Buf::default();
        let ix = snap.index(&mut buf, Want::All).unwrap();
        assert_eq!(ix.slots.len(), 8);
        let l = ix.index.listing(7);
        assert_eq!(l.slug, "api-qualite-de-l-air-atmo-2");
        let e = snap.read(&ix.slots.get(7).unwrap()).unwrap();
        assert_eq!(e.slug, "api-qualite-de-l-air-atmo-2");
        assert!(e.path.ends_with("dataservices.jsonl:9"), "{}", e.path);
        assert_eq!(e.origin.kind(), "datagouv");
        assert_eq!(snap.entries().entries.len(), 8);
        // What follows writes over the index file in place, which apicat never does: the
        // index kept for comparison is a copy, not the file mapped.
        drop(ix);
        let copy = fs::read(dir.path().join(INDEX)).unwrap();
        let stamp = [stamp_of(&dir.path().join(ITEMS)).unwrap()];
        let ix = snap.decode(&copy, Want::All, &stamp).unwrap();
        // A damaged index is rebuilt, not trusted.
        fs::write(dir.path().join(INDEX), b"APICATS3xx").unwrap();
        let mut buf = index::Buf::default();
        assert_eq!(snap.index(&mut buf, Want::Listing).unwrap().slots, ix.slots);
        // Any byte changed before the body words' blocks is seen, and the index made again (a
        // block is checked when a search reads it: see `index`).
        let whole = fs::read(dir.path().join(INDEX)).unwrap();
        let slots_len = u64::from_le_bytes(whole[8..16].try_into().unwrap()) as usize;
        let blocks = 24 + slots_len + index::blocks_at(&whole[24 + slots_len..]).unwrap();
        for at in (8..blocks).step_by(7) {
            let mut bad = whole.clone();
            bad[at] ^= 0x20;
            fs::write(dir.path().join(INDEX), &bad).unwrap();
            let mut buf = index::Buf::default();
            let again = snap.index(&mut buf, Want::All).unwrap();
            assert_eq!(again.slots, ix.slots, "byte {at}");
            assert_eq!(again.index.fields(), ix.index.fields(), "byte {at}");
            drop(again);
            assert_eq!(
                fs::read(dir.path().join(INDEX)).unwrap(),
                whole,
                "byte {at}"
            );
        }
        for want in [Want::Listing, Want::Search, Want::Verdicts, Want::All] {
            let mut buf = index::Buf::default();
            let again = snap.index(&mut buf, want).unwrap();
            assert_eq!(again.slots, ix.slots);
            assert_eq!(
                again.index.fields().is_empty(),
                !matches!(want, Want::Search | Want::All)
            );
        }
        // Each part read alone gives what the whole gives, and is less than the whole.
        let whole = fs::metadata(dir.path().join(INDEX)).unwrap().len() as usize;
        for want in [Want::Listing, Want::Search, Want::Verdicts] {
            let stamp = [stamp_of(&dir.path().join(ITEMS)).unwrap()];
            let (read, ..) = read_parts(&dir.path().join(INDEX), want, &stamp).unwrap();
            assert!(read.len() < whole, "{want:?}: {} of {whole}", read.len());
            let mut buf = index::Buf::default();
            let part = snap.index(&mut buf, want).unwrap();
            for i in 0..8 {
                assert_eq!(part.index.listing(i), ix.index.listing(i));
                if want == Want::Verdicts {
                    let (a, b) = (
                        part.index.entry_for_verdict(i),
                        ix.index.entry_for_verdict(i),
                    );
                    assert_eq!(format!("{a:?}"), format!("{b:?}"));
                }
            }
            if want == Want::Search {
                assert_eq!(part.index.fields(), ix.index.fields());
            }
        }
    }
}
