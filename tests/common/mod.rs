//! What the binary tests share.

use assert_cmd::Command;

/// apicat as a user runs it from a clean environment: no colour or catalogue settings, no
/// pager, 80 columns, from a directory that is not the repository, with its index cache kept
/// out of the user's.
#[allow(dead_code)]
pub fn apicat() -> Command {
    let mut c = Command::cargo_bin("apicat").unwrap();
    c.env(
        "XDG_CACHE_HOME",
        std::env::temp_dir().join("apicat-tests-cache"),
    )
    .env_remove("NO_COLOR")
    .env_remove("APICAT_CATALOGUE")
    .env_remove("PAGER")
    .env("COLUMNS", "80")
    .current_dir(std::env::temp_dir());
    c
}

/// The real catalogue's entries (`../shared/corpus/api` beside the checkout, or
/// `APICAT_CORPUS`); `None`, said loudly, when absent, unless `APICAT_REQUIRE_CORPUS` is set.
#[allow(dead_code)]
pub fn corpus() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("APICAT_CORPUS").map_or_else(
        || std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/api"),
        std::path::PathBuf::from,
    );
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("APICAT_REQUIRE_CORPUS").is_some() {
        panic!(
            "{}: corpus absent, and APICAT_REQUIRE_CORPUS is set",
            dir.display()
        );
    }
    eprintln!("\n*** {}: corpus absent: SKIPPED ***\n", dir.display());
    None
}

/// Every entry of a folder, loaded as `--catalogue DIR` does.
#[allow(dead_code)]
pub fn load(dir: &std::path::Path) -> apicat::catalogue::Catalogue {
    let sources = apicat::catalogue::sources::Sources::new(
        Some(dir.to_path_buf()),
        &apicat::bundled::BUNDLED,
    );
    sources.load().unwrap()
}

/// The bundled entries.
#[allow(dead_code)]
pub fn bundled() -> apicat::catalogue::Catalogue {
    let sources = apicat::catalogue::sources::Sources {
        folder: None,
        personal: None,
        bundled: &apicat::bundled::BUNDLED,
    };
    sources.load().unwrap()
}
