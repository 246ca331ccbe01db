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
