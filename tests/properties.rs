//! Property tests: the loader and the markup converter never panic, never let a control
//! character through, and a rendered line never exceeds the width.

use apicat::catalogue::Origin;
use apicat::catalogue::markdown::{SourceFile, parse_entry};
use apicat::markup::to_markdown;
use apicat::term::Style;
use apicat::view::page::Renderer;
use proptest::prelude::*;
use unicode_width::UnicodeWidthStr;

mod common;
use common::{check_lines, strip_ansi};

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Zéèà ]{1,12}",
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<b>".to_string()),
        Just("</a>".to_string()),
        Just("<br/>".to_string()),
        Just("<ul><li>".to_string()),
        Just("<a href=\"https://x.fr/a\">".to_string()),
        Just("<Button href=\"/x\">".to_string()),
        Just("</Button>".to_string()),
        Just("<External href='https://y.fr'>".to_string()),
        Just("<NextSteps />".to_string()),
        Just("**".to_string()),
        Just("*".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("| a | b |\n|---|---|\n| c | d |\n".to_string()),
        Just("- item\n".to_string()),
        Just("# ".to_string()),
        Just("`".to_string()),
        Just("&nbsp;".to_string()),
        Just("&#27;".to_string()),
        Just("&#4".to_string()),
        Just("&#x9b;".to_string()),
        Just("\\\"".to_string()),
        Just(
            "https://example.org/a/rather/long/path/that/goes/on/and/on?with=query&and=more"
                .to_string()
        ),
        Just("\u{1b}[31m".to_string()),
        Just("\u{7}".to_string()),
        Just("<!--".to_string()),
        Just("-->".to_string()),
        any::<char>().prop_map(|c| c.to_string()),
    ]
}

fn markup() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..40).prop_map(|v| v.concat())
}

fn no_controls(s: &str) -> bool {
    !s.chars().any(|c| c.is_control() && c != '\n')
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn loader_never_panics_and_escapes_controls(front in "[a-z_]{1,8}: [^\n]{0,30}(\n[a-z_]{1,8}: [^\n]{0,30}){0,5}", body in markup()) {
        let text = format!("---\ntitle: t\n{front}\n---\n{body}");
        let file = SourceFile { slug: "p".into(), path: "p.md".into(), text: Ok(text.clone()), origin: Origin::Bundled, prepared: None, known_clean: false };
        if let Ok(e) = parse_entry(&file, &text) {
            prop_assert!(no_controls(&e.title));
            prop_assert!(no_controls(&e.body));
            for v in e.markdown().unwrap().front.values() {
                let s = serde_yaml::to_string(v).unwrap_or_default();
                prop_assert!(no_controls(&s.replace('\n', "")), "control in {:?}", s);
            }
        }
    }

    #[test]
    fn converter_never_panics_or_passes_controls(src in markup()) {
        let md = to_markdown(&apicat::text::sanitize(&src));
        prop_assert!(no_controls(&md), "{md:?}");
    }

    #[test]
    fn rendered_lines_fit_the_width(src in markup(), width in 20usize..120) {
        let style = Style { color: false, width, tty: false };
        let mut out = String::new();
        Renderer::new(&style).markup(&apicat::text::sanitize(&src), &mut out);
        let long = check_lines(&out, width);
        prop_assert!(long.is_empty(), "{}", long.join("\n"));
        for line in out.lines() {
            prop_assert!(no_controls(line));
        }
    }
}

/// Found by the markup fuzz target: a variation selector widens the character before it, which
/// termimad did not count.
#[test]
fn a_variation_selector_does_not_overflow_the_line() {
    let src = format!("{}{}\u{fe0f}", "[".repeat(12), "\u{1}".repeat(22));
    let style = Style {
        color: false,
        width: 100,
        tty: false,
    };
    let mut out = String::new();
    Renderer::new(&style).markup(&apicat::text::sanitize(&src), &mut out);
    let long = check_lines(&out, 100);
    assert!(long.is_empty(), "{}", long.join("\n"));
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z-]{0,70}",
        "[a-zA-Zéè ,'()-]{0,60}",
        "[日本語\u{fe0f}\u{301}é a-]{0,30}",
        any::<String>().prop_map(|s| apicat::text::sanitize_line(&s)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn table_lines_fit_the_width(rows in prop::collection::vec(("[a-zA-Z0-9_-]{1,70}", cell(), cell(), cell()).prop_map(|(a, b, c, d)| [a, b, c, d]), 1..8), width in 20usize..140, color: bool) {
        use apicat::catalogue::{Access, Listing};
        use std::borrow::Cow;
        let style = Style { color, width, tty: false };
        let marks = vec!["a".to_string(), "e".to_string()];
        let listings = rows.iter().map(|[slug, title, producer, themes]| Listing {
            slug: Cow::Borrowed(slug.as_str()),
            title: Cow::Borrowed(title.as_str()),
            producer: Cow::Borrowed(producer.as_str()),
            access: Access::Restricted,
            themes: Cow::Borrowed(themes.as_str()),
        });
        let table = apicat::view::table::entries(listings, marks, &style);
        let plain = if color { strip_ansi(&table) } else { table.clone() };
        prop_assert!(plain.lines().count() >= rows.len() + 2);
        for line in plain.lines() {
            // Only a slug too wide for the terminal passes it: alone on its line, whole.
            let alone = rows.iter().any(|r| r[0].trim() == line.trim());
            prop_assert!(line.width() <= width || alone, "{} > {width}: {line:?}", line.width());
            prop_assert!(no_controls(line), "{line:?}");
        }
        // Every slug is whole on one line.
        for [slug, ..] in &rows {
            let slug = slug.trim();
            prop_assert!(plain.lines().any(|l| l.trim_start().starts_with(slug)), "{slug:?} cut:\n{plain}");
        }
    }
}
