//! The index cache of catalogue directories: used when current, rebuilt when a file changes,
//! ignored when corrupt or unwritable, bypassed with --no-cache.

use assert_cmd::Command;
use std::path::Path;

const ENTRY: &str = "---\ntitle: Première API\ntagline: Pour tester\nis_open: 1\nthemes: [Test]\n---\nCorps du texte.\n";

fn apicat(cache: &Path) -> Command {
    let mut c = Command::cargo_bin("apicat").unwrap();
    c.env("XDG_CACHE_HOME", cache)
        .env("HOME", cache)
        .env_remove("APICAT_CATALOGUE")
        .env("COLUMNS", "80");
    c
}

fn slugs(cache: &Path, dir: &Path, args: &[&str]) -> Vec<String> {
    let out = apicat(cache)
        .arg("--catalogue")
        .arg(dir)
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success() || out.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap_or_default();
    v.iter()
        .map(|o| o["slug"].as_str().unwrap().to_string())
        .collect()
}

fn index_files(cache: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(cache.join("apicat"))
        .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default()
}

#[test]
fn the_cache_follows_every_change_and_survives_corruption() {
    let cache = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.md"), ENTRY).unwrap();
    assert_eq!(
        slugs(cache.path(), dir.path(), &["search", "premiere"]),
        ["a"]
    );
    let files = index_files(cache.path());
    assert_eq!(files.len(), 1, "one index written");
    assert!(
        files[0].extension().is_some_and(|x| x == "bin"),
        "no temporary file left: {files:?}"
    );

    // A new file, an edited file, a removed file: each is seen at once.
    std::fs::write(
        dir.path().join("b.md"),
        ENTRY.replace("Première", "Seconde"),
    )
    .unwrap();
    assert_eq!(slugs(cache.path(), dir.path(), &["list"]), ["a", "b"]);
    std::fs::write(
        dir.path().join("a.md"),
        ENTRY.replace("Première API", "Autre nom, plus long"),
    )
    .unwrap();
    assert_eq!(
        slugs(cache.path(), dir.path(), &["search", "premiere"]),
        Vec::<String>::new()
    );
    assert_eq!(slugs(cache.path(), dir.path(), &["search", "autre"]), ["a"]);
    std::fs::remove_file(dir.path().join("b.md")).unwrap();
    assert_eq!(slugs(cache.path(), dir.path(), &["list"]), ["a"]);

    // A corrupt index is ignored and rebuilt.
    let index = &index_files(cache.path())[0];
    std::fs::write(index, b"APICATIX garbage \xff\xff\xff\xff\xff\xff").unwrap();
    assert_eq!(slugs(cache.path(), dir.path(), &["search", "autre"]), ["a"]);
    let truncated = std::fs::read(index).unwrap();
    std::fs::write(index, &truncated[..truncated.len() / 2]).unwrap();
    assert_eq!(slugs(cache.path(), dir.path(), &["search", "autre"]), ["a"]);

    // Broken files are still reported when served from the index.
    std::fs::write(dir.path().join("bad.md"), "---\nx: y: z\n---\n").unwrap();
    for _ in 0..2 {
        let out = apicat(cache.path())
            .arg("--catalogue")
            .arg(dir.path())
            .arg("list")
            .output()
            .unwrap();
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("bad.md:2:"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A folder of one entry, listed at once (its index made too soon to vouch for its names):
/// the cache, the folder, the index file and its bytes.
fn one_entry_listed() -> (
    tempfile::TempDir,
    tempfile::TempDir,
    std::path::PathBuf,
    Vec<u8>,
) {
    let cache = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.md"), ENTRY).unwrap();
    assert_eq!(slugs(cache.path(), dir.path(), &["list"]), ["a"]);
    let index = index_files(cache.path()).remove(0);
    let made = std::fs::read(&index).unwrap();
    (cache, dir, index, made)
}

#[test]
fn a_settled_folder_is_stat_ed_not_listed_and_still_follows_every_change() {
    let (cache, dir, index, made) = one_entry_listed();
    let index = &index;
    // Listed within two seconds of its last change: the next run lists it again. Once the
    // folder has settled, a run that finds the index current says so in its head, and the
    // runs after it look at each file by name instead of listing the folder.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    assert_eq!(slugs(cache.path(), dir.path(), &["list"]), ["a"]);
    let settled = std::fs::read(index).unwrap();
    assert_eq!(settled.len(), made.len());
    assert_ne!(settled, made, "the head says the folder has settled");
    // Then each change is seen all the same: written in place (the folder's stamp
    // unchanged), permissions, a new file.
    std::fs::write(
        dir.path().join("a.md"),
        ENTRY.replace("Première API", "Autre nom"),
    )
    .unwrap();
    assert_eq!(slugs(cache.path(), dir.path(), &["search", "autre"]), ["a"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let a = dir.path().join("a.md");
        std::fs::set_permissions(&a, std::fs::Permissions::from_mode(0o000)).unwrap();
        let unreadable = std::fs::File::open(&a).is_err();
        if unreadable {
            assert!(slugs(cache.path(), dir.path(), &["search", "autre"]).is_empty());
        }
        std::fs::set_permissions(&a, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(slugs(cache.path(), dir.path(), &["search", "autre"]), ["a"]);
    }
    std::fs::write(dir.path().join("b.md"), ENTRY).unwrap();
    assert_eq!(slugs(cache.path(), dir.path(), &["list"]), ["a", "b"]);
}

/// `show NAME` reads the folder's names from the index: an index made just after a change
/// is vouched for by the first `show` after the folder settles, not left to list the folder
/// on every run.
#[test]
fn show_alone_settles_an_index_made_too_soon() {
    let (cache, dir, index, made) = one_entry_listed();
    let index = &index;
    let show = |name: &str| {
        apicat(cache.path())
            .arg("--catalogue")
            .arg(dir.path())
            .args(["show", name, "--no-pager"])
            .assert()
    };
    show("a").success();
    assert_eq!(std::fs::read(index).unwrap(), made, "not settled yet");
    std::thread::sleep(std::time::Duration::from_millis(2100));
    show("a").success();
    let settled = std::fs::read(index).unwrap();
    assert_eq!(settled.len(), made.len());
    assert_ne!(settled, made, "the head says the folder has settled");
    // Still right after: a look-alike added is seen, and a new file is listed.
    std::fs::write(dir.path().join("A.md"), ENTRY).unwrap();
    show("a").failure();
    std::fs::write(dir.path().join("b.md"), ENTRY).unwrap();
    assert_eq!(slugs(cache.path(), dir.path(), &["list"]), ["b"]);
}

/// A link that cannot be followed, or leads to a folder, may become an entry while its folder
/// stays as it is: a settled index still looks at it.
#[cfg(unix)]
#[test]
fn a_link_whose_target_appears_later_is_seen_in_a_settled_folder() {
    let cache = tempfile::tempdir().unwrap();
    let root = tempfile::tempdir().unwrap();
    let (dir, elsewhere) = (root.path().join("api"), root.path().join("o"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(elsewhere.join("folder")).unwrap();
    std::fs::write(dir.join("a.md"), ENTRY).unwrap();
    std::os::unix::fs::symlink(elsewhere.join("later.md"), dir.join("broken.md")).unwrap();
    std::os::unix::fs::symlink(elsewhere.join("folder"), dir.join("folder.md")).unwrap();
    assert_eq!(slugs(cache.path(), &dir, &["list"]), ["a"]);
    std::thread::sleep(std::time::Duration::from_millis(2100));
    assert_eq!(slugs(cache.path(), &dir, &["list"]), ["a"]);
    std::fs::write(elsewhere.join("later.md"), ENTRY).unwrap();
    assert_eq!(slugs(cache.path(), &dir, &["list"]), ["a", "broken"]);
    std::fs::remove_dir(elsewhere.join("folder")).unwrap();
    std::fs::write(elsewhere.join("folder"), ENTRY).unwrap();
    assert_eq!(
        slugs(cache.path(), &dir, &["list"]),
        ["a", "broken", "folder"]
    );
}

#[test]
fn an_unwritable_cache_only_costs_time_and_no_cache_bypasses_it() {
    let cache = tempfile::tempdir().unwrap();
    // A file where the cache directory should be: it cannot be created.
    std::fs::write(cache.path().join("apicat"), "not a directory").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.md"), ENTRY).unwrap();
    assert_eq!(slugs(cache.path(), dir.path(), &["list"]), ["a"]);

    let cache = tempfile::tempdir().unwrap();
    assert_eq!(
        slugs(cache.path(), dir.path(), &["--no-cache", "list"]),
        ["a"]
    );
    assert!(
        index_files(cache.path()).is_empty(),
        "--no-cache writes nothing"
    );
    let out = apicat(cache.path())
        .arg("--catalogue")
        .arg(dir.path())
        .arg("paths")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&cache.path().join("apicat").display().to_string()),
        "{text}"
    );
    assert!(text.contains("absent or stale"), "{text}");
    slugs(cache.path(), dir.path(), &["list"]);
    let out = apicat(cache.path())
        .arg("--catalogue")
        .arg(dir.path())
        .arg("paths")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("(current)"));
}

#[test]
fn answers_from_the_index_are_those_of_a_fresh_read() {
    let cache = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for d in ["catalogue", "tests/fixtures/broken"] {
        for f in std::fs::read_dir(root.join(d)).unwrap() {
            let f = f.unwrap().path();
            std::fs::copy(&f, dir.path().join(f.file_name().unwrap())).unwrap();
        }
    }
    let corpus = root.join("../shared/corpus/api");
    let mut dirs = vec![dir.path().to_path_buf()];
    if corpus.is_dir() {
        dirs.push(corpus);
    }
    for d in dirs {
        for args in [
            vec!["list", "--json"],
            vec!["list"],
            vec!["search", "urssaf", "--json"],
            vec!["search", "entrprise", "--json"],
            vec!["search", "adresse", "--json"],
            vec!["search", "les", "procédures", "--access", "open"],
            vec!["list", "--theme", "emploi", "--json"],
            // Verdicts across the catalogue come from the index too.
            vec!["eligible", "--as", "collectivite"],
            vec!["eligible", "--as", "entreprise", "--json"],
            vec!["eligible", "--as", "particulier"],
        ] {
            let run = |extra: &[&str]| {
                let out = apicat(cache.path())
                    .arg("--catalogue")
                    .arg(&d)
                    .args(extra)
                    .args(&args)
                    .output()
                    .unwrap();
                (out.status.code(), out.stdout, out.stderr)
            };
            let fresh = run(&["--no-cache"]);
            let first = run(&[]);
            let second = run(&[]);
            assert_eq!(fresh, first, "{args:?} on {}", d.display());
            assert_eq!(
                fresh,
                second,
                "{args:?} on {} (from the index)",
                d.display()
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn a_linked_entry_is_stamped_by_its_target_and_odd_names_count() {
    let cache = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("real.md");
    std::fs::write(&target, ENTRY).unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join("linked.md")).unwrap();
    assert_eq!(
        slugs(cache.path(), dir.path(), &["search", "premiere"]),
        ["linked"]
    );
    // Same size, new words: only the target's stamp tells.
    let edited = ENTRY.replace("Première", "Dernière");
    assert_eq!(edited.len(), ENTRY.len());
    std::fs::write(&target, &edited).unwrap();
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    std::fs::File::options()
        .write(true)
        .open(&target)
        .unwrap()
        .set_modified(later)
        .unwrap();
    assert_eq!(
        slugs(cache.path(), dir.path(), &["search", "derniere"]),
        ["linked"]
    );
    // A file whose name is not UTF-8 is an entry too: adding one is seen.
    use std::os::unix::ffi::OsStrExt;
    let odd = std::ffi::OsStr::from_bytes(b"odd-\xff.md");
    std::fs::write(dir.path().join(odd), ENTRY.replace("Première", "Bizarre")).unwrap();
    assert_eq!(
        slugs(cache.path(), dir.path(), &["search", "bizarre"]).len(),
        1
    );
}

#[test]
fn bundled_answers_from_the_built_index_are_those_of_a_fresh_read() {
    let cache = tempfile::tempdir().unwrap();
    for args in [
        vec!["list"],
        vec!["list", "--json"],
        vec!["search", "urssaf"],
        vec!["search", "urssaf", "--json"],
        vec!["search", "entrprise", "--json"],
        vec!["search", "les", "procédures", "--access", "open"],
        vec!["search", "zzzzqqq"],
        vec!["list", "--theme", "emploi", "--json"],
    ] {
        let run = |extra: &[&str]| {
            let out = apicat(cache.path())
                .env("XDG_DATA_HOME", cache.path())
                .args(extra)
                .args(&args)
                .output()
                .unwrap();
            (out.status.code(), out.stdout, out.stderr)
        };
        let (fresh, built) = (run(&["--no-cache"]), run(&[]));
        assert_eq!(fresh, built, "{args:?}");
        assert!(!fresh.1.is_empty() || fresh.0 == Some(1), "{args:?}");
    }
}

#[test]
fn a_damaged_block_of_body_words_is_not_trusted() {
    let cache = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.md"), format!("{ENTRY}zygomatique\n")).unwrap();
    std::fs::write(
        dir.path().join("b.md"),
        ENTRY.replace("Première", "Seconde"),
    )
    .unwrap();
    let found = slugs(cache.path(), dir.path(), &["search", "zygomatique"]);
    assert_eq!(found, ["a"]);
    // The body words' blocks end the index; the last holds the last word, `zygomatique`.
    let file = &index_files(cache.path())[0];
    let mut bytes = std::fs::read(file).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x04;
    std::fs::write(file, &bytes).unwrap();
    assert_eq!(
        slugs(cache.path(), dir.path(), &["search", "zygomatique"]),
        found,
        "read from the files instead"
    );
    assert!(
        index_files(cache.path()).is_empty(),
        "the damaged index is removed"
    );
    assert_eq!(
        slugs(cache.path(), dir.path(), &["search", "zygomatique"]),
        found
    );
    assert_eq!(index_files(cache.path()).len(), 1, "and made again");
}
