//! What the binary tests share.

use assert_cmd::Command;

/// apicat as a user runs it from a clean environment: no colour or catalogue settings, no
/// pager, 80 columns, from a directory that is not the repository, with its index cache kept
/// out of the user's.
pub fn apicat() -> Command {
    let mut c = Command::cargo_bin("apicat").unwrap();
    c.env(
        "XDG_CACHE_HOME",
        std::env::temp_dir().join("apicat-tests-cache"),
    )
    // No personal catalogue or snapshot of the user's: a data folder that does not exist.
    .env(
        "XDG_DATA_HOME",
        std::env::temp_dir().join("apicat-tests-no-data"),
    )
    .env_remove("NO_COLOR")
    .env_remove("APICAT_CATALOGUE")
    .env_remove("PAGER")
    .env("COLUMNS", "80")
    .current_dir(std::env::temp_dir());
    c
}
