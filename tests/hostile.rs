//! Hostile catalogue files. For each: the file is named with its line, every other entry is
//! still served, no panic, no hang, no raw control character on stdout (even with
//! `--color always`), and `check` flags it.

use std::path::Path;

mod common;
use common::apicat;
use std::time::Duration;

const GOOD: &str = "---\ntitle: Bonne API\ntagline: Toujours servie\nis_open: 1\nthemes: [Test]\ndoc_tech_external: https://x.fr\n---\nCorps sain.\n";

fn esc_everywhere() -> String {
    let evil = "\\e]0;owned\\a\\e[2J\\e[31m";
    let mut s = String::from("---\n");
    for key in [
        "title",
        "tagline",
        "producer",
        "external_site",
        "contact_link",
        "rate_limiting_resume",
        "content_intro",
        "last_update",
    ] {
        s.push_str(&format!("{key}: \"x{evil}y\"\n"));
    }
    s.push_str(&format!(
        "is_open: -1\nkeywords: [\"k{evil}\"]\nthemes: [\"t{evil}\"]\npartners: [\"p{evil}\"]\n"
    ));
    s.push_str(&format!(
        "access_page:\n  - who: [\"w{evil}\"]\n    is_eligible: 1\n    description: \"d{evil}\"\n"
    ));
    s.push_str("---\nbody \x1b]8;;https://evil\x07link\x1b]8;;\x07 \x1b[5mblink\x07\u{9b}31m\n");
    // The same written as character references, which Markdown and HTML decode.
    s.push_str("ref &#27;]0;t&#7; <p>&#x1b;[2J &#4 &#155;31m</p>\n");
    s.push_str(
        "<Button href=\"/x&#27;]0;t&#7;\">go</Button> <a href=\"https://e.fr/&#27;[2J\">a</a>\n",
    );
    s
}

/// (file name, content, what `check` must say of it, the line it must name)
fn hostile() -> Vec<(&'static str, Vec<u8>, &'static str, Option<usize>)> {
    let mut bomb = String::from(
        "---\ntitle: Bombe\ntagline: x\nis_open: 1\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (i, prev) in ["a", "b", "c", "d", "e", "f", "g", "h"].iter().enumerate() {
        let name = (b'b' + i as u8) as char;
        bomb.push_str(&format!("{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
    }
    bomb.push_str("---\n");
    let deep = format!(
        "---\ntitle: Profond\nx: {}{}\n---\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let big = format!(
        "---\ntitle: Gros\ntagline: x\nis_open: 1\ndoc_tech_external: https://x.fr\n---\n{}",
        "Un long texte. ".repeat(5 * 1024 * 1024 / 15)
    );
    vec![
        ("broken-yaml.md", b"---\ntitle: x\nkey: text: more\n---\n".to_vec(), "invalid YAML", Some(3)),
        ("no-front-matter.md", b"Just text\n".to_vec(), "no front matter", Some(1)),
        ("unterminated.md", b"---\ntitle: x\ntagline: y\n".to_vec(), "never closed", Some(1)),
        ("not-utf8.md", b"---\ntitle: ok\ntagline: \xff\xfe bad\n---\n".to_vec(), "not UTF-8", Some(3)),
        ("empty.md", Vec::new(), "empty file", Some(1)),
        (
            "wrong-types.md",
            b"---\ntitle: [a, b]\ntagline: {x: 1}\nis_open: maybe\nis_france_connected: [1]\naccess_page: {who: x}\nkeywords: {a: 1}\nthemes: 12\nuptime: [1]\nlast_update: {d: 1}\nexternal_site: 42\n---\n".to_vec(),
            "title should be text, not a list",
            Some(2),
        ),
        ("big-body.md", big.into_bytes(), "body of", Some(7)),
        ("alias-bomb.md", bomb.into_bytes(), "invalid YAML", None),
        ("deep.md", deep.into_bytes(), "invalid YAML", Some(3)),
        ("escapes.md", esc_everywhere().into_bytes(), "a control character", Some(2)),
    ]
}

fn catalogue_with(name: &str, content: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bonne-api.md"), GOOD).unwrap();
    std::fs::write(dir.path().join(name), content).unwrap();
    dir
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    apicat()
        .arg("--catalogue")
        .arg(dir)
        .args(args)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap()
}

fn assert_clean(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    // Our own colour codes are the only escapes allowed.
    let mut rest = text.as_ref();
    while let Some(i) = rest.find('\x1b') {
        let seq = &rest[i..];
        let ok = seq.starts_with("\x1b[")
            && seq[2..]
                .chars()
                .take_while(|c| *c != 'm')
                .all(|c| c.is_ascii_digit() || c == ';')
            && seq[2..].contains('m');
        assert!(ok, "{what}: raw escape {:?}", &seq[..seq.len().min(12)]);
        rest = &seq[1..];
    }
    assert!(
        !text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\x1b')),
        "{what}: raw control character"
    );
    assert!(!text.contains('\u{9b}'), "{what}: C1 CSI");
}

#[test]
fn each_hostile_file_is_named_and_the_rest_is_served() {
    for (name, content, flag, line) in hostile() {
        let dir = catalogue_with(name, &content);
        for args in [
            vec!["--color", "always", "list"],
            vec!["--color", "always", "search", "bonne"],
            vec!["list", "--json"],
        ] {
            let out = run(dir.path(), &args);
            assert!(
                out.status.success(),
                "{name} {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let stdout = String::from_utf8_lossy(&out.stdout)
                .replace("\x1b[1;33m", "")
                .replace("\x1b[0m", "");
            assert!(
                stdout.contains("bonne-api"),
                "{name}: the good entry is missing"
            );
            assert_clean(name, &out.stdout);
            assert_clean(name, &out.stderr);
            assert!(
                !String::from_utf8_lossy(&out.stderr).contains("panicked"),
                "{name}"
            );
        }
        let stem = name.trim_end_matches(".md");
        let shown = run(
            dir.path(),
            &["--color", "always", "show", stem, "--no-pager"],
        );
        assert!(
            !String::from_utf8_lossy(&shown.stderr).contains("panicked"),
            "{name}"
        );
        assert_clean(name, &shown.stdout);
        let checked = run(dir.path(), &["check"]);
        let report = String::from_utf8_lossy(&checked.stdout);
        let finding = report
            .lines()
            .find(|l| l.contains(name) && l.contains(flag));
        let finding = finding
            .unwrap_or_else(|| panic!("check does not flag {name} with {flag:?}:\n{report}"));
        if let Some(line) = line {
            assert!(
                finding.contains(&format!("{name}:{line}:")),
                "{name}: wrong line in {finding}"
            );
        } else {
            assert!(
                finding
                    .split(':')
                    .nth(1)
                    .is_some_and(|l| l.parse::<usize>().is_ok()),
                "{finding}"
            );
        }
        assert_clean(name, &checked.stdout);
    }
}
