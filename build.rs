//! Embeds every `catalogue/*.md` file in the binary, so apicat works from any directory, with
//! its front matter already turned from YAML into JSON: parsing JSON at run time costs a
//! fraction of parsing YAML. A file whose YAML does not convert is embedded as text only and
//! parsed (and reported) at run time like any other.
use std::{env, fs, path::Path};

// The run's own code: its rule for what must not reach a terminal, so the answer is the
// same, and its loader and index writer, so the bundled index is what a run would make.
#[allow(dead_code)]
#[path = "src/cache.rs"]
mod cache;
#[allow(dead_code)]
#[path = "src/catalogue.rs"]
mod catalogue;
#[allow(dead_code)]
#[path = "src/search.rs"]
mod search;
#[allow(dead_code)]
#[path = "src/text.rs"]
mod text;
/// What the loader would embed; empty while it is being made.
#[allow(dead_code)]
mod bundled {
    pub static FILES: &[(&str, &str, Option<&str>, bool)] = &[];
    pub static INDEX: &[u8] = &[];
}

/// Whether no text of a JSON value would be changed by sanitising.
fn clean_json(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::String(s) => !text::needs_sanitizing(s),
        serde_json::Value::Array(items) => items.iter().all(clean_json),
        serde_json::Value::Object(m) => m
            .iter()
            .all(|(k, v)| !text::needs_sanitizing(k) && clean_json(v)),
        _ => true,
    }
}

fn front_matter(text: &str) -> Option<&str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    let start = text.find('\n')? + 1;
    let mut pos = start;
    for line in lines {
        if line.trim_end() == "---" {
            return Some(&text[start..pos]);
        }
        pos += line.len();
    }
    None
}

fn prepared(text: &str) -> Option<String> {
    let value: serde_yaml::Value = serde_yaml::from_str(front_matter(text)?).ok()?;
    value.as_mapping()?;
    serde_json::to_string(&value).ok()
}

/// A fingerprint of the code that shapes the index cache: a cache written by another build
/// of apicat is never read as this one's.
fn index_key() -> u64 {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for f in [
        "cache.rs",
        "search.rs",
        "catalogue.rs",
        "text.rs",
        "../build.rs",
    ] {
        let p = root.join(f);
        println!("cargo:rerun-if-changed={}", p.display());
        for b in fs::read(&p).unwrap_or_default() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The index `list` and `search` read for the bundled entries, made as a run would make it
/// for a directory holding them.
fn bundled_index(files: &[std::path::PathBuf], key: &str) -> Vec<u8> {
    let sources = files
        .iter()
        .map(|p| {
            let slug = p.file_stem().unwrap().to_string_lossy().into_owned();
            catalogue::SourceFile {
                path: format!("catalogue/{slug}.md"),
                slug,
                text: Ok(fs::read_to_string(p).unwrap_or_default()),
                origin: catalogue::Origin::Bundled,
                prepared: None,
                known_clean: false,
            }
        })
        .collect();
    let mut cat = catalogue::Catalogue::from_files(sources);
    cat.set_producers(catalogue::Catalogue::bundled_producers(), false);
    cache::encode(&cat, &[], 0, key)
}

fn main() {
    let key = index_key().to_string();
    println!("cargo:rustc-env=APICAT_INDEX_KEY={key}");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue");
    let out_dir = env::var("OUT_DIR").unwrap();
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("catalogue/ directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    // (slug, text, front matter as JSON, whether nothing in it needs sanitising)
    let mut out = String::from("pub static FILES: &[(&str, &str, Option<&str>, bool)] = &[\n");
    for p in &files {
        println!("cargo:rerun-if-changed={}", p.display());
        let slug = p.file_stem().unwrap().to_string_lossy();
        let text = fs::read_to_string(p).unwrap_or_default();
        let prepared = prepared(&text);
        let clean = !text::needs_sanitizing(&text)
            && prepared
                .as_deref()
                .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
                .is_some_and(|v| clean_json(&v));
        let json = match prepared {
            Some(json) => {
                let json_path = Path::new(&out_dir).join(format!("{slug}.front.json"));
                fs::write(&json_path, json).unwrap();
                format!("Some(include_str!({:?}))", json_path.display().to_string())
            }
            None => "None".to_string(),
        };
        out.push_str(&format!(
            "    ({slug:?}, include_str!({:?}), {json}, {clean}),\n",
            p.display().to_string()
        ));
    }
    out.push_str("];\n");
    let index = Path::new(&out_dir).join("bundled.index");
    fs::write(&index, bundled_index(&files, &key)).unwrap();
    out.push_str(&format!(
        "pub static INDEX: &[u8] = include_bytes!({:?});\n",
        index.display().to_string()
    ));
    fs::write(Path::new(&out_dir).join("bundled.rs"), out).unwrap();
}
