//! Every front-matter key of the api.gouv.fr format, in one table: the loader reads only
//! these, and `check` flags any other as a likely typo.

/// How a key's value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// A web address.
    Link,
    /// An integer code (`is_open`, `is_france_connected`).
    Code,
    List,
    /// The access page's rules.
    Rules,
    Number,
    /// Read for the page, not by apicat (layout, logos…).
    Ignored,
    /// A misspelling the real files use, read as the key it stands for.
    AliasOf(&'static str),
}

pub const KEYS: &[(&str, Kind)] = &[
    ("title", Kind::Text),
    ("tagline", Kind::Text),
    ("producer", Kind::Text),
    ("owner", Kind::Text),
    ("owner_acronym", Kind::Text),
    ("is_open", Kind::Code),
    ("is_france_connected", Kind::Code),
    ("external_site", Kind::Link),
    ("doc_tech_link", Kind::Text),
    ("doc_tech_external", Kind::Link),
    ("datapass_link", Kind::Link),
    ("account_link", Kind::Link),
    ("contact_link", Kind::Text),
    ("monitoring_link", Kind::Link),
    ("monitoring_description", Kind::Text),
    ("rate_limiting_resume", Kind::Text),
    ("rate_limiting_description", Kind::Text),
    ("access_page", Kind::Rules),
    ("keywords", Kind::List),
    ("themes", Kind::List),
    ("partners", Kind::List),
    ("kind", Kind::List),
    ("content_intro", Kind::Text),
    ("last_update", Kind::Text),
    ("category", Kind::Text),
    ("stat", Kind::Ignored),
    ("uptime", Kind::Number),
    ("visits_2019", Kind::Number),
    // The real files write it as a list of dataset ids.
    ("datagouv_uuid", Kind::List),
    ("stats_detail_resume", Kind::Text),
    ("stats_detail_description", Kind::Text),
    ("stats_detail_link", Kind::Link),
    ("rate_limiting_link", Kind::Link),
    ("useSwaggerProxy", Kind::Ignored),
    ("clients", Kind::Ignored),
    ("hide_pre_footer", Kind::Ignored),
    ("layout", Kind::Ignored),
    ("additional_css", Kind::Ignored),
    ("logo", Kind::Ignored),
    ("from", Kind::Ignored),
    ("extrenal_site", Kind::AliasOf("external_site")),
    ("visit_2019", Kind::AliasOf("visits_2019")),
];

/// How a key is read, if it is one of the format's.
pub fn kind(key: &str) -> Option<Kind> {
    KEYS.iter().find(|(k, _)| *k == key).map(|(_, kind)| *kind)
}

/// Whether the format has this key (or reads it as another).
pub fn is_known(key: &str) -> bool {
    kind(key).is_some()
}

/// The format's own spelling of each key (aliases left out).
pub fn names() -> impl Iterator<Item = &'static str> {
    KEYS.iter()
        .filter(|(_, k)| !matches!(k, Kind::AliasOf(_)))
        .map(|(k, _)| *k)
}

/// The keys holding a web address.
pub fn links() -> impl Iterator<Item = &'static str> {
    KEYS.iter()
        .filter(|(_, k)| *k == Kind::Link)
        .map(|(k, _)| *k)
}
