//! The interactive questionnaire: "Who are you?", then the verdict. Needs a terminal.
//!
//! The question offers the four audiences, plus "another profile…" for the access pages' own
//! labels when there are some to choose from. The list is drawn on stderr, each line cut to the
//! terminal's width so that nothing wraps, and erased before anything else is printed: nothing
//! is drawn over a verdict, and nothing stale is left behind. Typing filters the list, ignoring
//! case and accents. Esc goes back from "another profile…", and quits from the first question
//! (exit 0, nothing printed). Ctrl-C shows the cursor again and exits 130.

use std::io::{self, IsTerminal, Write};

use termimad::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use termimad::crossterm::{cursor, queue, terminal};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::catalogue::{Access, Catalogue, Entry};
use crate::eligibility::{
    Audience, Who, answer, audience_of, catalogue_profiles, entry_labels, rows,
};
use crate::term::{Style, emit, page_or_print};
use crate::text::{fold, sanitize_line};
use crate::view::verdict;

/// The key hint under the first question (the README quotes it).
pub const HINT_FIRST: &str = "↑↓ move · type to filter · Enter choose · Esc quit";
/// The key hint under "another profile…" (the README quotes it).
pub const HINT_MORE: &str = "↑↓ move · type to filter · Enter choose · Esc back";
/// The last item of the first question, when the access pages have labels to choose from.
pub const ANOTHER: &str = "another profile…";

/// Whether a person can answer questions here.
pub fn available() -> bool {
    io::stdin().is_terminal() && io::stderr().is_terminal()
}

/// Ctrl-C anywhere in the questionnaire: show the cursor again and exit 130.
pub fn on_interrupt() {
    let _ = ctrlc::set_handler(|| interrupted());
}

fn interrupted() -> ! {
    let _ = terminal::disable_raw_mode();
    let mut err = io::stderr();
    let _ = err.write_all(b"\x1b[?25h\n");
    let _ = err.flush();
    std::process::exit(130)
}

/// `apicat eligible SLUG` on a terminal: asks who you are, prints the verdict, exits.
pub fn one(e: &Entry, style: &Style) -> io::Result<()> {
    if e.access == Access::Open {
        return emit(&verdict::page(
            e,
            "anyone",
            &answer(e, &Who::Label(String::new())),
            style,
        ));
    }
    let Some(who) = ask(&more_labels(e))? else {
        return Ok(());
    };
    emit(&verdict::page(e, who.name(), &answer(e, &who), style))
}

/// `apicat eligible` on a terminal: asks who you are once, then shows the catalogue-wide table
/// (through the pager when it is taller than the terminal).
pub fn catalogue(cat: &Catalogue, style: &Style) -> io::Result<()> {
    let labels: Vec<String> = catalogue_profiles(&cat.entries)
        .into_iter()
        .map(|p| p.label)
        .collect();
    let Some(who) = ask(&labels)? else {
        return Ok(());
    };
    let rows = rows(&cat.entries, &who);
    let heading = format!("As \"{}\":\n", sanitize_line(who.name()));
    page_or_print(&(heading + &verdict::table(&rows, style)), style, true)
}

/// The labels of an entry that the audiences do not answer alone: labels of no audience
/// ("Autres activités"), and labels sharing an audience with another (three kinds of
/// "éditeur" with different rules).
pub fn more_labels(e: &Entry) -> Vec<String> {
    let labels = entry_labels(e);
    labels
        .iter()
        .filter(|l| match audience_of(l) {
            None => true,
            Some(a) => labels.iter().filter(|m| audience_of(m) == Some(a)).count() > 1,
        })
        .map(|l| l.to_string())
        .collect()
}

/// "Who are you?": an audience, or one of `labels` under "another profile…". `None` when the
/// person quits.
fn ask(labels: &[String]) -> io::Result<Option<Who>> {
    let mut items: Vec<String> = Audience::ALL
        .iter()
        .map(|a| a.label().to_string())
        .collect();
    if !labels.is_empty() {
        items.push(ANOTHER.to_string());
    }
    loop {
        let Some(i) = pick("Who are you?", HINT_FIRST, &items)? else {
            return Ok(None);
        };
        if let Some(a) = Audience::ALL.get(i) {
            said("Who are you?", a.label())?;
            return Ok(Some(Who::Audience(*a)));
        }
        let shown: Vec<String> = labels.iter().map(|l| sanitize_line(l)).collect();
        if let Some(j) = pick("Which profile?", HINT_MORE, &shown)? {
            said("Who are you?", &shown[j])?;
            return Ok(Some(Who::Label(labels[j].clone())));
        }
    }
}

/// The answer, left on screen above what follows.
fn said(prompt: &str, answer: &str) -> io::Result<()> {
    let width = terminal::size()
        .ok()
        .filter(|&(w, _)| w > 0)
        .map_or(80, |(w, _)| usize::from(w));
    let mut err = io::stderr();
    writeln!(err, "{}", cut(&format!("{prompt} {answer}"), width))?;
    err.flush()
}

/// Cuts a line to fit in `width - 1` columns (the last column would wrap on some terminals).
fn cut(s: &str, width: usize) -> String {
    let room = width.saturating_sub(1).max(2);
    if s.width() <= room {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > room - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// Whether an item is kept by the filter: every typed word is in it, case and accents aside.
fn kept(item: &str, filter: &str) -> bool {
    let item = fold(item);
    fold(filter).split_whitespace().all(|w| item.contains(w))
}

/// Restores the terminal however the picker ends.
struct RawMode;

impl RawMode {
    fn on() -> io::Result<RawMode> {
        terminal::enable_raw_mode()?;
        Ok(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = terminal::disable_raw_mode();
        let mut err = io::stderr();
        let _ = queue!(err, cursor::Show);
        let _ = err.flush();
    }
}

/// One choice among items, drawn on stderr; `None` on Esc.
fn pick(prompt: &str, hint: &str, items: &[String]) -> io::Result<Option<usize>> {
    let raw = RawMode::on()?;
    let mut err = io::stderr();
    // Colour unless NO_COLOR says otherwise (stderr is a terminal here).
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    queue!(err, cursor::Hide)?;
    let mut filter = String::new();
    let mut selected = 0usize;
    let mut top = 0usize;
    let mut drawn = 0usize;
    loop {
        let shown: Vec<usize> = (0..items.len())
            .filter(|&i| kept(&items[i], &filter))
            .collect();
        selected = selected.min(shown.len().saturating_sub(1));
        let (w, h) = terminal::size()
            .ok()
            .filter(|&(w, h)| w > 0 && h > 0)
            .map_or((80, 24), |(w, h)| (usize::from(w), usize::from(h)));
        let room = h.saturating_sub(3).clamp(1, 10);
        if selected < top {
            top = selected;
        } else if selected >= top + room {
            top = selected + 1 - room;
        }
        top = top.min(shown.len().saturating_sub(room));
        let mut lines = vec![cut(&format!("{prompt} › {filter}"), w)];
        if shown.is_empty() {
            lines.push(cut("  (nothing matches: Backspace to erase)", w));
        }
        for (n, &i) in shown.iter().enumerate().skip(top).take(room) {
            let mark = if n == selected { "❯ " } else { "  " };
            lines.push(cut(&format!("{mark}{}", items[i]), w));
        }
        lines.push(cut(hint, w));
        erase(&mut err, drawn)?;
        for (n, l) in lines.iter().enumerate() {
            let line = if !color {
                l.clone()
            } else if n == 0 {
                format!("\x1b[1m{l}\x1b[0m")
            } else if n == lines.len() - 1 {
                format!("\x1b[2m{l}\x1b[0m")
            } else if l.starts_with('❯') {
                format!("\x1b[1;36m{l}\x1b[0m")
            } else {
                l.clone()
            };
            queue!(err, terminal::Clear(terminal::ClearType::UntilNewLine))?;
            err.write_all(line.as_bytes())?;
            if n + 1 < lines.len() {
                err.write_all(b"\r\n")?;
            }
        }
        err.flush()?;
        drawn = lines.len();
        let Event::Key(key) = event::read()? else {
            continue;
        };
        if key.kind != KeyEventKind::Press {
            continue;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('c') if ctrl => {
                erase(&mut err, drawn)?;
                drop(raw);
                interrupted();
            }
            KeyCode::Char('u') if ctrl => filter.clear(),
            KeyCode::Char(c) if !ctrl => {
                filter.push(c);
                selected = 0;
                top = 0;
            }
            KeyCode::Backspace => {
                filter.pop();
            }
            KeyCode::Up => {
                selected = selected
                    .checked_sub(1)
                    .unwrap_or(shown.len().saturating_sub(1))
            }
            KeyCode::Down => {
                selected = if selected + 1 < shown.len() {
                    selected + 1
                } else {
                    0
                }
            }
            KeyCode::PageUp => selected = selected.saturating_sub(room),
            KeyCode::PageDown => selected = (selected + room).min(shown.len().saturating_sub(1)),
            KeyCode::Enter if !shown.is_empty() => {
                erase(&mut err, drawn)?;
                return Ok(Some(shown[selected]));
            }
            KeyCode::Esc => {
                erase(&mut err, drawn)?;
                return Ok(None);
            }
            _ => {}
        }
    }
}

/// Erases the `lines` lines last drawn, leaving the cursor where they began.
fn erase(err: &mut impl Write, lines: usize) -> io::Result<()> {
    if lines > 1 {
        queue!(
            err,
            cursor::MoveUp(u16::try_from(lines - 1).unwrap_or(u16::MAX))
        )?;
    }
    queue!(
        err,
        cursor::MoveToColumn(0),
        terminal::Clear(terminal::ClearType::FromCursorDown)
    )?;
    err.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_folds_case_and_accents() {
        assert!(kept("Éditeur de logiciel", "editeur"));
        assert!(kept("Éditeur de logiciel", "ÉDIT log"));
        assert!(!kept("Une collectivité ou une administration", "edit"));
    }

    #[test]
    fn lines_are_cut_to_the_width() {
        assert_eq!(cut("abcdef", 80), "abcdef");
        assert_eq!(cut("abcdef", 5), "abc…");
        assert_eq!(cut("abcd", 5), "abcd");
    }
}
