#![no_main]
//! Any bytes as a catalogue file: never a panic; whatever loads is free of raw control
//! characters, goes through the index (written, read back) like a directory's, and its
//! table row fits the width.

use apicat::catalogue::markdown::SourceFile;
use apicat::catalogue::{Catalogue, Origin};
use apicat::search::{Query, rank_all};
use libfuzzer_sys::fuzz_target;
use unicode_width::UnicodeWidthStr;

fuzz_target!(|data: &[u8]| {
    let width = 20 + usize::from(data.first().copied().unwrap_or(0)) % 100;
    let text = std::str::from_utf8(data)
        .map(str::to_string)
        .map_err(|_| (Some(1), "not UTF-8".to_string()));
    let cat = Catalogue::from_files(vec![SourceFile {
        slug: "f".into(),
        path: "f.md".into(),
        text,
        origin: Origin::Bundled,
        prepared: None,
        known_clean: false,
    }]);
    for e in &cat.entries {
        for s in [&e.title, &e.body] {
            assert!(!s.chars().any(|c| c.is_control() && c != '\n'));
        }
    }
    let _ = apicat::check::catalogue(&cat);

    let bytes = apicat::index::encode(&cat, &Default::default(), 0);
    let all = apicat::index::Want::All;
    let index = apicat::index::decode_as(&bytes, all, &[], 0, Origin::Bundled, String::new())
        .expect("an index reads back");
    assert_eq!(index.len(), cat.entries.len());
    let words: Vec<&str> = cat.entries.iter().flat_map(|e| e.title.split(' ')).take(3).collect();
    let hits = rank_all(&index.candidates(), index.bodies(), &Query::parse(&words)).hits;
    let style = apicat::term::Style { color: data.len() % 2 == 0, width, tty: false };
    let rows = (0..index.len()).map(|i| index.listing(i));
    let table = apicat::view::table::entries(rows, Vec::new(), &style);
    for line in table.lines() {
        let plain: String = strip(line);
        assert!(plain.width() <= width, "{} > {width}: {plain:?}", plain.width());
        assert!(!plain.chars().any(char::is_control), "{plain:?}");
    }
    for h in hits {
        let e = index.entry(h.index, true);
        assert_eq!(e.slug, cat.entries[h.index].slug);
    }
});

/// The line without the colour sequences the table itself writes.
fn strip(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            chars.by_ref().find(|&d| d == 'm');
        } else {
            out.push(c);
        }
    }
    out
}
