//! Directories of entries in the api.gouv.fr layout: `*.md` files, and the producers in a
//! `producteurs/` folder beside them or one level up (`…/api/` beside `…/producteurs/`).

use serde_yaml::Value;
use std::collections::HashMap;
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

/// Reads `*.md` files of a directory, sorted by name.
pub fn directory_files(dir: &Path, origin: Origin) -> Result<Vec<SourceFile>> {
    let read = std::fs::read_dir(dir).map_err(|source| Error::Read {
        path: dir.to_path_buf(),
        what: "cannot read directory",
        source,
    })?;
    let mut paths: Vec<PathBuf> = read
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| is_entry_name(n.as_encoded_bytes()))
                && !p.is_dir()
        })
        .collect();
    paths.sort();
    Ok(paths
        .into_iter()
        .map(|p| {
            let slug = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = std::fs::read(&p)
                .map_err(|e| (None, format!("cannot read file: {e}")))
                .and_then(|bytes| {
                    String::from_utf8(bytes).map_err(|e| {
                        let upto = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                        let line = upto.iter().filter(|b| **b == b'\n').count() + 1;
                        (
                            Some(line),
                            "not UTF-8 text (re-save the file as UTF-8)".to_string(),
                        )
                    })
                });
            SourceFile {
                slug: crate::text::sanitize_line(&slug),
                path: crate::text::sanitize_line(&p.display().to_string()),
                text,
                origin: origin.clone(),
                prepared: None,
                known_clean: false,
            }
        })
        .collect())
}

/// The producers of a directory in the api.gouv.fr layout (`…/api/` beside `…/producteurs/`).
pub fn producers_beside(dir: &Path) -> Option<HashMap<String, Producer>> {
    let prod_dir = producers_dir(dir)?;
    let mut producers = HashMap::new();
    for f in directory_files(&prod_dir, Origin::Directory(prod_dir.clone())).ok()? {
        let Ok(text) = &f.text else { continue };
        let Ok(split) = split_front_matter(text) else {
            continue;
        };
        let Ok(Value::Mapping(m)) = serde_yaml::from_str::<Value>(split.yaml) else {
            continue;
        };
        let name = m
            .get("name")
            .and_then(scalar_text)
            .unwrap_or_else(|| f.slug.clone());
        producers.insert(
            f.slug,
            Producer {
                name: sanitize(&name).into_owned(),
                acronym: m
                    .get("acronym")
                    .and_then(scalar_text)
                    .map(|a| sanitize(&a).into_owned()),
            },
        );
    }
    Some(producers)
}
