//! The interactive questionnaire: "Who are you?", then verdicts. Needs a terminal.

use std::io::{self, IsTerminal, Write};

use dialoguer::FuzzySelect;
use dialoguer::theme::ColorfulTheme;

use crate::catalogue::{Catalogue, Entry};
use crate::eligibility::{Ambiguity, Answer, answer, catalogue_profiles, entry_labels};
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
    if e.is_open == Some(1) {
        let a = answer(e, "", Ambiguity::Closest).expect("closest never refuses");
        return emit(&verdict::page(e, "anyone", &a, style));
    }
    let labels: Vec<String> = entry_labels(e).into_iter().map(str::to_string).collect();
    if labels.is_empty() {
        let a = answer(e, "", Ambiguity::Closest).expect("closest never refuses");
        return emit(&verdict::page(e, "anyone", &a, style));
    }
    if let Some(i) = choose("Who are you?", &labels)? {
        let a = answer(e, &labels[i], Ambiguity::Closest).expect("closest never refuses");
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
    let rows = rows(cat, profile);
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

/// Every entry's answer for a profile, best verdict first.
pub fn rows<'a>(cat: &'a Catalogue, profile: &str) -> Vec<(&'a Entry, Answer<'a>)> {
    let mut rows: Vec<(&Entry, Answer)> = cat
        .entries
        .iter()
        .map(|e| {
            (
                e,
                answer(e, profile, Ambiguity::Closest).expect("closest never refuses"),
            )
        })
        .collect();
    rows.sort_by(|a, b| {
        a.1.verdict
            .cmp(&b.1.verdict)
            .then_with(|| crate::text::fold(&a.0.title).cmp(&crate::text::fold(&b.0.title)))
    });
    rows
}
