//! In-process figures for loading, searching and rendering (`cargo bench`). Prints the median
//! of repeated runs; whole-process comparisons live in scripts/bench.sh.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use apicat::bundled::BUNDLED;
use apicat::catalogue::folder::directory_files;
use apicat::catalogue::{Catalogue, Origin};
use apicat::search::{Filter, Query, search};
use apicat::term::Style;

fn median(mut f: impl FnMut(), runs: usize) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn report(name: &str, d: Duration) {
    println!("{name:<44} {:>10.1} µs", d.as_secs_f64() * 1e6);
}

fn main() {
    report(
        "load bundled catalogue",
        median(|| drop(black_box(BUNDLED.catalogue())), 200),
    );
    report(
        "read bundled index (built in)",
        median(|| drop(black_box(BUNDLED.index())), 200),
    );
    let cat = BUNDLED.catalogue();
    let q = Query::parse(&["urssaf"]);
    report(
        "search bundled: urssaf",
        median(
            || drop(black_box(search(&cat.entries, &q, &Filter::default()))),
            200,
        ),
    );
    let style = Style {
        color: false,
        width: 80,
        tty: false,
    };
    let e = cat.get("api-entreprise").unwrap();
    report(
        "render bundled api-entreprise",
        median(
            || {
                drop(black_box(apicat::view::page::page(
                    e,
                    &style,
                    &Default::default(),
                )))
            },
            100,
        ),
    );

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/api");
    if !dir.is_dir() {
        println!("(../shared/corpus/api absent: corpus figures skipped)");
        return;
    }
    let load =
        || Catalogue::from_files(directory_files(&dir, Origin::Directory(dir.clone())).unwrap());
    report(
        "load corpus/api (170 files, read + parse)",
        median(|| drop(black_box(load())), 30),
    );
    let cat = load();
    let q = Query::parse(&["adresse"]);
    report(
        "search corpus/api: adresse",
        median(
            || drop(black_box(search(&cat.entries, &q, &Filter::default()))),
            50,
        ),
    );
    // The path a run takes: the cached index read in place, ranked, the hits laid out.
    let cache = std::env::temp_dir().join(format!("apicat-bench-{}", std::process::id()));
    // SAFETY: single-threaded here; only this process reads it.
    unsafe { std::env::set_var("XDG_CACHE_HOME", &cache) };
    let full = |enc: &mut apicat::index::Encoder| {
        let cat = load();
        cat.problems.iter().for_each(|p| enc.problem(p));
        cat.entries.iter().for_each(|e| enc.entry(e));
        Ok(cat.producers_known)
    };
    let mut buf = apicat::index::Buf::default();
    drop(apicat::index::load(&dir, &mut buf, apicat::index::Want::Search, full).unwrap());
    report(
        "read corpus/api index (cached)",
        median(
            || {
                let mut buf = apicat::index::Buf::default();
                drop(black_box(apicat::index::load(
                    &dir,
                    &mut buf,
                    apicat::index::Want::Search,
                    full,
                )));
            },
            100,
        ),
    );
    let mut buf = apicat::index::Buf::default();
    let index = apicat::index::load(&dir, &mut buf, apicat::index::Want::Search, full).unwrap();
    report(
        "search corpus/api index: adresse",
        median(
            || drop(black_box(apicat::search::rank(&index.candidates(), &q))),
            100,
        ),
    );
    let hits = apicat::search::rank(&index.candidates(), &q);
    report(
        &format!("table of its {} hits", hits.len()),
        median(
            || {
                let rows = hits.iter().map(|h| index.listing(h.index));
                let marks = vec!["adresse".to_string(), "adress".to_string()];
                drop(black_box(apicat::view::table::entries(rows, marks, &style)));
            },
            100,
        ),
    );
    let _ = std::fs::remove_dir_all(&cache);
    let big = cat.get("api-la-bonne-alternance").unwrap();
    report(
        "render largest entry (api-la-bonne-alternance)",
        median(
            || {
                drop(black_box(apicat::view::page::page(
                    big,
                    &style,
                    &Default::default(),
                )))
            },
            100,
        ),
    );
}
