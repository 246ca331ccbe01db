//! Completions, man page, the personal catalogue, `paths` and `check`.

use predicates::prelude::*;
use std::path::Path;

mod common;
use common::apicat;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn completion_files_are_what_the_binary_prints() {
    for (shell, file) in [
        ("bash", "apicat.bash"),
        ("zsh", "_apicat"),
        ("fish", "apicat.fish"),
        ("powershell", "_apicat.ps1"),
        ("elvish", "apicat.elv"),
    ] {
        let out = apicat().args(["completions", shell]).output().unwrap();
        let want = std::fs::read(root().join("completions").join(file)).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&want),
            "completions/{file} is stale: run the command in completions/README.md"
        );
    }
}

/// Runs the bash completion function on a command line, as bash does on TAB.
fn bash_complete(words: &[&str], env: &[(&str, &str)]) -> Vec<String> {
    let bin_dir = assert_cmd::cargo::cargo_bin("apicat")
        .parent()
        .unwrap()
        .to_path_buf();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let cword = words.len() - 1;
    let script = format!(
        "source '{}'; COMP_WORDS=({}); COMP_CWORD={cword}; _clap_complete_apicat apicat '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        root().join("completions/apicat.bash").display(),
        quoted.join(" "),
        words[cword],
        words[cword - 1],
    );
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = std::process::Command::new("bash");
    cmd.arg("-c")
        .arg(script)
        .env("PATH", path)
        .env_remove("APICAT_CATALOGUE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn bash_completes_slugs_profiles_themes_and_commands() {
    assert_eq!(
        bash_complete(&["apicat", "show", "api-e"], &[]),
        ["api-entreprise"]
    );
    assert_eq!(
        bash_complete(&["apicat", "eligible", "api-t"], &[]),
        ["api-tierce-declaration-auto-entrepreneur"]
    );
    assert_eq!(
        bash_complete(&["apicat", "eligible", "--as", "coll"], &[]),
        ["collectivite-administration"]
    );
    assert_eq!(
        bash_complete(&["apicat", "list", "--theme", "em"], &[]),
        ["Emploi"]
    );
    assert!(bash_complete(&["apicat", "sh"], &[]).contains(&"show".to_string()));
    let fixtures = root().join("tests/fixtures/broken");
    let dir = fixtures.to_str().unwrap();
    assert_eq!(
        bash_complete(&["apicat", "--catalogue", dir, "show", "go"], &[]),
        ["good-one"]
    );
    assert_eq!(
        bash_complete(&["apicat", "show", "go"], &[("APICAT_CATALOGUE", dir)]),
        ["good-one"]
    );
}

#[test]
fn man_page_covers_every_command() {
    let out = apicat().arg("man").output().unwrap();
    let man = String::from_utf8(out.stdout).unwrap();
    assert!(
        man.starts_with(".ie") || man.contains(".TH apicat"),
        "{}",
        &man[..200]
    );
    for cmd in [
        "list",
        "search",
        "show",
        "eligible",
        "check",
        "completions",
        "man",
        "paths",
    ] {
        assert!(
            man.contains(&format!("APICAT {}", cmd.to_uppercase())),
            "no section for {cmd}"
        );
    }
    assert!(man.contains("\\-\\-catalogue") && man.contains("\\-\\-as"));
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

#[test]
fn check_reports_compiler_style_and_exits_1_on_errors() {
    apicat()
        .arg("check")
        .assert()
        .success()
        .stderr(predicate::str::contains("5 files checked: 0 errors"));
    let dir = root().join("tests/fixtures/broken");
    let out = apicat()
        .args(["--catalogue", dir.to_str().unwrap(), "check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("bad-yaml.md:4:"), "{text}");
    assert!(
        text.contains("no-front.md:1:1: error: no front matter"),
        "{text}"
    );
    assert!(
        text.contains("good-one.md:1:1: warning: no technical documentation"),
        "{text}"
    );
    let out = apicat()
        .args(["--catalogue", dir.to_str().unwrap(), "check", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"], 4);
    assert!(v["errors"].as_u64().unwrap() >= 2);
    assert!(v["findings"][0]["path"].as_str().unwrap().ends_with(".md"));
}

#[test]
fn completions_into_a_closed_pipe_end_quietly() {
    let bin = assert_cmd::cargo::cargo_bin("apicat");
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "'{}' completions zsh | head -c 10 >/dev/null; '{}' man | head -1 >/dev/null",
            bin.display(),
            bin.display()
        ))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("panicked") && !err.contains("Broken pipe"),
        "{err}"
    );
}

#[test]
fn fish_completes_slugs_profiles_and_themes() {
    if std::process::Command::new("fish")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!(
            "note: fish is not installed here (.ci/run installs it); fish completion not checked"
        );
        return;
    }
    let bin_dir = assert_cmd::cargo::cargo_bin("apicat")
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let script = format!(
        "source '{}'; complete -C 'apicat show api-e'; complete -C 'apicat eligible --as coll'; complete -C 'apicat list --theme em'",
        root().join("completions/apicat.fish").display()
    );
    let out = std::process::Command::new("fish")
        .arg("--no-config")
        .arg("-c")
        .arg(script)
        .env("PATH", path)
        .env_remove("APICAT_CATALOGUE")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let firsts: Vec<&str> = text
        .lines()
        .map(|l| l.split('\t').next().unwrap_or(""))
        .collect();
    assert_eq!(
        firsts,
        ["api-entreprise", "collectivite-administration", "Emploi"],
        "{text}"
    );
}
