//! The interactive questionnaire: "Who are you?", then verdicts. Needs a terminal.

use std::io::{self, IsTerminal, Write};

use dialoguer::FuzzySelect;
use dialoguer::theme::ColorfulTheme;

use crate::catalogue::Access;
use crate::catalogue::{Catalogue, Entry};
use crate::eligibility::{catalogue_profiles, closest, entry_labels};
use crate::term::{Style, emit};
use crate::view::verdict;

/// Whether a person can answer questions here.
pub fn available() -> bool {
    io::stdin().is_terminal() && io::stderr().is_terminal()
}

/// Ctrl-C anywhere in the questionnaire: show the cursor again and exit 130.
pub fn on_interrupt() {
    let _ = ctrlc::set_handler(|| interrupted());
}

fn interrupted() -> ! {
    let mut err = io::stderr();
    let _ = err.write_all(b"\x1b[?25h\n");
    let _ = err.flush();
    std::process::exit(130)
}

/// One choice among items; `None` when the person quits (Esc or q).
fn choose(prompt: &str, items: &[String]) -> io::Result<Option<usize>> {
    let theme = ColorfulTheme::default();
    match FuzzySelect::with_theme(&theme)
        .with_prompt(prompt)
        .items(items)
        .default(0)
        .max_length(15)
        .interact_opt()
    {
        Ok(choice) => Ok(choice),
        Err(dialoguer::Error::IO(e)) if e.kind() == io::ErrorKind::Interrupted => interrupted(),
        Err(dialoguer::Error::IO(e)) => Err(e),
    }
}

/// `apicat eligible SLUG` on a terminal: asks who you are, prints the verdict, exits.
pub fn one(e: &Entry, style: &Style) -> io::Result<()> {
    let labels: Vec<String> = entry_labels(e).into_iter().map(str::to_string).collect();
    if e.access == Access::Open || labels.is_empty() {
        return emit(&verdict::page(e, "anyone", &closest(e, ""), style));
    }
    if let Some(i) = choose("Who are you?", &labels)? {
        let a = closest(e, &labels[i]);
        emit(&verdict::page(e, &labels[i], &a, style))?;
    }
    Ok(())
}

/// `apicat eligible` on a terminal: profile, catalogue-wide table, then APIs one by one.
pub fn catalogue(cat: &Catalogue, style: &Style) -> io::Result<()> {
    let profiles: Vec<String> = catalogue_profiles(&cat.entries)
        .into_iter()
        .map(|p| p.label)
        .collect();
    if profiles.is_empty() {
        return emit("No entry of this catalogue names who may use it.\n");
    }
    let Some(p) = choose("Who are you?", &profiles)? else {
        return Ok(());
    };
    let profile = &profiles[p];
    // The profile is one of the catalogue's own labels: every entry has an answer.
    let rows = crate::eligibility::across(&cat.entries, profile).unwrap_or_default();
    emit(&verdict::table(&rows, style))?;
    let items: Vec<String> = rows
        .iter()
        .map(|(e, a)| format!("{} — {} ({})", e.title, a.verdict.words(), e.slug))
        .collect();
    while let Some(i) = choose("Which API? (Esc to quit)", &items)? {
        let (e, a) = &rows[i];
        emit(&format!("\n{}\n", verdict::page(e, profile, a, style)))?;
    }
    Ok(())
}
