#![no_main]
//! Any text as front matter: what apicat's own reader of plain YAML reads is what serde_yaml
//! reads; anything else it leaves to serde_yaml.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(yaml) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(fast) = apicat::catalogue::yaml::parse(yaml) {
        let full: serde_yaml::Value = serde_yaml::from_str(yaml).expect("serde_yaml reads it too");
        assert_eq!(fast, full);
    }
});
