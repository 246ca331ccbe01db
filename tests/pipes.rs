//! A reader that has gone away (`apicat list | head -1`): apicat stops quietly, exit 0.
//! The reading end is closed before apicat starts, so every write fails at once, whatever
//! the output's size: these tests fail if the broken-pipe handling is removed.

use std::process::{Command, Stdio};

fn into_closed_pipe(args: &[&str]) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(assert_cmd::cargo::cargo_bin!("apicat"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("COLUMNS", "80")
        .current_dir(home.path())
        .args(args)
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{args:?}: exit {:?}, stderr: {err}",
        out.status.code()
    );
    assert_eq!(err, "", "{args:?}: a closed pipe must end quietly");
}

#[test]
fn list_and_search() {
    into_closed_pipe(&["list"]);
    into_closed_pipe(&["list", "--json"]);
    into_closed_pipe(&["search", "urssaf"]);
}

#[test]
fn show_and_eligible() {
    into_closed_pipe(&["show", "api-entreprise", "--no-pager"]);
    into_closed_pipe(&["show", "api-entreprise", "--json"]);
    into_closed_pipe(&["eligible", "--as", "collectivite"]);
}

#[test]
fn completions_and_man() {
    into_closed_pipe(&["completions", "zsh"]);
    into_closed_pipe(&["man"]);
    into_closed_pipe(&["paths"]);
}
