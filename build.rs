//! Embeds every `catalogue/*.md` file in the binary, so apicat works from any directory, with
//! its front matter already turned from YAML into JSON (parsing JSON at run time costs a
//! fraction of parsing YAML), the index `list` and `search` read, made by the core's own
//! loader and index writer (what a run would make for a folder holding these files), and
//! their texts converted from catalogue markup by the core's converter, for `show`.
use std::{env, fs, path::Path};

use apicat_core::catalogue::markdown::{SourceFile, front_matter_json, is_clean};
use apicat_core::catalogue::sources::Bundled;
use apicat_core::catalogue::{Catalogue, Origin};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue");
    let out_dir = env::var("OUT_DIR").unwrap();
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("catalogue/ directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    let mut out = String::from("pub static FILES: &[BundledFile] = &[\n");
    let mut sources = Vec::new();
    for p in &files {
        println!("cargo:rerun-if-changed={}", p.display());
        let slug = p.file_stem().unwrap().to_string_lossy().into_owned();
        let text = fs::read_to_string(p).unwrap_or_default();
        let json = front_matter_json(&text);
        // Then the loader skips the work of sanitising.
        let clean = json.is_some() && is_clean(&text);
        let front_json = match json {
            Some(json) => {
                let json_path = Path::new(&out_dir).join(format!("{slug}.front.json"));
                fs::write(&json_path, json).unwrap();
                format!("Some(include_str!({:?}))", json_path.display().to_string())
            }
            None => "None".to_string(),
        };
        out.push_str(&format!(
            "    BundledFile {{ slug: {slug:?}, text: include_str!({:?}), front_json: {front_json}, clean: {clean} }},\n",
            p.display().to_string()
        ));
        sources.push(SourceFile {
            path: format!("catalogue/{slug}.md"),
            slug,
            text: Ok(text),
            origin: Origin::Bundled,
            prepared: None,
            known_clean: false,
        });
    }
    out.push_str("];\n");
    let mut cat = Catalogue::from_files(sources);
    cat.set_producers(Bundled::producers(), false);
    // What a merge with the snapshot compares, known without parsing.
    out.push_str("pub static UPDATED: &[(&str, Option<&str>)] = &[\n");
    for e in &cat.entries {
        out.push_str(&format!(
            "    ({:?}, {:?}),\n",
            e.slug,
            e.last_update_iso.as_deref()
        ));
    }
    out.push_str("];\n");
    // The pages' texts converted from catalogue markup, as `show` would at each run.
    let mut texts: Vec<&str> = Vec::new();
    for e in &cat.entries {
        texts.push(&e.body);
        texts.extend(e.content_intro.as_deref());
        texts.extend(e.access_page.iter().map(|r| r.description.as_str()));
    }
    texts.sort_unstable();
    texts.dedup();
    out.push_str("pub static MARKDOWN: &[(&str, &str)] = &[\n");
    for t in texts {
        let md = apicat_core::markup::to_markdown(t);
        out.push_str(&format!("    ({t:?}, {md:?}),\n"));
    }
    out.push_str("];\n");
    let index = Path::new(&out_dir).join("bundled.index");
    fs::write(
        &index,
        apicat_core::index::encode(&cat, &Default::default(), 0),
    )
    .unwrap();
    out.push_str(&format!(
        "pub static INDEX: &[u8] = include_bytes!({:?});\n",
        index.display().to_string()
    ));
    fs::write(Path::new(&out_dir).join("bundled.rs"), out).unwrap();
}
