//! An API's whole page for the terminal: title, facts panel, who may use it, then its text.

use comfy_table::{ColumnConstraint, ContentArrangement, Table, TableStyle, presets};
use termimad::MadSkin;
use unicode_width::UnicodeWidthStr;

use crate::catalogue::{Access, Entry, FranceConnect};
use crate::eligibility::{Overview, overview};
pub use crate::markup::escape;
use crate::markup::{resolve_url, to_markdown};
use crate::term::{BOLD, RESET, Style};

/// Renders Markdown of termimad's subset at a width. URLs are never cut: one that would not fit
/// on a line (or sits in a table) is replaced by a note `[n]` printed whole after its block.
pub struct Renderer {
    skin: MadSkin,
    width: usize,
    color: bool,
}

impl Renderer {
    pub fn new(style: &Style) -> Renderer {
        let skin = if style.color {
            MadSkin::default()
        } else {
            MadSkin::no_style()
        };
        Renderer {
            skin,
            width: style.width.max(20),
            color: style.color,
        }
    }

    pub fn width(&self) -> usize {
        self.width
    }

    /// Renders Markdown already in termimad's subset (see [`to_markdown`]).
    pub fn markdown(&self, md: &str, out: &mut String) {
        let mut notes_seen = 0;
        for block in blocks(md) {
            let is_table = block.lines().all(|l| l.starts_with('|'));
            let (text, notes) =
                notes_for_long_urls(&block, self.width.saturating_sub(6), is_table, notes_seen);
            notes_seen += notes.len();
            let rendered = self.skin.text(&text, Some(self.width)).to_string();
            for line in rendered.lines() {
                fit(line.trim_end(), self.width, out);
            }
            for (n, url) in notes {
                note(n, &url, self.width, out);
            }
            out.push('\n');
        }
    }

    /// Converts catalogue markup and renders it.
    pub fn markup(&self, src: &str, out: &mut String) {
        self.markdown(&to_markdown(src), out);
    }

    /// A section heading.
    pub fn heading(&self, title: &str, out: &mut String) {
        if self.color {
            out.push_str(&format!("{BOLD}{title}{RESET}\n"));
        } else {
            out.push_str(title);
            out.push('\n');
        }
        out.push_str(&"─".repeat(title.width().min(self.width)));
        out.push_str("\n\n");
    }
}

/// Writes a rendered line, re-wrapped at spaces if it is still too wide: termimad's width
/// tables and the terminal's can disagree on rare characters. A URL is never cut.
fn fit(line: &str, width: usize, out: &mut String) {
    let mut rest = line;
    while rest.width() > width {
        // The longest start that fits, measured as a whole (a variation selector can widen the
        // character before it).
        let mut end = 0;
        for (i, c) in rest.char_indices() {
            let next = i + c.len_utf8();
            if rest[..next].width() > width {
                break;
            }
            end = next;
        }
        let at_space = rest[end..].starts_with(' ').then_some(end);
        match at_space
            .or_else(|| rest[..end].rfind(' '))
            .filter(|&c| !rest[..c].trim().is_empty())
        {
            Some(cut) => {
                out.push_str(rest[..cut].trim_end());
                rest = rest[cut..].trim_start();
            }
            None => {
                // One word wider than the line: cut it, as termimad does, unless it is a URL.
                let word = rest.split(' ').next().unwrap_or(rest);
                if end == 0 || word.contains("://") || word.starts_with("mailto:") {
                    break;
                }
                out.push_str(&rest[..end]);
                rest = &rest[end..];
            }
        }
        out.push('\n');
    }
    out.push_str(rest);
    out.push('\n');
}

/// A note `[n] url`, the URL moved to a line of its own when both do not fit.
fn note(n: usize, url: &str, width: usize, out: &mut String) {
    let mark = format!("[{n}]");
    if mark.len() + 1 + url.width() <= width {
        out.push_str(&format!("{mark} {url}\n"));
    } else {
        out.push_str(&format!("{mark}\n{url}\n"));
    }
}

/// Splits Markdown into blocks at blank lines, keeping fenced code together.
fn blocks(md: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut cur = String::new();
    let mut fenced = false;
    for line in md.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        }
        if line.trim().is_empty() && !fenced {
            if !cur.is_empty() {
                blocks.push(std::mem::take(&mut cur));
            }
            continue;
        }
        cur.push_str(line);
        cur.push('\n');
    }
    if !cur.is_empty() {
        blocks.push(cur);
    }
    blocks
}

/// Finds URLs in a block; replaces those longer than `max` (or all, in a table) by `[n]`.
fn notes_for_long_urls(
    block: &str,
    max: usize,
    all: bool,
    first: usize,
) -> (String, Vec<(usize, String)>) {
    let mut out = String::with_capacity(block.len());
    let mut notes = Vec::new();
    let mut rest = block;
    while let Some(i) = find_url(rest) {
        let (before, tail) = rest.split_at(i);
        let end = tail
            .find(|c: char| c.is_whitespace() || c == '|')
            .unwrap_or(tail.len());
        let wrapped = before.ends_with('(');
        let url = url_end(&tail[..end], wrapped);
        if all || url.width() > max {
            let n = first + notes.len() + 1;
            if wrapped {
                out.push_str(&before[..before.len() - 1]);
                out.push_str(&format!("[{n}]"));
                rest = &tail[url.len()..];
                rest = rest.strip_prefix(')').unwrap_or(rest);
            } else {
                out.push_str(before);
                out.push_str(&format!("[{n}]"));
                rest = &tail[url.len()..];
            }
            notes.push((n, url.replace('\\', "")));
        } else {
            out.push_str(before);
            out.push_str(url);
            rest = &tail[url.len()..];
        }
    }
    out.push_str(rest);
    (out, notes)
}

/// Where a URL found in text ends. Inside `(url)`, as the converter writes links, it ends at
/// the parenthesis that closes the wrapper; elsewhere trailing punctuation is not part of it.
fn url_end(token: &str, wrapped: bool) -> &str {
    if wrapped {
        let mut depth = 1;
        for (i, c) in token.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        return &token[..i];
                    }
                }
                _ => {}
            }
        }
        return token;
    }
    let mut url = token;
    loop {
        let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?']);
        let trimmed = if trimmed.ends_with(')')
            && trimmed.matches(')').count() > trimmed.matches('(').count()
        {
            &trimmed[..trimmed.len() - 1]
        } else {
            trimmed
        };
        if trimmed.len() == url.len() {
            return url;
        }
        url = trimmed;
    }
}

fn find_url(s: &str) -> Option<usize> {
    ["https://", "http://", "mailto:", "ftp://"]
        .iter()
        .filter_map(|p| s.find(p))
        .min()
}

/// Plain text of catalogue markup, for table cells.
pub fn plain(src: &str) -> String {
    let md = to_markdown(src);
    let mut out = String::with_capacity(md.len());
    let mut chars = md.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '*' | '`' => {}
            '\n' => {
                out.push(' ');
                while chars.peek() == Some(&'\n') {
                    chars.next();
                }
            }
            c => out.push(c),
        }
    }
    out.trim_start_matches(['#', ' ']).trim().to_string()
}

fn access_words(e: &Entry) -> String {
    match e.access {
        Access::Open => "open data: no account, no request".into(),
        Access::Account => "account needed".into(),
        Access::Restricted => "restricted: on request".into(),
        Access::Unknown => match e.markdown().and_then(|m| m.front.get("is_open")) {
            Some(v) => format!(
                "not stated (is_open: {})",
                crate::catalogue::markdown::scalar_text(v).unwrap_or_default()
            ),
            None => "not stated".into(),
        },
    }
}

fn france_connect(fc: Option<FranceConnect>) -> Option<&'static str> {
    match fc? {
        FranceConnect::Required => Some("FranceConnect required"),
        FranceConnect::Compatible => Some("FranceConnect compatible"),
    }
}

const PANEL: TableStyle = presets::NOTHING;

/// The facts panel: key/value rows, long URLs as notes below.
fn facts(e: &Entry, r: &Renderer, out: &mut String) {
    let mut rows: Vec<(&str, String, bool)> = Vec::new();
    let mut add = |k: &'static str, v: Option<String>, url: bool| {
        if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
            rows.push((k, v, url));
        }
    };
    add("Producer", e.producer_display(), false);
    if e.producer.is_some() && e.owner.is_some() {
        add("Owner", e.owner.clone(), false);
    }
    add("Partners", Some(e.partner_names.join(", ")), false);
    let mut access = access_words(e);
    if let Some(fc) = france_connect(e.france_connect) {
        access = format!("{access}; {fc}");
    }
    add("Access", Some(access), false);
    add("Rate limits", e.rate_limiting_resume.clone(), false);
    add("", e.rate_limiting_description.as_deref().map(plain), false);
    let link = |v: &Option<String>| v.as_deref().and_then(resolve_url);
    add("Website", link(&e.external_site), true);
    add("Documentation", link(&e.doc_tech_external), true);
    add("Specification", link(&e.doc_tech_link), true);
    add(
        "Access request",
        link(&e.datapass_link).or_else(|| link(&e.account_link)),
        true,
    );
    add("Monitoring", link(&e.monitoring_link), true);
    add("", e.monitoring_description.as_deref().map(plain), false);
    let contact = e.contact_link.clone();
    let single = contact.as_deref().is_some_and(|c| !c.contains([' ', ',']));
    add("Contact", contact, single);
    add("Themes", Some(e.themes.join(", ")), false);
    add("Keywords", Some(e.keywords.join(", ")), false);
    add(
        "Last update",
        e.last_update_iso.clone().or_else(|| e.last_update.clone()),
        false,
    );
    add("Uptime", e.uptime.map(|u| format!("{u} %")), false);
    add(
        "Source",
        Some(format!("{} ({})", e.path, e.origin.kind())),
        false,
    );
    for (k, v, url) in super::sources::facts(e) {
        add(k, Some(v), url);
    }

    let key_width = rows.iter().map(|(k, _, _)| k.width()).max().unwrap_or(0);
    // Two cells, each padded by one space on both sides.
    let value_width = r.width.saturating_sub(key_width + 4).max(10);
    let mut notes = Vec::new();
    let mut table = Table::new();
    table
        .load_style(PANEL)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(u16::try_from(r.width).unwrap_or(u16::MAX));
    if r.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    for (k, v, is_url) in rows {
        let v = if is_url && v.width() > value_width {
            notes.push(v);
            format!("[{}]", notes.len())
        } else {
            v
        };
        table.add_row([
            comfy_table::Cell::new(k).add_attribute(comfy_table::Attribute::Bold),
            comfy_table::Cell::new(v),
        ]);
    }
    if let Some(c) = table.column_mut(0) {
        c.set_constraint(ColumnConstraint::ContentWidth);
    }
    for line in table.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    for (i, n) in notes.iter().enumerate() {
        note(i + 1, n, r.width, out);
    }
    out.push('\n');
}

/// "Who may use it": each profile's verdict and what to do.
fn who(e: &Entry, r: &Renderer, out: &mut String) {
    r.heading("Who may use it", out);
    match overview(e) {
        Overview::OpenToAll => {
            r.markdown(
                "Open data: anyone may use it. **No request is needed.**",
                out,
            );
        }
        Overview::AccountOnly(link) => {
            let how = match link {
                Some(u) => format!("Anyone may use it once an account is made: {u}"),
                None => "Anyone may use it once an account is made.".into(),
            };
            r.markdown(&escape(&how), out);
        }
        Overview::Unstated(link) => {
            let how = match link {
                Some(u) => format!(
                    "Access is on request; this entry does not say who may ask. Request form: {u}"
                ),
                None => "This entry does not say who may use it.".into(),
            };
            r.markdown(&escape(&how), out);
        }
        Overview::Rules(rules) => {
            for rv in rules {
                let who = if rv.rule.who.is_empty() {
                    "(no profile named)".to_string()
                } else {
                    rv.rule.who.join(" · ")
                };
                r.markdown(
                    &format!("**{}** — {}", escape(&who), rv.verdict.words()),
                    out,
                );
                let desc = to_markdown(&rv.rule.description);
                if desc.is_empty() {
                    if let Some(u) = rv.request {
                        r.markdown(&format!("→ Request access: {u}"), out);
                    }
                } else {
                    r.markdown(&desc, out);
                }
            }
        }
    }
}

/// The whole page of an entry.
pub fn page(e: &Entry, style: &Style) -> String {
    let r = Renderer::new(style);
    let mut out = String::new();
    let mut title = String::new();
    r.markdown(&format!("**{}**", escape(e.title.trim())), &mut title);
    let title = title.trim_end();
    out.push_str(title);
    out.push('\n');
    let longest = title.lines().map(|l| l.width()).max().unwrap_or(0);
    out.push_str(&"═".repeat(longest.min(r.width)));
    out.push('\n');
    if let Some(t) = &e.tagline {
        r.markdown(&escape(t), &mut out);
    } else {
        out.push('\n');
    }
    facts(e, &r, &mut out);
    who(e, &r, &mut out);
    let intro = e
        .content_intro
        .as_deref()
        .map(to_markdown)
        .unwrap_or_default();
    let body = to_markdown(&e.body);
    if !intro.is_empty() || !body.is_empty() {
        r.heading("About", &mut out);
        r.markdown(&intro, &mut out);
        r.markdown(&body, &mut out);
    }
    out.trim_end().to_string() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_urls_become_notes_short_ones_stay() {
        let (t, n) = notes_for_long_urls(
            "voir (https://a.fr/x) et (https://b.fr/very/long/path)",
            20,
            false,
            0,
        );
        assert_eq!(t, "voir (https://a.fr/x) et [1]");
        assert_eq!(n, vec![(1, "https://b.fr/very/long/path".to_string())]);
        let (t, n) = notes_for_long_urls("|a|https://a.fr|\n", 80, true, 2);
        assert_eq!(t, "|a|[3]|\n");
        assert_eq!(n[0].1, "https://a.fr");
        let (t, n) = notes_for_long_urls(
            "(voir (https://a.fr/x.)) (https://w.fr/a_(b)).",
            10,
            false,
            0,
        );
        assert_eq!(t, "(voir [1]) [2].");
        assert_eq!(n[0].1, "https://a.fr/x.");
        assert_eq!(n[1].1, "https://w.fr/a_(b)");
        let (t, n) = notes_for_long_urls("see https://a.fr/long/path.", 10, false, 0);
        assert_eq!(t, "see [1].");
        assert_eq!(n[0].1, "https://a.fr/long/path");
    }

    #[test]
    fn too_wide_lines_are_rewrapped_at_spaces() {
        let mut out = String::new();
        fit("aaa bbb ccc", 7, &mut out);
        assert_eq!(out, "aaa bbb\nccc\n");
        let mut out = String::new();
        fit("https://a.very.long/url", 7, &mut out);
        assert_eq!(out, "https://a.very.long/url\n");
        let mut out = String::new();
        fit("abcdefghij", 4, &mut out);
        assert_eq!(out, "abcd\nefgh\nij\n");
    }

    #[test]
    fn plain_text_of_markup() {
        assert_eq!(plain("Un **gras** <b>x</b>\n\nsuite"), "Un gras x suite");
    }

    #[test]
    fn blocks_keep_code_fences_whole() {
        assert_eq!(blocks("a\n\n```\nx\n\ny\n```\n\nb").len(), 3);
    }
}
