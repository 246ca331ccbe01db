//! Everything that knows about the terminal: colour choice, width, writing output.

use std::io::{self, IsTerminal, Write};

use crate::cli::ColorChoice;

/// How output should look, decided once from flags, environment and stdout.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub width: usize,
    pub tty: bool,
}

impl Style {
    pub fn detect(choice: ColorChoice) -> Style {
        let tty = io::stdout().is_terminal();
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && !no_color,
        };
        Style {
            color,
            width: width(tty),
            tty,
        }
    }
}

/// The terminal's width, else `COLUMNS`, else 80.
fn width(tty: bool) -> usize {
    if tty
        && let Ok((w, _)) = termimad::crossterm::terminal::size()
        && w > 0
    {
        return usize::from(w);
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|w| *w > 0)
        .unwrap_or(80)
        .clamp(20, 1000)
}

/// Writes to stdout; a closed pipe (`apicat list | head -1`) is not an error.
pub fn emit(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Shows text through the pager (`$PAGER`, else `less -R`) when stdout is a terminal and the
/// text is taller than it; otherwise prints it. A pager that cannot start or fails never
/// loses the page: it is printed, and the reason said on stderr.
pub fn page_or_print(text: &str, style: &Style, allow_pager: bool) -> io::Result<()> {
    // Only a terminal has a height worth asking (asking a pipe spawns `tput`).
    if !(allow_pager && style.tty) {
        return emit(text);
    }
    let height = termimad::crossterm::terminal::size().map_or(24, |(_, h)| usize::from(h));
    if text.lines().count() < height {
        return emit(text);
    }
    let pager = std::env::var("PAGER")
        .ok()
        .filter(|p| !p.trim().is_empty())
        .unwrap_or_else(|| "less -R".into());
    let shown = crate::text::sanitize_line(&pager);
    let child = std::process::Command::new("sh")
        .arg("-c")
        .arg(&pager)
        .env("LESSCHARSET", "utf-8")
        .stdin(std::process::Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            eprintln!("apicat: the pager ({shown}) could not start: {e}; the page follows");
            return emit(text);
        }
    };
    // Ctrl-C belongs to the pager while it runs: apicat waits for it to restore the screen.
    let _ = ctrlc::set_handler(|| {});
    if let Some(mut stdin) = child.stdin.take() {
        // The reader may quit early: a closed pipe is fine.
        let _ = stdin.write_all(text.as_bytes());
    }
    let status = child.wait()?;
    if !status.success() {
        let why = match status.code() {
            Some(127) => "was not found".to_string(),
            Some(c) => format!("failed (exit status {c})"),
            None => "was stopped by a signal".to_string(),
        };
        eprintln!(
            "apicat: the pager ({shown}) {why}; the page follows (set PAGER, or use --no-pager)"
        );
        return emit(text);
    }
    Ok(())
}

pub const BOLD: &str = "\x1b[1m";
pub const HIGHLIGHT: &str = "\x1b[1;33m";
pub const DIM: &str = "\x1b[2m";
pub const RESET: &str = "\x1b[0m";

/// Wraps every occurrence of the folded `marks` in `text` with the highlight colour.
pub fn highlight(text: &str, marks: &[String]) -> String {
    let (folded, offsets) = crate::text::fold_with_offsets(text);
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for m in marks.iter().filter(|m| !m.is_empty()) {
        let mut from = 0;
        while let Some(i) = folded[from..].find(m.as_str()) {
            let (s, e) = (from + i, from + i + m.len());
            let start = offsets[s];
            let end = offsets.get(e).copied().unwrap_or(text.len());
            spans.push((start, end.max(start)));
            from = e;
        }
    }
    if spans.is_empty() {
        return text.to_string();
    }
    spans.sort();
    // Overlapping or touching matches (a stem inside its word) make one highlight.
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut out = String::with_capacity(text.len() + merged.len() * 10);
    let mut pos = 0;
    for (s, e) in merged {
        if e <= pos {
            continue;
        }
        let s = s.max(pos);
        out.push_str(&text[pos..s]);
        out.push_str(HIGHLIGHT);
        out.push_str(&text[s..e]);
        out.push_str(RESET);
        pos = e;
    }
    out.push_str(&text[pos..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlight_marks_folded_matches_in_the_original() {
        let h = highlight("Procédures collectives", &["procedures".into()]);
        assert_eq!(h, format!("{HIGHLIGHT}Procédures{RESET} collectives"));
        let h = highlight("aXa b", &["a".into(), "xa".into()]);
        assert_eq!(h, format!("{HIGHLIGHT}aXa{RESET} b"));
        // A stem and its word: one span, not `adress` then `e`.
        let h = highlight("Adresses", &["adress".into(), "adresse".into()]);
        assert_eq!(h, format!("{HIGHLIGHT}Adresse{RESET}s"));
        assert_eq!(highlight("none", &["zz".into()]), "none");
    }
}
