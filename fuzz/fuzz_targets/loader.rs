#![no_main]
//! Any bytes as a catalogue file: never a panic, and whatever loads is free of raw control
//! characters.

use apicat::catalogue::{Catalogue, Origin, SourceFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
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
        let _ = apicat::check::catalogue(&cat);
    }
});
