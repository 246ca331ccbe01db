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
        // Some(0): the finding names no line.
        ("big-body.md", big.into_bytes(), "over the 1024 KiB limit", Some(0)),
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
            .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\x1b')),
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
        if line == Some(0) {
            assert!(finding.contains(&format!("{name}: ")), "{finding}");
        } else if let Some(line) = line {
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

/// One run of the binary, bounded: killed after 5 s (the test then fails), with its peak
/// resident memory.
struct Bounded {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
    secs: f64,
    rss_mb: f64,
}

fn bounded(envs: &[(&str, &std::ffi::OsStr)], args: &[&std::ffi::OsStr]) -> Bounded {
    let out_dir = tempfile::tempdir().unwrap();
    let (out, err) = (out_dir.path().join("out"), out_dir.path().join("err"));
    // Peak memory through /usr/bin/time: a child's own rusage also counts the test
    // process's peak, which the spawn shares until exec.
    let rss_file = out_dir.path().join("rss");
    let time = Path::new("/usr/bin/time");
    let mut cmd = if time.exists() {
        let mut c = std::process::Command::new(time);
        c.arg("-f").arg("%M").arg("-o").arg(&rss_file);
        c.arg(assert_cmd::cargo::cargo_bin("apicat"));
        c
    } else {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("apicat"))
    };
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    cmd.env("COLUMNS", "80")
        .env_remove("APICAT_CATALOGUE")
        .env_remove("NO_COLOR")
        .env_remove("PAGER")
        .env(
            "XDG_CACHE_HOME",
            std::env::temp_dir().join("apicat-tests-cache"),
        )
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let start = std::time::Instant::now();
    // Reaped by wait4 below, which also gives its peak memory.
    #[allow(clippy::zombie_processes)]
    let child = cmd.spawn().unwrap();
    let pid = child.id() as libc::pid_t;
    let (mut status, mut usage) = (0, unsafe { std::mem::zeroed::<libc::rusage>() });
    loop {
        // SAFETY: waits for our own child, into locals.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break;
        }
        if start.elapsed() > Duration::from_secs(5) {
            unsafe { libc::kill(-pid, libc::SIGKILL) };
            unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
            panic!("apicat {args:?} hung: killed after 5 s");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let rss_kb = std::fs::read_to_string(&rss_file)
        .ok()
        .and_then(|s| s.lines().last()?.trim().parse::<f64>().ok())
        .unwrap_or(usage.ru_maxrss as f64);
    Bounded {
        code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        stdout: std::fs::read(&out).unwrap(),
        stderr: std::fs::read_to_string(&err).unwrap(),
        secs: start.elapsed().as_secs_f64(),
        rss_mb: rss_kb / 1024.0,
    }
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

/// Runs apicat on a catalogue folder, bounded, and checks time, memory and output.
fn on_folder(dir: &Path, args: &[&str]) -> Bounded {
    let mut all = vec![os("--catalogue"), dir.as_os_str()];
    all.extend(args.iter().map(|a| os(a)));
    let r = bounded(&[], &all);
    within_bounds(&format!("{args:?}"), &r);
    r
}

/// A bash TAB after `apicat --catalogue DIR show bo`, with its own cache folder.
fn tab_on_show_bo(dir: &Path, cache: &Path) -> Bounded {
    let argv = [
        os("--"),
        os("apicat"),
        os("--catalogue"),
        dir.as_os_str(),
        os("show"),
        os("bo"),
    ];
    bounded(
        &[
            ("XDG_CACHE_HOME", cache.as_os_str()),
            ("APICAT_COMPLETE", os("bash")),
            ("_CLAP_COMPLETE_INDEX", os("4")),
        ],
        &argv,
    )
}

fn within_bounds(what: &str, r: &Bounded) {
    assert!(r.secs < 2.0, "{what}: {:.1} s", r.secs);
    assert!(r.rss_mb < 100.0, "{what}: {:.0} MB resident", r.rss_mb);
    assert!(!r.stderr.contains("panicked"), "{what}: {}", r.stderr);
    assert_clean(what, &r.stdout);
    assert_clean(what, r.stderr.as_bytes());
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid C string.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
}

/// Every command a person runs on a folder, each bounded; the good entry always served.
fn every_command(dir: &Path, flag: &str) {
    for args in [
        &["list"][..],
        &["--no-cache", "list"],
        &["search", "bonne"],
        &["show", "bonne-api", "--no-pager"],
        &["eligible", "--as", "collectivite"],
    ] {
        let r = on_folder(dir, args);
        if args[0] != "eligible" {
            assert_eq!(r.code, Some(0), "{args:?}: {}", r.stderr);
            assert!(
                String::from_utf8_lossy(&r.stdout).contains("onne"),
                "{args:?}"
            );
        }
        if args[0] != "show" {
            assert!(r.stderr.contains(flag), "{args:?}: {}", r.stderr);
        }
    }
    let r = on_folder(dir, &["check"]);
    assert_eq!(r.code, Some(1));
    let report = String::from_utf8_lossy(&r.stdout);
    assert!(
        report.contains(&flag.replacen(": ", ": error: ", 1)),
        "{report}"
    );
}

#[cfg(unix)]
#[test]
fn fifos_devices_and_huge_files_are_reported_and_skipped() {
    let sparse = |dir: &Path, name: &str| {
        let f = std::fs::File::create(dir.join(name)).unwrap();
        use std::io::Write;
        (&f).write_all(b"---\ntitle: Enorme\n---\n").unwrap();
        // Sparse: 2 GB of NULs that take no disk.
        f.set_len(2 << 30).unwrap();
    };
    type Make = fn(&Path);
    let cases: [(&str, Make, &str); 4] = [
        (
            "x.md",
            |d| mkfifo(&d.join("x.md")),
            "x.md: not a regular file",
        ),
        (
            "y.md",
            |d| std::os::unix::fs::symlink("/dev/zero", d.join("y.md")).unwrap(),
            "y.md: not a regular file",
        ),
        (
            "z.md",
            |_| {},
            "z.md: file of 2147483648 bytes, over the 1024 KiB limit",
        ),
        (
            "nuls.md",
            |d| {
                let mut text = b"---\ntitle: Nuls\n---\n".to_vec();
                text.resize(50 << 20, 0);
                std::fs::write(d.join("nuls.md"), text).unwrap();
            },
            "nuls.md: file of 52428800 bytes",
        ),
    ];
    for (name, make, flag) in cases {
        let dir = catalogue_with("other.md", GOOD.as_bytes());
        if name == "z.md" {
            sparse(dir.path(), name);
        } else {
            make(dir.path());
        }
        every_command(dir.path(), flag);
        let r = on_folder(dir.path(), &["show", name.trim_end_matches(".md")]);
        assert_ne!(r.code, Some(0), "{name} is not served");
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_in_producers_personal_catalogue_or_index_does_not_block() {
    // producteurs/
    let dir = catalogue_with("other.md", GOOD.as_bytes());
    std::fs::create_dir(dir.path().join("producteurs")).unwrap();
    mkfifo(&dir.path().join("producteurs/urssaf.md"));
    for args in [&["list"][..], &["show", "bonne-api"], &["check"]] {
        let r = on_folder(dir.path(), args);
        // Said, not silently skipped (`show` reads only the producers its entry names).
        let said = format!("{}{}", r.stderr, String::from_utf8_lossy(&r.stdout));
        assert!(
            args[0] == "show"
                || said.contains("producteurs/urssaf.md: not a regular file")
                || said.contains("producteurs/urssaf.md: error: not a regular file"),
            "{args:?}: {said}"
        );
    }
    // From the index too, once made.
    let r = on_folder(dir.path(), &["search", "bonne"]);
    assert!(
        r.stderr
            .contains("producteurs/urssaf.md: not a regular file"),
        "{}",
        r.stderr
    );

    // The personal catalogue, under the bundled one.
    let data = tempfile::tempdir().unwrap();
    let personal = data.path().join("apicat/catalogue");
    std::fs::create_dir_all(&personal).unwrap();
    mkfifo(&personal.join("x.md"));
    for args in [&["search", "urssaf"][..], &["list"], &["check"]] {
        let argv: Vec<_> = args.iter().map(|a| os(a)).collect();
        let r = bounded(&[("XDG_DATA_HOME", data.path().as_os_str())], &argv);
        within_bounds(&format!("personal {args:?}"), &r);
        assert!(r.stderr.contains("x.md: not a regular file") || args[0] == "check");
    }

    // Where the index goes.
    let cache = tempfile::tempdir().unwrap();
    let dir = catalogue_with("other.md", GOOD.as_bytes());
    let with_cache = |args: &[&str]| {
        let mut argv = vec![os("--catalogue"), dir.path().as_os_str()];
        argv.extend(args.iter().map(|a| os(a)));
        let r = bounded(&[("XDG_CACHE_HOME", cache.path().as_os_str())], &argv);
        within_bounds(&format!("index {args:?}"), &r);
        r
    };
    with_cache(&["list"]);
    let index = std::fs::read_dir(cache.path().join("apicat"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::remove_file(&index).unwrap();
    mkfifo(&index);
    for args in [&["list"][..], &["search", "bonne"], &["paths"]] {
        with_cache(args);
    }
    // Completion too.
    let r = tab_on_show_bo(dir.path(), cache.path());
    within_bounds("completion", &r);
    assert!(String::from_utf8_lossy(&r.stdout).contains("bonne-api"));
}

#[cfg(unix)]
#[test]
fn an_unreadable_entry_is_served_once_readable_and_old_times_count() {
    use std::os::unix::fs::PermissionsExt;
    let cache = tempfile::tempdir().unwrap();
    let dir = catalogue_with("other.md", GOOD.as_bytes());
    let listed = |args: &[&str]| {
        let mut argv = vec![os("--catalogue"), dir.path().as_os_str()];
        argv.extend(args.iter().map(|a| os(a)));
        let r = bounded(&[("XDG_CACHE_HOME", cache.path().as_os_str())], &argv);
        within_bounds(&format!("{args:?}"), &r);
        String::from_utf8_lossy(&r.stdout).into_owned()
    };
    let locked = dir.path().join("locked.md");
    std::fs::write(&locked, GOOD.replace("Bonne API", "Verrou")).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads anything: nothing to test then.
    if std::fs::read(&locked).is_err() {
        assert!(!listed(&["list"]).contains("Verrou"));
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(listed(&["list"]).contains("Verrou"), "served once readable");
    }

    // Before 1970: two times, same size, different words.
    let old = dir.path().join("old.md");
    let at = |secs: i64| std::time::UNIX_EPOCH - Duration::from_secs(secs.unsigned_abs());
    std::fs::write(&old, GOOD.replace("Bonne API", "Ancienne")).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(at(1_000_000_000))
        .unwrap();
    assert!(listed(&["search", "ancienne"]).contains("old"));
    std::fs::write(&old, GOOD.replace("Bonne API", "Antiques")).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(at(900_000_000))
        .unwrap();
    assert!(listed(&["search", "antiques"]).contains("old"));
}

#[test]
fn a_look_alike_file_name_is_an_error_naming_both() {
    let dir = catalogue_with(
        "api_r2p.md",
        GOOD.replace("Bonne API", "Authentique").as_bytes(),
    );
    std::fs::write(
        dir.path().join("api_r2p\u{200b}.md"),
        GOOD.replace("Bonne API", "Imposteur"),
    )
    .unwrap();
    let r = on_folder(dir.path(), &["show", "api_r2p", "--no-pager"]);
    let page = String::from_utf8_lossy(&r.stdout);
    assert!(
        page.contains("Authentique") && !page.contains("Imposteur"),
        "{page}"
    );
    let r = on_folder(dir.path(), &["check"]);
    assert_eq!(r.code, Some(1));
    let report = String::from_utf8_lossy(&r.stdout);
    assert!(
        report.contains("api_r2p\\u{200b}.md: error: the file name holds an invisible"),
        "{report}"
    );

    // Equal once case, accents and -/_ are set aside: both named, neither picked.
    let dir = catalogue_with(
        "API-R2P.md",
        GOOD.replace("Bonne API", "Majuscules").as_bytes(),
    );
    std::fs::write(
        dir.path().join("api_r2p.md"),
        GOOD.replace("Bonne API", "Minuscules"),
    )
    .unwrap();
    std::fs::write(dir.path().join("Évite-ça.md"), GOOD).unwrap();
    std::fs::write(dir.path().join("evite_ca.md"), GOOD).unwrap();
    let r = on_folder(dir.path(), &["check"]);
    assert_eq!(r.code, Some(1));
    let report = String::from_utf8_lossy(&r.stdout);
    for (a, b) in [("API-R2P.md", "api_r2p.md"), ("evite_ca.md", "Évite-ça.md")] {
        let line = report
            .lines()
            .find(|l| l.contains(&format!("{a}: error: slug")))
            .unwrap_or_else(|| panic!("{a} not flagged:\n{report}"));
        assert!(line.contains(b), "{line}");
    }
    for name in ["api-r2p", "api_r2p", "API-R2P"] {
        let r = on_folder(dir.path(), &["show", name, "--no-pager"]);
        assert_ne!(r.code, Some(0), "show {name} picked one");
        assert!(
            r.stderr.contains("API-R2P.md") && r.stderr.contains("api_r2p.md"),
            "{}",
            r.stderr
        );
    }

    // Doubled or trailing separators, full-width letters, and Cyrillic or Greek letters drawn
    // as Latin ones are look-alikes too.
    for twin in [
        "api__r2p",
        "api_r2p-",
        "\u{ff41}pi_r2p",
        "\u{430}pi_r2p",
        "a\u{440}i_r2p",
        "api_r2\u{3c1}",
        "API_R2\u{420}",
    ] {
        let dir = catalogue_with("api_r2p.md", GOOD.as_bytes());
        std::fs::write(dir.path().join(format!("{twin}.md")), GOOD).unwrap();
        let r = on_folder(dir.path(), &["check"]);
        assert_eq!(r.code, Some(1), "{twin}");
        let report = String::from_utf8_lossy(&r.stdout);
        assert!(
            report.contains(&format!("{twin}.md: error: slug")),
            "{twin}: {report}"
        );
    }
    // Characters that draw nothing, and spaces of any kind, in a name: an error.
    for c in [
        '\u{AD}',
        '\u{180E}',
        '\u{1D173}',
        '\u{3164}',
        '\u{115F}',
        '\u{FFA0}',
        '\u{2800}',
        '\u{A0}',
        '\u{2009}',
        '\u{202F}',
        '\u{3000}',
        ' ',
    ] {
        let dir = catalogue_with("api_r2p.md", GOOD.as_bytes());
        std::fs::write(dir.path().join(format!("api_r2p{c}.md")), GOOD).unwrap();
        let r = on_folder(dir.path(), &["check"]);
        assert_eq!(r.code, Some(1), "U+{:04X}", c as u32);
        let report = String::from_utf8_lossy(&r.stdout);
        let shown = if c == ' ' {
            " ".to_string()
        } else {
            format!("\\u{{{:x}}}", c as u32)
        };
        // Named, with the character escaped, as holding it or as a look-alike.
        assert!(
            report.contains(&format!("api_r2p{shown}.md: error: ")),
            "U+{:04X}: {report}",
            c as u32
        );
    }
}

#[cfg(unix)]
#[test]
fn a_name_that_is_not_utf8_never_passes_for_its_lossy_twin() {
    use std::os::unix::ffi::OsStrExt;
    let dir = catalogue_with(
        "bad\u{fffd}.md",
        GOOD.replace("Bonne API", "Authentique").as_bytes(),
    );
    std::fs::write(
        dir.path().join(std::ffi::OsStr::from_bytes(b"bad\xff.md")),
        GOOD.replace("Bonne API", "Imposteur"),
    )
    .unwrap();
    for args in [
        &["show", "bad\u{fffd}", "--no-pager"][..],
        &["--no-cache", "show", "bad\u{fffd}", "--no-pager"],
        &["eligible", "bad\u{fffd}", "--as", "particulier"],
    ] {
        let r = on_folder(dir.path(), args);
        let out = String::from_utf8_lossy(&r.stdout);
        assert!(
            out.contains("Authentique") && !out.contains("Imposteur"),
            "{args:?}: {out}{}",
            r.stderr
        );
    }
    // Each is served under a name of its own, the bytes shown.
    let r = on_folder(dir.path(), &["list"]);
    let list = String::from_utf8_lossy(&r.stdout);
    assert!(list.contains("bad\\xff\tImposteur"), "{list}");
    assert!(list.contains("bad\u{fffd}\tAuthentique"), "{list}");
}

#[test]
fn a_folder_that_cannot_be_listed_serves_no_entry() {
    use std::os::unix::fs::PermissionsExt;
    let dir = catalogue_with("api_r2p.md", GOOD.as_bytes());
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o311)).unwrap();
    let listable = std::fs::read_dir(dir.path()).is_ok();
    for args in [
        &["show", "api_r2p", "--no-pager"][..],
        &["eligible", "api_r2p", "--as", "particulier"],
        &["list"],
    ] {
        let r = on_folder(dir.path(), args);
        if listable {
            // Root reads any folder: served as usual.
            assert_eq!(r.code, Some(0), "{args:?}: {}", r.stderr);
        } else {
            assert_eq!(r.code, Some(2), "{args:?}: {}", r.stderr);
            assert!(r.stderr.contains("cannot read directory"), "{}", r.stderr);
        }
    }
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn hidden_characters_never_pass_raw_and_check_points_at_each() {
    let hidden = [
        '\u{61C}',
        '\u{200E}',
        '\u{202E}',
        '\u{2066}',
        '\u{2028}',
        '\u{2029}',
        '\u{2060}',
        '\u{2064}',
        '\u{206A}',
        '\u{FFF9}',
        '\u{E0041}',
        '\u{E007F}',
        // Characters that draw nothing yet are not spaces.
        '\u{AD}',
        '\u{34F}',
        '\u{115F}',
        '\u{1160}',
        '\u{3164}',
        '\u{FFA0}',
        '\u{180E}',
        '\u{1D173}',
        '\u{1D17A}',
        '\u{2800}',
        '\u{13430}',
        '\u{1BCA0}',
    ];
    let mut body = String::new();
    for c in hidden {
        body.push_str(&format!("x{c}y\n"));
    }
    let text = format!("---\ntitle: \"Cach\u{202E}ée\u{E0041}\"\ntagline: t\u{2060}\n---\n{body}");
    let dir = catalogue_with("cache.md", text.as_bytes());
    let raw = |out: &[u8]| {
        let s = String::from_utf8_lossy(out);
        hidden.iter().find(|c| s.contains(**c)).copied()
    };
    for args in [
        &["show", "cache", "--no-pager"][..],
        &["show", "cache", "--json"],
        &["list"],
        &["list", "--json"],
        &["search", "cache"],
    ] {
        let r = on_folder(dir.path(), args);
        assert_eq!(r.code, Some(0), "{args:?}: {}", r.stderr);
        assert_eq!(raw(&r.stdout), None, "{args:?}");
    }
    let r = on_folder(dir.path(), &["check"]);
    let report = String::from_utf8_lossy(&r.stdout);
    assert_eq!(raw(&r.stdout), None);
    assert!(
        report.contains("cache.md:2:13: warning: an invisible character (U+202E)"),
        "{report}"
    );
    assert!(
        report.contains("cache.md:3:11: warning: an invisible character (U+2060)"),
        "{report}"
    );
    for (i, c) in hidden.iter().enumerate() {
        let at = format!("cache.md:{}:2: warning:", i + 5);
        let line = report.lines().find(|l| l.contains(&format!("/{at}")));
        assert!(
            line.is_some_and(|l| l.contains(&format!("U+{:04X}", *c as u32))),
            "{at} {:x}\n{report}",
            *c as u32
        );
    }
}

#[test]
fn echoed_arguments_and_paths_are_sanitised() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("cat\x1b]0;PWN\x07\u{202E}");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("bonne-api.md"), GOOD).unwrap();
    let bad = "\x1b]0;PWN\x07\u{202E}";
    for args in [
        vec!["eligible", "bonne-api", "--as", bad],
        vec!["eligible", "--as", bad],
        vec!["show", bad],
        vec!["search", bad],
        vec!["list", "--theme", bad],
        vec!["paths"],
    ] {
        let r = on_folder(&dir, &args);
        assert!(
            !r.stderr.contains('\u{202E}')
                && !String::from_utf8_lossy(&r.stdout).contains('\u{202E}'),
            "{args:?}"
        );
    }
    let missing = root.path().join("nope\x1b[2J\u{2066}");
    let r = bounded(&[], &[os("--catalogue"), missing.as_os_str(), os("list")]);
    within_bounds("missing folder", &r);
    assert!(r.stderr.contains("\\x1b[2J"), "{}", r.stderr);
    assert!(!r.stderr.contains('\u{2066}'), "{}", r.stderr);
}

/// The facts panel is laid out in time linear in its values: a word of 300,000 letters as a
/// keyword, partner, producer, theme or monitoring note, or 60,000 keywords, each alone in an
/// entry file under the size limit, show within the bounds, every letter kept.
#[test]
fn long_facts_are_laid_out_in_proportion() {
    let word = "é".repeat(300_000);
    let many: Vec<String> = (0..60_000).map(|i| format!("m{i}")).collect();
    let cases = [
        ("keywords", format!("[\"{word}\"]")),
        ("partners", format!("[\"{word}\"]")),
        ("producer", word.clone()),
        ("themes", format!("[\"{word}\"]")),
        ("monitoring_description", word.clone()),
        ("keywords", format!("[{}]", many.join(", "))),
        // Plain ASCII takes a shortcut of its own when cut.
        ("monitoring_description", "A".repeat(900_000)),
    ];
    for (key, value) in cases {
        let text =
            format!("---\ntitle: Longue\ntagline: t\nis_open: 1\n{key}: {value}\n---\nCorps.\n");
        assert!(text.len() < 1 << 20);
        let dir = catalogue_with("longue.md", text.as_bytes());
        let r = on_folder(
            dir.path(),
            &["--color", "always", "show", "longue", "--no-pager"],
        );
        assert_eq!(r.code, Some(0), "{key}: {}", r.stderr);
        let out = String::from_utf8_lossy(&r.stdout);
        if value.len() > 500_000 {
            let letters = out.matches('é').count() + out.matches('A').count();
            assert!(letters >= 300_000, "{key}: {letters} letters shown");
            assert!(
                out.lines().all(|l| unicode_width::UnicodeWidthStr::width(
                    apicat::view::page::strip_escapes(l).as_str()
                ) <= 80),
                "{key}: a line wider than the terminal"
            );
        } else {
            assert!(out.contains("more"), "{key}: keywords not counted");
        }
    }
}

/// Control characters are shown escaped, four times their size: a body of NUL bytes up to the
/// size limit shows within the bounds, its run counted.
#[test]
fn a_body_of_nul_bytes_shows_in_proportion() {
    for (name, unit) in [("nuls", "\0"), ("alternes", "a\0")] {
        let body = unit.repeat((1 << 20) / unit.len() - 64);
        let text = format!("---\ntitle: Nuls\ntagline: t\nis_open: 1\n---\n{body}");
        let dir = catalogue_with(&format!("{name}.md"), text.as_bytes());
        let r = on_folder(
            dir.path(),
            &["--color", "always", "show", name, "--no-pager"],
        );
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        assert!(
            r.stdout.len() < 3 * text.len(),
            "{name}: {} bytes",
            r.stdout.len()
        );
        if name == "nuls" {
            assert!(String::from_utf8_lossy(&r.stdout).contains("control characters)"));
        }
    }
}

#[test]
fn deep_nesting_gives_output_in_proportion() {
    // Each level holds a paragraph: uncapped, every line repeats every level's quote mark.
    let depth = 3000;
    let body = format!(
        "{}{}\n\n{}item\n",
        "<blockquote>\n\nzq\n\n".repeat(depth),
        "</blockquote>".repeat(depth),
        "<ul><li>".repeat(depth)
    );
    let text = format!("---\ntitle: Profonde\ntagline: t\n---\n{body}");
    let dir = catalogue_with("profonde.md", text.as_bytes());
    let r = on_folder(dir.path(), &["show", "profonde", "--no-pager"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let out = String::from_utf8_lossy(&r.stdout);
    assert_eq!(out.matches("zq").count(), depth, "flattened, not dropped");
    assert!(out.contains("item"));
    assert!(
        r.stdout.len() < 8 * text.len(),
        "{} bytes out",
        r.stdout.len()
    );
}

#[test]
fn show_and_completion_read_no_other_entry() {
    let cache = tempfile::tempdir().unwrap();
    let dir = catalogue_with("broken.md", b"---\nbad: key: here\n---\n");
    // A folder changed in the last two seconds is listed on each run (a change within the
    // same tick of the file system's clock would leave its stamp as it was): let it settle.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let run = |envs: &[(&str, &std::ffi::OsStr)], args: &[&str]| {
        let mut argv = vec![os("--catalogue"), dir.path().as_os_str()];
        argv.extend(args.iter().map(|a| os(a)));
        let mut all = vec![("XDG_CACHE_HOME", cache.path().as_os_str())];
        all.extend_from_slice(envs);
        let r = bounded(&all, &argv);
        within_bounds(&format!("{args:?}"), &r);
        r
    };
    // The broken file is not read, so not reported: only the named file was opened.
    // (`eligible NAME --as P` reads the index instead: a profile is resolved against every
    // label of the catalogue, so that both forms of the command give the same verdict.)
    let r = run(&[], &["show", "bonne-api", "--no-pager"]);
    assert!(!r.stderr.contains("broken.md"), "show: {}", r.stderr);
    // A title still finds it, through every entry.
    let r = run(&[], &["show", "Bonne API", "--no-pager"]);
    assert_eq!(r.code, Some(0));
    assert!(r.stderr.contains("broken.md"));

    // Completion lists names from the index: an entry spoiled since is still offered, as
    // no file is parsed on TAB.
    run(&[], &["list"]);
    std::fs::write(dir.path().join("bonne-api.md"), "spoiled").unwrap();
    let r = tab_on_show_bo(dir.path(), cache.path());
    assert!(
        String::from_utf8_lossy(&r.stdout).contains("bonne-api"),
        "{}",
        r.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_tab_on_words_that_are_not_utf8_completes_without_a_panic() {
    use std::os::unix::ffi::OsStrExt;
    let bytes = |b: &'static [u8]| std::ffi::OsStr::from_bytes(b);
    let parent = tempfile::tempdir().unwrap();
    // A catalogue folder whose own name is not UTF-8.
    let dir = parent.path().join(bytes(b"cat\xff"));
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("bonne-api.md"), GOOD).unwrap();
    let cache = tempfile::tempdir().unwrap();
    let mut joined = std::ffi::OsString::from("--catalogue=");
    joined.push(&dir);
    let lines: [(&str, Vec<&std::ffi::OsStr>, bool); 4] = [
        (
            "4",
            vec![
                os("--catalogue"),
                dir.as_os_str(),
                os("show"),
                bytes(b"b\xff"),
            ],
            false,
        ),
        (
            "4",
            vec![os("--catalogue"), dir.as_os_str(), os("show"), os("bo")],
            true,
        ),
        ("3", vec![&joined, os("show"), os("bo")], true),
        (
            "6",
            vec![
                os("--catalogue"),
                dir.as_os_str(),
                os("eligible"),
                bytes(b"x\xff"),
                os("--as"),
                os("ent"),
            ],
            false,
        ),
    ];
    for (index, words, finds) in lines {
        let mut argv = vec![os("--"), os("apicat")];
        argv.extend(words);
        let r = bounded(
            &[
                ("XDG_CACHE_HOME", cache.path().as_os_str()),
                ("APICAT_COMPLETE", os("bash")),
                ("_CLAP_COMPLETE_INDEX", os(index)),
            ],
            &argv,
        );
        within_bounds(&format!("TAB {argv:?}"), &r);
        assert_eq!(r.code, Some(0), "TAB {argv:?}: {}", r.stderr);
        let out = String::from_utf8_lossy(&r.stdout);
        assert_eq!(out.contains("bonne-api"), finds, "TAB {argv:?}: {out}");
    }
}

/// A personal catalogue folder that cannot be read is said and left out; the bundled entries
/// are still served. Run as `nobody` when the tests run as root (root reads any folder).
#[cfg(unix)]
#[test]
fn an_unreadable_personal_folder_is_said_and_the_rest_served() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let personal = home.path().join("data/apicat/catalogue");
    std::fs::create_dir_all(&personal).unwrap();
    std::fs::write(personal.join("mienne.md"), GOOD).unwrap();
    for d in [
        home.path().to_path_buf(),
        home.path().join("data"),
        home.path().join("data/apicat"),
    ] {
        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o777)).unwrap();
    }
    std::fs::set_permissions(&personal, std::fs::Permissions::from_mode(0o000)).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("apicat");
    let root = unsafe { libc::geteuid() } == 0;
    let mut cmd = if root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"])
            .arg(&bin);
        c
    } else {
        std::process::Command::new(&bin)
    };
    let h = home.path();
    let out = cmd
        .arg("list")
        .env("HOME", h)
        .env("XDG_DATA_HOME", h.join("data"))
        .env("XDG_CACHE_HOME", h.join("cache"))
        .env("XDG_CONFIG_HOME", h.join("config"))
        .output();
    std::fs::set_permissions(&personal, std::fs::Permissions::from_mode(0o755)).unwrap();
    let Ok(out) = out else {
        eprintln!("skipped: setpriv is not available to run as nobody");
        return;
    };
    let err = String::from_utf8_lossy(&out.stderr);
    if err.contains("Permission denied") && err.contains("apicat") && !err.contains("catalogue") {
        eprintln!("skipped: nobody cannot run the test binary here: {err}");
        return;
    }
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("apicat/catalogue: cannot be read; the personal catalogue is not served"),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("api-entreprise"));
}

/// A large saved listing is read one item's values at a time: `update --file` of a 4 MB page
/// peaks at a few times its size (a tree of values for the whole page took 12 times).
#[test]
fn update_of_a_large_page_keeps_memory_in_proportion() {
    let home = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/datagouv");
    let items: Vec<serde_json::Value> = std::fs::read_to_string(fixtures.join("items.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut data = Vec::new();
    let mut size = 0;
    while size < 4 << 20 {
        let mut item = items[data.len() % items.len()].clone();
        let n = data.len();
        item["id"] = format!("{n:024x}").into();
        item["slug"] = format!("api-{n}").into();
        size += item.to_string().len();
        data.push(item);
    }
    let file = home.path().join("page.json");
    let page = serde_json::json!({ "data": data, "next_page": null, "total": data.len() });
    std::fs::write(&file, serde_json::to_string_pretty(&page).unwrap()).unwrap();
    let mb = std::fs::metadata(&file).unwrap().len() as f64 / (1 << 20) as f64;
    let h = home.path();
    let (data_dir, cache) = (h.join("data"), h.join("cache"));
    let r = bounded(
        &[
            ("HOME", h.as_os_str()),
            ("XDG_DATA_HOME", data_dir.as_os_str()),
            ("XDG_CACHE_HOME", cache.as_os_str()),
        ],
        &[os("update"), os("--file"), file.as_os_str()],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    eprintln!(
        "update --file of {mb:.1} MB: {:.1} MB peak, {:.2} s",
        r.rss_mb, r.secs
    );
    assert!(
        r.rss_mb < 5.0 * mb + 15.0,
        "{:.1} MB peak for a {mb:.1} MB file",
        r.rss_mb
    );
}
