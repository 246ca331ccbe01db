//! Nothing on the developer's machine changes a test's result: a personal catalogue and a
//! stale, hostile index in the user folders the tests inherit are not seen by `apicat()`.

mod common;
use common::apicat;

#[test]
fn the_user_folders_of_the_machine_change_nothing() {
    let before = apicat().args(["list", "--json"]).output().unwrap();
    let search_before = apicat()
        .args(["search", "urssaf", "--json"])
        .output()
        .unwrap();

    // What a developer's machine may hold: a personal entry, and an index where apicat
    // keeps them, both in the folders this test process would hand down.
    let machine = tempfile::tempdir().unwrap();
    let personal = machine.path().join("data/apicat/catalogue");
    std::fs::create_dir_all(&personal).unwrap();
    std::fs::write(
        personal.join("api-de-la-machine.md"),
        "---\ntitle: API de la machine\ntagline: urssaf\nis_open: 1\n---\nurssaf\n",
    )
    .unwrap();
    let cache = machine.path().join("cache/apicat");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::write(cache.join("index-0000000000000000.bin"), b"APICATIXstale").unwrap();
    // SAFETY: the only test of this file (its own process); nothing else reads the
    // environment while it is changed.
    unsafe {
        std::env::set_var("HOME", machine.path());
        std::env::set_var("XDG_DATA_HOME", machine.path().join("data"));
        std::env::set_var("XDG_CACHE_HOME", machine.path().join("cache"));
        std::env::set_var("APICAT_CATALOGUE", machine.path().join("data"));
        std::env::set_var("NO_COLOR", "1");
        std::env::set_var("COLUMNS", "33");
    }
    let after = apicat().args(["list", "--json"]).output().unwrap();
    let search_after = apicat()
        .args(["search", "urssaf", "--json"])
        .output()
        .unwrap();
    assert_eq!(
        before.stdout, after.stdout,
        "the machine's folders leaked into list"
    );
    assert_eq!(before.stderr, after.stderr);
    assert_eq!(search_before.stdout, search_after.stdout, "…into search");
    assert!(!String::from_utf8_lossy(&after.stdout).contains("api-de-la-machine"));
}
