//! Which entries make the catalogue in use: a folder given with `--catalogue` (or
//! `APICAT_CATALOGUE`) alone, or the bundled entries with the personal ones added (a personal
//! entry replaces the bundled one of the same slug). `list` and `search` read the same
//! sources through an index (see [`crate::index`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::folder::{
    directory_files, is_entry_name, lazy_directory_files, producers_beside, producers_for,
    slug_key, source_file,
};
use super::markdown::SourceFile;
use super::{Catalogue, Origin, Producer};
use crate::error::{Error, Result};
use crate::index::{self, Index};
use crate::text::sanitize_line;

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
        index::decode_as(self.index, &[], 0, Origin::Bundled, "catalogue/".into())
    }
}

/// Whether another entry file of `dir` has a slug like `name`'s (a scan of the names only).
fn has_twin(dir: &Path, name: &str) -> bool {
    let key = slug_key(name);
    let Ok(read) = std::fs::read_dir(dir) else {
        return false;
    };
    read.flatten().any(|e| {
        let n = e.file_name();
        let n = n.to_string_lossy();
        n.strip_suffix(".md")
            .is_some_and(|stem| stem != name && slug_key(stem) == key)
    })
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
}

impl Sources {
    /// The sources a command line designates: `folder`, else the bundled and personal entries.
    pub fn new(folder: Option<PathBuf>, bundled: &'static Bundled) -> Sources {
        let personal = match folder {
            Some(_) => None,
            None => personal_dir().filter(|d| d.is_dir()),
        };
        Sources {
            folder,
            personal,
            bundled,
        }
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
        if let Some(dir) = &self.folder {
            Self::check_folder(dir)?;
            // Each file's text is dropped once parsed.
            let files = lazy_directory_files(dir, Origin::Directory(dir.clone()))?;
            let mut cat = Catalogue::from_entries(files.map(|f| super::markdown::read(&f)));
            if cat.entries.is_empty() {
                return Err(Self::empty_folder(dir, &cat.problems));
            }
            match producers_beside(dir) {
                Some(p) => cat.set_producers(p, true),
                None => cat.set_producers(Default::default(), false),
            }
            return Ok(cat);
        }
        let mut files = self.bundled.sources();
        let mut producers = Bundled::producers();
        if let Some(personal) = &self.personal {
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
            // The index knows look-alikes while the folder's names are unchanged; else look.
            let twin = match index::names(dir) {
                Some(names) => names.twins.contains(&slug_key(name)),
                None => has_twin(dir, name),
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
        for f in lazy_directory_files(dir, Origin::Directory(dir.to_path_buf()))? {
            match super::markdown::read(&f) {
                Ok(mut e) => {
                    e.resolve_producers(producers.as_ref().unwrap_or(&empty));
                    enc.entry(&e);
                }
                Err(p) => enc.problem(&p),
            }
        }
        Ok(producers.is_some())
    }

    /// Every entry, for completion: no messages, never an error.
    pub fn load_quietly(&self) -> Catalogue {
        self.load().unwrap_or_default()
    }

    /// The index `list` and `search` read: a folder's from the cache (rebuilt when stale), the
    /// bundled one made at build time. `None` when personal entries join the bundled ones:
    /// they are read in full.
    pub fn index<'b>(&self, buf: &'b mut Vec<u8>) -> Result<Option<Index<'b>>> {
        match &self.folder {
            Some(dir) => {
                Self::check_folder(dir)?;
                let index = index::load(dir, buf, |enc| Self::stream(dir, enc))?;
                if index.records.is_empty() {
                    return Err(Self::empty_folder(dir, &index.problems));
                }
                Ok(Some(index))
            }
            None if self.personal.is_none() => Ok(self.bundled.index()),
            None => Ok(None),
        }
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
