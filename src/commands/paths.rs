//! `apicat paths`: the folders apicat reads, and the state of the index.

use apicat_core::index;
use apicat_core::text::visible;

use crate::Result;
use crate::app::Config;
use crate::term::emit;

pub fn run(config: &Config) -> Result<u8> {
    emit(&text(config))?;
    Ok(0)
}

fn text(config: &Config) -> String {
    let mut out = String::new();
    match index::dir() {
        Some(d) => out.push_str(&format!(
            "cache      {}  (index of catalogue directories; --no-cache bypasses it)\n",
            shown(&d)
        )),
        None => out.push_str("cache      (no cache directory)\n"),
    }
    let folder = config.sources.folder.as_deref();
    if let Some(dir) = folder
        && let Some(file) = index::file_for(dir)
    {
        let state = if index::is_current(dir) {
            "current"
        } else {
            "absent or stale: rebuilt on the next list or search"
        };
        out.push_str(&format!("index      {}  ({state})\n", shown(&file)));
    }
    match folder {
        Some(dir) => {
            out.push_str(&format!(
                "catalogue  {}  (--catalogue or APICAT_CATALOGUE: served alone)\n",
                shown(dir)
            ));
        }
        None => {
            out.push_str(&format!(
                "bundled    {} entries built into the binary\n",
                config.sources.bundled.files.len()
            ));
            match apicat_core::catalogue::sources::personal_dir() {
                Some(d) => {
                    let state = if d.is_dir() {
                        "added to the bundled entries"
                    } else if std::fs::symlink_metadata(&d).is_ok() {
                        "not a folder: not served"
                    } else {
                        "absent; create it to add your own entries"
                    };
                    out.push_str(&format!("personal   {}  ({state})\n", shown(&d)));
                }
                None => out.push_str("personal   (no home directory)\n"),
            }
            match &config.sources.snapshot {
                Some(s) => out.push_str(&format!(
                    "snapshot   {}  ({} from {}, fetched {}; `apicat update` refreshes it)\n",
                    shown(&s.items_file()),
                    super::update::apis(s.meta.count),
                    s.meta.origin,
                    s.meta.when()
                )),
                None => match apicat_core::catalogue::snapshot::dir() {
                    Some(d) => {
                        let file = d.join(apicat_core::catalogue::snapshot::ITEMS);
                        let there = |p: &std::path::Path| std::fs::symlink_metadata(p).is_ok();
                        let state = if there(&file) || (there(&d) && !d.is_dir()) {
                            "not served: see the warning above; `apicat update` saves a new one"
                        } else {
                            "none yet: `apicat update` fetches the whole catalogue"
                        };
                        out.push_str(&format!("snapshot   {}  ({state})\n", shown(&file)));
                    }
                    None => out.push_str("snapshot   (no home directory)\n"),
                },
            }
        }
    }
    out
}

/// A path as apicat echoes it: hidden and control characters made visible.
fn shown(p: &std::path::Path) -> String {
    visible(&p.display().to_string()).into_owned()
}
