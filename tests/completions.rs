//! Shell completion (the scripts, and values completed in real bash and fish) and the man page.

use std::path::Path;

mod common;
use common::apicat;

#[allow(dead_code)]
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
    // `--as` after an API: the audiences, then that API's own labels; before none, the
    // audiences first.
    let audiences = ["administration", "entreprise", "particulier", "editeur"];
    let tierce = bash_complete(
        &[
            "apicat",
            "eligible",
            "api-tierce-declaration-auto-entrepreneur",
            "--as",
            "",
        ],
        &[],
    );
    assert_eq!(tierce[..4], audiences, "{tierce:?}");
    assert!(
        tierce.contains(&"editeur-logiciel-paie".to_string()),
        "{tierce:?}"
    );
    assert!(
        tierce.contains(&"auto-entrepreneur".to_string()),
        "{tierce:?}"
    );
    assert!(
        !tierce.contains(&"collectivite-administration".to_string()),
        "{tierce:?}"
    );
    let entreprise = bash_complete(&["apicat", "eligible", "api-entreprise", "--as", ""], &[]);
    assert!(
        !entreprise.contains(&"auto-entrepreneur".to_string()),
        "{entreprise:?}"
    );
    assert!(entreprise.contains(&"collectivite-administration".to_string()));
    let everything = bash_complete(&["apicat", "eligible", "--as", ""], &[]);
    assert_eq!(everything[..4], audiences, "{everything:?}");
    assert!(everything.contains(&"auto-entrepreneur".to_string()));
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
