//! `apicat update` against a real HTTP server on 127.0.0.1 (tiny_http) serving the fixtures
//! of `tests/fixtures/datagouv`, and `--file`; then list, search, show and eligible on the
//! snapshot. Each test has its own HOME and XDG folders; none touches the internet.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod common;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/datagouv")
            .join(name),
    )
    .unwrap()
}

fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/datagouv")
        .join(name)
}

/// What the server answers to one request.
enum Reply {
    Json(u16, String, Vec<(&'static str, String)>),
    /// A body sent gzip-compressed.
    Gzip(String),
    /// Never answers (the connection stays open for this long).
    Stall(Duration),
}

fn ok(body: String) -> Reply {
    Reply::Json(200, body, Vec::new())
}

/// A request as the server saw it: its URL and User-Agent.
#[derive(Debug, Clone)]
struct Seen {
    url: String,
    agent: String,
}

struct Server {
    host: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    fn root(&self) -> String {
        format!("http://{}", self.host)
    }
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// Serves `answer(url, n)` for the n-th request (from 0), each on its own thread.
fn serve(answer: impl Fn(&str, usize, &str) -> Reply + Send + Sync + 'static) -> Server {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let host = format!("127.0.0.1:{}", server.server_addr().to_ip().unwrap().port());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let answer = Arc::new(answer);
    let (s, h) = (seen.clone(), host.clone());
    std::thread::spawn(move || {
        for rq in server.incoming_requests() {
            let agent = rq
                .headers()
                .iter()
                .find(|x| x.field.equiv("User-Agent"))
                .map(|x| x.value.to_string())
                .unwrap_or_default();
            let url = rq.url().to_string();
            let n = {
                let mut s = s.lock().unwrap();
                s.push(Seen {
                    url: url.clone(),
                    agent,
                });
                s.len() - 1
            };
            let answer = answer.clone();
            let h = h.clone();
            std::thread::spawn(move || match answer(&url, n, &h) {
                Reply::Json(status, body, headers) => {
                    let mut r = tiny_http::Response::from_string(body).with_status_code(status);
                    r.add_header(
                        tiny_http::Header::from_bytes("Content-Type", "application/json").unwrap(),
                    );
                    for (k, v) in headers {
                        r.add_header(tiny_http::Header::from_bytes(k, v.as_bytes()).unwrap());
                    }
                    let _ = rq.respond(r);
                }
                Reply::Gzip(body) => {
                    use std::io::Write;
                    let mut z = flate2::write::GzEncoder::new(Vec::new(), Default::default());
                    z.write_all(body.as_bytes()).unwrap();
                    let r = tiny_http::Response::from_data(z.finish().unwrap())
                        .with_header(
                            tiny_http::Header::from_bytes("Content-Encoding", "gzip").unwrap(),
                        )
                        .with_header(
                            tiny_http::Header::from_bytes("Content-Type", "application/json")
                                .unwrap(),
                        );
                    let _ = rq.respond(r);
                }
                Reply::Stall(d) => {
                    std::thread::sleep(d);
                    drop(rq);
                }
            });
        }
    });
    Server { host, seen }
}

/// The three pages of the listing, `{{BASE}}` replaced by the server's address.
fn pages(url: &str, host: &str) -> Reply {
    let page = if url.contains("page=3") {
        "page3.json"
    } else if url.contains("page=2") {
        "page2.json"
    } else {
        "page1.json"
    };
    ok(fixture(page).replace("{{BASE}}", host))
}

/// A user of apicat with a home of their own.
struct User {
    home: tempfile::TempDir,
}

impl User {
    fn new() -> User {
        User {
            home: tempfile::tempdir().unwrap(),
        }
    }

    fn cmd(&self) -> common::Apicat {
        let h = self.home.path();
        let mut c = common::apicat();
        c.env("HOME", h)
            .env("XDG_DATA_HOME", h.join("data"))
            .env("XDG_CACHE_HOME", h.join("cache"))
            .env("XDG_CONFIG_HOME", h.join("config"))
            .env("APICAT_HTTP_TIMEOUT", "2")
            .env("APICAT_HTTP_BUDGET", "6")
            .env_remove("HTTPS_PROXY")
            .env_remove("https_proxy")
            .env_remove("HTTP_PROXY")
            .env_remove("http_proxy")
            .env_remove("ALL_PROXY")
            .env_remove("all_proxy");
        c
    }

    /// Runs apicat: (exit status, stdout, stderr).
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.cmd().args(args).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    /// `update --file` of a fixture, which must succeed; the snapshot it saved.
    fn import(&self, fixture: &str) -> Vec<u8> {
        let (code, _, err) =
            self.run(&["update", "--file", fixture_path(fixture).to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        std::fs::read(self.snapshot()).unwrap()
    }

    fn snapshot(&self) -> PathBuf {
        self.home
            .path()
            .join("data/apicat/snapshot/dataservices.jsonl")
    }
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn an_update_follows_every_page_then_search_show_and_eligible_serve_it() {
    let server = serve(|url, _, host| pages(url, host));
    let user = User::new();
    let (code, out, err) = user.run(&["update", "--from", &server.root()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(&format!("5 APIs from {}, ", server.root())),
        "{out}"
    );
    assert!(
        out.contains("(3 left out: archived, deleted or private)"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1, "{out}");
    assert_eq!(err, "", "piped: no progress bar");
    let seen = server.seen();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert_eq!(seen[0].url, "/api/1/dataservices/?page_size=100");
    assert!(seen[2].url.contains("page=3"));
    assert!(seen[0].agent.starts_with("apicat/"), "{seen:?}");

    // Served beside the bundled entries; each says its source.
    let list = json(&user.run(&["list", "--json"]).1);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 5 + 5 - 1, "api-entreprise is in both");
    let source = |slug: &str| {
        list.iter()
            .find(|e| e["slug"] == slug)
            .map(|e| e["source"].as_str().unwrap().to_string())
    };
    assert_eq!(source("api-sirene").as_deref(), Some("datagouv"));
    assert_eq!(source("api-entreprise").as_deref(), Some("datagouv"));
    assert_eq!(
        source("procedures-collectives-france-entiere").as_deref(),
        Some("bundled")
    );
    assert_eq!(source("api-entreprise-v2-depreciee"), None, "archived");
    let only = json(&user.run(&["list", "--json", "--source", "datagouv"]).1);
    assert_eq!(only.as_array().unwrap().len(), 5);
    let bundled = json(&user.run(&["list", "--json", "--source", "bundled"]).1);
    assert_eq!(bundled.as_array().unwrap().len(), 5);

    let (code, out, _) = user.run(&["search", "sirene"]);
    assert_eq!(code, 0);
    assert!(out.contains("api-sirene"), "{out}");
    let (code, out, _) = user.run(&["search", "spectacles", "--json"]);
    assert_eq!(code, 0, "the body is searched");
    assert!(out.contains("api-recherche-d-entreprises"), "{out}");

    // The more recently updated entry is shown, and names the other.
    let (code, page, _) = user.run(&["show", "api-entreprise"]);
    assert_eq!(code, 0);
    assert!(page.contains("2025-06-17"), "{page}");
    assert!(page.contains("(datagouv)"), "{page}");
    assert!(
        page.contains("apicat show --source") && page.contains("bundled api-entreprise"),
        "{page}"
    );
    assert!(
        page.contains("Administration ou collectivité — eligible"),
        "{page}"
    );
    let (_, page, _) = user.run(&["show", "--source", "bundled", "api-entreprise"]);
    assert!(
        page.contains("catalogue/api-entreprise.md (bundled)"),
        "{page}"
    );
    // By title or slug prefix too, not only by slug.
    let (code, page, err) = user.run(&["show", "API Sirene"]);
    assert_eq!(code, 0, "{err}");
    assert!(page.contains("(datagouv)"), "{page}");
    let (code, page, err) = user.run(&["show", "api-recherche"]);
    assert_eq!(code, 0, "{err}");
    assert!(page.contains("Recherche d"), "{page}");
    let (_, page, _) = user.run(&["show", "api-particulier"]);
    assert!(page.contains("FranceConnect compatible"), "{page}");
    let shown = json(&user.run(&["show", "api-sirene", "--json"]).1);
    assert_eq!(shown["source"]["kind"], "datagouv");
    assert_eq!(shown["access"], "account");
    assert_eq!(shown["dataservice"]["id"], "6614021de6b2c5d1a0e4b9c7");
    let again = json(&user.run(&["show", "api-sirene", "--json", "--no-cache"]).1);
    assert_eq!(again, shown, "the same entry without the index");

    let (code, out, err) = user.run(&["eligible", "api-entreprise", "--as", "entreprise"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("eligible under conditions"), "{out}");
    assert!(
        out.contains("https://datapass.api.gouv.fr/api-entreprise"),
        "{out}"
    );
    let (code, out, err) = user.run(&["eligible", "--as", "particulier", "--json"]);
    assert_eq!(code, 0, "{err}");
    let rows = json(&out);
    let verdict = |slug: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["slug"] == slug)
            .map(|r| r["verdict"].as_str().unwrap().to_string())
    };
    assert_eq!(verdict("api-particulier").as_deref(), Some("not eligible"));

    let (_, paths, _) = user.run(&["paths"]);
    assert!(
        paths.contains(&user.snapshot().display().to_string()),
        "{paths}"
    );
    assert!(paths.contains("5 APIs from"), "{paths}");
}

#[test]
fn a_503_then_success_and_a_429_with_retry_after_are_retried() {
    let server = serve(|url, n, host| match n {
        0 => Reply::Json(503, "unavailable".into(), Vec::new()),
        2 => Reply::Json(429, "slow down".into(), vec![("Retry-After", "1".into())]),
        _ => pages(url, host),
    });
    let user = User::new();
    let start = Instant::now();
    let (code, out, err) = user.run(&["update", "--from", &server.root()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("5 APIs"), "{out}");
    assert!(
        start.elapsed() >= Duration::from_secs(2),
        "waited before retrying"
    );
    let urls: Vec<String> = server.seen().into_iter().map(|s| s.url).collect();
    assert_eq!(urls.len(), 5, "{urls:?}");
    assert_eq!(urls[0], urls[1]);
    assert_eq!(urls[2], urls[3]);
}

#[test]
fn a_retry_after_given_as_a_date_is_honoured() {
    let server = serve(|url, n, host| match n {
        0 => {
            let at = std::time::SystemTime::now() + Duration::from_secs(3);
            Reply::Json(
                429,
                "slow down".into(),
                vec![("Retry-After", httpdate::fmt_http_date(at))],
            )
        }
        _ => pages(url, host),
    });
    let user = User::new();
    let start = Instant::now();
    let (code, out, err) = user.run(&["update", "--from", &server.root()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("5 APIs"), "{out}");
    // The date has whole seconds: 2 to 3 s from the request; the default backoff is 1 s.
    assert!(
        start.elapsed() >= Duration::from_millis(1900),
        "waited until the date: {:?}",
        start.elapsed()
    );
    let urls: Vec<String> = server.seen().into_iter().map(|s| s.url).collect();
    assert_eq!(urls[0], urls[1]);
}

#[test]
fn a_stalled_server_is_given_up_and_the_previous_snapshot_kept() {
    let user = User::new();
    let before = user.import("items.json");
    let server = serve(|_, _, _| Reply::Stall(Duration::from_secs(30)));
    let start = Instant::now();
    let (code, out, err) = user.run(&["update", "--from", &server.root()]);
    assert_eq!(code, 3, "{out}{err}");
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "{:?}",
        start.elapsed()
    );
    assert!(
        err.starts_with(&format!("apicat: cannot reach {}: ", server.host)),
        "{err}"
    );
    assert!(err.contains("; your snapshot of "), "{err}");
    assert!(err.trim_end().ends_with("is kept"), "{err}");
    assert_eq!(std::fs::read(user.snapshot()).unwrap(), before);
    let (code, out, _) = user.run(&["search", "impot"]);
    assert_eq!(code, 0);
    assert!(out.contains("impot"), "{out}");
}

#[test]
fn nothing_listening_says_the_host_cannot_be_reached() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let user = User::new();
    let (code, _, err) = user.run(&["update", "--from", &format!("http://127.0.0.1:{port}")]);
    assert_eq!(code, 3);
    assert!(
        err.starts_with(&format!("apicat: cannot reach 127.0.0.1:{port}: ")),
        "{err}"
    );
    assert!(err.contains("no snapshot was saved"), "{err}");
    assert!(!user.snapshot().exists());
}

#[test]
fn malformed_or_wrong_shaped_pages_are_errors_naming_page_and_field() {
    let user = User::new();
    let before = user.import("page3.json");

    let server = serve(|_, _, _| ok(fixture("malformed.json")));
    let (code, _, err) = user.run(&["update", "--from", &server.root()]);
    assert_eq!(code, 3);
    assert!(err.contains("page 1 (http://127.0.0.1:"), "{err}");
    assert!(
        err.contains("invalid JSON: EOF while parsing a string"),
        "{err}"
    );
    assert!(err.contains("your snapshot of"), "{err}");

    let server = serve(|_, _, _| ok(fixture("wrong_shape.json")));
    let (code, _, err) = user.run(&["update", "--from", &server.root()]);
    assert_eq!(code, 3);
    assert!(
        err.contains("page 1 (") && err.contains("field `data` is an object, expected a list"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");

    // Wrongly typed items are named and left out; the good one is kept.
    let server = serve(|_, _, _| ok(fixture("wrong_types.json")));
    let (code, out, err) = user.run(&["update", "--from", &server.root()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("1 API from"), "{out}");
    assert!(out.contains("13 unreadable"), "{out}");
    assert!(err.contains("item 1: field `title` is a number"), "{err}");
    assert_ne!(std::fs::read(user.snapshot()).unwrap(), before);
}

#[test]
fn odd_fields_and_files_in_every_shape_are_read() {
    let user = User::new();
    for (file, count) in [("odd.json", 8), ("items.json", 2), ("items.jsonl", 2)] {
        let (code, out, err) =
            user.run(&["update", "--file", fixture_path(file).to_str().unwrap()]);
        assert_eq!(code, 0, "{file}: {err}");
        assert!(out.starts_with(&format!("{count} APIs from ")), "{out}");
    }
    let (code, out, _) = user.run(&["show", "api-statut-etudiant"]);
    assert_eq!(code, 0, "{out}");
    user.run(&[
        "update",
        "--file",
        fixture_path("odd.json").to_str().unwrap(),
    ]);
    for slug in [
        "api-horaires-des-marees",
        "api-qualite-de-l-air-atmo",
        "api-qualite-de-l-air-atmo-2",
        "api-meteo-publique",
        "api-minimale",
    ] {
        let (code, page, err) = user.run(&["show", slug]);
        assert_eq!(code, 0, "{slug}: {err}");
        assert!(page.contains("(datagouv)"), "{page}");
    }
    let (_, page, _) = user.run(&["show", "api-horaires-des-marees"]);
    assert!(page.contains("Camille"), "a person as producer: {page}");
    let (code, _, err) = user.run(&[
        "eligible",
        "api-subventions-locales",
        "--as",
        "collectivite",
    ]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn hostile_text_never_reaches_the_terminal_raw() {
    let server = serve(|_, _, _| ok(fixture("hostile.json")));
    let user = User::new();
    let (code, out, err) = user.run(&["update", "--from", &server.root()]);
    assert_eq!(code, 0, "{err}");
    let clean = |s: &str| {
        !s.chars().any(|c| {
            // Tabs separate the fields of rows for a pipe.
            (c.is_control() && c != '\n' && c != '\t')
                || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
        })
    };
    assert!(clean(&out) && clean(&err));
    // A slug with a hidden character is left out, never normalised into another's name.
    assert!(out.contains("(2 unreadable)"), "{out}");
    for c in ["U+202E", "U+200B"] {
        assert!(
            err.contains(&format!(
                "field `slug` holds a hidden or control character ({c})"
            )),
            "{err}"
        );
    }
    let (code, _, _) = user.run(&[
        "show",
        "--source",
        "datagouv",
        "api-adresse-base-adresse-nationale-ban",
    ]);
    assert_eq!(code, 1);
    let list = json(&user.run(&["list", "--json", "--source", "datagouv"]).1);
    let slugs: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["slug"].as_str().unwrap().to_string())
        .collect();
    assert!(!slugs.is_empty());
    for args in [
        vec!["list"],
        vec!["search", "adresse"],
        vec!["eligible", "--as", "particulier"],
    ] {
        let (_, out, err) = user.run(&args);
        assert!(clean(&out), "{args:?}: {out:?}");
        assert!(clean(&err), "{args:?}: {err:?}");
    }
    for slug in &slugs {
        assert!(
            slug.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'),
            "{slug}"
        );
        for args in [
            vec!["show", slug.as_str()],
            vec!["show", slug.as_str(), "--json"],
        ] {
            let (code, out, err) = user.run(&args);
            assert_eq!(code, 0, "{args:?}: {err}");
            assert!(clean(&out), "{args:?}: {out:?}");
            assert!(
                !out.contains("javascript:alert") || !out.contains("Access request  javascript")
            );
        }
    }
}

#[test]
fn without_a_snapshot_nothing_changes_and_a_failed_search_says_how_to_get_one() {
    let user = User::new();
    let list = json(&user.run(&["list", "--json"]).1);
    assert_eq!(list.as_array().unwrap().len(), 5);
    let (code, _, err) = user.run(&["search", "marées"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("`apicat update` fetches the whole catalogue"),
        "{err}"
    );
    let (code, _, err) = user.run(&["list", "--source", "datagouv"]);
    assert_eq!(code, 2);
    assert!(err.contains("no snapshot yet"), "{err}");
    // A source that is not there serves nothing, whichever way the entry is read.
    for cache in [&[][..], &["--no-cache"][..]] {
        let args = [cache, &["show", "api-entreprise", "--source", "personal"]].concat();
        let (code, out, err) = user.run(&args);
        assert_eq!(code, 2, "{args:?}: {out}");
        assert!(err.contains("no personal catalogue"), "{err}");
    }
    user.run(&[
        "update",
        "--file",
        fixture_path("odd.json").to_str().unwrap(),
    ]);
    let (code, _, err) = user.run(&["search", "zzzz"]);
    assert_eq!(code, 1);
    assert!(!err.contains("apicat update"), "{err}");
}

#[test]
fn gzip_responses_are_accepted() {
    let server = serve(|_, _, _| {
        Reply::Gzip(
            fixture("items.json")
                .replacen("[", "{\"data\": [", 1)
                .trim_end()
                .to_string()
                + "}",
        )
    });
    let user = User::new();
    let (code, out, err) = user.run(&["update", "--from", &server.root()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("2 APIs"), "{out}");
}

/// A CONNECT proxy on 127.0.0.1 that tunnels every connection to `backend`, whatever host
/// was asked for; it records the hosts asked for.
fn connect_proxy(backend: String) -> (String, Arc<Mutex<Vec<String>>>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    let asked = Arc::new(Mutex::new(Vec::new()));
    let log = asked.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let (backend, log) = (backend.clone(), log.clone());
            std::thread::spawn(move || {
                let mut client = client;
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && client.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).to_string();
                let target = head.split_whitespace().nth(1).unwrap_or("").to_string();
                log.lock().unwrap().push(target);
                let Ok(mut server) = std::net::TcpStream::connect(&backend) else {
                    return;
                };
                let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
                let (mut c2, mut s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut c2, &mut s2);
                    let _ = s2.shutdown(std::net::Shutdown::Write);
                });
                let _ = std::io::copy(&mut server, &mut client);
                let _ = client.shutdown(std::net::Shutdown::Write);
            });
        }
    });
    (addr, asked)
}

#[test]
fn the_proxy_of_the_environment_is_used_unless_no_proxy_says_otherwise() {
    // The site's name never resolves: only the proxy can reach it (here, the local server).
    let site = serve(|url, _, _| pages(url, "apicat-test.invalid"));
    let (proxy, asked) = connect_proxy(site.host.clone());
    let user = User::new();
    let out = user
        .cmd()
        .env("HTTPS_PROXY", &proxy)
        .args(["update", "--from", "http://apicat-test.invalid"])
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.starts_with("5 APIs from http://apicat-test.invalid"),
        "{stdout}"
    );
    assert!(
        asked
            .lock()
            .unwrap()
            .iter()
            .all(|h| h == "apicat-test.invalid:80")
    );
    assert_eq!(site.seen().len(), 3);

    let direct = serve(|url, _, host| pages(url, host));
    let before = asked.lock().unwrap().len();
    let out = user
        .cmd()
        .env("HTTPS_PROXY", &proxy)
        .env("NO_PROXY", "127.0.0.1")
        .args(["update", "--from", &direct.root()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        asked.lock().unwrap().len(),
        before,
        "NO_PROXY bypasses the proxy"
    );
    assert_eq!(direct.seen().len(), 3);
}

#[cfg(unix)]
#[test]
fn on_a_terminal_a_progress_bar_counts_the_apis_of_the_announced_total() {
    use expectrl::{Expect, Session};
    let server = serve(|url, _, host| {
        // Slow enough for the bar to be drawn.
        std::thread::sleep(Duration::from_millis(400));
        pages(url, host)
    });
    let user = User::new();
    let h = user.home.path();
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("apicat"));
    cmd.args(["update", "--from", &server.root()])
        .env("HOME", h)
        .env("XDG_DATA_HOME", h.join("data"))
        .env("XDG_CACHE_HOME", h.join("cache"))
        .env("COLUMNS", "100")
        .env("TERM", "xterm")
        .env_remove("HTTPS_PROXY")
        .env_remove("HTTP_PROXY")
        .env_remove("ALL_PROXY");
    let mut s = Session::spawn(cmd).unwrap();
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    s.expect(format!("Fetching from {}", server.host)).unwrap();
    s.expect("/8 APIs").unwrap();
    s.expect("5 APIs from").unwrap();
}

/// An update from `--file` that must fail, leaving the snapshot made before byte for byte.
fn refused_file(user: &User, file: &Path) -> String {
    let before = std::fs::read(user.snapshot()).unwrap();
    let mut cmd = user.cmd();
    cmd.args(["update", "--file", file.to_str().unwrap()])
        .timeout(Duration::from_secs(20));
    let start = Instant::now();
    let out = cmd.output().unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "update --file {} hung",
        file.display()
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("is kept"), "{err}");
    assert_eq!(std::fs::read(user.snapshot()).unwrap(), before);
    err
}

#[test]
fn limits_on_size_and_items_and_only_regular_files_keep_the_snapshot() {
    let user = User::new();
    user.import("items.json");
    let dir = tempfile::tempdir().unwrap();

    // Over 512 MiB, sparse: refused from its size, never read.
    let huge = dir.path().join("huge.json");
    let f = std::fs::File::create(&huge).unwrap();
    f.set_len(512 * 1024 * 1024 + 1).unwrap();
    let err = refused_file(&user, &huge);
    assert!(err.contains("larger than"), "{err}");

    // One item more than 100,000.
    let many = dir.path().join("many.jsonl");
    let lines: String = (0..100_001)
        .map(|i| format!("{{\"id\":\"{i:024x}\",\"title\":\"t{i}\"}}\n"))
        .collect();
    std::fs::write(&many, lines).unwrap();
    let err = refused_file(&user, &many);
    assert!(err.contains("more than 100000 items"), "{err}");

    // A FIFO nobody writes to: refused at once, never waited on.
    #[cfg(unix)]
    {
        let fifo = dir.path().join("pipe.json");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let err = refused_file(&user, &fifo);
        assert!(err.contains("not a regular file"), "{err}");
    }
}

/// A snapshot index whose slot points at another line (its checksum made again, as a program
/// that meant it would): `show` never shows that other API under this name.
#[test]
fn a_slot_pointing_at_another_line_is_not_trusted() {
    let user = User::new();
    user.import("items.jsonl");
    let (_, listed, _) = user.run(&["list", "--source", "datagouv", "--format", "tsv"]);
    let first = listed
        .lines()
        .next()
        .unwrap()
        .split('\t')
        .next()
        .unwrap()
        .to_string();
    let (_, before, _) = user.run(&["show", &first, "--json"]);
    let idx = user.snapshot().with_file_name("dataservices.idx");
    let mut bytes = std::fs::read(&idx).unwrap();
    let slots_len = u64::from_le_bytes(bytes[8..16].try_into().unwrap()) as usize;
    // A count, then each slot: offset, length, line, then two short texts.
    let mut at = 28;
    let mut starts = Vec::new();
    while at < 24 + slots_len {
        starts.push(at);
        at += 16;
        for _ in 0..2 {
            at += 1 + bytes[at] as usize;
        }
    }
    assert!(starts.len() > 1);
    // The first two slots swap their lines.
    let (a, b) = (starts[0], starts[1]);
    let (first_slot, second_slot) = (bytes[a..a + 16].to_vec(), bytes[b..b + 16].to_vec());
    bytes[a..a + 16].copy_from_slice(&second_slot);
    bytes[b..b + 16].copy_from_slice(&first_slot);
    let sum = apicat::index::checksum(&bytes[24..24 + slots_len]);
    bytes[16..24].copy_from_slice(&sum.to_le_bytes());
    std::fs::write(&idx, &bytes).unwrap();
    let (code, after, err) = user.run(&["show", &first, "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(after, before);
}

/// The snapshot beside bundled and personal entries of the same APIs, some newer, some older,
/// some named by their api.gouv.fr slug: what the index serves (entries made only for the rows
/// shown) is what reading every item gives.
#[test]
fn the_snapshot_read_through_its_index_merges_as_every_item_read() {
    let user = User::new();
    let personal = user.home.path().join("data/apicat/catalogue");
    std::fs::create_dir_all(&personal).unwrap();
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue");
    std::fs::copy(
        seeds.join("api-entreprise.md"),
        personal.join("api-entreprise.md"),
    )
    .unwrap();
    let items: Vec<serde_json::Value> = fixture("items.jsonl")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(json)
        .collect();
    // (slug, last update, api.gouv.fr page)
    let clashes = [
        ("api-entreprise", "2030-01-01", None),
        (
            "x-tierce",
            "2001-01-01",
            Some("api-tierce-declaration-auto-entrepreneur"),
        ),
        (
            "x-collectives",
            "2030-02-02",
            Some("procedures-collectives-france-entiere"),
        ),
        ("api-entreprise", "2031-01-01", None),
        ("dup-x", "2020-01-01", None),
        ("dup-y", "2021-01-01", Some("dup-x")),
        ("dup-z", "2019-01-01", Some("dup-x")),
        // A second one for the same API, older than the first.
        (
            "x-collectives-2",
            "2029-01-01",
            Some("procedures-collectives-france-entiere"),
        ),
        // Two that record an api.gouv.fr page no entry here has.
        ("rec-old", "2020-01-01", Some("rec")),
        ("rec-new", "2029-01-01", Some("rec")),
    ];
    let mut lines = String::new();
    for (n, (slug, date, page)) in clashes.iter().enumerate() {
        let mut x = items[n % items.len()].clone();
        x["id"] = format!("{:024x}", 0xdef000 + n).into();
        x["slug"] = (*slug).into();
        x["title"] = format!("{} {slug}", x["title"].as_str().unwrap()).into();
        x["metadata_modified_at"] = format!("{date}T00:00:00").into();
        if let Some(p) = page {
            x["extras"] =
                serde_json::json!({ "apigouv_url": format!("https://api.gouv.fr/les-api/{p}") });
        }
        lines.push_str(&format!("{x}\n"));
    }
    for x in &items {
        lines.push_str(&format!("{x}\n"));
    }
    let file = user.home.path().join("clash.jsonl");
    std::fs::write(&file, lines).unwrap();
    let (code, _, err) = user.run(&["update", "--file", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    // Each of these is one API in two sources or more: its page says where the others are.
    for (name, served, others) in [
        ("api-entreprise", "api-entreprise", 1),
        ("procedures-collectives-france-entiere", "x-collectives", 2),
        ("x-collectives-2", "x-collectives", 2),
        ("x-tierce", "api-tierce-declaration-auto-entrepreneur", 1),
        // The most recently updated of those that record it.
        ("rec", "rec-new", 0),
    ] {
        let (code, page, err) = user.run(&["show", name, "--json"]);
        assert_eq!(code, 0, "{err}");
        let page = json(&page);
        assert_eq!(page["slug"], served, "{name}");
        assert_eq!(
            page["elsewhere"].as_array().unwrap().len(),
            others,
            "{name}"
        );
    }
    // Two data.gouv.fr APIs, even when one records the other's slug as its api.gouv.fr one.
    let (_, listed, _) = user.run(&["list", "--source", "datagouv", "--format", "tsv"]);
    for slug in ["dup-x\t", "dup-y\t", "dup-z\t", "rec-old\t", "rec-new\t"] {
        assert!(listed.contains(slug), "{slug}: {listed}");
    }
    let compare = || {
        for args in [
            &["list", "--json"][..],
            &["list", "--format", "tsv"],
            &["list", "--access", "open", "--json"],
            &["list", "--theme", "Entreprise", "--format", "tsv"],
            &["list", "--theme", "nothing-like-it"],
            &["search", "entreprise", "--json"],
            &["search", "annuaire", "--explain"],
            &["search", "collectives", "--format", "tsv"],
            &["search", "dup", "--json"],
            &["search", "zzzz"],
            &["show", "api-entreprise", "--json"],
            &["show", "dup-x", "--json"],
            &["show", "procedures-collectives-france-entiere", "--json"],
            &["show", "api-tierce-declaration-auto-entrepreneur", "--json"],
            &["show", "x-tierce", "--json"],
            &["show", "dup", "--json"],
            &["show", "x-collectives-2", "--json"],
            &["show", "procedures-collectives-france-entiere"],
            &["show", "rec", "--json"],
            &["eligible", "rec", "--as", "entreprise"],
        ] {
            let cached = user.run(args);
            let full = user.run(&[args, &["--no-cache"]].concat());
            assert_eq!(cached, full, "apicat {}", args.join(" "));
        }
    };
    compare();
    // Without personal entries, `show` compares the bundled ones by the keys made at build
    // time, and parses only the one it serves: the same answers.
    std::fs::remove_dir_all(&personal).unwrap();
    compare();
}

/// A server that sends the same items again under an ever new `next_page` is not followed
/// to the page limit: the first page that adds nothing stops the update.
#[test]
fn a_listing_that_repeats_its_items_stops_at_the_first_page_adding_nothing() {
    let user = User::new();
    let before = user.import("page3.json");
    // The same items on every page; then the same items and one new one a page.
    for add_one in [false, true] {
        let server = serve(move |_, n, host| {
            let mut page = json(&fixture("page1.json").replace("{{BASE}}", host));
            if add_one {
                let mut new = page["data"][0].clone();
                new["id"] = format!("new-{n}").into();
                new["slug"] = format!("new-{n}").into();
                page["data"].as_array_mut().unwrap().push(new);
            }
            page["next_page"] = format!("http://{host}/api/1/dataservices/?page={}", n + 2).into();
            ok(page.to_string())
        });
        let (code, _, err) = user.run(&["update", "--from", &server.root()]);
        assert_eq!(code, 3, "{err}");
        assert!(
            err.contains("page 2 (") && err.contains("repeats itself"),
            "{err}"
        );
        assert!(err.contains("your snapshot of"), "{err}");
        assert_eq!(server.seen().len(), 2);
        assert_eq!(std::fs::read(user.snapshot()).unwrap(), before);
    }
}

/// Runs apicat with a deadline: (exit status, stdout, stderr); a hang fails the test.
fn run_within(user: &User, args: &[&str]) -> (i32, String, String) {
    let start = Instant::now();
    let out = user
        .cmd()
        .args(args)
        .timeout(Duration::from_secs(10))
        .output()
        .unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "apicat {args:?} hung"
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A FIFO where the snapshot goes, or where the personal catalogue goes: every command says
/// so and serves the rest; `update` puts a real snapshot in its place.
#[cfg(unix)]
#[test]
fn a_fifo_in_place_of_the_snapshot_or_personal_folder_blocks_nothing() {
    let user = User::new();
    let data = user.home.path().join("data/apicat");
    std::fs::create_dir_all(data.join("snapshot")).unwrap();
    for p in [user.snapshot(), data.join("catalogue")] {
        let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    }
    for args in [
        &["list"][..],
        &["search", "urssaf"],
        &["show", "api-entreprise"],
        &["eligible", "api-entreprise", "--as", "commune"],
        &["eligible", "--as", "commune"],
        &["paths"],
    ] {
        let (code, out, err) = run_within(&user, args);
        assert!(code == 0 || code == 1, "{args:?}: {code} {err}");
        assert!(
            err.contains("dataservices.jsonl: not a regular file; the snapshot is not served"),
            "{args:?}: {err}"
        );
        assert!(
            err.contains("apicat/catalogue: not a folder; the personal catalogue is not served"),
            "{args:?}: {err}"
        );
        assert!(!out.is_empty(), "{args:?}: {err}");
    }
    let (_, out, _) = run_within(&user, &["paths"]);
    assert!(out.contains("not served: see the warning above"), "{out}");
    // Completion, as the shell asks for it: names, nothing on stderr to spoil the line.
    let mut comp = user.cmd();
    comp.env("APICAT_COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", "2")
        .env("_CLAP_IFS", "\n")
        .args(["--", "apicat", "show", "api-e"])
        .timeout(Duration::from_secs(10));
    let out = comp.output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("api-entreprise"),
        "{out:?}"
    );

    let (code, out, err) = run_within(
        &user,
        &[
            "update",
            "--file",
            fixture_path("page3.json").to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("1 API from"), "{out}");
    assert!(std::fs::metadata(user.snapshot()).unwrap().is_file());
    let (_, _, err) = run_within(&user, &["list"]);
    assert!(!err.contains("dataservices.jsonl"), "{err}");

    // A FIFO in place of the snapshot folder itself: said, and update says why it fails.
    let user = User::new();
    let data = user.home.path().join("data/apicat");
    std::fs::create_dir_all(&data).unwrap();
    let c = std::ffi::CString::new(data.join("snapshot").to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let (code, _, err) = run_within(&user, &["list"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("apicat/snapshot: not a folder"), "{err}");
    let (_, out, _) = run_within(&user, &["paths"]);
    assert!(out.contains("not served: see the warning above"), "{out}");
    let file = fixture_path("page3.json");
    let (code, _, err) = run_within(&user, &["update", "--file", file.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(err.contains("apicat/snapshot: not a folder"), "{err}");
}

/// An item over the size limit of an entry is left out; items just under it make an index
/// larger than the limit's share, which is still read, not rebuilt on every run.
#[test]
fn big_items_are_left_out_or_indexed_once() {
    let user = User::new();
    let dir = tempfile::tempdir().unwrap();
    let items: Vec<serde_json::Value> = (0..11)
        .map(|i| {
            serde_json::json!({
                "id": format!("id{i}"),
                "title": format!("API Grosse {i}"),
                "slug": format!("api-grosse-{i}"),
                "description": format!("{i}{}", "x".repeat(if i == 0 { 1_100_000 } else { 900_000 })),
                "access_type": "open",
            })
        })
        .collect();
    let file = dir.path().join("big.json");
    std::fs::write(&file, serde_json::to_string(&items).unwrap()).unwrap();
    let (code, out, err) = user.run(&["update", "--file", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("10 APIs from"), "{out}");
    assert!(
        err.contains("item 1: ") && err.contains("over the 1024 KiB limit for an entry"),
        "{err}"
    );
    let index = user.snapshot().with_extension("idx");
    let (code, _, err) = user.run(&["list"]);
    assert_eq!(code, 0, "{err}");
    let made = std::fs::metadata(&index).unwrap().modified().unwrap();
    std::thread::sleep(Duration::from_millis(20));
    let (code, out, err) = user.run(&["list"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("api-grosse-5"), "{out}");
    assert_eq!(
        std::fs::metadata(&index).unwrap().modified().unwrap(),
        made,
        "the index was made again"
    );
}

/// On a terminal narrower than the closing line, it wraps between words: no row runs past the
/// edge (read through a terminal emulator); into a pipe it stays one line.
#[test]
fn the_closing_line_wraps_on_a_narrow_terminal() {
    use expectrl::{Eof, Expect, Session};
    let user = User::new();
    let h = user.home.path();
    let bin = assert_cmd::cargo::cargo_bin("apicat");
    // A short path: a word wider than the terminal would have to run past its edge.
    let file = h.join("p.json");
    std::fs::copy(fixture_path("page1.json"), &file).unwrap();
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg("stty cols 40 rows 24 && exec \"$0\" update --file \"$1\"")
        .arg(&bin)
        .arg(&file)
        .env("HOME", h)
        .env("XDG_DATA_HOME", h.join("data"))
        .env("XDG_CACHE_HOME", h.join("cache"))
        .env_remove("COLUMNS")
        .env("TERM", "xterm");
    let mut s = Session::spawn(cmd).unwrap();
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    let out = s.expect(Eof).unwrap().as_bytes().to_vec();
    let mut term = vt100::Parser::new(
        std::num::NonZeroU16::new(24).unwrap(),
        std::num::NonZeroU16::new(40).unwrap(),
        0,
    );
    term.process(&out);
    let screen = term.screen();
    let text = screen.contents();
    assert!(text.contains("2 APIs from"), "{text}");
    assert!(text.contains("archived, deleted or private)"), "{text}");
    assert!(
        (0..24).all(|r| !screen.row_wrapped(r)),
        "a row ran past column 40:\n{text}"
    );
    let piped = user
        .cmd()
        .args(["update", "--file", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&piped.stdout).lines().count(), 1);
}

#[test]
fn a_damaged_line_of_the_snapshot_is_left_out_and_named_every_way_it_is_read() {
    let user = User::new();
    let saved = user.import("odd.json");
    let (_, listed, _) = user.run(&["list", "--source", "datagouv", "--format", "tsv"]);
    let mut lines: Vec<Vec<u8>> = saved.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    assert!(lines.len() > 4);
    // Line 3: one byte that is not UTF-8 in its slug; line 4: not JSON.
    lines[2].insert(b"{\"apicat_slug\":\"".len(), 0xff);
    lines[3] = b"{not json".to_vec();
    std::fs::write(user.snapshot(), lines.join(&b'\n')).unwrap();
    for cache in [&[][..], &["--no-cache"][..]] {
        for source in [&[][..], &["--source", "datagouv"][..]] {
            let args = [cache, source, &["list", "--format", "tsv"]].concat();
            let (code, out, err) = user.run(&args);
            assert_eq!(code, 0, "{args:?}: {err}");
            assert!(
                err.contains("dataservices.jsonl:3: not UTF-8 text"),
                "{args:?}: {err}"
            );
            assert!(
                err.contains("dataservices.jsonl:4: not a line of JSON"),
                "{args:?}: {err}"
            );
            assert!(err.contains("`apicat update`"), "{args:?}: {err}");
            // Every other item is still served.
            let kept: Vec<&str> = listed.lines().collect();
            let shown = out.lines().filter(|l| kept.contains(l)).count();
            assert_eq!(shown, kept.len() - 2, "{args:?}: {out}");
        }
    }
}

#[test]
fn a_snapshot_slug_with_controls_is_shown_escaped_every_way_it_is_read() {
    let user = User::new();
    let saved = user.import("odd.json");
    let mut lines: Vec<Vec<u8>> = saved.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    lines[2] = br#"{"apicat_slug":"\u001b[31mred","item":{"title":"x","id":"zz"}}"#.to_vec();
    // An empty line is named as one.
    lines[3].clear();
    std::fs::write(user.snapshot(), lines.join(&b'\n')).unwrap();
    for cache in [&[][..], &["--no-cache"][..]] {
        for cmd in [
            &["list", "--format", "tsv"][..],
            &["eligible", "--as", "entreprise"],
        ] {
            let args = [cache, &["--source", "datagouv"], cmd].concat();
            let (code, out, err) = user.run(&args);
            assert_eq!(code, 0, "{args:?}: {err}");
            assert!(
                !out.contains('\u{1b}') && !err.contains('\u{1b}'),
                "{args:?}: {out}"
            );
            assert!(out.contains("\\x1b[31mred"), "{args:?}: {out}");
            assert!(err.contains(":4: an empty line"), "{args:?}: {err}");
        }
    }
}
