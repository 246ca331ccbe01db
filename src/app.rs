//! Turns a parsed command line into a configuration, once, and runs the command.

use apicat_core::catalogue::sources::Sources;

use crate::Result;
use crate::cli::{Cli, Command};
use crate::commands;
use crate::term::Style;

/// What every command needs to know, decided from flags, environment and stdout.
pub struct Config {
    /// Where the catalogue in use comes from.
    pub sources: Sources,
    /// `--no-cache`: read every entry afresh.
    pub no_cache: bool,
    pub style: Style,
}

impl Config {
    pub fn of(cli: &Cli) -> Config {
        Config {
            sources: Sources::new(cli.catalogue.clone(), &crate::bundled::BUNDLED)
                .only(cli.source.map(Into::into)),
            no_cache: cli.no_cache,
            style: Style::detect(cli.color),
        }
    }
}

/// Runs a command; the exit status on success.
pub fn run(cli: Cli) -> Result<u8> {
    let config = Config::of(&cli);
    if !matches!(cli.command, Command::Completions(_) | Command::Man) {
        for w in &config.sources.warnings {
            eprintln!("{w}");
        }
    }
    match &cli.command {
        Command::List(args) => commands::list::run(&config, args),
        Command::Search(args) => commands::search::run(&config, args),
        Command::Show(args) => commands::show::run(&config, args),
        Command::Eligible(args) => commands::eligible::run(&config, args),
        Command::Check(args) => commands::check::run(&config, args),
        Command::Completions(args) => commands::completions::run(args),
        Command::Man => commands::man::run(),
        Command::Paths => commands::paths::run(&config),
        Command::Update(args) => commands::update::run(&config, args),
    }
}
