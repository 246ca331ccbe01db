//! The bundled catalogue, embedded by build.rs: each entry's file with its front matter
//! already converted to JSON, the index `list` and `search` read (made by the core's own
//! index writer, as for a folder), and the texts of its pages already converted to Markdown.

use std::borrow::Cow;

use apicat_core::catalogue::sources::{Bundled, BundledFile};

include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

pub static BUNDLED: Bundled = Bundled {
    files: FILES,
    index: INDEX,
    updated: UPDATED,
};

/// Catalogue markup as Markdown ([`apicat_core::markup::to_markdown`]): a bundled entry's
/// text was converted at build time.
pub fn to_markdown(src: &str) -> Cow<'static, str> {
    match MARKDOWN
        .iter()
        .find(|(s, _)| s.len() == src.len() && *s == src)
    {
        Some((_, md)) => Cow::Borrowed(md),
        None => Cow::Owned(apicat_core::markup::to_markdown(src)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use apicat_core::catalogue::markdown::parse_entry;
    use apicat_core::index::fields_of;

    #[test]
    fn the_bundled_index_is_what_a_run_would_make() {
        let built = BUNDLED.index().expect("build.rs made the bundled index");
        let cat = BUNDLED.catalogue();
        assert_eq!(
            built.fields(),
            fields_of(&cat)
                .iter()
                .map(apicat_core::search::OwnFields::view)
                .collect::<Vec<_>>()
        );
        assert_eq!(built.problems, cat.problems);
        let listed = built.catalogue(true);
        assert_eq!(listed.entries.len(), cat.entries.len());
        for (i, (a, b)) in listed.entries.iter().zip(&cat.entries).enumerate() {
            assert_eq!(built.listing(i), b.listing());
            assert_eq!(a.listing(), b.listing());
            assert_eq!((&a.path, &a.origin), (&b.path, &b.origin));
            assert_eq!((&a.tagline, &a.keywords), (&b.tagline, &b.keywords));
            assert_eq!((a.visits_2019, &a.producer), (b.visits_2019, &b.producer));
        }
    }

    #[test]
    fn the_merge_keys_made_at_build_time_are_the_entries_own() {
        let cat = BUNDLED.catalogue();
        let keys: Vec<(&str, Option<&str>)> = cat
            .entries
            .iter()
            .map(|e| (e.slug.as_str(), e.last_update_iso.as_deref()))
            .collect();
        assert_eq!(BUNDLED.updated, keys);
        assert!(keys.iter().all(|k| k.1.is_some()), "{keys:?}");
        let files: Vec<&str> = BUNDLED.files.iter().map(|f| f.slug).collect();
        assert_eq!(files, keys.iter().map(|k| k.0).collect::<Vec<_>>());
    }

    #[test]
    fn prepared_markdown_is_what_the_converter_makes() {
        assert!(MARKDOWN.len() > 5, "bodies, intros and access descriptions");
        for (src, md) in MARKDOWN {
            assert_eq!(*md, apicat_core::markup::to_markdown(src));
        }
        let cat = BUNDLED.catalogue();
        for e in &cat.entries {
            assert!(
                matches!(to_markdown(&e.body), Cow::Borrowed(_)),
                "{}",
                e.slug
            );
        }
    }

    #[test]
    fn prepared_front_matter_reads_like_the_yaml() {
        for mut f in BUNDLED.sources() {
            let text = f.text.clone().unwrap();
            let from_json = parse_entry(&f, &text).unwrap();
            assert!(f.prepared.is_some());
            f.prepared = None;
            f.known_clean = false;
            let from_yaml = parse_entry(&f, &text).unwrap();
            let (a, b) = (from_json.markdown().unwrap(), from_yaml.markdown().unwrap());
            assert_eq!(a.front, b.front, "{}", f.slug);
            assert_eq!(from_json.body, from_yaml.body, "{}", f.slug);
            assert_eq!(a.unsafe_chars, b.unsafe_chars);
        }
    }
}
