#![no_main]
//! Any text through the converter and the renderer: never a panic, no control character out,
//! no line wider than the width unless it holds a URL longer than the width.

use apicat::term::Style;
use apicat::view::page::Renderer;
use libfuzzer_sys::fuzz_target;
use unicode_width::UnicodeWidthStr;

fuzz_target!(|data: &[u8]| {
    let Some((&w, rest)) = data.split_first() else { return };
    let Ok(src) = std::str::from_utf8(rest) else { return };
    let width = 20 + usize::from(w) % 100;
    let src = apicat::text::sanitize(src);
    let md = apicat::markup::to_markdown(&src);
    assert!(!md.chars().any(|c| c.is_control() && c != '\n'));
    let mut out = String::new();
    Renderer::new(&Style { color: false, width, tty: false }).markdown(&md, &mut out);
    for line in out.lines() {
        let long_url = line
            .split_whitespace()
            .any(|t| (t.contains("://") || t.starts_with("mailto:")) && t.width() > width);
        assert!(line.width() <= width || long_url, "{} > {width}: {line:?}", line.width());
    }
});
