//! Converts catalogue text — Markdown mixed with raw HTML and the site's MDX tags — into the
//! Markdown subset termimad renders, with every link's URL kept visible. Pure.
//!
//! Markdown structure comes from pulldown-cmark; each piece of HTML it reports goes through
//! html5gum's tokenizer, and one writer keeps the open tags across both.

use html5gum::{Token, Tokenizer};
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Where site-relative links (`/les-api/x`) point.
pub const SITE: &str = "https://api.gouv.fr";

/// Converts one text of the catalogue to termimad's Markdown subset.
pub fn to_markdown(src: &str) -> String {
    let src = undo_export_escapes(src);
    let mut w = Writer::default();
    w.parse(&src);
    // Character references (`&#27;`, and `&#4` without its `;` in HTML) are decoded into
    // whatever they name: the text was safe going in, the output is made so again.
    crate::text::sanitize_owned(w.finish())
}

/// What a line break inside a table cell becomes: a cell is one line of termimad's table.
pub const CELL_BREAK: &str = " · ";

/// Characters termimad reads as markup, escaped with a backslash to show as written.
pub fn is_markdown_special(c: char) -> bool {
    matches!(c, '*' | '`' | '~' | '|' | '\\')
}

/// Text escaped so termimad shows it as written.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_markdown_special(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// An absolute URL for an href: site-relative paths are resolved against api.gouv.fr;
/// anchors and empty hrefs give `None`.
pub fn resolve_url(href: &str) -> Option<String> {
    // An href from HTML has its character references decoded: `&#27;` is an ESC again.
    let href = crate::text::sanitize_line(href);
    let h = href.trim();
    if h.is_empty() || h.starts_with('#') || h.starts_with("javascript:") {
        return None;
    }
    if let Some(rest) = h.strip_prefix("//") {
        return Some(format!("https://{rest}"));
    }
    if h.starts_with('/') {
        return Some(format!("{SITE}{h}"));
    }
    Some(h.to_string())
}

/// The href of the first `<Button>` in a text, resolved.
pub fn first_button_href(src: &str) -> Option<String> {
    let src = undo_export_escapes(src);
    Tokenizer::new(src.as_str())
        .flatten()
        .find_map(|t| match t {
            Token::StartTag(tag) if tag.name.eq_ignore_ascii_case(b"button") => tag
                .attributes
                .get(b"href".as_slice())
                .and_then(|h| resolve_url(&String::from_utf8_lossy(h))),
            _ => None,
        })
}

/// Every `<Button>` of a text: its words and its link, resolved, in order.
pub fn buttons(src: &str) -> Vec<(String, Option<String>)> {
    let src = undo_export_escapes(src);
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    let mut open = false;
    for t in Tokenizer::new(src.as_str()).flatten() {
        match t {
            Token::StartTag(tag) if tag.name.eq_ignore_ascii_case(b"button") => {
                let href = tag
                    .attributes
                    .get(b"href".as_slice())
                    .and_then(|h| resolve_url(&String::from_utf8_lossy(h)));
                out.push((String::new(), href));
                open = !tag.self_closing;
            }
            Token::EndTag(tag) if tag.name.eq_ignore_ascii_case(b"button") => open = false,
            Token::String(s) if open => {
                if let Some(last) = out.last_mut() {
                    last.0.push_str(&String::from_utf8_lossy(&s));
                }
            }
            _ => {}
        }
    }
    for b in &mut out {
        b.0 = crate::text::sanitize_line(&b.0.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    out
}

/// The text without its `<Button>`s, for a page that gives their links once, elsewhere.
pub fn without_buttons(src: &str) -> String {
    let lower = src.to_ascii_lowercase();
    let mut out = String::with_capacity(src.len());
    let mut pos = 0;
    while let Some(i) = lower[pos..].find("<button").map(|i| pos + i) {
        out.push_str(&src[pos..i]);
        pos = match lower[i..].find("</button>") {
            Some(j) => i + j + "</button>".len(),
            None => lower[i..].find('>').map_or(src.len(), |j| i + j + 1),
        };
    }
    out.push_str(&src[pos..]);
    out
}

/// Undoes what one export did to the seeds: `\"` inside HTML and literal `\n` between tags.
/// Also lifts indented HTML lines to the margin, where Markdown would take them for code.
fn undo_export_escapes(src: &str) -> String {
    let s = src
        .replace("\\\"", "\"")
        .replace(">\\n", ">\n")
        .replace("\\n<", "\n<");
    let mut out = String::with_capacity(s.len());
    let mut fenced = false;
    for line in s.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fenced = !fenced;
        }
        if !fenced && t.starts_with('<') && line.len() != t.len() {
            out.push_str(t);
        } else {
            out.push_str(line);
        }
    }
    out
}

#[derive(Debug)]
enum LinkKind {
    Link,
    Image,
    Button,
}

#[derive(Debug)]
struct OpenLink {
    kind: LinkKind,
    url: Option<String>,
    start: usize,
}

#[derive(Debug, Clone, Copy)]
struct ListState {
    next: Option<u64>,
}

#[derive(Default)]
struct Writer {
    out: String,
    cur: String,
    /// Written before the current line: a list marker, heading hashes or a quote mark.
    prefix: String,
    /// Written before the next lines of the same block.
    cont_prefix: String,
    quote_depth: usize,
    lists: Vec<ListState>,
    links: Vec<OpenLink>,
    /// Open `**`, `*`, `~~`, with where their text starts in `cur`.
    styles: Vec<(&'static str, usize)>,
    /// Inside `<script>`, `<style>`, `<iframe>`… whose content is not text.
    skip: usize,
    code_block: bool,
    table: Option<TableState>,
    /// A heading prefix waiting for its text.
    heading: Option<usize>,
    /// Consecutive Markdown text not yet written.
    pending: String,
    /// Inside a table cell, where a line break must not leave the cell.
    in_cell: bool,
    /// The text of an indented code block, parsed again as Markdown when it ends.
    indented: Option<String>,
}

#[derive(Default)]
struct TableState {
    rows: Vec<Vec<String>>,
    head_rows: usize,
    in_head: bool,
}

/// Quote levels shown; deeper ones read as the deepest shown (flattened, not dropped).
pub const MAX_NESTING: usize = 8;
/// List levels indented, for the same reason.
const MAX_LIST_INDENT: usize = 3;

impl Writer {
    fn quote_prefix(&self) -> String {
        // Capped, so that output stays in proportion to input: deeper quotes are flattened.
        "> ".repeat(self.quote_depth.min(MAX_NESTING))
    }

    fn parse(&mut self, src: &str) {
        let parser = Parser::new_ext(src, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
        for event in parser {
            self.event(event);
        }
        self.flush_pending();
    }

    fn start_block_prefix(&mut self, prefix: String, cont: String) {
        self.flush_line();
        self.prefix = prefix;
        self.cont_prefix = cont;
    }

    /// Adds text; HTML text has its whitespace collapsed like a browser would.
    fn text(&mut self, s: &str, collapse: bool) {
        if self.skip > 0 {
            return;
        }
        if self.code_block {
            for (i, line) in s.split('\n').enumerate() {
                if i > 0 {
                    self.out.push_str(&self.cur);
                    self.out.push('\n');
                    self.cur.clear();
                }
                self.cur.push_str(line);
            }
            return;
        }
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            // `**` that Markdown did not take for bold (unclosed, or closed after a space) was
            // never shown as such by the site: drop it rather than print it.
            if c == '*' && chars.peek() == Some(&'*') {
                while chars.peek() == Some(&'*') {
                    chars.next();
                }
                continue;
            }
            let c = if c.is_whitespace() { ' ' } else { c };
            if c == ' ' {
                // Runs of spaces show as one, as on the site; a dropped marker leaves none.
                let at_start = self.cur.trim().is_empty() || self.cur.ends_with(' ');
                if collapse && at_start || self.cur.is_empty() || self.cur.ends_with(' ') {
                    continue;
                }
                self.cur.push(' ');
                continue;
            }
            if is_markdown_special(c) {
                self.cur.push('\\');
            }
            self.cur.push(c);
        }
    }

    fn raw(&mut self, s: &str) {
        if self.skip == 0 {
            self.cur.push_str(s);
        }
    }

    fn open_style(&mut self, marker: &'static str) {
        self.styles.push((marker, self.cur.len()));
    }

    fn close_style(&mut self, marker: &'static str) {
        let Some(pos) = self.styles.iter().rposition(|(m, _)| *m == marker) else {
            return;
        };
        let (_, start) = self.styles.remove(pos);
        let start = floor_boundary(&self.cur, start);
        let inner = self.cur[start..].to_string();
        let trimmed = inner.trim();
        self.cur.truncate(start);
        if trimmed.is_empty() || trimmed.trim_matches(|c| c == '*' || c == '\\').is_empty() {
            self.cur.push_str(&inner);
            return;
        }
        let lead = &inner[..inner.len() - inner.trim_start().len()];
        let trail = &inner[inner.trim_end().len()..];
        // Markers inside bold text would end it early.
        let cleaned = trimmed.replace("**", "");
        self.cur.push_str(lead);
        self.cur.push_str(marker);
        self.cur.push_str(cleaned.trim());
        self.cur.push_str(marker);
        self.cur.push_str(trail);
        if self.cur.ends_with(marker) && marker == "*" {
            // Keep `*a**b*` from reading as bold.
            self.cur.push('\u{200B}');
            self.cur.pop();
        }
    }

    /// Ends the current line; open styles are closed here and reopened on the next line.
    fn flush_line(&mut self) {
        if self.in_cell {
            let t = self.cur.trim_end();
            if !t.is_empty() && !t.ends_with(CELL_BREAK.trim()) {
                self.cur.truncate(t.len());
                self.cur.push_str(CELL_BREAK);
            }
            return;
        }
        let open: Vec<&'static str> = self.styles.iter().map(|(m, _)| *m).collect();
        for m in open.iter().rev() {
            self.close_style(m);
        }
        let line = self.cur.trim_end().to_string();
        self.cur.clear();
        if !line.trim().is_empty() {
            if let Some(level) = self.heading {
                // termimad knows headings at column 0 only.
                self.out.push_str(&"#".repeat(level));
                self.out.push(' ');
            } else {
                self.out.push_str(&self.quote_prefix());
                self.out.push_str(&self.prefix);
            }
            self.out.push_str(line.trim_start());
            self.out.push('\n');
            self.prefix = self.cont_prefix.clone();
        }
        for m in open {
            self.open_style(m);
        }
    }

    fn end_block(&mut self) {
        if self.in_cell {
            return self.flush_line();
        }
        // A link left open (broken HTML) ends with its paragraph.
        while !self.links.is_empty() {
            self.close_link(None);
        }
        self.flush_line();
        self.styles.clear();
        if !self.out.is_empty() && !self.out.ends_with("\n\n") && self.lists.is_empty() {
            self.out.push('\n');
        }
        self.prefix.clear();
        self.cont_prefix.clear();
        self.heading = None;
    }

    fn list_item(&mut self) {
        let depth = self.lists.len().saturating_sub(1).min(MAX_LIST_INDENT);
        let indent = " ".repeat(depth);
        let marker = match self.lists.last_mut() {
            Some(ListState { next: Some(n) }) => {
                let m = format!("{n}. ");
                *n += 1;
                m
            }
            _ => "* ".to_string(),
        };
        let cont = " ".repeat((indent.len() + marker.len()).min(3));
        self.start_block_prefix(format!("{indent}{marker}"), cont);
    }

    fn start_list(&mut self, start: Option<u64>) {
        self.flush_line();
        if self.lists.is_empty() && !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
        self.lists.push(ListState { next: start });
    }

    fn end_list(&mut self) {
        self.flush_line();
        self.lists.pop();
        if self.lists.is_empty() {
            self.end_block();
        }
    }

    fn open_link(&mut self, kind: LinkKind, href: Option<&str>) {
        if matches!(kind, LinkKind::Button) {
            self.flush_line();
        }
        self.links.push(OpenLink {
            kind,
            url: href.and_then(resolve_url),
            start: self.cur.len(),
        });
    }

    fn close_link(&mut self, want_button: Option<bool>) {
        let pos = match want_button {
            Some(b) => self
                .links
                .iter()
                .rposition(|l| matches!(l.kind, LinkKind::Button) == b),
            None => self.links.len().checked_sub(1),
        };
        let Some(pos) = pos else { return };
        let link = self.links.remove(pos);
        let start = floor_boundary(&self.cur, link.start);
        let label = self.cur[start..].trim().to_string();
        self.cur.truncate(start);
        match link.kind {
            LinkKind::Image => {
                if !label.is_empty() {
                    self.cur.push_str(&format!("[image: {label}]"));
                }
            }
            LinkKind::Button => {
                self.flush_line();
                let line = match (&link.url, label.is_empty()) {
                    (Some(u), false) => format!("→ {label}: {u}"),
                    (Some(u), true) => format!("→ {u}"),
                    (None, _) => format!("→ {label}"),
                };
                if line != "→ " {
                    self.out.push_str(&self.quote_prefix());
                    self.out.push_str(&line);
                    self.out.push('\n');
                }
            }
            LinkKind::Link => {
                self.cur.push_str(&label);
                if let Some(u) = link.url {
                    let shown = u.strip_prefix("mailto:").unwrap_or(&u);
                    let plain = label.replace('\\', "");
                    if plain.is_empty() {
                        self.cur.push_str(shown);
                    } else if plain != shown && plain != u && !u.ends_with(&plain) {
                        self.cur.push_str(&format!(" ({shown})"));
                    }
                }
            }
        }
    }

    fn event(&mut self, event: Event<'_>) {
        if let Some(code) = &mut self.indented {
            match event {
                Event::Text(t) => code.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    // The site's MDX has no indented code: such text is Markdown, as shown there.
                    let code = self.indented.take().unwrap_or_default();
                    self.parse(&code);
                }
                _ => {}
            }
            return;
        }
        // Markdown splits text at `<` and other marks: gather it first.
        if let Event::Text(t) = &event
            && !self.code_block
        {
            self.pending.push_str(t);
            return;
        }
        self.flush_pending();
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.text(&t, false),
            Event::Code(c) => {
                let c = c.replace('`', "'");
                self.raw(&format!("`{c}`"));
            }
            Event::Html(h) | Event::InlineHtml(h) => self.html(&h),
            Event::SoftBreak => self.text(" ", false),
            Event::HardBreak => self.flush_line(),
            Event::Rule => {
                self.end_block();
                self.out.push_str("---\n\n");
            }
            Event::TaskListMarker(done) => self.raw(if done { "[x] " } else { "[ ] " }),
            Event::FootnoteReference(r) => self.text(&format!("[{r}]"), false),
            Event::InlineMath(m) | Event::DisplayMath(m) => self.text(&m, false),
        }
    }

    fn flush_pending(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let t = std::mem::take(&mut self.pending);
        // Tags Markdown did not take for HTML (`<External href"…">`) are still tags.
        if looks_like_tag(&t) {
            self.html(&t);
        } else {
            self.text(&t, false);
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.flush_line(),
            Tag::Heading { level, .. } => {
                self.end_block();
                self.heading = Some(heading_level(level));
            }
            Tag::BlockQuote(_) => {
                self.end_block();
                self.quote_depth += 1;
            }
            Tag::CodeBlock(CodeBlockKind::Indented) => self.indented = Some(String::new()),
            Tag::CodeBlock(kind) => {
                self.end_block();
                let lang = match kind {
                    CodeBlockKind::Fenced(l) => {
                        l.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                self.out.push_str(&format!("```{lang}\n"));
                self.code_block = true;
            }
            Tag::List(start) => self.start_list(start),
            Tag::Item => self.list_item(),
            Tag::Emphasis => self.open_style("*"),
            Tag::Strong => self.open_style("**"),
            Tag::Strikethrough => self.open_style("~~"),
            Tag::Link { dest_url, .. } => self.open_link(LinkKind::Link, Some(&dest_url)),
            Tag::Image { .. } => self.open_link(LinkKind::Image, None),
            Tag::Table(_) => {
                self.end_block();
                self.table = Some(TableState::default());
            }
            Tag::TableHead => {
                if let Some(t) = &mut self.table {
                    t.in_head = true;
                    t.rows.push(Vec::new());
                }
            }
            Tag::TableRow => {
                if let Some(t) = &mut self.table {
                    t.rows.push(Vec::new());
                }
            }
            Tag::TableCell => {
                self.cur.clear();
                self.in_cell = true;
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.end_block(),
            TagEnd::Heading(_) => self.end_block(),
            TagEnd::BlockQuote(_) => {
                self.end_block();
                self.quote_depth = self.quote_depth.saturating_sub(1);
            }
            TagEnd::CodeBlock => {
                if !self.cur.is_empty() {
                    self.out.push_str(&self.cur);
                    self.out.push('\n');
                    self.cur.clear();
                }
                if !self.out.ends_with('\n') {
                    self.out.push('\n');
                }
                self.out.push_str("```\n\n");
                self.code_block = false;
            }
            TagEnd::List(_) => self.end_list(),
            TagEnd::Item => self.flush_line(),
            TagEnd::Emphasis => self.close_style("*"),
            TagEnd::Strong => self.close_style("**"),
            TagEnd::Strikethrough => self.close_style("~~"),
            TagEnd::Link | TagEnd::Image => self.close_link(Some(false)),
            TagEnd::TableCell => {
                self.in_cell = false;
                let open: Vec<_> = self.styles.iter().map(|(m, _)| *m).collect();
                for m in open.iter().rev() {
                    self.close_style(m);
                }
                let cell = std::mem::take(&mut self.cur);
                let cell = cell.trim().trim_end_matches(CELL_BREAK.trim()).trim_end();
                let cell = cell.to_string();
                if let Some(row) = self.table.as_mut().and_then(|t| t.rows.last_mut()) {
                    row.push(cell);
                }
            }
            TagEnd::TableHead => {
                if let Some(t) = &mut self.table {
                    t.in_head = false;
                    t.head_rows = t.rows.len();
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    self.write_table(t);
                }
            }
            _ => {}
        }
    }

    fn write_table(&mut self, t: TableState) {
        let cols = t.rows.iter().map(Vec::len).max().unwrap_or(0);
        if cols == 0 {
            return;
        }
        for (i, row) in t.rows.iter().enumerate() {
            self.out.push('|');
            for c in 0..cols {
                let cell = row.get(c).map(String::as_str).unwrap_or("");
                self.out.push_str(if cell.is_empty() { " " } else { cell });
                self.out.push('|');
            }
            self.out.push('\n');
            if i + 1 == t.head_rows.max(1) {
                self.out.push('|');
                for _ in 0..cols {
                    self.out.push_str("-|");
                }
                self.out.push('\n');
            }
        }
        self.out.push('\n');
    }

    fn html(&mut self, html: &str) {
        for token in Tokenizer::new(html).flatten() {
            match token {
                Token::StartTag(tag) => {
                    let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                    let attr = |k: &str| {
                        tag.attributes
                            .get(k.as_bytes())
                            .map(|v| String::from_utf8_lossy(v).into_owned())
                    };
                    self.html_start(&name, &attr, tag.self_closing);
                }
                Token::EndTag(tag) => {
                    let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                    self.html_end(&name);
                }
                Token::String(s) => {
                    let s = String::from_utf8_lossy(&s);
                    self.text(&s, true);
                }
                _ => {}
            }
        }
    }

    fn html_start(
        &mut self,
        name: &str,
        attr: &dyn Fn(&str) -> Option<String>,
        self_closing: bool,
    ) {
        if self.skip > 0 {
            if is_opaque(name) && !self_closing {
                self.skip += 1;
            }
            return;
        }
        match name {
            "p" | "div" | "section" | "article" | "header" | "footer" | "details" | "grid"
            | "centered" | "table" | "figure" => self.end_block(),
            "br" => self.flush_line(),
            "hr" => {
                self.end_block();
                self.out.push_str("---\n\n");
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.end_block();
                self.heading = name[1..].parse().ok();
            }
            "summary" => {
                self.end_block();
                self.open_style("**");
            }
            "ul" => self.start_list(None),
            "ol" => self.start_list(Some(
                attr("start").and_then(|s| s.parse().ok()).unwrap_or(1),
            )),
            "li" => {
                if self.lists.is_empty() {
                    self.start_list(None);
                }
                self.list_item();
            }
            "tr" => self.flush_line(),
            "td" | "th" if !self.cur.trim().is_empty() => self.raw(" · "),
            "b" | "strong" => self.open_style("**"),
            "i" | "em" => self.open_style("*"),
            "s" | "del" | "strike" => self.open_style("~~"),
            "code" | "kbd" | "tt" => self.raw("`"),
            "blockquote" | "quote" => {
                self.end_block();
                self.quote_depth += 1;
            }
            "a" | "external" | "richlink" => {
                let href = attr("href").or_else(|| attr("url"));
                self.open_link(LinkKind::Link, href.as_deref());
                if self_closing {
                    let title = attr("title").unwrap_or_default();
                    self.text(&title, true);
                    self.close_link(Some(false));
                }
            }
            "button" => {
                self.open_link(LinkKind::Button, attr("href").as_deref());
                if self_closing {
                    self.close_link(Some(true));
                }
            }
            "img" => {
                if let Some(alt) = attr("alt").filter(|a| !a.trim().is_empty()) {
                    self.text(&format!(" [image: {}] ", alt.trim()), true);
                }
            }
            "iframe" | "video" | "audio" | "embed" | "object" => {
                let src = attr("src").and_then(|s| resolve_url(&s));
                let title = attr("title").filter(|t| !t.trim().is_empty());
                self.end_block();
                let line = match (title, src) {
                    (Some(t), Some(s)) => format!("[embedded: {t}] ({s})"),
                    (None, Some(s)) => format!("[embedded] ({s})"),
                    (Some(t), None) => format!("[embedded: {t}]"),
                    (None, None) => String::new(),
                };
                self.text(&line, true);
                self.end_block();
                if !self_closing && !matches!(name, "embed") {
                    self.skip += 1;
                }
            }
            n if is_opaque(n) && !self_closing => self.skip += 1,
            _ => {}
        }
    }

    fn html_end(&mut self, name: &str) {
        if self.skip > 0 {
            if is_opaque(name) || matches!(name, "iframe" | "video" | "audio" | "object") {
                self.skip -= 1;
            }
            return;
        }
        match name {
            "p" | "div" | "section" | "article" | "header" | "footer" | "details" | "grid"
            | "centered" | "table" | "figure" => self.end_block(),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => self.end_block(),
            "summary" => {
                self.close_style("**");
                self.end_block();
            }
            "ul" | "ol" if !self.lists.is_empty() => self.end_list(),
            "li" => self.flush_line(),
            "tr" => self.flush_line(),
            "b" | "strong" => self.close_style("**"),
            "i" | "em" => self.close_style("*"),
            "s" | "del" | "strike" => self.close_style("~~"),
            "code" | "kbd" | "tt" => self.raw("`"),
            "blockquote" | "quote" => {
                self.end_block();
                self.quote_depth = self.quote_depth.saturating_sub(1);
            }
            "a" | "external" | "richlink" => self.close_link(Some(false)),
            "button" => self.close_link(Some(true)),
            _ => {}
        }
    }

    fn finish(mut self) -> String {
        self.flush_pending();
        while !self.links.is_empty() {
            self.close_link(None);
        }
        if self.code_block {
            self.end(TagEnd::CodeBlock);
        }
        if let Some(t) = self.table.take() {
            self.write_table(t);
        }
        self.end_block();
        let mut out = String::with_capacity(self.out.len());
        let mut blank = 0;
        for line in self.out.lines() {
            if line.trim().is_empty() {
                blank += 1;
                if blank > 1 || out.is_empty() {
                    continue;
                }
                out.push('\n');
            } else {
                blank = 0;
                out.push_str(line);
                out.push('\n');
            }
        }
        out.trim_end().to_string()
    }
}

/// A position saved in `cur` may have been cut away since: clamp it to a char boundary.
fn floor_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn looks_like_tag(t: &str) -> bool {
    t.match_indices('<').any(|(i, _)| {
        let rest = &t[i + 1..];
        rest.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/')
            && rest.contains('>')
    })
}

/// Tags whose content is not shown as text.
fn is_opaque(name: &str) -> bool {
    matches!(
        name,
        "script" | "style" | "template" | "noscript" | "svg" | "head"
    )
}

fn heading_level(l: HeadingLevel) -> usize {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(s: &str) -> String {
        to_markdown(s)
    }

    #[test]
    fn markdown_survives() {
        assert_eq!(
            md("### Titre\n\nUn **gras** et *italique* et _aussi_."),
            "### Titre\n\nUn **gras** et *italique* et *aussi*."
        );
        assert_eq!(md("- un\n- deux\n  - trois"), "* un\n* deux\n * trois");
        assert_eq!(md("1. a\n2. b"), "1. a\n2. b");
        assert_eq!(md("| A | B |\n|---|---|\n| 1 | 2 |"), "|A|B|\n|-|-|\n|1|2|");
        assert_eq!(md("a `code` b"), "a `code` b");
        assert_eq!(md("```\nx  y\n```"), "```\nx  y\n```");
    }

    #[test]
    fn links_keep_their_url() {
        assert_eq!(md("[doc](https://x.fr/a)"), "doc (https://x.fr/a)");
        assert_eq!(
            md("les [données](/les-api/api_rna)"),
            "les données (https://api.gouv.fr/les-api/api_rna)"
        );
        assert_eq!(md("<https://x.fr>"), "https://x.fr");
        assert_eq!(md("[mail](mailto:a@b.fr)"), "mail (a@b.fr)");
        assert_eq!(md("[ancre](#x)"), "ancre");
        assert_eq!(
            md("<a href='https://x.fr'>X</a> et <a href=\"/y\">Y</a>"),
            "X (https://x.fr) et Y (https://api.gouv.fr/y)"
        );
    }

    #[test]
    fn mdx_tags() {
        assert_eq!(
            md("Voir <External href=\"https://l.fr/a\">R133-43</External> du Code."),
            "Voir R133-43 (https://l.fr/a) du Code."
        );
        assert_eq!(
            md(
                "Texte.\n\n<NextSteps />\n<Button href=\"https://datapass.api.gouv.fr/x\">Remplir une demande</Button>\n"
            ),
            "Texte.\n\n→ Remplir une demande: https://datapass.api.gouv.fr/x"
        );
        assert_eq!(
            md("<Button href=\"/rechercher-api\">Revenir</Button>"),
            "→ Revenir: https://api.gouv.fr/rechercher-api"
        );
        assert_eq!(
            md("<QuestionTree tree='a' question='b'/>\n\nApres."),
            "Apres."
        );
        assert_eq!(md("<Quote>Dit-il.</Quote>"), "> Dit-il.");
        assert_eq!(
            md("<Unknown foo=\"1\">garde le texte</Unknown>"),
            "garde le texte"
        );
        assert_eq!(md("<NextSteps is_editeur />"), "");
        assert_eq!(
            without_buttons("Texte.\n<Button href=\"/x\">Go</Button>\nFin <BUTTON>a</BUTTON>."),
            "Texte.\n\nFin ."
        );
        assert_eq!(
            buttons(
                "a <Button href=\"/rechercher-api\">Rechercher  une autre API</Button> <Button href=\"mailto:x@y.fr\">Écrire</Button>"
            ),
            [
                (
                    "Rechercher une autre API".to_string(),
                    Some("https://api.gouv.fr/rechercher-api".to_string())
                ),
                ("Écrire".to_string(), Some("mailto:x@y.fr".to_string())),
            ]
        );
    }

    #[test]
    fn raw_html() {
        assert_eq!(md("<p>Un</p><p>Deux<br/>trois</p>"), "Un\n\nDeux\ntrois");
        assert_eq!(
            md("<p><b>Gras</b> : <u>souligné</u> <span style=\"x\">span</span></p>"),
            "**Gras** : souligné span"
        );
        assert_eq!(
            md("<ul><li>a</li><li>b <b>c</b></li></ul>"),
            "* a\n* b **c**"
        );
        assert_eq!(
            md("<img src=\"/i.svg\" alt=\"API Pajemploi\" style=\"max-width:300px\" />"),
            "[image: API Pajemploi]"
        );
        assert_eq!(md("a&nbsp;b &amp; c"), "a b & c");
        assert_eq!(md("<!-- caché -->\nvisible"), "visible");
        assert_eq!(
            md("<details><summary>Plus</summary>\n\nDedans\n\n</details>"),
            "**Plus**\n\nDedans"
        );
        assert_eq!(
            md("<iframe src=\"https://y.tv/e\" title=\"Vidéo\"></iframe>"),
            "[embedded: Vidéo] (https://y.tv/e)"
        );
        assert_eq!(md("<style>p{}</style>texte"), "texte");
    }

    #[test]
    fn export_escapes_are_undone() {
        let s = r#"<p align=\"left\">Un <a href=\"https://a.fr\" target=\"\_blank\">lien</a></p>\n<p>Deux</p>"#;
        assert_eq!(md(s), "Un lien (https://a.fr)\n\nDeux");
    }

    #[test]
    fn nested_and_broken_html() {
        assert_eq!(md("<p><b><i>x</i></b></p>"), "***x***");
        assert_eq!(
            md("<p>ouvert <b>jamais fermé</p><p>suite"),
            "ouvert **jamais fermé**\n\nsuite"
        );
        assert_eq!(
            md("<a href=\"https://x.fr\">sans fin"),
            "sans fin (https://x.fr)"
        );
        assert_eq!(md("</b></p></ul>texte</li>"), "texte");
        assert_eq!(md("<ul><li>a<ul><li>b</li></ul></li></ul>"), "* a\n * b");
        assert_eq!(md("a < b et c > d"), "a < b et c > d");
    }

    #[test]
    fn tags_markdown_rejected_are_still_tags() {
        assert_eq!(
            md("sur le <External href\"https://g.fr\">Géoportail</External> ainsi"),
            "sur le Géoportail ainsi"
        );
        assert_eq!(md("`<id>` et a<b"), "`<id>` et a<b");
    }

    #[test]
    fn indented_html_is_not_code() {
        assert_eq!(md("        <p style=\"m\">Texte</p>"), "Texte");
    }

    /// Found by the markup fuzz target: `&#4` decodes to a control character in HTML text.
    #[test]
    fn character_references_never_give_control_characters() {
        for src in [
            "\n<p zz\\x00<<44\\x000*>*F$*&&#4+4\\x00~\\x08mai~",
            "<p>a&#27;[2Jb</p>",
            "a &#27;[31m b &#x7; c",
            "<a href=\"https://x.fr/&#27;]0;t&#7;\">l</a>",
            "<Button href=\"/a&#27;b\">Go</Button>",
        ] {
            let out = md(src);
            assert!(
                !out.chars().any(|c| c.is_control() && c != '\n'),
                "{src:?} gave {out:?}"
            );
        }
        let href = first_button_href("<Button href=\"/a&#27;b&#x9b;c\">Go</Button>").unwrap();
        assert!(!href.chars().any(char::is_control), "{href:?}");
    }

    #[test]
    fn a_line_break_in_a_cell_stays_in_its_cell() {
        assert_eq!(
            md("| A | B |\n|---|---|\n| un<br>deux <br/> trois | 2 |"),
            "|A|B|\n|-|-|\n|un · deux · trois|2|"
        );
        assert_eq!(md("| A |\n|---|\n| <br/>x<br/><br/> |"), "|A|\n|-|\n|x|");
    }

    #[test]
    fn fenced_code_is_verbatim() {
        let src =
            "```html\n<iframe src=\"https://x.fr/w\"   width=\"100%\"></iframe>\n  **a**\n```";
        assert_eq!(
            md(src),
            "```html\n<iframe src=\"https://x.fr/w\"   width=\"100%\"></iframe>\n  **a**\n```"
        );
    }

    /// The site's MDX has no indented code blocks: indented text there is Markdown.
    #[test]
    fn indented_text_is_markdown_as_on_the_site() {
        assert_eq!(
            md("Intro\n\n    **Gras :**\n\n    - un\n    - deux"),
            "Intro\n\n**Gras :**\n\n* un\n* deux"
        );
    }

    #[test]
    fn details_keep_summary_and_content() {
        let src = "<details>\n    <summary>Modalités</summary>\n    <p>\n    Texte.\n    <p>\n    **Liste :**\n\n    - un,\n    - deux.\n\n</details>\n\nAprès.";
        assert_eq!(
            md(src),
            "**Modalités**\n\nTexte.\n\nListe :\n\n* un,\n* deux.\n\nAprès."
        );
    }

    #[test]
    fn emphasis_markers_never_left_over() {
        assert_eq!(
            md("accessible **uniquement par"),
            "accessible uniquement par"
        );
        assert_eq!(
            md("**DV3F : ** Retourne et **Mutations :** aussi"),
            "DV3F : Retourne et **Mutations :** aussi"
        );
        assert_eq!(md("<p>a **b** c</p>"), "a b c");
    }

    #[test]
    fn markdown_characters_in_html_text_are_escaped() {
        assert_eq!(md("<p>a*b | c</p>"), "a\\*b \\| c");
    }
}
