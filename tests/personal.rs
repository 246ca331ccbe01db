//! The personal catalogue: entries added to the bundled ones, and replacing them.

use std::path::Path;

mod common;
use common::apicat;

#[allow(dead_code)]
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_personal_catalogue_adds_and_replaces_entries() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().join("apicat/catalogue");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("mon-api.md"),
        "---\ntitle: Mon API\ntagline: Perso\nis_open: 1\nthemes: [Test]\n---\nCorps\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("api-entreprise.md"),
        "---\ntitle: API Entreprise (ma copie)\ntagline: x\nis_open: 1\n---\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = apicat()
            .env("XDG_DATA_HOME", data.path())
            .env("HOME", data.path())
            .args(args)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let list = run(&["list", "--json"]);
    let v: Vec<serde_json::Value> = serde_json::from_str(&list).unwrap();
    assert_eq!(v.len(), 6);
    let e = v.iter().find(|o| o["slug"] == "api-entreprise").unwrap();
    assert_eq!(e["title"], "API Entreprise (ma copie)");
    assert_eq!(e["source"], "personal");
    let show: serde_json::Value =
        serde_json::from_str(&run(&["show", "mon-api", "--json"])).unwrap();
    assert_eq!(show["source"]["kind"], "personal");
    assert!(run(&["paths"]).contains(&dir.display().to_string()));
    // The copy says the bundled entry is there, and how to read it, whichever way it is read;
    // `--source bundled` reads that one.
    // By its title, every entry is read, not the one file.
    let by_title: serde_json::Value =
        serde_json::from_str(&run(&["show", "API Entreprise (ma copie)", "--json"])).unwrap();
    assert_eq!(by_title["elsewhere"][0]["source"], "bundled");
    for cache in [&[][..], &["--no-cache"][..]] {
        let args = [cache, &["show", "api-entreprise", "--json"]].concat();
        let copy: serde_json::Value = serde_json::from_str(&run(&args)).unwrap();
        assert_eq!(copy["title"], "API Entreprise (ma copie)", "{args:?}");
        assert_eq!(
            copy["elsewhere"],
            serde_json::json!([{"source": "bundled", "slug": "api-entreprise", "last_update": "2020-09-14"}]),
            "{args:?}"
        );
        let args = [cache, &["show", "api-entreprise", "--no-pager"]].concat();
        let page = run(&args).split_whitespace().collect::<Vec<_>>().join(" ");
        let also =
            "a bundled entry, updated 2020-09-14: apicat show --source bundled api-entreprise";
        assert!(page.contains(also), "{args:?}: {page}");
        let args = [
            cache,
            &["show", "--source", "bundled", "api-entreprise", "--json"],
        ]
        .concat();
        let bundled: serde_json::Value = serde_json::from_str(&run(&args)).unwrap();
        assert_eq!(bundled["title"], "API Entreprise", "{args:?}");
        assert_eq!(bundled["source"]["kind"], "bundled", "{args:?}");
    }
    // The command is never cut across lines, so that it is copied whole: on its own line, or
    // as a note below the panel when the column is too narrow.
    for width in ["100", "80", "60", "40"] {
        let out = apicat()
            .env("XDG_DATA_HOME", data.path())
            .env("HOME", data.path())
            .env("COLUMNS", width)
            .args(["show", "api-entreprise", "--no-pager"])
            .output()
            .unwrap();
        let page = String::from_utf8(out.stdout).unwrap();
        assert!(
            page.lines()
                .any(|l| l.contains("apicat show --source bundled api-entreprise")),
            "{width} columns:\n{page}"
        );
    }
    let check = apicat()
        .env("XDG_DATA_HOME", data.path())
        .arg("check")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&check.stdout)
            .contains("slug `api-entreprise` is also in catalogue/api-entreprise.md")
    );
}
