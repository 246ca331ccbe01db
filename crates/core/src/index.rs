//! The index of a catalogue, so `list` and `search` need not parse YAML on every run. For a
//! directory it is a cache file, rebuilt whenever the directory changes; the bundled entries'
//! index is made at build time by the same code.
//!
//! A directory's index lives in the user cache directory, one file per directory. It holds
//! each `*.md` file's stamp (name, size, times, mode) and, in parts read apart (see [`Want`]):
//! what listings show, the folded search fields, the access rules, and the body words
//! inverted in blocks, or the reason a file failed to load. Any difference in the directory,
//! or in its `producteurs/`, and it is rebuilt; a stale, corrupt (checksums) or unreadable
//! index is ignored, never trusted. It is written to a temporary file, then renamed.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use std::borrow::Cow;

use crate::catalogue::folder::{is_entry_name, producers_dir, slug_key};
use crate::catalogue::{Access, Catalogue, Entry, FranceConnect, Listing, Origin, Problem};
use crate::error::{Error, Result};
use crate::mapped::Mapped;
use crate::search::{BODY, Candidate, Fields, Holders, OwnFields};

const MAGIC: &[u8; 8] = b"APICATIX";
/// The index format (raised whenever what the index holds, or how, changes), then the
/// release: an index written by another format or release is never read as this one's.
pub const VERSION: &str = concat!("17-", env!("CARGO_PKG_VERSION"));

/// Which parts of an index a command reads: the head and what listings show always; the
/// search fields for ranking, the request links and access rules for verdicts. Each part
/// lies apart in the file, so a command reads only its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// The head alone: slugs and titles ([`names_in`]).
    Names,
    Listing,
    Search,
    Verdicts,
    All,
}

impl Want {
    /// Whether the search fields are read.
    pub fn fields(self) -> bool {
        matches!(self, Want::Search | Want::All)
    }
    fn rules(self) -> bool {
        matches!(self, Want::Verdicts | Want::All)
    }
}

/// Where each part of an index starts, counted from the index's start, and where it ends.
#[derive(Debug, Clone, Copy)]
struct Layout {
    listing: usize,
    fields: usize,
    /// The directory of the body words' blocks.
    dir: usize,
    rules: usize,
    /// The body words, inverted: each word with the entries that hold it, in blocks.
    blocks: usize,
    end: usize,
    /// Checksums of the head, listings, fields, directory and rules.
    sums: [u64; 5],
}

/// Magic, format, the layout and a checksum of each part but the blocks: what is read first.
const FIXED_HEAD: usize = 8 + 4 + VERSION.len() + 48 + 40;

/// Where the head starts: when the folder was last found to hold the names it lists (see
/// [`still_listed`]), then the folder's stamp.
const LISTED_AT: usize = FIXED_HEAD;

/// The checksum of a part: a damaged index is refused rather than half read.
pub fn checksum(bytes: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::default().hash_one(bytes)
}

impl Layout {
    fn of(head: &[u8]) -> Option<Layout> {
        let mut r = Reader {
            bytes: head,
            pos: 0,
        };
        if r.take(8)? != MAGIC || r.text()? != VERSION {
            return None;
        }
        let mut at = || usize::try_from(r.u64()?).ok();
        let mut l = Layout {
            listing: at()?,
            fields: at()?,
            dir: at()?,
            rules: at()?,
            blocks: at()?,
            end: at()?,
            sums: [0; 5],
        };
        for sum in &mut l.sums {
            *sum = r.u64()?;
        }
        let parts = [
            FIXED_HEAD, l.listing, l.fields, l.dir, l.rules, l.blocks, l.end,
        ];
        parts.windows(2).all(|p| p[0] <= p[1]).then_some(l)
    }

    /// How many bytes from the start `want` reads at once (the rules then follow alone).
    fn reach(self, want: Want) -> usize {
        match want {
            Want::All => self.end,
            Want::Search => self.rules,
            Want::Listing | Want::Verdicts => self.fields,
            Want::Names => self.listing,
        }
    }
}

/// Reads what `want` needs of the index that starts at `base` in `file` (`len` bytes long):
/// its start, and for verdicts its rules after it. [`decode_as`] reads the result. An index
/// longer than `max` (what the catalogue it stands for could make) is refused, and the rest is
/// read only once `current` accepts its head (the stamps), so a damaged or foreign index costs
/// no more than its head.
pub fn read_parts(
    file: &fs::File,
    base: u64,
    len: u64,
    want: Want,
    max: u64,
    current: impl Fn(&[u8]) -> bool,
) -> Option<Vec<u8>> {
    read_parts_onto(Vec::new(), file, base, len, want, max, current)
}

/// [`read_parts`], the index appended to `out` (what precedes it in its file): nothing read is
/// copied again.
pub fn read_parts_onto(
    mut out: Vec<u8>,
    file: &fs::File,
    base: u64,
    len: u64,
    want: Want,
    max: u64,
    current: impl Fn(&[u8]) -> bool,
) -> Option<Vec<u8>> {
    if len > MAX_INDEX_BYTES.min(max) {
        return None;
    }
    let start = out.len();
    let l = read_head(&mut out, file, base, len)?;
    if !current(&out[start..]) {
        return None;
    }
    read_rest(&mut out, file, base, l, want)?;
    Some(out)
}

/// Appends the head of the index that starts at `base` in `file` to `out`, checked: `None`
/// when it is not an index of this format and length, or its head is larger than any real.
fn read_head(out: &mut Vec<u8>, file: &fs::File, base: u64, len: u64) -> Option<Layout> {
    let start = out.len();
    append_at(file, base, FIXED_HEAD, out)?;
    let l = Layout::of(&out[start..])?;
    if l.end as u64 != len || (l.listing - FIXED_HEAD) as u64 > MAX_HEAD_BYTES {
        return None;
    }
    append_at(file, base + FIXED_HEAD as u64, l.listing - FIXED_HEAD, out)?;
    (checksum(&out[start + FIXED_HEAD..]) == l.sums[0]).then_some(l)
}

/// Appends to `out` what `want` reads of an index after its head: its start, and for
/// verdicts its rules after it.
fn read_rest(out: &mut Vec<u8>, file: &fs::File, base: u64, l: Layout, want: Want) -> Option<()> {
    let reach = l.reach(want);
    let rules = if want == Want::Verdicts {
        l.blocks - l.rules
    } else {
        0
    };
    out.reserve_exact(reach - l.listing + rules);
    append_at(file, base + l.listing as u64, reach - l.listing, out)?;
    if rules > 0 {
        append_at(file, base + l.rules as u64, rules, out)?;
    }
    Some(())
}

/// Appends the `len` bytes at `at` of `file` to `buf`, without first filling it with zeros.
pub fn append_at(file: &fs::File, at: u64, len: usize, buf: &mut Vec<u8>) -> Option<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = file;
    file.seek(SeekFrom::Start(at)).ok()?;
    let want = buf.len() + len;
    file.take(len as u64).read_to_end(buf).ok()?;
    (buf.len() == want).then_some(())
}

pub fn read_at(file: &fs::File, at: u64, buf: &mut [u8]) -> Option<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, at).ok()
    }
    #[cfg(not(unix))]
    {
        use std::io::{Read, Seek, SeekFrom};
        let mut file = file;
        file.seek(SeekFrom::Start(at)).ok()?;
        file.read_exact(buf).ok()
    }
}

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

/// Name, size, times and mode of a file: what says it is unchanged. The change time moves
/// with any change a person can make (content, `touch -r`, `chmod`), and the mode says
/// whether it can be read and is a regular file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    name: Vec<u8>,
    size: u64,
    /// Signed: times before 1970 differ too.
    mtime_ns: i128,
    ctime_ns: i128,
    mode: u32,
}

/// The size a stamp gives a name that is no entry file (a link to a folder, or that cannot
/// be followed): no file has it.
const NOT_SERVED: u64 = u64::MAX;

impl Stamp {
    pub fn size(&self) -> u64 {
        self.size
    }

    /// A name kept for what it may become: its target's times when there is one.
    fn not_served(name: Vec<u8>, meta: Option<&fs::Metadata>) -> Stamp {
        let mut s = meta.map_or(
            Stamp {
                name: Vec::new(),
                size: 0,
                mtime_ns: 0,
                ctime_ns: 0,
                mode: 0,
            },
            |m| Stamp::of(Vec::new(), m),
        );
        s.name = name;
        s.size = NOT_SERVED;
        s
    }

    /// The stamp of an entry's name, as [`PendingFile::read_stamped`] stat'ed it (`None`:
    /// it could not be).
    ///
    /// [`PendingFile::read_stamped`]: crate::catalogue::folder::PendingFile::read_stamped
    pub fn of_entry(name: &[u8], meta: Option<&fs::Metadata>) -> Stamp {
        match meta {
            Some(m) if !m.is_dir() => Stamp::of(name.to_vec(), m),
            // Listed as a file, found a folder when read: it changed during the build, and the
            // problem recorded is not what a new listing would make of it.
            Some(_) => Stamp {
                name: name.to_vec(),
                size: NOT_SERVED,
                mtime_ns: i128::MIN,
                ctime_ns: i128::MIN,
                mode: u32::MAX,
            },
            None => Stamp::not_served(name.to_vec(), None),
        }
    }

    /// The stamp of a link with an entry's name that leads to a folder, when listed.
    pub fn of_folder_link(name: &[u8], meta: &fs::Metadata) -> Stamp {
        Stamp::not_served(name.to_vec(), Some(meta))
    }

    fn of(name: Vec<u8>, meta: &fs::Metadata) -> Stamp {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
            Stamp {
                name,
                size: meta.len(),
                mtime_ns: ns(meta.mtime(), meta.mtime_nsec()),
                ctime_ns: ns(meta.ctime(), meta.ctime_nsec()),
                mode: meta.mode(),
            }
        }
        #[cfg(not(unix))]
        {
            let signed = |t: std::io::Result<std::time::SystemTime>| {
                t.ok()
                    .map_or(0, |t| match t.duration_since(std::time::UNIX_EPOCH) {
                        Ok(d) => d.as_nanos() as i128,
                        Err(e) => -(e.duration().as_nanos() as i128),
                    })
            };
            Stamp {
                name,
                size: meta.len(),
                mtime_ns: signed(meta.modified()),
                ctime_ns: signed(meta.created()),
                mode: u32::from(meta.permissions().readonly()),
            }
        }
    }
}

/// The stamps of a directory's `*.md` files (those the loader reads), by name: the order in
/// which a build stamps them.
fn stamps(dir: &Path) -> Option<Vec<Stamp>> {
    let mut stamps: Vec<Stamp> = fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter(|e| is_entry_name(e.file_name().as_encoded_bytes()))
        .filter_map(|e| stamp_entry(&e))
        .collect();
    sort_stamps(&mut stamps);
    Some(stamps)
}

fn sort_stamps(stamps: &mut [Stamp]) {
    stamps.sort_unstable_by(|a, b| a.name.cmp(&b.name));
}

/// The stamp of one name of a folder; `None` for a folder.
fn stamp_entry(e: &fs::DirEntry) -> Option<Stamp> {
    let name = e.file_name().into_encoded_bytes();
    // A link is stamped by what it points to: that is what gets read. One that cannot be
    // followed, or leads to a folder, is stamped too: its target may become a file while
    // this folder stays as it is.
    let link = e.file_type().is_ok_and(|t| t.is_symlink());
    let meta = if link {
        fs::metadata(e.path())
    } else {
        e.metadata()
    };
    match meta {
        Ok(m) if m.is_dir() && !link => None,
        Ok(m) if m.is_dir() => Some(Stamp::not_served(name, Some(&m))),
        Ok(m) => Some(Stamp::of(name, &m)),
        Err(_) => Some(Stamp::not_served(name, None)),
    }
}

/// What says a directory holds the same names: its modification and change times move
/// whenever a file is added, removed or renamed in it (the change time also with any `touch`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DirStamp {
    mtime_ns: i128,
    ctime_ns: i128,
    ino: u64,
}

impl DirStamp {
    pub fn of(dir: &Path) -> Option<DirStamp> {
        let meta = fs::metadata(dir).ok()?;
        let s = Stamp::of(Vec::new(), &meta);
        #[cfg(unix)]
        let ino = std::os::unix::fs::MetadataExt::ino(&meta);
        #[cfg(not(unix))]
        let ino = 0;
        Some(DirStamp {
            mtime_ns: s.mtime_ns,
            ctime_ns: s.ctime_ns,
            ino,
        })
    }

    fn write(&self, w: &mut Writer) {
        w.i128(self.mtime_ns);
        w.i128(self.ctime_ns);
        w.u64(self.ino);
    }

    fn read(r: &mut Reader) -> Option<DirStamp> {
        Some(DirStamp {
            mtime_ns: r.i128()?,
            ctime_ns: r.i128()?,
            ino: r.u64()?,
        })
    }
}

/// How long after a folder's last change a listing must begin for its stamp to vouch for the
/// names: a change within the same tick of the file system's clock (2 s on FAT) leaves the
/// stamp as it was.
const SETTLED_NS: i128 = 2_000_000_000;

/// Whether a folder stamped `kept` when listed at `listed_at` still holds the names listed
/// then: same stamp, and its last change came well before that listing. A folder missing
/// then and now (no `producteurs/`) holds none.
fn still_listed(kept: DirStamp, now: Option<DirStamp>, listed_at: i128) -> bool {
    let now = now.unwrap_or_default();
    kept == now
        && (now == DirStamp::default()
            || (now.ino != 0 && now.mtime_ns.max(now.ctime_ns) < listed_at - SETTLED_NS))
}

/// The time now, in nanoseconds since 1970.
fn now_ns() -> i128 {
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

/// What says a catalogue folder is unchanged: the stamp of each entry file and producer file,
/// and of both folders, taken before any file is read, and when.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Survey {
    at: i128,
    dir: DirStamp,
    stamps: Vec<Stamp>,
    producers: DirStamp,
    producer_stamps: Vec<Stamp>,
    /// One number for the producers' stamps: any change rebuilds.
    signature: u64,
}

impl Survey {
    /// The folder listed now; `None` when it cannot be listed.
    pub fn take(dir: &Path) -> Option<Survey> {
        let mut survey = Survey::before_build(dir);
        survey.stamps = stamps(dir)?;
        Some(survey)
    }

    /// What is stamped before a build reads any file: both folders and the producers' files.
    /// The build stamps each entry file just before reading it.
    fn before_build(dir: &Path) -> Survey {
        let at = now_ns();
        let producers = producers_dir(dir);
        let producers_stamp = producers.as_deref().and_then(DirStamp::of);
        let dir_stamp = DirStamp::of(dir).unwrap_or_default();
        let producer_stamps = producers.and_then(|p| stamps(&p)).unwrap_or_default();
        Survey {
            at,
            dir: dir_stamp,
            stamps: Vec::new(),
            producers: producers_stamp.unwrap_or_default(),
            signature: signature_of(&producer_stamps),
            producer_stamps,
        }
    }

    /// The survey of files that are not a folder's (a snapshot's file).
    pub fn of_files(stamps: Vec<Stamp>) -> Survey {
        Survey {
            stamps,
            ..Survey::default()
        }
    }

    pub fn signature(&self) -> u64 {
        self.signature
    }

    /// The folder as it is now, `kept` (what an index's head lists) telling which files to
    /// look at: when both folders still hold the names listed then, each file is only
    /// stat'ed, and the first that changed ends the look; otherwise, or then, the folders are
    /// listed anew.
    fn now(dir: &Path, kept: &Kept) -> Option<Verified> {
        let at = now_ns();
        let producers = producers_dir(dir);
        let dir_now = DirStamp::of(dir);
        let producers_now = producers.as_deref().and_then(DirStamp::of);
        if still_listed(kept.dir, dir_now, kept.at)
            && still_listed(kept.producers, producers_now, kept.at)
            && unchanged(dir, kept.stamps())
            && producers
                .as_deref()
                .is_none_or(|p| unchanged(p, kept.producer_stamps()))
        {
            return Some(Verified::AsKept {
                signature: kept.signature,
                plausible: plausible_len(kept.stamps().map(|s| s.size)),
            });
        }
        let mut listed = Survey::take(dir)?;
        // The stamps taken before the listing: a change meanwhile makes the names stale.
        listed.at = at;
        listed.dir = dir_now.unwrap_or_default();
        listed.producers = producers_now.unwrap_or_default();
        Some(Verified::Listed(listed))
    }
}

/// What says an index is current: each file found as its head lists it (nothing more to
/// compare), or the folders listed anew.
enum Verified {
    AsKept { signature: u64, plausible: u64 },
    Listed(Survey),
}

impl Verified {
    /// The stamps to compare the head's with; `None` when they were compared already.
    fn stamps(&self) -> Option<&[Stamp]> {
        match self {
            Verified::AsKept { .. } => None,
            Verified::Listed(s) => Some(&s.stamps),
        }
    }

    fn signature(&self) -> u64 {
        match self {
            Verified::AsKept { signature, .. } => *signature,
            Verified::Listed(s) => s.signature,
        }
    }
}

/// A file's stamp as an index's head holds it, read in place.
struct StampRef<'h> {
    name: &'h [u8],
    size: u64,
    mtime_ns: i128,
    ctime_ns: i128,
    mode: u32,
}

/// The survey an index's head keeps, read in place: the stamp lists are walked, not copied.
struct Kept<'h> {
    at: i128,
    dir: DirStamp,
    signature: u64,
    stamps: (&'h [u8], usize),
    producers: DirStamp,
    producer_stamps: (&'h [u8], usize),
}

impl<'h> Kept<'h> {
    fn of(head: &'h [u8]) -> Option<Kept<'h>> {
        let mut r = Reader {
            bytes: head,
            pos: LISTED_AT,
        };
        let at = r.i128()?;
        let dir = DirStamp::read(&mut r)?;
        r.bytes()?;
        let signature = r.u64()?;
        r.u8()?;
        let stamps = stamp_list(&mut r)?;
        let producers = DirStamp::read(&mut r)?;
        let producer_stamps = stamp_list(&mut r)?;
        Some(Kept {
            at,
            dir,
            signature,
            stamps,
            producers,
            producer_stamps,
        })
    }

    fn stamps(&self) -> impl Iterator<Item = StampRef<'h>> {
        stamp_refs(self.stamps)
    }

    fn producer_stamps(&self) -> impl Iterator<Item = StampRef<'h>> {
        stamp_refs(self.producer_stamps)
    }
}

/// A list of stamps, checked whole: its bytes and count.
fn stamp_list<'h>(r: &mut Reader<'h>) -> Option<(&'h [u8], usize)> {
    let n = r.u32()? as usize;
    let from = r.pos;
    for _ in 0..n {
        r.bytes()?;
        r.take(8 + 16 + 16 + 4)?;
    }
    Some((&r.bytes[from..r.pos], n))
}

fn stamp_refs((bytes, n): (&[u8], usize)) -> impl Iterator<Item = StampRef<'_>> {
    let mut r = Reader { bytes, pos: 0 };
    (0..n).map_while(move |_| {
        Some(StampRef {
            name: r.bytes()?,
            size: r.u64()?,
            mtime_ns: r.i128()?,
            ctime_ns: r.i128()?,
            mode: r.u32()?,
        })
    })
}

/// One number for a folder's stamps.
fn signature_of(stamps: &[Stamp]) -> u64 {
    let mut bytes = Vec::new();
    for s in stamps {
        bytes.extend_from_slice(&s.name);
        bytes.extend_from_slice(&s.size.to_le_bytes());
        bytes.extend_from_slice(&s.mtime_ns.to_le_bytes());
        bytes.extend_from_slice(&s.ctime_ns.to_le_bytes());
        bytes.extend_from_slice(&s.mode.to_le_bytes());
    }
    hash(&bytes)
}

/// Whether each of the files `kept` names in `dir` has the stamp kept, looked up by name.
#[cfg(unix)]
fn unchanged<'h>(dir: &Path, mut kept: impl Iterator<Item = StampRef<'h>>) -> bool {
    use rustix::fs::{AtFlags, Mode, OFlags};
    let Ok(fd) = rustix::fs::open(
        dir,
        OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    ) else {
        return false;
    };
    let mut name = Vec::new();
    let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
    kept.all(|s| {
        name.clear();
        name.extend_from_slice(s.name);
        name.push(0);
        let Ok(c) = std::ffi::CStr::from_bytes_with_nul(&name) else {
            return false;
        };
        // Links followed, as when listed: what a link points to is what gets read.
        // The fields' types differ between platforms.
        #[allow(clippy::unnecessary_cast)]
        match rustix::fs::statat(&fd, c, AtFlags::empty()) {
            Ok(st) => {
                let dir = st.st_mode as u32 & libc::S_IFMT as u32 == libc::S_IFDIR as u32;
                let size = if dir {
                    Some(NOT_SERVED)
                } else {
                    u64::try_from(st.st_size).ok()
                };
                size == Some(s.size)
                    && ns(st.st_mtime as i64, st.st_mtime_nsec as i64) == s.mtime_ns
                    && ns(st.st_ctime as i64, st.st_ctime_nsec as i64) == s.ctime_ns
                    && st.st_mode as u32 == s.mode
            }
            // Still not to be followed, as when listed.
            Err(_) => s.size == NOT_SERVED && s.mode == 0 && s.mtime_ns == 0,
        }
    })
}

/// Elsewhere the folders are listed on each run.
#[cfg(not(unix))]
fn unchanged<'h>(_: &Path, _: impl Iterator<Item = StampRef<'h>>) -> bool {
    false
}

/// The slugs and titles of a directory's entries, and the keys of look-alike file names, read
/// from the start of its index alone: `None` when there is no index, or the directory's
/// names may have changed since it was made.
pub struct Names {
    pub entries: Vec<(String, String)>,
    pub twins: Vec<String>,
}

pub fn names(dir: &Path, with_entries: bool) -> Option<Names> {
    names_where(dir, with_entries, |_| true, |_| true)
}

/// [`names`] keeping only the entries whose slug `keep` accepts (what a TAB could complete).
/// `may_keep` sees each slug's bytes as stored, before they are checked or made clean: a slug
/// it rejects is skipped, so it must reject only slugs that `keep` would.
pub fn names_where(
    dir: &Path,
    with_entries: bool,
    keep: impl Fn(&str) -> bool,
    may_keep: impl Fn(&[u8]) -> bool,
) -> Option<Names> {
    use std::io::Read;
    let now = DirStamp::of(dir)?;
    let (file, len) = crate::catalogue::folder::open_regular(&file_for(dir)?).ok()?;
    let mut file = std::io::BufReader::with_capacity(1 << 12, file.take(len));
    let mut head = vec![0; FIXED_HEAD + 56 + 4];
    file.read_exact(&mut head).ok()?;
    let mut r = Reader {
        bytes: &head,
        pos: 0,
    };
    if r.take(8)? != MAGIC || r.text()? != VERSION || r.take(88).is_none() {
        return None;
    }
    let listed_at = r.i128()?;
    let kept = DirStamp::read(&mut r)?;
    if now.ino == 0 || !(still_listed(kept, Some(now), listed_at) || settle(dir)) {
        return None;
    }
    let block_len = r.u32()?;
    // A block larger than any real one is not read: the caller reads the index whole, checked.
    if u64::from(block_len) > MAX_NAMES_BYTES {
        return None;
    }
    // Read through one buffer, each name taken where it lies: a TAB on a large folder keeps
    // only a few of the names it passes; look-alikes alone (for `show`) are a few bytes.
    let mut w = Window {
        // Nothing past the block: a name cut short by a damaged length is seen, not read on.
        file: file.take(u64::from(block_len)),
        buf: vec![0; if with_entries { 1 << 16 } else { 1 << 12 }],
        start: 0,
        end: 0,
    };
    let mut twins = Vec::new();
    for _ in 0..w.u32()? {
        let n = w.u32()? as usize;
        (n as u64 <= u64::from(block_len)).then_some(())?;
        twins.push(text(w.take(n)?));
    }
    let mut entries = Vec::new();
    if with_entries {
        for _ in 0..w.u32()? {
            // The whole record in the buffer, then read in place.
            w.hold(4)?;
            let n = w.u32_at(0)? as usize;
            (n as u64 <= u64::from(block_len)).then_some(())?;
            w.hold(4 + n + 4)?;
            let m = w.u32_at(4 + n)? as usize;
            (m as u64 <= u64::from(block_len)).then_some(())?;
            let record = w.take(8 + n + m)?;
            let (raw, title) = (&record[4..4 + n], &record[8 + n..]);
            if !may_keep(raw) {
                continue;
            }
            let slug = match std::str::from_utf8(raw) {
                Ok(s) if !crate::text::needs_sanitizing(s) => Cow::Borrowed(s),
                _ => Cow::Owned(text(raw)),
            };
            if keep(&slug) {
                entries.push((slug.into_owned(), text(title)));
            }
        }
    }
    Some(Names { entries, twins })
}

/// Vouches anew for the names an index keeps when it was made too soon after its folders
/// last changed: once they have settled, they are listed (no file stat'ed) and, holding the
/// names kept, the head says when. Else `show` and a TAB would list the folder on every run
/// until a command that reads the whole index came.
fn settle(dir: &Path) -> bool {
    // Names as `stamps` keeps them: entry names but real folders, sorted.
    fn names_in(dir: &Path) -> Option<Vec<Vec<u8>>> {
        let mut names: Vec<Vec<u8>> = fs::read_dir(dir)
            .ok()?
            .flatten()
            .filter(|e| is_entry_name(e.file_name().as_encoded_bytes()))
            .filter(|e| !e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.file_name().into_encoded_bytes())
            .collect();
        names.sort_unstable();
        Some(names)
    }
    let same = |now: Option<Vec<Vec<u8>>>, kept: &mut dyn Iterator<Item = StampRef>| {
        now.is_some_and(|now| now.iter().map(|n| &n[..]).eq(kept.map(|s| s.name)))
    };
    let Some(file) = file_for(dir) else {
        return false;
    };
    let Ok((f, len)) = crate::catalogue::folder::open_regular(&file) else {
        return false;
    };
    let mut bytes = Vec::new();
    let Some(l) = read_head(&mut bytes, &f, 0, len) else {
        return false;
    };
    let Some(kept) = Kept::of(&bytes) else {
        return false;
    };
    // Taken before the listings: a change meanwhile moves the folders' stamps past it.
    let at = now_ns();
    let producers = producers_dir(dir);
    let dir_now = DirStamp::of(dir);
    let producers_now = producers.as_deref().and_then(DirStamp::of);
    // As if listed now: the folders' stamps must still be those kept.
    let vouched = still_listed(kept.dir, dir_now, at)
        && still_listed(kept.producers, producers_now, at)
        && same(names_in(dir), &mut kept.stamps())
        && producers
            .as_deref()
            .is_none_or(|p| same(names_in(p), &mut kept.producer_stamps()));
    if !vouched {
        return false;
    }
    let now = Survey {
        at,
        dir: dir_now.unwrap_or_default(),
        producers: producers_now.unwrap_or_default(),
        ..Survey::default()
    };
    match resurveyed(&bytes, l, &now) {
        Some(head) => rewrite_head(&file, &f, &head),
        None => return false,
    }
    true
}

/// A file read through one buffer, reused: what is taken lies in it, whole.
struct Window<R> {
    file: R,
    buf: Vec<u8>,
    /// The bytes read and not yet taken.
    start: usize,
    end: usize,
}

impl<R: std::io::Read> Window<R> {
    /// Makes the next `n` bytes lie in the buffer; `None` when the file ends first.
    fn hold(&mut self, n: usize) -> Option<()> {
        if self.end - self.start >= n {
            return Some(());
        }
        self.buf.copy_within(self.start..self.end, 0);
        self.end -= self.start;
        self.start = 0;
        if self.buf.len() < n {
            self.buf.resize(n, 0);
        }
        while self.end < n {
            match self.file.read(&mut self.buf[self.end..]) {
                Ok(0) | Err(_) => return None,
                Ok(k) => self.end += k,
            }
        }
        Some(())
    }

    /// The 4 bytes `at` bytes after the start, held, as a number.
    fn u32_at(&self, at: usize) -> Option<u32> {
        let b = self.buf.get(self.start + at..self.start + at + 4)?;
        Some(u32::from_le_bytes(b.try_into().ok()?))
    }

    fn u32(&mut self) -> Option<u32> {
        self.hold(4)?;
        let n = self.u32_at(0)?;
        self.start += 4;
        Some(n)
    }

    fn take(&mut self, n: usize) -> Option<&[u8]> {
        self.hold(n)?;
        self.start += n;
        self.buf.get(self.start - n..self.start)
    }
}

/// Each entry's slug and title, in the order of the records, from the head of an index
/// (whole, or read with [`Want::Names`]): what finding one entry by name needs.
pub fn names_in(bytes: &[u8]) -> Option<Vec<(&[u8], &[u8])>> {
    let l = Layout::of(bytes)?;
    let head = bytes.get(FIXED_HEAD..l.listing)?;
    if checksum(head) != l.sums[0] {
        return None;
    }
    let mut r = Reader {
        bytes: &bytes[..l.listing],
        pos: FIXED_HEAD,
    };
    r.i128()?;
    DirStamp::read(&mut r)?;
    let mut r = Reader {
        bytes: r.bytes()?,
        pos: 0,
    };
    for _ in 0..r.u32()? {
        r.bytes()?;
    }
    let n = r.u32()? as usize;
    let mut out = Vec::with_capacity(n.min(r.bytes.len()));
    for _ in 0..n {
        out.push((r.bytes()?, r.bytes()?));
    }
    Some(out)
}

/// The stamp of one file (the snapshot's), under its own name.
pub fn stamp_of(file: &Path) -> Option<Stamp> {
    let meta = fs::metadata(file).ok()?;
    Some(Stamp::of(
        file.file_name()?.as_encoded_bytes().to_vec(),
        &meta,
    ))
}

/// Where the blocks of body words are read: the index's bytes when all were read, else its
/// file, a block at a time.
enum Blocks<'b> {
    Bytes(&'b [u8]),
    File(fs::File, u64),
    Missing,
}

/// The body words of an index's entries, inverted: a directory of blocks (the first key of
/// each), each block a run of keys (`w` + word, or `s` + stem) with the entries holding it
/// and how often. A search reads the directory and the few blocks its words fall in.
pub struct IndexBodies<'b> {
    /// Per block: its first key, where it starts, its length and checksum.
    dir: Vec<(&'b [u8], u64, u32, u64)>,
    blocks: Blocks<'b>,
    /// Where the blocks start in the index, for [`Index::attach`], and their length: a
    /// damaged directory never makes a read past them.
    at: u64,
    size: u64,
    /// Whether a block could not be read, or was not what was written.
    damaged: std::cell::Cell<bool>,
    /// The blocks read from the file: a search reads few, and goes back to them (a word's
    /// block, its stem's, the word's again for its prefix).
    read: std::cell::RefCell<Vec<(usize, std::rc::Rc<[u8]>)>>,
}

/// A block of body words, from the index's bytes or read from its file.
enum Block<'a> {
    Borrowed(&'a [u8]),
    Shared(std::rc::Rc<[u8]>),
}

impl std::ops::Deref for Block<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Block::Borrowed(b) => b,
            Block::Shared(b) => b,
        }
    }
}

/// A block's keys with their holders, in order.
fn block_entries(block: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut r = Reader {
        bytes: block,
        pos: 0,
    };
    std::iter::from_fn(move || Some((r.bytes()?, r.bytes()?)))
}

/// The holders of one key: entry numbers as growing gaps (LEB128), each with its count.
fn holders(mut b: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut entry = 0usize;
    while !b.is_empty() {
        let mut gap = 0usize;
        let mut shift = 0;
        loop {
            let Some((&byte, rest)) = b.split_first() else {
                return out;
            };
            b = rest;
            gap |= usize::from(byte & 0x7f).checked_shl(shift).unwrap_or(0);
            shift += 7;
            if byte < 0x80 {
                break;
            }
        }
        let Some((&n, rest)) = b.split_first() else {
            return out;
        };
        b = rest;
        entry = entry.saturating_add(gap);
        out.push((entry, usize::from(n)));
    }
    out
}

impl IndexBodies<'_> {
    fn block(&self, b: usize) -> Option<Block<'_>> {
        let &(_, off, len, sum) = self.dir.get(b)?;
        if off.checked_add(u64::from(len))? > self.size {
            return None;
        }
        let (off, len) = (usize::try_from(off).ok()?, len as usize);
        match &self.blocks {
            Blocks::Bytes(all) => {
                let block = all.get(off..off.checked_add(len)?);
                let block = block.filter(|b| checksum(b) == sum);
                self.damaged.set(self.damaged.get() || block.is_none());
                block.map(Block::Borrowed)
            }
            Blocks::File(file, at) => {
                if let Some((_, block)) = self.read.borrow().iter().find(|(k, _)| *k == b) {
                    return Some(Block::Shared(block.clone()));
                }
                let mut buf = vec![0; len];
                if read_at(file, at + off as u64, &mut buf).is_none() || checksum(&buf) != sum {
                    self.damaged.set(true);
                    return None;
                }
                let block: std::rc::Rc<[u8]> = buf.into();
                self.read.borrow_mut().push((b, block.clone()));
                Some(Block::Shared(block))
            }
            Blocks::Missing => None,
        }
    }

    /// The block a key would be in.
    fn block_of(&self, key: &[u8]) -> usize {
        self.dir.partition_point(|d| d.0 <= key).saturating_sub(1)
    }

    fn holders_of(&self, kind: u8, word: &[u8]) -> Vec<(usize, usize)> {
        let key = [&[kind], word].concat();
        let Some(block) = self.block(self.block_of(&key)) else {
            return Vec::new();
        };
        block_entries(&block)
            .find(|(k, _)| *k >= &key[..])
            .filter(|(k, _)| *k == &key[..])
            .map_or_else(Vec::new, |(_, h)| holders(h))
    }
}

impl crate::search::Bodies for IndexBodies<'_> {
    fn word(&self, word: &[u8]) -> Holders {
        self.holders_of(b'w', word)
    }

    fn stem(&self, stem: &[u8]) -> Holders {
        self.holders_of(b's', stem)
    }

    fn starting(&self, prefix: &[u8]) -> Vec<(Vec<u8>, Holders)> {
        let key = [b"w", prefix].concat();
        let mut out = Vec::new();
        for b in self.block_of(&key)..self.dir.len() {
            let Some(block) = self.block(b) else { break };
            for (k, h) in block_entries(&block) {
                if k <= &key[..] {
                    continue;
                }
                if !k.starts_with(&key) {
                    return out;
                }
                out.push((k[1..].to_vec(), holders(h)));
            }
        }
        out
    }
}

/// A part of the index holding one item per entry: the items, then where each starts (a `u32`
/// each, and where the last ends). An item is found without reading those before it.
#[derive(Default, Clone, Copy)]
struct Table<'b> {
    starts: &'b [u8],
    items: &'b [u8],
}

impl<'b> Table<'b> {
    /// The table of `count` items that fills `part`.
    fn of(part: &'b [u8], count: usize) -> Option<Table<'b>> {
        let table = count.checked_add(1)?.checked_mul(4)?;
        let (items, starts) = part.split_at_checked(part.len().checked_sub(table)?)?;
        let t = Table { starts, items };
        (t.start(count)? == items.len()).then_some(t)
    }

    fn start(&self, i: usize) -> Option<usize> {
        let at = i.checked_mul(4)?;
        let b = self.starts.get(at..at + 4)?;
        Some(u32::from_le_bytes(b.try_into().ok()?) as usize)
    }

    fn get(&self, i: usize) -> Option<&'b [u8]> {
        self.items.get(self.start(i)?..self.start(i + 1)?)
    }

    /// Ends the table whose items are `items`: where each of them starts, and where the last
    /// ends.
    fn append_starts(items: &mut Vec<u8>, starts: &[u32]) {
        let end = u32::try_from(items.len()).unwrap_or(u32::MAX);
        items.reserve(4 * (starts.len() + 1));
        for s in starts.iter().chain(std::iter::once(&end)) {
            items.extend_from_slice(&s.to_le_bytes());
        }
    }
}

/// One entry as the index holds it: what `list` and `search` show and filter on, borrowed
/// from the index file's bytes. An [`Entry`] is made only for what is shown.
#[derive(Default)]
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
    france_connect: Option<FranceConnect>,
    visits_2019: Option<i64>,
    /// Joined by [`SEP`].
    themes: &'b [u8],
    keywords: &'b [u8],
}

impl<'b> Record<'b> {
    /// The record that starts `r`'s bytes, which it then leaves behind.
    fn read(r: &mut Reader<'b>) -> Option<Record<'b>> {
        // Nothing is checked for UTF-8 here: search fields are matched as bytes, and the
        // rest is checked when shown.
        Some(Record {
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
            france_connect: match r.u8()? {
                0 => None,
                n => Some(FranceConnect::from_index(n - 1)?),
            },
            visits_2019: r.opt_i64()?,
            themes: r.bytes()?,
            keywords: r.bytes()?,
        })
    }
}

/// What a cached directory gives: its entries as records, their folded search fields (when
/// read: see [`Want`]), and the files that failed to load.
pub struct Index<'b> {
    /// The listings: a record is read when used, which keeps a search from holding every one.
    listings: Table<'b>,
    count: usize,
    /// What a verdict needs of each entry (see [`Encoder::entry`]): read only for verdicts.
    eligibility: Vec<&'b [u8]>,
    /// Their search fields, their bodies aside (see [`Index::bodies`]), each after its visit
    /// count; empty when not read.
    fields: Table<'b>,
    bodies: Option<IndexBodies<'b>>,
    /// Its file, when read from one.
    file: Option<PathBuf>,
    /// Whether its bytes are a file's (mapped): text is then copied before it is checked.
    shared: bool,
    copies: Copies,
    pub problems: Vec<Problem>,
    producers_known: bool,
    origin: Origin,
    /// The directory as shown in messages, with a trailing separator.
    prefix: String,
}

/// No body words: an index read without its search fields.
struct NoBodies;

impl crate::search::Bodies for NoBodies {
    fn word(&self, _: &[u8]) -> Holders {
        Vec::new()
    }
    fn stem(&self, _: &[u8]) -> Holders {
        Vec::new()
    }
    fn starting(&self, _: &[u8]) -> Vec<(Vec<u8>, Holders)> {
        Vec::new()
    }
}

/// Joins lists in the index; sanitised text never holds this control character.
const SEP: char = '\u{1f}';

/// Text of the index as it was written: UTF-8 and sanitised. It is checked only here, for
/// what is shown, so a damaged index still never puts raw control characters on screen.
fn text(b: &[u8]) -> String {
    crate::text::copied(b)
}

/// Copies of a mapped index's bytes, kept while the index lives, so that rows are checked and
/// shown from memory no other program can change, without an allocation for each text.
#[derive(Default)]
struct Copies(std::cell::RefCell<Vec<Vec<u8>>>);

impl Copies {
    fn keep(&self, b: &[u8]) -> &[u8] {
        let mut chunks = self.0.borrow_mut();
        if chunks
            .last()
            .is_none_or(|c| c.capacity() - c.len() < b.len())
        {
            chunks.push(Vec::with_capacity(b.len().max(16 << 10)));
        }
        let Some(chunk) = chunks.last_mut() else {
            return &[];
        };
        let start = chunk.len();
        chunk.extend_from_slice(b);
        let copy = &chunk[start..];
        // SAFETY: a chunk is never grown past its capacity (checked above), so its buffer
        // never moves; chunks are only added, never changed nor dropped before `self`.
        unsafe { std::slice::from_raw_parts(copy.as_ptr(), copy.len()) }
    }
}

fn split(joined: &[u8]) -> Vec<String> {
    joined
        .split(|&b| b == SEP as u8)
        .filter(|k| !k.is_empty())
        .map(text)
        .collect()
}

impl<'b> Index<'b> {
    /// The body words of the entries, when the search fields were read.
    pub fn bodies(&self) -> &dyn crate::search::Bodies {
        debug_assert!(self.bodies.is_some(), "search needs an index read for it");
        match &self.bodies {
            Some(b) => b,
            None => &NoBodies,
        }
    }

    /// Where the blocks of body words are read when only parts of the index were: `file`
    /// (at `path`), in which the index starts at `base`.
    pub fn attach(&mut self, file: fs::File, base: u64, path: &Path) {
        if let Some(b) = &mut self.bodies
            && matches!(b.blocks, Blocks::Missing)
        {
            b.blocks = Blocks::File(file, base + b.at);
        }
        self.file = Some(path.to_path_buf());
        self.shared = true;
    }

    /// Whether a block of body words was damaged (or cut short) when a search read it: that
    /// search must not be trusted.
    pub fn damaged(&self) -> bool {
        self.bodies.as_ref().is_some_and(|b| b.damaged.get())
    }

    /// Removes the index's file, so that the next run makes it again.
    pub fn forget(&self) {
        if let Some(f) = &self.file {
            let _ = fs::remove_file(f);
        }
    }

    /// How many entries it holds.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Record `i`, read where it lies. Its part's checksum was checked: only a forged index
    /// gives a record that does not read, shown empty.
    fn record(&self, i: usize) -> Record<'b> {
        self.listings
            .get(i)
            .and_then(|bytes| Record::read(&mut Reader { bytes, pos: 0 }))
            .unwrap_or_default()
    }

    /// The slug of record `i` as the index holds it (not checked: compare it, do not show it).
    pub fn raw_slug(&self, i: usize) -> &'b [u8] {
        // The record's first part: the rest is not read.
        self.listings
            .get(i)
            .and_then(|bytes| Reader { bytes, pos: 0 }.bytes())
            .unwrap_or_default()
    }

    /// The entry of record `i`, as `list` and `search` show it (no body, no access rules);
    /// keywords only when asked for, since only JSON shows them.
    pub fn entry(&self, i: usize, keywords: bool) -> Entry {
        let r = self.record(i);
        let own = |s: Option<&[u8]>| s.map(text);
        Entry {
            slug: text(r.slug),
            path: format!(
                "{}{}",
                self.prefix,
                crate::text::sanitize_line(&crate::text::copied_lossy(r.file))
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
            france_connect: r.france_connect,
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

    /// [`text`], borrowed where it is already clean (most of it): from the index, or from a
    /// copy when the index is a file's bytes, which another program could change under us.
    fn text_ref<'s>(&'s self, b: &'s [u8]) -> Cow<'s, str> {
        let b = match self.shared {
            true => self.copies.keep(b),
            false => b,
        };
        match std::str::from_utf8(b) {
            Ok(s) => crate::text::sanitize(s),
            Err(_) => Cow::Owned(text(b)),
        }
    }

    /// What `list` and `search` show of record `i`, made without the rest of its entry
    /// (borrowed from the index where its text is clean).
    pub fn listing(&self, i: usize) -> Listing<'_> {
        let r = self.record(i);
        let producer = crate::catalogue::producer_short(
            r.producer,
            r.producer_acronym,
            r.producer_name,
            r.owner_acronym,
            r.owner,
        );
        let themes = match r.themes.contains(&(SEP as u8)) {
            true => Cow::Owned(split(r.themes).join(", ")),
            false => self.text_ref(r.themes),
        };
        Listing {
            slug: self.text_ref(r.slug),
            title: self.text_ref(r.title),
            producer: producer.map(|p| self.text_ref(p)).unwrap_or_default(),
            access: r.access,
            themes,
        }
    }

    /// The entry of record `i` with what a verdict needs: request links and access rules.
    pub fn entry_for_verdict(&self, i: usize) -> Entry {
        let mut e = self.entry(i, false);
        debug_assert!(
            self.eligibility.len() == self.count,
            "verdicts need an index read for them"
        );
        let mut r = Reader {
            bytes: self.eligibility.get(i).copied().unwrap_or_default(),
            pos: 0,
        };
        let mut read = || -> Option<()> {
            let own = |b: Option<&[u8]>| b.map(text);
            e.datapass_link = own(r.opt_bytes()?);
            e.account_link = own(r.opt_bytes()?);
            e.contact_link = own(r.opt_bytes()?);
            for _ in 0..r.u32()? {
                e.access_page.push(crate::catalogue::AccessRule {
                    who: split(r.bytes()?),
                    is_eligible: r.opt_i64()?,
                    description: text(r.bytes()?),
                });
            }
            Some(())
        };
        // A damaged block only loses rules: the index is checked whole when read.
        let _ = read();
        e
    }

    /// Every entry, with request links and access rules, as a catalogue: for verdicts.
    pub fn catalogue_for_verdicts(&self) -> Catalogue {
        Catalogue {
            entries: (0..self.count).map(|i| self.entry_for_verdict(i)).collect(),
            problems: self.problems.clone(),
            producers_known: self.producers_known,
            ..Catalogue::default()
        }
    }

    /// Every entry, with the problems, as a catalogue.
    pub fn catalogue(&self, keywords: bool) -> Catalogue {
        Catalogue {
            entries: (0..self.count).map(|i| self.entry(i, keywords)).collect(),
            problems: self.problems.clone(),
            producers_known: self.producers_known,
            ..Catalogue::default()
        }
    }

    /// What ranking needs of every entry.
    pub fn candidates(&self) -> Vec<Candidate<'b>> {
        let mut out = Vec::with_capacity(self.count);
        out.extend((0..self.count).filter_map(|i| self.candidate(i, i)));
        out
    }

    /// Record `i`'s search fields as written ([`Fields::read`] reads them); `None` when they
    /// were not read.
    pub fn fields_bytes(&self, i: usize) -> Option<&'b [u8]> {
        self.fields.get(i)?.get(8..)
    }

    /// Record `i`'s visit count, which sits before its search fields.
    fn visits(&self, i: usize) -> i64 {
        let b = self.fields.get(i).and_then(|b| b.first_chunk::<8>());
        b.map_or(0, |b| i64::from_le_bytes(*b))
    }

    /// Every record's search fields (empty when they were not read).
    pub fn fields(&self) -> Vec<Fields<'b>> {
        (0..self.count)
            .filter_map(|i| Some(Fields::read(self.fields_bytes(i)?)?.0))
            .collect()
    }

    /// What ranking needs of record `i`, given back as `index` in its hit; `None` when the
    /// search fields were not read.
    pub fn candidate(&self, i: usize, index: usize) -> Option<Candidate<'b>> {
        let fields = self.fields_bytes(i)?;
        let visits = self.visits(i);
        // The title is the record's third part: read alone, not the whole record.
        let mut r = Reader {
            bytes: self.listings.get(i)?,
            pos: 0,
        };
        let title = r.bytes().and(r.bytes()).and(r.bytes()).unwrap_or_default();
        Some(Candidate {
            index,
            fields,
            visits,
            title,
        })
    }

    /// Slug and title of record `i`, for completion.
    pub fn name(&self, i: usize) -> (String, String) {
        let r = self.record(i);
        (text(r.slug), text(r.title))
    }
}

impl crate::catalogue::Served for Index<'_> {
    fn len(&self) -> usize {
        self.count
    }

    fn listing(&self, at: usize) -> Listing<'_> {
        Index::listing(self, at)
    }

    fn entry(&self, at: usize, keywords: bool) -> Entry {
        Index::entry(self, at, keywords)
    }

    fn catalogue(&self) -> Cow<'_, Catalogue> {
        Cow::Owned(Index::catalogue(self, false))
    }
}

/// Where an index's bytes are kept while it is read and used: what was read from its file,
/// or what was made when that could not be used. Two places, so that bytes read are decoded
/// once: the index borrows the one it was decoded from.
#[derive(Default)]
pub struct Buf {
    read: Vec<u8>,
    made: Vec<u8>,
    /// A folder's index, when its file could be mapped.
    mapped: Option<Mapped>,
    /// A folder's index just made, mapped from the file it was written to.
    written: Option<Mapped>,
}

impl Buf {
    /// The bytes of the index in use.
    pub fn into_bytes(self) -> Vec<u8> {
        match self.mapped.or(self.written) {
            _ if !self.made.is_empty() => self.made,
            Some(m) => m.to_vec(),
            None => self.read,
        }
    }

    /// Its places: bytes read, made, or mapped.
    pub fn parts(&mut self) -> (&mut Vec<u8>, &mut Vec<u8>, &mut Option<Mapped>) {
        (&mut self.read, &mut self.made, &mut self.mapped)
    }
}

/// Loads a catalogue directory for `list` and `search` through the cache, rebuilding it when
/// it is missing, stale or unreadable. `full` is how to read the directory without it: it
/// gives each problem and entry to the encoder, stamps each entry file ([`Encoder::stamp`])
/// before reading it, and says whether producers are known.
/// `buf` keeps the index's bytes, which the index borrows.
pub fn load<'b>(
    dir: &Path,
    buf: &'b mut Buf,
    want: Want,
    full: impl FnOnce(&mut Encoder) -> Result<bool>,
) -> Result<Index<'b>> {
    let Buf {
        read,
        made,
        mapped,
        written,
    } = buf;
    let file = file_for(dir);
    let mut survey = None;
    if let Some(file) = &file {
        match read_index(file, want, dir) {
            Ok((bytes, f, now)) => {
                let bytes: &[u8] = match bytes {
                    Bytes::Read(b) => {
                        *read = b;
                        read
                    }
                    Bytes::Mapped(m) => mapped.insert(m),
                };
                if let Some(mut index) = decode(bytes, want, dir, now.stamps(), now.signature()) {
                    index.attach(f, 0, file);
                    return Ok(index);
                }
                if let Verified::Listed(now) = now {
                    survey = Some(now);
                }
            }
            Err(taken) => survey = taken,
        }
    }
    // Taken before any file is read, and each entry file stamped just before it is read: a
    // change during the build makes the index stale, never wrongly current.
    let mut survey = survey.unwrap_or_else(|| Survey::before_build(dir));
    let mut enc = Encoder::default();
    let producers_known = full(&mut enc)?;
    survey.stamps = std::mem::take(&mut enc.stamps);
    sort_stamps(&mut survey.stamps);
    let s = &survey;
    let parts = enc.finish_parts(producers_known, s, s.signature());
    // Written part by part, then read through a mapping of the file: never joined in memory,
    // where each page of a new buffer costs a fault. A cache that cannot be written is only
    // a slower next run, and this one reads the parts joined.
    if let Some(path) = &file
        && let Ok(f) = write_parts_atomically(path, &parts)
        && let Some(m) = Mapped::of(&f, parts.len())
    {
        let bytes: &[u8] = written.insert(m);
        if let Some(mut index) = decode(bytes, want, dir, Some(&s.stamps), s.signature()) {
            index.attach(f, 0, path);
            return Ok(index);
        }
    }
    *made = parts.joined();
    decode(made, want, dir, Some(&s.stamps), s.signature()).ok_or_else(|| {
        Error::usage(format!(
            "{}: the catalogue index could not be read back",
            crate::text::visible(&dir.display().to_string())
        ))
    })
}

/// An index's bytes: mapped, or read when the file cannot be mapped.
pub enum Bytes {
    Read(Vec<u8>),
    Mapped(Mapped),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Read(b) => b,
            Bytes::Mapped(m) => m,
        }
    }
}

/// What `want` needs of the index in `file` when it was made for `dir` as it is now, with the
/// survey that says so and the file (body words are read from it when not mapped). Otherwise
/// the survey taken meanwhile, if any, for the rebuild. Only a regular file is read: a FIFO
/// put there must not block.
// The survey is moved out once, before a rebuild that costs far more.
#[allow(clippy::result_large_err)]
fn read_index(
    file: &Path,
    want: Want,
    dir: &Path,
) -> std::result::Result<(Bytes, fs::File, Verified), Option<Survey>> {
    let (f, len) = crate::catalogue::folder::open_regular(file).map_err(|_| None)?;
    if len > MAX_INDEX_BYTES {
        return Err(None);
    }
    let mut bytes = match Mapped::of(&f, len as usize) {
        Some(m) => Bytes::Mapped(m),
        None => {
            let mut out = Vec::new();
            read_head(&mut out, &f, 0, len).ok_or(None)?;
            Bytes::Read(out)
        }
    };
    let l = Layout::of(&bytes)
        .filter(|l| {
            l.end as u64 == len
                && (l.listing - FIXED_HEAD) as u64 <= MAX_HEAD_BYTES
                && bytes
                    .get(FIXED_HEAD..l.listing)
                    .is_some_and(|h| checksum(h) == l.sums[0])
        })
        .ok_or(None)?;
    let kept = Kept::of(&bytes).ok_or(None)?;
    let now = match Survey::now(dir, &kept).ok_or(None)? {
        Verified::AsKept {
            signature,
            plausible,
        } => {
            if len > plausible {
                return Err(None);
            }
            if let Bytes::Read(out) = &mut bytes {
                read_rest(out, &f, 0, l, want).ok_or(None)?;
            }
            return Ok((
                bytes,
                f,
                Verified::AsKept {
                    signature,
                    plausible,
                },
            ));
        }
        Verified::Listed(now) => now,
    };
    if !made_for(&bytes, &now.stamps, now.signature()) || len > plausible_for(&now.stamps) {
        return Err(Some(now));
    }
    if still_listed(now.dir, Some(now.dir), now.at)
        && still_listed(now.producers, Some(now.producers), now.at)
    {
        // Settled since: the next runs need not list the folders. A mapping sees the new
        // head as written; bytes read get it in place.
        if let Some(head) = resurveyed(&bytes, l, &now) {
            rewrite_head(file, &f, &head);
            if let Bytes::Read(out) = &mut bytes {
                out.splice(..head.len(), head);
            }
        }
    }
    if let Bytes::Read(out) = &mut bytes {
        read_rest(out, &f, 0, l, want).ok_or_else(|| Some(now.clone()))?;
    }
    Ok((bytes, f, Verified::Listed(now)))
}

fn write_stamps(w: &mut Writer, stamps: &[Stamp]) {
    w.u32(u32::try_from(stamps.len()).unwrap_or(u32::MAX));
    for s in stamps {
        w.bytes(&s.name);
        w.u64(s.size);
        w.i128(s.mtime_ns);
        w.i128(s.ctime_ns);
        w.u32(s.mode);
    }
}

/// The head (fixed part and head) `head` with the folders' stamps and time of listing of
/// `now`, the checksum made again; `None` when it does not read as one.
fn resurveyed(head: &[u8], l: Layout, now: &Survey) -> Option<Vec<u8>> {
    let mut out = head.get(..l.listing)?.to_vec();
    let mut w = Writer::default();
    w.i128(now.at);
    now.dir.write(&mut w);
    out.get_mut(LISTED_AT..LISTED_AT + 56)?
        .copy_from_slice(&w.0);
    // The producers' stamp lies after the entries' stamps.
    let mut r = Reader {
        bytes: &out,
        pos: LISTED_AT + 56,
    };
    r.bytes()?;
    r.u64()?;
    r.u8()?;
    stamp_list(&mut r)?;
    let at = r.pos;
    let mut w = Writer::default();
    now.producers.write(&mut w);
    out.get_mut(at..at + 40)?.copy_from_slice(&w.0);
    let sum = checksum(&out[FIXED_HEAD..]);
    let from = FIXED_HEAD - 40;
    out[from..from + 8].copy_from_slice(&sum.to_le_bytes());
    Some(out)
}

/// Writes `head` over the start of the index `file` (open as `read`) in place, if it is
/// still that file. A reader meanwhile finds its checksum wrong and rebuilds: no harm.
fn rewrite_head(file: &Path, read: &fs::File, head: &[u8]) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{FileExt, MetadataExt, OpenOptionsExt};
        let Ok(w) = fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
            .open(file)
        else {
            return;
        };
        let same = match (w.metadata(), read.metadata()) {
            (Ok(a), Ok(b)) => a.is_file() && a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        };
        if same {
            let _ = w.write_all_at(head, 0);
        }
    }
    #[cfg(not(unix))]
    let _ = (file, read, head);
}

/// Far above the head of any catalogue apicat can serve (100,000 entries: about 15 MB).
const MAX_HEAD_BYTES: u64 = 1 << 26;

/// Far above the names of any catalogue apicat can serve (100,000 entries: about 10 MB).
const MAX_NAMES_BYTES: u64 = 1 << 26;

/// Far above the index of any catalogue apicat can serve (100,000 entries: about 200 MB).
const MAX_INDEX_BYTES: u64 = 1 << 31;

/// The most an index of these files can hold: words, stems and the rest are a few times an
/// entry's text (skipped files only a line), with room for what producers add.
pub fn plausible_len(sizes: impl Iterator<Item = u64>) -> u64 {
    sizes
        .map(|s| s.min(crate::catalogue::folder::MAX_ENTRY_BYTES) * 8 + 8192)
        .sum::<u64>()
        + (1 << 20)
}

/// [`write_atomically`] of an index made in parts; the file written, open for reading.
fn write_parts_atomically(file: &Path, made: &Made) -> std::io::Result<fs::File> {
    written_whole(file, |f| made.parts.iter().try_for_each(|p| f.write_all(p)))
}

/// Writes a file whole or not at all: a temporary file beside it, then a rename.
pub fn write_atomically(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    written_whole(file, |f| f.write_all(bytes)).map(drop)
}

/// A new temporary file beside `file`, filled by `write` then renamed to it; open for reading.
fn written_whole(
    file: &Path,
    write: impl FnOnce(&mut fs::File) -> std::io::Result<()>,
) -> std::io::Result<fs::File> {
    if let Some(parent) = file.parent() {
        fs::create_dir_all(parent)?;
    }
    let tmp = file.with_extension(format!("tmp{}", std::process::id()));
    let mut options = fs::OpenOptions::new();
    // A new file: never one already there, nor what a link there leads to.
    options.read(true).write(true).create_new(true);
    let mut f = match options.open(&tmp) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            fs::remove_file(&tmp)?;
            options.open(&tmp)?
        }
        other => other?,
    };
    write(&mut f)
        .and_then(|()| fs::rename(&tmp, file))
        .inspect_err(|_| {
            let _ = fs::remove_file(&tmp);
        })?;
    Ok(f)
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
    fn i128(&mut self, v: i128) {
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
    fn i128(&mut self) -> Option<i128> {
        Some(i128::from_le_bytes(self.take(16)?.try_into().ok()?))
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

/// What the index holds to search each entry beside its body words ([`Index::bodies`]): its
/// fields reduced to their distinct words.
pub fn fields_of(cat: &Catalogue) -> Vec<OwnFields> {
    cat.entries
        .iter()
        .map(|e| {
            let mut f = OwnFields::of(e);
            f.words[BODY] = Vec::new();
            f.stems[BODY] = Vec::new();
            f
        })
        .collect()
}

/// The index of a catalogue: what [`decode`] reads.
pub fn encode(cat: &Catalogue, survey: &Survey, signature: u64) -> Vec<u8> {
    let mut enc = Encoder::default();
    for p in &cat.problems {
        enc.problem(p);
    }
    for e in &cat.entries {
        enc.entry(e);
    }
    enc.finish(cat.producers_known, survey, signature)
}

/// The body words (kind and word) with their holders, sorted, in blocks of about a page: the
/// first key of each, where it starts in `blocks`, its length and checksum.
struct BodyBlocks {
    dir: Vec<(Vec<u8>, u64, u32, u64)>,
    blocks: Vec<u8>,
}

impl BodyBlocks {
    fn of(mut keys: Vec<(Vec<u8>, Posting)>) -> BodyBlocks {
        crate::search::sort_by_bytes(&mut keys, |(k, _)| k);
        let size = keys.iter().map(|(k, h)| 8 + k.len() + h.bytes.len()).sum();
        let mut blocks = Writer(Vec::with_capacity(size));
        let mut dir = Vec::new();
        // Each block written in place: where it starts, and its first key.
        let mut start: Option<(usize, &[u8])> = None;
        let mut flush = |blocks: &Writer, start: &mut Option<(usize, &[u8])>| {
            if let Some((at, first)) = start.take() {
                let block = &blocks.0[at..];
                let len = u32::try_from(block.len()).unwrap_or(u32::MAX);
                dir.push((first.to_vec(), at as u64, len, checksum(block)));
            }
        };
        for (key, h) in &keys {
            let at = start.get_or_insert((blocks.0.len(), key)).0;
            blocks.bytes(key);
            blocks.bytes(&h.bytes);
            if blocks.0.len() - at >= BLOCK {
                flush(&blocks, &mut start);
            }
        }
        flush(&blocks, &mut start);
        // Some 30,000 keys and lists per 1,000 entries, freed on another core: the index is
        // written and shown meanwhile, and an exit needs no freeing. Without a thread, here.
        let _ = std::thread::Builder::new().spawn(move || drop(keys));
        BodyBlocks {
            dir,
            blocks: blocks.0,
        }
    }
}

/// One entry encoded, waiting its turn.
pub struct Encoded {
    names: Vec<u8>,
    listing: Vec<u8>,
    fields: Vec<u8>,
    rules: Vec<u8>,
    /// The body's words, for the inverted part.
    body: crate::search::BodyWords,
}

/// The entries holding one key of the body words, as they are added.
#[derive(Default)]
struct Posting {
    bytes: Vec<u8>,
    last: usize,
    /// For a word, its stem's place in [`Encoder::stem_keys`] where it differs from the word.
    stem: Option<u32>,
}

impl Posting {
    fn add(&mut self, entry: usize, n: u8) {
        let mut gap = entry - self.last;
        self.last = entry;
        while gap >= 0x80 {
            self.bytes.push((gap as u8 & 0x7f) | 0x80);
            gap >>= 7;
        }
        self.bytes.push(gap as u8);
        self.bytes.push(n);
    }
}

/// Writes an index one entry at a time, so that building it never holds every entry.
#[derive(Default)]
pub struct Encoder {
    names: Writer,
    names_count: u32,
    problems: Writer,
    problems_count: u32,
    listing: Writer,
    listing_starts: Vec<u32>,
    fields: Writer,
    fields_starts: Vec<u32>,
    rules: Writer,
    records_count: u32,
    /// Each body word met → its place in `word_holders`.
    words: foldhash::HashMap<Box<[u8]>, u32>,
    word_holders: Vec<Posting>,
    /// Each stem of a body word met, as its key (`s` + stem), by place, with its holders;
    /// and each key's place.
    stem_keys: Vec<Vec<u8>>,
    stem_holders: Vec<Posting>,
    stem_places: foldhash::HashMap<Vec<u8>, u32>,
    /// The summed counts of the words of each stem in the entry being added (by place), and
    /// the stems it holds.
    stem_sums: Vec<usize>,
    stems_held: Vec<u32>,
    stemmer: Option<rust_stemmers::Stemmer>,
    /// The entry files' stamps, as the build took them.
    stamps: Vec<Stamp>,
}

impl Encoder {
    pub fn problem(&mut self, p: &Problem) {
        self.problem_named(p, file_name(&p.path));
    }

    /// A problem of a file elsewhere than in the folder (its producers): `name` is its path
    /// from the folder.
    pub fn problem_named(&mut self, p: &Problem, name: &str) {
        let w = &mut self.problems;
        w.str(name);
        w.opt_usize(p.line);
        w.opt_usize(p.col);
        w.str(&p.message);
        self.problems_count += 1;
    }

    /// An entry file's stamp, taken before it was read.
    pub fn stamp(&mut self, s: Stamp) {
        self.stamps.push(s);
    }

    pub fn entry(&mut self, e: &Entry) {
        self.push(Self::encode(e));
    }

    /// An entry's part of the index, made on any thread; [`Encoder::push`] adds it.
    pub fn encode(e: &Entry) -> Encoded {
        // Sized for a usual entry (a few hundred bytes each): grown step by step, each part
        // was a dozen reallocations per entry.
        let sized = |n: usize| Writer(Vec::with_capacity(n));
        let mut names = sized(e.slug.len() + e.title.len() + 8);
        names.str(&e.slug);
        names.str(&e.title);
        let mut f = OwnFields::for_index(e);
        let body = crate::search::BodyWords::of(e);
        f.lens[BODY] = body.len;
        let mut listing = sized(512);
        let w = &mut listing;
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
        w.u8(e.france_connect.map_or(0, |f| f as u8 + 1));
        w.opt_i64(e.visits_2019);
        w.str(&e.themes.join(&SEP.to_string()));
        w.str(&e.keywords.join(&SEP.to_string()));
        // Request links and access rules: `eligible --as` across the catalogue reads them.
        let mut el = sized(512);
        el.opt_str(&e.datapass_link);
        el.opt_str(&e.account_link);
        // "Not eligible" offers the contact instead.
        el.opt_str(&e.contact_link);
        el.u32(u32::try_from(e.access_page.len()).unwrap_or(u32::MAX));
        for r in &e.access_page {
            el.str(&r.who.join(&SEP.to_string()));
            el.opt_i64(r.is_eligible);
            el.str(&r.description);
        }
        let mut rules = sized(el.0.len() + 4);
        rules.bytes(&el.0);
        // Ties are broken by visits: ranking reads them before the fields.
        let mut fields = sized(1024);
        fields.i64(e.visits_2019.unwrap_or(0));
        f.write(&mut fields.0);
        Encoded {
            names: names.0,
            listing: listing.0,
            fields: fields.0,
            rules: rules.0,
            body,
        }
    }

    pub fn push(&mut self, e: Encoded) {
        self.names.0.extend_from_slice(&e.names);
        self.names_count += 1;
        let at = |w: &Writer| u32::try_from(w.0.len()).unwrap_or(u32::MAX);
        self.listing_starts.push(at(&self.listing));
        self.listing.0.extend_from_slice(&e.listing);
        self.fields_starts.push(at(&self.fields));
        self.fields.0.extend_from_slice(&e.fields);
        self.rules.0.extend_from_slice(&e.rules);
        let entry = self.records_count as usize;
        // Each word, and then each stem with the counts of its words summed. A word is stemmed
        // the first time any entry holds it: once, not once per entry or per core. Words and
        // stems are then found by place, not by key.
        for (word, n) in e.body.iter() {
            let place = match self.words.get(word) {
                Some(&p) => p as usize,
                None => {
                    let stemmer = self.stemmer.get_or_insert_with(|| {
                        rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::French)
                    });
                    let stem = std::str::from_utf8(word)
                        .ok()
                        .and_then(|w| crate::search::stem_shared(stemmer, w))
                        .map(|s| {
                            let mut key = Vec::with_capacity(s.len() + 1);
                            key.push(b's');
                            key.extend_from_slice(s.as_bytes());
                            let next = u32::try_from(self.stem_keys.len()).unwrap_or(u32::MAX);
                            *self.stem_places.entry(key).or_insert_with_key(|key| {
                                self.stem_keys.push(key.clone());
                                self.stem_holders.push(Posting::default());
                                self.stem_sums.push(0);
                                next
                            })
                        });
                    let place = self.word_holders.len();
                    self.word_holders.push(Posting {
                        stem,
                        ..Posting::default()
                    });
                    self.words
                        .insert(word.into(), u32::try_from(place).unwrap_or(u32::MAX));
                    place
                }
            };
            let h = &mut self.word_holders[place];
            h.add(entry, u8::try_from(n).unwrap_or(u8::MAX));
            if let Some(sum) = h.stem.and_then(|s| self.stem_sums.get_mut(s as usize)) {
                if *sum == 0 {
                    self.stems_held.extend(h.stem);
                }
                *sum += n;
            }
        }
        for s in self.stems_held.drain(..) {
            let s = s as usize;
            let n = std::mem::take(&mut self.stem_sums[s]);
            self.stem_holders[s].add(entry, crate::search::body_stem_count(n));
        }
        self.records_count += 1;
    }

    /// The index. It starts with what completion and `show` need ([`names`]): the
    /// directory's own stamp, then every slug and title and the keys of look-alike file
    /// names, so that they are read without the rest.
    pub fn finish_parts(self, producers_known: bool, survey: &Survey, signature: u64) -> Made {
        let mut w = Writer::default();
        w.0.extend_from_slice(MAGIC);
        w.str(VERSION);
        // The layout and checksums, filled in below.
        w.0.extend_from_slice(&[0; 88]);
        w.i128(survey.at);
        survey.dir.write(&mut w);
        let mut names = Writer::default();
        let mut keys: Vec<String> = survey
            .stamps
            .iter()
            .filter(|s| s.size != NOT_SERVED)
            .filter_map(|s| {
                let name = crate::catalogue::folder::name_text(&s.name);
                Some(slug_key(name.strip_suffix(".md")?))
            })
            .collect();
        keys.sort_unstable();
        let mut twins: Vec<&String> = keys
            .windows(2)
            .filter(|p| p[0] == p[1])
            .map(|p| &p[0])
            .collect();
        twins.dedup();
        // Look-alikes first: `show` reads them alone; completion reads on to the names.
        names.u32(u32::try_from(twins.len()).unwrap_or(u32::MAX));
        for t in twins {
            names.str(t);
        }
        names.u32(self.names_count);
        names.0.extend_from_slice(&self.names.0);
        w.u32(u32::try_from(names.0.len()).unwrap_or(u32::MAX));
        w.0.extend_from_slice(&names.0);
        w.u64(signature);
        w.u8(u8::from(producers_known));
        write_stamps(&mut w, &survey.stamps);
        survey.producers.write(&mut w);
        write_stamps(&mut w, &survey.producer_stamps);
        w.u32(self.problems_count);
        w.0.extend_from_slice(&self.problems.0);
        w.u32(self.records_count);
        let mut keyed: Vec<(Vec<u8>, Posting)> =
            Vec::with_capacity(self.words.len() + self.stem_keys.len());
        let mut holders: Vec<Option<Posting>> = self.word_holders.into_iter().map(Some).collect();
        for (word, place) in self.words {
            if let Some(h) = holders.get_mut(place as usize).and_then(Option::take) {
                let mut key = Vec::with_capacity(word.len() + 1);
                key.push(b'w');
                key.extend_from_slice(&word);
                keyed.push((key, h));
            }
        }
        keyed.extend(self.stem_keys.into_iter().zip(self.stem_holders));
        let body = BodyBlocks::of(keyed);
        let mut dir_all = Writer::default();
        dir_all.u32(u32::try_from(body.dir.len()).unwrap_or(u32::MAX));
        for (first, at, len, sum) in &body.dir {
            dir_all.bytes(first);
            dir_all.u64(*at);
            dir_all.u32(*len);
            dir_all.u64(*sum);
        }
        // Each table after its items: a part is then one buffer, checked and written as is.
        let (mut listing_part, mut fields_part) = (self.listing.0, self.fields.0);
        Table::append_starts(&mut listing_part, &self.listing_starts);
        Table::append_starts(&mut fields_part, &self.fields_starts);
        let mut parts = [
            w.0,
            listing_part,
            fields_part,
            dir_all.0,
            self.rules.0,
            body.blocks,
        ];
        let mut at = 0;
        for k in 0..parts.len() {
            at += parts[k].len();
            let from = FIXED_HEAD - 88 + 8 * k;
            parts[0][from..from + 8].copy_from_slice(&(at as u64).to_le_bytes());
        }
        for k in 0..5 {
            let sum = match k {
                0 => checksum(&parts[0][FIXED_HEAD..]),
                k => checksum(&parts[k]),
            };
            let from = FIXED_HEAD - 40 + 8 * k;
            parts[0][from..from + 8].copy_from_slice(&sum.to_le_bytes());
        }
        Made { parts }
    }

    /// [`Encoder::finish_parts`] joined.
    pub fn finish(self, producers_known: bool, survey: &Survey, signature: u64) -> Vec<u8> {
        self.finish_parts(producers_known, survey, signature)
            .joined()
    }
}

/// An index made, as its parts in order: head, listing, search fields, directory of the
/// body words, access rules, body words. Written to a file without first being joined.
pub struct Made {
    parts: [Vec<u8>; 6],
}

impl Made {
    fn len(&self) -> usize {
        self.parts.iter().map(Vec::len).sum()
    }

    pub fn joined(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len());
        for p in &self.parts {
            out.extend_from_slice(p);
        }
        out
    }
}

/// Reads an index's head up to its problems: whether it was made for files `current` and
/// producers `signature`, and then whether producers were known.
fn stamped(r: &mut Reader, current: Option<&[Stamp]>, signature: u64) -> Option<bool> {
    // When listed, the directory's stamp and the names: for [`names`]; every file's stamp is
    // checked here.
    r.i128()?;
    DirStamp::read(r)?;
    r.bytes()?;
    if r.u64()? != signature {
        return None;
    }
    let producers_known = r.u8()? == 1;
    let Some(current) = current else {
        // Each compared with its file already.
        stamp_list(r)?;
        DirStamp::read(r)?;
        stamp_list(r)?;
        return Some(producers_known);
    };
    let n = r.u32()? as usize;
    if n != current.len() {
        return None;
    }
    for s in current {
        if r.bytes()? != s.name
            || r.u64()? != s.size
            || r.i128()? != s.mtime_ns
            || r.i128()? != s.ctime_ns
            || r.u32()? != s.mode
        {
            return None;
        }
    }
    // The producers' stamps: the signature stands for them.
    DirStamp::read(r)?;
    stamp_list(r)?;
    Some(producers_known)
}

/// Whether the head of an index (its start up to the listings) was made for files `current`
/// and producers `signature`: what [`read_parts`] asks before reading on.
pub fn made_for(head: &[u8], current: &[Stamp], signature: u64) -> bool {
    let mut r = Reader {
        bytes: head,
        pos: FIXED_HEAD,
    };
    stamped(&mut r, Some(current), signature).is_some()
}

/// The most an index of files `current` can hold (see [`plausible_len`]).
fn plausible_for(current: &[Stamp]) -> u64 {
    plausible_len(current.iter().map(|s| s.size))
}

/// Where the blocks of body words start in an index (what a search reads only in part).
#[cfg(test)]
pub(crate) fn blocks_at(bytes: &[u8]) -> Option<usize> {
    Layout::of(bytes).map(|l| l.blocks)
}

/// About a page: a search reads a block for each of its words.
const BLOCK: usize = 4000;

/// Reads an index made for a directory (see [`decode_as`]).
fn decode<'b>(
    bytes: &'b [u8],
    want: Want,
    dir: &Path,
    current: Option<&[Stamp]>,
    signature: u64,
) -> Option<Index<'b>> {
    let prefix = crate::text::visible(&dir.join("").display().to_string()).into_owned();
    decode_in(
        bytes,
        want,
        current,
        signature,
        Origin::Directory(dir.to_path_buf()),
        prefix,
    )
}

/// Reads an index whose files are `current` and producers `signature`; entries get
/// `origin`, and paths `prefix` before their file name. `bytes` is the whole index, or what
/// [`read_parts`] read of it for `want`.
pub fn decode_as<'b>(
    bytes: &'b [u8],
    want: Want,
    current: &[Stamp],
    signature: u64,
    origin: Origin,
    prefix: String,
) -> Option<Index<'b>> {
    decode_in(bytes, want, Some(current), signature, origin, prefix)
}

/// [`decode_as`]; `current` is `None` when the head's stamps were each compared with its file.
fn decode_in<'b>(
    bytes: &'b [u8],
    want: Want,
    current: Option<&[Stamp]>,
    signature: u64,
    origin: Origin,
    prefix: String,
) -> Option<Index<'b>> {
    let l = Layout::of(bytes)?;
    let whole = bytes.len() == l.end;
    let rules_len = l.blocks - l.rules;
    let rules_at = if whole { l.rules } else { l.fields };
    if !whole && bytes.len() != l.reach(want) + if want.rules() { rules_len } else { 0 } {
        return None;
    }
    let sum_of = |part: usize, from: usize, to: usize| {
        bytes
            .get(from..to)
            .is_some_and(|b| checksum(b) == l.sums[part])
    };
    let rules_at_end = rules_at + rules_len;
    if !sum_of(0, FIXED_HEAD, l.listing)
        || !sum_of(1, l.listing, l.fields)
        || (want.fields() && !(sum_of(2, l.fields, l.dir) && sum_of(3, l.dir, l.rules)))
        || (want.rules() && !sum_of(4, rules_at, rules_at_end))
    {
        return None;
    }
    let mut r = Reader {
        bytes: &bytes[..l.listing],
        pos: FIXED_HEAD,
    };
    let producers_known = stamped(&mut r, current, signature)?;
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
    if r.pos != l.listing {
        return None;
    }
    let listings = Table::of(&bytes[l.listing..l.fields], count)?;
    let mut fields = Table::default();
    let mut bodies = None;
    if want.fields() {
        fields = Table::of(&bytes[l.fields..l.dir], count)?;
        let mut r = Reader {
            bytes: &bytes[l.dir..l.rules],
            pos: 0,
        };
        let n = r.u32()? as usize;
        let mut dir = Vec::with_capacity(n.min(bytes.len()));
        // The blocks follow one another and fill their part exactly.
        let mut next = 0u64;
        for _ in 0..n {
            let (key, off, len, sum) = (r.bytes()?, r.u64()?, r.u32()?, r.u64()?);
            if off != next {
                return None;
            }
            next = off.checked_add(u64::from(len))?;
            dir.push((key, off, len, sum));
        }
        if r.pos != r.bytes.len() || next != (l.end - l.blocks) as u64 {
            return None;
        }
        bodies = Some(IndexBodies {
            dir,
            blocks: match whole {
                true => Blocks::Bytes(&bytes[l.blocks..]),
                false => Blocks::Missing,
            },
            at: l.blocks as u64,
            size: (l.end - l.blocks) as u64,
            damaged: Default::default(),
            read: Default::default(),
        });
    }
    let mut eligibility = Vec::new();
    if want.rules() {
        let mut r = Reader {
            bytes: bytes.get(rules_at..rules_at + rules_len)?,
            pos: 0,
        };
        eligibility.reserve(count);
        for _ in 0..count {
            eligibility.push(r.bytes()?);
        }
        if r.pos != r.bytes.len() {
            return None;
        }
    }
    Some(Index {
        listings,
        count,
        eligibility,
        fields,
        bodies,
        file: None,
        shared: false,
        copies: Copies::default(),
        problems,
        producers_known,
        origin,
        prefix,
    })
}

/// Whether a directory's cache is present and current (for `apicat paths`).
pub fn is_current(dir: &Path) -> bool {
    let Some(file) = file_for(dir) else {
        return false;
    };
    read_index(&file, Want::Listing, dir).is_ok_and(|(b, _, now)| {
        decode(&b, Want::Listing, dir, now.stamps(), now.signature()).is_some()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A directory's stamps, then its entries.
    fn read(dir: &Path) -> (Vec<Stamp>, Catalogue) {
        let stamps = stamps(dir).unwrap();
        let files = crate::catalogue::folder::directory_files(dir, Origin::Directory(dir.into()));
        (stamps, Catalogue::from_files(files.unwrap()))
    }

    /// A build for `load`: each file stamped before it is read.
    fn build(dir: &Path, enc: &mut Encoder) {
        let (stamps, cat) = read(dir);
        stamps.into_iter().for_each(|s| enc.stamp(s));
        cat.entries.iter().for_each(|e| enc.entry(e));
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
        let mut bytes = encode(&cat, &Survey::of_files(st.clone()), 1);
        // Same length, so the index still reads: ESC, BEL, a broken UTF-8 sequence.
        let at = bytes
            .windows(8)
            .rposition(|w| w == b"ABCDEFGH")
            .expect("title in the index");
        bytes[at..at + 8].copy_from_slice(b"\x1b]0;\x07\xc3(\xff");
        assert!(
            decode(&bytes, Want::All, dir.path(), Some(&st), 1).is_none(),
            "checksums"
        );
        // Written so by a program that also made the checksums again.
        reseal(&mut bytes);
        let index = decode(&bytes, Want::All, dir.path(), Some(&st), 1).expect("same shape");
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
    fn damaged_body_blocks_are_seen_and_do_not_panic() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.md"),
            "---\ntitle: A\n---\nbody words here",
        )
        .unwrap();
        let (st, cat) = read(dir.path());
        let bytes = encode(&cat, &Survey::of_files(st.clone()), 0);
        let l = Layout::of(&bytes).unwrap();
        // What a search finds of `body` and `wo…`, and whether it saw damage; `None` when the
        // index is refused whole.
        let search = |bytes: &[u8], cut: Option<usize>| {
            let file = tempfile::NamedTempFile::new().unwrap();
            std::fs::write(file.path(), bytes).unwrap();
            let f = std::fs::File::open(file.path()).unwrap();
            let max = plausible_for(&st);
            let read = read_parts(&f, 0, bytes.len() as u64, Want::Search, max, |h| {
                made_for(h, &st, 0)
            })?;
            if let Some(cut) = cut {
                // Cut short by another program after the parts were read.
                std::fs::File::options()
                    .write(true)
                    .open(file.path())
                    .unwrap()
                    .set_len(cut as u64)
                    .unwrap();
            }
            let mut ix = decode_as(&read, Want::Search, &st, 0, Origin::Bundled, String::new())?;
            ix.attach(f, 0, file.path());
            let found = (ix.bodies().word(b"body"), ix.bodies().starting(b"wo"));
            Some((found, ix.damaged()))
        };
        let words = (vec![(0, 1)], vec![(b"words".to_vec(), vec![(0, 1)])]);
        assert_eq!(search(&bytes, None), Some((words, false)));
        assert_eq!(
            search(&bytes, Some(l.blocks + 3)),
            Some(((vec![], vec![]), true))
        );
        // A byte changed in a block is seen when the block is read.
        let mut flipped = bytes.clone();
        flipped[l.blocks + 2] ^= 1;
        assert!(search(&flipped, None).unwrap().1);
        // Blocks said to be 4 GB long, or far past the end: the directory is refused.
        let mut r = Reader {
            bytes: &bytes[l.dir..l.rules],
            pos: 0,
        };
        let n = r.u32().unwrap();
        assert!(n > 0);
        for _ in 0..n {
            r.bytes().unwrap();
            let off_at = l.dir + r.pos;
            r.u64().unwrap();
            let len_at = l.dir + r.pos;
            r.u32().unwrap();
            r.u64().unwrap();
            for (at, value) in [
                (len_at, &u32::MAX.to_le_bytes()[..]),
                (off_at, &(u64::MAX - 2).to_le_bytes()[..]),
            ] {
                let mut bad = bytes.clone();
                bad[at..at + value.len()].copy_from_slice(value);
                assert_eq!(search(&bad, None), None);
            }
        }
        // An index longer than its files could make is not read past its start.
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), &bytes).unwrap();
        let f = std::fs::File::open(file.path()).unwrap();
        let small = bytes.len() as u64 - 1;
        assert!(read_parts(&f, 0, bytes.len() as u64, Want::All, small, |_| true).is_none());
        assert!(read_parts(&f, 0, bytes.len() as u64, Want::All, small + 1, |_| false).is_none());
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
        let bytes = encode(&cat, &Survey::of_files(st.clone()), 7);
        let back = decode(&bytes, Want::All, dir.path(), Some(&st), 7).unwrap();
        assert_eq!(
            back.fields(),
            fields_of(&cat)
                .iter()
                .map(OwnFields::view)
                .collect::<Vec<_>>()
        );
        assert_eq!(back.bodies().word(b"body"), [(0, 1)]);
        assert_eq!(
            back.bodies().starting(b"bo"),
            [(b"body".to_vec(), vec![(0, 1)])]
        );
        assert!(back.bodies().word(b"bod").is_empty());
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
        // Read from a file, the index may be changed under us: its text is shown from a copy.
        let in_index = |ix: &Index| bytes.as_ptr_range().contains(&ix.listing(0).title.as_ptr());
        assert!(in_index(&back));
        let mut from_file = decode(&bytes, Want::All, dir.path(), Some(&st), 7).unwrap();
        let f = std::fs::File::open(dir.path().join("a.md")).unwrap();
        from_file.attach(f, 0, &dir.path().join("index"));
        assert!(!in_index(&from_file));
        assert_eq!(from_file.listing(0).title, "A é");
        // Any change, truncation or garbage is refused.
        assert!(decode(&bytes, Want::All, dir.path(), Some(&st), 8).is_none());
        assert!(
            decode(
                &bytes[..bytes.len() - 1],
                Want::All,
                dir.path(),
                Some(&st),
                7
            )
            .is_none()
        );
        let mut other = st.clone();
        other[0].size += 1;
        assert!(decode(&bytes, Want::All, dir.path(), Some(&other), 7).is_none());
        let mut garbage = bytes.clone();
        for b in garbage.iter_mut().skip(40).step_by(7) {
            *b = 0xff;
        }
        let _ = decode(&garbage, Want::All, dir.path(), Some(&st), 7);
        assert!(decode(b"nonsense", Want::All, dir.path(), Some(&st), 7).is_none());
    }

    #[test]
    fn kept_copies_stay_as_they_were_while_more_are_kept() {
        let copies = Copies::default();
        let n = if cfg!(miri) { 200 } else { 3000 };
        let texts: Vec<Vec<u8>> = (0..n)
            .map(|i: u32| {
                format!("{i}-")
                    .repeat(1 + (i as usize * 7) % 900)
                    .into_bytes()
            })
            .collect();
        let kept: Vec<&[u8]> = texts.iter().map(|t| copies.keep(t)).collect();
        for (t, k) in texts.iter().zip(&kept) {
            assert_eq!(t, k);
            assert_ne!(t.as_ptr(), k.as_ptr());
        }
    }

    #[cfg(unix)]
    #[test]
    fn an_index_is_written_in_parts_to_a_new_file_whatever_holds_its_temporary_name() {
        let dir = tempfile::tempdir().unwrap();
        let (st, cat) = read(dir.path());
        let mut enc = Encoder::default();
        cat.entries.iter().for_each(|e| enc.entry(e));
        let made = enc.finish_parts(false, &Survey::of_files(st), 1);
        let file = dir.path().join("index.bin");
        let tmp = file.with_extension(format!("tmp{}", std::process::id()));
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "kept").unwrap();
        for taken in ["link", "fifo"] {
            match taken {
                "link" => std::os::unix::fs::symlink(&victim, &tmp).unwrap(),
                _ => rustix::fs::mknodat(
                    rustix::fs::CWD,
                    &tmp,
                    rustix::fs::FileType::Fifo,
                    rustix::fs::Mode::from_raw_mode(0o600),
                    0,
                )
                .unwrap(),
            }
            let f = write_parts_atomically(&file, &made).unwrap();
            assert_eq!(f.metadata().unwrap().len() as usize, made.len());
            assert!(!tmp.exists(), "{taken}");
            assert_eq!(std::fs::read_to_string(&victim).unwrap(), "kept");
        }
        let bytes = std::fs::read(&file).unwrap();
        assert_eq!(bytes, made.joined());
        assert!(decode(&bytes, Want::Listing, dir.path(), None, 1).is_some());
    }

    #[cfg(unix)]
    #[test]
    fn a_name_read_as_a_file_but_found_a_folder_is_stamped_as_changed() {
        let dir = tempfile::tempdir().unwrap();
        let target = tempfile::tempdir().unwrap();
        let link = dir.path().join("x.md");
        std::os::unix::fs::symlink(target.path(), &link).unwrap();
        let meta = std::fs::metadata(&link).unwrap();
        let read = Stamp::of_entry(b"x.md", Some(&meta));
        // Neither a new listing nor a look at the name finds it as stamped.
        let listed = stamps(dir.path()).unwrap();
        assert_eq!(listed, [Stamp::of_folder_link(b"x.md", &meta)]);
        assert_ne!(listed, std::slice::from_ref(&read));
        let mut w = Writer::default();
        write_stamps(&mut w, &[read]);
        let mut r = Reader {
            bytes: &w.0,
            pos: 0,
        };
        assert!(!unchanged(
            dir.path(),
            stamp_refs(stamp_list(&mut r).unwrap())
        ));
        // A broken link is stamped alike either way: its read failed as its listing says.
        let broken = dir.path().join("y.md");
        std::os::unix::fs::symlink(dir.path().join("none"), &broken).unwrap();
        let read = Stamp::of_entry(b"y.md", std::fs::metadata(&broken).ok().as_ref());
        assert_eq!(stamps(dir.path()).unwrap()[1], read);
    }

    #[test]
    fn a_large_folder_is_stamped_whole_and_by_name() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..1300 {
            std::fs::write(dir.path().join(format!("e{i}.md")), format!("{i}")).unwrap();
        }
        std::fs::create_dir(dir.path().join("sub.md")).unwrap();
        std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
        let mut listed: Vec<Vec<u8>> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_encoded_bytes())
            .filter(|n| n.ends_with(b".md") && n != b"sub.md")
            .collect();
        // The order a build stamps them in.
        listed.sort();
        let st = stamps(dir.path()).unwrap();
        assert_eq!(
            st.iter().map(|s| s.name.clone()).collect::<Vec<_>>(),
            listed
        );
        assert!(st.iter().all(|s| s.size == s.name.len() as u64 - 4));
    }

    #[cfg(unix)]
    #[test]
    fn stamps_see_permissions_and_times_before_1970() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.md");
        std::fs::write(&f, "x").unwrap();
        let set = |secs: u64| {
            let t = std::time::UNIX_EPOCH - std::time::Duration::from_secs(secs);
            std::fs::File::options()
                .write(true)
                .open(&f)
                .unwrap()
                .set_modified(t)
                .unwrap();
            stamps(dir.path()).unwrap()[0].mtime_ns
        };
        let (a, b) = (set(1_000_000_000), set(900_000_000));
        assert!(a < 0 && b < 0 && a != b, "{a} {b}");
        let before = stamps(dir.path()).unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o000)).unwrap();
        let after = stamps(dir.path()).unwrap();
        assert_ne!(before[0].mode, after[0].mode);
        assert_ne!(before, after);
    }

    #[test]
    fn names_are_read_alone_while_the_folder_keeps_its_names() {
        let cache = tempfile::tempdir().unwrap();
        // SAFETY: this test alone reads the cache directory's variable.
        unsafe { std::env::set_var("XDG_CACHE_HOME", cache.path()) };
        let dir = tempfile::tempdir().unwrap();
        for name in ["a.md", "Été_x.md", "ete-X.md"] {
            std::fs::write(dir.path().join(name), "---\ntitle: T\n---\n").unwrap();
        }
        assert!(names(dir.path(), true).is_none(), "no index yet");
        let mut buf = Buf::default();
        let full = |enc: &mut Encoder| {
            build(dir.path(), enc);
            Ok(false)
        };
        load(dir.path(), &mut buf, Want::Listing, full).unwrap();
        assert!(
            names(dir.path(), false).is_none(),
            "a folder changed in the seconds before it was listed may change again unseen"
        );
        settle(dir.path());
        assert_eq!(names(dir.path(), false).unwrap().twins, ["ete-x"]);
        let n = names(dir.path(), true).unwrap();
        assert_eq!(n.entries, vec![("a".to_string(), "T".to_string())]);
        assert_eq!(n.twins, vec!["ete-x".to_string()]);
        // A names block said to be larger than any real one is not read: the callers then
        // read the index whole, or the folder.
        let file = file_for(dir.path()).unwrap();
        let mut bytes = std::fs::read(&file).unwrap();
        let at = FIXED_HEAD + 56;
        let real = bytes[at..at + 4].to_vec();
        bytes[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        std::fs::write(&file, &bytes).unwrap();
        assert!(names(dir.path(), true).is_none());
        assert!(names(dir.path(), false).is_none());
        bytes[at..at + 4].copy_from_slice(&real);
        std::fs::write(&file, &bytes).unwrap();
        assert_eq!(names(dir.path(), false).unwrap().twins, ["ete-x"]);
        std::fs::write(dir.path().join("b.md"), "x").unwrap();
        assert!(
            names(dir.path(), true).is_none(),
            "a new name makes them stale"
        );
    }

    #[test]
    fn a_settled_folder_is_not_listed_yet_every_change_is_seen() {
        let cache = tempfile::tempdir().unwrap();
        // SAFETY: the tests that set it set the same value for the whole process.
        unsafe { std::env::set_var("XDG_CACHE_HOME", cache.path()) };
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("api");
        let producers = root.path().join("producteurs");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::create_dir_all(&producers).unwrap();
        let entry = |title: &str| format!("---\ntitle: {title}\nproducer: p\n---\n");
        std::fs::write(dir.join("a.md"), entry("Avant")).unwrap();
        std::fs::write(producers.join("p.md"), "---\nname: P\n---\n").unwrap();
        let builds = std::cell::Cell::new(0);
        let titles = || {
            let mut buf = Buf::default();
            let full = |enc: &mut Encoder| {
                builds.set(builds.get() + 1);
                build(&dir, enc);
                Ok(true)
            };
            let index = load(&dir, &mut buf, Want::Listing, full).unwrap();
            let titles: Vec<String> = (0..index.len())
                .map(|i| index.listing(i).title.to_string())
                .collect();
            titles.join(",")
        };
        assert_eq!(titles(), "Avant");
        settle(&dir);
        let head = std::fs::read(file_for(&dir).unwrap()).unwrap();
        let kept = Kept::of(&head).unwrap();
        assert!(
            matches!(Survey::now(&dir, &kept), Some(Verified::AsKept { .. })),
            "a settled folder's files are only stat'ed"
        );
        assert_eq!((titles(), builds.get()), ("Avant".into(), 1));
        // Written in place, the folder's stamp unchanged: the file's own stamp tells.
        let before = DirStamp::of(&dir);
        std::fs::write(dir.join("a.md"), entry("Après")).unwrap();
        assert_eq!(DirStamp::of(&dir), before);
        assert_eq!((titles(), builds.get()), ("Après".into(), 2));
        settle(&dir);
        assert_eq!((titles(), builds.get()), ("Après".into(), 2));
        // A producer written in place, then a permission.
        std::fs::write(producers.join("p.md"), "---\nname: Q\n---\n").unwrap();
        titles();
        assert_eq!(builds.get(), 3);
        settle(&dir);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::Permissions::from_mode(0o600);
            std::fs::set_permissions(dir.join("a.md"), mode).unwrap();
            titles();
            assert_eq!(builds.get(), 4);
            settle(&dir);
        }
        // A new name changes the folder's stamp: listed again.
        std::fs::write(dir.join("b.md"), entry("Bis")).unwrap();
        assert_eq!(titles(), "Après,Bis");
    }

    /// The index of `dir` as if its folder had been listed a while after its last change.
    fn settle(dir: &Path) {
        let file = file_for(dir).unwrap();
        let mut bytes = std::fs::read(&file).unwrap();
        let later = now_ns() + 10 * SETTLED_NS;
        bytes[LISTED_AT..LISTED_AT + 16].copy_from_slice(&later.to_le_bytes());
        reseal(&mut bytes);
        std::fs::write(&file, &bytes).unwrap();
    }

    /// The checksums of an index made again for its bytes as they are.
    fn reseal(bytes: &mut [u8]) {
        let l = Layout::of(bytes).unwrap();
        let parts = [
            (FIXED_HEAD, l.listing),
            (l.listing, l.fields),
            (l.fields, l.dir),
            (l.dir, l.rules),
            (l.rules, l.blocks),
        ];
        for (k, (from, to)) in parts.into_iter().enumerate() {
            let sum = checksum(&bytes[from..to]);
            let at = FIXED_HEAD - 40 + 8 * k;
            bytes[at..at + 8].copy_from_slice(&sum.to_le_bytes());
        }
    }

    /// The bundled entries, and the real catalogue when present.
    fn catalogues() -> Vec<Catalogue> {
        let mut out = vec![crate::catalogue::sources::bundled_for_tests()];
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/api");
        if dir.is_dir() {
            let files =
                crate::catalogue::folder::directory_files(&dir, Origin::Directory(dir.clone()));
            out.push(Catalogue::from_files(files.unwrap()));
        } else {
            assert!(
                std::env::var_os("APICAT_REQUIRE_CORPUS").is_none(),
                "no corpus"
            );
        }
        out
    }

    #[test]
    fn inverted_bodies_rank_as_each_entry_own_lists() {
        use crate::search::{Candidate, OwnBodies, Query, rank_all};
        let mut queries: Vec<String> = include_str!("../../../tests/relevance.tsv")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| l.split('\t').next().map(str::to_string))
            .collect();
        // Prefixes, stems, typos (in bodies too), joined words, words found nowhere.
        queries.extend(
            [
                "adress",
                "adr",
                "entrepr",
                "defibrilateur",
                "etablissemnt",
                "agent connect",
                "fiscalit",
                "transpor",
                "educ natio",
                "geograph",
                "xyzzy plugh",
                "impots particulier",
                "enseignement superieur",
                "conformement",
                "qualite de l air",
                "horaires",
                "donnees",
            ]
            .map(str::to_string),
        );
        assert!(queries.len() > 150, "{}", queries.len());
        for cat in catalogues() {
            let file = tempfile::NamedTempFile::new().unwrap();
            let bytes = encode(&cat, &Survey::default(), 0);
            std::fs::write(file.path(), &bytes).unwrap();
            let f = std::fs::File::open(file.path()).unwrap();
            // As a search reads it: its parts, then the blocks of its words from the file.
            let read =
                read_parts(&f, 0, bytes.len() as u64, Want::Search, u64::MAX, |_| true).unwrap();
            assert!(
                read.len() < bytes.len() / 2,
                "{} of {}",
                read.len(),
                bytes.len()
            );
            let mut index =
                decode_as(&read, Want::Search, &[], 0, Origin::Bundled, String::new()).unwrap();
            index.attach(f, 0, file.path());
            let own: Vec<Vec<u8>> = cat
                .entries
                .iter()
                .map(|e| OwnFields::of(e).encoded())
                .collect();
            let each: Vec<Candidate> = own
                .iter()
                .zip(&cat.entries)
                .enumerate()
                .map(|(index, (fields, e))| Candidate {
                    index,
                    fields,
                    visits: e.visits_2019.unwrap_or(0),
                    title: e.title.as_bytes(),
                })
                .collect();
            let mut found = 0;
            for q in &queries {
                let q = Query::parse(&q.split(' ').collect::<Vec<_>>());
                let a = rank_all(&index.candidates(), index.bodies(), &q);
                let b = rank_all(&each, &OwnBodies(&each), &q);
                assert_eq!(format!("{a:?}"), format!("{b:?}"), "{:?}", q.terms);
                found += a.hits.len();
            }
            assert!(found > cat.entries.len(), "{found}");
        }
    }
}
